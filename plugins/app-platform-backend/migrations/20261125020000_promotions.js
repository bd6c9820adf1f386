// @ts-check

/**
 * `deployments.promoted_from`: the record on `test` clusters whose spec a
 * promotion to `production` applies.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table
      .string('promoted_from', 36)
      .nullable()
      .comment('the test record this production record promotes');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('deployments', table => {
    table.dropColumn('promoted_from');
  });
};
