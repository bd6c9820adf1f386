import { AdmissionPlugin, AdmissionRequest } from './AdmissionPlugin';
import { defaulting } from './defaulting';
import { defaultStorageClass, volumeProvisioning } from './defaultStorageClass';
import { limitRanger } from './limitRanger';
import { namespaceLifecycle } from './namespaceLifecycle';
import { resourceQuota } from './resourceQuota';
import { validation } from './validation';

/**
 * The API server's admission chain, in order: mutating steps may change the
 * object, then validation, then validating steps that may only refuse.
 */
export const ADMISSION_CHAIN: {
  mutating: AdmissionPlugin[];
  validating: AdmissionPlugin[];
} = {
  mutating: [
    namespaceLifecycle,
    defaulting,
    defaultStorageClass,
    limitRanger,
    volumeProvisioning,
  ],
  validating: [validation, resourceQuota],
};

/** Runs every step of the chain on a write; throws the first refusal. */
export function admit(request: AdmissionRequest) {
  for (const step of ADMISSION_CHAIN.mutating) step.admit(request);
  for (const step of ADMISSION_CHAIN.validating) step.admit(request);
}
