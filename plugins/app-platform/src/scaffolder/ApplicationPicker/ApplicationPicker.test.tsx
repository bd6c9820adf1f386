import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { Application } from '@internal/plugin-app-platform-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { Answer, clientAnswering, json } from '../../testing/backendAnswering';
import { backendError } from '../__testUtils__/backendError';
import { renderFieldInForm } from '../__testUtils__/renderFieldInForm';
import { applicationPickerField } from './applicationPickerField';

const application = (
  name: string,
  extra: Partial<Application> = {},
): Application => ({
  name,
  owner: 'group:default/team-a',
  namespaceTemplate: 'default',
  adopt: false,
  createdBy: 'user:default/guest',
  createdAt: '2026-11-20T00:00:00Z',
  updatedAt: '2026-11-20T00:00:00Z',
  namespaces: [],
  ...extra,
});

const shop = application('shop', { title: 'Shop' });
const billing = application('billing', {
  title: 'Billing',
  owner: 'group:default/payments',
});
const search = application('search');
const leaving = application('leaving', {
  deletionRequestedAt: '2026-11-21T00:00:00Z',
});

/** A permission API that allows `app-platform.application.update` on `allowed` only. */
function permissionsAllowing(allowed: string[]) {
  const authorize = jest.fn(async (request: any) => ({
    result:
      request.permission.name === 'app-platform.application.update' &&
      allowed.includes(request.resourceRef)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  }));
  return { authorize };
}

function render(
  options: {
    routes?: Record<string, Answer>;
    allowed?: string[];
    formData?: string;
    required?: boolean;
    theme?: 'mui' | 'bui';
  } = {},
) {
  const { client, requests } = clientAnswering(
    options.routes ?? {
      '/applications': json({ items: [shop, billing, search, leaving] }),
    },
  );
  const permissions = permissionsAllowing(
    options.allowed ?? ['shop', 'billing', 'leaving'],
  );
  return renderFieldInForm(applicationPickerField, {
    apis: [
      [appPlatformApiRef, client],
      [permissionApiRef, permissions],
    ],
    property: { type: 'string', title: 'Application' },
    formData: options.formData,
    required: options.required,
    theme: options.theme,
  }).then(form => ({ ...form, requests, permissions }));
}

describe('ApplicationPicker', () => {
  it('says it is loading while the applications are on their way', async () => {
    await render({
      routes: { '/applications': () => new Promise(() => {}) as any },
    });
    expect(
      await screen.findByText(
        'Application: loading the applications you may change…',
      ),
    ).toBeInTheDocument();
  });

  it('offers only the applications the user may change, with title, name and owner', async () => {
    const form = await render({ allowed: ['shop', 'billing', 'leaving'] });
    await userEvent.click(
      await screen.findByRole('button', { name: /Application/ }),
    );
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    // search is not the user's; leaving is being deleted; sorted by title.
    expect(options.map(o => o.textContent)).toEqual([
      'Billing (billing)Owner: payments',
      'Shop (shop)Owner: team-a',
    ]);
    // One question per application the user may read, none for those being deleted.
    expect(
      form.permissions.authorize.mock.calls.map(([r]) => r.resourceRef),
    ).toEqual(['shop', 'billing', 'search']);
  });

  it('makes the chosen application the value', async () => {
    const form = await render();
    await userEvent.click(
      await screen.findByRole('button', { name: /Application/ }),
    );
    await userEvent.click(
      screen.getByRole('option', { name: /Shop \(shop\)/ }),
    );
    expect(form.value()).toBe('shop');
    expect(
      screen.getByRole('button', { name: /Application/ }),
    ).toHaveTextContent('Shop (shop)');
  });

  it('says the user may change no application and to create one first', async () => {
    await render({ allowed: [] });
    expect(
      await screen.findByText('Application: you may change no application'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Create one first/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Application/ })).toBeNull();
  });

  it('shows why the list failed and loads it again on request', async () => {
    let fail = true;
    await render({
      routes: {
        '/applications': () =>
          fail
            ? backendError(500, 'database is locked')()
            : json({ items: [shop] })(),
      },
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('the applications could not be loaded');
    expect(alert).toHaveTextContent('database is locked');
    fail = false;
    await userEvent.click(
      within(alert).getByRole('button', { name: 'Try again' }),
    );
    expect(
      await screen.findByRole('button', { name: /Application/ }),
    ).toBeInTheDocument();
  });

  it('takes the only application when the field is required', async () => {
    const form = await render({ allowed: ['shop'], required: true });
    await waitFor(() => expect(form.value()).toBe('shop'));
  });

  it('warns when the value it was given is not one the user may change', async () => {
    await render({ formData: 'search' });
    expect(
      await screen.findByText(
        '“search” is not among the applications you may change',
      ),
    ).toBeInTheDocument();
  });

  it('works the same in a Backstage UI form', async () => {
    const form = await render({ theme: 'bui' });
    await userEvent.click(
      await screen.findByRole('button', { name: /Application/ }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: /Shop \(shop\)/ }),
    );
    expect(form.value()).toBe('shop');
  });
});

describe('ApplicationPicker validation', () => {
  const routes = {
    '/applications': json({ items: [shop, billing, leaving] }),
    '/applications/shop': json(shop),
    '/applications/billing': json(billing),
    '/applications/leaving': json(leaving),
  };

  it('accepts an application the user may change', async () => {
    const form = await render({ routes, allowed: ['shop'] });
    await screen.findByRole('button', { name: /Application/ });
    expect(await form.validate('shop')).toEqual([]);
  });

  it('says what is wrong with a value it refuses', async () => {
    const form = await render({ routes, allowed: ['shop', 'leaving'] });
    await screen.findByRole('button', { name: /Application/ });
    expect(await form.validate('')).toEqual([
      'Choose an application you may change: one your team owns, or any if you are a platform admin.',
    ]);
    expect(await form.validate('My_Shop')).toEqual([
      "“My_Shop” cannot be an application name: it must consist of lower-case letters, digits and '-', and start and end with a letter or digit (RFC 1123).",
    ]);
    expect(await form.validate('ghost')).toEqual([
      'There is no application “ghost”; choose one from the list.',
    ]);
    expect(await form.validate('leaving')).toEqual([
      'Application “leaving” is being deleted; choose another one.',
    ]);
    expect(await form.validate('billing')).toEqual([
      'You may not change application “billing”: only members of its owner (payments) and platform admins may.',
    ]);
  });

  it('says when the backend could not answer', async () => {
    const form = await render({
      routes: {
        ...routes,
        '/applications/shop': backendError(500, 'database is locked'),
      },
    });
    await screen.findByRole('button', { name: /Application/ });
    expect(await form.validate('shop')).toEqual([
      'Application “shop” could not be checked: database is locked',
    ]);
  });
});
