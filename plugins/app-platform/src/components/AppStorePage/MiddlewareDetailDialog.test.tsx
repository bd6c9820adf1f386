import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  ClusterPlan,
  DeploymentRecord,
  MiddlewareDefinitionSummary,
} from '@internal/plugin-app-platform-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import {
  Answer,
  clientAnswering,
  json,
  TestSignals,
} from '../../testing/backendAnswering';
import { backendError } from '../../scaffolder/__testUtils__/backendError';
import { cache } from '../MiddlewareInstances/middlewareInstanceFixtures';
import { MiddlewareDetailDialog } from './MiddlewareDetailDialog';
import { redis, redisPreview } from './middlewareFixtures';

const applications = [
  { name: 'shop', owner: 'group:default/team-b', namespaces: [] },
  {
    name: 'payments',
    title: 'Payments',
    owner: 'group:default/team-a',
    namespaces: [],
  },
  {
    name: 'legacy',
    owner: 'group:default/team-a',
    namespaces: [],
    deletionRequestedAt: '2026-11-25T10:00:00Z',
  },
];

async function render(
  routes: Record<string, Answer> = {},
  definition: MiddlewareDefinitionSummary = redis,
  signals = new TestSignals(),
) {
  const backend = clientAnswering({
    '/applications': json({ items: applications }),
    ...routes,
  });
  const onClose = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [appPlatformApiRef, backend.client],
        [signalApiRef, signals],
      ]}
    >
      <MiddlewareDetailDialog definition={definition} onClose={onClose} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  const dialog = await screen.findByRole('dialog');
  /** What the form sent: every request but the applications' list. */
  const sent = () => backend.requests.filter(r => r !== 'GET /applications');
  return { ...backend, dialog, onClose, sent };
}

const previewRoute = 'POST /middleware/definitions/redis/preview';

async function choose(label: RegExp, option: string) {
  await userEvent.click(screen.getByRole('button', { name: label }));
  await userEvent.click(await screen.findByRole('option', { name: option }));
}

