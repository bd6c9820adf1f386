import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MiddlewareInstance } from '@internal/plugin-app-platform-common';
import { Allowance } from '../common/GuardedButton';
import { MiddlewareInstanceTable } from './MiddlewareInstanceTable';
import { cache, ordersDb } from './middlewareInstanceFixtures';

const upgrading = '5f1c2d3e-0000-4000-8000-000000000042';

async function render(
  upgrade: Allowance = { allowed: true },
  instances: MiddlewareInstance[] = [
    cache,
    { ...ordersDb, desiredState: 'deleting' },
  ],
) {
  const onAction = jest.fn();
  await renderInTestApp(
    <MiddlewareInstanceTable
      application="payments"
      clusters={['test']}
      instances={instances}
      definitionOf={() => undefined}
      upgrade={upgrade}
      onAction={onAction}
    />,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return onAction;
}

describe('MiddlewareInstanceTable', () => {
  it('opens the action asked for on its instance', async () => {
    const onAction = await render();
    const row = screen.getByRole('row', { name: /^cache\b/ });
    // Its page has the instance's rollouts, history and rollback.
    expect(within(row).getByRole('link', { name: 'cache' })).toHaveAttribute(
      'href',
      '/catalog/payments/resource/cache',
    );
    // Without its definition, the title the API sent.
    expect(row).toHaveTextContent('Redis');
    await userEvent.click(
      within(row).getByRole('button', { name: 'Bind service' }),
    );
    expect(onAction).toHaveBeenCalledWith('bind', cache);
    await userEvent.click(within(row).getByRole('button', { name: 'Upgrade' }));
    expect(onAction).toHaveBeenLastCalledWith('upgrade', cache);
  });

  it('offers nothing on an instance being uninstalled, and no upgrade until it can be', async () => {
    await render({ allowed: false, reason: 'Loading the definitions…' });
    const orders = screen.getByRole('row', { name: /^orders-db\b/ });
    expect(
      within(orders).getByRole('button', { name: 'Bind service' }),
    ).toBeDisabled();
    expect(within(orders).getByTestId('why-not-Bind service')).toHaveAttribute(
      'title',
      'It is being uninstalled',
    );
    const row = screen.getByRole('row', { name: /^cache\b/ });
    expect(within(row).getByRole('button', { name: 'Upgrade' })).toBeDisabled();
    expect(within(row).getByTestId('why-not-Upgrade')).toHaveAttribute(
      'title',
      'Loading the definitions…',
    );
    expect(
      within(row).getByRole('button', { name: 'Uninstall' }),
    ).toBeEnabled();
  });

  it('offers nothing while one of its records is in flight, naming it, whatever state the watches report', async () => {
    await render({ allowed: true }, [
      // Its upgrade was accepted; the watches have not seen a change yet.
      { ...cache, state: 'running', inFlight: upgrading },
      // Its pods are rolling on their own (e.g. a restarted node): nothing of ours is in flight.
      { ...ordersDb, state: 'deploying' },
    ]);
    const row = screen.getByRole('row', { name: /^cache\b/ });
    for (const name of ['Upgrade', 'Bind service', 'Uninstall']) {
      expect(within(row).getByRole('button', { name })).toBeDisabled();
      expect(within(row).getByTestId(`why-not-${name}`)).toHaveAttribute(
        'title',
        'Its record 5f1c2d3e is in flight; wait for it to settle',
      );
    }
    const orders = screen.getByRole('row', { name: /^orders-db\b/ });
    for (const name of ['Upgrade', 'Bind service', 'Uninstall']) {
      expect(within(orders).getByRole('button', { name })).toBeEnabled();
    }
  });

  it('says an instance is being uninstalled rather than that its uninstall record is in flight', async () => {
    await render({ allowed: true }, [
      { ...cache, desiredState: 'deleting', inFlight: upgrading },
    ]);
    const row = screen.getByRole('row', { name: /^cache\b/ });
    expect(within(row).getByTestId('why-not-Uninstall')).toHaveAttribute(
      'title',
      'It is being uninstalled',
    );
  });
});
