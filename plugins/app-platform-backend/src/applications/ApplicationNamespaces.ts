import { ConflictError } from '@backstage/errors';
import {
  APP_PLATFORM_LABELS,
  Application,
} from '@internal/plugin-app-platform-common';
import { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { ClusterConnection, KubeClients } from '../kube/KubeClients';
import { OwnedObjects } from '../ownership/OwnedObjects';
import {
  ObservedTarget,
  ReconcileDomain,
  ReconcileScope,
} from '../reconcile/ReconcileDomain';
import { ApplicationStore, NAMESPACE_DOMAIN } from './ApplicationStore';
import { NamespaceTemplates } from './NamespaceTemplates';

/** On our namespaces: a digest of what was last applied in full, to see drift cheaply. */
export const SPEC_HASH_ANNOTATION = 'app-platform.io/spec-hash';

/** Workloads the platform deployed as services (not the namespace template's own). */
export const SERVICE_SELECTOR = `${APP_PLATFORM_LABELS.component}=service`;

function namespaceRef(name: string) {
  return { apiVersion: 'v1', kind: 'Namespace', name };
}

function isTerminating(namespace: KubernetesObject | undefined): boolean {
  return Boolean(
    namespace?.metadata?.deletionTimestamp ||
      (namespace as V1Namespace | undefined)?.status?.phase === 'Terminating',
  );
}

/**
 * The application-namespace reconcile domain: every application has a
 * namespace of its name, with its namespace template, on every healthy
 * cluster; a deleted application has none; a namespace of ours without an
 * application is removed. Only namespaces with this installation's label are
 * ever updated or removed, and the database is read again right before a
 * removal, so an application created meanwhile keeps its namespace.
 */
export class ApplicationNamespaces implements ReconcileDomain {
  readonly name = NAMESPACE_DOMAIN;

  private constructor(
    private readonly knex: Knex,
    private readonly store: ApplicationStore,
    private readonly kube: KubeClients,
    private readonly owned: OwnedObjects,
    private readonly templates: NamespaceTemplates,
  ) {}

  static create(options: {
    knex: Knex;
    store: ApplicationStore;
    kube: KubeClients;
    owned: OwnedObjects;
    templates: NamespaceTemplates;
  }): ApplicationNamespaces {
    return new ApplicationNamespaces(
      options.knex,
      options.store,
      options.kube,
      options.owned,
      options.templates,
    );
  }

  async observe(
    cluster: ClusterConnection,
    scope: ReconcileScope,
  ): Promise<ObservedTarget[]> {
    const applications = scope.target
      ? [await this.store.get(scope.target)].filter((a): a is Application =>
          Boolean(a),
        )
      : await this.store.list();
    const selector = scope.target
      ? `${this.owned.selector()},${APP_PLATFORM_LABELS.application}=${
          scope.target
        }`
      : this.owned.selector();
    const live = await this.kube.call(cluster, 'list namespaces', ({ core }) =>
      core.listNamespace({ labelSelector: selector }),
    );
    const liveByName = new Map(live.items.map(ns => [ns.metadata!.name!, ns]));

    const observed: ObservedTarget[] = applications.map(application => {
      const namespace = liveByName.get(application.name);
      liveByName.delete(application.name);
      if (application.deletionRequestedAt) {
        return {
          target: application.name,
          desired: 'absent',
          inSync: !namespace || isTerminating(namespace),
        };
      }
      return {
        target: application.name,
        desired: 'present',
        inSync:
          namespace !== undefined &&
          !isTerminating(namespace) &&
          namespace.metadata?.annotations?.[SPEC_HASH_ANNOTATION] ===
            this.specHash(application),
      };
    });
    // Namespaces of ours whose application is gone: orphans.
    for (const [name, namespace] of liveByName) {
      observed.push({
        target: name,
        desired: 'absent',
        inSync: isTerminating(namespace),
      });
    }
    return observed;
  }

  async converge(
    cluster: ClusterConnection,
    target: ObservedTarget,
  ): Promise<void> {
    // Decide on fresh data: the observation may be a whole pass old.
    const application = await this.store.get(target.target);
    const wanted =
      application !== undefined && !application.deletionRequestedAt;
    if (wanted) {
      await this.ensure(cluster, application);
    } else {
      await this.remove(cluster, target.target, application);
    }
  }

  async settle(healthyClusters: ReadonlyArray<string>): Promise<void> {
    const deleting = await this.store.list(query =>
      query.whereNotNull('deletion_requested_at'),
    );
    for (const application of deleting) {
      // Clusters that are away now are cleaned up by orphan removal when they return.
      if (
        application.namespaces.some(ns => healthyClusters.includes(ns.cluster))
      )
        continue;
      await this.knex.transaction(trx =>
        this.store.delete(application.name, trx),
      );
    }
  }

  /** A digest of everything the namespace and its template objects are made of. */
  specHash(application: Application): string {
    const digest = createHash('sha256')
      .update(
        JSON.stringify([
          this.namespace(application),
          application.adopt,
          this.renderTemplate(
            application.namespaceTemplate,
            application.name,
            application.owner,
          ),
        ]),
      )
      .digest('hex');
    return digest.slice(0, 16);
  }

  private async ensure(
    cluster: ClusterConnection,
    application: Application,
  ): Promise<void> {
    const namespace = this.namespace(application);
    const options = { adopt: application.adopt };
    await this.owned.ensure(cluster, namespace, options);
    for (const object of this.renderTemplate(
      application.namespaceTemplate,
      application.name,
      application.owner,
    )) {
      await this.owned.ensure(cluster, object);
    }
    // Marked last: a namespace whose template failed half-way is not in sync.
    await this.owned.ensure(
      cluster,
      {
        ...namespace,
        metadata: {
          ...namespace.metadata,
          annotations: {
            ...namespace.metadata?.annotations,
            [SPEC_HASH_ANNOTATION]: this.specHash(application),
          },
        },
      },
      options,
    );
  }

  private async remove(
    cluster: ClusterConnection,
    name: string,
    application: Application | undefined,
  ): Promise<void> {
    const live = await this.owned.read(cluster, namespaceRef(name));
    if (!live || isTerminating(live)) return;
    if (this.owned.ownershipOf(live) !== 'ours') return;

    const services = await listServiceWorkloads(this.kube, cluster, name);
    if (services.length) {
      throw new ConflictError(
        `Application "${name}" still has services: ${services.join(
          ', ',
        )}; delete them first`,
      );
    }

    if (live.metadata?.annotations?.[APP_PLATFORM_LABELS.adopted] === 'true') {
      // The namespace was there before us: take back only what we added to it.
      const template =
        application?.namespaceTemplate ??
        live.metadata?.labels?.[APP_PLATFORM_LABELS.namespaceTemplate];
      const owner =
        application?.owner ??
        live.metadata?.annotations?.[APP_PLATFORM_LABELS.owner] ??
        '';
      if (template && this.templates.has(template)) {
        for (const object of this.renderTemplate(
          template,
          name,
          owner,
        ).reverse()) {
          await this.owned.remove(cluster, {
            apiVersion: object.apiVersion!,
            kind: object.kind!,
            name: object.metadata!.name!,
            namespace: name,
          });
        }
      }
    }
    await this.owned.remove(cluster, namespaceRef(name));
  }

  private namespace(application: Application): KubernetesObject {
    return {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: application.name,
        labels: {
          ...this.owned.ownershipLabels(),
          [APP_PLATFORM_LABELS.application]: application.name,
          [APP_PLATFORM_LABELS.namespaceTemplate]:
            application.namespaceTemplate,
        },
        annotations: { [APP_PLATFORM_LABELS.owner]: application.owner },
      },
    };
  }

  private renderTemplate(template: string, application: string, owner: string) {
    return this.templates.render(template, { application, owner });
  }
}

/**
 * The services deployed in an application's namespace on one cluster, as
 * "name (Kind on cluster)": an application with services is not deleted.
 */
export function listServiceWorkloads(
  kube: KubeClients,
  cluster: ClusterConnection,
  namespace: string,
): Promise<string[]> {
  return kube.call(cluster, 'list services', async ({ objects }) => {
    const lists = await Promise.all(
      ['Deployment', 'StatefulSet'].map(kind =>
        objects.list(
          'apps/v1',
          kind,
          namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          SERVICE_SELECTOR,
        ),
      ),
    );
    return lists.flatMap((list, index) =>
      list.items.map(
        item =>
          `${item.metadata?.name} (${
            item.kind ?? ['Deployment', 'StatefulSet'][index]
          } on ${cluster.name})`,
      ),
    );
  });
}
