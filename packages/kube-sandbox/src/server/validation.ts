import fs from 'node:fs';
import path from 'node:path';
import { ResourceType } from './resources';
import { StatusCause, StatusError } from './StatusError';
import { labelSelectorFromObject } from './selectors';

type ModelClass = new (data: any) => { validate(): void };

const MODEL_PATHS: Record<string, string> = {
  Namespace: 'v1/Namespace',
  ConfigMap: 'v1/ConfigMap',
  ResourceQuota: 'v1/ResourceQuota',
  LimitRange: 'v1/LimitRange',
  Secret: 'v1/Secret',
  Service: 'v1/Service',
  PersistentVolumeClaim: 'v1/PersistentVolumeClaim',
  Pod: 'v1/Pod',
  Event: 'v1/Event',
  ServiceAccount: 'v1/ServiceAccount',
  Deployment: 'apps/v1/Deployment',
  ReplicaSet: 'apps/v1/ReplicaSet',
  StatefulSet: 'apps/v1/StatefulSet',
  Ingress: 'networking.k8s.io/v1/Ingress',
  Endpoints: 'v1/Endpoints',
  EndpointSlice: 'discovery.k8s.io/v1/EndpointSlice',
  Job: 'batch/v1/Job',
};

let modelsDir: string | undefined;
const models = new Map<string, ModelClass>();

/**
 * kubernetes-models is ESM-only and exports just an "import" condition, which
 * CommonJS `require` cannot resolve. Requiring its files by absolute path
 * works in both Node 22+ (require of ESM) and Jest (which transpiles them).
 */
function loadModel(kind: string): ModelClass | undefined {
  const sub = MODEL_PATHS[kind];
  if (!sub) return undefined;
  let model = models.get(kind);
  if (!model) {
    if (!modelsDir) {
      modelsDir = (require.resolve.paths('kubernetes-models') ?? [])
        .map(dir => path.join(dir, 'kubernetes-models'))
        .find(dir => fs.existsSync(path.join(dir, 'package.json')));
      if (!modelsDir) {
        throw new Error('kubernetes-models is not installed');
      }
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    model = require(path.join(modelsDir, `${sub}.js`))[kind] as ModelClass;
    models.set(kind, model);
  }
  return model;
}

const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Kinds whose names end up in DNS labels (hostnames, service names).
const LABEL_NAMED = new Set(['Namespace', 'Service']);

function causeFromAjv(err: any): StatusCause {
  const base = String(err.instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map(seg => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`))
    .join('')
    .replace(/^\./, '');
  if (err.keyword === 'required') {
    const field = [base, err.params?.missingProperty].filter(Boolean).join('.');
    return { reason: 'FieldValueRequired', message: 'Required value', field };
  }
  if (err.keyword === 'type') {
    return {
      reason: 'FieldValueTypeInvalid',
      message: `Invalid value: ${err.message}`,
      field: base,
    };
  }
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${err.message}`,
    field: base,
  };
}

/**
 * Validates an object against the Kubernetes JSON schema of its kind plus
 * the handful of semantic rules clients commonly trip over (names, selector
 * matching template labels). Throws 422 Invalid with one cause per problem.
 */
export function validateObject(t: ResourceType, obj: any) {
  const causes: StatusCause[] = [];
  const name: string = obj?.metadata?.name ?? '';
  if (!name) {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  } else {
    const label = LABEL_NAMED.has(t.kind);
    const ok = label
      ? DNS_LABEL.test(name) && name.length <= 63
      : DNS_SUBDOMAIN.test(name) && name.length <= 253;
    if (!ok) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${name}": a lowercase RFC 1123 ${
          label ? 'label' : 'subdomain'
        } must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
        field: 'metadata.name',
      });
    }
  }

  const Model = loadModel(t.kind);
  if (Model) {
    try {
      new Model(obj).validate();
    } catch (e) {
      const errors = (e as any).errors;
      if (Array.isArray(errors)) {
        causes.push(...errors.map(causeFromAjv));
      } else {
        causes.push({
          reason: 'FieldValueInvalid',
          message: String((e as Error).message),
          field: '',
        });
      }
    }
  }

  if (
    ['Deployment', 'ReplicaSet', 'StatefulSet', 'Job'].includes(t.kind) &&
    obj.spec?.selector &&
    obj.spec?.template
  ) {
    const matches = labelSelectorFromObject(obj.spec.selector);
    if (!matches({ metadata: obj.spec.template.metadata ?? {} })) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(
          obj.spec.template.metadata?.labels ?? {},
        )}: \`selector\` does not match template \`labels\``,
        field: 'spec.template.metadata.labels',
      });
    }
  }
  if (t.kind === 'Deployment' && (obj.spec?.replicas ?? 0) < 0) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${obj.spec.replicas}: must be greater than or equal to 0`,
      field: 'spec.replicas',
    });
  }

  if (
    t.kind === 'Job' &&
    !['OnFailure', 'Never'].includes(obj.spec?.template?.spec?.restartPolicy)
  ) {
    const policy = obj.spec?.template?.spec?.restartPolicy;
    causes.push(
      policy
        ? {
            reason: 'FieldValueNotSupported',
            message: `Unsupported value: "${policy}": supported values: "OnFailure", "Never"`,
            field: 'spec.template.spec.restartPolicy',
          }
        : {
            reason: 'FieldValueRequired',
            message: 'Required value: valid values: "OnFailure", "Never"',
            field: 'spec.template.spec.restartPolicy',
          },
    );
  }

  if (causes.length > 0) {
    throw StatusError.invalid(t.kind, t.group, name, causes);
  }
}
