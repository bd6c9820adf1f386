import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  APP_PLATFORM_LABELS,
  Application,
  ApplicationCreation,
  checkResourceName,
} from '@internal/plugin-app-platform-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import { Knex } from 'knex';
import pLimit from 'p-limit';
import { AuditLog } from '../audit/AuditLog';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import {
  ClusterConnection,
  describeKubeError,
  kubeErrorCode,
  KubeClients,
} from '../kube/KubeClients';
import { ApplicationStore } from './ApplicationStore';
import { NamespaceTemplates } from './NamespaceTemplates';

/** Who is asking: for the catalog lookups and the audit trail. */
export type Caller = { actor: string; credentials: BackstageCredentials };

const CLUSTER_CONCURRENCY = 4;

/** Workloads the platform deployed as services (not the namespace template's own). */
const SERVICE_SELECTOR = `${APP_PLATFORM_LABELS.component}=service`;
const MANAGED_SELECTOR = `${APP_PLATFORM_LABELS.managedBy}=${APP_PLATFORM_LABELS.managedByValue}`;

/**
 * Applications: one namespace of the same name on every healthy cluster, with
 * the chosen namespace template applied. Everything it does to a cluster is
 * idempotent (server-side apply), so re-running converges instead of failing.
 */
export class ApplicationService {

