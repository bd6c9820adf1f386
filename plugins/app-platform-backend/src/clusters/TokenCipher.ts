import { Config } from '@backstage/config';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;

function parseKey(raw: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(raw)
    ? Buffer.from(raw, 'hex')
    : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new Error(
      'appPlatform.encryptionKey must be 32 bytes, as base64 or 64 hex characters',
    );
  }
  return key;
}

/**
 * Encrypts cluster tokens at rest with AES-256-GCM. The stored form is
 * `iv.tag.ciphertext` in base64, so a tampered value fails to decrypt instead
 * of yielding a wrong token.
 */
export class TokenCipher {
  private constructor(private readonly key: Buffer | undefined) {}

  static fromConfig(config: Config): TokenCipher {
    const raw = config.getOptionalString('appPlatform.encryptionKey');
    return new TokenCipher(raw === undefined ? undefined : parseKey(raw));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.requireKey(), iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map(b => b.toString('base64')).join('.');
  }

  decrypt(stored: string): string {
    const [iv, tag, data] = stored.split('.').map(p => Buffer.from(p, 'base64'));
    const decipher = createDecipheriv(ALGORITHM, this.requireKey(), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }

  private requireKey(): Buffer {
    if (!this.key) {
      throw new Error(
        'appPlatform.encryptionKey is not configured; it is needed to store cluster tokens',
      );
    }
    return this.key;
  }
}
