import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { AppPlatformClient } from '@internal/plugin-app-platform-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { act, screen, waitFor, within } from '@testing-library/react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import {
  clientAnswering,
  json,
  TestSignals,
} from '../../testing/backendAnswering';
import { definitionList } from '../AppStorePage/middlewareFixtures';
import { cache } from '../MiddlewareInstances/middlewareInstanceFixtures';
import { ApplicationOverview } from './ApplicationOverview';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'payments',
    annotations: { 'app-platform.io/application': 'payments' },
  },
  spec: { owner: 'group:default/team-a' },
};

const application = {
  name: 'payments',
  owner: 'group:default/team-a',
  namespaceTemplate: 'default',
  createdBy: 'user:default/alice',
  createdAt: '2026-11-23T10:00:00Z',
  adopt: true,
  deletionRequestedAt: '2026-11-23T11:00:00Z',
  namespaces: [
    {
      cluster: 'test',
      state: 'ready',
      attempts: 0,
      updatedAt: '2026-11-23T10:00:01Z',
    },
    {
      cluster: 'production',
      state: 'failed',
      message:
        'delete Namespace: no answer from cluster production within 10000 ms',
      attempts: 3,
      nextAttemptAt: '2026-11-23T11:05:00Z',
      updatedAt: '2026-11-23T11:01:00Z',
    },
  ],
};

const clusters = [
  { name: 'test', environment: 'test', health: 'healthy' },
  { name: 'production', environment: 'production', health: 'unreachable' },
  { name: 'staging', environment: 'test', health: 'unreachable' },
];

const applicationStatus = {
  application: 'payments',
  state: 'deploying',
  services: [
    {
      application: 'payments',
      service: 'api',
      state: 'deploying',
      clusters: [
        {
          cluster: 'production',
          state: 'failed',
          reason: 'ImagePullBackOff',
          message: 'Back-off pulling image "pay:9"',
          version: 2,
          readyReplicas: 0,
          desiredReplicas: 2,
          updatedReplicas: 1,
        },
        {
          cluster: 'test',
          state: 'deploying',
          version: 2,
          readyReplicas: 1,
          desiredReplicas: 2,
          updatedReplicas: 1,
        },
      ],
    },
  ],
};

const services = [
  {
    application: 'payments',
    name: 'api',
    description: 'Takes the money',
    public: true,
    owner: 'group:default/team-a',
    createdAt: '2026-11-23T10:00:00Z',
    createdBy: 'user:default/alice',
    currentVersion: 2,
    desiredState: 'running',
  },
];

/** The routes of a healthy backend for the application. */
const backend = {
  '/applications/payments/middleware': json({ items: [cache] }),
  '/middleware/definitions': json(definitionList),
  '/applications/payments': json(application),
  '/applications/payments/status': json(applicationStatus),
  '/applications/payments/services': json({ items: services }),
  '/clusters': json({ items: clusters }),
};

