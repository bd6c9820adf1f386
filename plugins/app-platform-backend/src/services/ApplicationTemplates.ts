import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { Caller } from '../applications/ApplicationService';
import { AuditLog } from '../audit/AuditLog';
import {
  ApplicationServiceTemplate,
  ServiceTemplateStore,
} from './ServiceTemplateStore';
import { ServiceTemplates } from './ServiceTemplates';

/** What `GET …/service-templates` lists: built-in ones by name, the application's with their text. */
export type ServiceTemplateListing = {
  builtIn: string[];
  application: ApplicationServiceTemplate[];
};

/**
 * Service templates an application adds to the platform's: YAML of template
 * keys deep-merged over `default` (so platform policy the application does
 * not restate still applies), checked as a whole when stored. A version picks
 * one with `spec.template`. Built-in names cannot be taken, and a template a
 * service's current version uses cannot be removed.
 */
export class ApplicationTemplates {
  private constructor(
    private readonly knex: Knex,
    private readonly store: ServiceTemplateStore,
    private readonly templates: ServiceTemplates,
    private readonly audit: AuditLog,
  ) {}

  static create(options: {
    knex: Knex;
    store: ServiceTemplateStore;
    templates: ServiceTemplates;
    audit: AuditLog;
  }): ApplicationTemplates {
    return new ApplicationTemplates(
      options.knex,
      options.store,
      options.templates,
      options.audit,
    );
  }

  async list(application: string): Promise<ServiceTemplateListing> {
    return {
      builtIn: this.templates.names(),
      application: await this.store.list(application),
    };
  }

  async put(
    application: string,
    name: string,
    content: string,
    caller: Caller,
  ): Promise<ApplicationServiceTemplate> {
    if (this.templates.has(name)) {
      throw new ConflictError(
        `"${name}" is a service template of the platform; choose another name`,
      );
    }
    try {
      this.templates.parse(name, content);
    } catch (error) {
      throw new InputError(`content: ${(error as Error).message}`);
    }
    await this.knex.transaction(async trx => {
      await this.store.put(
        { application, name, content, updatedBy: caller.actor },
        trx,
      );
      await this.audit.record(
        {
          actor: caller.actor,
          action: 'service-template.put',
          targetKind: 'application',
          targetName: application,
          details: { template: name },
        },
        trx,
      );
    });
    return (await this.store.get(application, name))!;
  }

  async delete(application: string, name: string, caller: Caller) {
    if (!(await this.store.get(application, name))) {
      throw new NotFoundError(
        `Application "${application}" has no service template "${name}"`,
      );
    }
    const users = (
      await this.knex('services')
        .join('service_versions', join =>
          join
            .on('service_versions.application', 'services.application')
            .andOn('service_versions.service', 'services.name')
            .andOn('service_versions.number', 'services.current_version'),
        )
        .where('services.application', application)
        .select('services.name', 'service_versions.spec')
    ).filter(row => JSON.parse(row.spec).template === name);
    if (users.length) {
      throw new ConflictError(
        `Service template "${name}" is used by the current version of: ${users
          .map(u => u.name)
          .join(', ')}`,
      );
    }
    await this.knex.transaction(async trx => {
      await this.store.delete(application, name, trx);
      await this.audit.record(
        {
          actor: caller.actor,
          action: 'service-template.delete',
          targetKind: 'application',
          targetName: application,
          details: { template: name },
        },
        trx,
      );
    });
  }
}
