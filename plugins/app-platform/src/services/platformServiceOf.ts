import { Entity } from '@backstage/catalog-model';

/**
 * The annotations that tie a Component to a platform service: the catalog
 * module's own entities carry `application` and `service`; an existing
 * Component (from a repository's catalog-info.yaml) links itself with
 * `serviceRef: <application>/<service>`.
 */
export const SERVICE_ANNOTATIONS = {
  application: 'app-platform.io/application',
  service: 'app-platform.io/service',
  serviceRef: 'app-platform.io/service-ref',
} as const;

/** The platform service a catalog entity stands for, if any. */
export function platformServiceOf(
  entity: Entity,
): { application: string; service: string } | undefined {
  if (entity.kind.toLowerCase() !== 'component') return undefined;
  const annotations = entity.metadata.annotations ?? {};
  const ref = annotations[SERVICE_ANNOTATIONS.serviceRef]?.match(
    /^([a-z0-9-]+)\/([a-z0-9-]+)$/,
  );
  if (ref) return { application: ref[1], service: ref[2] };
  const application = annotations[SERVICE_ANNOTATIONS.application];
  const service = annotations[SERVICE_ANNOTATIONS.service];
  return application && service ? { application, service } : undefined;
}
