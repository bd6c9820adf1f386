// @ts-check

/**
 * Servers the team rents (recorded by hand or imported by providers), how
 * each provider's last import went, and the expiry alerts already sent.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('servers', table => {
    table.comment('Servers the team pays for, with their expiry dates');
    table.string('id', 36).primary().notNullable().comment('UUID');
    table.string('name').notNullable();
    table
      .string('provider')
      .notNullable()
      .comment('`manual` or the name of the provider that imports it');
    table
      .string('provider_id')
      .notNullable()
      .comment('Id at the provider (instance id); the name for manual ones');
    table.string('region').nullable();
    table
      .text('ip_addresses')
      .notNullable()
      .defaultTo('[]')
      .comment('JSON array');
    table.integer('cpu').nullable();
    table.integer('memory_mib').nullable();
    table.integer('disk_gib').nullable();
    table.string('os').nullable();
    table.string('charge_type').nullable();
    table
      .timestamp('server_created_at', { useTz: true })
      .nullable()
      .comment('When the provider created the server');
    table.timestamp('expires_at', { useTz: true }).nullable();
    table
      .string('owner')
      .notNullable()
      .comment('Entity ref of the owning catalog Group');
    table.text('tags').notNullable().defaultTo('{}').comment('JSON object');
    table
      .string('state', 16)
      .notNullable()
      .defaultTo('active')
      .comment('active, or removed once gone from its provider');
    table.timestamp('removed_at', { useTz: true }).nullable();
    table.timestamp('last_imported_at', { useTz: true }).nullable();
    table
      .timestamp('recorded_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.unique(['provider', 'provider_id'], {
      indexName: 'servers_provider_id_uq',
    });
    table.index(['owner'], 'servers_owner_idx');
    table.index(['expires_at'], 'servers_expires_at_idx');
  });

  await knex.schema.createTable('server_provider_status', table => {
    table.comment('How the last import of each server provider went');
    table.string('provider').primary().notNullable();
    table.timestamp('last_run_at', { useTz: true }).nullable();
    table.timestamp('last_success_at', { useTz: true }).nullable();
    table.integer('imported').notNullable().defaultTo(0);
    table.integer('removed').notNullable().defaultTo(0);
    table
      .text('skipped')
      .notNullable()
      .defaultTo('[]')
      .comment('JSON array of { providerId, name, reason }');
    table.text('error').nullable();
  });

  await knex.schema.createTable('server_expiry_notices', table => {
    table.comment(
      'Expiry alerts sent; the unique key makes each one go out once, across replicas',
    );
    table
      .string('server_id', 36)
      .notNullable()
      .references('id')
      .inTable('servers')
      .onDelete('CASCADE');
    table
      .string('threshold', 16)
      .notNullable()
      .comment('Days before expiry (e.g. 30) or `expired`');
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table
      .timestamp('sent_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.unique(['server_id', 'threshold'], {
      indexName: 'server_expiry_notices_uq',
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('server_expiry_notices');
  await knex.schema.dropTable('server_provider_status');
  await knex.schema.dropTable('servers');
};
