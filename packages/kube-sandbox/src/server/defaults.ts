import { randomInt } from 'node:crypto';
import { deepEqual } from './managedFields';

function defaultPodSpec(spec: any) {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  for (const c of [
    ...(spec.containers ?? []),
    ...(spec.initContainers ?? []),
  ]) {
    c.imagePullPolicy ??=
      String(c.image ?? '').endsWith(':latest') ||
      !String(c.image ?? '').includes(':')
        ? 'Always'
        : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
    // Limits without requests: the request is the limit.
    for (const [r, v] of Object.entries(c.resources.limits ?? {})) {
      if (c.resources.requests?.[r] === undefined) {
        c.resources.requests = { ...c.resources.requests, [r]: v };
      }
    }
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  }
}

/** Guaranteed, Burstable or BestEffort, from the containers' resources. */
export function qosClass(spec: any) {
  const containers: any[] = [
    ...(spec?.containers ?? []),
    ...(spec?.initContainers ?? []),
  ];
  const any = containers.some(
    c =>
      Object.keys(c.resources?.requests ?? {}).length > 0 ||
      Object.keys(c.resources?.limits ?? {}).length > 0,
  );
  if (!any) return 'BestEffort';
  const guaranteed = containers.every(c =>
    ['cpu', 'memory'].every(
      r =>
        c.resources?.limits?.[r] !== undefined &&
        String(c.resources?.requests?.[r] ?? c.resources.limits[r]) ===
          String(c.resources.limits[r]),
    ),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** What autoscaling/v2 fills into `behavior.scaleUp` / `scaleDown`. */
function defaultScalingRules(rules: any, scaleUp: boolean) {
  const out = { ...rules };
  // Scale-down keeps no stabilization window: the controller's
  // --horizontal-pod-autoscaler-downscale-stabilization flag applies.
  if (scaleUp) out.stabilizationWindowSeconds ??= 0;
  out.selectPolicy ??= 'Max';
  out.policies ??= scaleUp
    ? [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ]
    : [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  return out;
}

/** The DaemonSet annotation that carries the template's generation. */
const DAEMONSET_TEMPLATE_GENERATION =
  'deprecated.daemonset.template.generation';

/**
 * Fills in the defaults the real API server adds on create, so objects read
 * back look like the ones a cluster returns (clients diff against them).
 * `old` is the stored object on updates. Mutates `obj`.
 */
export function applyDefaults(
  kind: string,
  obj: any,
  isCreate: boolean,
  old?: any,
) {
  obj.metadata ??= {};
  switch (kind) {
    case 'Namespace':
      obj.metadata.labels = {
        ...obj.metadata.labels,
        'kubernetes.io/metadata.name': obj.metadata.name,
      };
      obj.spec ??= {};
      obj.spec.finalizers ??= ['kubernetes'];
      if (isCreate) obj.status = { phase: 'Active' };
      break;
    case 'Secret':
      obj.type ??= 'Opaque';
      if (obj.stringData) {
        obj.data = { ...obj.data };
        for (const [k, v] of Object.entries(obj.stringData)) {
          obj.data[k] = Buffer.from(String(v)).toString('base64');
        }
        delete obj.stringData;
      }
      break;
    case 'Service': {
      obj.spec ??= {};
      obj.spec.type ??= 'ClusterIP';
      obj.spec.sessionAffinity ??= 'None';
      if (isCreate && obj.spec.clusterIP === undefined) {
        obj.spec.clusterIP = `10.96.${randomInt(0, 255)}.${randomInt(1, 254)}`;
      }
      if (obj.spec.clusterIP !== undefined) {
        obj.spec.clusterIPs ??= [obj.spec.clusterIP];
      }
      obj.spec.ipFamilies ??= ['IPv4'];
      obj.spec.ipFamilyPolicy ??= 'SingleStack';
      obj.spec.internalTrafficPolicy ??= 'Cluster';
      for (const p of obj.spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      if (isCreate) {
        obj.status = {
          loadBalancer:
            obj.spec.type === 'LoadBalancer'
              ? { ingress: [{ ip: '127.0.0.1' }] }
              : {},
        };
      }
      break;
    }
    case 'PersistentVolumeClaim':
      // Binding is the volumeProvisioning admission step's job.
      obj.spec ??= {};
      obj.spec.volumeMode ??= 'Filesystem';
      if (isCreate) obj.status = { phase: 'Pending' };
      break;
    case 'LimitRange':
      // As the API server does: default limits fall back to max, default
      // requests to the default limits.
      for (const item of obj.spec?.limits ?? []) {
        if (item.type !== 'Container') continue;
        for (const [r, v] of Object.entries(item.max ?? {})) {
          item.default = { [r]: v, ...item.default };
        }
        for (const [r, v] of Object.entries(item.default ?? {})) {
          item.defaultRequest = { [r]: v, ...item.defaultRequest };
        }
      }
      break;
    case 'Job': {
      obj.spec ??= {};
      const spec = obj.spec;
      if (spec.completions === undefined && spec.parallelism === undefined) {
        spec.completions = 1;
      }
      spec.parallelism ??= 1;
      spec.backoffLimit ??= 6;
      spec.completionMode ??= 'NonIndexed';
      spec.suspend ??= false;
      spec.podReplacementPolicy ??= 'TerminatingOrFailed';
      if (isCreate && !spec.manualSelector && obj.metadata.uid) {
        const uid = obj.metadata.uid;
        const labels = {
          'batch.kubernetes.io/controller-uid': uid,
          'batch.kubernetes.io/job-name': obj.metadata.name,
          'controller-uid': uid,
          'job-name': obj.metadata.name,
        };
        spec.selector ??= {
          matchLabels: { 'batch.kubernetes.io/controller-uid': uid },
        };
        spec.template ??= {};
        spec.template.metadata = {
          ...spec.template.metadata,
          labels: { ...spec.template.metadata?.labels, ...labels },
        };
      }
      defaultPodSpec(spec.template?.spec);
      if (isCreate) obj.status = {};
      break;
    }
    case 'Pod':
      obj.spec ??= {};
      defaultPodSpec(obj.spec);
      obj.spec.serviceAccountName ??= 'default';
      if (isCreate) {
        obj.status = {
          phase: 'Pending',
          qosClass: qosClass(obj.spec),
        };
      }
      break;
    case 'Deployment':
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      obj.spec.revisionHistoryLimit ??= 10;
      obj.spec.progressDeadlineSeconds ??= 600;
      // An empty strategy is what typed clients send (`kubectl create
      // deployment` marshals the Go zero value as `{}`): default its type too.
      obj.spec.strategy ??= {};
      obj.spec.strategy.type ||= 'RollingUpdate';
      if (obj.spec.strategy.type === 'RollingUpdate') {
        obj.spec.strategy.rollingUpdate ??= {};
        obj.spec.strategy.rollingUpdate.maxSurge ??= '25%';
        obj.spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
      }
      defaultPodSpec(obj.spec.template?.spec);
      if (isCreate) obj.status = {};
      break;
    case 'ReplicaSet':
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      defaultPodSpec(obj.spec.template?.spec);
      if (isCreate) obj.status = { replicas: 0 };
      break;
    case 'StatefulSet':
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      obj.spec.podManagementPolicy ??= 'OrderedReady';
      obj.spec.revisionHistoryLimit ??= 10;
      obj.spec.updateStrategy ??= {};
      obj.spec.updateStrategy.type ||= 'RollingUpdate';
      if (obj.spec.updateStrategy.type === 'RollingUpdate') {
        obj.spec.updateStrategy.rollingUpdate ??= {};
        obj.spec.updateStrategy.rollingUpdate.partition ??= 0;
      }
      defaultPodSpec(obj.spec.template?.spec);
      if (isCreate) obj.status = { replicas: 0, availableReplicas: 0 };
      break;
    case 'Ingress':
      if (isCreate) obj.status = { loadBalancer: {} };
      break;
    case 'DaemonSet': {
      obj.spec ??= {};
      obj.spec.revisionHistoryLimit ??= 10;
      obj.spec.updateStrategy ??= {};
      obj.spec.updateStrategy.type ||= 'RollingUpdate';
      if (obj.spec.updateStrategy.type === 'RollingUpdate') {
        obj.spec.updateStrategy.rollingUpdate ??= {};
        obj.spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
        obj.spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
      }
      defaultPodSpec(obj.spec.template?.spec);
      // The template generation is the server's: 1 on create, carried over
      // and bumped on every template change after that.
      let templateGeneration = 1;
      if (!isCreate && old) {
        templateGeneration =
          Number(old.metadata?.annotations?.[DAEMONSET_TEMPLATE_GENERATION]) ||
          1;
        if (!deepEqual(old.spec?.template, obj.spec.template)) {
          templateGeneration += 1;
        }
      }
      obj.metadata.annotations = {
        ...obj.metadata.annotations,
        [DAEMONSET_TEMPLATE_GENERATION]: String(templateGeneration),
      };
      // Status as the API server writes it before the DaemonSet controller
      // has looked at it: the counts it always serialises, all zero (the
      // sandbox runs no DaemonSet controller, so they stay that way unless a
      // client writes /status).
      obj.status = {
        currentNumberScheduled: 0,
        numberMisscheduled: 0,
        desiredNumberScheduled: 0,
        numberReady: 0,
        ...(isCreate ? {} : obj.status),
      };
      break;
    }
    case 'CronJob': {
      obj.spec ??= {};
      obj.spec.concurrencyPolicy ||= 'Allow';
      obj.spec.suspend ??= false;
      obj.spec.successfulJobsHistoryLimit ??= 3;
      obj.spec.failedJobsHistoryLimit ??= 1;
      // Only the pod template is defaulted: the Job defaults (completions,
      // backoffLimit, …) are filled in on the Jobs the CronJob creates.
      defaultPodSpec(obj.spec.jobTemplate?.spec?.template?.spec);
      if (isCreate) obj.status = {};
      break;
    }
    case 'HorizontalPodAutoscaler': {
      obj.spec ??= {};
      obj.spec.minReplicas ??= 1;
      if (!Array.isArray(obj.spec.metrics) || obj.spec.metrics.length === 0) {
        obj.spec.metrics = [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: 80 },
            },
          },
        ];
      }
      if (obj.spec.behavior) {
        obj.spec.behavior = {
          ...obj.spec.behavior,
          scaleUp: defaultScalingRules(obj.spec.behavior.scaleUp, true),
          scaleDown: defaultScalingRules(obj.spec.behavior.scaleDown, false),
        };
      }
      // `desiredReplicas` and `currentMetrics` have no omitempty: a fresh
      // HPA reads back with `{currentMetrics: null, desiredReplicas: 0}`.
      const status = isCreate ? {} : { ...obj.status };
      obj.status = {
        ...status,
        desiredReplicas: status.desiredReplicas ?? 0,
        currentMetrics: status.currentMetrics ?? null,
      };
      break;
    }
    default:
      break;
  }
  return obj;
}
