import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  DeploymentRecord,
  ServiceStatus,
} from '@internal/plugin-app-platform-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import {
  Answer,
  clientAnswering,
  imageUpdate,
  json,
  TestSignals,
} from '../../testing/backendAnswering';
import { ServiceDeploymentsContent } from './ServiceDeploymentsContent';

/**
 * The service's entity. Permission answers are cached per resource for the
 * whole test file, so a test that denies uses an application of its own.
 */
const entityOf = (application: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'web',
    namespace: application,
    annotations: {
      'app-platform.io/application': application,
      'app-platform.io/service': 'web',
    },
  },
  spec: { type: 'service', owner: 'group:default/team-a' },
});

const service = {
  application: 'shop',
  name: 'web',
  public: false,
  owner: 'group:default/team-a',
  createdAt: '2026-11-20T10:00:00Z',
  createdBy: 'user:default/alice',
  currentVersion: 2,
  desiredState: 'running',
};

function record(
  n: number,
  overrides: Partial<DeploymentRecord> = {},
): DeploymentRecord {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    application: 'shop',
    service: 'web',
    action: 'deploy',
    state: 'succeeded',
    version: n,
    spec: {
      image: `shop/web:${n}`,
      replicas: 2,
      ports: [{ name: 'http', containerPort: 8080 }],
    },
    createdBy: 'user:default/alice',
    summary: `image shop/web:${n - 1} → shop/web:${n}`,
    targets: [
      { cluster: 'test', state: 'succeeded' },
      { cluster: 'production', state: 'succeeded' },
    ],
    createdAt: new Date(Date.UTC(2026, 10, 20, 10, n)).toISOString(),
    finishedAt: new Date(Date.UTC(2026, 10, 20, 10, n, 42)).toISOString(),
    ...overrides,
  };
}

const running = (version: number): ServiceStatus['clusters'] =>
  ['production', 'test'].map(cluster => ({
    cluster,
    state: 'running',
    version,
    readyReplicas: 2,
    desiredReplicas: 2,
    updatedReplicas: 2,
    rollout: {
      oldReplicas: 0,
      conditions: [{ type: 'Available', status: 'True' }],
      events: [],
    },
  }));

const clusters = ['test', 'production'].map(name => ({
  name,
  environment: name,
  labels: {},
  source: 'config',
  health: 'healthy',
  createdAt: '2026-11-20T09:00:00Z',
}));

const newest = Array.from({ length: 10 }, (_, i) => record(12 - i));
const older = [record(2), record(1)];

function backend(extra: Record<string, Answer> = {}, application = 'shop') {
  const base = `/applications/${application}/services/web`;
  return clientAnswering({
    [base]: json({ ...service, application }),
    [`${base}/status`]: json({
      application,
      service: 'web',
      state: 'running',
      clusters: running(12),
      latestDeployment: newest[0],
    }),
    [`${base}/ci`]: json({ policy: 'record', builds: [] }),
    '/clusters': json({ items: clusters }),
    [`${base}/deployments`]: ({ query }) =>
      query.get('before') === 'page-2'
        ? json({ items: older })()
        : json({ items: newest, nextCursor: 'page-2' })(),
    ...extra,
  });
}