describe('MiddlewareDetailDialog', () => {
  it('shows the description, versions and sizes with their resources', async () => {
    const { dialog } = await render();
    expect(dialog).toHaveTextContent('In-memory key-value store');
    expect(within(dialog).getByLabelText('Versions')).toHaveTextContent(
      '8.0, 7.4 (default), 7.2',
    );
    const sizes = within(dialog).getByRole('region', { name: 'Sizes' });
    const medium = within(sizes).getByRole('row', { name: /medium/ });
    expect(medium).toHaveTextContent('250m CPU, 512Mi memory');
    expect(medium).toHaveTextContent('1 CPU, 1Gi memory');
  });

  it('lists every parameter of the schema, nested ones too, with type, default, values and limits', async () => {
    const { dialog } = await render();
    const parameters = within(dialog).getByRole('list', { name: 'Parameters' });
    expect(
      within(parameters)
        .getAllByRole('listitem')
        .map(item => item.getAttribute('aria-label')),
    ).toEqual([
      'version',
      'size',
      'replicas',
      'password',
      'maxmemoryPolicy',
      'persistence',
      'persistence.enabled',
      'persistence.size',
      'persistence.storageClass',
    ]);
    const replicas = within(parameters).getByRole('listitem', {
      name: 'replicas',
    });
    expect(replicas).toHaveTextContent('Replicas');
    expect(replicas).toHaveTextContent('integer');
    expect(replicas).toHaveTextContent('Pod 0 is the primary');
    expect(replicas).toHaveTextContent('Default: 1');
    expect(replicas).toHaveTextContent('1 to 5');
    const policy = within(parameters).getByRole('listitem', {
      name: 'maxmemoryPolicy',
    });
    expect(policy).toHaveTextContent('Eviction policy');
    expect(policy).toHaveTextContent(
      'One of: noeviction, allkeys-lru, allkeys-lfu, volatile-ttl',
    );
    expect(policy).toHaveTextContent('Default: allkeys-lru');
    expect(
      within(parameters).getByRole('listitem', { name: 'password' }),
    ).toHaveTextContent('8 to 128 characters; a password: generated');
    const volumeSize = within(parameters).getByRole('listitem', {
      name: 'persistence.size',
    });
    expect(volumeSize).toHaveTextContent('Volume size');
    expect(volumeSize).toHaveTextContent('Default: 1Gi');
    expect(volumeSize).toHaveTextContent('matches ^[1-9][0-9]{0,4}(Mi|Gi|Ti)$');
  });

  it('previews an install: the objects, the env vars of a bound service and the manifests', async () => {
    const bodies: unknown[] = [];
    const { dialog, sent } = await render({
      [previewRoute]: request => {
        bodies.push(request.body);
        return json(redisPreview)();
      },
    });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Instance name/ }),
      'cache',
    );
    await choose(/Version/, '8.0');
    await choose(/Size/, 'medium');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview' }),
    );

    const objects = await within(dialog).findByRole('region', {
      name: 'Objects',
    });
    expect(
      within(objects)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'Secret/cache',
      'ConfigMap/cache',
      'Service/cache',
      'Service/cache-headless',
      'StatefulSet/cache',
    ]);
    const env = within(dialog).getByRole('region', {
      name: 'Environment of a bound service',
    });
    expect(
      within(env).getByRole('listitem', { name: 'CACHE_HOST' }),
    ).toHaveTextContent('CACHE_HOST: cache.my-application.svc');
    expect(
      within(env).getByRole('listitem', { name: 'CACHE_PORT' }),
    ).toHaveTextContent('CACHE_PORT: 6379');
    expect(
      within(env).getByRole('listitem', { name: 'CACHE_PASSWORD' }),
    ).toHaveTextContent('CACHE_PASSWORD: from Secret cache, key password');
    const manifests = within(dialog).getByRole('region', { name: 'Manifests' });
    // The code block's highlighter loads lazily.
    await waitFor(() =>
      expect(manifests).toHaveTextContent('kind: StatefulSet'),
    );
    expect(manifests).toHaveTextContent('password: <redacted>');

    expect(sent()).toEqual(['POST /middleware/definitions/redis/preview']);
    expect(bodies).toEqual([
      {
        instance: 'cache',
        parameters: {
          version: '8.0',
          size: 'medium',
          replicas: 1,
          maxmemoryPolicy: 'allkeys-lru',
          persistence: { enabled: true, size: '1Gi' },
        },
      },
    ]);
  });

  it('sends the parameters as the form has them, typed, with the application when one is chosen and a password only when typed', async () => {
    const bodies: unknown[] = [];
    await render({
      [previewRoute]: request => {
        bodies.push(request.body);
        return json(redisPreview)();
      },
    });
    await userEvent.type(
      screen.getByRole('textbox', { name: /Instance name/ }),
      'cache',
    );
    const replicas = screen.getByRole('textbox', { name: /Replicas/ });
    await userEvent.clear(replicas);
    await userEvent.type(replicas, '3');
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Keep data on a volume' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByRole('region', { name: 'Objects' });

    await choose(/Application/, 'Payments (payments)');
    await userEvent.type(screen.getByLabelText(/^Password/), 's3cret-pass');
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await waitFor(() => expect(bodies).toHaveLength(2));

    const parameters = {
      version: '7.4',
      size: 'small',
      replicas: 3,
      maxmemoryPolicy: 'allkeys-lru',
      persistence: { enabled: false, size: '1Gi' },
    };
    expect(bodies).toEqual([
      { instance: 'cache', parameters },
      {
        instance: 'cache',
        application: 'payments',
        parameters: { ...parameters, password: 's3cret-pass' },
      },
    ]);
  });

  it('says which parameter cannot be sent, before any request', async () => {
    const { sent } = await render({ [previewRoute]: json(redisPreview) });
    await userEvent.type(
      screen.getByRole('textbox', { name: /Instance name/ }),
      'cache',
    );
    const replicas = screen.getByRole('textbox', { name: /Replicas/ });
    await userEvent.clear(replicas);
    await userEvent.type(replicas, 'two');
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(
      await screen.findByText('Replicas must be a whole number.'),
    ).toBeVisible();
    expect(replicas).toHaveAttribute('aria-invalid', 'true');
    expect(sent()).toEqual([]);
  });

  it('shows the refusal naming the field when the backend rejects the parameters', async () => {
    const message =
      'Invalid parameters for middleware "redis": parameters.persistence.size: must match pattern "^[1-9][0-9]{0,4}(Mi|Gi|Ti)$"';
    const { dialog } = await render({
      [previewRoute]: backendError(400, message),
    });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Instance name/ }),
      'cache',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview' }),
    );
    expect(
      await within(dialog).findByText('The preview was refused'),
    ).toBeVisible();
    expect(within(dialog).getByText(message)).toBeVisible();
    expect(
      within(dialog).queryByRole('region', { name: 'Objects' }),
    ).toBeNull();
  });

  it('shows progress while the preview renders', async () => {
    const { dialog } = await render({
      [previewRoute]: () => new Promise(() => {}) as any,
    });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Instance name/ }),
      'cache',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview' }),
    );
    expect(
      await within(dialog).findByText('Rendering the manifests…'),
    ).toBeVisible();
  });

  it('refuses an instance name that is not an RFC 1123 label, before any request', async () => {
    const { dialog, sent } = await render({
      [previewRoute]: json(redisPreview),
    });
    const name = within(dialog).getByRole('textbox', { name: /Instance name/ });
    await userEvent.type(name, 'Orders_DB');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview' }),
    );
    expect(
      await within(dialog).findByText(/must be an RFC 1123 label/),
    ).toBeVisible();
    expect(name).toHaveAttribute('aria-invalid', 'true');

    await userEvent.clear(name);
    await userEvent.type(name, '1cache');
    expect(within(dialog).queryByText(/RFC 1123 label/)).toBeNull();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview' }),
    );
    expect(
      await within(dialog).findByText('The name must start with a letter.'),
    ).toBeVisible();
    expect(sent()).toEqual([]);

    await userEvent.clear(name);
    await userEvent.type(name, 'orders-db');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview' }),
    );
    await waitFor(() =>
      expect(sent()).toEqual(['POST /middleware/definitions/redis/preview']),
    );
  });

  it('drops a shown preview when a field changes: it described other parameters', async () => {
    const { dialog } = await render({ [previewRoute]: json(redisPreview) });
    const name = within(dialog).getByRole('textbox', { name: /Instance name/ });
    await userEvent.type(name, 'cache');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview' }),
    );
    await within(dialog).findByRole('region', { name: 'Objects' });
    await userEvent.type(name, '-2');
    expect(
      within(dialog).queryByRole('region', { name: 'Objects' }),
    ).toBeNull();
  });

  describe('install', () => {
    const planRoute = 'POST /applications/payments/middleware/cache/plan';
    const installRoute = 'POST /applications/payments/middleware';
    const plan: ClusterPlan[] = [
      {
        cluster: 'test',
        objects: [
          { kind: 'StatefulSet', name: 'cache', action: 'create', changes: [] },
          { kind: 'Secret', name: 'cache', action: 'create', changes: [] },
        ],
      },
      {
        cluster: 'production',
        objects: [],
        error: 'no answer from cluster production within 10000 ms',
      },
    ];
    const record: DeploymentRecord = {
      id: 'd1',
      application: 'payments',
      service: 'cache',
      action: 'deploy',
      state: 'deploying',
      version: 1,
      createdBy: 'user:default/alice',
      summary: 'install redis',
      targets: [{ cluster: 'test', state: 'applying' }],
      createdAt: '2026-11-26T10:00:00Z',
    };
    const installing = {
      instance: { ...cache, state: 'pending', clusters: [], boundBy: [] },
      deployment: record,
    };

    async function fillIn() {
      await choose(/Application/, 'Payments (payments)');
      await userEvent.type(
        screen.getByRole('textbox', { name: /Instance name/ }),
        'cache',
      );
      const replicas = screen.getByRole('textbox', { name: /Replicas/ });
      await userEvent.clear(replicas);
      await userEvent.type(replicas, '2');
    }

    const parameters = {
      version: '7.4',
      size: 'small',
      replicas: 2,
      maxmemoryPolicy: 'allkeys-lru',
      persistence: { enabled: true, size: '1Gi' },
    };

    it('offers the applications that are not being deleted', async () => {
      await render();
      await userEvent.click(
        await screen.findByRole('button', { name: /Application/ }),
      );
      expect(
        within(screen.getByRole('listbox'))
          .getAllByRole('option')
          .map(option => option.textContent),
      ).toEqual(['Payments (payments)', 'shop']);
    });

    it('plans the install per cluster, installs with the same arguments and follows the progress', async () => {
      const signals = new TestSignals();
      const bodies: Record<string, unknown[]> = { plan: [], install: [] };
      await render(
        {
          [planRoute]: request => {
            bodies.plan.push(request.body);
            return json({ clusters: plan })();
          },
          [installRoute]: request => {
            bodies.install.push(request.body);
            return json(installing, 201)();
          },
        },
        redis,
        signals,
      );
      await fillIn();
      await userEvent.click(
        screen.getByRole('button', { name: 'Review install plan' }),
      );

      const planDialog = await screen.findByRole('dialog', {
        name: /Plan: install Redis as cache into payments/,
      });
      expect(
        await within(planDialog).findByLabelText('Plan summary'),
      ).toHaveTextContent('2 to create · production could not be planned');
      expect(
        within(planDialog).getByRole('region', {
          name: 'Plan for cluster test',
        }),
      ).toHaveTextContent('StatefulSet/cache');
      expect(bodies.plan).toEqual([{ definition: 'redis', parameters }]);

      await userEvent.click(
        within(planDialog).getByRole('button', { name: 'Install' }),
      );
      const progress = await screen.findByRole('dialog', {
        name: 'Installing cache into payments',
      });
      expect(bodies.install).toEqual([
        { name: 'cache', definition: 'redis', parameters },
      ]);
      const clusters = within(progress).getByRole('region', {
        name: 'Clusters',
      });
      expect(within(clusters).getByLabelText('test')).toHaveTextContent(
        'applying',
      );
      expect(
        within(progress).getByRole('link', { name: 'open payments' }),
      ).toHaveAttribute('href', '/catalog/default/system/payments');

      // The rollout is pushed, not fetched.
      act(() =>
        signals.publish('app-platform:service-status', {
          application: 'payments',
          service: 'cache',
          kind: 'middleware',
          state: 'running',
          clusters: [cache.clusters[0]],
          latestDeployment: {
            ...record,
            state: 'succeeded',
            targets: [{ cluster: 'test', state: 'succeeded' }],
          },
        }),
      );
      await waitFor(() =>
        expect(within(clusters).getByTestId('state-test')).toHaveAttribute(
          'data-state',
          'running',
        ),
      );
      expect(within(clusters).getByLabelText('test')).toHaveTextContent(
        'succeeded',
      );
      expect(
        within(progress).getByLabelText('Install state'),
      ).toHaveTextContent('Install succeeded');
    });

    it('asks for the application and a valid name before planning', async () => {
      const { sent } = await render({ [planRoute]: json({ clusters: plan }) });
      await userEvent.click(
        screen.getByRole('button', { name: 'Review install plan' }),
      );
      expect(
        await screen.findByText('Choose the application to install into.'),
      ).toBeVisible();
      expect(screen.getByText('Enter a name for the instance.')).toBeVisible();
      expect(sent()).toEqual([]);
    });

    it("shows the API's refusal and goes back to the form with its values", async () => {
      await render({
        [planRoute]: json({ clusters: plan }),
        [installRoute]: backendError(
          409,
          'The name "cache" is already used by service cache of payments',
        ),
      });
      await fillIn();
      await userEvent.click(
        screen.getByRole('button', { name: 'Review install plan' }),
      );
      const planDialog = await screen.findByRole('dialog', {
        name: /Plan: install/,
      });
      await within(planDialog).findByLabelText('Plan summary');
      await userEvent.click(
        within(planDialog).getByRole('button', { name: 'Install' }),
      );
      expect(await within(planDialog).findByRole('alert')).toHaveTextContent(
        'The name "cache" is already used by service cache of payments',
      );

      await userEvent.click(
        within(planDialog).getByRole('button', { name: 'Cancel' }),
      );
      expect(
        await screen.findByRole('textbox', { name: /Instance name/ }),
      ).toHaveValue('cache');
      expect(screen.getByRole('textbox', { name: /Replicas/ })).toHaveValue(
        '2',
      );
    });
  });
});
