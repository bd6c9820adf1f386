import { ConflictError } from '@backstage/errors';
import type { ErrorRequestHandler } from 'express';
import { isUniqueViolation } from '../database/isUniqueViolation';

/**
 * The table and columns of a unique violation: PostgreSQL names them in
 * `table` and `detail` ("Key (name)=(edge) already exists."), SQLite in its
 * message ("UNIQUE constraint failed: clusters.name").
 */
export function describeUniqueViolation(error: unknown): {
  table?: string;
  columns: string[];
} {
  const e = error as { table?: unknown; detail?: unknown; message?: unknown };
  const detail =
    typeof e.detail === 'string' ? /^Key \(([^)]*)\)=/.exec(e.detail) : null;
  if (detail) {
    return {
      table: typeof e.table === 'string' ? e.table : undefined,
      columns: detail[1].split(',').map(c => c.trim()),
    };
  }
  const sqlite =
    typeof e.message === 'string'
      ? /UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)/.exec(e.message)
      : null;
  if (sqlite) {
    const qualified = sqlite[1].split(', ');
    return {
      table: qualified[0].split('.')[0],
      columns: qualified.map(q => q.split('.').pop()!),
    };
  }
  return { columns: [] };
}

/**
 * Error middleware of the router: a unique (or primary key) violation that
 * reaches it (two concurrent requests both passed a route's own check for a
 * taken name, and the constraint decided) answers 409 naming the field, not
 * 500. Routes that catch the violation themselves give a better message.
 */
export function uniqueViolationAsConflict(): ErrorRequestHandler {
  return (error, _req, _res, next) => {
    if (!isUniqueViolation(error)) {
      next(error);
      return;
    }
    const { table, columns } = describeUniqueViolation(error);
    const field = columns.length ? columns.join(', ') : 'name';
    next(
      new ConflictError(
        `${field} is already taken${
          table ? ` (another ${table} entry has the same)` : ''
        }`,
      ),
    );
  };
}
