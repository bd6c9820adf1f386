import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { AppPlatformClient } from '@internal/plugin-app-platform-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { appStoreRouteRef } from '../../middleware/middlewareExtensions';
import { backendError } from '../../scaffolder/__testUtils__/backendError';
import {
  Answer,
  clientAnswering,
  json,
  TestSignals,
} from '../../testing/backendAnswering';
import { definitionList } from '../AppStorePage/middlewareFixtures';
import { ApplicationMiddlewareCard } from './ApplicationMiddlewareCard';
import { cache, ordersDb } from './middlewareInstanceFixtures';

const instancesRoute = '/applications/payments/middleware';

const backend = (routes: Record<string, Answer> = {}) =>
  clientAnswering({
    [instancesRoute]: json({ items: [cache, ordersDb] }),
    '/middleware/definitions': json(definitionList),
    ...routes,
  });

async function render(client: AppPlatformClient, signals = new TestSignals()) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [appPlatformApiRef, client],
        [signalApiRef, signals],
      ]}
    >
      <ApplicationMiddlewareCard
        application="payments"
        clusters={['test', 'production']}
      />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/app-platform/app-store': appStoreRouteRef,
      },
    },
  );
}

const statusSignal = (overrides: object) => ({
  application: 'payments',
  service: 'cache',
  kind: 'middleware',
  state: 'running',
  clusters: [],
  ...overrides,
});

