import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { JsonObject } from '@backstage/types';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { Answer, clientAnswering, json } from '../../testing/backendAnswering';
import { backendError } from '../__testUtils__/backendError';
import { renderFieldInForm } from '../__testUtils__/renderFieldInForm';
import { namespaceTemplatePickerField } from './namespaceTemplatePickerField';

function render(
  options: {
    routes?: Record<string, Answer>;
    formData?: string;
    property?: JsonObject;
    theme?: 'mui' | 'bui';
  } = {},
) {
  const { client } = clientAnswering(
    options.routes ?? {
      '/namespace-templates': json({ items: ['web', 'default', 'batch'] }),
    },
  );
  return renderFieldInForm(namespaceTemplatePickerField, {
    apis: [[appPlatformApiRef, client]],
    property: {
      type: 'string',
      title: 'Namespace template',
      ...options.property,
    },
    formData: options.formData,
    theme: options.theme,
  });
}

describe('NamespaceTemplatePicker', () => {
  it('says it is loading while the templates are on their way', async () => {
    await render({
      routes: { '/namespace-templates': () => new Promise(() => {}) as any },
    });
    expect(
      await screen.findByText(
        'Namespace template: loading the namespace templates…',
      ),
    ).toBeInTheDocument();
  });

  it('lists the templates, the default first, described, and chosen', async () => {
    const form = await render();
    const radios = await screen.findAllByRole('radio');
    expect(radios.map(r => r.closest('label')?.textContent)).toEqual([
      'defaultThe platform default: what an application gets when it names no template.',
      'batch',
      'web',
    ]);
    await waitFor(() => expect(form.value()).toBe('default'));
    expect(radios[0]).toBeChecked();
  });

  it('makes the chosen template the value', async () => {
    const form = await render();
    await userEvent.click(await screen.findByRole('radio', { name: 'web' }));
    expect(form.value()).toBe('web');
    expect(screen.getByRole('radio', { name: /^default/ })).not.toBeChecked();
  });

  it("keeps a default the template's schema gives", async () => {
    const form = await render({ property: { default: 'web' } });
    expect(await screen.findByRole('radio', { name: 'web' })).toBeChecked();
    expect(form.value()).toBe('web');
  });

  it('says when the platform offers no template', async () => {
    await render({ routes: { '/namespace-templates': json({ items: [] }) } });
    expect(
      await screen.findByText(
        'Namespace template: the platform offers no namespace template',
      ),
    ).toBeInTheDocument();
  });

  it('shows why the templates failed to load and loads them again on request', async () => {
    let fail = true;
    await render({
      routes: {
        '/namespace-templates': () =>
          fail
            ? backendError(503, 'backend is starting')()
            : json({ items: ['default'] })(),
      },
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'the namespace templates could not be loaded',
    );
    expect(alert).toHaveTextContent('backend is starting');
    fail = false;
    await userEvent.click(
      within(alert).getByRole('button', { name: 'Try again' }),
    );
    expect(
      await screen.findByRole('radio', { name: /^default/ }),
    ).toBeInTheDocument();
  });

  it('warns when the value it was given is not a template', async () => {
    await render({ formData: 'gone' });
    expect(
      await screen.findByText(
        "“gone” is not one of the platform's namespace templates",
      ),
    ).toBeInTheDocument();
  });

  it('works the same in a Backstage UI form', async () => {
    const form = await render({ theme: 'bui' });
    await waitFor(() => expect(form.value()).toBe('default'));
    await userEvent.click(await screen.findByRole('radio', { name: 'web' }));
    expect(form.value()).toBe('web');
  });
});

describe('NamespaceTemplatePicker validation', () => {
  it('accepts a template and says what else it would take', async () => {
    const form = await render();
    await waitFor(() => expect(form.value()).toBe('default'));
    expect(await form.validate('web')).toEqual([]);
    expect(await form.validate('gone')).toEqual([
      '“gone” is not a namespace template; choose one of: web, default, batch.',
    ]);
    expect(await form.validate('')).toEqual([
      'Choose a namespace template: web, default, batch.',
    ]);
  });

  it('says when the templates could not be checked', async () => {
    let fail = false;
    const form = await render({
      routes: {
        '/namespace-templates': () =>
          fail
            ? backendError(503, 'backend is starting')()
            : json({ items: ['default'] })(),
      },
    });
    await waitFor(() => expect(form.value()).toBe('default'));
    fail = true;
    expect(await form.validate('default')).toEqual([
      'The namespace templates could not be checked: backend is starting',
    ]);
  });
});
