import {
  APP_PLATFORM_ANNOTATIONS,
  APP_PLATFORM_LABELS,
} from '@internal/plugin-app-platform-common';
import { KubernetesObject } from '@kubernetes/client-node';
import { Knex } from 'knex';
import {
  ClusterConnection,
  describeKubeError,
  KubeClients,
} from '../kube/KubeClients';
import { OwnedObjects, refOf } from '../ownership/OwnedObjects';
import { listServiceObjects } from './listServiceObjects';
import { NameTakenError } from './planObjects';
import {
  isPrunable,
  kindKey,
  kindsToList,
  WORKLOAD_KINDS,
} from './workloadKinds';
import { ServiceStore } from '../services/ServiceStore';
import {
  ObservedTarget,
  ReconcileDomain,
  ReconcileScope,
} from '../reconcile/ReconcileDomain';
import {
  DeploymentRow,
  DeploymentStore,
  DeploymentSummary,
} from './DeploymentStore';
import {
  MIDDLEWARE_COMPONENT,
  RenderedVersion,
  SERVICE_COMPONENT,
  VersionRenderer,
} from './VersionRenderer';

export const WORKLOAD_DOMAIN = 'service-workload';

/** Renders kept by record id: enough for every record converging at once. */
const RENDER_CACHE_SIZE = 256;

/** `application/service`: the reconcile target of a service. */
export function workloadTarget(application: string, service: string): string {
  return `${application}/${service}`;
}

function parseTarget(target: string): { application: string; service: string } {
  const [application, service] = target.split('/');
  return { application, service };
}

/** Hears what the engine did, so the record moves on at once. */
export type WorkloadListener = {
  applied(record: DeploymentRow, cluster: string): Promise<void>;
  failed(record: DeploymentRow, cluster: string, reason: string): Promise<void>;
  removed(record: DeploymentRow, cluster: string): Promise<void>;
};

/**
 * The deploy engine as a reconcile domain: every service runs, on each
 * cluster, the spec of the record `service_clusters` names for it. A pass
 * lists our services' Deployments and Services once per cluster; a service is
 * in sync when they carry the record's spec hash and id. Converging applies
 * the rendered objects with server-side apply in creation order, then removes
 * objects of the service that the version no longer renders (reverse order).
 * A record of action `delete` wants nothing of the service on the cluster.
 * Objects whose name another service of the namespace holds are refused.
 */
export class ServiceWorkloads implements ReconcileDomain {
  readonly name = WORKLOAD_DOMAIN;
  private readonly rendered = new Map<string, Promise<RenderedVersion>>();

  private constructor(
    private readonly knex: Knex,
    private readonly store: DeploymentStore,
    private readonly kube: KubeClients,
    private readonly owned: OwnedObjects,
    private readonly renderer: VersionRenderer,
    private readonly listener: WorkloadListener,
    private readonly services: ServiceStore,
    private readonly onSettle?: () => Promise<void>,
  ) {}

  static create(options: {
    knex: Knex;
    store: DeploymentStore;
    kube: KubeClients;
    owned: OwnedObjects;
    renderer: VersionRenderer;
    listener: WorkloadListener;
    services: ServiceStore;
    /** After every pass, e.g. to re-check records in flight. */
    onSettle?: () => Promise<void>;
  }): ServiceWorkloads {
    return new ServiceWorkloads(
      options.knex,
      options.store,
      options.kube,
      options.owned,
      options.renderer,
      options.listener,
      options.services,
      options.onSettle,
    );
  }

  /**
   * A service being deleted goes once no cluster holds anything of it and
   * its delete record has ended (its history goes with it; the audit trail
   * keeps who deleted it).
   */
  async settle(): Promise<void> {
    await this.onSettle?.();
    const gone = await this.knex('services')
      .where({ desired_state: 'deleting' })
      .whereNotExists(
        this.knex('service_clusters')
          .whereRaw('service_clusters.application = services.application')
          .andWhereRaw('service_clusters.service = services.name'),
      )
      .whereNotExists(
        this.knex('deployments')
          .whereRaw('deployments.application = services.application')
          .andWhereRaw('deployments.service = services.name')
          .andWhere('deployments.in_flight', 1),
      )
      .select('application', 'name');
    for (const service of gone) {
      await this.services.deleteIfDeleting(service.application, service.name);
    }
  }

  private selector(application?: string, service?: string): string {
    return [
      this.owned.selector(),
      `${APP_PLATFORM_LABELS.component} in (${SERVICE_COMPONENT},${MIDDLEWARE_COMPONENT})`,
      ...(application
        ? [`${APP_PLATFORM_LABELS.application}=${application}`]
        : []),
      ...(service ? [`${APP_PLATFORM_LABELS.service}=${service}`] : []),
    ].join(',');
  }

