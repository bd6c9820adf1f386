import { ControllerContext } from './ControllerContext';

/**
 * ConfigMaps, Secrets and keys a pod needs that do not exist, with the
 * kubelet's messages: volumes that cannot be mounted (the pod stays in
 * ContainerCreating with FailedMount events) and, per container, the first
 * environment reference that fails (CreateContainerConfigError). Optional
 * references are skipped, as in Kubernetes.
 */
export function missingReferences(ctx: ControllerContext, pod: any) {
  const ns = pod.metadata.namespace;
  const cm = (name: string) => ctx.store.get(ctx.t.configmaps, ns, name);
  const secret = (name: string) => ctx.store.get(ctx.t.secrets, ns, name);
  const hasKey = (obj: any, key: string) =>
    key in (obj.data ?? {}) || key in (obj.binaryData ?? {});

  const mounts: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    const sources = [
      ...(v.configMap ? [{ configMap: v.configMap }] : []),
      ...(v.secret ? [{ secret: v.secret }] : []),
      ...(v.projected?.sources ?? []),
    ];
    for (const s of sources) {
      if (s.configMap && !s.configMap.optional && !cm(s.configMap.name)) {
        mounts.push(
          `MountVolume.SetUp failed for volume "${v.name}" : configmap "${s.configMap.name}" not found`,
        );
      }
      const secretName = s.secret?.secretName ?? s.secret?.name;
      if (s.secret && !s.secret.optional && !secret(secretName)) {
        mounts.push(
          `MountVolume.SetUp failed for volume "${v.name}" : secret "${secretName}" not found`,
        );
      }
    }
  }

  const config = new Map<string, string>();
  for (const c of pod.spec?.containers ?? []) {
    const problem = containerProblem(c);
    if (problem) config.set(c.name, problem);
  }
  return { mounts, config };

  function containerProblem(c: any): string | undefined {
    for (const from of c.envFrom ?? []) {
      const ref = from.configMapRef ?? from.secretRef;
      if (!ref || ref.optional) continue;
      if (from.configMapRef && !cm(ref.name)) {
        return `configmap "${ref.name}" not found`;
      }
      if (from.secretRef && !secret(ref.name)) {
        return `secret "${ref.name}" not found`;
      }
    }
    for (const e of c.env ?? []) {
      const cmRef = e.valueFrom?.configMapKeyRef;
      const secretRef = e.valueFrom?.secretKeyRef;
      const ref = cmRef ?? secretRef;
      if (!ref || ref.optional) continue;
      const obj = cmRef ? cm(ref.name) : secret(ref.name);
      const kind = cmRef ? 'ConfigMap' : 'Secret';
      if (!obj) return `${kind.toLowerCase()} "${ref.name}" not found`;
      if (!hasKey(obj, ref.key)) {
        return `couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`;
      }
    }
    return undefined;
  }
}
