import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { faultCommand } from './faultCommand';
import { Sandbox, startSandbox } from './startSandbox';

// Starting a sandbox (its CA and key) takes seconds on a busy machine.
jest.setTimeout(30_000);

describe('kube-sandbox fault', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      name: 'test',
      controller: { autoTick: false },
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sandbox-fault-'));
    // The files `kube-sandbox serve` writes.
    await sandbox.writeKubeconfig(path.join(dir, 'test.kubeconfig'));
    fs.writeFileSync(path.join(dir, 'test.token'), sandbox.token);
  });

  afterAll(async () => {
    await sandbox.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => sandbox.faults.reset());

  const run = (...args: string[]) =>
    faultCommand(['--kubeconfig-dir', dir, '--name', 'test', ...args]);

  it('switches faults on and off on a running sandbox', async () => {
    expect(await run('blackhole', 'on')).toMatchObject({ blackhole: true });
    expect(sandbox.faults.get().blackhole).toBe(true);
    await run('blackhole', 'off');
    expect(sandbox.faults.get().blackhole).toBe(false);
    await run('watchDelayMs', '250');
    expect(sandbox.faults.get().watchDelayMs).toBe(250);
    await run('reset');
    expect(sandbox.faults.get().watchDelayMs).toBe(0);
  });

  it('sets JSON with a scope and finds the only cluster by itself', async () => {
    await faultCommand([
      '--kubeconfig-dir',
      dir,
      '--path',
      '/apis/apps',
      '--verbs',
      'create,patch',
      'set',
      '{"throttle":true,"retryAfterSeconds":3}',
    ]);
    expect(sandbox.faults.get()).toMatchObject({
      throttle: true,
      retryAfterSeconds: 3,
      match: { path: '/apis/apps', verbs: ['create', 'patch'] },
    });
    expect(await run('show')).toMatchObject({ throttle: true });
  });

  it('reports mistakes clearly', async () => {
    await expect(run('throttle', 'yes')).rejects.toThrow(
      'throttle takes on or off',
    );
    await expect(run('set', '{"blackHole":true}')).rejects.toThrow(
      'unknown fault setting "blackHole"',
    );
    await expect(run('explode')).rejects.toThrow('unknown action explode');
    await expect(
      faultCommand(['--kubeconfig-dir', dir, '--name', 'nope', 'show']),
    ).rejects.toThrow('nope.kubeconfig does not exist');
  });
});
