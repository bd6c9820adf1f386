import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { act, screen, waitFor } from '@testing-library/react';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { clientAnswering, TestSignals } from '../../testing/backendAnswering';
import { ClusterHealthCard } from './ClusterHealthCard';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'cluster-production',
    annotations: { 'app-platform.io/cluster': 'production' },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
};

const cluster = (health: string, healthReason?: string) => ({
  name: 'production',
  environment: 'production',
  health,
  healthReason,
  healthChangedAt: '2026-11-24T01:00:00Z',
  labels: {},
  source: 'config',
  createdAt: '2026-11-20T00:00:00Z',
});

describe('ClusterHealthCard', () => {
  it('shows the health and reloads only when a signal says this cluster changed', async () => {
    let answer = [
      cluster('healthy'),
      { ...cluster('unreachable'), name: 'test' },
    ];
    const signals = new TestSignals();
    const { client, requests } = clientAnswering({
      '/clusters': () =>
        new Response(JSON.stringify({ items: answer }), {
          headers: { 'content-type': 'application/json' },
        }),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [appPlatformApiRef, client],
          [signalApiRef, signals],
        ]}
      >
        <EntityProvider entity={entity}>
          <ClusterHealthCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('healthy')).toBeInTheDocument();
    expect(screen.getByText('Environment: production')).toBeInTheDocument();
    expect(requests).toHaveLength(1);

    // Another cluster's change costs nothing.
    act(() =>
      signals.publish('app-platform:cluster', {
        name: 'test',
        health: 'healthy',
      }),
    );
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(requests).toHaveLength(1);

    answer = [
      cluster(
        'unreachable',
        'no answer from cluster production within 10000 ms',
      ),
    ];
    act(() =>
      signals.publish('app-platform:cluster', {
        name: 'production',
        health: 'unreachable',
      }),
    );
    expect(await screen.findByText('unreachable')).toBeInTheDocument();
    expect(
      screen.getByText(/no answer from cluster production/),
    ).toBeInTheDocument();
    expect(requests).toHaveLength(2);

    answer = [];
    act(() =>
      signals.publish('app-platform:cluster', {
        name: 'production',
        deleted: true,
      }),
    );
    await waitFor(() =>
      expect(
        screen.getByText(/has no cluster named production/),
      ).toBeInTheDocument(),
    );
  });
});