  private constructor(
    private readonly knex: Knex,
    private readonly store: ApplicationStore,
    private readonly clusters: ClusterRegistry,
    private readonly kube: KubeClients,
    private readonly templates: NamespaceTemplates,
    private readonly catalog: CatalogService,
    private readonly audit: AuditLog,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    knex: Knex;
    store: ApplicationStore;
    clusters: ClusterRegistry;
    kube: KubeClients;
    templates: NamespaceTemplates;
    catalog: CatalogService;
    audit: AuditLog;
    logger: LoggerService;
  }): ApplicationService {
    const service = new ApplicationService(
      options.knex,
      options.store,
      options.clusters,
      options.kube,
      options.templates,
      options.catalog,
      options.audit,
      options.logger,
    );
    options.clusters.onClusterHealthy(cluster => service.catchUpCluster(cluster));
    return service;
  }


  list(): Promise<Application[]> {
    return this.store.list();
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
   * Validates everything first (name, owner, template, uniqueness), so a bad
   * request leaves no row and no namespace; then stores the application and
   * creates its namespace on every healthy cluster. Unreachable clusters are
   * caught up when they come back.
   */
  async create(input: ApplicationCreation, caller: Caller): Promise<Application> {
    const nameProblem = checkResourceName(input.name);
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
    if (await this.store.get(input.name)) {
      throw new ConflictError(`An application named "${input.name}" already exists`);
    }

    await this.knex.transaction(async trx => {
      await this.store.insert(
        {
          name: input.name,
          owner,
          title: input.title,
          description: input.description,
          namespaceTemplate,
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
          details: { owner, namespaceTemplate },
        },
        trx,
      );
    });

    const application = await this.get(input.name);
    const connections = await this.clusters.healthyConnections();
    const limit = pLimit(CLUSTER_CONCURRENCY);
    await Promise.all(
      connections.map(connection =>
        limit(() => this.ensureNamespace(application, connection)),
      ),
    );
    return this.get(input.name);
  }

  async update(
    name: string,
    changes: { title?: string; description?: string; owner?: string },
    caller: Caller,
  ): Promise<Application> {
    const application = await this.get(name);
    const owner =
      changes.owner === undefined ? undefined : await this.resolveOwner(changes.owner, caller);
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
      // The owner is written on the namespaces; bring them up to date.
      const updated = await this.get(name);
      const connections = await this.clusters.healthyConnections();
      await Promise.all(connections.map(c => this.ensureNamespace(updated, c)));
    }
    return this.get(name);
  }

  /**
   * Refuses while services run in the application's namespaces; otherwise
   * deletes the namespaces on every healthy cluster and then the rows. A
   * namespace on an unreachable cluster is removed when that cluster is caught
   * up (it carries the platform's label but no longer has an application).
   */
  async delete(name: string, caller: Caller): Promise<void> {
    await this.get(name);
    const connections = await this.clusters.healthyConnections();

    const services = (
      await Promise.all(
        connections.map(async connection => {
          const found = await this.kube.call(connection, 'list services', async ({ objects }) => {
            const lists = await Promise.all(
              ['Deployment', 'StatefulSet'].map(kind =>
                objects.list('apps/v1', kind, name, undefined, undefined, undefined, undefined, SERVICE_SELECTOR),
              ),
            );
            return lists.flatMap(list => list.items);
          });
          return found.map(item => `${item.metadata?.name} (${item.kind ?? 'workload'} on ${connection.name})`);
        }),
      )
    ).flat();
    if (services.length) {
      throw new ConflictError(
        `Application "${name}" still has services: ${services.join(', ')}; delete them first`,
      );
    }

    const failures: string[] = [];
    await Promise.all(
      connections.map(async connection => {
        try {
          await this.deleteNamespace(name, connection);
        } catch (error) {
          const reason = describeKubeError(error);
          failures.push(`${connection.name}: ${reason}`);
          await this.store.setNamespaceState(name, connection.name, 'failed', `delete failed: ${reason}`);
        }
      }),
    );
    if (failures.length) {
      // The rows stay so the application can be deleted again; nothing is orphaned.
      throw new ConflictError(
        `Could not delete every namespace of "${name}": ${failures.join('; ')}`,
      );
    }

    await this.knex.transaction(async trx => {
      await this.store.delete(name, trx);
      await this.audit.record(
        { actor: caller.actor, action: 'application.delete', targetKind: 'application', targetName: name },
        trx,
      );
    });
  }

  /**
   * Gives a cluster that became healthy (or was just registered) the namespaces
   * of all applications, and removes namespaces of applications deleted while
   * it was away.
   */
  async catchUpCluster(clusterName: string): Promise<void> {
    const connection = await this.clusters.connection(clusterName);
    const applications = await this.store.list();
    this.logger.info(
      `Catching up cluster ${clusterName} with ${applications.length} application namespace(s)`,
    );
    const limit = pLimit(CLUSTER_CONCURRENCY);
    await Promise.all(
      applications.map(application => limit(() => this.ensureNamespace(application, connection))),
    );

    const known = new Set(applications.map(a => a.name));
    const managed = await this.kube.call(connection, 'list managed namespaces', ({ core }) =>
      core.listNamespace({ labelSelector: MANAGED_SELECTOR }),
    );
    for (const namespace of managed.items) {
      const name = namespace.metadata?.name;
      if (name && !known.has(name) && namespace.status?.phase !== 'Terminating') {
        this.logger.info(`Removing namespace ${name} from ${clusterName}: its application is gone`);
        await this.deleteNamespace(name, connection).catch(error =>
          this.logger.warn(`Could not remove namespace ${name} from ${clusterName}: ${describeKubeError(error)}`),
        );
      }
    }
  }

  private async ensureNamespace(
    application: Application,
    connection: ClusterConnection,
  ): Promise<void> {
    const namespace: V1Namespace & KubernetesObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: application.name,
        labels: {
          [APP_PLATFORM_LABELS.managedBy]: APP_PLATFORM_LABELS.managedByValue,
          [APP_PLATFORM_LABELS.application]: application.name,
          [APP_PLATFORM_LABELS.namespaceTemplate]: application.namespaceTemplate,
        },
        annotations: { [APP_PLATFORM_LABELS.owner]: application.owner },
      },
    };
    try {
      await this.kube.apply(connection, namespace);
      const objects = this.templates.render(application.namespaceTemplate, {
        application: application.name,
        owner: application.owner,
      });
      for (const object of objects) {
        await this.kube.apply(connection, object);
      }
      await this.store.setNamespaceState(application.name, connection.name, 'ready', undefined);
    } catch (error) {
      const reason = describeKubeError(error);
      this.logger.warn(
        `Namespace ${application.name} on cluster ${connection.name} failed: ${reason}`,
      );
      await this.store.setNamespaceState(application.name, connection.name, 'failed', reason);
    }
  }

  private async deleteNamespace(name: string, connection: ClusterConnection): Promise<void> {
    try {
      await this.kube.call(connection, 'delete namespace', ({ core }) =>
        core.deleteNamespace({ name, propagationPolicy: 'Background' }),
      );
    } catch (error) {
      if (kubeErrorCode(error) !== 404) throw error;
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
        parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: 'default' }),
      );
    } catch {
      throw new InputError(`owner "${owner}" is not an entity ref`);
    }
    if (!ref.startsWith('group:')) {
      throw new InputError(`owner "${owner}" must be a Group, not ${ref.split(':')[0]}`);
    }
    const entity = await this.catalog.getEntityByRef(ref, { credentials: caller.credentials });
    if (!entity) {
      throw new InputError(`owner "${owner}" is not a Group in the catalog`);
    }
    return ref;
  }

}
