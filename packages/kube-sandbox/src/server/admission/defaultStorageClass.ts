import { AdmissionPlugin } from './AdmissionPlugin';

/** The cluster's default storage class (kind and minikube call it `standard`). */
export const DEFAULT_STORAGE_CLASS = 'standard';

/** DefaultStorageClass: claims without a class get the default one. */
export const defaultStorageClass: AdmissionPlugin = {
  name: 'DefaultStorageClass',
  admit(request) {
    if (request.operation !== 'CREATE') return;
    if (request.type.kind !== 'PersistentVolumeClaim') return;
    const spec = (request.object.spec ??= {});
    if (spec.storageClassName === undefined) {
      spec.storageClassName = DEFAULT_STORAGE_CLASS;
    }
  },
};

/**
 * Sandbox-only step standing in for a dynamic provisioner: claims of a known
 * storage class are bound on create (a real provisioner binds a moment
 * later); claims of an unknown class stay Pending, and pods using them stay
 * unschedulable.
 */
export const volumeProvisioning: AdmissionPlugin = {
  name: 'volumeProvisioning',
  admit(request) {
    if (request.operation !== 'CREATE') return;
    if (request.type.kind !== 'PersistentVolumeClaim') return;
    const obj = request.object;
    const known = [DEFAULT_STORAGE_CLASS, ...request.settings.storageClasses];
    if (!known.includes(obj.spec.storageClassName)) {
      obj.status = { phase: 'Pending' };
      return;
    }
    obj.spec.volumeName ??= `pvc-${obj.metadata.uid ?? obj.metadata.name}`;
    obj.metadata.annotations = {
      ...obj.metadata.annotations,
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner':
        'sandbox.app-platform.io/provisioner',
    };
    obj.status = {
      phase: 'Bound',
      accessModes: obj.spec.accessModes ?? ['ReadWriteOnce'],
      capacity: { storage: obj.spec.resources?.requests?.storage ?? '1Gi' },
    };
  },
};
