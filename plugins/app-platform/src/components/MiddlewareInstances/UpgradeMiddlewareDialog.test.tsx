import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  MiddlewareDefinitionSummary,
  MiddlewareInstance,
} from '@internal/plugin-app-platform-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { backendError } from '../../scaffolder/__testUtils__/backendError';
import { Answer, clientAnswering, json } from '../../testing/backendAnswering';
import { postgresql, redis } from '../AppStorePage/middlewareFixtures';
import { cache, ordersDb } from './middlewareInstanceFixtures';
import { UpgradeMiddlewareDialog } from './UpgradeMiddlewareDialog';

const plan = [
  {
    cluster: 'test',
    objects: [
      {
        kind: 'StatefulSet',
        name: 'cache',
        action: 'update',
        changes: [
          {
            path: 'spec.template.spec.containers[redis].image',
            before: 'redis:7.4',
            after: 'redis:8.0',
          },
        ],
      },
    ],
  },
];

async function render(
  instance: MiddlewareInstance,
  definition: MiddlewareDefinitionSummary | undefined,
  routes: Record<string, Answer>,
) {
  const backend = clientAnswering(routes);
  const onUpgraded = jest.fn();
  const onClose = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[appPlatformApiRef, backend.client]]}>
      <UpgradeMiddlewareDialog
        instance={instance}
        definition={definition}
        onUpgraded={onUpgraded}
        onClose={onClose}
      />
    </TestApiProvider>,
  );
  return { ...backend, onUpgraded, onClose };
}

/** The routes of an upgrade of `name`, keeping what was sent. */
function upgradeRoutes(name: string) {
  const bodies: Record<'plan' | 'upgrade', unknown[]> = {
    plan: [],
    upgrade: [],
  };
  const routes: Record<string, Answer> = {
    [`POST /applications/payments/middleware/${name}/plan`]: request => {
      bodies.plan.push(request.body);
      return json({ clusters: plan })();
    },
    [`POST /applications/payments/middleware/${name}/upgrade`]: request => {
      bodies.upgrade.push(request.body);
      return json({ instance: cache, deployment: { id: 'd2' } })();
    },
  };
  return { bodies, routes };
}

async function choose(label: RegExp, option: string) {
  await userEvent.click(screen.getByRole('button', { name: label }));
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

async function reviewAndUpgrade() {
  await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
  const planDialog = await screen.findByRole('dialog', {
    name: /Plan: upgrade payments\//,
  });
  await within(planDialog).findByLabelText('Plan summary');
  await userEvent.click(
    within(planDialog).getByRole('button', { name: 'Upgrade' }),
  );
  return planDialog;
}

describe('UpgradeMiddlewareDialog', () => {
  it("fills the form from the instance's parameters, the password redacted and left out", async () => {
    const { bodies, routes } = upgradeRoutes('cache');
    const { onUpgraded, onClose } = await render(cache, redis, routes);
    expect(screen.getByRole('button', { name: /Version/ })).toHaveTextContent(
      '7.4',
    );
    expect(screen.getByRole('textbox', { name: /Replicas/ })).toHaveValue('1');
    const password = screen.getByLabelText(/^Password/);
    expect(password).toHaveValue('');
    expect(password).toHaveAttribute('placeholder', '<redacted>');
    expect(screen.queryByText('The definition changed')).toBeNull();

    await choose(/Version/, '8.0');
    await reviewAndUpgrade();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    // Only what changed: the API merges it over the current parameters.
    expect(bodies).toEqual({
      plan: [{ parameters: { version: '8.0' } }],
      upgrade: [{ parameters: { version: '8.0' } }],
    });
    expect(onUpgraded).toHaveBeenCalledWith({
      instance: cache,
      deployment: { id: 'd2' },
    });
  });

  it('sends a password the user typed', async () => {
    const { bodies, routes } = upgradeRoutes('cache');
    const { onClose } = await render(cache, redis, routes);
    await userEvent.type(screen.getByLabelText(/^Password/), 'n3w-secret!');
    await reviewAndUpgrade();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(bodies.upgrade).toEqual([
      { parameters: { password: 'n3w-secret!' } },
    ]);
  });

  it('says that the definition changed and that the upgrade re-renders with it', async () => {
    const { bodies, routes } = upgradeRoutes('orders-db');
    const { onClose } = await render(
      ordersDb,
      { ...postgresql, digest: 'sha256:postgresql-new' },
      routes,
    );
    expect(screen.getByText('The definition changed')).toBeVisible();
    expect(
      screen.getByText(/re-renders it with the new definition/),
    ).toHaveTextContent('digest postgresql-o → postgresql-n');
    await reviewAndUpgrade();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(bodies.upgrade).toEqual([{ parameters: {} }]);
  });

  it('upgrades without a form when the definition is not loaded', async () => {
    const { bodies, routes } = upgradeRoutes('cache');
    const { onClose } = await render(cache, undefined, routes);
    expect(
      screen.getByText('The definition redis is not loaded'),
    ).toBeVisible();
    expect(screen.queryByRole('textbox')).toBeNull();
    await reviewAndUpgrade();
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(bodies.plan).toEqual([{ parameters: {} }]);
  });

  it("shows the API's refusal naming the field, and goes back to the form on cancel", async () => {
    const message =
      'Invalid parameters for middleware "redis": parameters.replicas: must be <= 5';
    const { routes } = upgradeRoutes('cache');
    const { onClose } = await render(cache, redis, {
      ...routes,
      'POST /applications/payments/middleware/cache/upgrade': backendError(
        400,
        message,
      ),
    });
    const replicas = screen.getByRole('textbox', { name: /Replicas/ });
    await userEvent.clear(replicas);
    await userEvent.type(replicas, '9');
    const planDialog = await reviewAndUpgrade();
    expect(await within(planDialog).findByRole('alert')).toHaveTextContent(
      message,
    );
    await userEvent.click(
      within(planDialog).getByRole('button', { name: 'Cancel' }),
    );
    expect(
      await screen.findByRole('textbox', { name: /Replicas/ }),
    ).toHaveValue('9');
    expect(onClose).not.toHaveBeenCalled();
  });
});
