// @ts-check

/**
 * Services, their immutable versions, and deployment records: one row per
 * attempt to put a spec on clusters, one row per target cluster, and the
 * record's timeline. `service_clusters` is the desired state the deploy
 * engine converges: which record's spec each cluster should run.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('services', table => {
    table.comment('A long-running workload of an application');
    table
      .string('application', 63)
      .notNullable()
      .references('name')
      .inTable('applications')
      .onDelete('RESTRICT');
    table.string('name', 63).notNullable();
    table.text('description').nullable();
    table.boolean('public').notNullable().defaultTo(false);
    table
      .string('desired_state', 16)
      .notNullable()
      .defaultTo('running')
      .comment('running, stopped or deleting');
    table.integer('current_version').nullable().comment('the version last deployed');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['application', 'name']);
  });

  await knex.schema.createTable('service_templates', table => {
    table.comment('Service templates an application adds to the built-in ones');
    table
      .string('application', 63)
      .notNullable()
      .references('name')
      .inTable('applications')
      .onDelete('CASCADE');
    table.string('name', 63).notNullable();
    table.text('content').notNullable().comment('YAML, deep-merged over default');
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['application', 'name']);
  });

  await knex.schema.createTable('service_versions', table => {
    table.comment('An immutable spec of a service');
    table.string('application', 63).notNullable();
    table.string('service', 63).notNullable();
    table.integer('number').notNullable();
    table.text('spec').notNullable().comment('VersionSpec as JSON');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['application', 'service', 'number']);
    table
      .foreign(['application', 'service'])
      .references(['application', 'name'])
      .inTable('services')
      .onDelete('CASCADE');
  });

  await knex.schema.createTable('deployments', table => {
    table.comment('One attempt to put a spec of a service on a set of clusters');
    table.string('id', 36).primary().notNullable();
    table.string('application', 63).notNullable();
    table.string('service', 63).notNullable();
    table.string('action', 16).notNullable().comment('deploy, rollback, stop, start or delete');
    table.string('state', 16).notNullable().comment('deploying, succeeded, failed or superseded');
    table.integer('version').nullable();
    table.text('spec').nullable().comment('the VersionSpec applied; null for delete');
    table.text('previous_spec').nullable();
    table.string('spec_hash', 64).nullable().comment('digest of the rendered objects');
    table.string('rollback_of', 36).nullable();
    table.string('created_by', 255).notNullable();
    table.text('description').nullable();
    table.text('summary').notNullable();
    table
      .integer('in_flight')
      .nullable()
      .comment('1 while deploying, null after: at most one in flight per service');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('finished_at', { useTz: true }).nullable();
    table
      .foreign(['application', 'service'])
      .references(['application', 'name'])
      .inTable('services')
      .onDelete('CASCADE');
    // NULLs are distinct in unique indexes on both SQLite and PostgreSQL, so
    // only deploying records compete: a second one fails on both replicas.
    table.unique(['application', 'service', 'in_flight'], {
      indexName: 'deployments_one_in_flight',
    });
    table.index(['application', 'service', 'created_at'], 'deployments_history_idx');
  });

  await knex.schema.createTable('deployment_targets', table => {
    table.comment('The result of a deployment record on one cluster');
    table
      .string('deployment_id', 36)
      .notNullable()
      .references('id')
      .inTable('deployments')
      .onDelete('CASCADE');
    table.string('cluster', 63).notNullable();
    table
      .string('state', 16)
      .notNullable()
      .comment('pending, applying, deploying, succeeded or failed');
    table.string('reason', 255).nullable();
    table.text('message').nullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.primary(['deployment_id', 'cluster']);
    table.index(['cluster', 'state'], 'deployment_targets_cluster_idx');
  });

  await knex.schema.createTable('deployment_events', table => {
    table.comment('One line of the timeline of a deployment record');
    table.bigIncrements('id').primary();
    table
      .string('deployment_id', 36)
      .notNullable()
      .references('id')
      .inTable('deployments')
      .onDelete('CASCADE');
    table.string('cluster', 63).nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('type', 16).notNullable().comment('Normal or Warning');
    table.string('reason', 128).notNullable();
    table.string('object', 320).nullable().comment('Kind/name');
    table.text('message').notNullable();
    table.string('source', 16).notNullable().comment('platform or kubernetes');
    table
      .string('event_key', 128)
      .nullable()
      .comment('a Kubernetes event uid and count, so a copy is kept once');
    table.unique(['deployment_id', 'event_key'], {
      indexName: 'deployment_events_once',
    });
    table.index(['deployment_id', 'at'], 'deployment_events_timeline_idx');
  });

  await knex.schema.createTable('service_clusters', table => {
    table.comment('Which deployment record each cluster should run for a service');
    table.string('application', 63).notNullable();
    table.string('service', 63).notNullable();
    table.string('cluster', 63).notNullable();
    table
      .string('deployment_id', 36)
      .notNullable()
      .references('id')
      .inTable('deployments')
      .onDelete('CASCADE');
    table.primary(['application', 'service', 'cluster']);
    table
      .foreign(['application', 'service'])
      .references(['application', 'name'])
      .inTable('services')
      .onDelete('CASCADE');
    table.index(['cluster'], 'service_clusters_cluster_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('service_clusters');
  await knex.schema.dropTable('deployment_events');
  await knex.schema.dropTable('deployment_targets');
  await knex.schema.dropTable('deployments');
  await knex.schema.dropTable('service_versions');
  await knex.schema.dropTable('service_templates');
  await knex.schema.dropTable('services');
};
