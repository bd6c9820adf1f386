import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { AppPlatformClient } from '@internal/plugin-app-platform-common';
import { screen, waitFor } from '@testing-library/react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
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

/** The real client over a fetch that answers like the backend would. */
function clientAnswering(routes: Record<string, () => Response>) {
  return AppPlatformClient.create({
    discovery: { getBaseUrl: async () => 'http://backend/api/app-platform' },
    fetchApi: {
      fetch: (async (url: string) => {
        const path = new URL(url).pathname.replace('/api/app-platform', '');
        const answer = routes[path];
        return answer
          ? answer()
          : new Response(JSON.stringify({ error: { message: 'no' } }), {
              status: 404,
            });
      }) as typeof fetch,
    },
  });
}

const json =
  (body: unknown, status = 200) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });

async function render(client: AppPlatformClient) {
  return renderInTestApp(
    <TestApiProvider apis={[[appPlatformApiRef, client]]}>
      <EntityProvider entity={entity}>
        <ApplicationOverview />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('ApplicationOverview', () => {
  it('shows every cluster, the failures with their retries, and that the application is being deleted', async () => {
    await render(
      clientAnswering({
        '/applications/payments': json(application),
        '/clusters': json({ items: clusters }),
      }),
    );
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

  it('shows the error when the application cannot be read', async () => {
    await render(
      clientAnswering({
        '/applications/payments': json(
          {
            error: {
              name: 'NotFoundError',
              message: 'No application named "payments"',
            },
          },
          404,
        ),
        '/clusters': json({ items: clusters }),
      }),
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
