import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createInstallMiddlewareAction } from '../actions/createInstallMiddlewareAction';
import { createPlatformAccess } from '../actions/platformAccess';

type Entity = {
  kind: string;
  metadata: { name: string; namespace?: string };
};

/**
 * A catalog that serves `entities` by reference (all the scaffolder asks
 * it for: the template of a task and its user, who is unknown here).
 */
async function startCatalog(entities: Entity[]) {
  const server = http.createServer((req, res) => {
    const [, kind, namespace, name] =
      /^\/entities\/by-name\/([^/]+)\/([^/]+)\/([^/?]+)/
        .exec(req.url ?? '')
        ?.map(decodeURIComponent) ?? [];
    const entity = entities.find(
      e =>
        e.kind.toLowerCase() === kind?.toLowerCase() &&
        (e.metadata.namespace ?? 'default') === namespace &&
        e.metadata.name === name,
    );
    res
      .writeHead(entity ? 200 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify(entity ?? { error: { name: 'NotFoundError' } }));
  });
  await new Promise<void>(resolve => server.listen(0, resolve));
  return server;
}

/**
 * Node's fetch, its JSON parsed in the test's realm. Under Jest, Node's own
 * fetch parses JSON in another realm than the test's modules, and the
 * scaffolder's template engine (loaded in the test's realm) refuses a step
 * output's array of another realm. One realm in the portal: no such copy.
 */
const fetchInTestRealm: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const body = await response.text();
  return Object.assign(
    new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    }),
    { json: async () => JSON.parse(body) },
  );
};

/**
 * Backstage's scaffolder backend with `app-platform:middleware:install`,
 * running tasks as the portal does (the same rendering of step inputs, secrets and task API),
 * its actions calling the App Platform at `platformBaseUrl`
 * (`http://localhost:<port>/api/app-platform`). Its catalog knows only
 * `templates`. Users sign in with mock credentials
 * (`mockCredentials.user.header`).
 */
export async function startTestScaffolder(options: {
  platformBaseUrl: string;
  templates: Entity[];
}) {
  const catalog = await startCatalog(options.templates);
  const catalogBaseUrl = `http://localhost:${
    (catalog.address() as AddressInfo).port
  }`;
  const baseUrl = async (pluginId: string) => {
    if (pluginId === 'app-platform') return options.platformBaseUrl;
    if (pluginId === 'catalog') return catalogBaseUrl;
    throw new Error(`No plugin ${pluginId} in the test scaffolder's backend`);
  };
  const backend = await startTestBackend({
    features: [
      scaffolderPlugin,
      // The module's middleware action, as module.ts adds it but for the fetch.
      createBackendModule({
        pluginId: 'scaffolder',
        moduleId: 'app-platform-test',
        register(reg) {
          reg.registerInit({
            deps: {
              actions: scaffolderActionsExtensionPoint,
              auth: coreServices.auth,
              discovery: coreServices.discovery,
              permissions: coreServices.permissions,
            },
            async init({ actions, auth, discovery, permissions }) {
              const access = createPlatformAccess({
                auth,
                discovery,
                fetch: fetchInTestRealm,
              });
              actions.addActions(
                createInstallMiddlewareAction({ access, permissions }),
              );
            },
          });
        },
      }),
      createServiceFactory({
        service: coreServices.discovery,
        deps: {},
        factory: () => ({ getBaseUrl: baseUrl, getExternalBaseUrl: baseUrl }),
      }),
    ],
  });
  return {
    server: backend.server,
    stop: async () => {
      await backend.stop();
      await new Promise(resolve => catalog.close(resolve));
    },
  };
}
