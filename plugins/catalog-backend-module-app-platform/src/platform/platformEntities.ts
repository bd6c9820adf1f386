import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  Application,
  APP_PLATFORM_LABELS,
  Cluster,
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
 */
export function serviceToEntity(service: Service): Entity {
  // The public services it references, and the clusters it runs on.
  const dependsOn = [
    ...(service.references ?? []).map(
      r => `component:${r.application}/${r.service}`,
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