  async observe(
    cluster: ClusterConnection,
    scope: ReconcileScope,
  ): Promise<ObservedTarget[]> {
    const only = scope.target ? parseTarget(scope.target) : undefined;
    const desired = await this.store.desired({
      cluster: cluster.name,
      application: only?.application,
      service: only?.service,
    });
    // One query for every record the cluster should run, not one each.
    const records = await this.store.summaries(
      desired.map(row => row.deploymentId),
    );
    // A deploy's own pass: a record the engine has not applied on this
    // cluster is out of sync whatever the cluster holds, so the three
    // cluster-wide lists would only delay the apply by a round trip.
    if (only && desired.length > 0) {
      const pending = await this.store.pendingOn(
        cluster.name,
        desired.map(row => row.deploymentId),
      );
      if (desired.every(row => pending.has(row.deploymentId))) {
        return desired.map(row => ({
          target: workloadTarget(row.application, row.service),
          desired:
            records.get(row.deploymentId)?.action === 'delete'
              ? 'absent'
              : 'present',
          inSync: false,
        }));
      }
    }
    const selector = this.selector(only?.application, only?.service);
    const [deployments, statefulSets, services] = await this.kube.call(
      cluster,
      'list service workloads',
      ({ apps, core }) =>
        Promise.all([
          apps.listDeploymentForAllNamespaces({ labelSelector: selector }),
          apps.listStatefulSetForAllNamespaces({ labelSelector: selector }),
          core.listServiceForAllNamespaces({ labelSelector: selector }),
        ]),
    );
    // A middleware instance runs a StatefulSet where a service runs a Deployment.
    const workloads = [...deployments.items, ...statefulSets.items];
    const annotationsByTarget = (items: KubernetesObject[]) =>
      new Map(
        items.map(item => [
          workloadTarget(
            item.metadata!.namespace!,
            item.metadata!.labels![APP_PLATFORM_LABELS.service],
          ),
          item.metadata?.annotations ?? {},
        ]),
      );
    const liveWorkloads = annotationsByTarget(workloads);
    // A version's own Service is named after it; ExternalName references are extra.
    const liveServices = annotationsByTarget(
      services.items.filter(
        s =>
          s.metadata?.name ===
          s.metadata?.labels?.[APP_PLATFORM_LABELS.service],
      ),
    );
    const liveTargets = new Set(
      [...workloads, ...services.items].map(item =>
        workloadTarget(
          item.metadata!.namespace!,
          item.metadata!.labels![APP_PLATFORM_LABELS.service],
        ),
      ),
    );

    const inSyncWith = (
      annotations: Record<string, string> | undefined,
      record: DeploymentSummary,
    ) =>
      annotations?.[APP_PLATFORM_ANNOTATIONS.specHash] === record.specHash &&
      annotations?.[APP_PLATFORM_ANNOTATIONS.deployment] === record.id;

    const observed: ObservedTarget[] = [];
    for (const row of desired) {
      const target = workloadTarget(row.application, row.service);
      const record = records.get(row.deploymentId);
      liveTargets.delete(target);
      if (!record || record.action === 'delete') {
        observed.push({
          target,
          desired: 'absent',
          inSync: !liveWorkloads.has(target) && !liveServices.has(target),
        });
        continue;
      }
      const hasWorkload = record.serviceType !== 'ExternalName';
      observed.push({
        target,
        desired: 'present',
        inSync:
          inSyncWith(liveServices.get(target), record) &&
          (!hasWorkload || inSyncWith(liveWorkloads.get(target), record)),
      });
    }
    // Workloads of ours that no record wants on this cluster: orphans.
    for (const target of liveTargets) {
      observed.push({ target, desired: 'absent', inSync: false });
    }
    return observed;
  }

