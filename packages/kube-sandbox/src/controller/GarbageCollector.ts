import { ControllerContext } from './ControllerContext';
import { Reconciler } from './Reconciler';

const FOREGROUND = 'foregroundDeletion';

/**
 * The garbage collector: once an owner is gone, its dependents are deleted
 * (background propagation); an owner deleted in the foreground keeps its
 * `foregroundDeletion` finalizer until its dependents are gone. Orphaning
 * is done by the API at delete time.
 */
export class GarbageCollector implements Reconciler {
  readonly name = 'garbagecollector';
  /** Its result depends on the store alone, never on the clock. */
  readonly waitsOnClock = () => false;
  /** uids of deleted objects whose dependents are still to be collected. */
  private readonly deleted = new Set<string>();
  private unsubscribe?: () => void;

  private constructor(private readonly ctx: ControllerContext) {}

  static create(ctx: ControllerContext) {
    const gc = new GarbageCollector(ctx);
    gc.watch();
    return gc;
  }

  /** Follows deletions (also while the controller does not tick). */
  watch() {
    this.unsubscribe ??= this.ctx.store.subscribe(undefined, e => {
      if (e.type === 'DELETED' && e.object.metadata?.uid) {
        this.deleted.add(e.object.metadata.uid);
      }
    });
  }

  stop() {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private typeOf(typeKey: string) {
    const [group, plural] = typeKey.split('/');
    return this.ctx.registry.get(group, plural);
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    let changed = false;
    const { ctx } = this;
    for (const uid of [...this.deleted]) {
      this.deleted.delete(uid);
      for (const dep of ctx.store.dependents(uid)) {
        const t = this.typeOf(dep.typeKey);
        const obj = ctx.store.get(t, dep.namespace, dep.name);
        if (!obj || obj.metadata.deletionTimestamp) continue;
        changed =
          safely(obj, () => {
            ctx.api.delete(t, dep.namespace, dep.name, {
              propagationPolicy: 'Background',
            });
            return true;
          }) || changed;
      }
    }
    // Owners deleted in the foreground: dependents first, then the owner.
    for (const t of ctx.registry.types) {
      if (!this.hasForegroundOwners(t)) continue;
      for (const owner of ctx.store.list(t)) {
        if (!owner.metadata.finalizers?.includes(FOREGROUND)) continue;
        changed = safely(owner, () => this.foreground(t, owner)) || changed;
      }
    }
    return changed;
  }

  // Only workload kinds own things in the sandbox; skipping the others
  // keeps a tick cheap with many ConfigMaps. DaemonSets and CronJobs have no
  // controller here, but clients may still create Pods and Jobs they own.
  private hasForegroundOwners(t: { kind: string }) {
    return [
      'Deployment',
      'ReplicaSet',
      'StatefulSet',
      'DaemonSet',
      'Job',
      'CronJob',
      'Service',
    ].includes(t.kind);
  }

  private foreground(t: any, owner: any) {
    const { ctx } = this;
    const deps = ctx.store
      .dependents(owner.metadata.uid)
      .map(d => ({ d, t: this.typeOf(d.typeKey) }))
      .filter(({ d, t: dt }) => ctx.store.get(dt, d.namespace, d.name));
    let changed = false;
    for (const { d, t: dt } of deps) {
      const obj = ctx.store.get(dt, d.namespace, d.name);
      if (!obj.metadata.deletionTimestamp) {
        ctx.api.delete(dt, d.namespace, d.name, {
          propagationPolicy: 'Foreground',
        });
        changed = true;
      }
    }
    const blocking = deps.filter(({ d, t: dt }) => {
      const obj = ctx.store.get(dt, d.namespace, d.name);
      return (obj?.metadata.ownerReferences ?? []).some(
        (o: any) => o.uid === owner.metadata.uid && o.blockOwnerDeletion,
      );
    });
    if (blocking.length === 0) {
      ctx.api.removeFinalizer(t, owner, FOREGROUND);
      changed = true;
    }
    return changed;
  }
}
