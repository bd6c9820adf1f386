import type { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import type { Knex } from 'knex';
import type { Response, Test } from 'supertest';

/**
 * The seed of the generated bodies. Fixed by default so that CI is
 * repeatable; `FUZZ_SEED=<n>` replays a run (every fuzz test prints its
 * seed) and `FUZZ_SEED=random` explores new bodies.
 */
export const FUZZ_SEED =
  process.env.FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.FUZZ_SEED ?? 20261123);

/** Bodies per write route: at least 1,000 (`FUZZ_RUNS` for more). */
export const FUZZ_RUNS = Math.max(1000, Number(process.env.FUZZ_RUNS ?? 1000));

/** Strings that make databases and parsers unhappy. */
const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%00',
  "'; drop table applications; --",
  '\\',
  '"',
  '\ud800',
  '\udfff',
  '😀'.repeat(64),
  'é'.repeat(256),
  'x'.repeat(63),
  'x'.repeat(64),
  'x'.repeat(255),
  'x'.repeat(256),
  'x'.repeat(4097),
  'x'.repeat(70_000),
  '__proto__',
  'constructor',
  'null',
  'NaN',
  '1e309',
  '-0',
  '2147483648',
  '9999-12-31T23:59:59Z',
  '0000-01-01',
  '+275760-09-13T00:00:00Z',
);

/** Numbers around every integer column's edges, and beyond what JSON may hold exactly. */
const numbers = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    1,
    0.5,
    -0.5,
    2147483647,
    2147483648,
    -2147483648,
    -2147483649,
    4294967296,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    -1e308,
    5e-324,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Strings of every kind: ASCII, any Unicode (lone surrogates too), long ones, nasty ones. */
export const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 250, maxLength: 300 }) },
  { weight: 3, arbitrary: nasty },
);

/** Any JSON value, shallow. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: anyString },
  { weight: 2, arbitrary: numbers },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(anyString, { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(anyString, anyString, { maxKeys: 3 }),
  },
);

/** A field that is mostly a plausible value, else anything. */
export function field<T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: plausible },
    { weight: 2, arbitrary: anyValue },
  );
}

/**
 * Bodies for a write route: valid ones (required fields present, optional
 * ones or not, all plausible), valid ones with one field made hostile or left
 * out, objects of the route's fields each present or not and plausible or
 * hostile, sometimes with an unknown field, and sometimes something else
 * entirely (arrays, strings, deep JSON).
 */
export function bodies(fields: {
  required?: Record<string, fc.Arbitrary<unknown>>;
  optional?: Record<string, fc.Arbitrary<unknown>>;
}): fc.Arbitrary<unknown> {
  const required = fields.required ?? {};
  const optional = fields.optional ?? {};
  const all = { ...required, ...optional };
  const keys = Object.keys(all);
  const valid = fc
    .tuple(fc.record(required), fc.record(optional, { requiredKeys: [] }))
    .map(([r, o]) => ({ ...r, ...o } as Record<string, unknown>));
  const oneBad = fc
    .tuple(
      valid,
      fc.constantFrom(...keys),
      fc.option(anyValue, { nil: undefined }),
    )
    .map(([body, key, value]) => {
      const copy = { ...body };
      if (value === undefined) delete copy[key];
      else copy[key] = value;
      return copy;
    });
  const mixed = fc.record(
    Object.fromEntries(keys.map(key => [key, field(all[key])])),
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 5, arbitrary: oneBad },
    { weight: 4, arbitrary: mixed },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, anyString, anyValue)
        .map(([body, key, value]) => ({ ...body, [key]: value })),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.array(anyValue, { maxLength: 3 }) },
  );
}

/** What a fuzz run found. */
export type FuzzFigures = {
  route: string;
  bodies: number;
  status2xx: number;
  status4xx: number;
  status5xx: number;
  rowsOn4xx: number;
  /** The first few bodies that failed, to reproduce. */
  failures: string[];
  /** How often each 4xx message came (its first words), most frequent first. */
  reasons: string[];
  line: string;
};

/**
 * Sends `FUZZ_RUNS` generated bodies to a route one after another. After a
 * 4xx the database must look as before the request (`snapshot` is compared);
 * 5xx never. Returns the figures, with a printable line.
 */
