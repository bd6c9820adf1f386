import { InputError } from '@backstage/errors';

/** The kinds a middleware may create, with their apiVersion, in creation order. */
export const MIDDLEWARE_KINDS: Record<string, string> = {
  Secret: 'v1',
  ConfigMap: 'v1',
  PersistentVolumeClaim: 'v1',
  Service: 'v1',
  StatefulSet: 'apps/v1',
  Deployment: 'apps/v1',
};

/** Well-known kinds that have no namespace, named as such in the error. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CertificateSigningRequest',
  'IngressClass',
  'RuntimeClass',
  'CSIDriver',
  'VolumeAttachment',
]);

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The pod spec of a workload, where the host can be reached. */
function checkPodSpec(spec: Json, fail: (message: string) => never) {
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[field]) fail(`spec.template.spec.${field} is not allowed`);
  }
  if (spec.automountServiceAccountToken === true) {
    fail(
      'spec.template.spec.automountServiceAccountToken: middleware gets no Kubernetes API token',
    );
  }
  const account = spec.serviceAccountName ?? spec.serviceAccount;
  if (account !== undefined && account !== 'default') {
    fail(
      `spec.template.spec.serviceAccountName: "${String(
        account,
      )}" is not allowed (only the namespace's default account)`,
    );
  }
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  for (const volume of volumes) {
    if (isObject(volume) && volume.hostPath !== undefined) {
      fail(`volume "${String(volume.name)}": hostPath volumes are not allowed`);
    }
  }
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const containers = Array.isArray(spec[list]) ? spec[list] : [];
    for (const container of containers as unknown[]) {
      if (!isObject(container)) continue;
      const context = container.securityContext;
      if (isObject(context) && context.privileged === true) {
        fail(
          `container "${String(container.name)}": privileged is not allowed`,
        );
      }
    }
  }
}

/**
 * Checks what the Kubernetes schema cannot: an allowed namespaced kind, in
 * the instance's namespace, named after the instance (so it can never take
 * over another object of the application), and no pod that reaches into the
 * node or the Kubernetes API. `fail` throws naming the file and object.
 */
export function checkMiddlewareObject(
  object: unknown,
  options: { instance: string; namespace: string; where: string },
): asserts object is {
  apiVersion: string;
  kind: string;
  metadata: Json & { name: string };
} & Json {
  const { instance, namespace, where } = options;
  if (!isObject(object)) {
    throw new InputError(`${where}: a document must be a mapping (an object)`);
  }
  const kind = typeof object.kind === 'string' ? object.kind : undefined;
  const metadata = isObject(object.metadata) ? object.metadata : undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '(no name)';
  const fail = (message: string): never => {
    throw new InputError(
      `${where}: ${kind ?? '(no kind)'}/${name}: ${message}`,
    );
  };
  if (!kind) fail('kind is missing');
  if (!metadata || typeof metadata.name !== 'string') {
    fail('metadata.name is missing');
  }
  const allowed = Object.keys(MIDDLEWARE_KINDS);
  if (kind && CLUSTER_SCOPED.has(kind)) {
    fail(
      `${kind} is cluster-scoped; a middleware creates only objects in its instance's namespace (${allowed.join(
        ', ',
      )})`,
    );
  }
  if (!kind || !MIDDLEWARE_KINDS[kind]) {
    fail(`kind ${kind} is not allowed; allowed: ${allowed.join(', ')}`);
  }
  if (object.apiVersion !== MIDDLEWARE_KINDS[kind!]) {
    fail(`apiVersion must be ${MIDDLEWARE_KINDS[kind!]}`);
  }
  if (metadata!.namespace !== undefined && metadata!.namespace !== namespace) {
    fail(
      `namespace "${String(
        metadata!.namespace,
      )}" is not the instance's namespace "${namespace}"`,
    );
  }
  if (name !== instance && !name.startsWith(`${instance}-`)) {
    fail(`the name must be "${instance}" or start with "${instance}-"`);
  }
  for (const field of ['generateName', 'ownerReferences', 'finalizers']) {
    if (metadata![field] !== undefined)
      fail(`metadata.${field} is not allowed`);
  }
  if (kind === 'StatefulSet' || kind === 'Deployment') {
    const spec = isObject(object.spec) ? object.spec : {};
    const template = isObject(spec.template) ? spec.template : {};
    if (isObject(template.spec)) checkPodSpec(template.spec, fail);
  }
}
