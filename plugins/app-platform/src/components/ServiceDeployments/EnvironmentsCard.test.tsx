import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  Cluster,
  DeploymentRecord,
  ServiceStatus,
} from '@internal/plugin-app-platform-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EnvironmentsCard, isPromotable } from './EnvironmentsCard';

const cluster = (name: string, environment: Cluster['environment']) =>
  ({
    name,
    environment,
    labels: {},
    source: 'config',
    health: 'healthy',
    createdAt: '2026-11-20T09:00:00Z',
  } as Cluster);

const clusters = [
  cluster('alpha', 'test'),
  cluster('beta', 'production'),
  cluster('gamma', 'production'),
];
const environmentOf = (name: string) =>
  clusters.find(c => c.name === name)?.environment;

const onCluster = (
  name: string,
  version: number,
  state: ServiceStatus['clusters'][number]['state'] = 'running',
) => ({
  cluster: name,
  state,
  version,
  readyReplicas: 1,
  desiredReplicas: 1,
  updatedReplicas: 1,
});

const status: ServiceStatus = {
  application: 'shop',
  service: 'web',
  state: 'running',
  clusters: [onCluster('alpha', 4), onCluster('beta', 3, 'failed')],
};

const onTest: DeploymentRecord = {
  id: 'r4',
  application: 'shop',
  service: 'web',
  action: 'deploy',
  state: 'succeeded',
  version: 4,
  spec: { image: 'shop/web:4', replicas: 1, ports: [] },
  createdBy: 'ci:generic',
  summary: 'image shop/web:3 → shop/web:4',
  targets: [{ cluster: 'alpha', state: 'succeeded' }],
  createdAt: '2026-11-24T10:00:00Z',
  finishedAt: '2026-11-24T10:01:00Z',
};

async function render(
  props: Partial<Parameters<typeof EnvironmentsCard>[0]> = {},
) {
  const onPromote = jest.fn();
  await renderInTestApp(
    <EnvironmentsCard
      status={status}
      clusters={clusters}
      candidate={onTest}
      promote={{ allowed: true }}
      onPromote={onPromote}
      {...props}
    />,
  );
  return onPromote;
}

describe('EnvironmentsCard', () => {
  it('shows the version and state on every cluster of each environment, and promotes the candidate', async () => {
    const onPromote = await render();
    const test = screen.getByRole('region', { name: 'Environment test' });
    expect(within(test).getByLabelText('Version on alpha')).toHaveTextContent(
      'v4',
    );
    const production = screen.getByRole('region', {
      name: 'Environment production',
    });
    expect(
      within(production).getByLabelText('Version on beta'),
    ).toHaveTextContent('v3');
    expect(production).toHaveTextContent('failed');
    expect(production).toHaveTextContent('gamma');
    expect(production).toHaveTextContent('not deployed');
    expect(screen.getByText(/v4 succeeded on alpha/)).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Promote v4 to production' }),
    );
    expect(onPromote).toHaveBeenCalledWith(onTest);
  });

  it('says when production already runs the candidate', async () => {
    await render({
      status: {
        ...status,
        clusters: [
          onCluster('alpha', 4),
          onCluster('beta', 4),
          onCluster('gamma', 4),
        ],
      },
    });
    expect(screen.getByText(/production already runs it/)).toBeInTheDocument();
  });

  it('explains why nothing can be promoted, and why the user may not', async () => {
    await render({ candidate: undefined });
    expect(screen.getByText(/Nothing to promote/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Promote/ })).toBeNull();
  });

  it('disables the promotion with the reason', async () => {
    await render({
      promote: {
        allowed: false,
        reason: 'Only members of group:default/team-a may deploy shop/web',
      },
    });
    expect(
      screen.getByRole('button', { name: 'Promote v4 to production' }),
    ).toBeDisabled();
    expect(
      screen.getByTestId('why-not-Promote v4 to production'),
    ).toHaveAttribute(
      'title',
      'Only members of group:default/team-a may deploy shop/web',
    );
  });

  it('has no production to promote to when none is registered, and says when the clusters cannot be read', async () => {
    await render({
      clusters: [cluster('alpha', 'test')],
      clustersError: new Error('boom'),
    });
    expect(
      screen.getByRole('button', { name: 'Promote v4 to production' }),
    ).toBeDisabled();
    expect(
      screen.getByText(/no production cluster is registered/),
    ).toBeInTheDocument();
    expect(screen.getByText('No cluster in this environment.')).toBeVisible();
    expect(screen.getByText('The clusters could not be read')).toBeVisible();
  });

  it('offers no promotion where nothing is promoted, and still shows the versions', async () => {
    await render({ onPromote: undefined });
    expect(
      within(
        screen.getByRole('region', { name: 'Environment test' }),
      ).getByLabelText('Version on alpha'),
    ).toHaveTextContent('v4');
    expect(screen.queryByRole('button', { name: /Promote/ })).toBeNull();
    expect(screen.queryByText(/succeeded on alpha/)).toBeNull();
    expect(screen.queryByText(/Nothing to promote/)).toBeNull();
  });

  it('shows loading before the clusters are read', async () => {
    await render({ clusters: undefined });
    expect(screen.getAllByText('Loading…')).toHaveLength(2);
  });
});

describe('isPromotable', () => {
  it('takes a deploy, rollback or start that succeeded on test clusters only', () => {
    expect(isPromotable(onTest, environmentOf)).toBe(true);
    expect(isPromotable({ ...onTest, action: 'rollback' }, environmentOf)).toBe(
      true,
    );
    for (const record of [
      { ...onTest, state: 'failed' as const },
      { ...onTest, action: 'stop' as const },
      { ...onTest, spec: undefined },
      { ...onTest, targets: [] },
      {
        ...onTest,
        targets: [
          { cluster: 'alpha', state: 'succeeded' as const },
          { cluster: 'beta', state: 'succeeded' as const },
        ],
      },
      {
        ...onTest,
        targets: [{ cluster: 'gone', state: 'succeeded' as const }],
      },
    ]) {
      expect(isPromotable(record, environmentOf)).toBe(false);
    }
  });
});
