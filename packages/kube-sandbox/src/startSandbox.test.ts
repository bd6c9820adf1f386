import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { startSandbox } from './startSandbox';
import { clientsFor, eventually } from './__testUtils__/clients';
import {
  ADD,
  DELETE,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  UPDATE,
  Watch,
} from '@kubernetes/client-node';

jest.setTimeout(30000);

describe('startSandbox', () => {
  it('writes a kubeconfig with CA data and token', async () => {
    const sandbox = await startSandbox({
      name: 'unit',
      tokens: ['t0k3n'],
      controller: { autoTick: false },
    });
    try {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sandbox-'));
      const file = path.join(dir, 'nested', 'config');
      await sandbox.writeKubeconfig(file, { namespace: 'apps' });
      const config = YAML.parse(fs.readFileSync(file, 'utf8'));
      expect(config['current-context']).toBe('unit');
      expect(config.clusters[0].cluster.server).toBe(sandbox.url);
      expect(
        Buffer.from(
          config.clusters[0].cluster['certificate-authority-data'],
          'base64',
        ).toString(),
      ).toBe(sandbox.caData);
      expect(config.users[0].user.token).toBe('t0k3n');
      expect(config.contexts[0].context.namespace).toBe('apps');
      expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      fs.rmSync(dir, { recursive: true, force: true });
    } finally {
      await sandbox.stop();
    }
  });

  it('counts the API requests of authenticated callers', async () => {
    const sandbox = await startSandbox({
      name: 'counted',
      controller: { autoTick: false },
    });
    try {
      const { core } = clientsFor(sandbox);
      expect(sandbox.server.apiRequestCount()).toBe(0);
      await core.listNamespace();
      await core.readNamespace({ name: 'default' });
      expect(sandbox.server.apiRequestCount()).toBe(2);
      await expect(
        clientsFor(sandbox, 'wrong').core.listNamespace(),
      ).rejects.toMatchObject({ code: 401 });
      expect(sandbox.server.apiRequestCount()).toBe(2);
    } finally {
      await sandbox.stop();
    }
  });

  it('persists state, CA and port across restarts', async () => {
    const persistDir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'kube-sandbox-state-'),
    );
    const first = await startSandbox({
      persistDir,
      controller: { autoTick: false },
    });
    const { core } = clientsFor(first);
    await core.createNamespace({ body: { metadata: { name: 'kept' } } });
    const cm = await core.createNamespacedConfigMap({
      namespace: 'kept',
      body: { metadata: { name: 'c' }, data: { a: '1' } },
    });
    const kubeconfig = first.kubeconfig();
    await first.stop();

    const second = await startSandbox({
      persistDir,
      controller: { autoTick: false },
    });
    try {
      expect(second.url).toBe(first.url);
      expect(second.kubeconfig()).toBe(kubeconfig);
      const again = clientsFor(second);
      const read = await again.core.readNamespacedConfigMap({
        name: 'c',
        namespace: 'kept',
      });
      expect(read.metadata?.uid).toBe(cm.metadata?.uid);
      const next = await again.core.createNamespacedConfigMap({
        namespace: 'kept',
        body: { metadata: { name: 'd' } },
      });
      expect(Number(next.metadata?.resourceVersion)).toBeGreaterThan(
        Number(cm.metadata?.resourceVersion),
      );
    } finally {
      await second.stop();
      fs.rmSync(persistDir, { recursive: true, force: true });
    }
  });

  it('feeds client-node informers', async () => {
    const sandbox = await startSandbox({ controller: { autoTick: false } });
    const { core, kc } = clientsFor(sandbox);
    const informer = makeInformer(
      kc,
      '/api/v1/namespaces/default/configmaps',
      () => core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const seen: string[] = [];
    informer.on(ADD, obj => seen.push(`add:${obj.metadata?.name}`));
    informer.on(UPDATE, obj => seen.push(`update:${obj.metadata?.name}`));
    informer.on(DELETE, obj => seen.push(`delete:${obj.metadata?.name}`));
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'before' } },
    });
    await informer.start();
    try {
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'after' } },
      });
      await core.patchNamespacedConfigMap(
        { name: 'after', namespace: 'default', body: { data: { a: 'b' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await core.deleteNamespacedConfigMap({
        name: 'before',
        namespace: 'default',
      });
      await eventually(() => seen.length >= 4);
      expect(seen).toEqual([
        'add:before',
        'add:after',
        'update:after',
        'delete:before',
      ]);
      expect(informer.list().map(o => o.metadata?.name)).toEqual(['after']);
    } finally {
      await informer.stop();
      await sandbox.stop();
    }
  });

  it('reports objects leaving a watch selector as DELETED', async () => {
    const sandbox = await startSandbox({ controller: { autoTick: false } });
    const { core, kc } = clientsFor(sandbox);
    const events: string[] = [];
    const ctrl = await new Watch(kc).watch(
      '/api/v1/namespaces/default/configmaps',
      { labelSelector: 'sel=yes' },
      (type, obj) => events.push(`${type}:${obj.metadata.name}`),
      () => undefined,
    );
    try {
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'm', labels: { sel: 'no' } } },
      });
      await core.replaceNamespacedConfigMap({
        name: 'm',
        namespace: 'default',
        body: { metadata: { name: 'm', labels: { sel: 'yes' } } },
      });
      await core.replaceNamespacedConfigMap({
        name: 'm',
        namespace: 'default',
        body: { metadata: { name: 'm', labels: { sel: 'no' } } },
      });
      await eventually(() => events.length >= 2);
      expect(events).toEqual(['ADDED:m', 'DELETED:m']);
    } finally {
      ctrl.abort();
      await sandbox.stop();
    }
  });
});
