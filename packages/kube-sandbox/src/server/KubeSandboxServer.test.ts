import {
  PatchStrategy,
  setHeaderOptions,
  V1ConfigMap,
  V1CronJob,
  V1DaemonSet,
  V2HorizontalPodAutoscaler,
  Watch,
} from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';
import { Sandbox, startSandbox } from '../startSandbox';
import {
  clientsFor,
  deployment,
  eventually,
  failure,
  rawRequest,
  statusOf,
} from '../__testUtils__/clients';
import { OpenApiV2Document } from './openApiV2';
import { ResourceRegistry } from './resources';

jest.setTimeout(30000);

describe('KubeSandboxServer via @kubernetes/client-node', () => {
  let sandbox: Sandbox;
  let c: ReturnType<typeof clientsFor>;
  let nsCounter = 0;
  let ns: string;

  const cm = (
    name: string,
    data: Record<string, string> = { a: '1' },
    labels?: Record<string, string>,
  ): V1ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels },
    data,
  });

  beforeAll(async () => {
    sandbox = await startSandbox({
      tokens: ['admin-token', { token: 'team-token', namespaces: ['team-a'] }],
      watchHistorySize: 50,
      bookmarkIntervalMs: 50,
      namespaceTerminationMs: 500,
      controller: { speed: 100 },
    });
    c = clientsFor(sandbox);
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  beforeEach(async () => {
    ns = `test-${++nsCounter}`;
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
  });

  describe('auth', () => {
    it('rejects missing and wrong tokens with 401', async () => {
      const anonymous = await rawRequest(sandbox, 'GET', '/api/v1/namespaces', {
        token: null,
      });
      expect(anonymous.code).toBe(401);
      expect(anonymous.body).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code: 401,
      });
      const e = await failure(
        clientsFor(sandbox, 'wrong').core.listNamespace(),
      );
      expect(e.code).toBe(401);
      // client-node does not expose 401 bodies; the raw request above checks it.
      const wrong = await rawRequest(sandbox, 'GET', '/api/v1/namespaces', {
        token: 'wrong',
      });
      expect(wrong.body).toMatchObject({ reason: 'Unauthorized', code: 401 });
    });

    it('limits namespace-scoped tokens with 403', async () => {
      await c.core
        .createNamespace({ body: { metadata: { name: 'team-a' } } })
        .catch(() => undefined);
      const team = clientsFor(sandbox, 'team-token');
      await team.core.createNamespacedConfigMap({
        namespace: 'team-a',
        body: cm('ok'),
      });
      const e = await failure(
        team.core.listNamespacedConfigMap({ namespace: ns }),
      );
      expect(e.code).toBe(403);
      expect(statusOf(e)).toMatchObject({
        reason: 'Forbidden',
        status: 'Failure',
      });
      expect((await failure(team.core.listNamespace())).code).toBe(403);
    });
  });

  describe('discovery', () => {
    it('serves version, groups and resources', async () => {
      const res = await c.objects.list('apps/v1', 'Deployment', ns);
      expect(res.items).toEqual([]);
      const fetchJson = async (path: string) =>
        (await rawRequest(sandbox, 'GET', path)).body;
      expect(await fetchJson('/version')).toMatchObject({ major: '1' });
      expect((await fetchJson('/apis')).groups.map((g: any) => g.name)).toEqual(
        [
          'apps',
          'autoscaling',
          'batch',
          'discovery.k8s.io',
          'networking.k8s.io',
        ],
      );
      const core = await fetchJson('/api/v1');
      expect(core.resources.map((r: any) => r.name)).toEqual(
        expect.arrayContaining([
          'pods',
          'pods/log',
          'namespaces',
          'secrets',
          'services',
          'events',
        ]),
      );
      const apps = await fetchJson('/apis/apps/v1');
      expect(apps.resources.map((r: any) => r.name)).toEqual(
        expect.arrayContaining([
          'deployments',
          'deployments/scale',
          'statefulsets/status',
        ]),
      );
    });

    it('serves HPAs, CronJobs and DaemonSets as a cluster does', async () => {
      const fetchJson = async (path: string) =>
        (await rawRequest(sandbox, 'GET', path)).body;
      const autoscaling = await fetchJson('/apis/autoscaling');
      expect(autoscaling).toMatchObject({
        kind: 'APIGroup',
        name: 'autoscaling',
        preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' },
      });
      const all = ['create', 'delete', 'get', 'list', 'patch', 'watch'];
      const resource = (name: string, kind: string, shortName: string) => ({
        name,
        kind,
        namespaced: true,
        shortNames: [shortName],
        categories: ['all'],
        verbs: expect.arrayContaining(all),
      });
      const status = (name: string, kind: string) => ({
        name: `${name}/status`,
        kind,
        verbs: ['get', 'patch', 'update'],
      });
      for (const [path, plural, kind, shortName] of [
        [
          '/apis/autoscaling/v2',
          'horizontalpodautoscalers',
          'HorizontalPodAutoscaler',
          'hpa',
        ],
        ['/apis/batch/v1', 'cronjobs', 'CronJob', 'cj'],
        ['/apis/apps/v1', 'daemonsets', 'DaemonSet', 'ds'],
      ]) {
        const list = await fetchJson(path);
        expect(list.resources).toEqual(
          expect.arrayContaining([
            expect.objectContaining(resource(plural, kind, shortName)),
            expect.objectContaining(status(plural, kind)),
          ]),
        );
        // No scale subresource: nothing scales them.
        expect(list.resources.map((r: any) => r.name)).not.toContain(
          `${plural}/scale`,
        );
      }
      // kubectl discovers the openapi/v3 document of each group version.
      expect(Object.keys((await fetchJson('/openapi/v3')).paths)).toContain(
        'apis/autoscaling/v2',
      );
      const v3 = await fetchJson('/openapi/v3/apis/autoscaling/v2');
      expect(
        v3.paths[
          '/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers/{name}'
        ].patch['x-kubernetes-group-version-kind'],
      ).toEqual({
        group: 'autoscaling',
        version: 'v2',
        kind: 'HorizontalPodAutoscaler',
      });
    });
  });

  describe('openapi/v2', () => {
    // Older kubectl (1.20; SupportsDryRun in k8s.io/kubectl's
    // util/openapi/dryrun.go) runs `diff` and `--dry-run=server` only for a
    // kind whose PATCH operation names it in x-kubernetes-group-version-kind
    // (YAML) and lists a dryRun query parameter. The same walk over the
    // decoded document:
    const supportsDryRun = (doc: any, gvk: object) => {
      for (const path of doc.paths?.path ?? []) {
        const patch = path.value?.patch;
        const ext = (patch?.vendorExtension ?? []).find(
          (e: any) =>
            e.value?.yaml && e.name === 'x-kubernetes-group-version-kind',
        );
        if (!ext || !isDeepStrictEqual(YAML.parse(ext.value.yaml), gvk))
          continue;
        return (patch.parameters ?? []).some(
          (p: any) =>
            p.parameter?.nonBodyParameter?.queryParameterSubSchema?.name ===
            'dryRun',
        );
      }
      throw new Error(`couldn't find ${JSON.stringify(gvk)} in openapi`);
    };
    const served = ResourceRegistry.create().types.map(t => ({
      group: t.group,
      kind: t.kind,
      version: t.version,
    }));

    it('answers protobuf with the dryRun parameter of every served kind', async () => {
      const res = await rawRequest(sandbox, 'GET', '/openapi/v2', {
        accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
      });
      expect(res.code).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      const doc = OpenApiV2Document.toObject(
        OpenApiV2Document.decode(res.raw),
      ) as any;
      expect(doc).toMatchObject({ swagger: '2.0', definitions: {} });
      expect(served).toContainEqual({
        group: 'apps',
        kind: 'Deployment',
        version: 'v1',
      });
      for (const gvk of served) {
        expect([gvk, supportsDryRun(doc, gvk)]).toEqual([gvk, true]);
      }
      expect(() =>
        supportsDryRun(doc, { group: '', kind: 'Widget', version: 'v1' }),
      ).toThrow("couldn't find");
      const configMaps = doc.paths.path.find(
        (p: any) =>
          p.name === '/api/v1/namespaces/{namespace}/configmaps/{name}',
      );
      expect(
        configMaps.value.patch.parameters.map(
          (p: any) => p.parameter.nonBodyParameter.queryParameterSubSchema,
        ),
      ).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'dryRun', in: 'query' }),
          expect.objectContaining({ name: 'fieldManager', in: 'query' }),
          expect.objectContaining({ name: 'fieldValidation', in: 'query' }),
          expect.objectContaining({ name: 'force', type: 'boolean' }),
        ]),
      );
    });

    it('answers JSON for JSON', async () => {
      const res = await rawRequest(sandbox, 'GET', '/openapi/v2', {
        accept: 'application/json',
      });
      expect(res.code).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toMatchObject({ swagger: '2.0', definitions: {} });
      const patches = Object.values(res.body.paths).map((p: any) => p.patch);
      expect(
        patches.map((op: any) => op['x-kubernetes-group-version-kind']),
      ).toEqual(expect.arrayContaining(served));
      expect(patches).toHaveLength(served.length);
      for (const op of patches) {
        expect(op.parameters).toContainEqual(
          expect.objectContaining({ name: 'dryRun', in: 'query' }),
        );
      }
      expect(
        res.body.paths[
          '/apis/apps/v1/namespaces/{namespace}/deployments/{name}'
        ].patch['x-kubernetes-group-version-kind'],
      ).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    });
  });

  describe('errors', () => {
    it('answers unknown routes, bad media types and bad bodies with Status objects', async () => {
      const unknown = await rawRequest(
        sandbox,
        'GET',
        '/apis/batch/v1/widgets',
      );
      expect(unknown.body).toMatchObject({
        kind: 'Status',
        code: 404,
        reason: 'NotFound',
      });
      // The Content-Type picks the decoder, as in the API server.
      const xml = await rawRequest(
        sandbox,
        'POST',
        `/api/v1/namespaces/${ns}/configmaps`,
        { body: '<configmap/>', contentType: 'application/xml' },
      );
      expect(xml.body).toMatchObject({
        code: 415,
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
      });
      const notJson = await rawRequest(
        sandbox,
        'POST',
        `/api/v1/namespaces/${ns}/configmaps`,
        { body: 'k8s\u0000binary' },
      );
      expect(notJson.body).toMatchObject({ code: 400, reason: 'BadRequest' });
      const yaml = await rawRequest(
        sandbox,
        'POST',
        `/api/v1/namespaces/${ns}/configmaps`,
        {
          body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-yaml}\n',
          contentType: 'application/yaml',
        },
      );
      expect(yaml.code).toBe(201);
      const garbage = await rawRequest(
        sandbox,
        'POST',
        `/api/v1/namespaces/${ns}/configmaps`,
        { body: ['not', 'an', 'object'] },
      );
      expect(garbage.body).toMatchObject({ code: 400, reason: 'BadRequest' });
      const method = await rawRequest(
        sandbox,
        'PUT',
        `/api/v1/namespaces/${ns}/configmaps`,
        { body: {} },
      );
      expect(method.body).toMatchObject({
        code: 405,
        reason: 'MethodNotAllowed',
      });
      const wrongKind = await rawRequest(
        sandbox,
        'POST',
        `/api/v1/namespaces/${ns}/configmaps`,
        {
          body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } },
        },
      );
      expect(wrongKind.code).toBe(400);
    });
  });

  describe('crud', () => {
    it('creates, reads, updates with optimistic concurrency and deletes', async () => {
      const created = await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('one'),
      });
      expect(created.metadata).toMatchObject({
        name: 'one',
        namespace: ns,
        generation: 1,
      });
      expect(created.metadata?.uid).toBeDefined();
      expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);

      const dup = await failure(
        c.core.createNamespacedConfigMap({ namespace: ns, body: cm('one') }),
      );
      expect(dup.code).toBe(409);
      expect(statusOf(dup).reason).toBe('AlreadyExists');

      const updated = await c.core.replaceNamespacedConfigMap({
        name: 'one',
        namespace: ns,
        body: { ...created, data: { a: '2' } },
      });
      expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
        Number(created.metadata?.resourceVersion),
      );
      expect(updated.metadata?.generation).toBe(2);

      const stale = await failure(
        c.core.replaceNamespacedConfigMap({
          name: 'one',
          namespace: ns,
          body: { ...created, data: { a: '3' } },
        }),
      );
      expect(stale.code).toBe(409);
      expect(statusOf(stale)).toMatchObject({
        reason: 'Conflict',
        details: { name: 'one', kind: 'configmaps' },
      });

      // Label-only changes do not bump generation.
      const relabelled = await c.core.patchNamespacedConfigMap(
        {
          name: 'one',
          namespace: ns,
          body: { metadata: { labels: { x: 'y' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(relabelled.metadata?.generation).toBe(2);

      await c.core.deleteNamespacedConfigMap({ name: 'one', namespace: ns });
      const gone = await failure(
        c.core.readNamespacedConfigMap({ name: 'one', namespace: ns }),
      );
      expect(gone.code).toBe(404);
      expect(statusOf(gone)).toMatchObject({
        reason: 'NotFound',
        message: 'configmaps "one" not found',
      });
    });

    it('handles secrets, services, PVCs, service accounts, ingresses and cluster-scoped namespaces', async () => {
      const secret = await c.core.createNamespacedSecret({
        namespace: ns,
        body: { metadata: { name: 's' }, stringData: { password: 'hunter2' } },
      });
      expect(secret.data?.password).toBe(
        Buffer.from('hunter2').toString('base64'),
      );
      const svc = await c.core.createNamespacedService({
        namespace: ns,
        body: {
          metadata: { name: 'svc' },
          spec: { selector: { app: 'x' }, ports: [{ port: 80 }] },
        },
      });
      expect(svc.spec?.clusterIP).toMatch(/^10\.96\./);
      const pvc = await c.core.createNamespacedPersistentVolumeClaim({
        namespace: ns,
        body: {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '1Gi' } },
          },
        },
      });
      expect(pvc.status?.phase).toBe('Bound');
      await c.core.createNamespacedServiceAccount({
        namespace: ns,
        body: { metadata: { name: 'robot' } },
      });
      await c.objects.create({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: ns },
        spec: { rules: [{ host: 'web.local' }] },
      } as any);
      const list = await c.objects.list('networking.k8s.io/v1', 'Ingress', ns);
      expect(list.items.map(i => i.metadata?.name)).toEqual(['web']);
      const nsObj = await c.core.readNamespace({ name: ns });
      expect(nsObj.status?.phase).toBe('Active');
      expect(nsObj.metadata?.namespace).toBeUndefined();
    });

    it('validates objects with 422 Invalid causes', async () => {
      const bad = await failure(
        c.apps.createNamespacedDeployment({
          namespace: ns,
          body: {
            metadata: { name: 'Bad_Name' },
            spec: { template: { spec: { containers: [{ image: 'x' }] } } },
          } as any,
        }),
      );
      expect(bad.code).toBe(422);
      const status = statusOf(bad);
      expect(status.reason).toBe('Invalid');
      expect(status.details.causes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'metadata.name' }),
          expect.objectContaining({
            field: 'spec.selector',
            reason: 'FieldValueRequired',
          }),
          expect.objectContaining({
            field: 'spec.template.spec.containers[0].name',
          }),
        ]),
      );
      const mismatch = await failure(
        c.apps.createNamespacedDeployment({
          namespace: ns,
          body: {
            ...deployment('m'),
            spec: {
              ...deployment('m').spec,
              selector: { matchLabels: { app: 'other' } },
            },
          } as any,
        }),
      );
      expect(statusOf(mismatch).details.causes[0].field).toBe(
        'spec.template.metadata.labels',
      );
    });

    it('returns 404 for objects in missing namespaces and 400 for namespace mismatches', async () => {
      const e = await failure(
        c.core.createNamespacedConfigMap({ namespace: 'nope', body: cm('x') }),
      );
      expect(e.code).toBe(404);
      const mismatch = await failure(
        c.core.createNamespacedConfigMap({
          namespace: ns,
          body: { ...cm('x'), metadata: { name: 'x', namespace: 'other' } },
        }),
      );
      expect(mismatch.code).toBe(400);
    });

    it('supports dry runs on every write', async () => {
      const dry = await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('dry'),
        dryRun: 'All',
      });
      expect(dry.metadata?.uid).toBeDefined();
      expect(
        (
          await failure(
            c.core.readNamespacedConfigMap({ name: 'dry', namespace: ns }),
          )
        ).code,
      ).toBe(404);

      const real = await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('real'),
      });
      const replaced = await c.core.replaceNamespacedConfigMap({
        name: 'real',
        namespace: ns,
        body: { ...real, data: { a: 'dry' } },
        dryRun: 'All',
      });
      expect(replaced.data).toEqual({ a: 'dry' });
      await c.core.patchNamespacedConfigMap(
        {
          name: 'real',
          namespace: ns,
          body: { data: { a: 'patched' } },
          dryRun: 'All',
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await c.core.deleteNamespacedConfigMap({
        name: 'real',
        namespace: ns,
        dryRun: 'All',
      });
      const invalid = await failure(
        c.core.createNamespacedConfigMap({
          namespace: ns,
          body: { metadata: { name: 'x' }, data: { a: 1 as any } },
          dryRun: 'All',
        }),
      );
      expect(invalid.code).toBe(422);
      const after = await c.core.readNamespacedConfigMap({
        name: 'real',
        namespace: ns,
      });
      expect(after.data).toEqual({ a: '1' });
      expect(after.metadata?.resourceVersion).toBe(
        real.metadata?.resourceVersion,
      );
    });
  });

  describe('list', () => {
    it('filters by label and field selectors and paginates', async () => {
      for (const [name, tier] of [
        ['a', 'web'],
        ['b', 'api'],
        ['c', 'db'],
        ['d', undefined],
      ] as const) {
        await c.core.createNamespacedConfigMap({
          namespace: ns,
          body: cm(name, {}, tier ? { tier } : { other: 'x' }),
        });
      }
      const names = async (labelSelector?: string, fieldSelector?: string) =>
        (
          await c.core.listNamespacedConfigMap({
            namespace: ns,
            labelSelector,
            fieldSelector,
          })
        ).items.map(i => i.metadata?.name);
      expect(await names('tier=web')).toEqual(['a']);
      expect(await names('tier in (web,api)')).toEqual(['a', 'b']);
      expect(await names('tier notin (web,api)')).toEqual(['c', 'd']);
      expect(await names('!tier')).toEqual(['d']);
      expect(await names('tier')).toEqual(['a', 'b', 'c']);
      expect(await names('tier!=db,tier')).toEqual(['a', 'b']);
      expect(await names(undefined, 'metadata.name=c')).toEqual(['c']);
      expect(
        await names(undefined, `metadata.namespace=${ns},metadata.name!=a`),
      ).toEqual(['b', 'c', 'd']);

      const page1 = await c.core.listNamespacedConfigMap({
        namespace: ns,
        limit: 3,
      });
      expect(page1.items.map(i => i.metadata?.name)).toEqual(['a', 'b', 'c']);
      expect(page1.metadata?.remainingItemCount).toBe(1);
      const page2 = await c.core.listNamespacedConfigMap({
        namespace: ns,
        limit: 3,
        _continue: page1.metadata?._continue,
      });
      expect(page2.items.map(i => i.metadata?.name)).toEqual(['d']);
      expect(page2.metadata?._continue).toBeUndefined();
      expect(Number(page1.metadata?.resourceVersion)).toBeGreaterThan(0);

      const all = await c.core.listConfigMapForAllNamespaces({
        labelSelector: 'tier=web',
      });
      expect(
        all.items.map(i => `${i.metadata?.namespace}/${i.metadata?.name}`),
      ).toEqual([`${ns}/a`]);
      expect(
        (
          await failure(
            c.core.listNamespacedConfigMap({
              namespace: ns,
              labelSelector: 'a b c',
            }),
          )
        ).code,
      ).toBe(400);
    });
  });

  describe('HPAs, CronJobs and DaemonSets (no controller runs them)', () => {
    const labelled = (name: string, tier: string) => ({
      name,
      labels: { tier },
    });
    const hpa = (name: string, tier = 'web'): V2HorizontalPodAutoscaler => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: labelled(name, tier),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        maxReplicas: 5,
      },
    });
    const cronJob = (name: string, tier = 'web'): V1CronJob => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: labelled(name, tier),
      spec: {
        schedule: '*/5 * * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                containers: [{ name: 'tick', image: 'busybox:1.36' }],
                restartPolicy: 'OnFailure',
              },
            },
          },
        },
      },
    });
    const daemonSet = (name: string, tier = 'web'): V1DaemonSet => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: labelled(name, tier),
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'agent', image: 'fluentd:1.16' }] },
        },
      },
    });

    /** Creates one of each kind in `namespace`. */
    async function createAll(namespace: string, name: string, tier: string) {
      await c.autoscaling.createNamespacedHorizontalPodAutoscaler({
        namespace,
        body: hpa(name, tier),
      });
      await c.batch.createNamespacedCronJob({
        namespace,
        body: cronJob(name, tier),
      });
      await c.apps.createNamespacedDaemonSet({
        namespace,
        body: daemonSet(name, tier),
      });
    }

    it('creates them with the API server defaults and an untouched status', async () => {
      await createAll(ns, 'web', 'web');
      // The controllers run, but none of them acts on these kinds.
      sandbox.controller.tick();

      const h = (
        await rawRequest(
          sandbox,
          'GET',
          `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/web`,
        )
      ).body;
      expect(h.spec).toEqual({
        scaleTargetRef: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'web',
        },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: 80 },
            },
          },
        ],
      });
      // No omitempty on these two: a new HPA reads back with them.
      expect(h.status).toEqual({ desiredReplicas: 0, currentMetrics: null });

      const cj = await c.batch.readNamespacedCronJob({
        name: 'web',
        namespace: ns,
      });
      expect(cj.spec).toMatchObject({
        concurrencyPolicy: 'Allow',
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
      });
      expect(cj.spec?.jobTemplate.spec?.template.spec).toMatchObject({
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'OnFailure',
      });
      // Job defaults are for the Jobs it would create, not the template.
      expect(cj.spec?.jobTemplate.spec?.backoffLimit).toBeUndefined();
      expect(cj.status).toEqual({});

      const ds = await c.apps.readNamespacedDaemonSet({
        name: 'web',
        namespace: ns,
      });
      expect(ds.metadata?.annotations).toEqual({
        'deprecated.daemonset.template.generation': '1',
      });
      expect(ds.spec).toMatchObject({
        revisionHistoryLimit: 10,
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
        },
      });
      // What the API server stores before the DaemonSet controller has
      // looked: the always-serialised counts, all zero.
      expect(ds.status).toEqual({
        currentNumberScheduled: 0,
        desiredNumberScheduled: 0,
        numberMisscheduled: 0,
        numberReady: 0,
      });
      // Nothing is scheduled, scaled or run for them.
      expect((await c.core.listNamespacedPod({ namespace: ns })).items).toEqual(
        [],
      );
      expect(
        (await c.batch.listNamespacedJob({ namespace: ns })).items,
      ).toEqual([]);
    });

    it('lists them by label selector in a namespace and across namespaces', async () => {
      const other = `${ns}-other`;
      await c.core.createNamespace({ body: { metadata: { name: other } } });
      await createAll(ns, 'web', 'web');
      await createAll(ns, 'db', 'db');
      await createAll(other, 'web', 'web');
      const names = (list: { items: any[] }) =>
        list.items.map(i => `${i.metadata.namespace}/${i.metadata.name}`);

      const labelSelector = 'tier=web';
      expect(
        names(
          await c.autoscaling.listNamespacedHorizontalPodAutoscaler({
            namespace: ns,
            labelSelector,
          }),
        ),
      ).toEqual([`${ns}/web`]);
      expect(
        names(
          await c.batch.listNamespacedCronJob({ namespace: ns, labelSelector }),
        ),
      ).toEqual([`${ns}/web`]);
      expect(
        names(
          await c.apps.listNamespacedDaemonSet({
            namespace: ns,
            labelSelector,
          }),
        ),
      ).toEqual([`${ns}/web`]);

      // Sorted by namespace/name, as etcd keys are.
      const across = [`${ns}/web`, `${other}/web`].sort();
      const mine = (list: { items: any[] }) =>
        names(list).filter(
          n => n.startsWith(`${ns}/`) || n.startsWith(`${other}/`),
        );
      expect(
        mine(
          await c.autoscaling.listHorizontalPodAutoscalerForAllNamespaces({
            labelSelector,
          }),
        ),
      ).toEqual(across);
      expect(
        mine(await c.batch.listCronJobForAllNamespaces({ labelSelector })),
      ).toEqual(across);
      expect(
        mine(await c.apps.listDaemonSetForAllNamespaces({ labelSelector })),
      ).toEqual(across);
      expect(
        mine(
          await c.apps.listDaemonSetForAllNamespaces({
            labelSelector: 'tier in (web,db)',
          }),
        ),
      ).toEqual([`${ns}/db`, `${ns}/web`, `${other}/web`].sort());
    });

    it('watches, patches, writes /status and deletes them', async () => {
      const events: { type: string; obj: any }[] = [];
      const ctrl = await new Watch(c.kc).watch(
        `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`,
        { labelSelector: 'tier=web' },
        (type, obj) => events.push({ type, obj }),
        () => undefined,
      );
      try {
        await createAll(ns, 'web', 'web');
        await c.autoscaling.patchNamespacedHorizontalPodAutoscaler(
          { name: 'web', namespace: ns, body: { spec: { maxReplicas: 7 } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        // Status is written through /status only (here by a test standing
        // in for the HPA controller).
        const scaled =
          await c.autoscaling.patchNamespacedHorizontalPodAutoscalerStatus(
            {
              name: 'web',
              namespace: ns,
              body: { status: { currentReplicas: 2, desiredReplicas: 3 } },
            },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
        expect(scaled.status).toMatchObject({
          currentReplicas: 2,
          desiredReplicas: 3,
        });
        const viaMain =
          await c.autoscaling.patchNamespacedHorizontalPodAutoscaler(
            {
              name: 'web',
              namespace: ns,
              body: { status: { desiredReplicas: 9 } },
            },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
        expect(viaMain.status?.desiredReplicas).toBe(3);
        expect(viaMain.spec?.maxReplicas).toBe(7);
        await c.autoscaling.deleteNamespacedHorizontalPodAutoscaler({
          name: 'web',
          namespace: ns,
        });
        await eventually(() => events.some(e => e.type === 'DELETED'));
        expect(events.map(e => e.type)).toEqual([
          'ADDED',
          'MODIFIED',
          'MODIFIED',
          'MODIFIED',
          'DELETED',
        ]);
        expect(events[1].obj.spec.maxReplicas).toBe(7);
      } finally {
        ctrl.abort();
      }

      // A template change bumps the DaemonSet's template generation.
      const patched = await c.apps.patchNamespacedDaemonSet(
        {
          name: 'web',
          namespace: ns,
          body: {
            spec: {
              template: {
                spec: {
                  containers: [{ name: 'agent', image: 'fluentd:1.17' }],
                },
              },
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
      expect(patched.metadata?.generation).toBe(2);
      expect(
        patched.metadata?.annotations?.[
          'deprecated.daemonset.template.generation'
        ],
      ).toBe('2');
      const relabelled = await c.apps.patchNamespacedDaemonSet(
        {
          name: 'web',
          namespace: ns,
          body: { metadata: { labels: { x: 'y' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(
        relabelled.metadata?.annotations?.[
          'deprecated.daemonset.template.generation'
        ],
      ).toBe('2');
      const dsStatus = await c.apps.patchNamespacedDaemonSetStatus(
        { name: 'web', namespace: ns, body: { status: { numberReady: 1 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(dsStatus.status).toMatchObject({
        desiredNumberScheduled: 0,
        numberReady: 1,
      });

      // Deleting a CronJob in the foreground takes the Jobs it owns along.
      const cj = await c.batch.readNamespacedCronJob({
        name: 'web',
        namespace: ns,
      });
      await c.batch.createNamespacedJob({
        namespace: ns,
        body: {
          metadata: {
            name: 'web-28000000',
            ownerReferences: [
              {
                apiVersion: 'batch/v1',
                kind: 'CronJob',
                name: 'web',
                uid: cj.metadata!.uid!,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          // Suspended, so it runs no pods: the garbage collector deletes
          // dependents in the foreground too, and pods never lose that
          // finalizer in the sandbox (the same goes for Deployments).
          spec: { ...cj.spec!.jobTemplate.spec!, suspend: true },
        },
      });
      await c.batch.deleteNamespacedCronJob({
        name: 'web',
        namespace: ns,
        propagationPolicy: 'Foreground',
      });
      await eventually(
        async () =>
          (
            await failure(
              c.batch.readNamespacedCronJob({ name: 'web', namespace: ns }),
            )
          ).code === 404,
      );
      expect(
        (await c.batch.listNamespacedJob({ namespace: ns })).items,
      ).toEqual([]);
      await c.apps.deleteNamespacedDaemonSet({
        name: 'web',
        namespace: ns,
        propagationPolicy: 'Foreground',
      });
      await eventually(
        async () =>
          (
            await failure(
              c.apps.readNamespacedDaemonSet({ name: 'web', namespace: ns }),
            )
          ).code === 404,
      );
    });

    it('validates them with 422 Invalid causes', async () => {
      const causes = async (p: Promise<unknown>) => {
        const e = await failure(p);
        expect(e.code).toBe(422);
        return statusOf(e).details.causes;
      };
      expect(
        await causes(
          c.batch.createNamespacedCronJob({
            namespace: ns,
            body: {
              ...cronJob('bad'),
              spec: { ...cronJob('bad').spec!, schedule: '61 * * *' },
            },
          }),
        ),
      ).toEqual([
        expect.objectContaining({
          field: 'spec.schedule',
          message:
            'Invalid value: "61 * * *": expected exactly 5 fields, found 4: [61 * * *]',
        }),
      ]);
      expect(
        await causes(
          c.batch.createNamespacedCronJob({
            namespace: ns,
            body: {
              ...cronJob('bad'),
              spec: {
                ...cronJob('bad').spec!,
                schedule: '0 25 * * *',
                timeZone: 'Mars/Olympus',
              },
            },
          }),
        ),
      ).toEqual([
        expect.objectContaining({
          field: 'spec.schedule',
          message:
            'Invalid value: "0 25 * * *": end of range (25) above maximum (23): 25',
        }),
        expect.objectContaining({ field: 'spec.timeZone' }),
      ]);
      const alwaysRestarts = cronJob('bad');
      alwaysRestarts.spec!.jobTemplate.spec!.template.spec!.restartPolicy =
        'Always';
      expect(
        await causes(
          c.batch.createNamespacedCronJob({
            namespace: ns,
            body: alwaysRestarts,
          }),
        ),
      ).toEqual([
        expect.objectContaining({
          field: 'spec.jobTemplate.spec.template.spec.restartPolicy',
          reason: 'FieldValueNotSupported',
        }),
      ]);
      expect(
        await causes(
          c.autoscaling.createNamespacedHorizontalPodAutoscaler({
            namespace: ns,
            body: {
              ...hpa('bad'),
              spec: { ...hpa('bad').spec!, minReplicas: 6 },
            },
          }),
        ),
      ).toEqual([
        expect.objectContaining({
          field: 'spec.maxReplicas',
          message:
            'Invalid value: 5: must be greater than or equal to `minReplicas`',
        }),
      ]);
      expect(
        await causes(
          c.autoscaling.createNamespacedHorizontalPodAutoscaler({
            namespace: ns,
            body: { ...hpa('bad'), spec: { maxReplicas: 3 } } as any,
          }),
        ),
      ).toEqual([
        expect.objectContaining({
          field: 'spec.scaleTargetRef',
          reason: 'FieldValueRequired',
        }),
      ]);
      const mismatch = daemonSet('bad');
      mismatch.spec!.selector = { matchLabels: { app: 'other' } };
      expect(
        await causes(
          c.apps.createNamespacedDaemonSet({ namespace: ns, body: mismatch }),
        ),
      ).toEqual([
        expect.objectContaining({ field: 'spec.template.metadata.labels' }),
      ]);
    });
  });

  describe('watch', () => {
    function collect(path: string, params: Record<string, any>) {
      const events: { type: string; obj: any }[] = [];
      let done: unknown = 'open';
      const ctrl = new Watch(c.kc).watch(
        path,
        params,
        (type, obj) => events.push({ type, obj }),
        err => {
          done = err ?? 'closed';
        },
      );
      return { events, ctrl, isDone: () => done !== 'open' };
    }

    it('streams ADDED/MODIFIED/DELETED, resumes from a resourceVersion and sends bookmarks', async () => {
      const path = `/api/v1/namespaces/${ns}/configmaps`;
      const first = await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('w1'),
      });
      const w = collect(path, { allowWatchBookmarks: true });
      await eventually(() =>
        w.events.some(e => e.type === 'ADDED' && e.obj.metadata.name === 'w1'),
      );
      await c.core.patchNamespacedConfigMap(
        { name: 'w1', namespace: ns, body: { data: { a: '2' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await c.core.deleteNamespacedConfigMap({ name: 'w1', namespace: ns });
      await eventually(() => w.events.some(e => e.type === 'DELETED'));
      expect(
        w.events.filter(e => e.type !== 'BOOKMARK').map(e => e.type),
      ).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
      await eventually(() =>
        w.events.some(
          e => e.type === 'BOOKMARK' && e.obj.metadata.resourceVersion,
        ),
      );
      (await w.ctrl).abort();

      // Resuming from the first object's version replays what happened after.
      const resumed = collect(path, {
        resourceVersion: first.metadata?.resourceVersion,
      });
      await eventually(() => resumed.events.length >= 2);
      expect(resumed.events.map(e => e.type)).toEqual(['MODIFIED', 'DELETED']);
      (await resumed.ctrl).abort();
    });

    it('sends a 410 Expired ERROR event for versions outside the history window', async () => {
      const first = await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('old'),
      });
      for (let i = 0; i < 60; i++) {
        await c.core.createNamespacedConfigMap({
          namespace: ns,
          body: cm(`filler-${i}`),
        });
      }
      const w = collect(`/api/v1/namespaces/${ns}/configmaps`, {
        resourceVersion: first.metadata?.resourceVersion,
      });
      await eventually(() => w.events.length > 0);
      expect(w.events[0].type).toBe('ERROR');
      expect(w.events[0].obj).toMatchObject({
        kind: 'Status',
        code: 410,
        reason: 'Expired',
      });
    });

    it('filters watches by label selector and name', async () => {
      const w = collect(`/api/v1/namespaces/${ns}/configmaps`, {
        labelSelector: 'app=x',
        fieldSelector: 'metadata.name=keep',
      });
      await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('skip', {}, { app: 'x' }),
      });
      await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('keep', {}, { app: 'x' }),
      });
      await eventually(() => w.events.length > 0);
      expect(w.events.map(e => e.obj.metadata.name)).toEqual(['keep']);
      (await w.ctrl).abort();
    });

    it('drops open watches on demand', async () => {
      const w = collect(`/api/v1/namespaces/${ns}/configmaps`, {});
      await eventually(() => sandbox.server.openWatchCount() > 0);
      sandbox.faults.dropWatches();
      await eventually(() => w.isDone());
      expect(sandbox.server.openWatchCount()).toBe(0);
    });
  });

  describe('patch', () => {
    it('applies json, merge and strategic merge patches', async () => {
      await c.apps.createNamespacedDeployment({
        namespace: ns,
        body: deployment('p') as any,
      });
      const jp = await c.apps.patchNamespacedDeployment(
        {
          name: 'p',
          namespace: ns,
          body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
        },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      );
      expect(jp.spec?.replicas).toBe(3);
      const smp = await c.apps.patchNamespacedDeployment(
        {
          name: 'p',
          namespace: ns,
          body: {
            spec: {
              template: {
                spec: {
                  containers: [
                    { name: 'sidecar', image: 'envoy:1' },
                    { name: 'app', env: [{ name: 'A', value: '1' }] },
                  ],
                },
              },
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
      const containers = smp.spec?.template.spec?.containers ?? [];
      expect(containers.map(x => x.name)).toEqual(['app', 'sidecar']);
      expect(containers[0]).toMatchObject({
        image: 'nginx:1.25',
        env: [{ name: 'A', value: '1' }],
      });
      const mp = await c.apps.patchNamespacedDeployment(
        {
          name: 'p',
          namespace: ns,
          body: {
            spec: {
              template: {
                spec: { containers: [{ name: 'only', image: 'x:1' }] },
              },
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      expect(mp.spec?.template.spec?.containers.map(x => x.name)).toEqual([
        'only',
      ]);
      expect(mp.metadata?.generation).toBe(4);
      const failed = await failure(
        c.apps.patchNamespacedDeployment(
          {
            name: 'p',
            namespace: ns,
            body: [{ op: 'test', path: '/spec/replicas', value: 99 }],
          },
          setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
        ),
      );
      expect(failed.code).toBe(422);
    });

    it('server-side applies with field managers, conflicts and force', async () => {
      const spec = {
        ...deployment('ssa'),
        metadata: { name: 'ssa', namespace: ns },
      } as any;
      const created = await c.objects.patch(
        spec,
        undefined,
        undefined,
        'platform',
        false,
        PatchStrategy.ServerSideApply,
      );
      expect(created.metadata?.managedFields?.[0]).toMatchObject({
        manager: 'platform',
        operation: 'Apply',
      });

      // Another manager takes over replicas with a plain update.
      await c.apps.patchNamespacedDeployment(
        {
          name: 'ssa',
          namespace: ns,
          body: { spec: { replicas: 5 } },
          fieldManager: 'autoscaler',
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      const conflict = await failure(
        c.objects.patch(
          spec,
          undefined,
          undefined,
          'platform',
          false,
          PatchStrategy.ServerSideApply,
        ),
      );
      expect(conflict.code).toBe(409);
      const status = statusOf(conflict);
      expect(status.reason).toBe('Conflict');
      expect(status.details.causes).toEqual([
        expect.objectContaining({
          reason: 'FieldManagerConflict',
          field: '.spec.replicas',
          message: expect.stringContaining('"autoscaler"'),
        }),
      ]);

      // Dry-run apply with force does not change anything.
      await c.objects.patch(
        spec,
        undefined,
        'All',
        'platform',
        true,
        PatchStrategy.ServerSideApply,
      );
      expect(
        (await c.apps.readNamespacedDeployment({ name: 'ssa', namespace: ns }))
          .spec?.replicas,
      ).toBe(5);

      const forced = await c.objects.patch(
        spec,
        undefined,
        undefined,
        'platform',
        true,
        PatchStrategy.ServerSideApply,
      );
      expect(forced.spec?.replicas).toBe(2);
      expect(
        forced.metadata?.managedFields?.map((m: any) => m.manager),
      ).not.toContain('autoscaler');

      // Fields the manager stops applying are removed.
      const withLabel = {
        ...spec,
        metadata: { ...spec.metadata, labels: { team: 'a' } },
      };
      await c.objects.patch(
        withLabel,
        undefined,
        undefined,
        'platform',
        false,
        PatchStrategy.ServerSideApply,
      );
      const dropped = await c.objects.patch(
        spec,
        undefined,
        undefined,
        'platform',
        false,
        PatchStrategy.ServerSideApply,
      );
      expect(dropped.metadata?.labels).toBeUndefined();

      // A resourceVersion in the applied configuration is a precondition:
      // stale, the apply is refused whatever force says; current, it lands.
      const stale = await failure(
        c.objects.patch(
          {
            ...withLabel,
            metadata: {
              ...withLabel.metadata,
              resourceVersion: forced.metadata?.resourceVersion,
            },
          },
          undefined,
          undefined,
          'platform',
          true,
          PatchStrategy.ServerSideApply,
        ),
      );
      expect(stale.code).toBe(409);
      expect(statusOf(stale).message).toMatch(/the object has been modified/);
      const current = await c.objects.patch(
        {
          ...withLabel,
          metadata: {
            ...withLabel.metadata,
            resourceVersion: dropped.metadata?.resourceVersion,
          },
        },
        undefined,
        undefined,
        'platform',
        true,
        PatchStrategy.ServerSideApply,
      );
      expect(current.metadata?.labels).toEqual({ team: 'a' });
    });
  });

  describe('subresources', () => {
    it('writes status only through /status and scales through /scale', async () => {
      await c.apps.createNamespacedDeployment({
        namespace: ns,
        body: deployment('sub', 'nginx', 1) as any,
      });
      sandbox.controller.stop();
      try {
        const d = await c.apps.readNamespacedDeployment({
          name: 'sub',
          namespace: ns,
        });
        const viaMain = await c.apps.replaceNamespacedDeployment({
          name: 'sub',
          namespace: ns,
          body: { ...d, status: { replicas: 42 } },
        });
        expect(viaMain.status?.replicas).not.toBe(42);
        const viaStatus = await c.apps.replaceNamespacedDeploymentStatus({
          name: 'sub',
          namespace: ns,
          body: {
            ...viaMain,
            spec: { ...viaMain.spec!, replicas: 9 },
            status: { replicas: 42 },
          },
        });
        expect(viaStatus.status?.replicas).toBe(42);
        expect(viaStatus.spec?.replicas).toBe(1);

        const scale = await c.apps.readNamespacedDeploymentScale({
          name: 'sub',
          namespace: ns,
        });
        expect(scale.spec?.replicas).toBe(1);
        await c.apps.replaceNamespacedDeploymentScale({
          name: 'sub',
          namespace: ns,
          body: { ...scale, spec: { replicas: 4 } },
        });
        await c.apps.patchNamespacedDeploymentScale(
          { name: 'sub', namespace: ns, body: { spec: { replicas: 6 } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        expect(
          (
            await c.apps.readNamespacedDeployment({
              name: 'sub',
              namespace: ns,
            })
          ).spec?.replicas,
        ).toBe(6);
      } finally {
        sandbox.controller.start();
      }
    });
  });

  describe('delete', () => {
    it('cascades deployments to replica sets and pods, or orphans them', async () => {
      await c.apps.createNamespacedDeployment({
        namespace: ns,
        body: deployment('gc') as any,
      });
      await eventually(
        async () =>
          (await c.core.listNamespacedPod({ namespace: ns })).items.length ===
          2,
      );
      await c.apps.deleteNamespacedDeployment({
        name: 'gc',
        namespace: ns,
        propagationPolicy: 'Background',
      });
      await eventually(
        async () =>
          (await c.core.listNamespacedPod({ namespace: ns })).items.length ===
          0,
      );
      expect(
        (await c.apps.listNamespacedReplicaSet({ namespace: ns })).items,
      ).toEqual([]);

      await c.apps.createNamespacedDeployment({
        namespace: ns,
        body: deployment('orphan', 'nginx', 1) as any,
      });
      await eventually(
        async () =>
          (
            await c.apps.listNamespacedReplicaSet({ namespace: ns })
          ).items.length === 1,
      );
      await c.apps.deleteNamespacedDeployment({
        name: 'orphan',
        namespace: ns,
        propagationPolicy: 'Orphan',
      });
      const rs = (await c.apps.listNamespacedReplicaSet({ namespace: ns }))
        .items;
      expect(rs).toHaveLength(1);
      expect(rs[0].metadata?.ownerReferences).toBeUndefined();
    });

    it('terminates namespaces: Terminating first, contents removed, then gone', async () => {
      await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('inside'),
      });
      const res = await c.core.deleteNamespace({ name: ns });
      expect(res).toBeDefined();
      const terminating = await c.core.readNamespace({ name: ns });
      expect(terminating.status?.phase).toBe('Terminating');
      const blocked = await failure(
        c.core.createNamespacedConfigMap({ namespace: ns, body: cm('late') }),
      );
      expect(blocked.code).toBe(403);
      await eventually(
        async () =>
          (await failure(c.core.readNamespace({ name: ns }))).code === 404,
      );
      expect(
        sandbox.store.list(sandbox.api.registry.get('', 'configmaps'), ns),
      ).toEqual([]);
    });

    it('deletes collections by label selector', async () => {
      await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('keep', {}, { role: 'keep' }),
      });
      await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('drop1', {}, { role: 'drop' }),
      });
      await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('drop2', {}, { role: 'drop' }),
      });
      await c.core.deleteCollectionNamespacedConfigMap({
        namespace: ns,
        labelSelector: 'role=drop',
      });
      const left = await c.core.listNamespacedConfigMap({ namespace: ns });
      expect(left.items.map(i => i.metadata?.name)).toEqual(['keep']);
    });

    it('checks delete preconditions', async () => {
      await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: cm('pre'),
      });
      const e = await failure(
        c.core.deleteNamespacedConfigMap({
          name: 'pre',
          namespace: ns,
          body: { preconditions: { resourceVersion: '1' } },
        }),
      );
      expect(e.code).toBe(409);
    });
  });

  describe('faults', () => {
    afterEach(() => {
      sandbox.faults.reset();
    });

    it('injects latency and errors, switchable over the admin endpoint', async () => {
      const admin = (method: string, path: string, body?: unknown) =>
        rawRequest(sandbox, method, path, { body });
      expect(
        (await admin('PUT', '/__sandbox/faults', { latencyMs: 150 })).body,
      ).toMatchObject({ latencyMs: 150 });
      const start = Date.now();
      await c.core.readNamespace({ name: ns });
      expect(Date.now() - start).toBeGreaterThanOrEqual(140);

      await admin('PUT', '/__sandbox/faults', { latencyMs: 0, errorRate: 1 });
      const e = await failure(c.core.readNamespace({ name: ns }));
      expect(e.code).toBe(500);
      expect(statusOf(e).reason).toBe('InternalError');
      expect(
        (await admin('POST', '/__sandbox/faults/reset')).body.errorRate,
      ).toBe(0);
      expect(
        (await admin('PUT', '/__sandbox/faults', { errorRate: 7 })).code,
      ).toBe(400);
      await c.core.readNamespace({ name: ns });
    });

    it('takes the cluster down for a while from the admin endpoint', async () => {
      const res = await rawRequest(sandbox, 'PUT', '/__sandbox/faults', {
        body: { downForMs: 300 },
      });
      expect(res.body.down).toBe(true);
      await eventually(
        async () =>
          (await failure(c.core.readNamespace({ name: ns }))) !== undefined,
      );
      const back = await eventually(
        () => c.core.readNamespace({ name: ns }),
        5000,
      );
      expect(back.metadata?.name).toBe(ns);
      expect(sandbox.faults.get().down).toBe(false);
    });

    it('refuses connections while down and comes back on the same port', async () => {
      sandbox.faults.clusterDown();
      await eventually(async () => {
        const e = await failure(c.core.readNamespace({ name: ns }));
        return (
          String(e.code ?? e.cause?.code ?? e.message).includes(
            'ECONNREFUSED',
          ) || /ECONNREFUSED/.test(String(e?.cause ?? e))
        );
      });
      sandbox.faults.clusterUp();
      const back = await eventually(() => c.core.readNamespace({ name: ns }));
      expect(back.metadata?.name).toBe(ns);
    });
  });

  describe('logs', () => {
    it('returns a few lines for running pods', async () => {
      await c.apps.createNamespacedDeployment({
        namespace: ns,
        body: deployment('logs', 'nginx:1', 1) as any,
      });
      const pod = await eventually(async () =>
        (
          await c.core.listNamespacedPod({ namespace: ns })
        ).items.find(p => p.status?.containerStatuses?.[0]?.ready),
      );
      const logs = await c.core.readNamespacedPodLog({
        name: pod.metadata!.name!,
        namespace: ns,
      });
      expect(logs).toContain('listening on 8080');
      expect(logs.trim().split('\n').length).toBeGreaterThanOrEqual(3);
    });
  });
});
