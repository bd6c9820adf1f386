import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  checkMiddlewareInstanceName,
  ClusterPlan,
  DeploymentRecord,
  isMiddlewareSpec,
  MiddlewareInstallRequest,
  MiddlewareInstallResult,
  MiddlewareInstance,
  MiddlewareParameters,
  MiddlewareSpec,
  MiddlewareUpgradeRequest,
  Service,
} from '@internal/plugin-app-platform-common';
import { Knex } from 'knex';
import { ApplicationStore } from '../applications/ApplicationStore';
import { Caller } from '../applications/ApplicationService';
import { AuditLog } from '../audit/AuditLog';
import { conflictOnUniqueViolation } from '../database/isUniqueViolation';
import { DeployService } from '../deployments/DeployService';
import { VersionRenderer } from '../deployments/VersionRenderer';
import { ServiceStore } from '../services/ServiceStore';
import { MiddlewareDefinition } from './MiddlewareDefinition';
import { MiddlewareDefinitions } from './MiddlewareDefinitions';
import { MiddlewareDefinitionStore } from './MiddlewareDefinitionStore';
import {
  connectionEnv,
  InstanceSecrets,
  MiddlewareRenderer,
} from './MiddlewareRenderer';
import { createInstanceSeed } from './renderMiddleware';
import {
  passwordParameters,
  REDACTED,
  resolveMiddlewareParameters,
  restorePasswords,
  takePasswords,
} from './resolveMiddlewareParameters';

/**
 * Middleware instances: a definition installed into an application. An
 * instance is a row of `services` (kind `middleware`) so the deploy engine
 * reconciles it, and its versions, records, history and rollback are a
 * service's. Its spec names the definition by digest and holds the
 * parameters without passwords; passwords and the render seed are kept
 * encrypted on the instance.
 */
export class MiddlewareInstances {
  private constructor(
    private readonly services: ServiceStore,
    private readonly applications: ApplicationStore,
    private readonly deployments: DeployService,
    private readonly definitions: MiddlewareDefinitions,
    private readonly definitionStore: MiddlewareDefinitionStore,
    private readonly middleware: MiddlewareRenderer,
    private readonly renderer: VersionRenderer,
    private readonly audit: AuditLog,
  ) {}

  static create(options: {
    services: ServiceStore;
    applications: ApplicationStore;
    deployments: DeployService;
    definitions: MiddlewareDefinitions;
    definitionStore: MiddlewareDefinitionStore;
    middleware: MiddlewareRenderer;
    renderer: VersionRenderer;
    audit: AuditLog;
  }): MiddlewareInstances {
    return new MiddlewareInstances(
      options.services,
      options.applications,
      options.deployments,
      options.definitions,
      options.definitionStore,
      options.middleware,
      options.renderer,
      options.audit,
    );
  }

  /** The instances of these applications (of all when absent). */
  async list(applications?: string[]): Promise<MiddlewareInstance[]> {
    const [rows, bindings] = await Promise.all([
      this.services.list({ applications, kind: 'middleware' }),
      this.services.bindings(applications),
    ]);
    return Promise.all(rows.map(row => this.describe(row, bindings)));
  }

  async get(application: string, name: string): Promise<MiddlewareInstance> {
    const row = await this.instanceRow(application, name);
    return this.describe(row, await this.services.bindings([application]));
  }

  async exists(application: string, name: string): Promise<boolean> {
    return (await this.services.get(application, name))?.kind === 'middleware';
  }

  /**
   * What installing (`definition` given, the instance new) or upgrading
   * would do on each target cluster: a server-side dry run, nothing applied.
   */
  async plan(
    application: string,
    name: string,
    request: {
      definition?: string;
      parameters?: MiddlewareParameters;
      clusters?: string[];
    },
  ): Promise<ClusterPlan[]> {
    const existing = await this.services.get(application, name);
    let change: Change;
    // A service of that name makes it an install, which `installable` refuses.
    if (existing?.kind === 'middleware') {
      const row = existing;
      const current = await this.currentSpec(row);
      if (
        request.definition !== undefined &&
        request.definition !== current.middleware.definition
      ) {
        throw new ConflictError(
          `definition: instance "${name}" is a ${current.middleware.definition}; it cannot become a ${request.definition}`,
        );
      }
      change = await this.upgraded(row, current, request.parameters);
    } else {
      if (!request.definition) {
        throw new InputError(
          `definition: instance "${name}" does not exist yet; name the definition to plan its install`,
        );
      }
      await this.installable(application, name);
      change = this.installed(
        this.definitionNamed(request.definition),
        request.parameters,
      );
    }
    const { objects } = await this.renderer.render({
      application,
      service: name,
      version: (existing?.currentVersion ?? 0) + 1,
      spec: change.spec,
      prepared: {
        middleware: { definition: change.definition, secrets: change.secrets },
      },
    });
    return this.deployments.planRendered(
      application,
      name,
      objects,
      request.clusters,
    );
  }

