// @ts-check

/**
 * `deployments.notified_state`: the outcome a record's notification was sent
 * for. A replica claims a settled record by setting it (a conditional
 * update), so one notification goes out per record and outcome however many
 * replicas see it settle; a record that settled while no replica could send
 * is found by the next sweep. Records settled before this migration count
 * as notified.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table
      .string('notified_state', 16)
      .nullable()
      .comment('the outcome whose notification was sent');
  });
  await knex('deployments')
    .whereIn('state', ['succeeded', 'failed'])
    .update({ notified_state: knex.ref('state') });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropColumn('notified_state');
  });
};
