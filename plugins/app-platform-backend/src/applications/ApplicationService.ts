import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  Application,
  ApplicationCreation,
  checkApplicationName,
} from '@internal/plugin-app-platform-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Knex } from 'knex';
import pLimit from 'p-limit';
import { AuditLog } from '../audit/AuditLog';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { conflictOnUniqueViolation } from '../database/isUniqueViolation';
import {
  ClusterConnection,
  describeKubeError,
  isClusterUnavailable,
  KubeClients,
} from '../kube/KubeClients';
import { OwnedObjects } from '../ownership/OwnedObjects';
import { Reconciler } from '../reconcile/Reconciler';
import {
  ApplicationFilter,
  ApplicationStore,
  NAMESPACE_DOMAIN,
} from './ApplicationStore';
import { listServiceWorkloads } from './ApplicationNamespaces';
import { NamespaceTemplates } from './NamespaceTemplates';

/** Who is asking: for the catalog lookups and the audit trail. */
export type Caller = { actor: string; credentials: BackstageCredentials };

const CLUSTER_CONCURRENCY = 4;

/** What one cluster answered to a request's pre-check, or why it could not. */
type ClusterCheck<T> =
  | { cluster: ClusterConnection; ok: true; value: T }
  | { cluster: ClusterConnection; ok: false; reason: string };

/**
 * Applications. Requests validate, record the desired state and wake the
 * reconciler, which puts the namespaces on the clusters (see
 * ApplicationNamespaces). Before recording, they ask each healthy cluster what
 * it has (within the cluster timeout, each cluster on its own), so that a
 * namespace that is not ours is refused up front and a cluster that does not
 * answer becomes a per-cluster error rather than a failed request.
 */
export class ApplicationService {
  private constructor(
    private readonly knex: Knex,
    private readonly store: ApplicationStore,
    private readonly clusters: ClusterRegistry,
    private readonly kube: KubeClients,
    private readonly owned: OwnedObjects,
    private readonly reconciler: Reconciler,
    private readonly templates: NamespaceTemplates,
    private readonly catalog: CatalogService,
    private readonly audit: AuditLog,
    private readonly logger: LoggerService,
    private readonly reservedNames: string[],
  ) {}

  static create(options: {
    knex: Knex;
    config: Config;
    store: ApplicationStore;
    clusters: ClusterRegistry;
    kube: KubeClients;
    owned: OwnedObjects;
    reconciler: Reconciler;
    templates: NamespaceTemplates;
    catalog: CatalogService;
    audit: AuditLog;
    logger: LoggerService;
  }): ApplicationService {
    return new ApplicationService(
      options.knex,
      options.store,
      options.clusters,
      options.kube,
      options.owned,
      options.reconciler,
      options.templates,
      options.catalog,
      options.audit,
      options.logger,
      options.config.getOptionalStringArray(
        'appPlatform.applications.reservedNames',
      ) ?? [],
    );
  }

  list(filter?: ApplicationFilter): Promise<Application[]> {
    return this.store.list(filter);
  }

  async get(name: string): Promise<Application> {
    const application = await this.store.get(name);
    if (!application) throw new NotFoundError(`No application named "${name}"`);
    return application;
  }

  owners(names: string[]): Promise<Map<string, string>> {
    return this.store.owners(names);
  }

  /**
   * Validates everything first (name, owner, template, uniqueness, that no
   * cluster has a namespace of that name that is not ours), so a refused
   * request leaves no row and no namespace; then records the application and
   * runs a reconcile pass for it. `adopt` (checked by the route: admins only)
   * takes over namespaces that exist without our label.
   */
  async create(
    input: ApplicationCreation,
    caller: Caller,
  ): Promise<Application> {
    const nameProblem = checkApplicationName(input.name, this.reservedNames);
    if (nameProblem) throw new InputError(`name ${nameProblem}`);
    const namespaceTemplate = input.namespaceTemplate ?? 'default';
    if (!this.templates.has(namespaceTemplate)) {
      throw new InputError(
        `namespaceTemplate "${namespaceTemplate}" does not exist; known: ${this.templates
          .names()
          .join(', ')}`,
      );
    }
    const owner = await this.resolveOwner(input.owner, caller);
    const adopt = input.adopt === true;
    await this.refuseExisting(input.name);

    const checks = await this.checkClusters('read namespace', cluster =>
      this.owned.read(cluster, {
        apiVersion: 'v1',
        kind: 'Namespace',
        name: input.name,
      }),
    );
    const foreign = checks.filter(
      c => c.ok && c.value && this.owned.ownershipOf(c.value) !== 'ours',
    );
    const otherInstallation = foreign.filter(
      c =>
        c.ok &&
        c.value &&
        this.owned.ownershipOf(c.value) === 'another-installation',
    );
    if (otherInstallation.length) {
      throw new ConflictError(
        `A namespace named "${
          input.name
        }" belongs to another App Platform installation on: ${otherInstallation
          .map(c => c.cluster.name)
          .join(', ')}; it is left untouched`,
      );
    }
    if (foreign.length && !adopt) {
      throw new ConflictError(
        `A namespace named "${
          input.name
        }" already exists and was not created by the App Platform on: ${foreign
          .map(c => c.cluster.name)
          .join(', ')}; it is left untouched (an admin can adopt it)`,
      );
    }

    await conflictOnUniqueViolation(
      () =>
        this.knex.transaction(async trx => {
          await this.store.insert(
            {
              name: input.name,
              owner,
              title: input.title,
              description: input.description,
              namespaceTemplate,
              adopt,
              createdBy: caller.actor,
            },
            trx,
          );
          await this.audit.record(
            {
              actor: caller.actor,
              action: 'application.create',
              targetKind: 'application',
              targetName: input.name,
              details: {
                owner,
                namespaceTemplate,
                ...(adopt
                  ? { adopt, adoptedOn: foreign.map(c => c.cluster.name) }
                  : {}),
              },
            },
            trx,
          );
        }),
      `An application named "${input.name}" already exists`,
    );

    await this.recordUnanswered(input.name, checks);
    await this.reconciler.wake({
      domain: NAMESPACE_DOMAIN,
      target: input.name,
      clusters: answered(checks),
    });
    return this.get(input.name);
  }

