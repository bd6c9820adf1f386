import { ControllerContext } from './ControllerContext';
import { mergeConditions, now, sameJson } from './objects';
import { Reconciler } from './Reconciler';

function nsCondition(
  type: string,
  status: string,
  reason: string,
  message: string,
) {
  return { type, status, lastTransitionTime: now(), reason, message };
}

/**
 * The namespace controller: deletes the content of a Terminating namespace
 * (pods terminate gracefully, objects with finalizers wait for them), keeps
 * the `NamespaceContentRemaining`/`NamespaceFinalizersRemaining` conditions,
 * and removes the namespace once it is empty and at least
 * `namespaceTerminationMs` have passed (a real cluster takes seconds).
 */
export class NamespaceController implements Reconciler {
  readonly name = 'namespace';
  /** Namespace uid → real time this controller first saw it terminating. */
  private readonly since = new Map<string, number>();
  /** Whether the last run saw a namespace terminating. */
  private terminating = false;

  private constructor(private readonly ctx: ControllerContext) {}

  static create(ctx: ControllerContext) {
    return new NamespaceController(ctx);
  }

  /** A terminating namespace waits out `namespaceTerminationMs`. */
  waitsOnClock() {
    return this.terminating;
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    let changed = false;
    this.terminating = false;
    for (const ns of this.ctx.store.list(this.ctx.t.namespaces)) {
      if (ns.status?.phase === 'Terminating') {
        this.terminating = true;
        changed = safely(ns, () => this.reconcile(ns)) || changed;
      }
    }
    return changed;
  }

  reconcile(ns: any): boolean {
    const { ctx } = this;
    const name = ns.metadata.name;
    const uid = ns.metadata.uid;
    if (!this.since.has(uid)) this.since.set(uid, Date.now());
    let changed = false;
    const remaining = new Map<string, number>();
    const finalizers = new Map<string, number>();
    for (const t of ctx.registry.types) {
      if (!t.namespaced || t.kind === 'Event') continue;
      for (const obj of ctx.store.list(t, name)) {
        if (!obj.metadata.deletionTimestamp) {
          ctx.api.delete(t, name, obj.metadata.name, {
            propagationPolicy: 'Background',
          });
          changed = true;
        }
        if (!ctx.store.get(t, name, obj.metadata.name)) continue;
        const key = `${t.plural}.${t.group}`;
        remaining.set(key, (remaining.get(key) ?? 0) + 1);
        for (const f of ctx.store.get(t, name, obj.metadata.name).metadata
          .finalizers ?? []) {
          finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
        }
      }
    }
    const latest = ctx.latest(ctx.t.namespaces, ns) ?? ns;
    const conditions = mergeConditions(latest.status?.conditions, [
      remaining.size > 0
        ? nsCondition(
            'NamespaceContentRemaining',
            'True',
            'SomeResourcesRemain',
            `Some resources are remaining: ${[...remaining]
              .sort()
              .map(([k, n]) => `${k} has ${n} resource instances`)
              .join(', ')}`,
          )
        : nsCondition(
            'NamespaceContentRemaining',
            'False',
            'ContentRemoved',
            'All content successfully removed',
          ),
      finalizers.size > 0
        ? nsCondition(
            'NamespaceFinalizersRemaining',
            'True',
            'SomeFinalizersRemain',
            `Some content in the namespace has finalizers remaining: ${[
              ...finalizers,
            ]
              .sort()
              .map(([f, n]) => `${f} in ${n} resource instances`)
              .join(', ')}`,
          )
        : nsCondition(
            'NamespaceFinalizersRemaining',
            'False',
            'ContentHasNoFinalizers',
            'All content-preserving finalizers finished',
          ),
    ]);
    if (!sameJson(conditions, latest.status?.conditions)) {
      ctx.write(ctx.t.namespaces, {
        ...latest,
        status: { ...latest.status, conditions },
      });
      changed = true;
    }
    const elapsed = Date.now() - (this.since.get(uid) ?? Date.now());
    if (remaining.size === 0 && elapsed >= ctx.namespaceTerminationMs) {
      for (const ev of ctx.store.list(ctx.t.events, name)) {
        ctx.store.delete(ctx.t.events, name, ev.metadata.name);
      }
      const current = ctx.latest(ctx.t.namespaces, ns);
      // Removing the `kubernetes` finalizer (the /finalize step) lets the
      // API remove the namespace unless metadata.finalizers remain.
      ctx.api.finalizeNamespace(current);
      this.since.delete(uid);
      changed = true;
    }
    return changed;
  }
}
