import { renderInTestApp } from '@backstage/frontend-test-utils';
import { DeploymentRecord } from '@internal/plugin-app-platform-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DeploymentHistory } from './DeploymentHistory';
import { isPromotable } from './EnvironmentsCard';

const at = (minute: number, second = 0) =>
  new Date(Date.UTC(2026, 10, 24, 10, minute, second)).toISOString();

const base = {
  application: 'shop',
  service: 'web',
  createdBy: 'user:default/alice',
  targets: [],
};
const records: DeploymentRecord[] = [
  {
    ...base,
    id: 'r3',
    action: 'rollback',
    state: 'deploying',
    version: 1,
    rollbackOf: 'r1',
    summary: 'image shop/web:2 → shop/web:1',
    createdAt: at(3),
  },
  {
    ...base,
    id: 'r2',
    action: 'deploy',
    state: 'failed',
    version: 2,
    summary: 'image shop/web:1 → shop/web:2',
    description: 'new front page',
    createdAt: at(2),
    finishedAt: at(3, 5),
  },
  {
    ...base,
    id: 'r1',
    action: 'deploy',
    state: 'succeeded',
    version: 1,
    spec: { image: 'shop/web:1', replicas: 1, ports: [] },
    summary: 'image shop/web:1, replicas 1',
    createdAt: at(1),
    finishedAt: at(1, 12),
  },
];

async function render(
  props: Partial<Parameters<typeof DeploymentHistory>[0]> = {},
) {
  const handlers = {
    onSelect: jest.fn(),
    onOpen: jest.fn(),
    onRollback: jest.fn(),
    onPromote: jest.fn(),
    onNextPage: jest.fn(),
    onPreviousPage: jest.fn(),
  };
  await renderInTestApp(
    <DeploymentHistory
      records={records}
      selected={[]}
      rollback={{ allowed: true }}
      promote={{ allowed: true }}
      isPromotable={r =>
        isPromotable(r, c => (c === 'alpha' ? 'test' : 'production'))
      }
      hasNextPage
      hasPreviousPage={false}
      {...handlers}
      {...props}
    />,
  );
  return handlers;
}

describe('DeploymentHistory', () => {
  it('shows who, why, what changed, the result with its duration, and what a rollback went back to', async () => {
    await render();
    const rollback = screen.getByRole('row', { name: /rollback v1/ });
    expect(rollback).toHaveTextContent(
      `back to deploy v1 of ${new Date(at(1)).toLocaleString()}`,
    );
    expect(rollback).toHaveTextContent('deploying');
    const failed = screen.getByRole('row', { name: /^deploy v2\b/ });
    expect(failed).toHaveTextContent('alice');
    expect(failed).toHaveTextContent('new front page');
    expect(failed).toHaveTextContent('image shop/web:1 → shop/web:2');
    expect(failed).toHaveTextContent('failed');
    expect(failed).toHaveTextContent('1 m 05 s');
    expect(screen.getByRole('row', { name: /^deploy v1\b/ })).toHaveTextContent(
      '12 s',
    );
  });

  it("describes a middleware instance's record by its definition, digest and parameters", async () => {
    await render({
      records: [
        {
          ...base,
          service: 'cache',
          id: 'm1',
          action: 'deploy',
          state: 'succeeded',
          version: 2,
          spec: {
            middleware: {
              definition: 'redis',
              digest: 'sha256:7f3a9c0b12de4567',
              parameters: { version: '7.4', replicas: 1 },
            },
          },
          summary: 'parameters version 7.2 → 7.4',
          createdAt: at(5),
        },
      ],
    });
    const row = screen.getByRole('row', { name: /^deploy v2\b/ });
    expect(row).toHaveTextContent(
      'redis · digest 7f3a9c0b12de · version=7.4, replicas=1 · parameters version 7.2 → 7.4',
    );
    expect(within(row).getByRole('button', { name: 'Rollback' })).toBeEnabled();
  });

  it('opens a record, rolls back to one with a spec, and pages', async () => {
    const handlers = await render();
    const first = screen.getByRole('row', { name: /^deploy v1\b/ });
    await userEvent.click(
      within(first).getByRole('button', { name: 'Details' }),
    );
    expect(handlers.onOpen).toHaveBeenCalledWith(records[2]);
    await userEvent.click(
      within(first).getByRole('button', { name: 'Rollback' }),
    );
    expect(handlers.onRollback).toHaveBeenCalledWith(records[2]);
    // Without a spec there is nothing to roll back to.
    expect(
      within(screen.getByRole('row', { name: /^deploy v2\b/ })).queryByRole(
        'button',
        { name: 'Rollback' },
      ),
    ).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: /next/i }));
    expect(handlers.onNextPage).toHaveBeenCalled();
  });

  it('promotes a deploy that succeeded on test only, and says where a promotion came from', async () => {
    const onTest: DeploymentRecord = {
      ...records[2],
      id: 'r4',
      version: 3,
      spec: { image: 'shop/web:3', replicas: 1, ports: [] },
      targets: [{ cluster: 'alpha', state: 'succeeded' }],
      createdAt: at(4),
    };
    const promoted: DeploymentRecord = {
      ...onTest,
      id: 'r5',
      promotedFrom: 'r4',
      targets: [{ cluster: 'beta', state: 'succeeded' }],
      createdAt: at(5),
    };
    const handlers = await render({
      records: [promoted, onTest, ...records],
    });
    const row = (id: string) =>
      screen
        .getByRole('checkbox', { name: `Compare deploy v3 (${id})` })
        .closest('tr')! as HTMLElement;
    expect(row('r5')).toHaveTextContent('promoted from deploy v3 on alpha');
    await userEvent.click(
      within(row('r4')).getByRole('button', { name: 'Promote' }),
    );
    expect(handlers.onPromote).toHaveBeenCalledWith(onTest);
    // What ran on production, what failed and what has no test target is no promotion.
    expect(
      within(row('r5')).queryByRole('button', { name: 'Promote' }),
    ).toBeNull();
    expect(screen.getAllByRole('button', { name: 'Promote' })).toHaveLength(1);
  });

  it('keeps at most two records picked for comparison', async () => {
    const handlers = await render({ selected: ['r1', 'r2'] });
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Compare rollback v1 (r3)' }),
    );
    expect(handlers.onSelect).toHaveBeenCalledWith(['r2', 'r3']);
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Compare deploy v1 (r1)' }),
    );
    expect(handlers.onSelect).toHaveBeenLastCalledWith(['r2']);
  });

  it('disables rollback with the reason, also while a record is in flight', async () => {
    await render({
      rollback: {
        allowed: false,
        reason: 'Only members of group:default/team-a may roll back shop/web',
      },
    });
    expect(screen.getByRole('button', { name: 'Rollback' })).toBeDisabled();
    expect(screen.getByTestId('why-not-Rollback')).toHaveAttribute(
      'title',
      'Only members of group:default/team-a may roll back shop/web',
    );
  });

  it('says how to start when there is no history', async () => {
    await render({ records: [], hasNextPage: false });
    expect(screen.getByText(/No deployments yet/)).toBeInTheDocument();
  });
});
