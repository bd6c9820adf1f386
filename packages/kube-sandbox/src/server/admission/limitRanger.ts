import { qosClass } from '../defaults';
import { formatQuantity, isBinary, parseQuantity } from '../quantity';
import { StatusError } from '../StatusError';
import { AdmissionPlugin, describeObject } from './AdmissionPlugin';

const RESOURCES = ['cpu', 'memory'];

function canonical(q: string) {
  return formatQuantity(parseQuantity(q) ?? 0, isBinary(q));
}

/**
 * LimitRanger: on pod creation, containers get the `default` limits and
 * `defaultRequest` requests of the namespace's LimitRanges, and requests
 * and limits outside `min`/`max` (per Container or per Pod) are refused
 * with 403 in the API server's words.
 */
export const limitRanger: AdmissionPlugin = {
  name: 'LimitRanger',
  admit(request) {
    if (request.operation !== 'CREATE' || request.type.kind !== 'Pod') return;
    const { object: pod, store, registry } = request;
    const ranges = store.list(
      registry.get('', 'limitranges'),
      pod.metadata.namespace,
    );
    if (ranges.length === 0) return;
    const containers: any[] = pod.spec?.containers ?? [];
    const set: string[] = [];
    const errors: string[] = [];
    for (const lr of ranges) {
      for (const item of lr.spec?.limits ?? []) {
        if (item.type === 'Container') {
          for (const c of containers) {
            const requests: string[] = [];
            const limits: string[] = [];
            c.resources ??= {};
            for (const r of RESOURCES) {
              if (
                item.default?.[r] !== undefined &&
                c.resources.limits?.[r] === undefined
              ) {
                c.resources.limits = {
                  ...c.resources.limits,
                  [r]: item.default[r],
                };
                limits.push(r);
              }
              if (
                item.defaultRequest?.[r] !== undefined &&
                c.resources.requests?.[r] === undefined
              ) {
                c.resources.requests = {
                  ...c.resources.requests,
                  [r]: item.defaultRequest[r],
                };
                requests.push(r);
              }
            }
            if (requests.length > 0) {
              set.push(
                `${requests.join(', ')} request for container ${c.name}`,
              );
            }
            if (limits.length > 0) {
              set.push(`${limits.join(', ')} limit for container ${c.name}`);
            }
            for (const r of RESOURCES) {
              errors.push(
                ...check(
                  'Container',
                  r,
                  item,
                  c.resources.requests?.[r],
                  c.resources.limits?.[r],
                ),
              );
            }
          }
        } else if (item.type === 'Pod') {
          for (const r of RESOURCES) {
            const total = (kind: 'requests' | 'limits') => {
              const values = containers.map(c => c.resources?.[kind]?.[r]);
              if (values.some(v => v === undefined)) return undefined;
              const sum = values.reduce(
                (n, v) => n + (parseQuantity(v) ?? 0),
                0,
              );
              return formatQuantity(sum, values.some(isBinary));
            };
            errors.push(
              ...check('Pod', r, item, total('requests'), total('limits')),
            );
          }
        }
      }
    }
    if (set.length > 0) {
      pod.status = { ...pod.status, qosClass: qosClass(pod.spec) };
      pod.metadata.annotations = {
        ...pod.metadata.annotations,
        'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${set.join(
          '; ',
        )}`,
      };
    }
    if (errors.length > 0) {
      throw StatusError.forbidden(
        `${describeObject(request)} is forbidden: ${
          errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`
        }`,
        { name: pod.metadata.name, kind: 'pods' },
      );
    }
  },
};

function check(
  kind: string,
  resource: string,
  item: any,
  request: string | undefined,
  limit: string | undefined,
): string[] {
  const out: string[] = [];
  const min = item.min?.[resource];
  const max = item.max?.[resource];
  if (min !== undefined) {
    if (request === undefined) {
      out.push(
        `minimum ${resource} usage per ${kind} is ${canonical(
          min,
        )}.  No request is specified`,
      );
    } else if ((parseQuantity(request) ?? 0) < (parseQuantity(min) ?? 0)) {
      out.push(
        `minimum ${resource} usage per ${kind} is ${canonical(
          min,
        )}, but request is ${canonical(request)}`,
      );
    }
  }
  if (max !== undefined) {
    if (limit === undefined) {
      out.push(
        `maximum ${resource} usage per ${kind} is ${canonical(
          max,
        )}.  No limit is specified`,
      );
    } else if ((parseQuantity(limit) ?? 0) > (parseQuantity(max) ?? 0)) {
      out.push(
        `maximum ${resource} usage per ${kind} is ${canonical(
          max,
        )}, but limit is ${canonical(limit)}`,
      );
    }
  }
  return out;
}
