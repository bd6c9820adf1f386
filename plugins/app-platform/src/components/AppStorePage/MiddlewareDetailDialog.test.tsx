import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { MiddlewareDefinitionSummary } from '@internal/plugin-app-platform-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { Answer, clientAnswering, json } from '../../testing/backendAnswering';
import { backendError } from '../../scaffolder/__testUtils__/backendError';
import { MiddlewareDetailDialog } from './MiddlewareDetailDialog';
import { redis, redisPreview } from './middlewareFixtures';

async function render(
  routes: Record<string, Answer> = {},
  definition: MiddlewareDefinitionSummary = redis,
) {
  const backend = clientAnswering(routes);
  const onClose = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[appPlatformApiRef, backend.client]]}>
      <MiddlewareDetailDialog definition={definition} onClose={onClose} />
    </TestApiProvider>,
  );
  const dialog = await screen.findByRole('dialog');
  return { ...backend, dialog, onClose };
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
    const { dialog, requests } = await render({
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

    expect(requests).toEqual(['POST /middleware/definitions/redis/preview']);
    expect(bodies).toEqual([
      { instance: 'cache', parameters: { version: '8.0', size: 'medium' } },
    ]);
  });

  it('sends the instance, version and size, leaving the other parameters to their defaults', async () => {
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
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByRole('region', { name: 'Objects' });
    expect(bodies).toEqual([
      { instance: 'cache', parameters: { version: '7.4', size: 'small' } },
    ]);
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
    const { dialog, requests } = await render({
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
    expect(requests).toEqual([]);

    await userEvent.clear(name);
    await userEvent.type(name, 'orders-db');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview' }),
    );
    await waitFor(() =>
      expect(requests).toEqual(['POST /middleware/definitions/redis/preview']),
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

  it('offers no install', async () => {
    const { dialog } = await render();
    expect(
      within(dialog).queryByRole('button', { name: /install/i }),
    ).toBeNull();
  });
});
