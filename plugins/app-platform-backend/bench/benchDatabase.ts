import { randomBytes } from 'node:crypto';
import knexFactory, { Knex } from 'knex';

const LABELS = { sqlite: 'SQLite in memory', postgres: 'PostgreSQL' };

/** `BENCH_DATABASE`, checked: `sqlite` (the default) or `postgres`. */
function benchDatabaseKind(): keyof typeof LABELS {
  const kind = process.env.BENCH_DATABASE ?? 'sqlite';
  if (kind !== 'sqlite' && kind !== 'postgres') {
    throw new Error(`BENCH_DATABASE must be sqlite or postgres, not "${kind}"`);
  }
  return kind;
}

/** What the figures run on, for the table's title. */
export function benchDatabaseLabel(): string {
  return LABELS[benchDatabaseKind()];
}

/**
 * The database a figure runs on: SQLite in memory (the default, as the
 * portal's embedded defaults), or with `BENCH_DATABASE=postgres` a new
 * PostgreSQL database on the server the tests use
 * (`BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING`), dropped again by
 * `destroy`. PostgreSQL is the production database, and each statement there
 * is a round trip to another process sharing the machine's cores.
 */
export class BenchDatabase {
  private constructor(
    readonly knex: Knex,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  static async create(): Promise<BenchDatabase> {
    const kind = benchDatabaseKind();
    if (kind === 'sqlite') {
      const knex = knexFactory({
        client: 'better-sqlite3',
        connection: ':memory:',
        useNullAsDefault: true,
      });
      return new BenchDatabase(knex, async () => {});
    }
    const server =
      process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
    if (!server) {
      throw new Error(
        'BENCH_DATABASE=postgres needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING (e.g. postgresql://postgres@127.0.0.1:5432)',
      );
    }
    const database = `app_platform_bench_${randomBytes(4).toString('hex')}`;
    const onServer = async (sql: string) => {
      const admin = knexFactory({ client: 'pg', connection: server });
      try {
        await admin.raw(sql, [database]);
      } finally {
        await admin.destroy();
      }
    };
    await onServer('CREATE DATABASE ??');
    const url = new URL(server);
    url.pathname = `/${database}`;
    const knex = knexFactory({ client: 'pg', connection: url.toString() });
    return new BenchDatabase(knex, () =>
      onServer('DROP DATABASE IF EXISTS ??'),
    );
  }

  /** Closes the connections; a PostgreSQL database is dropped as well. */
  async destroy(): Promise<void> {
    await this.knex.destroy();
    await this.dropDatabase();
  }
}
