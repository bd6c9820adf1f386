import { applyDefaults } from '../defaults';
import { AdmissionPlugin } from './AdmissionPlugin';

/**
 * The API server's defaulting (done while decoding in Kubernetes): fills in
 * the fields a cluster adds, so objects read back look like a cluster's.
 */
export const defaulting: AdmissionPlugin = {
  name: 'defaulting',
  admit(request) {
    applyDefaults(
      request.type.kind,
      request.object,
      request.operation === 'CREATE',
      request.oldObject,
    );
  },
};
