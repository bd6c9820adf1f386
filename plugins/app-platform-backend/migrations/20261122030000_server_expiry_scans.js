// @ts-check

/**
 * One row per expiry scan, so the portal can say when the daily scan last
 * ran and what it sent, whichever replica ran it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('server_expiry_scans', table => {
    table.comment('Runs of the server expiry scan and what each sent');
    table.increments('id').primary();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table
      .timestamp('finished_at', { useTz: true })
      .nullable()
      .comment('Null while the scan runs, or when its replica died mid-scan');
    table.integer('alerts_sent').notNullable().defaultTo(0);
    table
      .integer('alerts_failed')
      .notNullable()
      .defaultTo(0)
      .comment('Alerts whose claim was given back; the next scan retries them');
    table.text('error').nullable();
    table.index(['started_at'], 'server_expiry_scans_started_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('server_expiry_scans');
};
