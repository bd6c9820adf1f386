import { ObjectStore } from '../ObjectStore';
import { ResourceRegistry, ResourceType } from '../resources';

/** What an admission step sees of a write, like `admission.Attributes`. */
export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE';
  type: ResourceType;
  /** The object being written; mutating steps change it in place. */
  object: any;
  /** The stored object, on UPDATE. */
  oldObject?: any;
  subresource?: string;
  dryRun: boolean;
  store: ObjectStore;
  registry: ResourceRegistry;
  settings: AdmissionSettings;
}

export interface AdmissionSettings {
  /** Storage classes that provision volumes (default `standard` included). */
  storageClasses: string[];
}

/** One named step of the admission chain. Throws a StatusError to refuse. */
export interface AdmissionPlugin {
  readonly name: string;
  admit(request: AdmissionRequest): void;
}

/** `pods "x"`: how admission errors name the object. */
export function describeObject(request: AdmissionRequest) {
  const t = request.type;
  const resource = t.group ? `${t.plural}.${t.group}` : t.plural;
  return `${resource} "${request.object?.metadata?.name ?? ''}"`;
}
