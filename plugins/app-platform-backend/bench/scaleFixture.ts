/* eslint-disable no-console */
import { ConfigReader } from '@backstage/config';
import { APP_PLATFORM_LABELS } from '@internal/plugin-app-platform-common';
import path from 'node:path';
import { VersionRenderer } from '../src/deployments/VersionRenderer';
import { KubeClients } from '../src/kube/KubeClients';
import { MiddlewareRenderer } from '../src/middleware/MiddlewareRenderer';
import { OwnedObjects } from '../src/ownership/OwnedObjects';
import { ServiceTemplates } from '../src/services/ServiceTemplates';
import { ServiceTemplateStore } from '../src/services/ServiceTemplateStore';

/** The fleet of the scale figure: 20 applications of 50 services, on 5 clusters. */
export const SCALE = {
  applications: 20,
  servicesPerApplication: 50,
  clusters: 5,
  replicas: 2,
  installationId: 'bench-scale',
};

export const ROOT = path.resolve(__dirname, '../../..');

export const appName = (a: number) => `app-${String(a).padStart(2, '0')}`;
export const svcName = (s: number) => `svc-${String(s).padStart(3, '0')}`;
/** A stable record id per service, shared by the database rows and the objects' annotations. */
export const recordId = (a: number, s: number) =>
  `00000000-0000-4000-8000-${String(a * 1000 + s).padStart(12, '0')}`;

export const scaleSpec = (a: number, s: number) => ({
  image: `registry.local/${appName(a)}/${svcName(s)}:1.0.${s}`,
  replicas: SCALE.replicas,
  ports: [{ name: 'http', containerPort: 8080 }],
  env: [{ name: 'LOG_LEVEL', value: 'info' }],
});

/** The platform's renderer, as plugin.ts builds it, for the scale installation. */
export function scaleRenderer() {
  const config = new ConfigReader({
    appPlatform: {
      serviceTemplates: { directory: path.join(ROOT, 'templates/services') },
    },
  });
  const owned = OwnedObjects.create({
    kube: KubeClients.create(),
    installationId: SCALE.installationId,
  });
  return {
    owned,
    renderer: VersionRenderer.create({
      templates: ServiceTemplates.fromConfig(config),
      // The fleet uses the built-in template only: no application templates.
      applicationTemplates: {
        get: async () => undefined,
      } as unknown as ServiceTemplateStore,
      owned,
      // Nor middleware: its versions bind no instance, so no binding env.
      middleware: {
        bindingEnv: async () => [],
      } as unknown as MiddlewareRenderer,
    }),
  };
}

/**
 * The Deployment, ReplicaSet and Pods of one running service as a cluster
 * would hold them after a finished rollout of version 1: the Deployment the
 * renderer makes (with the labels the platform stamps), its status, one
 * ReplicaSet and `replicas` Ready pods with the pod template's labels.
 */
export async function runningWorkload(
  renderer: VersionRenderer,
  a: number,
  s: number,
  cluster: string,
) {
  const application = appName(a);
  const service = svcName(s);
  const { objects } = await renderer.render({
    application,
    service,
    version: 1,
    spec: scaleSpec(a, s),
    deploymentId: recordId(a, s),
  });
  const deployment: any = objects.find(o => o.kind === 'Deployment');
  const k8sService: any = objects.find(
    o => o.kind === 'Service' && o.metadata?.name === service,
  );
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const uid = (kind: string, i = 0) =>
    `${cluster}-${kind}-${a}-${s}-${i}`.padEnd(36, '0').slice(0, 36);
  const hash = `h${String(a * 1000 + s).padStart(8, '0')}`;
  const replicas = SCALE.replicas;
  const templateLabels = deployment.spec.template.metadata.labels;
  deployment.metadata = {
    ...deployment.metadata,
    uid: uid('deploy'),
    annotations: {
      ...deployment.metadata.annotations,
      'deployment.kubernetes.io/revision': '1',
    },
  };
  deployment.status = {
    observedGeneration: 1,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
        lastUpdateTime: now,
        lastTransitionTime: now,
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${service}-${hash}" has successfully progressed.`,
        lastUpdateTime: now,
        lastTransitionTime: now,
      },
    ],
  };
  const rsName = `${service}-${hash}`;
  const replicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName,
      namespace: application,
      uid: uid('rs'),
      labels: { ...templateLabels, 'pod-template-hash': hash },
      annotations: {
        'deployment.kubernetes.io/revision': '1',
        'deployment.kubernetes.io/desired-replicas': String(replicas),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: service,
          uid: deployment.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: {
        matchLabels: {
          ...deployment.spec.selector.matchLabels,
          'pod-template-hash': hash,
        },
      },
      template: {
        ...deployment.spec.template,
        metadata: {
          ...deployment.spec.template.metadata,
          labels: { ...templateLabels, 'pod-template-hash': hash },
        },
      },
    },
    status: {
      replicas,
      fullyLabeledReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      observedGeneration: 1,
    },
  };
  const containers = deployment.spec.template.spec.containers as any[];
  const pods = Array.from({ length: replicas }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rsName}-p${i}`,
      namespace: application,
      uid: uid('pod', i),
      labels: { ...templateLabels, 'pod-template-hash': hash },
      annotations: deployment.spec.template.metadata.annotations,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rsName,
          uid: replicaSet.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { ...deployment.spec.template.spec, nodeName: 'sandbox-node' },
    status: {
      phase: 'Running',
      podIP: `10.1.${s % 250}.${i + 2}`,
      startTime: now,
      conditions: [
        'PodScheduled',
        'Initialized',
        'ContainersReady',
        'Ready',
      ].map(type => ({ type, status: 'True', lastTransitionTime: now })),
      containerStatuses: containers.map(c => ({
        name: c.name,
        image: c.image,
        imageID: `${c.image}@sha256:${'0'.repeat(64)}`,
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: now } },
      })),
    },
  }));
  if (
    deployment.metadata.labels[APP_PLATFORM_LABELS.installation] !==
    SCALE.installationId
  ) {
    throw new Error('renderer did not stamp the installation label');
  }
  return { deployment, replicaSet, pods, service: k8sService };
}
