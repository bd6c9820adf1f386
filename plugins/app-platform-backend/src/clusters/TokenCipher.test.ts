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
      new ConfigReader({
        appPlatform: { encryptionKey: key.toString('base64') },
      }),
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
      TokenCipher.fromConfig(
        new ConfigReader({ appPlatform: { encryptionKey: 'abc' } }),
      ),
    ).toThrow(/32 bytes/);
    const cipher = TokenCipher.fromConfig(new ConfigReader({}));
    expect(() => cipher.encrypt('x')).toThrow(
      /encryptionKeys\) is not configured/,
    );
  });

  it('names the key in every value and decrypts with previous keys', () => {
    const [k1, k2] = [randomBytes(32), randomBytes(32)].map(k =>
      k.toString('base64'),
    );
    const before = TokenCipher.fromConfig(
      new ConfigReader({
        appPlatform: { encryptionKeys: [{ id: 'k1', key: k1 }] },
      }),
    );
    const stored = before.encrypt('sa-token-123');
    expect(stored).toMatch(/^v1:k1:/);

    const rotated = TokenCipher.fromConfig(
      new ConfigReader({
        appPlatform: {
          encryptionKeys: [
            { id: 'k2', key: k2 },
            { id: 'k1', key: k1 },
          ],
        },
      }),
    );
    expect(rotated.currentKeyId()).toBe('k2');
    expect(rotated.isStale(stored)).toBe(true);
    expect(rotated.decrypt(stored)).toBe('sa-token-123');
    const again = rotated.encrypt('sa-token-123');
    expect(again).toMatch(/^v1:k2:/);
    expect(rotated.isStale(again)).toBe(false);

    const withoutK1 = TokenCipher.fromConfig(
      new ConfigReader({
        appPlatform: { encryptionKeys: [{ id: 'k2', key: k2 }] },
      }),
    );
    expect(() => withoutK1.decrypt(stored)).toThrow(
      /key "k1", which is not in/,
    );
  });

  it('reads values from before key ids with the single encryptionKey', () => {
    const legacyKey = randomBytes(32);
    const iv = randomBytes(12);
    const { createCipheriv } = jest.requireActual('node:crypto');
    const cipher = createCipheriv('aes-256-gcm', legacyKey, iv);
    const data = Buffer.concat([
      cipher.update('old-token', 'utf8'),
      cipher.final(),
    ]);
    const legacy = [iv, cipher.getAuthTag(), data]
      .map(b => b.toString('base64'))
      .join('.');

    const reader = TokenCipher.fromConfig(
      new ConfigReader({
        appPlatform: {
          encryptionKeys: [
            { id: 'k2', key: randomBytes(32).toString('base64') },
          ],
          encryptionKey: legacyKey.toString('base64'),
        },
      }),
    );
    expect(reader.keyIdOf(legacy)).toBe('default');
    expect(reader.isStale(legacy)).toBe(true);
    expect(reader.decrypt(legacy)).toBe('old-token');
  });

  it('refuses bad key ids and duplicate ids', () => {
    const other = randomBytes(32).toString('base64');
    expect(() =>
      TokenCipher.fromConfig(
        new ConfigReader({
          appPlatform: { encryptionKeys: [{ id: 'bad id!', key: other }] },
        }),
      ),
    ).toThrow(/encryptionKeys\[0\]\.id/);
    expect(() =>
      TokenCipher.fromConfig(
        new ConfigReader({
          appPlatform: {
            encryptionKeys: [
              { id: 'a', key: other },
              { id: 'a', key: other },
            ],
          },
        }),
      ),
    ).toThrow(/same id/);
  });
});
