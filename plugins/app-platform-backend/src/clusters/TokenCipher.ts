import { Config } from '@backstage/config';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const VERSION = 'v1';
/** The id of the single `appPlatform.encryptionKey`, and of ciphertexts from before key ids. */
export const DEFAULT_KEY_ID = 'default';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

function parseKey(raw: string, where: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw)
    ? Buffer.from(raw, 'hex')
    : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new Error(
      `${where} must be 32 bytes, as base64 or 64 hex characters`,
    );
  }
  return key;
}

type Key = { id: string; key: Buffer };

/**
 * Encrypts cluster tokens at rest with AES-256-GCM. The stored form is
 * `v1:<key id>:iv.tag.ciphertext` (base64 parts), so a tampered value fails
 * to decrypt instead of yielding a wrong token, and each value names the key
 * it needs. Values from before key ids (`iv.tag.ciphertext`) were made with
 * the single `encryptionKey`.
 *
 * Keys: `appPlatform.encryptionKeys` (`[{ id, key }]`, the first is current,
 * the rest only decrypt), or the single `appPlatform.encryptionKey` (id
 * `default`). With both, the single key joins the list as a previous key.
 */
export class TokenCipher {
  private constructor(private readonly keys: Key[]) {}

  static fromConfig(config: Config): TokenCipher {
    const keys: Key[] = (
      config.getOptionalConfigArray('appPlatform.encryptionKeys') ?? []
    ).map((entry, index) => {
      const id = entry.getString('id');
      if (!KEY_ID.test(id)) {
        throw new Error(
          `appPlatform.encryptionKeys[${index}].id "${id}" must be 1-32 letters, digits, '-' or '_'`,
        );
      }
      return {
        id,
        key: parseKey(
          entry.getString('key'),
          `appPlatform.encryptionKeys[${index}].key`,
        ),
      };
    });
    const ids = new Set(keys.map(k => k.id));
    if (ids.size !== keys.length) {
      throw new Error(
        'appPlatform.encryptionKeys has two keys with the same id',
      );
    }
    const single = config.getOptionalString('appPlatform.encryptionKey');
    if (single !== undefined && single !== '' && !ids.has(DEFAULT_KEY_ID)) {
      keys.push({
        id: DEFAULT_KEY_ID,
        key: parseKey(single, 'appPlatform.encryptionKey'),
      });
    }
    return new TokenCipher(keys);
  }

  /** The id of the key new values are encrypted with; undefined without keys. */
  currentKeyId(): string | undefined {
    return this.keys[0]?.id;
  }

  /** The id of the key a stored value needs. */
  keyIdOf(stored: string): string {
    const parts = stored.split(':');
    return parts.length === 3 && parts[0] === VERSION
      ? parts[1]
      : DEFAULT_KEY_ID;
  }

  hasKey(id: string): boolean {
    return this.keys.some(k => k.id === id);
  }

  encrypt(plain: string): string {
    const current = this.requireCurrent();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, current.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const body = [iv, cipher.getAuthTag(), data]
      .map(b => b.toString('base64'))
      .join('.');
    return `${VERSION}:${current.id}:${body}`;
  }

  decrypt(stored: string): string {
    const id = this.keyIdOf(stored);
    const key = this.keys.find(k => k.id === id);
    if (!key) {
      throw new Error(
        `a stored token is encrypted with key "${id}", which is not in appPlatform.encryptionKeys`,
      );
    }
    const body = stored.startsWith(`${VERSION}:`)
      ? stored.split(':')[2]
      : stored;
    const [iv, tag, data] = body.split('.').map(p => Buffer.from(p, 'base64'));
    const decipher = createDecipheriv(ALGORITHM, key.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString(
      'utf8',
    );
  }

  /** Whether a stored value should be encrypted again with the current key. */
  isStale(stored: string): boolean {
    return (
      this.keyIdOf(stored) !== this.currentKeyId() ||
      !stored.startsWith(`${VERSION}:`)
    );
  }

  private requireCurrent(): Key {
    const current = this.keys[0];
    if (!current) {
      throw new Error(
        'appPlatform.encryptionKey (or appPlatform.encryptionKeys) is not configured; it is needed to store cluster tokens',
      );
    }
    return current;
  }
}
