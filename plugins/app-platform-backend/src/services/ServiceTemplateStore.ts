import { Knex } from 'knex';
import { toIsoString } from '../database/toIsoString';

/** A service template an application added. */
export type ApplicationServiceTemplate = {
  application: string;
  name: string;
  /** YAML of template keys, deep-merged over the `default` template. */
  content: string;
  updatedBy: string;
  updatedAt: string;
};

function toTemplate(row: any): ApplicationServiceTemplate {
  return {
    application: row.application,
    name: row.name,
    content: row.content,
    updatedBy: row.updated_by,
    updatedAt: toIsoString(row.updated_at),
  };
}

/** The `service_templates` table: templates applications add. */
export class ServiceTemplateStore {
  private constructor(private readonly knex: Knex) {}

  static create(options: { knex: Knex }): ServiceTemplateStore {
    return new ServiceTemplateStore(options.knex);
  }

  async list(application: string): Promise<ApplicationServiceTemplate[]> {
    const rows = await this.knex('service_templates')
      .where({ application })
      .orderBy('name');
    return rows.map(toTemplate);
  }

  async get(
    application: string,
    name: string,
  ): Promise<ApplicationServiceTemplate | undefined> {
    const row = await this.knex('service_templates')
      .where({ application, name })
      .first();
    return row ? toTemplate(row) : undefined;
  }

  async put(
    template: Omit<ApplicationServiceTemplate, 'updatedAt'>,
    trx: Knex = this.knex,
  ): Promise<void> {
    await trx('service_templates')
      .insert({
        application: template.application,
        name: template.name,
        content: template.content,
        updated_by: template.updatedBy,
        updated_at: new Date(),
      })
      .onConflict(['application', 'name'])
      .merge(['content', 'updated_by', 'updated_at']);
  }

  async delete(
    application: string,
    name: string,
    trx: Knex = this.knex,
  ): Promise<boolean> {
    return (
      (await trx('service_templates').where({ application, name }).delete()) > 0
    );
  }
}
