import { Knex } from 'knex';
import { TokenCipher } from '../clusters/TokenCipher';

/**
 * Encrypts every stored value of a column that is not under the cipher's
 * current key with it, at start-up, so that a previous key can be dropped
 * from config after one start. Fails with what to do when a value needs a
 * key that config lacks: better a backend that does not start than one that
 * answers 500 (or 401 to every webhook) on every use.
 */
export async function reencryptColumn(
  knex: Knex,
  cipher: TokenCipher,
  options: {
    table: string;
    column: string;
    /** The columns that identify a row. */
    key: string[];
    /** What the values are, for errors: `cluster token(s)`. */
    values: string;
    /** What a row's value is, for errors: `The token of cluster "one"`. */
    describe: (row: Record<string, string>) => string;
  },
): Promise<number> {
  const { table, column } = options;
  const rows: Array<Record<string, string>> = await knex(table)
    .whereNotNull(column)
    .select(...options.key, column);
  const stale = rows.filter(row => cipher.isStale(row[column]));
  if (stale.length === 0) return 0;
  if (cipher.currentKeyId() === undefined) {
    throw new Error(
      `appPlatform.encryptionKey (or appPlatform.encryptionKeys) is not configured, but ${rows.length} ${options.values} are stored encrypted; configure the key they were stored with`,
    );
  }
  for (const row of stale) {
    const what = options.describe(row);
    const keyId = cipher.keyIdOf(row[column]);
    if (!cipher.hasKey(keyId)) {
      throw new Error(
        `${what} is encrypted with key "${keyId}", which is not configured; add it to appPlatform.encryptionKeys as a previous key (after the current one), or remove it`,
      );
    }
    let plain: string;
    try {
      plain = cipher.decrypt(row[column]);
    } catch {
      throw new Error(
        `${what} cannot be decrypted with key "${keyId}": the configured key differs from the one it was stored with`,
      );
    }
    // Conditional on the old value: another replica may be doing the same.
    await knex(table)
      .where({
        ...Object.fromEntries(options.key.map(k => [k, row[k]])),
        [column]: row[column],
      })
      .update({ [column]: cipher.encrypt(plain) });
  }
  return stale.length;
}
