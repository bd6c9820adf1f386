import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  Application,
  APP_PLATFORM_LABELS,
  Cluster,
  MiddlewareInstance,
  Service,
} from '@internal/plugin-app-platform-common';

/** Annotation naming the App Platform application a catalog entity stands for. */
export const APPLICATION_ANNOTATION = 'app-platform.io/application';
/** Annotation naming the App Platform service a catalog entity stands for (with the application's). */
export const SERVICE_ANNOTATION = 'app-platform.io/service';
/**
 * Put on an existing Component (e.g. in a repository's catalog-info.yaml) to
 * link it to a platform service, `<application>/<service>`: the platform's
 * tabs appear on it and the catalog gets no second entity for the service.
 */
export const SERVICE_REF_ANNOTATION = 'app-platform.io/service-ref';
/** Annotation naming the App Platform cluster a catalog entity stands for. */
export const CLUSTER_ANNOTATION = 'app-platform.io/cluster';
/** Annotation naming the middleware instance a catalog entity stands for (with the application's). */
export const MIDDLEWARE_ANNOTATION = 'app-platform.io/middleware';
/** Annotation naming the middleware definition an instance was installed from, e.g. `redis`. */
export const MIDDLEWARE_DEFINITION_ANNOTATION =
  'app-platform.io/middleware-definition';
/** Annotation with the middleware's own version an instance runs, e.g. `7.2`. */
export const MIDDLEWARE_VERSION_ANNOTATION =
  'app-platform.io/middleware-version';
/** Annotation saying (`true` or `false`) whether the instance's definition changed since it was rendered. */
export const MIDDLEWARE_UPDATE_AVAILABLE_ANNOTATION =
  'app-platform.io/middleware-update-available';

/** An application is a `System` owned by its group. */
export function applicationToEntity(application: Application): Entity {
  const location = `app-platform:applications/${application.name}`;
  const ready = application.namespaces.filter(n => n.state === 'ready').length;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: application.name,
      title: application.title,
      description: application.description,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [APPLICATION_ANNOTATION]: application.name,
        'app-platform.io/namespace-template': application.namespaceTemplate,
        'app-platform.io/namespaces-ready': `${ready}/${application.namespaces.length}`,
        'backstage.io/kubernetes-namespace': application.name,
      },
      tags: ['app-platform'],
    },
    spec: { owner: application.owner },
  };
}

/**
 * A service is a `Component` of type `service` in its application's `System`.
 * Service names are unique only within an application, so the application
 * is the entity's namespace: `component:<application>/<service>`.
 *
 * `boundInstances` are the middleware instances of its application that its
 * current version binds: the Service has no bindings of its own, so the
 * caller takes them from the instances' `boundBy`, the list the instances'
 * `dependencyOf` comes from too, and both sides of the relation agree.
 */
export function serviceToEntity(
  service: Service,
  boundInstances: string[] = [],
): Entity {
  // The public services it references, the middleware instances it binds and
  // the clusters it runs on.
  const dependsOn = [
    ...(service.references ?? []).map(
      r => `component:${r.application}/${r.service}`,
    ),
    ...boundInstances.map(
      instance => `resource:${service.application}/${instance}`,
    ),
    ...(service.clusters ?? []).map(
      c => `resource:default/${clusterEntityName(c)}`,
    ),
  ];
  const location = `app-platform:applications/${service.application}/services/${service.name}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: service.name,
      namespace: service.application,
      description: service.description,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [APPLICATION_ANNOTATION]: service.application,
        [SERVICE_ANNOTATION]: service.name,
        'backstage.io/kubernetes-id': service.name,
        'backstage.io/kubernetes-namespace': service.application,
        // The stock Kubernetes plugin selects by this annotation before
        // `kubernetes-id`: the service's Deployment, Pods and Service by the
        // label the deploy engine already puts on them. Selecting by
        // `kubernetes-id` would need that label in every pod template, and
        // adding it would roll every running service once.
        'backstage.io/kubernetes-label-selector': `${APP_PLATFORM_LABELS.service}=${service.name}`,
      },
      tags: ['app-platform', ...(service.public ? ['public'] : [])],
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: service.owner,
      system: `system:default/${service.application}`,
      ...(dependsOn.length ? { dependsOn } : {}),
    },
  };
}

/**
 * A middleware instance is a `Resource` of type `middleware:<definition>` in
 * its application's `System`, owned by the application's owner. Like
 * services, instances are named within the application's entity namespace:
 * `resource:<application>/<instance>` (an instance's name is unique among the
 * application's services and instances).
 *
 * `boundBy` gives the entity ref that stands for each bound service: the
 * platform's own Component, or the existing Component linked to it.
 */
export function middlewareInstanceToEntity(
  instance: MiddlewareInstance,
  owner: string,
  boundBy: (service: string) => string = service =>
    `component:${instance.application}/${service}`,
): Entity {
  const location = `app-platform:applications/${instance.application}/middleware/${instance.name}`;
  const dependsOn = instance.clusters.map(
    c => `resource:default/${clusterEntityName(c.cluster)}`,
  );
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: instance.name,
      namespace: instance.application,
      // The definition's title is gone when the definition no longer loads.
      description: instance.title ?? instance.definition,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [APPLICATION_ANNOTATION]: instance.application,
        [MIDDLEWARE_ANNOTATION]: instance.name,
        [MIDDLEWARE_DEFINITION_ANNOTATION]: instance.definition,
        [MIDDLEWARE_VERSION_ANNOTATION]: instance.middlewareVersion,
        [MIDDLEWARE_UPDATE_AVAILABLE_ANNOTATION]: String(
          instance.updateAvailable,
        ),
        'backstage.io/kubernetes-id': instance.name,
        'backstage.io/kubernetes-namespace': instance.application,
        // As for services: the label the renderer puts on every object and
        // pod of the instance.
        'backstage.io/kubernetes-label-selector': `${APP_PLATFORM_LABELS.middleware}=${instance.name}`,
      },
      tags: ['app-platform', 'middleware', instance.definition],
    },
    spec: {
      type: `middleware:${instance.definition}`,
      lifecycle: 'production',
      owner,
      system: `system:default/${instance.application}`,
      ...(instance.boundBy.length
        ? { dependencyOf: instance.boundBy.map(boundBy) }
        : {}),
      ...(dependsOn.length ? { dependsOn } : {}),
    },
  };
}

/** The name of a cluster's `Resource` entity. */
function clusterEntityName(cluster: string): string {
  return `cluster-${cluster}`;
}

/** A cluster is a `Resource` of type `kubernetes-cluster`. */
export function clusterToEntity(cluster: Cluster, owner: string): Entity {
  const location = `app-platform:clusters/${cluster.name}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: clusterEntityName(cluster.name),
      title: cluster.name,
      description: `Kubernetes cluster (${cluster.environment}) at ${cluster.url}`,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [CLUSTER_ANNOTATION]: cluster.name,
        'app-platform.io/cluster-health': cluster.health,
      },
      labels: {
        'app-platform.io/environment': cluster.environment,
        ...Object.fromEntries(
          Object.entries(cluster.labels).filter(
            ([k, v]) =>
              /^[A-Za-z0-9._-]{1,63}$/.test(k) &&
              /^[A-Za-z0-9._-]{0,63}$/.test(v),
          ),
        ),
      },
      tags: ['kubernetes-cluster', cluster.environment],
    },
    spec: { type: 'kubernetes-cluster', owner, lifecycle: cluster.environment },
  };
}
