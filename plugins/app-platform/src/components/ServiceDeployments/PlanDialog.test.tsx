import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { ClusterPlan } from '@internal/plugin-app-platform-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { clientAnswering } from '../../testing/backendAnswering';
import { PlanDialog } from './PlanDialog';

const plans: ClusterPlan[] = [
  {
    cluster: 'test',
    objects: [
      {
        kind: 'Deployment',
        name: 'web',
        action: 'update',
        changes: [
          {
            path: 'spec.template.spec.containers[web].image',
            before: 'shop/web:1',
            after: 'shop/web:2',
          },
          { path: 'spec.replicas', before: 2, after: 3 },
        ],
      },
      { kind: 'Service', name: 'web', action: 'unchanged', changes: [] },
      {
        kind: 'Secret',
        name: 'web-env',
        action: 'create',
        changes: [{ path: 'data.PASSWORD', after: '(redacted)' }],
      },
    ],
  },
  {
    cluster: 'production',
    objects: [],
    error: 'no answer from cluster production within 10000 ms',
  },
];

async function render(props: Partial<Parameters<typeof PlanDialog>[0]> = {}) {
  const onClose = jest.fn();
  const confirm = jest.fn(async () => {});
  await renderInTestApp(
    <TestApiProvider apis={[[appPlatformApiRef, clientAnswering({}).client]]}>
      <PlanDialog
        title="Plan: deploy shop/web:2"
        confirmLabel="Confirm deploy"
        plan={async () => plans}
        confirm={confirm}
        onClose={onClose}
        {...props}
      />
    </TestApiProvider>,
  );
  return { onClose, confirm };
}

describe('PlanDialog', () => {
  it('shows every cluster and object with the changed fields side by side, secrets redacted', async () => {
    await render();
    expect(await screen.findByLabelText('Plan summary')).toHaveTextContent(
      '1 to create, 1 to update · production could not be planned',
    );
    const test = screen.getByRole('region', { name: 'Plan for cluster test' });
    const deployment = within(test).getByLabelText('Deployment/web');
    expect(deployment).toHaveTextContent('update');
    const imageRow = within(deployment).getByRole('row', {
      name: /containers\[web\]\.image/,
    });
    expect(
      within(imageRow)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      'spec.template.spec.containers[web].image',
      'shop/web:1',
      'shop/web:2',
    ]);
    expect(
      within(deployment).getByRole('row', { name: /spec\.replicas/ }),
    ).toHaveTextContent('23');
    // Unchanged objects are listed without a table of changes.
    const service = within(test).getByLabelText('Service/web');
    expect(service).toHaveTextContent('unchanged');
    expect(within(service).queryByRole('table')).toBeNull();
    expect(within(test).getByLabelText('Secret/web-env')).toHaveTextContent(
      '(redacted)',
    );
    expect(
      screen.getByRole('region', { name: 'Plan for cluster production' }),
    ).toHaveTextContent('no answer from cluster production');
  });

  it('confirms, then closes', async () => {
    const { confirm, onClose } = await render();
    await screen.findByLabelText('Plan summary');
    await userEvent.click(
      screen.getByRole('button', { name: 'Confirm deploy' }),
    );
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(confirm).toHaveBeenCalledTimes(1);
  });

  it('keeps the dialog open with the reason when the change is refused', async () => {
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'ConflictError',
            message: 'Deployment 1234 of shop/web is in flight',
          },
          request: {
            method: 'POST',
            url: '/applications/shop/services/web/deployments',
          },
          response: { statusCode: 409 },
        }),
        {
          status: 409,
          statusText: 'Conflict',
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
    const { onClose } = await render({
      confirm: async () => Promise.reject(refusal),
    });
    await screen.findByLabelText('Plan summary');
    await userEvent.click(
      screen.getByRole('button', { name: 'Confirm deploy' }),
    );
    expect(
      await screen.findByText('Deployment 1234 of shop/web is in flight'),
    ).toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
    expect(
      screen.getByRole('button', { name: 'Confirm deploy' }),
    ).toBeEnabled();
  });

  it('says why there is no plan, and Confirm stays disabled', async () => {
    await render({
      plan: async () =>
        Promise.reject(
          new Error('spec.image: "Bad Image" is not an image reference'),
        ),
    });
    expect(
      await screen.findByText(/is not an image reference/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Confirm deploy' }),
    ).toBeDisabled();
  });
});
