import { ControllerContext } from './ControllerContext';
import {
  isPodReady,
  ownedBy,
  ownerRef,
  sameJson,
  templateHash,
} from './objects';
import { podFromTemplate } from './podFromTemplate';
import { Reconciler } from './Reconciler';

const COMPONENT = 'statefulset-controller';

/**
 * The statefulset controller: ordered pods `name-0..n-1` (OrderedReady or
 * Parallel) with their claims from `volumeClaimTemplates`, scale-down and
 * rolling updates from the highest ordinal.
 */
export class StatefulSetController implements Reconciler {
  readonly name = 'statefulset';
  /** Its result depends on the store alone, never on the clock. */
  readonly waitsOnClock = () => false;

  private constructor(private readonly ctx: ControllerContext) {}

  static create(ctx: ControllerContext) {
    return new StatefulSetController(ctx);
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    let changed = false;
    for (const s of this.ctx.store.list(this.ctx.t.statefulsets)) {
      changed = safely(s, () => this.reconcile(s)) || changed;
    }
    return changed;
  }

  /**
   * The claims of pod `ordinal` from `volumeClaimTemplates`, created when
   * missing as kube-controller-manager does (`<template>-<set>-<ordinal>`,
   * the template's labels plus the selector's). They outlive the pods and,
   * unless `persistentVolumeClaimRetentionPolicy.whenDeleted` is `Delete`,
   * the StatefulSet. Answers the pod's volumes, or undefined when a claim
   * could not be created (FailedCreate on the StatefulSet).
   */
  private ensureClaims(s: any, ordinal: number): any[] | undefined {
    const { ctx } = this;
    const ns = s.metadata.namespace;
    const volumes: any[] = [];
    for (const template of s.spec.volumeClaimTemplates ?? []) {
      const claimName = `${template.metadata.name}-${s.metadata.name}-${ordinal}`;
      volumes.push({
        name: template.metadata.name,
        persistentVolumeClaim: { claimName },
      });
      if (ctx.store.get(ctx.t.pvcs, ns, claimName)) continue;
      const deleteWithSet =
        s.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
      const claim = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: claimName,
          namespace: ns,
          labels: {
            ...template.metadata.labels,
            ...s.spec.selector?.matchLabels,
          },
          ...(template.metadata.annotations
            ? { annotations: template.metadata.annotations }
            : {}),
          ...(deleteWithSet ? { ownerReferences: [ownerRef(s)] } : {}),
        },
        spec: structuredClone(template.spec),
      };
      const podName = `${s.metadata.name}-${ordinal}`;
      const { error } = ctx.createThroughApi(ctx.t.pvcs, claim, COMPONENT);
      if (error) {
        ctx.recordEvent(
          s,
          'Warning',
          'FailedCreate',
          `create Claim ${claimName} for Pod ${podName} in StatefulSet ${s.metadata.name} failed error: ${error.message}`,
          COMPONENT,
        );
        return undefined;
      }
      ctx.recordEvent(
        s,
        'Normal',
        'SuccessfulCreate',
        `create Claim ${claimName} Pod ${podName} in StatefulSet ${s.metadata.name} success`,
        COMPONENT,
      );
    }
    return volumes;
  }

  reconcile(s: any): boolean {
    const { ctx } = this;
    if (ctx.terminating(s.metadata.namespace)) return false;
    if (s.metadata.deletionTimestamp) return false;
    let changed = false;
    const ns = s.metadata.namespace;
    const desired = s.spec.replicas ?? 1;
    const revision = `${s.metadata.name}-${templateHash(s.spec.template)}`;
    const parallel = s.spec.podManagementPolicy === 'Parallel';
    const podName = (i: number) => `${s.metadata.name}-${i}`;
    const pods = () =>
      ctx.store.list(ctx.t.pods, ns).filter(p => ownedBy(p, s));

    for (let i = 0; i < desired; i++) {
      const existing = ctx.store.get(ctx.t.pods, ns, podName(i));
      if (existing) {
        if (!isPodReady(existing) && !parallel) break;
        continue;
      }
      const claims = this.ensureClaims(s, i);
      if (!claims) break;
      const { error } = podFromTemplate(
        ctx,
        s,
        { name: podName(i) },
        {
          'controller-revision-hash': revision,
          'statefulset.kubernetes.io/pod-name': podName(i),
          'apps.kubernetes.io/pod-index': String(i),
        },
        COMPONENT,
        claims,
      );
      changed = !error || changed;
      if (error || !parallel) break;
    }
    // Scale down from the highest ordinal.
    for (const p of pods()) {
      const ordinal = Number(p.metadata.name.slice(s.metadata.name.length + 1));
      if (ordinal >= desired && !p.metadata.deletionTimestamp) {
        ctx.api.delete(ctx.t.pods, ns, p.metadata.name);
        ctx.recordEvent(
          s,
          'Normal',
          'SuccessfulDelete',
          `delete Pod ${p.metadata.name} in StatefulSet ${s.metadata.name} successful`,
          COMPONENT,
        );
        changed = true;
      }
    }
    // Rolling update: replace one outdated pod at a time, highest first,
    // once all pods are ready.
    const current = pods();
    const outdated = current
      .filter(p => p.metadata.labels?.['controller-revision-hash'] !== revision)
      .sort((a, b) =>
        b.metadata.name.localeCompare(a.metadata.name, undefined, {
          numeric: true,
        }),
      );
    if (
      outdated.length > 0 &&
      current.every(isPodReady) &&
      !outdated[0].metadata.deletionTimestamp
    ) {
      ctx.api.delete(ctx.t.pods, ns, outdated[0].metadata.name);
      ctx.recordEvent(
        s,
        'Normal',
        'SuccessfulDelete',
        `delete Pod ${outdated[0].metadata.name} in StatefulSet ${s.metadata.name} successful`,
        COMPONENT,
      );
      changed = true;
    }
    const latest = ctx.latest(ctx.t.statefulsets, s) ?? s;
    const status = replicaStatus(
      s.metadata.generation,
      latest.status?.currentRevision,
      pods(),
      revision,
    );
    if (!sameJson(status, latest.status)) {
      ctx.write(ctx.t.statefulsets, { ...latest, status });
      changed = true;
    }
    return changed;
  }
}

/**
 * The status as kube-controller-manager computes it (stateful_set_control.go,
 * `computeReplicaStatus` and `completeRollingUpdate`): `replicas` and
 * `readyReplicas` count every created pod, terminating ones included;
 * `currentReplicas` and `updatedReplicas` count the pods that are not
 * terminating at the current and the update revision; the current revision
 * becomes the update revision only once every replica is updated and ready.
 */
function replicaStatus(
  generation: number,
  previousRevision: string | undefined,
  pods: any[],
  updateRevision: string,
) {
  const currentRevision = previousRevision || updateRevision;
  const staying = pods.filter(p => !p.metadata.deletionTimestamp);
  const at = (revision: string) =>
    staying.filter(
      p => p.metadata.labels?.['controller-revision-hash'] === revision,
    ).length;
  const replicas = pods.length;
  const ready = pods.filter(isPodReady).length;
  const updated = at(updateRevision);
  const complete = updated === replicas && ready === replicas;
  return {
    observedGeneration: generation,
    replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    currentReplicas: complete ? updated : at(currentRevision),
    updatedReplicas: updated,
    currentRevision: complete ? updateRevision : currentRevision,
    updateRevision,
    collisionCount: 0,
  };
}
