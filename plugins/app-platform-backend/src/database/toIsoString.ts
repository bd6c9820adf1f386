/** Timestamps come back as Date (PostgreSQL) or string/number (SQLite). */
export function toIsoString(value: unknown): string {
  return new Date(value as string | number | Date).toISOString();
}

/** Like toIsoString, for nullable columns. */
export function toOptionalIsoString(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : toIsoString(value);
}
