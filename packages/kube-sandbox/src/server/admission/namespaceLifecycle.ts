import { StatusError } from '../StatusError';
import { AdmissionPlugin, describeObject } from './AdmissionPlugin';

/**
 * NamespaceLifecycle: objects can only be created in namespaces that exist
 * and are not being terminated.
 */
export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  admit(request) {
    const { type: t, object, store, registry } = request;
    if (request.operation !== 'CREATE' || !t.namespaced) return;
    const namespace = object.metadata.namespace;
    const ns = store.get(registry.get('', 'namespaces'), undefined, namespace);
    if (!ns) throw StatusError.notFound('namespaces', '', namespace);
    if (ns.status?.phase === 'Terminating') {
      throw StatusError.forbidden(
        `${describeObject(
          request,
        )} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name: object.metadata.name,
          kind: t.plural,
          group: t.group || undefined,
          causes: [
            {
              reason: 'NamespaceTerminating',
              message: `namespace ${namespace} is being terminated`,
              field: 'metadata.namespace',
            },
          ],
        },
      );
    }
  },
};
