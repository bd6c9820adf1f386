import { randomInt } from 'node:crypto';

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

/**
 * Fills in the defaults the real API server adds on create, so objects read
 * back look like the ones a cluster returns (clients diff against them).
 * Mutates `obj`.
 */
export function applyDefaults(kind: string, obj: any, isCreate: boolean) {
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
    default:
      break;
  }
  return obj;
}
