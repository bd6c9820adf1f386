import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { MiddlewareInstance } from '@internal/plugin-app-platform-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { backendError } from '../../scaffolder/__testUtils__/backendError';
import { Answer, clientAnswering } from '../../testing/backendAnswering';
import { cache, ordersDb } from './middlewareInstanceFixtures';
import { UninstallMiddlewareDialog } from './UninstallMiddlewareDialog';

const deleted = () => new Response(null, { status: 204 });

async function render(
  instance: MiddlewareInstance,
  routes: Record<string, Answer>,
) {
  const backend = clientAnswering(routes);
  const onUninstalled = jest.fn();
  const onClose = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[appPlatformApiRef, backend.client]]}>
      <UninstallMiddlewareDialog
        instance={instance}
        onUninstalled={onUninstalled}
        onClose={onClose}
      />
    </TestApiProvider>,
  );
  const dialog = await screen.findByRole('dialog', {
    name: `Uninstall ${instance.name} from payments?`,
  });
  return { ...backend, dialog, onUninstalled, onClose };
}

describe('UninstallMiddlewareDialog', () => {
  it('keeps the data volumes unless asked', async () => {
    const { dialog, requests, onUninstalled, onClose } = await render(
      ordersDb,
      { 'DELETE /applications/payments/middleware/orders-db': deleted },
    );
    expect(dialog).toHaveTextContent('Its data volumes are kept');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Uninstall' }),
    );
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(onUninstalled).toHaveBeenCalled();
    expect(requests).toEqual([
      'DELETE /applications/payments/middleware/orders-db',
    ]);
  });

  it('deletes the data volumes too when ticked, and warns that the data is lost', async () => {
    const { dialog, requests, onClose } = await render(ordersDb, {
      'DELETE /applications/payments/middleware/orders-db': deleted,
    });
    await userEvent.click(
      within(dialog).getByRole('checkbox', {
        name: 'Also delete the data volumes',
      }),
    );
    expect(dialog).toHaveTextContent('The data is lost for good');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Uninstall' }),
    );
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(requests).toEqual([
      'DELETE /applications/payments/middleware/orders-db?deleteData=true',
    ]);
  });

  it("shows the API's refusal naming the services that bind it, and stays open", async () => {
    const message =
      'Middleware instance "cache" is bound by services api, worker: deploy them without the binding first';
    const { dialog, onUninstalled, onClose } = await render(cache, {
      'DELETE /applications/payments/middleware/cache': backendError(
        409,
        message,
      ),
    });
    expect(dialog).toHaveTextContent('Bound by api, worker');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Uninstall' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(message);
    expect(onUninstalled).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    expect(
      within(dialog).getByRole('button', { name: 'Uninstall' }),
    ).toBeEnabled();
  });
});
