// @ts-check

/**
 * Level-triggered reconcile: the installation's id, the status of every
 * (target, cluster) pair the reconciler drives (replacing the per-namespace
 * table), and what an application asks of it (adoption, deletion).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('platform_settings', table => {
    table.comment('Facts about this installation, e.g. its id');
    table.string('key', 64).primary().notNullable();
    table.string('value', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('reconcile_targets', table => {
    table.comment(
      'What the reconciler last did for one target on one cluster: state, reason, retries',
    );
    table.string('domain', 32).notNullable().comment('e.g. application-namespace');
    table.string('target', 253).notNullable().comment('the target within its domain');
    table.string('cluster', 63).notNullable();
    table.string('state', 16).notNullable().comment('pending, ready, failed or deleting');
    table.text('reason').nullable().comment('why the last attempt failed');
    table.integer('attempts').notNullable().defaultTo(0).comment('failures since the last success');
    table.timestamp('next_attempt_at', { useTz: true }).nullable();
    table.timestamp('last_attempt_at', { useTz: true }).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['domain', 'target', 'cluster']);
    table.index(['cluster'], 'reconcile_targets_cluster_idx');
  });

  const namespaces = await knex('application_namespaces').select();
  if (namespaces.length) {
    await knex('reconcile_targets').insert(
      namespaces.map(row => ({
        domain: 'application-namespace',
        target: row.application,
        cluster: row.cluster,
        state: row.state,
        reason: row.message,
        attempts: row.state === 'failed' ? 1 : 0,
        updated_at: row.updated_at,
      })),
    );
  }
  await knex.schema.dropTable('application_namespaces');

  await knex.schema.alterTable('applications', table => {
    table
      .boolean('adopt')
      .notNullable()
      .defaultTo(false)
      .comment('an admin adopted namespaces that existed before the application');
    table
      .timestamp('deletion_requested_at', { useTz: true })
      .nullable()
      .comment('set while the namespaces are being removed; the row goes last');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('applications', table => {
    table.dropColumn('adopt');
    table.dropColumn('deletion_requested_at');
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
  const rows = await knex('reconcile_targets')
    .where({ domain: 'application-namespace' })
    .whereIn('cluster', knex('clusters').select('name'))
    .whereIn('target', knex('applications').select('name'));
  if (rows.length) {
    await knex('application_namespaces').insert(
      rows.map(row => ({
        application: row.target,
        cluster: row.cluster,
        state: row.state === 'deleting' ? 'pending' : row.state,
        message: row.reason,
        updated_at: row.updated_at,
      })),
    );
  }
  await knex.schema.dropTable('reconcile_targets');
  await knex.schema.dropTable('platform_settings');
};