  async install(
    application: string,
    request: MiddlewareInstallRequest,
    caller: Caller,
  ): Promise<MiddlewareInstallResult> {
    await this.installable(application, request.name);
    const change = this.installed(
      this.definitionNamed(request.definition),
      request.parameters,
    );
    const instance: Service = {
      application,
      name: request.name,
      kind: 'middleware',
      public: false,
      owner: '',
      createdAt: new Date().toISOString(),
      createdBy: caller.actor,
      desiredState: 'running',
    };
    const deployment = await conflictOnUniqueViolation(
      () =>
        this.deployments.deployMiddleware({
          instance,
          spec: change.spec,
          prepared: {
            middleware: {
              definition: change.definition,
              secrets: change.secrets,
            },
          },
          clusters: request.clusters,
          description:
            request.description ??
            `install ${change.definition.name} ${change.spec.middleware.parameters.version}`,
          caller,
          before: async trx => {
            await this.definitionStore.save(change.definition, trx);
            await this.services.insert(
              {
                application,
                name: request.name,
                public: false,
                createdBy: caller.actor,
                middleware: {
                  definition: change.definition.name,
                  secrets: this.middleware.encryptSecrets(change.secrets),
                },
              },
              trx,
            );
            await this.recordAudit(
              trx,
              caller,
              'install',
              application,
              request.name,
              {
                definition: change.definition.name,
                digest: change.definition.digest,
              },
            );
          },
        }),
      `Application "${application}" already has a service or middleware instance named "${request.name}"`,
    );
    return { instance: await this.get(application, request.name), deployment };
  }

  /**
   * Re-renders the instance with the definition as loaded now and the
   * parameters merged over its current ones (top-level keys replace).
   */
  async upgrade(
    application: string,
    name: string,
    request: MiddlewareUpgradeRequest,
    caller: Caller,
  ): Promise<MiddlewareInstallResult> {
    const row = await this.instanceRow(application, name);
    if (row.desiredState === 'deleting') {
      throw new ConflictError(
        `Middleware instance "${application}/${name}" is being uninstalled`,
      );
    }
    const current = await this.currentSpec(row);
    const change = await this.upgraded(row, current, request.parameters);
    const deployment = await this.deployments.deployMiddleware({
      instance: row,
      spec: change.spec,
      prepared: {
        middleware: { definition: change.definition, secrets: change.secrets },
      },
      clusters: request.clusters,
      description:
        request.description ??
        (change.definition.digest !== current.middleware.digest
          ? `upgrade to the changed ${change.definition.name} definition`
          : `change the parameters`),
      caller,
      before: async trx => {
        await this.definitionStore.save(change.definition, trx);
        await this.services.update(
          application,
          name,
          { middlewareSecrets: this.middleware.encryptSecrets(change.secrets) },
          trx,
        );
        await this.recordAudit(trx, caller, 'upgrade', application, name, {
          digest: change.definition.digest,
        });
      },
    });
    return { instance: await this.get(application, name), deployment };
  }

  /**
   * Removes the instance from every cluster, then the instance; refused
   * while a service's current version binds it. Its volume claims stay
   * unless `deleteData`.
   */
  async uninstall(
    application: string,
    name: string,
    options: { deleteData?: boolean },
    caller: Caller,
  ): Promise<DeploymentRecord | undefined> {
    await this.instanceRow(application, name);
    const boundBy =
      (await this.services.bindings([application])).get(
        `${application}/${name}`,
      ) ?? [];
    if (boundBy.length) {
      throw new ConflictError(
        `Middleware instance "${name}" is bound by service${
          boundBy.length === 1 ? '' : 's'
        } ${boundBy.map(s => `"${s}"`).join(', ')}: deploy ${
          boundBy.length === 1 ? 'it' : 'them'
        } without the binding first`,
      );
    }
    await this.services.update(application, name, {
      middlewareDeleteData: options.deleteData === true,
    });
    return this.deployments.deleteService(application, name, caller, {
      middleware: true,
    });
  }

  // --- internals ----------------------------------------------------------

  private async describe(
    row: Service,
    bindings: Map<string, string[]>,
  ): Promise<MiddlewareInstance> {
    const [spec, status] = await Promise.all([
      this.currentSpec(row),
      this.deployments.status(row.application, row.name),
    ]);
    const loaded = this.definitions
      .list()
      .find(d => d.name === spec.middleware.definition);
    // One read of the stored definition and the secrets, one render: the
    // connection, the title and which parameters are passwords.
    const prepared = await this.middleware
      .prepare(row.application, row.name, spec)
      .catch(() => undefined);
    let connection: MiddlewareInstance['connection'] = {
      host: '',
      port: 0,
      env: [],
    };
    if (prepared) {
      try {
        const rendered = this.middleware.render({
          application: row.application,
          instance: row.name,
          spec,
          prepared,
        }).connection;
        connection = {
          host: rendered.host,
          port: rendered.port,
          env: connectionEnv(row.name, rendered, 'connection'),
        };
      } catch {
        // A definition that no longer renders: the record's failure says why.
      }
    }
    const passwords =
      prepared?.secrets.passwords ??
      (await this.middleware.secretsOf(row.application, row.name)).passwords;
    return {
      application: row.application,
      name: row.name,
      definition: spec.middleware.definition,
      title: loaded?.title ?? prepared?.definition.title,
      digest: spec.middleware.digest,
      updateAvailable: Boolean(
        loaded && loaded.digest !== spec.middleware.digest,
      ),
      middlewareVersion: String(spec.middleware.parameters.version ?? ''),
      parameters: restorePasswords(
        spec.middleware.parameters,
        Object.fromEntries(Object.keys(passwords).map(at => [at, REDACTED])),
      ) as MiddlewareParameters,
      currentVersion: row.currentVersion,
      desiredState: row.desiredState === 'deleting' ? 'deleting' : 'running',
      ...(status.inFlight ? { inFlight: status.inFlight } : {}),
      state: status.state,
      clusters: status.clusters,
      connection,
      boundBy: bindings.get(`${row.application}/${row.name}`) ?? [],
      createdAt: row.createdAt,
      createdBy: row.createdBy,
    };
  }