describe('ApplicationMiddlewareCard', () => {
  it('lists the instances: definition, version, state per cluster and the services bound to each', async () => {
    await render(backend().client);
    const row = await screen.findByRole('row', { name: /^cache\b/ });
    expect(within(row).getByRole('img', { name: 'Redis icon' })).toBeVisible();
    expect(row).toHaveTextContent('Redis');
    expect(row).toHaveTextContent('7.4');
    expect(within(row).getByTestId('state-test')).toHaveAttribute(
      'data-state',
      'running',
    );
    expect(within(row).getByTestId('state-production')).toHaveAttribute(
      'data-state',
      'failed',
    );
    expect(row).toHaveTextContent('ImagePullBackOff: Back-off pulling image');
    const boundBy = within(row).getByLabelText('Bound by api, worker');
    expect(
      within(boundBy).getByRole('link', { name: 'worker' }),
    ).toHaveAttribute('href', '/catalog/payments/component/worker');
    expect(within(row).queryByText('Update available')).toBeNull();

    const orders = screen.getByRole('row', { name: /^orders-db\b/ });
    expect(orders).toHaveTextContent('PostgreSQL');
    expect(within(orders).getByText('Update available')).toBeVisible();
    expect(orders).toHaveTextContent('not deployed');
    expect(orders).toHaveTextContent('no service');
  });

  it('reloads when a status signal of one of its instances arrives, and only then', async () => {
    const signals = new TestSignals();
    let instances = [cache, ordersDb];
    const { client, requests } = backend({
      [instancesRoute]: () => json({ items: instances })(),
    });
    await render(client, signals);
    await screen.findByRole('row', { name: /^orders-db\b/ });
    const loads = () => requests.filter(r => r === `GET ${instancesRoute}`);
    expect(loads()).toHaveLength(1);

    // A service's status, and another application's instance: not its business.
    act(() => {
      signals.publish(
        'app-platform:service-status',
        statusSignal({ service: 'api', kind: undefined }),
      );
      signals.publish(
        'app-platform:service-status',
        statusSignal({ application: 'shop' }),
      );
    });
    // A reload would have asked by now: the client's request goes out after a tick.
    await act(() => new Promise(resolve => setTimeout(resolve, 0)));
    expect(loads()).toHaveLength(1);

    instances = [{ ...cache, updateAvailable: true }];
    act(() => signals.publish('app-platform:service-status', statusSignal({})));
    await waitFor(() =>
      expect(screen.queryByRole('row', { name: /^orders-db\b/ })).toBeNull(),
    );
    expect(
      within(screen.getByRole('row', { name: /^cache\b/ })).getByText(
        'Update available',
      ),
    ).toBeVisible();
    expect(loads()).toHaveLength(2);
  });

  it('lists the instances without icons when the definitions cannot be read', async () => {
    await render(
      backend({
        '/middleware/definitions': backendError(500, 'definitions broke'),
      }).client,
    );
    const row = await screen.findByRole('row', { name: /^cache\b/ });
    expect(row).toHaveTextContent('Redis');
    expect(within(row).queryByRole('img')).toBeNull();
  });

  it('disables the actions of an instance whose rollout is in flight, saying why', async () => {
    await render(
      backend({
        [instancesRoute]: json({
          items: [
            {
              ...cache,
              state: 'deploying',
              inFlight: '0a1b2c3d-0000-4000-8000-000000000007',
            },
            ordersDb,
          ],
        }),
      }).client,
    );
    const row = await screen.findByRole('row', { name: /^cache\b/ });
    for (const name of ['Upgrade', 'Bind service', 'Uninstall']) {
      expect(within(row).getByRole('button', { name })).toBeDisabled();
    }
    expect(within(row).getByTestId('why-not-Uninstall')).toHaveAttribute(
      'title',
      'Its record 0a1b2c3d is in flight; wait for it to settle',
    );
    const orders = screen.getByRole('row', { name: /^orders-db\b/ });
    await waitFor(() =>
      expect(
        within(orders).getByRole('button', { name: 'Upgrade' }),
      ).toBeEnabled(),
    );
  });

  it("opens the upgrade with the instance's definition", async () => {
    await render(backend().client);
    const orders = await screen.findByRole('row', { name: /^orders-db\b/ });
    await waitFor(() =>
      expect(
        within(orders).getByRole('button', { name: 'Upgrade' }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      within(orders).getByRole('button', { name: 'Upgrade' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Upgrade orders-db (PostgreSQL)',
    });
    expect(within(dialog).getByText('The definition changed')).toBeVisible();
    expect(
      within(dialog).getByRole('textbox', { name: /Database/ }),
    ).toHaveValue('app');
  });

  it('reloads once an uninstall is accepted', async () => {
    const { client, requests } = backend({
      'DELETE /applications/payments/middleware/orders-db': () =>
        new Response(null, { status: 204 }),
    });
    await render(client);
    const orders = await screen.findByRole('row', { name: /^orders-db\b/ });
    await userEvent.click(
      within(orders).getByRole('button', { name: 'Uninstall' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Uninstall orders-db from payments?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Uninstall' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() =>
      expect(requests.filter(r => r === `GET ${instancesRoute}`)).toHaveLength(
        2,
      ),
    );
  });

  it('says how to get middleware when there is none', async () => {
    await render(backend({ [instancesRoute]: json({ items: [] }) }).client);
    const empty = await screen.findByText(/No middleware yet/);
    expect(empty).toHaveTextContent(
      'No middleware yet — install from the App Store.',
    );
    expect(
      within(empty).getByRole('link', { name: 'install from the App Store' }),
    ).toHaveAttribute('href', '/app-platform/app-store');
  });

  it('shows why the instances could not be loaded and loads them again on request', async () => {
    let fail = true;
    await render(
      backend({
        [instancesRoute]: () =>
          fail
            ? backendError(403, 'not allowed: app-platform.application.read')()
            : json({ items: [cache] })(),
      }).client,
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'The middleware instances could not be loaded',
    );
    expect(alert).toHaveTextContent(
      'not allowed: app-platform.application.read',
    );
    fail = false;
    await userEvent.click(
      within(alert).getByRole('button', { name: 'Try again' }),
    );
    expect(await screen.findByRole('row', { name: /^cache\b/ })).toBeVisible();
  });

  it('shows progress while the instances load', async () => {
    await render(
      backend({ [instancesRoute]: () => new Promise(() => {}) as any }).client,
    );
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });
});
