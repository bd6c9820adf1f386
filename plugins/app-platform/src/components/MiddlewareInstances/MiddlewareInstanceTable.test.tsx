import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Allowance } from '../common/GuardedButton';
import { MiddlewareInstanceTable } from './MiddlewareInstanceTable';
import { cache, ordersDb } from './middlewareInstanceFixtures';

async function render(upgrade: Allowance = { allowed: true }) {
  const onAction = jest.fn();
  await renderInTestApp(
    <MiddlewareInstanceTable
      application="payments"
      clusters={['test']}
      instances={[cache, { ...ordersDb, desiredState: 'deleting' }]}
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
});
