import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { Controller, ControllerTimings } from './controller/Controller';
import { ClusterSettings } from './controller/ControllerContext';
import {
  generateCertificates,
  SandboxCertificates,
} from './server/certificates';
import { Faults } from './server/Faults';
import { KubeApi } from './server/KubeApi';
import { KubeSandboxServer, SandboxToken } from './server/KubeSandboxServer';
import { ObjectStore } from './server/ObjectStore';
import { ResourceRegistry } from './server/resources';

export interface SandboxOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Host to bind; defaults to 127.0.0.1. */
  host?: string;
  /** Cluster name used in the kubeconfig; defaults to `kube-sandbox`. */
  name?: string;
  /**
   * Accepted bearer tokens. Defaults to one random unrestricted token. The
   * first unrestricted token is the one put in the kubeconfig.
   */
  tokens?: (string | SandboxToken)[];
  /** When set, state (objects, CA, tokens) is loaded from and saved here. */
  persistDir?: string;
  /** Simulated controller timings; see ControllerTimings. */
  controller?: ControllerTimings;
  /** Events kept for watch resumption; older resourceVersions get 410. */
  watchHistorySize?: number;
  /** Interval of BOOKMARK events on watches that allow them. */
  bookmarkIntervalMs?: number;
  /**
   * Real ms a deleted namespace stays Terminating at least (default 3000,
   * as a real cluster takes seconds); it stays longer while objects in it
   * have finalizers. Tests pass a small value to go faster.
   */
  namespaceTerminationMs?: number;
  /**
   * Image repositories (`acme/app`, `ghcr.io/acme/app`) or tagged images
   * (`nginx:0.0.1`) that do not exist: pulls fail with ErrImagePull.
   */
  unknownImages?: string[];
  /** Storage classes besides the default `standard` that bind claims. */
  storageClasses?: string[];
  /** Allocatable resources of the node (default cpu 4, memory 16Gi, 110 pods). */
  nodeCapacity?: ClusterSettings['nodeCapacity'];
}

export interface Sandbox {
  url: string;
  name: string;
  /** PEM of the CA that signed the server certificate. */
  caData: string;
  token: string;
  kubeconfig(options?: { namespace?: string; token?: string }): string;
  writeKubeconfig(
    file: string,
    options?: { namespace?: string; token?: string },
  ): Promise<void>;
  faults: Faults;
  store: ObjectStore;
  api: KubeApi;
  controller: Controller;
  server: KubeSandboxServer;
  stop(): Promise<void>;
}

interface PersistedIdentity {
  certificates: SandboxCertificates;
  tokens: SandboxToken[];
  port?: number;
}

function loadJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * Starts an in-process Kubernetes API stand-in: HTTPS server, object store and
 * simulated controllers. Call `stop()` to release the port and timers.
 */
export async function startSandbox(
  options: SandboxOptions = {},
): Promise<Sandbox> {
  const name = options.name ?? 'kube-sandbox';
  const persistDir = options.persistDir;
  const identityFile = persistDir && path.join(persistDir, 'identity.json');
  const stateFile = persistDir && path.join(persistDir, 'state.json');
  if (persistDir) fs.mkdirSync(persistDir, { recursive: true });

  // Re-using the CA and tokens across restarts keeps written kubeconfigs valid.
  const persisted = identityFile
    ? loadJson<PersistedIdentity>(identityFile)
    : undefined;
  const certificates = persisted?.certificates ?? generateCertificates(name);
  let tokens: SandboxToken[] = (options.tokens ?? []).map(t =>
    typeof t === 'string' ? { token: t } : t,
  );
  if (tokens.length === 0) {
    tokens = persisted?.tokens ?? [{ token: randomBytes(24).toString('hex') }];
  }
  const mainToken = tokens.find(t => !t.namespaces) ?? tokens[0];

  const registry = ResourceRegistry.create();
  const store = ObjectStore.create({ historySize: options.watchHistorySize });
  const snapshot = stateFile ? loadJson<any>(stateFile) : undefined;
  if (snapshot) store.restore(registry.types, snapshot);
  const api = KubeApi.create({
    store,
    registry,
    storageClasses: options.storageClasses,
  });
  const faults = Faults.create();
  const controller = Controller.create(api, options.controller, {
    namespaceTerminationMs: options.namespaceTerminationMs,
    unknownImages: options.unknownImages,
    storageClasses: options.storageClasses,
    nodeCapacity: options.nodeCapacity,
  });
  const server = await KubeSandboxServer.create({
    api,
    faults,
    tokens,
    cert: certificates.serverCert,
    key: certificates.serverKey,
    port: options.port ?? persisted?.port ?? 0,
    host: options.host,
    bookmarkIntervalMs: options.bookmarkIntervalMs,
  });

  let saveTimer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const save = () => {
    saveTimer = undefined;
    if (stateFile) {
      fs.writeFileSync(`${stateFile}.tmp`, JSON.stringify(store.snapshot()));
      fs.renameSync(`${stateFile}.tmp`, stateFile);
    }
  };
  if (identityFile && stateFile) {
    const port = Number(new URL(server.url).port);
    fs.writeFileSync(
      identityFile,
      JSON.stringify({ certificates, tokens, port }),
      { mode: 0o600 },
    );
    // Writes are batched: persistence is for dev restarts, not durability.
    unsubscribe = store.subscribe(undefined, () => {
      saveTimer ??= setTimeout(save, 250);
    });
    // Objects created during start-up (default namespaces) are saved too.
    save();
  }

  const kubeconfig = (opts: { namespace?: string; token?: string } = {}) =>
    YAML.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name,
          cluster: {
            server: server.url,
            'certificate-authority-data': Buffer.from(
              certificates.caCert,
            ).toString('base64'),
          },
        },
      ],
      users: [
        {
          name: `${name}-user`,
          user: { token: opts.token ?? mainToken.token },
        },
      ],
      contexts: [
        {
          name,
          context: {
            cluster: name,
            user: `${name}-user`,
            ...(opts.namespace ? { namespace: opts.namespace } : {}),
          },
        },
      ],
      'current-context': name,
      preferences: {},
    });

  return {
    url: server.url,
    name,
    caData: certificates.caCert,
    token: mainToken.token,
    kubeconfig,
    async writeKubeconfig(file, opts) {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(file, kubeconfig(opts), { mode: 0o600 });
    },
    faults,
    store,
    api,
    controller,
    server,
    async stop() {
      controller.dispose();
      api.dispose();
      unsubscribe?.();
      if (saveTimer) {
        clearTimeout(saveTimer);
        save();
      }
      await server.stop();
      faults.dispose();
    },
  };
}
