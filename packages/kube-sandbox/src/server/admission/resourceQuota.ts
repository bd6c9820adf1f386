import { formatQuantity, isBinary, parseQuantity } from '../quantity';
import { StatusError } from '../StatusError';
import { AdmissionPlugin, describeObject } from './AdmissionPlugin';
import { COMPUTE, namespaceUsage, objectUsage } from './quotaUsage';

function prettyPrint(values: [string, number][], hard: Record<string, string>) {
  return values
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([r, v]) => `${r}=${formatQuantity(v, isBinary(hard[r]))}`)
    .join(',');
}

/**
 * ResourceQuota: a create that would take the namespace over a quota's
 * `hard` limits is refused with 403 Forbidden, naming the quota and what was
 * requested, used and limited; pods must specify the compute resources a
 * quota limits.
 */
export const resourceQuota: AdmissionPlugin = {
  name: 'ResourceQuota',
  admit(request) {
    const { type: t, object, store, registry } = request;
    if (request.operation !== 'CREATE' || !t.namespaced) return;
    const namespace = object.metadata.namespace;
    const quotas = store.list(registry.get('', 'resourcequotas'), namespace);
    if (quotas.length === 0) return;
    const requested = objectUsage(t, object);
    for (const quota of quotas) {
      const hard: Record<string, string> = quota.spec?.hard ?? {};
      const constrained = Object.keys(requested).filter(r => r in hard);
      if (constrained.length === 0) continue;
      const forbidden = (message: string) =>
        StatusError.forbidden(
          `${describeObject(request)} is forbidden: ${message}`,
          {
            name: object.metadata.name,
            kind: t.plural,
            group: t.group || undefined,
          },
        );
      if (t.kind === 'Pod') {
        const missing: string[] = [];
        for (const r of constrained.filter(x => x in COMPUTE).sort()) {
          const [kind, name] = COMPUTE[r];
          const without = (object.spec?.containers ?? [])
            .filter((c: any) => c.resources?.[kind]?.[name] === undefined)
            .map((c: any) => c.name);
          if (without.length > 0)
            missing.push(`${r} for: ${without.join(',')}`);
        }
        if (missing.length > 0) {
          throw forbidden(
            `failed quota: ${quota.metadata.name}: must specify ${missing.join(
              '; ',
            )}`,
          );
        }
      }
      const used = namespaceUsage(store, registry, namespace, constrained);
      const exceeded = constrained.filter(
        r =>
          used[r] + requested[r] > (parseQuantity(hard[r]) ?? 0) &&
          requested[r] > 0,
      );
      if (exceeded.length > 0) {
        throw forbidden(
          `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(
            exceeded.map(r => [r, requested[r]]),
            hard,
          )}, used: ${prettyPrint(
            exceeded.map(r => [r, used[r]]),
            hard,
          )}, limited: ${prettyPrint(
            exceeded.map(r => [r, parseQuantity(hard[r]) ?? 0]),
            hard,
          )}`,
        );
      }
    }
  },
};
