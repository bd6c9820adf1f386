import { Knex } from 'knex';
import { MiddlewareDefinition } from './MiddlewareDefinition';

/**
 * The `middleware_definitions` table: every definition an instance was
 * rendered with, by digest. A record names the digest it rendered with, so
 * a rollback renders the definition of then, even after the files changed.
 */
export class MiddlewareDefinitionStore {
  /** Digests never change content: a read is kept for good. */
  private readonly cache = new Map<string, MiddlewareDefinition>();

  private constructor(private readonly knex: Knex) {}

  static create(options: { knex: Knex }): MiddlewareDefinitionStore {
    return new MiddlewareDefinitionStore(options.knex);
  }

  /** Keeps the definition under its digest (once; a second save is a no-op). */
  async save(
    definition: MiddlewareDefinition,
    trx: Knex = this.knex,
  ): Promise<void> {
    await trx('middleware_definitions')
      .insert({
        digest: definition.digest,
        name: definition.name,
        content: JSON.stringify({ ...definition, directory: '' }),
      })
      .onConflict('digest')
      .ignore();
    this.cache.set(definition.digest, definition);
  }

  async get(
    digest: string,
    trx: Knex = this.knex,
  ): Promise<MiddlewareDefinition | undefined> {
    const cached = this.cache.get(digest);
    if (cached) return cached;
    const row = await trx('middleware_definitions').where({ digest }).first();
    if (!row) return undefined;
    const definition = JSON.parse(row.content) as MiddlewareDefinition;
    this.cache.set(digest, definition);
    return definition;
  }
}
