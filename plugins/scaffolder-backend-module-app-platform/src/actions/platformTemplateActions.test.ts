import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the actions are tested against the real platform they call
import {
  ADMIN,
  ALICE,
  apiClient,
  BOB,
  kubeFor,
  platformConfig,
  policyPermissionsService,
  startSandboxes,
  startTestPlatform,
  testPolicy,
  waitFor,
} from '@internal/plugin-app-platform-backend/testUtils';
import { AddressInfo } from 'node:net';
import { checkpoints, contextOf } from '../__testUtils__/actionContexts';
import { createApplicationAction } from './createApplicationAction';
import { createDeployVersionAction } from './createDeployVersionAction';
import { createServiceAction } from './createServiceAction';
import { createPlatformAccess } from './platformAccess';

jest.setTimeout(180_000);

describe('the scaffolder actions against the App Platform', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('create an application and a service that deploys, deploy a new image, retry without duplicates, dry-run without changes and refuse users without rights', async () => {
    const knex = await databases.init('SQLITE_3');
    const { alpha, beta } = await startSandboxes('alpha', 'beta');
    const platform = await startTestPlatform({
      knex,
      appPlatform: platformConfig({ alpha, beta }),
    });
    const port = (platform.server.address() as AddressInfo).port;
    const call = apiClient(platform.server, []);
    const access = createPlatformAccess({
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
      discovery: {
        getBaseUrl: async id => `http://localhost:${port}/api/${id}`,
        getExternalBaseUrl: async id => `http://localhost:${port}/api/${id}`,
      },
    });
    // The scaffolder's permissions service, deciding as the portal's policy would.
    const permissions = policyPermissionsService(testPolicy(), knex);
    const applicationAction = createApplicationAction({ access, permissions });
    const serviceAction = createServiceAction({ access, permissions });
    const deployAction = createDeployVersionAction({ access, permissions });
    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);

    try {
      await waitFor(async () => {
        const res = await call(ADMIN, 'get', '/clusters');
        return res.body.items?.length === 2 &&
          res.body.items.every((c: any) => c.health === 'healthy')
          ? true
          : undefined;
      }, 'clusters healthy');

      // A dry run checks and creates nothing.
      const dry = contextOf(
        ALICE,
        { name: 'shop', owner: 'group:default/team-a' },
        { isDryRun: true },
      );
      await applicationAction.handler(dry.ctx as any);
      expect(dry.lines.join('\n')).toMatch(
        /Dry run: would create application shop/,
      );
      expect(await count('applications')).toBe(0);
      await expect(
        applicationAction.handler(
          contextOf(ALICE, { name: 'Shop', owner: 'group:default/team-a' })
            .ctx as any,
        ),
      ).rejects.toThrow(/name "Shop" must consist of lower-case letters/);

      // The application, with per-cluster progress while its namespaces come up.
      const created = contextOf(ALICE, {
        name: 'shop',
        owner: 'group:default/team-a',
        wait: true,
        timeoutSeconds: 60,
      });
      await applicationAction.handler(created.ctx as any);
      expect(created.lines).toEqual(
        expect.arrayContaining([
          'Created application shop, owned by group:default/team-a',
          'alpha: namespace shop ready',
          'beta: namespace shop ready',
        ]),
      );
      expect(created.ctx.output).toHaveBeenCalledWith(
        'entityRef',
        'system:default/shop',
      );
      // A retried task that lost its checkpoint finds the application it made.
      const again = contextOf(ALICE, {
        name: 'shop',
        owner: 'group:default/team-a',
        wait: false,
        timeoutSeconds: 60,
      });
      await applicationAction.handler(again.ctx as any);
      expect(again.lines).toContain(
        'Application shop exists with owner group:default/team-a; reusing it',
      );
      await expect(
        applicationAction.handler(
          contextOf(BOB, {
            name: 'shop',
            owner: 'group:default/team-b',
            wait: false,
            timeoutSeconds: 60,
          }).ctx as any,
        ),
      ).rejects.toThrow(/already exists, owned by group:default\/team-a/);

      const serviceInput = {
        application: 'shop',
        name: 'web',
        public: false,
        image: 'shop/web:1',
        replicas: 2,
        ports: [{ name: 'http', containerPort: 8080 }],
        env: [{ name: 'LOG_LEVEL', value: 'info' }],
        logging: true,
        deploy: true,
        wait: true,
        timeoutSeconds: 120,
      };
      // BOB's team does not own shop: refused by the platform, nothing written.
      await expect(
        serviceAction.handler(contextOf(BOB, serviceInput).ctx as any),
      ).rejects.toThrow(/app-platform\.service\.create/);
      await expect(
        serviceAction.handler(
          contextOf(BOB, serviceInput, { isDryRun: true }).ctx as any,
        ),
      ).rejects.toThrow(/Not allowed: app-platform\.service\.create on "shop"/);
      const dryService = contextOf(ALICE, serviceInput, { isDryRun: true });
      await serviceAction.handler(dryService.ctx as any);
      expect(dryService.lines.join('\n')).toMatch(
        /Dry run: would create shop\/web with version 1 \(shop\/web:1\), deployed to every healthy cluster/,
      );
      expect(await count('services')).toBe(0);

      // The service, its first version deployed, followed per cluster.
      const task = checkpoints();
      const made = contextOf(ALICE, serviceInput, { checkpoint: task });
      await serviceAction.handler(made.ctx as any);
      expect(made.lines).toEqual(
        expect.arrayContaining([
          'Created service shop/web',
          expect.stringMatching(
            /^alpha: deploy v1 (pending|applying|deploying)$/,
          ),
          'alpha: deploy v1 succeeded',
          'beta: deploy v1 succeeded',
          'shop/web runs version 1',
        ]),
      );
      expect(made.ctx.output).toHaveBeenCalledWith(
        'deploymentsUrl',
        '/catalog/shop/component/web/deployments',
      );
      const live = await kubeFor(beta).apps.readNamespacedDeployment({
        namespace: 'shop',
        name: 'web',
      });
      expect(
        live.spec?.template.spec?.containers.map(c => c.name).sort(),
      ).toEqual(['app', 'log-collector']);
      // The same task retried: no second service, version or record.
      const records = await count('deployments');
      await serviceAction.handler(
        contextOf(ALICE, serviceInput, { checkpoint: task }).ctx as any,
      );
      expect(await count('deployments')).toBe(records);
      expect(await count('service_versions')).toBe(1);

      // A service with its first version only.
      const stored = contextOf(ALICE, {
        ...serviceInput,
        name: 'api',
        deploy: false,
      });
      await serviceAction.handler(stored.ctx as any);
      expect(stored.ctx.output).toHaveBeenCalledWith('version', 1);
      expect(await count('deployments')).toBe(records);

      // A new image on the running version.
      const deployInput = {
        application: 'shop',
        service: 'web',
        image: 'shop/web:2',
        wait: true,
        timeoutSeconds: 120,
      };
      await expect(
        deployAction.handler(
          contextOf(BOB, deployInput, { isDryRun: true }).ctx as any,
        ),
      ).rejects.toThrow(
        /Not allowed: app-platform\.service\.deploy on "shop\/web"/,
      );
      await expect(
        deployAction.handler(contextOf(BOB, deployInput).ctx as any),
      ).rejects.toThrow(/app-platform\.service\.deploy/);
      expect(await count('deployments')).toBe(records);
      const deployed = contextOf(ALICE, deployInput);
      await deployAction.handler(deployed.ctx as any);
      expect(deployed.lines).toContain('shop/web runs version 2');
      const v2 = await kubeFor(alpha).apps.readNamespacedDeployment({
        namespace: 'shop',
        name: 'web',
      });
      const app = v2.spec?.template.spec?.containers.find(
        c => c.name === 'app',
      );
      expect(app?.image).toBe('shop/web:2');
      // The rest of the spec is the running version's.
      expect(app?.env).toEqual(
        expect.arrayContaining([{ name: 'LOG_LEVEL', value: 'info' }]),
      );

      // A deploy that fails says why, per cluster, and fails the step.
      await expect(
        deployAction.handler(
          contextOf(ALICE, {
            ...deployInput,
            image: 'registry.invalid/shop/web:3',
          }).ctx as any,
        ),
      ).rejects.toThrow(
        /The deployment failed \(alpha: (ErrImagePull|ImagePullBackOff)/,
      );
    } finally {
      await platform.stop();
      await Promise.all([alpha.stop(), beta.stop()]);
    }
  });
});
