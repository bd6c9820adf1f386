import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  Cluster,
  APP_PLATFORM_ANNOTATIONS,
  ApplicationStatus,
  checkApplicationName,
  ClusterPlan,
  deriveApplicationState,
  DeploymentAction,
  DeploymentDiff,
  DeploymentEvent,
  DeploymentPage,
  DeploymentRecord,
  DeploymentTarget,
  DeploySpec,
  isMiddlewareSpec,
  MiddlewareSpec,
  Service,
  ServiceClusterStatus,
  ServiceRollout,
  ServiceStatus,
  ServiceVersion,
  VersionSpec,
} from '@internal/plugin-app-platform-common';
import { KubernetesObject } from '@kubernetes/client-node';
import { Knex } from 'knex';
import pLimit from 'p-limit';
import { randomUUID } from 'node:crypto';
import { ApplicationStore } from '../applications/ApplicationStore';
import { Caller } from '../applications/ApplicationService';
import { AuditLog } from '../audit/AuditLog';
import { conflictOnUniqueViolation } from '../database/isUniqueViolation';
import { ClusterConnection, KubeClients } from '../kube/KubeClients';
import { OwnedObjects } from '../ownership/OwnedObjects';
import { Reconciler } from '../reconcile/Reconciler';
import { ReconcileStatusStore } from '../reconcile/ReconcileStatusStore';
import { ServiceStore } from '../services/ServiceStore';
import { validateVersionSpec } from '../services/validateVersionSpec';
import { DesiredDeployment, detectDrift } from '../status/detectDrift';
import { DeploymentRow, DeploymentStore } from './DeploymentStore';
import { DeploymentTracker, LiveStatusSource } from './DeploymentTracker';
import { toDeploymentEvent } from './toDeploymentEvent';
import { planAgainst, planCluster } from './planObjects';
import { summarizeChanges } from './diffObjects';
import { WORKLOAD_DOMAIN, workloadTarget } from './ServiceWorkloads';
import { PreparedRender, VersionRenderer } from './VersionRenderer';

/** How many of the latest cluster events a service's status carries per cluster. */
const RECENT_EVENTS = 5;

/** Clusters planned at once: a plan on 10 clusters takes about as long as on one. */
const CLUSTER_CONCURRENCY = 16;

/** What a service is meant to be once a record of each action is written. */
const DESIRED_STATE_AFTER: Record<DeploymentAction, Service['desiredState']> = {
  deploy: 'running',
  rollback: 'running',
  start: 'running',
  stop: 'stopped',
  delete: 'deleting',
};

/** Where the desired spec of a deploy or plan comes from. */
export type SpecSource = {
  /** A new spec: stored as the next version (or the same one, when equal). */
  spec?: unknown;
  /** A stored version by number. */
  version?: number;
  /** A new image on the version the clusters should run (`specWithImage`). */
  image?: string;
};

export type DeployRequest = SpecSource & {
  /** Target clusters; all healthy ones when absent. */
  clusters?: string[];
  description?: string;
};

/** The source of healthy clusters (the registry). */
export type ClusterSource = {
  healthyConnections(): Promise<ClusterConnection[]>;
  connection(name: string): Promise<ClusterConnection>;
  /** Every registered cluster, for the environments of a promotion. */
  list(): Promise<Cluster[]>;
};

/**
 * Services, versions and deployment records. A deploy validates and renders
 * first (400 for bad input, before anything is written), then writes the
 * record in flight with one target per cluster and the desired state of
 * those clusters in one transaction, and wakes the reconciler; the engine
 * (`ServiceWorkloads`) applies, the tracker settles the record from the watch
 * caches. Rollback, stop, start and delete are records of the same kind.
 */
/**
 * Work that must commit or roll back with a new record (a CI build's row):
 * it runs in the record's transaction, after the record and its version exist.
 */
export type WithinRecord = (
  trx: Knex.Transaction,
  record: { id: string; version?: number },
) => Promise<void>;

export class DeployService {
  /**
   * The workload each record renders, by record id, for drift. A promise:
   * the first status after a deploy asks for it on every cluster at once.
   */
  private readonly renderedWorkloads = new Map<
    string,
    Promise<DesiredDeployment | undefined>
  >();

