import { ControllerContext } from './ControllerContext';
import { sameJson } from './objects';
import { Reconciler } from './Reconciler';
import { quotaStatus } from '../server/admission/quotaUsage';

/** The resource quota controller: keeps `status.hard` and `status.used` current. */
export class ResourceQuotaController implements Reconciler {
  readonly name = 'resourcequota';
  /** Its result depends on the store alone, never on the clock. */
  readonly waitsOnClock = () => false;

  private constructor(private readonly ctx: ControllerContext) {}

  static create(ctx: ControllerContext) {
    return new ResourceQuotaController(ctx);
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    const { ctx } = this;
    let changed = false;
    for (const q of ctx.store.list(ctx.t.resourcequotas)) {
      changed =
        safely(q, () => {
          const status = quotaStatus(ctx.store, ctx.registry, q);
          if (sameJson(status, q.status)) return false;
          ctx.write(ctx.t.resourcequotas, { ...q, status });
          return true;
        }) || changed;
    }
    return changed;
  }
}
