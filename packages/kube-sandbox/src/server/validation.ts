import fs from 'node:fs';
import path from 'node:path';
import { cronScheduleError } from './cronSchedule';
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
  DaemonSet: 'apps/v1/DaemonSet',
  HorizontalPodAutoscaler: 'autoscaling/v2/HorizontalPodAutoscaler',
  Ingress: 'networking.k8s.io/v1/Ingress',
  Endpoints: 'v1/Endpoints',
  EndpointSlice: 'discovery.k8s.io/v1/EndpointSlice',
  Job: 'batch/v1/Job',
  CronJob: 'batch/v1/CronJob',
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
    ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(
      t.kind,
    ) &&
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

  if (t.kind === 'Job') {
    causes.push(...jobRestartPolicy(obj.spec?.template, 'spec.template'));
  }
  if (t.kind === 'CronJob') causes.push(...cronJobCauses(obj));
  if (t.kind === 'DaemonSet') causes.push(...daemonSetCauses(obj));
  if (t.kind === 'HorizontalPodAutoscaler') causes.push(...hpaCauses(obj));

  if (causes.length > 0) {
    throw StatusError.invalid(t.kind, t.group, name, causes);
  }
}

/** A Job's pods must not restart in place: OnFailure or Never. */
function jobRestartPolicy(template: any, at: string): StatusCause[] {
  const policy = template?.spec?.restartPolicy;
  if (['OnFailure', 'Never'].includes(policy)) return [];
  const field = `${at}.spec.restartPolicy`;
  return [
    policy
      ? {
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: "${policy}": supported values: "OnFailure", "Never"`,
          field,
        }
      : {
          reason: 'FieldValueRequired',
          message: 'Required value: valid values: "OnFailure", "Never"',
          field,
        },
  ];
}

const invalid = (field: string, value: unknown, detail: string) => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
  field,
});

function cronJobCauses(obj: any): StatusCause[] {
  const causes: StatusCause[] = [];
  const name: string = obj.metadata?.name ?? '';
  // Job names get an 11-character suffix and become a label value (≤ 63).
  if (name.length > 52) {
    causes.push(
      invalid('metadata.name', name, 'must be no more than 52 characters'),
    );
  }
  const schedule = obj.spec?.schedule;
  if (typeof schedule === 'string') {
    const error = cronScheduleError(schedule);
    if (error) causes.push(invalid('spec.schedule', schedule, error));
    if (schedule.includes('TZ')) {
      causes.push(
        invalid(
          'spec.schedule',
          schedule,
          'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
        ),
      );
    }
  }
  const timeZone = obj.spec?.timeZone;
  if (typeof timeZone === 'string') {
    const zoneError = timeZoneError(timeZone);
    if (zoneError) causes.push(invalid('spec.timeZone', timeZone, zoneError));
  }
  const policy = obj.spec?.concurrencyPolicy;
  if (!['Allow', 'Forbid', 'Replace'].includes(policy)) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${policy}": supported values: "Allow", "Forbid", "Replace"`,
      field: 'spec.concurrencyPolicy',
    });
  }
  causes.push(
    ...jobRestartPolicy(
      obj.spec?.jobTemplate?.spec?.template,
      'spec.jobTemplate.spec.template',
    ),
  );
  return causes;
}

/** Why the API server (Go's time.LoadLocation) refuses a time zone. */
function timeZoneError(timeZone: string): string | undefined {
  if (timeZone === '') return 'timeZone must be nil or non-empty string';
  if (timeZone.toLowerCase() === 'local') {
    return 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones';
  }
  try {
    // Throws a RangeError for names the IANA database does not know.
    Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions();
    return undefined;
  } catch {
    return `unknown time zone ${timeZone}`;
  }
}

function daemonSetCauses(obj: any): StatusCause[] {
  const causes: StatusCause[] = [];
  const selector = obj.spec?.selector;
  if (
    selector &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  ) {
    causes.push(
      invalid(
        'spec.selector',
        selector,
        'empty selector is invalid for daemonset',
      ),
    );
  }
  const policy = obj.spec?.template?.spec?.restartPolicy;
  if (policy !== undefined && policy !== 'Always') {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${policy}": supported values: "Always"`,
      field: 'spec.template.spec.restartPolicy',
    });
  }
  return causes;
}

function hpaCauses(obj: any): StatusCause[] {
  const causes: StatusCause[] = [];
  const min = obj.spec?.minReplicas;
  const max = obj.spec?.maxReplicas;
  if (typeof min === 'number' && min < 1) {
    causes.push(
      invalid('spec.minReplicas', min, 'must be greater than or equal to 1'),
    );
  }
  if (typeof max === 'number') {
    if (max < 1) {
      causes.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
    } else if (typeof min === 'number' && max < min) {
      causes.push(
        invalid(
          'spec.maxReplicas',
          max,
          'must be greater than or equal to `minReplicas`',
        ),
      );
    }
  }
  return causes;
}