export async function fuzzRoute(options: {
  route: string;
  bodies: fc.Arbitrary<unknown>;
  send: (body: unknown) => Promise<Response>;
  /** The rows a request might write, as text to compare. */
  snapshot: () => Promise<string>;
  runs?: number;
}): Promise<FuzzFigures> {
  const runs = options.runs ?? FUZZ_RUNS;
  const samples = fc.sample(options.bodies, { numRuns: runs, seed: FUZZ_SEED });
  const figures: FuzzFigures = {
    route: options.route,
    bodies: samples.length,
    status2xx: 0,
    status4xx: 0,
    status5xx: 0,
    rowsOn4xx: 0,
    failures: [],
    reasons: [],
    line: '',
  };
  const reasons = new Map<string, number>();
  const fail = (what: string, body: unknown, res: Response) => {
    if (figures.failures.length < 5) {
      figures.failures.push(
        `${what}: ${JSON.stringify(body)?.slice(0, 300)} → ${
          res.status
        } ${JSON.stringify(res.body)?.slice(0, 300)}`,
      );
    }
  };
  let before = await options.snapshot();
  for (const body of samples) {
    const res = await options.send(body);
    if (res.status >= 500) {
      figures.status5xx += 1;
      fail('5xx', body, res);
      before = await options.snapshot();
    } else if (res.status >= 400) {
      figures.status4xx += 1;
      const after = await options.snapshot();
      if (after !== before) {
        figures.rowsOn4xx += 1;
        fail('rows written on 4xx', body, res);
        before = after;
      }
      // A 4xx must say what was wrong.
      const message: unknown = res.body?.error?.message;
      if (typeof message !== 'string' || !message)
        fail('4xx without a message', body, res);
      const reason = `${res.status} ${String(message)
        .replace(/"[^"]*"/g, '"…"')
        .slice(0, 60)}`;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    } else {
      figures.status2xx += 1;
      before = await options.snapshot();
    }
  }
  figures.reasons = [...reasons.entries()]
    .sort(([, a], [, b]) => b - a)
    .map(([reason, n]) => `${n} × ${reason}`);
  figures.line =
    `fuzz ${figures.route}: ${figures.bodies} bodies, ${figures.status5xx} 5xx, ` +
    `${figures.status4xx} 4xx, ${figures.status2xx} 2xx, ${figures.rowsOn4xx} rows on 4xx (seed ${FUZZ_SEED})`;
  return figures;
}

/**
 * The rows of the given tables as text, to compare before and after a
 * request: `{ table: [columns, orderBy] }` (columns that the platform's own
 * background work changes are left out), or `{ table: 'count' }` for
 * append-only tables.
 */
export function tableSnapshot(
  knex: Knex,
  tables: Record<string, [columns: string[] | '*', orderBy: string] | 'count'>,
): () => Promise<string> {
  return async () => {
    const parts = await Promise.all(
      Object.entries(tables).map(async ([table, how]) => [
        table,
        how === 'count'
          ? await knex(table).count({ n: '*' })
          : await knex(table)
              .select(how[0] === '*' ? '*' : how[0])
              .orderBy(how[1]),
      ]),
    );
    return JSON.stringify(parts);
  };
}

/** The database the fuzz tests run on: PostgreSQL when there is one (as in CI), else SQLite. */
export function fuzzDatabase(databases: TestDatabases) {
  const ids = databases.eachSupportedId().map(([id]) => id);
  return ids.includes('POSTGRES_15') ? 'POSTGRES_15' : 'SQLITE_3';
}

/** Sends any JSON value as the body (supertest sends only objects as JSON by itself). */
export function withJson(req: Test, body: unknown): Test {
  return req
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(body) ?? 'null');
}

/**
 * Prints a body route's figures and holds them to the bar every write route
 * meets: no failure, no 5xx, no row written on a 4xx, at least 1,000 bodies,
 * and enough of each outcome that both validation and the database were hit.
 */
export function expectFuzzFigures(figures: FuzzFigures) {
  // eslint-disable-next-line no-console
  console.log(`${figures.line}\n  ${figures.reasons.slice(0, 8).join('\n  ')}`);
  expect(figures.failures).toEqual([]);
  expect(figures.status5xx).toBe(0);
  expect(figures.rowsOn4xx).toBe(0);
  expect(figures.bodies).toBeGreaterThanOrEqual(1000);
  expect(figures.status2xx).toBeGreaterThan(25);
  expect(figures.status4xx).toBeGreaterThan(100);
}