async function render(
  client: ReturnType<typeof backend>['client'],
  options: {
    allow?: boolean;
    signals?: TestSignals;
    application?: string;
    entity?: Entity;
  } = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [appPlatformApiRef, client],
        [signalApiRef, options.signals ?? new TestSignals()],
        [
          permissionApiRef,
          mockApis.permission({
            authorize:
              options.allow === false
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      <EntityProvider
        entity={options.entity ?? entityOf(options.application ?? 'shop')}
      >
        <ServiceDeploymentsContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

// Whole flows through dialogs with user-event: more than the default 5 s on a busy 2-core machine.
jest.setTimeout(30_000);

describe('ServiceDeploymentsContent', () => {
  it('shows the history with who, what changed, result and duration, paginated', async () => {
    const { client, requests } = backend();
    await render(client);
    const first = await screen.findByRole('row', { name: /^deploy v12\b/ });
    expect(first).toHaveTextContent('alice');
    expect(first).toHaveTextContent('image shop/web:11 → shop/web:12');
    expect(first).toHaveTextContent('succeeded');
    expect(first).toHaveTextContent('42 s');
    expect(first.querySelector('time')).toHaveAttribute(
      'title',
      new Date(newest[0].createdAt).toLocaleString(),
    );

    await userEvent.click(screen.getByRole('button', { name: /next/i }));
    expect(
      await screen.findByRole('row', { name: /^deploy v1\b/ }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('row', { name: /^deploy v12\b/ })).toBeNull();
    expect(requests).toContain(
      'GET /applications/shop/services/web/deployments?limit=10&before=page-2',
    );
    await userEvent.click(screen.getByRole('button', { name: /previous/i }));
    expect(
      await screen.findByRole('row', { name: /^deploy v12\b/ }),
    ).toBeInTheDocument();
  });

  it('compares two picked records', async () => {
    const { client, requests } = backend({
      [`/applications/shop/services/web/deployments/${newest[0].id}/diff`]:
        json({
          objects: [imageUpdate('shop/web:10', 'shop/web:12')],
        }),
    });
    await render(client);
    await screen.findByRole('row', { name: /^deploy v12\b/ });
    const compare = screen.getByRole('button', { name: /Compare selected/ });
    expect(compare).toBeDisabled();
    await userEvent.click(
      screen.getByRole('checkbox', {
        name: `Compare deploy v12 (${newest[0].id})`,
      }),
    );
    await userEvent.click(
      screen.getByRole('checkbox', {
        name: `Compare deploy v10 (${newest[2].id})`,
      }),
    );
    await userEvent.click(compare);
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByText('shop/web:10')).toBeInTheDocument();
    expect(requests).toContain(
      `GET /applications/shop/services/web/deployments/${newest[0].id}/diff?against=${newest[2].id}`,
    );
  });

  it('follows a rollout from signals alone: chips, progress and the history row', async () => {
    const signals = new TestSignals();
    const { client, requests } = backend();
    await render(client, { signals });
    await screen.findByRole('row', { name: /^deploy v12\b/ });
    const before = requests.length;
    const deploying = record(13, {
      state: 'deploying',
      finishedAt: undefined,
      targets: [
        { cluster: 'test', state: 'deploying' },
        { cluster: 'production', state: 'deploying' },
      ],
    });
    act(() =>
      signals.publish('app-platform:service-status', {
        application: 'shop',
        service: 'web',
        state: 'deploying',
        inFlight: deploying.id,
        latestDeployment: deploying,
        clusters: running(12).map(c => ({
          ...c,
          state: 'deploying',
          version: 13,
          readyReplicas: 1,
          updatedReplicas: 1,
          rollout: {
            oldReplicas: 1,
            conditions: [
              {
                type: 'Progressing',
                status: 'True',
                reason: 'ReplicaSetUpdated',
              },
            ],
            events: [
              {
                at: '2026-11-20T10:13:05Z',
                cluster: c.cluster,
                type: 'Normal',
                reason: 'Pulled',
                object: 'Pod/web-2',
                message: 'Successfully pulled image "shop/web:13"',
                source: 'kubernetes',
              },
            ],
          },
        })),
      }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('state-test')).toHaveAttribute(
        'data-state',
        'deploying',
      ),
    );
    expect(screen.getByRole('row', { name: /^test/ })).toHaveTextContent(
      '1 new · 1 old',
    );
    expect(screen.getByRole('row', { name: /^test/ })).toHaveTextContent(
      'Progressing: ReplicaSetUpdated',
    );
    expect(screen.getByRole('row', { name: /^test/ })).toHaveTextContent(
      'Successfully pulled image',
    );
    expect(
      screen.getByRole('row', { name: /^deploy v13\b/ }),
    ).toHaveTextContent('deploying');
    expect(
      screen.getByRole('button', { name: 'Deploy new version' }),
    ).toBeDisabled();

    act(() =>
      signals.publish('app-platform:service-status', {
        application: 'shop',
        service: 'web',
        state: 'running',
        clusters: running(13),
        latestDeployment: record(13),
      }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('state-production')).toHaveAttribute(
        'data-state',
        'running',
      ),
    );
    expect(
      screen.getByRole('row', { name: /^deploy v13\b/ }),
    ).toHaveTextContent('succeeded');
    expect(screen.getAllByRole('row', { name: /deploy v\d+/ })).toHaveLength(
      10,
    );
    expect(requests.length).toBe(before);
  });

  it('disables what the user may not do, with the reason', async () => {
    const { client } = backend({}, 'locked');
    await render(client, { allow: false, application: 'locked' });
    await screen.findByRole('row', { name: /^deploy v12\b/ });
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Deploy new version' }),
      ).toBeDisabled(),
    );
    for (const label of ['Deploy new version', 'Stop', 'Delete']) {
      expect(screen.getByTestId(`why-not-${label}`)).toHaveAttribute(
        'title',
        expect.stringMatching(
          /^Only members of group:default\/team-a may \w+ locked\/web$/,
        ),
      );
    }
    expect(
      screen.getAllByRole('button', { name: 'Rollback' })[0],
    ).toBeDisabled();
  });

  it('deploys a new version from the form through the plan', async () => {
    const deployed: unknown[] = [];
    const { client } = backend({
      'POST /applications/shop/services/web/plan': ({ body }) =>
        json({
          clusters: [
            {
              cluster: 'test',
              objects: [imageUpdate('shop/web:12', body.spec.image)],
            },
          ],
        })(),
      'POST /applications/shop/services/web/deployments': ({ body }) => {
        deployed.push(body);
        return json(record(13, { state: 'deploying', spec: body.spec }), 202)();
      },
    });
    await render(client);
    await screen.findByRole('row', { name: /^deploy v12\b/ });
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Deploy new version' }),
      ).toBeEnabled(),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Deploy new version' }),
    );
    const image = await screen.findByRole('textbox', { name: /Image/ });
    expect(image).toHaveValue('shop/web:12');
    expect(screen.getByRole('textbox', { name: /Ports/ })).toHaveValue(
      'http:8080',
    );
    await userEvent.clear(image);
    await userEvent.type(image, 'shop/web:13');
    await userEvent.clear(screen.getByRole('textbox', { name: /Replicas/ }));
    await userEvent.type(
      screen.getByRole('textbox', { name: /Replicas/ }),
      'many',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    expect(await screen.findByTestId('error-replicas')).toHaveTextContent(
      'A whole number from 0 to 1000',
    );
    await userEvent.clear(screen.getByRole('textbox', { name: /Replicas/ }));
    await userEvent.type(
      screen.getByRole('textbox', { name: /Replicas/ }),
      '3',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    expect(await screen.findByLabelText('Plan summary')).toHaveTextContent(
      '1 to update',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Confirm deploy' }),
    );
    await waitFor(() => expect(deployed).toHaveLength(1));
    expect(deployed[0]).toEqual({
      spec: {
        image: 'shop/web:13',
        replicas: 3,
        ports: [{ name: 'http', containerPort: 8080 }],
      },
    });
    expect(
      await screen.findByRole('row', { name: /^deploy v13\b/ }),
    ).toHaveTextContent('deploying');
  });

  it('shows the version of each environment and promotes a test success to production through the plan', async () => {
    const onTest = record(13, {
      targets: [{ cluster: 'test', state: 'succeeded' }],
    });
    const planned: unknown[] = [];
    const promoted: unknown[] = [];
    const { client } = backend({
      [`/applications/shop/services/web/status`]: json({
        application: 'shop',
        service: 'web',
        state: 'running',
        clusters: running(12).map(c =>
          c.cluster === 'test' ? { ...c, version: 13 } : c,
        ),
        latestDeployment: onTest,
      }),
      '/applications/shop/services/web/deployments': json({
        items: [onTest, ...newest],
      }),
      'POST /applications/shop/services/web/plan': ({ body }) => {
        planned.push(body);
        return json({
          clusters: [
            {
              cluster: 'production',
              objects: [imageUpdate('shop/web:12', 'shop/web:13')],
            },
          ],
        })();
      },
      [`POST /applications/shop/services/web/deployments/${onTest.id}/promote`]:
        ({ body }) => {
          promoted.push(body);
          return json(
            record(14, {
              version: 13,
              state: 'deploying',
              promotedFrom: onTest.id,
              targets: [{ cluster: 'production', state: 'deploying' }],
            }),
            202,
          )();
        },
    });
    await render(client);
    const test = await screen.findByRole('region', {
      name: 'Environment test',
    });
    expect(within(test).getByLabelText('Version on test')).toHaveTextContent(
      'v13',
    );
    expect(
      within(
        screen.getByRole('region', { name: 'Environment production' }),
      ).getByLabelText('Version on production'),
    ).toHaveTextContent('v12');
    const promote = screen.getByRole('button', {
      name: 'Promote v13 to production',
    });
    await waitFor(() => expect(promote).toBeEnabled());
    await userEvent.click(promote);
    expect(await screen.findByLabelText('Plan summary')).toHaveTextContent(
      '1 to update',
    );
    expect(planned).toEqual([
      { deployment: onTest.id, clusters: ['production'] },
    ]);
    await userEvent.click(
      screen.getByRole('button', { name: 'Confirm promotion' }),
    );
    await waitFor(() =>
      expect(promoted).toEqual([{ clusters: ['production'] }]),
    );
    const row = (
      await screen.findByText('promoted from deploy v13 on test', {
        exact: false,
      })
    ).closest('tr');
    expect(row).toHaveTextContent('deploying');
  });

  it('offers no promotion when no recent deploy succeeded on test only', async () => {
    const { client } = backend();
    await render(client);
    expect(await screen.findByText(/Nothing to promote/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /to production$/ })).toBeNull();
  });

  it('stops and starts the service, and deletes it after a confirmation', async () => {
    const calls: string[] = [];
    const { client } = backend(
      {
        'POST /applications/stopper/services/web/stop': () => {
          calls.push('stop');
          return json(
            record(13, {
              application: 'stopper',
              action: 'stop',
              state: 'deploying',
              version: 12,
              summary: 'stop',
            }),
            202,
          )();
        },
        'POST /applications/stopper/services/web/start': () => {
          calls.push('start');
          return json(
            record(14, {
              application: 'stopper',
              action: 'start',
              state: 'deploying',
              version: 12,
              summary: 'start',
            }),
            202,
          )();
        },
        'DELETE /applications/stopper/services/web': () => {
          calls.push('delete');
          return json(
            record(15, {
              application: 'stopper',
              action: 'delete',
              state: 'deploying',
              spec: undefined,
              version: undefined,
              summary: 'delete',
            }),
            202,
          )();
        },
      },
      'stopper',
    );
    await render(client, { application: 'stopper' });
    await screen.findByRole('row', { name: /^deploy v12\b/ });
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Stop' })).toBeEnabled(),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(
      await screen.findByRole('row', { name: /stop v12/ }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Service state')).toHaveTextContent('stopped');
    // The stop is in flight: nothing else starts until it settles.
    expect(screen.getByRole('button', { name: 'Start' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('its volumes (PVCs) are kept');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete service' }),
    );
    await waitFor(() => expect(calls).toEqual(['stop', 'delete']));
    expect(
      await screen.findByRole('row', { name: /^.*delete/ }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled();
  });

  it('works on an existing Component linked to the service with app-platform.io/service-ref', async () => {
    const { client } = backend();
    await render(client, {
      entity: {
        ...entityOf('shop'),
        metadata: {
          name: 'shop-web',
          namespace: 'default',
          annotations: { 'app-platform.io/service-ref': 'shop/web' },
        },
      },
    });
    expect(
      await screen.findByRole('row', { name: /^deploy v12\b/ }),
    ).toBeInTheDocument();
    expect(screen.getByText('shop/web')).toBeInTheDocument();
  });

  it('shows a middleware instance with its history and rollback, but no service form, stop, delete or CI', async () => {
    const middlewareRecord = (n: number) =>
      record(n, {
        spec: {
          middleware: {
            definition: 'redis',
            digest: 'sha256:9e8d7c6b5a4f3e2d',
            parameters: { version: n > 1 ? '8.0' : '7.4' },
          },
        },
        summary: n > 1 ? 'parameters version 7.4 → 8.0' : 'install redis',
      });
    const { client } = backend({
      '/applications/shop/services/web': json({
        ...service,
        kind: 'middleware',
      }),
      '/applications/shop/services/web/status': json({
        application: 'shop',
        service: 'web',
        kind: 'middleware',
        state: 'running',
        clusters: running(2),
        latestDeployment: middlewareRecord(2),
      }),
      '/applications/shop/services/web/deployments': json({
        items: [middlewareRecord(2), middlewareRecord(1)],
      }),
    });
    await render(client);
    const first = await screen.findByRole('row', { name: /^deploy v1\b/ });
    expect(first).toHaveTextContent(
      'redis · digest 9e8d7c6b5a4f · version=7.4 · install redis',
    );
    expect(
      within(first).getByRole('button', { name: 'Rollback' }),
    ).toBeVisible();
    expect(
      screen.getByText(/upgrade or uninstall it from the Middleware card/),
    ).toBeVisible();
    for (const name of ['Deploy new version', 'Stop', 'Delete']) {
      expect(screen.queryByRole('button', { name })).toBeNull();
    }
    expect(screen.queryByText(/CI/)).toBeNull();
  });

  it("shows an instance's history on its Resource, and rolls it back through the plan: nothing to deploy, stop, delete, promote or build", async () => {
    const base = '/applications/shop/services/cache';
    const instanceRecord = (
      n: number,
      overrides: Partial<DeploymentRecord> = {},
    ) =>
      record(n, {
        service: 'cache',
        spec: {
          middleware: {
            definition: 'redis',
            digest: 'sha256:9e8d7c6b5a4f3e2d',
            parameters: { version: n > 1 ? '8.0' : '7.4' },
          },
        },
        summary: n > 1 ? 'parameters version 7.4 → 8.0' : 'install redis',
        // On test clusters only: a service's record like it could be promoted.
        targets: [{ cluster: 'test', state: 'succeeded' }],
        ...overrides,
      });
    const history = [instanceRecord(2), instanceRecord(1)];
    const rolledBack: unknown[] = [];
    const { client, requests } = clientAnswering({
      [base]: json({ ...service, name: 'cache', kind: 'middleware' }),
      [`${base}/status`]: json({
        application: 'shop',
        service: 'cache',
        kind: 'middleware',
        state: 'running',
        clusters: running(2).filter(c => c.cluster === 'test'),
        latestDeployment: history[0],
      }),
      [`${base}/deployments`]: json({ items: history }),
      '/clusters': json({ items: clusters }),
      [`POST ${base}/plan`]: json({
        clusters: [
          {
            cluster: 'test',
            objects: [
              {
                kind: 'StatefulSet',
                name: 'cache',
                action: 'update',
                changes: [
                  {
                    path: 'spec.template.spec.containers[redis].image',
                    before: 'redis:8.0',
                    after: 'redis:7.4',
                  },
                ],
              },
            ],
          },
        ],
      }),
      [`POST ${base}/deployments/${history[1].id}/rollback`]: ({ body }) => {
        rolledBack.push(body);
        return json(
          instanceRecord(3, {
            action: 'rollback',
            version: 1,
            state: 'deploying',
            rollbackOf: history[1].id,
            targets: [{ cluster: 'test', state: 'deploying' }],
          }),
          202,
        )();
      },
    });
    await render(client, {
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'cache',
          namespace: 'shop',
          annotations: {
            'app-platform.io/application': 'shop',
            'app-platform.io/middleware': 'cache',
            'app-platform.io/middleware-definition': 'redis',
          },
        },
        spec: { type: 'middleware:redis', owner: 'group:default/team-a' },
      },
    });

    const installed = await screen.findByRole('row', { name: /^deploy v1\b/ });
    expect(installed).toHaveTextContent('install redis');
    expect(screen.getByText('shop/cache')).toBeVisible();
    expect(
      within(
        screen.getByRole('region', { name: 'Environment test' }),
      ).getByLabelText('Version on test'),
    ).toHaveTextContent('v2');
    // Where it is changed instead.
    expect(screen.getByRole('link', { name: 'shop' })).toHaveAttribute(
      'href',
      '/catalog/default/system/shop',
    );
    for (const name of [
      'Deploy new version',
      'Stop',
      'Start',
      'Delete',
      'Promote',
    ]) {
      expect(screen.queryByRole('button', { name })).toBeNull();
    }
    expect(screen.queryByRole('button', { name: /to production$/ })).toBeNull();
    expect(screen.queryByText(/Nothing to promote/)).toBeNull();
    expect(requests.filter(r => r.includes('/ci'))).toEqual([]);

    const rollback = within(installed).getByRole('button', {
      name: 'Rollback',
    });
    await waitFor(() => expect(rollback).toBeEnabled());
    await userEvent.click(rollback);
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Plan: roll shop/cache back to deploy v1');
    expect(
      await within(dialog).findByLabelText('Plan summary'),
    ).toHaveTextContent('1 to update');
    expect(requests).toContain(`POST ${base}/plan`);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Confirm rollback' }),
    );
    await waitFor(() => expect(rolledBack).toEqual([{}]));
    const row = (
      await screen.findByText('back to deploy v1', { exact: false })
    ).closest('tr');
    expect(row).toHaveTextContent('deploying');
  });

  it('says what is wrong when the service cannot be read', async () => {
    const { client } = backend({
      '/applications/shop/services/web': json(
        {
          error: { name: 'NotFoundError', message: 'No service "shop/web"' },
          request: { method: 'GET', url: '/' },
          response: { statusCode: 404 },
        },
        404,
      ),
    });
    await render(client);
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent(
        /No service "shop\/web"/,
      ),
    );
  });
});