  async converge(
    cluster: ClusterConnection,
    target: ObservedTarget,
  ): Promise<void> {
    const { application, service } = parseTarget(target.target);
    // Decide on fresh data: the observation may be a whole pass old.
    const [row] = await this.store.desired({
      application,
      service,
      cluster: cluster.name,
    });
    const record = row ? await this.store.get(row.deploymentId) : undefined;
    const placed = row?.placedKinds;
    if (!record || record.action === 'delete' || !record.spec) {
      await this.removeAll(cluster, application, service, placed);
      if (record) {
        await this.store.forgetCluster(
          application,
          service,
          cluster.name,
          record.id,
        );
        await this.listener.removed(record, cluster.name);
      }
      return;
    }
    await this.store.updateTarget(record.id, cluster.name, {
      state: 'applying',
    });
    try {
      const { objects } = await this.renderOnce(record);
      // What the version no longer renders is listed while the objects are
      // applied, not after: a deploy waits one round trip less, and that
      // round trip does not queue behind the rollouts the applies start.
      // Meanwhile only this record's converge creates objects of the service
      // (one record is in flight per service), and those are kept anyway.
      const listed = this.listOurs(
        cluster,
        application,
        service,
        kindsToList(placed, objects),
      );
      // Awaited after the applies; when one of them fails first, its error
      // is the converge's and this one is dropped.
      listed.catch(() => {});
      // Recorded first: a crash after an apply still lists the new kinds.
      const kinds = [...new Set(objects.map(kindKey))];
      if (placed && kinds.some(kind => !placed.includes(kind))) {
        await this.store.addPlacedKinds(
          application,
          service,
          cluster.name,
          kinds,
        );
      }
      for (const object of objects) {
        // A name another service of the namespace holds stays that
        // service's; checked on the object ensure reads anyway.
        await this.owned.ensure(cluster, object, {
          check: live => {
            const holder = live.metadata?.labels?.[APP_PLATFORM_LABELS.service];
            if (holder !== service) {
              throw new NameTakenError(
                object.kind!,
                object.metadata!.name!,
                cluster.name,
                holder,
              );
            }
          },
        });
      }
      const kept = await this.prune(cluster, objects, await listed);
      const stays = [...new Set([...kinds, ...kept.map(kindKey)])];
      if (
        placed?.length !== stays.length ||
        stays.some(kind => !placed.includes(kind))
      ) {
        await this.store.setPlacedKinds(
          application,
          service,
          cluster.name,
          record.id,
          stays,
        );
      }
    } catch (error) {
      await this.listener.failed(
        record,
        cluster.name,
        describeKubeError(error),
      );
      throw error;
    }
    await this.listener.applied(record, cluster.name);
  }

  /**
   * A record renders the same on every cluster: its clusters, converged at
   * once, share one render (schema validation included) instead of one each.
   */
  private renderOnce(record: DeploymentRow) {
    let rendered = this.rendered.get(record.id);
    if (!rendered) {
      rendered = this.renderer.render({
        application: record.application,
        service: record.service,
        version: record.version ?? 0,
        spec: record.spec!,
        deploymentId: record.id,
      });
      // A failed render is not kept: the next pass tries again.
      rendered.catch(() => this.rendered.delete(record.id));
      if (this.rendered.size >= RENDER_CACHE_SIZE) {
        this.rendered.delete(this.rendered.keys().next().value!);
      }
      this.rendered.set(record.id, rendered);
    }
    return rendered;
  }

  /** The service's objects of ours, of the kinds that may be there. */
  private listOurs(
    cluster: ClusterConnection,
    application: string,
    service: string,
    kinds: ReadonlyArray<{ apiVersion: string; kind: string }>,
  ): Promise<KubernetesObject[]> {
    return listServiceObjects({
      kube: this.kube,
      cluster,
      namespace: application,
      selector: this.selector(application, service),
      kinds,
    });
  }

  /**
   * Removes those of the service's objects (`ours`) that the version no
   * longer renders, newest kinds first; answers what stays of ours besides
   * the version's objects (claims).
   */
  private async prune(
    cluster: ClusterConnection,
    keep: KubernetesObject[],
    ours: KubernetesObject[],
  ): Promise<KubernetesObject[]> {
    const wanted = new Set(keep.map(o => `${o.kind}/${o.metadata?.name}`));
    const others = ours.filter(
      o => !wanted.has(`${o.kind}/${o.metadata?.name}`),
    );
    await this.removeInOrder(cluster, others.filter(isPrunable));
    return others.filter(o => !isPrunable(o));
  }

  private async removeAll(
    cluster: ClusterConnection,
    application: string,
    service: string,
    placed: string[] | undefined,
  ): Promise<void> {
    await this.removeInOrder(
      cluster,
      await this.listOurs(
        cluster,
        application,
        service,
        kindsToList(placed, []),
      ),
    );
    // A StatefulSet's claims carry the instance's labels but not the
    // engine's: they outlive an uninstall unless it asked for the data to go.
    const middleware = await this.services.middlewareOf(application, service);
    if (middleware?.deleteData) {
      const claims = await this.kube.call(
        cluster,
        'list middleware claims',
        ({ core }) =>
          core.listNamespacedPersistentVolumeClaim({
            namespace: application,
            labelSelector: `${this.owned.selector()},${
              APP_PLATFORM_LABELS.middleware
            }=${service}`,
          }),
      );
      for (const claim of claims.items) {
        await this.owned.remove(
          cluster,
          refOf({ ...claim, apiVersion: 'v1', kind: 'PersistentVolumeClaim' }),
        );
      }
    }
  }

  private async removeInOrder(
    cluster: ClusterConnection,
    objects: KubernetesObject[],
  ): Promise<void> {
    const rank = (o: KubernetesObject) =>
      WORKLOAD_KINDS.findIndex(k => k.kind === o.kind);
    const ordered = [...objects].sort((a, b) => rank(b) - rank(a));
    for (const object of ordered) {
      await this.owned.remove(cluster, refOf(object));
    }
  }
}
