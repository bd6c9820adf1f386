import {
  Application,
  ApplicationNamespace,
  NamespaceState,
} from '@internal/plugin-app-platform-common';
import { Knex } from 'knex';
import { toIsoString } from '../database/toIsoString';

/** The columns of an application a user can set. */
export type ApplicationFields = {
  name: string;
  owner: string;
  title?: string;
  description?: string;
  namespaceTemplate: string;
  createdBy: string;
};

function toNamespace(row: any): ApplicationNamespace {
  return {
    cluster: row.cluster,
    state: row.state,
    message: row.message ?? undefined,
    updatedAt: toIsoString(row.updated_at),
  };
}

/** The applications and application_namespaces tables. */
export class ApplicationStore {
  private constructor(private readonly knex: Knex) {}

  static create(options: { knex: Knex }): ApplicationStore {
    return new ApplicationStore(options.knex);
  }

  async list(): Promise<Application[]> {
    const [rows, namespaces] = await Promise.all([
      this.knex('applications').orderBy('name'),
      this.knex('application_namespaces').orderBy(['application', 'cluster']),
    ]);
    const byApplication = new Map<string, ApplicationNamespace[]>();
    for (const ns of namespaces) {
      const list = byApplication.get(ns.application) ?? [];
      list.push(toNamespace(ns));
      byApplication.set(ns.application, list);
    }
    return rows.map(row => this.toApplication(row, byApplication.get(row.name) ?? []));
  }

  async get(name: string): Promise<Application | undefined> {
    const row = await this.knex('applications').where({ name }).first();
    if (!row) return undefined;
    const namespaces = await this.knex('application_namespaces')
      .where({ application: name })
      .orderBy('cluster');
    return this.toApplication(row, namespaces.map(toNamespace));
  }

  /** The owner of each named application, for permission checks. */
  async owners(names: string[]): Promise<Map<string, string>> {
    const rows = await this.knex('applications').whereIn('name', names).select('name', 'owner');
    return new Map(rows.map(r => [r.name, r.owner]));
  }

  async insert(fields: ApplicationFields, trx: Knex): Promise<void> {
    await trx('applications').insert({
      name: fields.name,
      owner: fields.owner,
      title: fields.title,
      description: fields.description,
      namespace_template: fields.namespaceTemplate,
      created_by: fields.createdBy,
    });
  }

  async update(
    name: string,
    changes: { owner?: string; title?: string; description?: string },
    trx: Knex,
  ): Promise<void> {
    await trx('applications')
      .where({ name })
      .update({ ...changes, updated_at: trx.fn.now() });
  }

  async delete(name: string, trx: Knex): Promise<void> {
    await trx('application_namespaces').where({ application: name }).delete();
    await trx('applications').where({ name }).delete();
  }

  async setNamespaceState(
    application: string,
    cluster: string,
    state: NamespaceState,
    message: string | undefined,
  ): Promise<void> {
    await this.knex('application_namespaces')
      .insert({ application, cluster, state, message: message ?? null, updated_at: new Date() })
      .onConflict(['application', 'cluster'])
      .merge(['state', 'message', 'updated_at']);
  }

  private toApplication(row: any, namespaces: ApplicationNamespace[]): Application {
    return {
      name: row.name,
      title: row.title ?? undefined,
      description: row.description ?? undefined,
      owner: row.owner,
      namespaceTemplate: row.namespace_template,
      createdBy: row.created_by,
      createdAt: toIsoString(row.created_at),
      updatedAt: toIsoString(row.updated_at),
      namespaces,
    };
  }
}
