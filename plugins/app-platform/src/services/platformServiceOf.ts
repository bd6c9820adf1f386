import { Entity } from '@backstage/catalog-model';

/**
 * The annotations that tie a catalog entity to a platform service: the
 * catalog module's own Components carry `application` and `service`; an
 * existing Component (from a repository's catalog-info.yaml) links itself
 * with `serviceRef: <application>/<service>`; the module's `Resource` of a
 * middleware instance carries `application` and `middleware`.
 */
export const SERVICE_ANNOTATIONS = {
  application: 'app-platform.io/application',
  service: 'app-platform.io/service',
  serviceRef: 'app-platform.io/service-ref',
  middleware: 'app-platform.io/middleware',
} as const;

/**
 * The platform service a catalog entity stands for, if any. A middleware
 * instance counts (with `kind: 'middleware'`): its records, history and
 * rollback are served by the services routes under its name.
 */
export function platformServiceOf(
  entity: Entity,
): { application: string; service: string; kind?: 'middleware' } | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const application = annotations[SERVICE_ANNOTATIONS.application];
  switch (entity.kind.toLowerCase()) {
    case 'component': {
      const ref = annotations[SERVICE_ANNOTATIONS.serviceRef]?.match(
        /^([a-z0-9-]+)\/([a-z0-9-]+)$/,
      );
      if (ref) return { application: ref[1], service: ref[2] };
      const service = annotations[SERVICE_ANNOTATIONS.service];
      return application && service ? { application, service } : undefined;
    }
    case 'resource': {
      const instance = annotations[SERVICE_ANNOTATIONS.middleware];
      return application && instance
        ? { application, service: instance, kind: 'middleware' }
        : undefined;
    }
    default:
      return undefined;
  }
}
