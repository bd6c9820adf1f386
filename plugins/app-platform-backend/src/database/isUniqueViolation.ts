import { ConflictError } from '@backstage/errors';

/**
 * Whether a database error is a unique (or primary key) violation, in the
 * spellings of PostgreSQL (SQLSTATE 23505) and SQLite (better-sqlite3's code,
 * or the message of older drivers).
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (typeof e?.message === 'string' &&
      /UNIQUE constraint failed/.test(e.message))
  );
}

/**
 * Runs a write and turns a unique violation into a ConflictError (409) with
 * the given message. A check before the insert cannot do this alone: two
 * concurrent requests both pass the check and only the constraint decides.
 */
export async function conflictOnUniqueViolation<T>(
  write: () => Promise<T>,
  message: string,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(message);
    }
    throw error;
  }
}
