// @ts-check

/**
 * The first tables of the App Platform: applications, the unit a team owns.
 * Each application becomes a namespace of the same name on every healthy cluster.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('applications', table => {
    table.comment('Applications: one namespace of the same name on every cluster');
    table
      .string('name', 63)
      .primary()
      .notNullable()
      .comment('RFC 1123 label, also the namespace name');
    table.string('title').nullable();
    table.text('description').nullable();
    table
      .string('owner')
      .notNullable()
      .comment('Entity ref of the owning catalog Group');
    table
      .string('namespace_template')
      .notNullable()
      .defaultTo('default')
      .comment('Name of the namespace template the namespaces get');
    table
      .string('created_by')
      .notNullable()
      .comment('Entity ref of the user who created it');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['owner'], 'applications_owner_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('applications');
};