  private async instanceRow(
    application: string,
    name: string,
  ): Promise<Service> {
    const row = await this.services.get(application, name);
    if (row?.kind !== 'middleware') {
      throw new NotFoundError(
        `Application "${application}" has no middleware instance named "${name}"`,
      );
    }
    return row;
  }

  private async currentSpec(row: Service): Promise<MiddlewareSpec> {
    const version =
      row.currentVersion !== undefined
        ? await this.services.getVersion(
            row.application,
            row.name,
            row.currentVersion,
          )
        : undefined;
    if (!version || !isMiddlewareSpec(version.spec)) {
      throw new ConflictError(
        `Middleware instance "${row.application}/${row.name}" has no version`,
      );
    }
    return version.spec;
  }

  private async installable(application: string, name: string) {
    const app = await this.applications.get(application);
    if (!app) throw new NotFoundError(`No application named "${application}"`);
    if (app.deletionRequestedAt) {
      throw new ConflictError(`Application "${application}" is being deleted`);
    }
    const problem = checkMiddlewareInstanceName(name);
    if (problem) throw new InputError(`name ${problem}`);
    if (await this.services.get(application, name)) {
      throw new ConflictError(
        `Application "${application}" already has a service or middleware instance named "${name}"`,
      );
    }
  }

  private definitionNamed(name: unknown): MiddlewareDefinition {
    if (typeof name !== 'string' || !name) {
      throw new InputError('definition: required');
    }
    const definition = this.definitions.list().find(d => d.name === name);
    if (!definition) {
      throw new InputError(`definition: no middleware definition "${name}"`);
    }
    return definition;
  }

  private installed(
    definition: MiddlewareDefinition,
    given: MiddlewareParameters | undefined,
  ): Change {
    const resolved = resolveMiddlewareParameters(definition, given ?? {});
    const { parameters, passwords } = takePasswords(
      definition,
      resolved.parameters,
    );
    return {
      definition,
      spec: specOf(definition, parameters),
      secrets: { seed: createInstanceSeed(), passwords },
    };
  }

  private async upgraded(
    row: Service,
    current: MiddlewareSpec,
    given: MiddlewareParameters | undefined,
  ): Promise<Change> {
    let definition: MiddlewareDefinition;
    try {
      definition = this.definitions.get(current.middleware.definition);
    } catch (error) {
      throw new ConflictError(
        `definition "${
          current.middleware.definition
        }" cannot be loaded, so the instance cannot change: ${
          (error as Error).message
        }`,
      );
    }
    const secrets = await this.middleware.secretsOf(row.application, row.name);
    const passwords = new Set(passwordParameters(definition.parametersSchema));
    // A redacted password sent back from a form means "keep it".
    const changes = Object.fromEntries(
      Object.entries(given ?? {}).filter(
        ([key, value]) => !(passwords.has(key) && value === REDACTED),
      ),
    );
    const merged = {
      ...restorePasswords(current.middleware.parameters, secrets.passwords),
      ...changes,
    };
    const resolved = resolveMiddlewareParameters(definition, merged);
    const split = takePasswords(definition, resolved.parameters);
    return {
      definition,
      spec: specOf(definition, split.parameters),
      secrets: { seed: secrets.seed, passwords: split.passwords },
    };
  }

  private async recordAudit(
    trx: Knex.Transaction,
    caller: Caller,
    action: 'install' | 'upgrade',
    application: string,
    name: string,
    details: Record<string, string>,
  ) {
    await this.audit.record(
      {
        actor: caller.actor,
        action: `middleware.${action}`,
        targetKind: 'middleware',
        targetName: `${application}/${name}`,
        details,
      },
      trx,
    );
  }
}

/** What an install or upgrade would apply. */
type Change = {
  definition: MiddlewareDefinition;
  spec: MiddlewareSpec;
  secrets: InstanceSecrets;
};

function specOf(
  definition: MiddlewareDefinition,
  parameters: Record<string, unknown>,
): MiddlewareSpec {
  return {
    middleware: {
      definition: definition.name,
      digest: definition.digest,
      parameters: parameters as MiddlewareParameters,
    },
  };
}
