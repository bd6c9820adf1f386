import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { MiddlewareInstance } from '@internal/plugin-app-platform-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { Answer, clientAnswering, json } from '../../testing/backendAnswering';
import { BindServiceDialog } from './BindServiceDialog';
import {
  cache,
  ordersDb,
  services,
  workerVersions,
} from './middlewareInstanceFixtures';

const servicesRoute = {
  '/applications/payments/services': json({ items: services }),
};

/** What the plan of the bound worker shows: the new env vars on its Deployment. */
const plan = [
  {
    cluster: 'test',
    objects: [
      {
        kind: 'Deployment',
        name: 'worker',
        action: 'update',
        changes: [
          {
            path: 'spec.template.spec.containers[worker].env[ORDERS_DB_HOST]',
            after: 'orders-db.payments.svc',
          },
          {
            path: 'spec.template.spec.containers[worker].env[ORDERS_DB_PASSWORD]',
            after: { secretKeyRef: { name: 'orders-db', key: 'password' } },
          },
        ],
      },
    ],
  },
];

async function render(
  instance: MiddlewareInstance,
  routes: Record<string, Answer>,
) {
  const backend = clientAnswering(routes);
  const onDeployed = jest.fn();
  const onClose = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[appPlatformApiRef, backend.client]]}>
      <BindServiceDialog
        instance={instance}
        onDeployed={onDeployed}
        onClose={onClose}
      />
    </TestApiProvider>,
  );
  return { ...backend, onDeployed, onClose };
}

async function chooseService(option: string) {
  await userEvent.click(await screen.findByRole('button', { name: /Service/ }));
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

describe('BindServiceDialog', () => {
  it('offers the services with a deployed version, and names the env vars they get', async () => {
    await render(ordersDb, servicesRoute);
    const env = screen.getByRole('region', {
      name: 'Environment the service gets',
    });
    expect(
      within(env)
        .getAllByRole('listitem')
        .map(item => item.getAttribute('aria-label')),
    ).toEqual([
      'ORDERS_DB_HOST',
      'ORDERS_DB_PORT',
      'ORDERS_DB_USER',
      'ORDERS_DB_PASSWORD',
      'ORDERS_DB_DATABASE',
    ]);
    expect(
      within(env).getByRole('listitem', { name: 'ORDERS_DB_PASSWORD' }),
    ).toHaveTextContent('from Secret orders-db, key password');

    await userEvent.click(
      await screen.findByRole('button', { name: /Service/ }),
    );
    expect(
      within(screen.getByRole('listbox'))
        .getAllByRole('option')
        .map(option => option.textContent),
    ).toEqual(['api (v2)', 'worker (v3)']);
  });

  it("deploys the service's current version with the binding added, through the plan", async () => {
    const bodies: Record<'plan' | 'deploy', unknown[]> = {
      plan: [],
      deploy: [],
    };
    const record = { id: 'd9', service: 'worker', state: 'deploying' };
    const { requests, onDeployed, onClose } = await render(ordersDb, {
      ...servicesRoute,
      '/applications/payments/services/worker/versions': json({
        items: workerVersions,
      }),
      'POST /applications/payments/services/worker/plan': request => {
        bodies.plan.push(request.body);
        return json({ clusters: plan })();
      },
      'POST /applications/payments/services/worker/deployments': request => {
        bodies.deploy.push(request.body);
        return json(record, 201)();
      },
    });
    await chooseService('worker (v3)');
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));

    const planDialog = await screen.findByRole('dialog', {
      name: 'Plan: bind payments/worker to orders-db',
    });
    const deployment = await within(planDialog).findByLabelText(
      'Deployment/worker',
    );
    expect(deployment).toHaveTextContent('env[ORDERS_DB_HOST]');
    expect(deployment).toHaveTextContent('orders-db.payments.svc');
    await userEvent.click(
      within(planDialog).getByRole('button', { name: 'Confirm deploy' }),
    );
    await waitFor(() => expect(onClose).toHaveBeenCalled());

    // v3's spec, its existing binding kept and the new one added.
    const spec = {
      ...workerVersions[0].spec,
      bindings: [{ instance: 'cache' }, { instance: 'orders-db' }],
    };
    expect(bodies.plan).toEqual([{ spec }]);
    expect(bodies.deploy).toEqual([
      { spec, description: 'Bind middleware instance orders-db' },
    ]);
    expect(onDeployed).toHaveBeenCalledWith(record);
    expect(requests).toContain(
      'GET /applications/payments/services/worker/versions?limit=100',
    );
  });

  it('says when the current version cannot be found', async () => {
    const { onClose } = await render(ordersDb, {
      ...servicesRoute,
      '/applications/payments/services/worker/versions': json({
        items: workerVersions.slice(1),
      }),
    });
    await chooseService('worker (v3)');
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Version v3 of worker is not among its newest 100 versions',
    );
    expect(screen.queryByRole('dialog', { name: /Plan/ })).toBeNull();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('says when no service can bind it: the others bind it already or were never deployed', async () => {
    await render(cache, servicesRoute);
    expect(await screen.findByText(/No service can bind it/)).toBeVisible();
    expect(screen.getByText('Already bound by api, worker.')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Review plan' })).toBeDisabled();
  });

  it('shows why the services could not be loaded', async () => {
    await render(ordersDb, {});
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'no route GET /applications/payments/services',
    );
  });
});
