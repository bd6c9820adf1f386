// @ts-check

/**
 * `service_clusters.placed_kinds`: the kinds of object (`apiVersion/kind`,
 * as a JSON array) the engine may have placed on the cluster for the
 * service, so that a prune, a delete and a plan list those kinds only, not
 * every kind a version could render. NULL (rows from before): not known,
 * every kind is listed, and the next complete apply records them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('service_clusters', table => {
    table
      .text('placed_kinds')
      .nullable()
      .comment('JSON array of apiVersion/kind the engine may have placed');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('service_clusters', table => {
    table.dropColumn('placed_kinds');
  });
};
