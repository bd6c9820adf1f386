import { ControllerContext } from './ControllerContext';
import {
  condition,
  HASH,
  mergeConditions,
  ownedBy,
  ownerRef,
  resolveIntOrPercent,
  REVISION,
  sameJson,
  sameTemplateIgnoringHash,
  templateHash,
} from './objects';
import { Reconciler } from './Reconciler';

/**
 * The deployment controller: rolls a Deployment out through ReplicaSets
 * (RollingUpdate with maxSurge/maxUnavailable, Recreate, paused), keeps
 * revisions for rollback and reports Available/Progressing conditions.
 */
export class DeploymentController implements Reconciler {
  readonly name = 'deployment';
  /** Deployment uid → last time its rollout made progress (epoch ms). */
  private readonly progress = new Map<
    string,
    { at: number; fingerprint: string }
  >();
  /**
   * In the last run: Deployments seen, and those seen complete. One that is
   * not (rolling out, being deleted, or failing to reconcile) has a deadline
   * running.
   */
  private seen = 0;
  private complete = 0;

  private constructor(private readonly ctx: ControllerContext) {}

  static create(ctx: ControllerContext) {
    return new DeploymentController(ctx);
  }

  waitsOnClock() {
    return this.complete < this.seen;
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    let changed = false;
    this.seen = 0;
    this.complete = 0;
    for (const d of this.ctx.store.list(this.ctx.t.deployments)) {
      this.seen++;
      changed = safely(d, () => this.reconcile(d)) || changed;
    }
    return changed;
  }

