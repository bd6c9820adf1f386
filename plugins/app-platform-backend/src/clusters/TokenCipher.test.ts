import { ConfigReader } from '@backstage/config';
import { randomBytes } from 'node:crypto';
import { TokenCipher } from './TokenCipher';

describe('TokenCipher', () => {
  const key = randomBytes(32);

  it.each([
    ['base64', key.toString('base64')],
    ['hex', key.toString('hex')],
  ])('round-trips with a %s key and never stores the plain token', (_, raw) => {
    const cipher = TokenCipher.fromConfig(
      new ConfigReader({ appPlatform: { encryptionKey: raw } }),
    );
    const stored = cipher.encrypt('sa-token-123');
    expect(stored).not.toContain('sa-token-123');
    expect(cipher.encrypt('sa-token-123')).not.toEqual(stored);
    expect(cipher.decrypt(stored)).toBe('sa-token-123');
  });

  it('refuses a tampered value', () => {
    const cipher = TokenCipher.fromConfig(
      new ConfigReader({ appPlatform: { encryptionKey: key.toString('base64') } }),
    );
    const [iv, tag, data] = cipher.encrypt('sa-token-123').split('.');
    const flipped = Buffer.from(data, 'base64');
    flipped[0] ^= 1;
    expect(() =>
      cipher.decrypt([iv, tag, flipped.toString('base64')].join('.')),
    ).toThrow();
  });

  it('rejects a key of the wrong length and explains a missing one', () => {
    expect(() =>
      TokenCipher.fromConfig(new ConfigReader({ appPlatform: { encryptionKey: 'abc' } })),
    ).toThrow(/32 bytes/);
    const cipher = TokenCipher.fromConfig(new ConfigReader({}));
    expect(() => cipher.encrypt('x')).toThrow(/encryptionKey is not configured/);
  });
});