  private constructor(
    private readonly knex: Knex,
    private readonly services: ServiceStore,
    private readonly applications: ApplicationStore,
    private readonly records: DeploymentStore,
    private readonly renderer: VersionRenderer,
    private readonly clusters: ClusterSource,
    private readonly kube: KubeClients,
    private readonly owned: OwnedObjects,
    private readonly reconciler: Reconciler,
    private readonly reconcileStatus: ReconcileStatusStore,
    private readonly tracker: DeploymentTracker,
    private readonly live: LiveStatusSource,
    private readonly audit: AuditLog,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    knex: Knex;
    services: ServiceStore;
    applications: ApplicationStore;
    records: DeploymentStore;
    renderer: VersionRenderer;
    clusters: ClusterSource;
    kube: KubeClients;
    owned: OwnedObjects;
    reconciler: Reconciler;
    reconcileStatus: ReconcileStatusStore;
    tracker: DeploymentTracker;
    live: LiveStatusSource;
    audit: AuditLog;
    logger: LoggerService;
  }): DeployService {
    return new DeployService(
      options.knex,
      options.services,
      options.applications,
      options.records,
      options.renderer,
      options.clusters,
      options.kube,
      options.owned,
      options.reconciler,
      options.reconcileStatus,
      options.tracker,
      options.live,
      options.audit,
      options.logger,
    );
  }

  // --- services -----------------------------------------------------------

  async createService(
    application: string,
    input: { name: string; description?: string; public?: boolean },
    caller: Caller,
  ): Promise<Service> {
    const app = await this.applications.get(application);
    if (!app) throw new NotFoundError(`No application named "${application}"`);
    if (app.deletionRequestedAt) {
      throw new ConflictError(`Application "${application}" is being deleted`);
    }
    const problem = checkApplicationName(input.name, []);
    if (problem) throw new InputError(`name ${problem}`);
    await conflictOnUniqueViolation(
      () =>
        this.knex.transaction(async trx => {
          await this.services.insert(
            {
              application,
              name: input.name,
              description: input.description,
              public: input.public === true,
              createdBy: caller.actor,
            },
            trx,
          );
          await this.audit.record(
            {
              actor: caller.actor,
              action: 'service.create',
              targetKind: 'service',
              targetName: `${application}/${input.name}`,
              details: { public: input.public === true },
            },
            trx,
          );
        }),
      `Application "${application}" already has a service named "${input.name}"`,
    );
    return this.getService(application, input.name);
  }

  listServices(application: string): Promise<Service[]> {
    return this.services.list({ application, kind: 'service' });
  }

  /** The services of any of these applications (of all when absent), with what they reference. */
  listServicesOf(applications?: string[]): Promise<Service[]> {
    return this.services.list({
      applications,
      kind: 'service',
      withRelations: true,
    });
  }

  async getService(application: string, name: string): Promise<Service> {
    const service = await this.services.get(application, name);
    if (!service) {
      throw new NotFoundError(
        `Application "${application}" has no service named "${name}"`,
      );
    }
    return service;
  }

  async updateService(
    application: string,
    name: string,
    changes: { description?: string; public?: boolean },
    caller: Caller,
  ): Promise<Service> {
    await this.getService(application, name);
    await this.knex.transaction(async trx => {
      await this.services.update(application, name, changes, trx);
      await this.audit.record(
        {
          actor: caller.actor,
          action: 'service.update',
          targetKind: 'service',
          targetName: `${application}/${name}`,
          details: changes,
        },
        trx,
      );
    });
    return this.getService(application, name);
  }

  listVersions(
    application: string,
    service: string,
    page: { limit: number; before?: number },
  ): Promise<ServiceVersion[]> {
    return this.services.listVersions(application, service, page);
  }

  async getVersion(
    application: string,
    service: string,
    number: number,
  ): Promise<ServiceVersion> {
    const version = await this.services.getVersion(
      application,
      service,
      number,
    );
    if (!version) {
      throw new NotFoundError(
        `Service "${application}/${service}" has no version ${number}`,
      );
    }
    return version;
  }

  /**
   * The spec of the version the clusters should run, with another image: how
   * a CI build or an agent's deploy makes a new version from an image alone.
   */
  async specWithImage(
    application: string,
    serviceName: string,
    image: string,
  ): Promise<VersionSpec> {
    const service = await this.deployable(application, serviceName);
    if (service.currentVersion === undefined) {
      throw new ConflictError(
        `Service "${application}/${serviceName}" has no version yet to take the rest of the spec from: deploy a first one with a whole spec`,
      );
    }
    const current = await this.getVersion(
      application,
      serviceName,
      service.currentVersion,
    );
    return { ...(current.spec as VersionSpec), image };
  }

  // --- records ------------------------------------------------------------

  async deploy(
    application: string,
    serviceName: string,
    request: DeployRequest,
    caller: Caller,
    options?: { within?: WithinRecord },
  ): Promise<DeploymentRecord> {
    const service = await this.deployable(application, serviceName);
    const { spec, version } = await this.resolveSpec(
      application,
      serviceName,
      request,
    );
    return this.record({
      service,
      action: 'deploy',
      spec,
      version,
      newVersion: version === undefined,
      clusters: await this.targetClusters(request.clusters),
      description: request.description,
      caller,
      within: options?.within,
    });
  }

  /**
   * Stores a spec as the service's next version without deploying it (a CI
   * build under the `record` policy), after checking that it renders.
   * `within` runs in the same transaction.
   */
  async addVersion(
    application: string,
    serviceName: string,
    spec: VersionSpec,
    caller: Caller,
    within?: (trx: Knex.Transaction, version: number) => Promise<void>,
  ): Promise<ServiceVersion> {
    const service = await this.deployable(application, serviceName);
    const valid = validateVersionSpec(spec, 'spec');
    await this.renderer.render({
      application,
      service: service.name,
      version: await this.nextVersion(service),
      spec: valid,
    });
    return this.knex.transaction(async trx => {
      const version = await this.services.addVersion(
        application,
        service.name,
        valid,
        caller.actor,
        trx,
      );
      await within?.(trx, version.number);
      return version;
    });
  }

  /** Applies an earlier record's spec again, as a new record that says so. */
  async rollback(
    application: string,
    serviceName: string,
    recordId: string,
    request: { clusters?: string[]; description?: string },
    caller: Caller,
  ): Promise<DeploymentRecord> {
    const service = await this.deployable(application, serviceName, {
      middleware: true,
    });
    const earlier = await this.getRecord(application, serviceName, recordId);
    if (!earlier.spec) {
      throw new InputError(
        `deployment ${recordId} is a ${earlier.action}: there is no spec to roll back to`,
      );
    }
    return this.record({
      service,
      action: 'rollback',
      spec: earlier.spec,
      version: earlier.version,
      newVersion: false,
      rollbackOf: earlier.id,
      clusters: await this.targetClusters(
        request.clusters ?? earlier.targets.map(t => t.cluster),
      ),
      description: request.description,
      caller,
    });
  }

  /**
   * Applies the spec of a record that succeeded on `test` clusters to the
   * `production` ones (the healthy ones, or those asked for), as a new record
   * that names where it came from.
   */
  async promote(
    application: string,
    serviceName: string,
    recordId: string,
    request: { clusters?: string[]; description?: string },
    caller: Caller,
  ): Promise<DeploymentRecord> {
    const service = await this.deployable(application, serviceName);
    const earlier = await this.getRecord(application, serviceName, recordId);
    const environments = new Map(
      (await this.clusters.list()).map(c => [c.name, c.environment]),
    );
    if (earlier.state !== 'succeeded' || !earlier.spec) {
      throw new ConflictError(
        `deployment ${recordId} is ${earlier.state}${
          earlier.spec ? '' : ' and has no spec'
        }: only a deploy that succeeded on test can be promoted`,
      );
    }
    if (earlier.action === 'stop') {
      // Its spec has no replicas: promoting it would stop production.
      throw new ConflictError(
        `deployment ${recordId} is a stop: only a deploy that succeeded on test can be promoted`,
      );
    }
    const notTest = earlier.targets
      .map(t => t.cluster)
      .filter(c => environments.get(c) !== 'test');
    if (notTest.length) {
      throw new ConflictError(
        `deployment ${recordId} also ran on ${notTest.join(
          ', ',
        )}, not a test cluster: only a deploy on test clusters can be promoted`,
      );
    }
    const production =
      request.clusters ??
      [...environments].filter(([, e]) => e === 'production').map(([n]) => n);
    const notProduction = production.filter(
      c => environments.get(c) !== 'production',
    );
    if (notProduction.length) {
      throw new InputError(
        `clusters: ${notProduction.join(', ')} ${
          notProduction.length === 1 ? 'is' : 'are'
        } not a production cluster`,
      );
    }
    const clusters = await this.targetClusters(request.clusters ?? production, {
      skipUnhealthy: request.clusters === undefined,
    });
    if (!clusters.length) {
      throw new ConflictError('No healthy production cluster can receive it');
    }
    return this.record({
      service,
      action: 'deploy',
      spec: earlier.spec,
      version: earlier.version,
      newVersion: false,
      promotedFrom: earlier.id,
      clusters,
      description:
        request.description ??
        `promoted from ${
          earlier.version !== undefined ? `v${earlier.version}` : earlier.action
        } on ${earlier.targets.map(t => t.cluster).join(', ')}`,
      caller,
    });
  }

  /**
   * Deploys a middleware instance's spec as a new version (install or
   * upgrade; `MiddlewareInstances` decides the spec). `before` runs first in
   * the record's transaction: an install creates the instance there, so a
   * refused record leaves no instance behind.
   */
  async deployMiddleware(input: {
    instance: Service;
    spec: MiddlewareSpec;
    prepared: PreparedRender;
    clusters?: string[];
    description?: string;
    caller: Caller;
    before?: (trx: Knex.Transaction) => Promise<void>;
  }): Promise<DeploymentRecord> {
    return this.record({
      service: input.instance,
      action: 'deploy',
      spec: input.spec,
      prepared: input.prepared,
      before: input.before,
      newVersion: true,
      clusters: await this.targetClusters(input.clusters),
      description: input.description,
      caller: input.caller,
    });
  }

  /** Scales the service to zero where it runs (`stop`), or back (`start`). */
  async setRunning(
    application: string,
    serviceName: string,
    running: boolean,
    caller: Caller,
  ): Promise<DeploymentRecord> {
    const service = await this.deployable(application, serviceName);
    const current = await this.currentRecord(application, serviceName);
    if (!current?.spec || service.currentVersion === undefined) {
      throw new ConflictError(
        `Service "${application}/${serviceName}" has never been deployed`,
      );
    }
    const version = await this.getVersion(
      application,
      serviceName,
      service.currentVersion,
    );
    const spec = running
      ? version.spec
      : { ...(version.spec as VersionSpec), replicas: 0 };
    const placed = await this.records.desired({
      application,
      service: serviceName,
    });
    return this.record({
      service,
      action: running ? 'start' : 'stop',
      spec,
      version: version.number,
      newVersion: false,
      clusters: await this.targetClusters(placed.map(p => p.cluster)),
      caller,
    });
  }

  /** Removes the service's objects from every cluster, then the service. */
  async deleteService(
    application: string,
    serviceName: string,
    caller: Caller,
    options: { middleware?: boolean } = {},
  ): Promise<DeploymentRecord | undefined> {
    const service = await this.getService(application, serviceName);
    this.refuseMiddleware(service, options);
    const inFlight = await this.records.inFlight(application, serviceName);
    if (inFlight?.action === 'delete') return inFlight;
    const placed = await this.records.desired({
      application,
      service: serviceName,
    });
    if (!placed.length) {
      await this.knex.transaction(async trx => {
        await this.services.delete(application, serviceName, trx);
        await this.audit.record(
          {
            actor: caller.actor,
            action: 'service.delete',
            targetKind: 'service',
            targetName: `${application}/${serviceName}`,
          },
          trx,
        );
      });
      return undefined;
    }
    // Every cluster that holds it, healthy or not: the others follow when they return.
    const connections = await Promise.all(
      [...new Set(placed.map(p => p.cluster))].map(name =>
        this.clusters.connection(name),
      ),
    );
    return this.record({
      service,
      action: 'delete',
      clusters: connections,
      newVersion: false,
      caller,
    });
  }

  history(
    application: string,
    service: string,
    options: {
      limit: number;
      before?: string;
      cluster?: string;
      state?: DeploymentRecord['state'];
    },
  ): Promise<DeploymentPage> {
    return this.records.list(application, service, options);
  }

  async getRecord(
    application: string,
    service: string,
    id: string,
  ): Promise<DeploymentRow> {
    const record = await this.records.get(id);
    if (
      !record ||
      record.application !== application ||
      record.service !== service
    ) {
      throw new NotFoundError(
        `Service "${application}/${service}" has no deployment ${id}`,
      );
    }
    return record;
  }

  async events(
    application: string,
    service: string,
    id: string,
  ): Promise<DeploymentEvent[]> {
    await this.getRecord(application, service, id);
    return this.records.events(id);
  }

  // --- plans --------------------------------------------------------------

  /**
   * What a deploy would do, per target cluster, from a server-side dry run:
   * nothing is applied. The spec comes from the request, a version, or a
   * record (a rollback's plan).
   */
  async plan(
    application: string,
    serviceName: string,
    request: DeployRequest & { deployment?: string },
  ): Promise<ClusterPlan[]> {
    const service = await this.getService(application, serviceName);
    let spec: DeploySpec;
    let version: number;
    if (
      request.deployment !== undefined &&
      (request.spec !== undefined ||
        request.version !== undefined ||
        request.image !== undefined)
    ) {
      throw new InputError(
        'spec: give one of spec, version, image and deployment, not several',
      );
    }
    if (request.deployment) {
      const record = await this.getRecord(
        application,
        serviceName,
        request.deployment,
      );
      if (!record.spec) {
        throw new InputError(`deployment ${record.id} has no spec`);
      }
      spec = record.spec;
      version = record.version ?? 0;
    } else {
      this.refuseMiddleware(service);
      const resolved = await this.resolveSpec(
        application,
        serviceName,
        request,
      );
      spec = resolved.spec;
      version = resolved.version ?? (await this.nextVersion(service));
    }
    const { objects } = await this.renderer.render({
      application,
      service: serviceName,
      version,
      spec,
    });
    const clusters = await this.targetClusters(request.clusters);
    return this.planOn(clusters, application, serviceName, objects);
  }

  /** What applying these rendered objects would do on each target cluster. */
  async planRendered(
    application: string,
    name: string,
    objects: KubernetesObject[],
    clusters?: string[],
  ): Promise<ClusterPlan[]> {
    return this.planOn(
      await this.targetClusters(clusters),
      application,
      name,
      objects,
    );
  }

  /**
   * Compares a record with another record (pure) or with what runs now on
   * each of its clusters (`live`, a dry run like a plan).
   */
  async compare(
    application: string,
    serviceName: string,
    id: string,
    against: string,
  ): Promise<DeploymentDiff> {
    const record = await this.getRecord(application, serviceName, id);
    const rendered = async (r: DeploymentRow) =>
      r.spec
        ? (
            await this.renderer.render({
              application,
              service: serviceName,
              version: r.version ?? 0,
              spec: r.spec,
            })
          ).objects
        : [];
    if (against === 'live') {
      const clusters = await this.targetClusters(
        record.targets.map(t => t.cluster),
        { skipUnhealthy: true },
      );
      return {
        clusters: await this.planOn(
          clusters,
          application,
          serviceName,
          await rendered(record),
        ),
      };
    }
    const other = await this.getRecord(application, serviceName, against);
    return {
      objects: planAgainst(await rendered(other), await rendered(record)),
    };
  }

  // --- status -------------------------------------------------------------

  /** From the watch caches and the database only: never a cluster call. */
  async status(
    application: string,
    serviceName: string,
  ): Promise<ServiceStatus> {
    const service = await this.getService(application, serviceName);
    const [placed, inFlight, latest] = await Promise.all([
      this.records.desired({ application, service: serviceName }),
      this.records.inFlight(application, serviceName),
      this.records.list(application, serviceName, { limit: 1 }),
    ]);
    const targets = await this.records.targetsOf(
      placed.map(p => p.deploymentId),
    );
    const clusters = await Promise.all(
      placed.map(async p => {
        const status: ServiceClusterStatus = {
          ...this.clusterStatus(p, targets),
          rollout: this.rolloutOf(p.cluster, application, serviceName),
        };
        const drift = await this.driftOf(
          p.cluster,
          application,
          serviceName,
          p.deploymentId,
        );
        return drift.length ? { ...status, drift } : status;
      }),
    );
    return {
      application,
      service: serviceName,
      ...(service.kind === 'middleware' ? { kind: service.kind } : {}),
      state: deriveApplicationState(clusters.map(c => c.state)),
      clusters: clusters.sort((a, b) => a.cluster.localeCompare(b.cluster)),
      inFlight: inFlight?.id,
      latestDeployment: latest.items[0],
    };
  }

  /** The rollout's details on one cluster, from its watch cache. */
  private rolloutOf(
    cluster: string,
    application: string,
    service: string,
  ): ServiceRollout {
    const status = this.live.liveWorkload(cluster, application, service)?.object
      .status;
    // A StatefulSet's conditions have the same fields as a Deployment's.
    const conditions: Array<{
      type: string;
      status: string;
      reason?: string;
      message?: string;
    }> = status?.conditions ?? [];
    return {
      oldReplicas: Math.max(
        0,
        (status?.replicas ?? 0) - (status?.updatedReplicas ?? 0),
      ),
      conditions: conditions.map(c => ({
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: c.message,
      })),
      events: this.live
        .serviceEvents(cluster, application, service)
        .slice(-RECENT_EVENTS)
        .map(e => toDeploymentEvent(cluster, e)),
    };
  }

  async applicationStatus(application: string): Promise<ApplicationStatus> {
    const app = await this.applications.get(application);
    if (!app) throw new NotFoundError(`No application named "${application}"`);
    const [services, placed] = await Promise.all([
      this.services.list({ application, kind: 'service' }),
      this.records.desired({ application }),
    ]);
    const targets = await this.records.targetsOf([
      ...new Set(placed.map(p => p.deploymentId)),
    ]);
    const statuses = services.map(service => {
      const clusters = placed
        .filter(p => p.service === service.name)
        .map(p => this.clusterStatus(p, targets))
        .sort((a, b) => a.cluster.localeCompare(b.cluster));
      return {
        application,
        service: service.name,
        state: deriveApplicationState(clusters.map(c => c.state)),
        clusters,
      };
    });
    return {
      application,
      state: deriveApplicationState(
        statuses.flatMap(s => s.clusters.map(c => c.state)),
      ),
      services: statuses,
    };
  }

  /**
   * The cache's view, except where the desired record could not even be
   * applied: then the cluster does not run what it should, whatever the
   * older pods do, and the apply error is the reason.
   */
  private clusterStatus(
    placement: {
      cluster: string;
      application: string;
      service: string;
      deploymentId: string;
    },
    targets: Map<string, DeploymentTarget[]>,
  ): ServiceClusterStatus {
    const status = this.live.serviceStatus(
      placement.cluster,
      placement.application,
      placement.service,
    );
    const target = targets
      .get(placement.deploymentId)
      ?.find(t => t.cluster === placement.cluster);
    if (target?.state === 'failed' && target.reason === 'ApplyFailed') {
      return {
        ...status,
        state: 'failed',
        reason: target.reason,
        message: target.message,
      };
    }
    return status;
  }

  /** The service's status with the clusters' names only: for signals. */
  async statusForSignal(
    application: string,
    serviceName: string,
  ): Promise<ServiceStatus | undefined> {
    try {
      return await this.status(application, serviceName);
    } catch {
      return undefined;
    }
  }

  // --- internals ----------------------------------------------------------

  private async deployable(
    application: string,
    name: string,
    options: { middleware?: boolean } = {},
  ): Promise<Service> {
    const service = await this.getService(application, name);
    this.refuseMiddleware(service, options);
    if (service.desiredState === 'deleting') {
      throw new ConflictError(
        `Service "${application}/${name}" is being deleted`,
      );
    }
    return service;
  }

  /** A middleware instance changes through its own routes (install, upgrade, uninstall). */
  private refuseMiddleware(
    service: Service,
    options: { middleware?: boolean } = {},
  ): void {
    if (service.kind === 'middleware' && !options.middleware) {
      throw new ConflictError(
        `"${service.application}/${service.name}" is a middleware instance: upgrade or uninstall it instead`,
      );
    }
  }

  private async resolveSpec(
    application: string,
    service: string,
    source: SpecSource,
  ): Promise<{ spec: VersionSpec; version?: number }> {
    const given = [source.spec, source.version, source.image].filter(
      s => s !== undefined,
    );
    if (given.length !== 1) {
      throw new InputError(
        'spec: give a spec, a stored version or an image, exactly one of them',
      );
    }
    if (source.image !== undefined) {
      return this.resolveSpec(application, service, {
        spec: await this.specWithImage(application, service, source.image),
      });
    }
    if (source.version !== undefined) {
      const version = await this.getVersion(
        application,
        service,
        source.version,
      );
      return { spec: version.spec as VersionSpec, version: version.number };
    }
    const spec = validateVersionSpec(source.spec, 'spec');
    // Equal to the current version: deploy that version, no new one.
    const current = await this.services.get(application, service);
    if (current?.currentVersion !== undefined) {
      const version = await this.services.getVersion(
        application,
        service,
        current.currentVersion,
      );
      if (version && JSON.stringify(version.spec) === JSON.stringify(spec)) {
        return { spec, version: version.number };
      }
    }
    return { spec };
  }

  private async nextVersion(service: Service): Promise<number> {
    const [latest] = await this.services.listVersions(
      service.application,
      service.name,
      { limit: 1 },
    );
    return (latest?.number ?? 0) + 1;
  }

  /** The requested clusters (each must be healthy), or every healthy one. */
  private async targetClusters(
    requested: string[] | undefined,
    options?: { skipUnhealthy?: boolean },
  ): Promise<ClusterConnection[]> {
    const healthy = await this.clusters.healthyConnections();
    if (requested === undefined) {
      if (!healthy.length) {
        throw new ConflictError(
          'No healthy cluster can receive the deployment',
        );
      }
      return healthy;
    }
    const unique = [...new Set(requested)];
    const missing = unique.filter(c => !healthy.some(h => h.name === c));
    if (missing.length && !options?.skipUnhealthy) {
      throw new ConflictError(
        `clusters: ${missing.join(', ')} ${
          missing.length === 1 ? 'is' : 'are'
        } not registered or not healthy; only healthy clusters receive deployments`,
      );
    }
    return healthy.filter(h => unique.includes(h.name));
  }

  private async planOn(
    clusters: ClusterConnection[],
    application: string,
    service: string,
    objects: KubernetesObject[],
  ): Promise<ClusterPlan[]> {
    // The kinds placed on every cluster in one read, not one per cluster.
    const placedKinds = new Map(
      (await this.records.desired({ application, service })).map(row => [
        row.cluster,
        row.placedKinds,
      ]),
    );
    const limit = pLimit(CLUSTER_CONCURRENCY);
    return Promise.all(
      clusters.map(cluster =>
        limit(() =>
          planCluster({
            kube: this.kube,
            owned: this.owned,
            cluster,
            namespace: application,
            service,
            desired: objects,
            placedKinds: placedKinds.get(cluster.name),
          }),
        ),
      ),
    );
  }

  /**
   * The newest record placed on the service's clusters, or on those of
   * `clusters` that hold it (a promotion compares with what production
   * runs, not with the test deploy it came from).
   */
  private async currentRecord(
    application: string,
    service: string,
    clusters?: string[],
  ): Promise<DeploymentRow | undefined> {
    const placed = await this.records.desired({ application, service });
    const onTargets = placed.filter(p => clusters?.includes(p.cluster));
    const ids = [
      ...new Set(
        (onTargets.length ? onTargets : placed).map(p => p.deploymentId),
      ),
    ];
    const records = (
      await Promise.all(ids.map(id => this.records.get(id)))
    ).filter((r): r is DeploymentRow => Boolean(r?.spec));
    records.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return records[0];
  }

  /** Checks that referenced public services run on every target cluster. */
  private async checkReferences(
    application: string,
    spec: DeploySpec,
    clusters: ClusterConnection[],
  ): Promise<void> {
    if (isMiddlewareSpec(spec)) return;
    for (const [index, reference] of (spec.references ?? []).entries()) {
      const field = `spec.references[${index}]`;
      const target = await this.services.get(
        reference.application,
        reference.service,
      );
      if (!target) {
        throw new InputError(
          `${field}: no service "${reference.application}/${reference.service}"`,
        );
      }
      if (!target.public && reference.application !== application) {
        throw new InputError(
          `${field}: service "${reference.application}/${reference.service}" is not public`,
        );
      }
      const notRunning = clusters
        .map(c => ({
          cluster: c.name,
          status: this.live.serviceStatus(
            c.name,
            reference.application,
            reference.service,
          ),
        }))
        .filter(s => s.status.state !== 'running');
      if (notRunning.length) {
        throw new ConflictError(
          `${field}: service "${reference.application}/${
            reference.service
          }" does not run on ${notRunning
            .map(
              s =>
                `cluster ${s.cluster} (${s.status.state}${
                  s.status.reason ? `: ${s.status.reason}` : ''
                })`,
            )
            .join(', ')}`,
        );
      }
    }
  }

  /** Refuses names that another service of the application renders. */
  private async checkNames(
    application: string,
    serviceName: string,
    objects: KubernetesObject[],
  ): Promise<void> {
    const mine = new Set(objects.map(o => `${o.kind}/${o.metadata?.name}`));
    const others = (await this.services.list({ application })).filter(
      s => s.name !== serviceName && s.currentVersion !== undefined,
    );
    for (const other of others) {
      const version = await this.services.getVersion(
        application,
        other.name,
        other.currentVersion!,
      );
      if (!version) continue;
      let theirs: KubernetesObject[];
      try {
        theirs = (
          await this.renderer.render({
            application,
            service: other.name,
            version: version.number,
            spec: version.spec,
          })
        ).objects;
      } catch {
        continue; // a template that changed since: the engine will say
      }
      const clash = theirs.find(o => mine.has(`${o.kind}/${o.metadata?.name}`));
      if (clash) {
        throw new ConflictError(
          `${clash.kind} "${clash.metadata?.name}": name already used by service "${other.name}"`,
        );
      }
    }
  }

  private async record(input: {
    service: Service;
    action: DeploymentAction;
    spec?: DeploySpec;
    /** What rendering the spec reads, when the caller has it already. */
    prepared?: PreparedRender;
    /** First thing in the record's transaction, e.g. creating the instance it deploys. */
    before?: (trx: Knex.Transaction) => Promise<void>;
    version?: number;
    newVersion: boolean;
    rollbackOf?: string;
    promotedFrom?: string;
    clusters: ClusterConnection[];
    description?: string;
    caller: Caller;
    within?: WithinRecord;
  }): Promise<DeploymentRecord> {
    const { service, spec, action, caller } = input;
    const application = service.application;
    const id = randomUUID();
    let rendered: { objects: KubernetesObject[]; specHash: string } | undefined;
    const prepared =
      input.prepared ??
      (spec
        ? await this.renderer.prepare(application, service.name, spec)
        : undefined);
    if (spec) {
      const version = input.version ?? (await this.nextVersion(service));
      rendered = await this.renderer.render({
        application,
        service: service.name,
        version,
        spec,
        prepared,
      });
      await this.checkNames(application, service.name, rendered.objects);
      await this.checkReferences(application, spec, input.clusters);
    }
    const previous = await this.currentRecord(
      application,
      service.name,
      input.clusters.map(c => c.name),
    );
    // Only for the summary: a template removed since makes it a full one.
    const previousObjects = previous?.spec
      ? await this.renderer
          .render({
            application,
            service: service.name,
            version: previous.version ?? 0,
            spec: previous.spec,
          })
          .then(
            r => r.objects,
            () => [],
          )
      : [];
    const summary =
      action === 'delete'
        ? 'delete the service'
        : summarizeChanges(
            planAgainst(previousObjects, rendered?.objects ?? []).flatMap(
              o => o.changes,
            ),
          ) || 'no changes';

    const record = await this.knex.transaction(async trx => {
      await input.before?.(trx);
      // The record first: its in-flight row is the lock, so a concurrent
      // deploy gets a 409 naming this one before it numbers a version.
      await this.records.insert(
        {
          id,
          application,
          service: service.name,
          action,
          version: input.version,
          spec,
          previousSpec: previous?.spec,
          rollbackOf: input.rollbackOf,
          promotedFrom: input.promotedFrom,
          createdBy: caller.actor,
          description: input.description,
          summary,
          clusters: input.clusters.map(c => c.name),
        },
        trx,
      );
      let version = input.version;
      if (spec && input.newVersion) {
        version = (
          await this.services.addVersion(
            application,
            service.name,
            spec,
            caller.actor,
            trx,
          )
        ).number;
      }
      if (spec) {
        // The version number is on the pod template, so the hash is of the final render.
        const { specHash } = await this.renderer.render({
          application,
          service: service.name,
          version: version!,
          spec,
          prepared,
        });
        await this.records.setVersion(id, version!, specHash, trx);
      }
      await input.within?.(trx, { id, version });
      await this.services.update(
        application,
        service.name,
        {
          currentVersion: action === 'delete' ? undefined : version,
          desiredState: DESIRED_STATE_AFTER[action],
        },
        trx,
      );
      await this.reconcileStatus.restartTarget(
        WORKLOAD_DOMAIN,
        workloadTarget(application, service.name),
        'pending',
        trx,
      );
      await this.audit.record(
        {
          actor: caller.actor,
          action: `service.${action}`,
          targetKind: 'service',
          targetName: `${application}/${service.name}`,
          details: {
            deployment: id,
            version,
            clusters: input.clusters.map(c => c.name),
            ...(input.rollbackOf ? { rollbackOf: input.rollbackOf } : {}),
            ...(input.promotedFrom ? { promotedFrom: input.promotedFrom } : {}),
          },
        },
        trx,
      );
      return this.records.get(id, trx);
    });
    this.tracker.started({ id, application, service: service.name });
    this.reconciler.wakeSoon({
      domain: WORKLOAD_DOMAIN,
      target: workloadTarget(application, service.name),
      clusters: input.clusters.map(c => c.name),
      retryNow: true,
    });
    this.logger.info(
      `Deployment ${id}: ${action} of ${application}/${service.name} by ${
        caller.actor
      } on ${input.clusters.map(c => c.name).join(', ')}`,
    );
    return record!;
  }

  /**
   * Drift of a service or instance on a cluster: its live Deployment or
   * StatefulSet against the one its record rendered.
   */
  private async driftOf(
    cluster: string,
    application: string,
    service: string,
    deploymentId: string,
  ): Promise<string[]> {
    let rendered = this.renderedWorkloads.get(deploymentId);
    if (!rendered) {
      rendered = this.records.get(deploymentId).then(record =>
        record?.spec
          ? this.renderer
              .render({
                application,
                service,
                version: record.version ?? 0,
                spec: record.spec,
              })
              .then(
                r =>
                  r.objects.find(
                    o => o.kind === 'Deployment' || o.kind === 'StatefulSet',
                  ) as DesiredDeployment | undefined,
                // A template removed since: nothing to compare with.
                () => undefined,
              )
          : undefined,
      );
      // A failed read is not kept: the next status asks again.
      rendered.catch(() => this.renderedWorkloads.delete(deploymentId));
      if (this.renderedWorkloads.size > 5000) this.renderedWorkloads.clear();
      this.renderedWorkloads.set(deploymentId, rendered);
    }
    const desired = await rendered;
    if (!desired) return [];
    const live = this.live.liveWorkload(cluster, application, service);
    // Not applied yet or not seen yet: a rollout, not drift. A workload
    // deleted by hand shows as stopped and is re-created by the next pass.
    if (
      !live ||
      live.kind !== desired.kind ||
      live.object.metadata?.annotations?.[
        APP_PLATFORM_ANNOTATIONS.deployment
      ] !== deploymentId
    ) {
      return [];
    }
    return detectDrift(desired, live.object);
  }
}
