// @ts-check

/**
 * Clusters, the namespace of each application on each cluster, and an audit
 * trail of who changed what.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('clusters', table => {
    table.comment('Registered Kubernetes clusters');
    table.string('name', 63).primary().notNullable();
    table.string('url').notNullable();
    table.text('ca_data').nullable().comment('PEM of the API server CA');
    table
      .text('token_encrypted')
      .notNullable()
      .comment('Service-account token, AES-256-GCM: iv.tag.ciphertext (base64)');
    table.string('environment', 16).notNullable();
    table.text('labels').notNullable().defaultTo('{}').comment('JSON object');
    table.boolean('skip_tls_verify').notNullable().defaultTo(false);
    table.string('source', 16).notNullable().comment('config or api');
    table.string('health', 16).notNullable().defaultTo('unknown');
    table.text('health_reason').nullable();
    table.timestamp('health_changed_at', { useTz: true }).nullable();
    table.timestamp('last_probe_at', { useTz: true }).nullable();
    table.string('created_by').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('application_namespaces', table => {
    table.comment('The namespace of an application on one cluster');
    table
      .string('application', 63)
      .notNullable()
      .references('name')
      .inTable('applications')
      .onDelete('CASCADE');
    table
      .string('cluster', 63)
      .notNullable()
      .references('name')
      .inTable('clusters')
      .onDelete('CASCADE');
    table.string('state', 16).notNullable().comment('pending, ready or failed');
    table.text('message').nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['application', 'cluster']);
  });

  await knex.schema.createTable('audit_events', table => {
    table.comment('Who changed what, newest last');
    table.bigIncrements('id').primary();
    table.string('actor').notNullable().comment('Entity ref of the user or service');
    table.string('action', 64).notNullable();
    table.string('target_kind', 32).notNullable();
    table.string('target_name').notNullable();
    table.text('details').nullable().comment('JSON, never secrets');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.index(['target_kind', 'target_name'], 'audit_events_target_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_events');
  await knex.schema.dropTable('application_namespaces');
  await knex.schema.dropTable('clusters');
};
