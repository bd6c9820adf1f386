// @ts-check

/**
 * CI webhooks: per service, what a new image does (`policy`), the image
 * repository for CI systems whose payload names no image, and the webhook
 * secret's SHA-256 (encrypted like cluster tokens; the secret itself is shown
 * once and never stored). `ci_builds` records every build received, once per
 * (service, provider, build): the unique key makes a retried webhook a no-op.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('service_ci', table => {
    table.comment('CI settings of a service');
    table.string('application', 63).notNullable();
    table.string('service', 63).notNullable();
    table
      .string('policy', 16)
      .notNullable()
      .defaultTo('record')
      .comment(
        'deploy-test: deploy to the test clusters; record: a version only',
      );
    table.string('image_repository', 512).nullable();
    table
      .text('secret_hash')
      .nullable()
      .comment('encrypted SHA-256 of the webhook secret');
    table.timestamp('secret_created_at', { useTz: true }).nullable();
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['application', 'service']);
    table
      .foreign(['application', 'service'])
      .references(['application', 'name'])
      .inTable('services')
      .onDelete('CASCADE');
  });

  await knex.schema.createTable('ci_builds', table => {
    table.comment('A build a CI system reported, and what it did');
    table.string('id', 36).primary();
    table.string('application', 63).notNullable();
    table.string('service', 63).notNullable();
    table.string('provider', 32).notNullable();
    table.string('build_id', 255).notNullable();
    table.string('image', 512).notNullable();
    table.string('commit', 64).nullable();
    table.string('url', 1024).nullable();
    table.string('outcome', 16).notNullable().comment('deployed or recorded');
    table.integer('version').nullable();
    table.string('deployment_id', 36).nullable();
    table
      .timestamp('received_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.unique(['application', 'service', 'provider', 'build_id'], {
      indexName: 'ci_builds_once',
    });
    table.index(
      ['application', 'service', 'received_at'],
      'ci_builds_latest_idx',
    );
    table
      .foreign(['application', 'service'])
      .references(['application', 'name'])
      .inTable('services')
      .onDelete('CASCADE');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ci_builds');
  await knex.schema.dropTable('service_ci');
};
