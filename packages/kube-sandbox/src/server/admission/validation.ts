import { validateObject } from '../validation';
import { AdmissionPlugin } from './AdmissionPlugin';

/** Schema and semantic validation (422 Invalid), between the two admission phases. */
export const validation: AdmissionPlugin = {
  name: 'validation',
  admit(request) {
    validateObject(request.type, request.object);
  },
};
