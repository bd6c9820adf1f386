import {
  Application,
  ApplicationNamespace,
} from '@internal/plugin-app-platform-common';
import { Knex } from 'knex';
import { ChangeNotifier } from '../database/ChangeNotifier';
import { toIsoString, toOptionalIsoString } from '../database/toIsoString';
import {
  ReconcileStatusStore,
  TargetStatus,
} from '../reconcile/ReconcileStatusStore';

/** The reconcile domain of application namespaces; their status rows carry it. */
export const NAMESPACE_DOMAIN = 'application-namespace';

/** The columns of an application a user can set. */
export type ApplicationFields = {
  name: string;
  owner: string;
  title?: string;
  description?: string;
  namespaceTemplate: string;
  adopt: boolean;
  createdBy: string;
};

/** Narrows a list query, e.g. to what a permission decision allows. */
export type ApplicationFilter = (query: Knex.QueryBuilder) => void;

function toNamespace(status: TargetStatus): ApplicationNamespace {
  return {
    cluster: status.cluster,
    state: status.state,
    message: status.reason,
    attempts: status.attempts,
    nextAttemptAt: status.state === 'failed' ? status.nextAttemptAt : undefined,
    updatedAt: status.updatedAt,
  };
}

/**
 * The applications table; each application's namespaces are the reconcile
 * statuses of its (application, cluster) pairs.
 */
export class ApplicationStore {
  /** Told after an application is created, changed or deleted (once committed). */
  readonly changes = new ChangeNotifier<string>();

  private constructor(
    private readonly knex: Knex,
    private readonly status: ReconcileStatusStore,
  ) {}

  static create(options: {
    knex: Knex;
    status: ReconcileStatusStore;
  }): ApplicationStore {
    return new ApplicationStore(options.knex, options.status);
  }

  async list(filter?: ApplicationFilter): Promise<Application[]> {
    const query = this.knex('applications');
    filter?.(query);
    const rows = await query.orderBy('name');
    // A filtered list reads only its own applications' statuses.
    const statuses = await this.status.list(
      NAMESPACE_DOMAIN,
      filter ? { targets: rows.map(row => row.name) } : {},
    );
    const byApplication = new Map<string, ApplicationNamespace[]>();
    for (const status of statuses) {
      const list = byApplication.get(status.target) ?? [];
      list.push(toNamespace(status));
      byApplication.set(status.target, list);
    }
    return rows.map(row =>
      this.toApplication(row, byApplication.get(row.name) ?? []),
    );
  }

  async get(name: string): Promise<Application | undefined> {
    const row = await this.knex('applications').where({ name }).first();
    if (!row) return undefined;
    const statuses = await this.status.list(NAMESPACE_DOMAIN, { target: name });
    return this.toApplication(row, statuses.map(toNamespace));
  }

  /** The owner of each named application, for permission checks. */
  async owners(names: string[]): Promise<Map<string, string>> {
    const rows = await this.knex('applications')
      .whereIn('name', names)
      .select('name', 'owner');
    return new Map(rows.map(r => [r.name, r.owner]));
  }

  async insert(fields: ApplicationFields, trx: Knex): Promise<void> {
    await trx('applications').insert({
      name: fields.name,
      owner: fields.owner,
      title: fields.title,
      description: fields.description,
      namespace_template: fields.namespaceTemplate,
      adopt: fields.adopt,
      created_by: fields.createdBy,
    });
    this.changes.notifyAfter(trx, fields.name);
  }

  async update(
    name: string,
    changes: { owner?: string; title?: string; description?: string },
    trx: Knex,
  ): Promise<void> {
    await trx('applications')
      .where({ name })
      .update({ ...changes, updated_at: trx.fn.now() });
    this.changes.notifyAfter(trx, name);
  }

  /** Marks the application for deletion; false when it was already marked or is gone. */
  async requestDeletion(name: string, trx: Knex): Promise<boolean> {
    const changed = await trx('applications')
      .where({ name })
      .whereNull('deletion_requested_at')
      .update({ deletion_requested_at: new Date(), updated_at: trx.fn.now() });
    if (changed > 0) {
      await this.status.restartTarget(NAMESPACE_DOMAIN, name, 'deleting', trx);
      this.changes.notifyAfter(trx, name);
    }
    return changed > 0;
  }

  /** Deletes the row and its statuses, once its namespaces are gone. */
  async delete(name: string, trx: Knex): Promise<void> {
    await this.status.forgetTarget(NAMESPACE_DOMAIN, name, trx);
    await trx('applications').where({ name }).delete();
    this.changes.notifyAfter(trx, name);
  }

  private toApplication(
    row: any,
    namespaces: ApplicationNamespace[],
  ): Application {
    return {
      name: row.name,
      title: row.title ?? undefined,
      description: row.description ?? undefined,
      owner: row.owner,
      namespaceTemplate: row.namespace_template,
      adopt: Boolean(row.adopt),
      deletionRequestedAt: toOptionalIsoString(row.deletion_requested_at),
      createdBy: row.created_by,
      createdAt: toIsoString(row.created_at),
      updatedAt: toIsoString(row.updated_at),
      namespaces,
    };
  }
}
