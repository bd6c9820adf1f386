import { ControllerContext } from './ControllerContext';
import { Reconciler } from './Reconciler';

/**
 * The persistent volume controller's visible part: a claim whose storage
 * class does not exist stays Pending with ProvisioningFailed events (claims
 * of known classes are bound on create, see the admission chain).
 */
export class VolumeProvisioner implements Reconciler {
  readonly name = 'persistentvolume-binder';
  /** Its result depends on the store alone, never on the clock. */
  readonly waitsOnClock = () => false;
  private readonly reported = new Set<string>();

  private constructor(private readonly ctx: ControllerContext) {}

  static create(ctx: ControllerContext) {
    return new VolumeProvisioner(ctx);
  }

  reconcileAll(safely: (obj: any, f: () => boolean) => boolean) {
    const { ctx } = this;
    let changed = false;
    for (const pvc of ctx.store.list(ctx.t.pvcs)) {
      if (pvc.status?.phase !== 'Pending') continue;
      if (this.reported.has(pvc.metadata.uid)) continue;
      changed =
        safely(pvc, () => {
          this.reported.add(pvc.metadata.uid);
          ctx.recordEvent(
            pvc,
            'Warning',
            'ProvisioningFailed',
            `storageclass.storage.k8s.io "${pvc.spec?.storageClassName}" not found`,
            'persistentvolume-controller',
          );
          return true;
        }) || changed;
    }
    return changed;
  }
}
