import { ControllerContext } from './ControllerContext';
import { ownerRef } from './objects';

/**
 * Creates a pod from a workload's template through the API (so admission
 * applies) and records SuccessfulCreate or FailedCreate on the owner, with
 * the messages kube-controller-manager uses. Returns the pod, or the error
 * message when the API refused it.
 */
export function podFromTemplate(
  ctx: ControllerContext,
  owner: any,
  name: { name?: string; generateName?: string },
  extraLabels: Record<string, string>,
  component: string,
  /** Volumes that replace the template's of the same name (a StatefulSet's claims). */
  extraVolumes: any[] = [],
): { pod?: any; error?: string } {
  const template = structuredClone(owner.spec.template ?? {});
  if (extraVolumes.length) {
    const names = new Set(extraVolumes.map(v => v.name));
    template.spec = {
      ...template.spec,
      volumes: [
        ...(template.spec?.volumes ?? []).filter(
          (v: any) => !names.has(v.name),
        ),
        ...extraVolumes,
      ],
    };
  }
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...name,
      namespace: owner.metadata.namespace,
      labels: { ...template.metadata?.labels, ...extraLabels },
      annotations: { ...template.metadata?.annotations },
      ...(template.metadata?.finalizers
        ? { finalizers: template.metadata.finalizers }
        : {}),
      ownerReferences: [ownerRef(owner)],
    },
    spec: { ...template.spec },
  };
  const { created, error } = ctx.createThroughApi(ctx.t.pods, pod, component);
  if (error) {
    const message =
      owner.kind === 'StatefulSet'
        ? `create Pod ${name.name} in StatefulSet ${owner.metadata.name} failed error: ${error.message}`
        : `Error creating: ${error.message}`;
    ctx.recordEvent(owner, 'Warning', 'FailedCreate', message, component);
    return { error: error.message };
  }
  ctx.recordEvent(
    owner,
    'Normal',
    'SuccessfulCreate',
    owner.kind === 'StatefulSet'
      ? `create Pod ${created.metadata.name} in StatefulSet ${owner.metadata.name} successful`
      : `Created pod: ${created.metadata.name}`,
    component,
  );
  return { pod: created };
}