  async update(
    name: string,
    changes: { title?: string; description?: string; owner?: string },
    caller: Caller,
  ): Promise<Application> {
    const application = await this.get(name);
    if (application.deletionRequestedAt) {
      throw new ConflictError(`Application "${name}" is being deleted`);
    }
    const owner =
      changes.owner === undefined
        ? undefined
        : await this.resolveOwner(changes.owner, caller);
    await this.knex.transaction(async trx => {
      await this.store.update(
        name,
        { title: changes.title, description: changes.description, owner },
        trx,
      );
      await this.audit.record(
        {
          actor: caller.actor,
          action: 'application.update',
          targetKind: 'application',
          targetName: name,
          details: { ...changes, owner },
        },
        trx,
      );
    });
    if (owner && owner !== application.owner) {
      // The owner is written on the namespaces: a pass brings them up to date.
      await this.reconciler.wake({ domain: NAMESPACE_DOMAIN, target: name });
    }
    return this.get(name);
  }

  /**
   * Refuses while services run in the application's namespaces; otherwise
   * records the deletion and runs a reconcile pass, which removes the
   * namespaces (releases adopted ones) and then the row. Returns undefined
   * when the application is gone, else the application as it stands (a
   * cluster did not finish; the reconciler goes on in the background).
   */
  async delete(name: string, caller: Caller): Promise<Application | undefined> {
    const application = await this.get(name);
    const declared = await this.knex('services')
      .where({ application: name })
      .orderBy('name')
      .pluck('name');
    if (declared.length) {
      throw new ConflictError(
        `Application "${name}" still has services: ${declared.join(
          ', ',
        )}; delete them first`,
      );
    }
    const checks = await this.checkClusters('list services', cluster =>
      listServiceWorkloads(this.kube, cluster, name),
    );
    const services = checks.flatMap(c => (c.ok ? c.value : []));
    if (services.length) {
      throw new ConflictError(
        `Application "${name}" still has services: ${services.join(
          ', ',
        )}; delete them first`,
      );
    }

    if (!application.deletionRequestedAt) {
      await this.knex.transaction(async trx => {
        if (!(await this.store.requestDeletion(name, trx))) return;
        await this.audit.record(
          {
            actor: caller.actor,
            action: 'application.delete',
            targetKind: 'application',
            targetName: name,
          },
          trx,
        );
      });
    }
    await this.recordUnanswered(name, checks);
    await this.reconciler.wake({
      domain: NAMESPACE_DOMAIN,
      target: name,
      clusters: answered(checks),
    });
    return this.store.get(name);
  }

  private async refuseExisting(name: string): Promise<void> {
    const existing = await this.store.get(name);
    if (!existing) return;
    throw new ConflictError(
      existing.deletionRequestedAt
        ? `Application "${name}" is being deleted; create it again once it is gone`
        : `An application named "${name}" already exists`,
    );
  }

  /** Asks every healthy cluster, concurrently and bounded; each answer settles on its own. */
  private async checkClusters<T>(
    what: string,
    ask: (cluster: ClusterConnection) => Promise<T>,
  ): Promise<Array<ClusterCheck<T>>> {
    const connections = await this.clusters.healthyConnections();
    const limit = pLimit(CLUSTER_CONCURRENCY);
    return Promise.all(
      connections.map(cluster =>
        limit(async (): Promise<ClusterCheck<T>> => {
          try {
            return { cluster, ok: true, value: await ask(cluster) };
          } catch (error) {
            const reason = describeKubeError(error);
            this.logger.warn(
              `${what} on cluster ${cluster.name} failed: ${reason}`,
            );
            if (isClusterUnavailable(error)) {
              await this.clusters.reportUnavailable(cluster.name, reason);
            }
            return { cluster, ok: false, reason };
          }
        }),
      ),
    );
  }

  /**
   * A cluster that did not answer the pre-check would only make the request
   * wait for its timeout again: it gets a failed status now and the
   * scheduled passes retry it.
   */
  private async recordUnanswered(
    name: string,
    checks: Array<ClusterCheck<unknown>>,
  ) {
    for (const check of checks) {
      if (!check.ok) {
        await this.reconciler.recordFailure(
          NAMESPACE_DOMAIN,
          name,
          check.cluster.name,
          check.reason,
        );
      }
    }
  }

  /** The owner must be a Group in the catalog; returns its full entity ref. */
  private async resolveOwner(owner: unknown, caller: Caller): Promise<string> {
    if (typeof owner !== 'string' || owner.trim() === '') {
      throw new InputError('owner must be the entity ref of a catalog Group');
    }
    let ref: string;
    try {
      ref = stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      throw new InputError(`owner "${owner}" is not an entity ref`);
    }
    if (!ref.startsWith('group:')) {
      throw new InputError(
        `owner "${owner}" must be a Group, not ${ref.split(':')[0]}`,
      );
    }
    const entity = await this.catalog.getEntityByRef(ref, {
      credentials: caller.credentials,
    });
    if (!entity) {
      throw new InputError(`owner "${owner}" is not a Group in the catalog`);
    }
    return ref;
  }
}

function answered(checks: Array<ClusterCheck<unknown>>): string[] {
  return checks.filter(c => c.ok).map(c => c.cluster.name);
}