async function render(client: AppPlatformClient, signals = new TestSignals()) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [appPlatformApiRef, client],
        [signalApiRef, signals],
      ]}
    >
      <EntityProvider entity={entity}>
        <ApplicationOverview />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('ApplicationOverview', () => {
  it('shows every cluster, the failures with their retries, and that the application is being deleted', async () => {
    await render(clientAnswering(backend).client);
    expect(
      await screen.findByText('Namespaces per cluster'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/no answer from cluster production/),
    ).toBeInTheDocument();
    expect(screen.getByText(/attempt 3, next retry/)).toBeInTheDocument();
    expect(screen.getByText('waiting for the cluster')).toBeInTheDocument();
    expect(screen.getByText(/Being deleted since/)).toBeInTheDocument();
    expect(
      screen.getByText(/Adopted namespaces that existed before it/),
    ).toBeInTheDocument();
  });

  it('shows services by cluster and follows them through signals without a request', async () => {
    const signals = new TestSignals();
    const { client, requests } = clientAnswering(backend);
    await render(client, signals);
    const api = await screen.findByRole('row', { name: /api/ });
    expect(
      within(api).getByText(/ImagePullBackOff: Back-off pulling image/),
    ).toBeInTheDocument();
    expect(within(api).getByTestId('state-test')).toHaveAttribute(
      'data-state',
      'deploying',
    );
    expect(screen.getByLabelText('Application state')).toHaveTextContent(
      'deploying',
    );
    expect(screen.getByText('Takes the money')).toBeInTheDocument();
    const before = requests.length;

    // The rollout ends on both clusters: pushed, not fetched.
    act(() =>
      signals.publish('app-platform:service-status', {
        ...applicationStatus.services[0],
        state: 'running',
        clusters: applicationStatus.services[0].clusters.map(c => ({
          cluster: c.cluster,
          state: 'running',
          version: 2,
          readyReplicas: 2,
          desiredReplicas: 2,
          updatedReplicas: 2,
          rollout: { oldReplicas: 0, conditions: [], events: [] },
        })),
        latestDeployment: { id: 'x' },
      }),
    );
    await waitFor(() =>
      expect(within(api).getByTestId('state-production')).toHaveAttribute(
        'data-state',
        'running',
      ),
    );
    expect(screen.getByLabelText('Application state')).toHaveTextContent(
      'running',
    );
    // Another application's signal changes nothing.
    act(() =>
      signals.publish('app-platform:service-status', {
        application: 'other',
        service: 'api',
        state: 'failed',
        clusters: [],
      }),
    );
    // The namespaces follow the application signal.
    act(() =>
      signals.publish('app-platform:application', {
        ...application,
        namespaces: application.namespaces.map(n => ({
          ...n,
          state: 'ready',
          message: undefined,
          attempts: 0,
        })),
      }),
    );
    await waitFor(() =>
      expect(screen.queryByText(/attempt 3/)).not.toBeInTheDocument(),
    );
    expect(requests.length).toBe(before);
  });

  it('shows its middleware instances beside the services, their status signals apart', async () => {
    const signals = new TestSignals();
    const { client, requests } = clientAnswering({
      ...backend,
      // Should the status list instances too, the grid leaves them out.
      '/applications/payments/status': json({
        ...applicationStatus,
        services: [
          ...applicationStatus.services,
          {
            application: 'payments',
            service: 'cache',
            kind: 'middleware',
            state: 'running',
            clusters: [],
          },
        ],
      }),
    });
    await render(client, signals);
    const instance = await screen.findByRole('row', { name: /^cache\b/ });
    expect(instance).toHaveTextContent('Redis');
    // One row for the instance: the middleware card's, none in the services grid.
    const cacheRows = () => screen.getAllByRole('row', { name: /^cache\b/ });
    expect(cacheRows()).toHaveLength(1);
    const loads = () =>
      requests.filter(r => r === 'GET /applications/payments/middleware');
    expect(loads()).toHaveLength(1);

    // An instance's status is no service: the grid stays; the card reloads.
    act(() =>
      signals.publish('app-platform:service-status', {
        application: 'payments',
        service: 'cache',
        kind: 'middleware',
        state: 'failed',
        clusters: [],
      }),
    );
    await waitFor(() => expect(loads()).toHaveLength(2));
    expect(cacheRows()).toHaveLength(1);
    expect(screen.getByLabelText('Application state')).toHaveTextContent(
      'deploying',
    );
  });

  it('says what to do when the application has no services yet', async () => {
    await render(
      clientAnswering({
        ...backend,
        '/applications/payments/status': json({
          application: 'payments',
          state: 'pending',
          services: [],
        }),
        '/applications/payments/services': json({ items: [] }),
      }).client,
    );
    expect(await screen.findByText(/No services yet/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New service' })).toBeEnabled();
  });

  it('shows the error when the application cannot be read', async () => {
    await render(
      clientAnswering({
        ...backend,
        '/applications/payments': json(
          {
            error: {
              name: 'NotFoundError',
              message: 'No application named "payments"',
            },
          },
          404,
        ),
      }).client,
    );
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent(
        /404.*No application named/,
      ),
    );
  });

  it('shows progress while loading', async () => {
    const pending = AppPlatformClient.create({
      discovery: { getBaseUrl: async () => 'http://backend/api/app-platform' },
      fetchApi: { fetch: (() => new Promise(() => {})) as typeof fetch },
    });
    await render(pending);
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });
});