  reconcile(d: any): boolean {
    if (this.ctx.terminating(d.metadata.namespace)) return false;
    // Being deleted (e.g. foreground): the garbage collector takes over.
    if (d.metadata.deletionTimestamp) return false;
    let changed = false;
    const ns = d.metadata.namespace;
    const desired = d.spec.replicas ?? 1;
    const hash = templateHash(d.spec.template);
    const all = this.ctx.store
      .list(this.ctx.t.replicasets, ns)
      .filter(rs => ownedBy(rs, d));
    let newRs =
      all.find(rs => rs.metadata.labels?.[HASH] === hash) ??
      all.find(rs =>
        sameTemplateIgnoringHash(rs.spec.template, d.spec.template),
      );
    const oldRss = all.filter(rs => rs !== newRs);
    const maxRevision = Math.max(
      0,
      ...all.map(rs => Number(rs.metadata.annotations?.[REVISION] ?? 0)),
    );

    if (!newRs) {
      const revision = String(maxRevision + 1);
      const template = structuredClone(d.spec.template ?? {});
      template.metadata = {
        ...template.metadata,
        labels: { ...template.metadata?.labels, [HASH]: hash },
      };
      const selector = structuredClone(d.spec.selector ?? {});
      selector.matchLabels = { ...selector.matchLabels, [HASH]: hash };
      newRs = this.ctx.store.create(this.ctx.t.replicasets, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: ns,
          labels: { ...template.metadata.labels },
          annotations: {
            [REVISION]: revision,
            'deployment.kubernetes.io/desired-replicas': String(desired),
          },
          ownerReferences: [ownerRef(d)],
        },
        spec: { replicas: 0, selector, template },
        status: { replicas: 0 },
      });
      changed = true;
    } else if (
      newRs.metadata.annotations?.[REVISION] !==
        String(Math.max(maxRevision, 1)) &&
      oldRss.length > 0 &&
      Number(newRs.metadata.annotations?.[REVISION] ?? 0) < maxRevision
    ) {
      // Rolling back to an older template re-uses its RS with a new revision.
      newRs = this.ctx.write(this.ctx.t.replicasets, {
        ...newRs,
        metadata: {
          ...newRs.metadata,
          annotations: {
            ...newRs.metadata.annotations,
            [REVISION]: String(maxRevision + 1),
          },
        },
      });
      changed = true;
    }

    const setReplicas = (rs: any, replicas: number) => {
      if ((rs.spec.replicas ?? 0) === replicas) return rs;
      const from = rs.spec.replicas ?? 0;
      this.ctx.recordEvent(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${replicas > from ? 'up' : 'down'} replica set ${
          rs.metadata.name
        } from ${from} to ${replicas}`,
        'deployment-controller',
      );
      changed = true;
      return this.ctx.write(this.ctx.t.replicasets, {
        ...rs,
        spec: { ...rs.spec, replicas },
      });
    };

    const available = (rs: any) => rs.status?.availableReplicas ?? 0;
    if (d.spec.paused) {
      // Paused deployments keep their replica sets as they are.
    } else if (d.spec.strategy?.type === 'Recreate') {
      const oldPods = oldRss.reduce(
        (n, rs) => n + (rs.status?.replicas ?? 0) + (rs.spec.replicas ?? 0),
        0,
      );
      for (const rs of oldRss) setReplicas(rs, 0);
      if (oldPods === 0) newRs = setReplicas(newRs, desired);
    } else {
      const maxSurge = resolveIntOrPercent(
        d.spec.strategy?.rollingUpdate?.maxSurge ?? '25%',
        desired,
        true,
      );
      let maxUnavailable = resolveIntOrPercent(
        d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
        desired,
        false,
      );
      if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
      const total = all.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
      const newReplicas = newRs.spec.replicas ?? 0;
      if (newReplicas > desired) {
        newRs = setReplicas(newRs, desired);
      } else if (newReplicas < desired) {
        const room = desired + maxSurge - total;
        if (room > 0)
          newRs = setReplicas(newRs, Math.min(desired, newReplicas + room));
      }
      // Scale old replica sets down: unavailable pods first, then as many
      // available ones as maxUnavailable allows.
      const minAvailable = desired - maxUnavailable;
      let totalAvailable = all.reduce((n, rs) => n + available(rs), 0);
      const sorted = [...oldRss].sort(
        (a, b) =>
          Number(a.metadata.annotations?.[REVISION] ?? 0) -
          Number(b.metadata.annotations?.[REVISION] ?? 0),
      );
      for (const rs of sorted) {
        const current = rs.spec.replicas ?? 0;
        if (current === 0) continue;
        const unhealthy = Math.max(0, current - available(rs));
        const canRemoveAvailable = Math.max(0, totalAvailable - minAvailable);
        const removeAvailable = Math.min(available(rs), canRemoveAvailable);
        const target = Math.max(0, current - unhealthy - removeAvailable);
        totalAvailable -= removeAvailable;
        setReplicas(rs, target);
      }
    }

    // Old, fully scaled-down replica sets beyond revisionHistoryLimit go.
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = oldRss
      .map(rs =>
        this.ctx.store.get(this.ctx.t.replicasets, ns, rs.metadata.name),
      )
      .filter(
        rs =>
          rs &&
          (rs.spec.replicas ?? 0) === 0 &&
          (rs.status?.replicas ?? 0) === 0,
      )
      .sort(
        (a, b) =>
          Number(a.metadata.annotations?.[REVISION] ?? 0) -
          Number(b.metadata.annotations?.[REVISION] ?? 0),
      );
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      this.ctx.store.delete(this.ctx.t.replicasets, ns, rs.metadata.name);
      changed = true;
    }

    // Status, aggregated from the replica sets.
    const rsNow = this.ctx.store
      .list(this.ctx.t.replicasets, ns)
      .filter(rs => ownedBy(rs, d));
    const current =
      rsNow.find(rs => rs.metadata.uid === newRs.metadata.uid) ?? newRs;
    const sum = (f: (rs: any) => number) =>
      rsNow.reduce((n, rs) => n + f(rs), 0);
    const replicas = sum(rs => rs.status?.replicas ?? 0);
    const readyReplicas = sum(rs => rs.status?.readyReplicas ?? 0);
    const availableReplicas = sum(rs => rs.status?.availableReplicas ?? 0);
    const updatedReplicas = current.status?.replicas ?? 0;
    const maxUnavail =
      d.spec.strategy?.type === 'Recreate'
        ? desired
        : resolveIntOrPercent(
            d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
            desired,
            false,
          );
    const complete =
      updatedReplicas === desired &&
      replicas === desired &&
      availableReplicas === desired &&
      (current.status?.availableReplicas ?? 0) === desired;
    if (complete) this.complete++;

    const fingerprint = `${hash}/${replicas}/${readyReplicas}/${availableReplicas}/${updatedReplicas}/${desired}`;
    const prog = this.progress.get(d.metadata.uid);
    const nowMs = Date.now();
    if (!prog || prog.fingerprint !== fingerprint) {
      this.progress.set(d.metadata.uid, { at: nowMs, fingerprint });
    }
    const sinceProgress =
      nowMs - (this.progress.get(d.metadata.uid)?.at ?? nowMs);
    const deadlineMs = this.ctx.ms(
      (d.spec.progressDeadlineSeconds ?? 600) * 1000,
    );
    const previousProgressing = (d.status?.conditions ?? []).find(
      (c: any) => c.type === 'Progressing',
    );

    let progressing;
    if (complete) {
      progressing = condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${current.metadata.name}" has successfully progressed.`,
      );
    } else if (
      sinceProgress > deadlineMs ||
      (previousProgressing?.reason === 'ProgressDeadlineExceeded' &&
        prog?.fingerprint === fingerprint)
    ) {
      progressing = condition(
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${current.metadata.name}" has timed out progressing.`,
      );
    } else {
      progressing = condition(
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        `ReplicaSet "${current.metadata.name}" is progressing.`,
      );
    }
    const availableCondition =
      availableReplicas >= desired - maxUnavail
        ? condition(
            'Available',
            'True',
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
          )
        : condition(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          );

    const status: any = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas,
      readyReplicas,
      availableReplicas,
      ...(replicas - availableReplicas > 0
        ? { unavailableReplicas: replicas - availableReplicas }
        : {}),
      conditions: mergeConditions(d.status?.conditions, [
        availableCondition,
        progressing,
        // The ReplicaSet's pod creation failures (quota, limits) surface on
        // the Deployment too, as kube-controller-manager does.
        ...(current.status?.conditions ?? [])
          .filter((c: any) => c.type === 'ReplicaFailure')
          .map((c: any) => ({
            ...condition('ReplicaFailure', c.status, c.reason, c.message),
          })),
      ]),
    };
    const revision = current.metadata.annotations?.[REVISION];
    const annotations = { ...d.metadata.annotations, [REVISION]: revision };
    if (
      !sameJson(status, d.status) ||
      d.metadata.annotations?.[REVISION] !== revision
    ) {
      if (
        progressing.reason === 'ProgressDeadlineExceeded' &&
        previousProgressing?.reason !== 'ProgressDeadlineExceeded'
      ) {
        this.ctx.recordEvent(
          d,
          'Warning',
          'ProgressDeadlineExceeded',
          `Deployment "${d.metadata.name}" has timed out progressing.`,
          'deployment-controller',
        );
      }
      this.ctx.write(this.ctx.t.deployments, {
        ...d,
        metadata: { ...d.metadata, annotations },
        status,
      });
      changed = true;
    }
    return changed;
  }
}
