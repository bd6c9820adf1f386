// @ts-check

/**
 * Middleware instances are rows of `services` with `kind = 'middleware'`:
 * they share the deploy engine's records, history and rollback. An instance
 * keeps its definition's name, its passwords and render seed (encrypted: the
 * record specs hold no secrets) and whether its uninstall deletes its data.
 * `middleware_definitions` keeps every definition an instance rendered with,
 * by digest, so a rollback renders an older definition exactly.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('services', table => {
    table
      .string('kind', 16)
      .notNullable()
      .defaultTo('service')
      .comment('service, or middleware for a middleware instance');
    table
      .string('middleware_definition', 63)
      .nullable()
      .comment("an instance's definition");
    table
      .text('middleware_secrets')
      .nullable()
      .comment("an instance's passwords and render seed, encrypted JSON");
    table
      .boolean('middleware_delete_data')
      .notNullable()
      .defaultTo(false)
      .comment('an uninstall that also deletes the volume claims');
  });
  await knex.schema.createTable('middleware_definitions', table => {
    table.comment('Every middleware definition an instance was rendered with');
    table.string('digest', 64).primary().notNullable();
    table.string('name', 63).notNullable();
    table
      .text('content')
      .notNullable()
      .comment('the parsed definition as JSON');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('middleware_definitions');
  await knex('services').where({ kind: 'middleware' }).delete();
  await knex.schema.alterTable('services', table => {
    table.dropColumn('middleware_delete_data');
    table.dropColumn('middleware_secrets');
    table.dropColumn('middleware_definition');
    table.dropColumn('kind');
  });
};
