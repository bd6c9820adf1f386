import { createHash, createHmac } from 'node:crypto';
import { GenericCiProvider } from './GenericCiProvider';

const secretHash = createHash('sha256').update('whsec_test').digest();
const now = new Date('2026-11-24T12:00:00Z');
const body = {
  application: 'shop',
  service: 'web',
  image: 'shop/web:2',
  build: '42',
};

function request(
  options: { timestamp?: number; key?: Buffer; signature?: string } = {},
) {
  const rawBody = Buffer.from(JSON.stringify(body));
  const ts = String(options.timestamp ?? now.getTime() / 1000);
  const signature =
    options.signature ??
    `sha256=${createHmac('sha256', options.key ?? secretHash)
      .update(`${ts}.`)
      .update(rawBody)
      .digest('hex')}`;
  return {
    headers: {
      'x-app-platform-timestamp': ts,
      'x-app-platform-signature': signature,
    },
    rawBody,
    body,
    query: {},
  };
}

describe('GenericCiProvider', () => {
  const provider = new GenericCiProvider();

  it('accepts a body signed with the secret hash within five minutes either way', () => {
    for (const offset of [0, -299, 299]) {
      expect(() =>
        provider.verify(
          request({ timestamp: now.getTime() / 1000 + offset }),
          secretHash,
          now,
        ),
      ).not.toThrow();
    }
    expect(provider.serviceOf(request())).toEqual({
      application: 'shop',
      service: 'web',
    });
    expect(provider.buildOf(request())).toEqual({
      buildId: '42',
      image: 'shop/web:2',
    });
  });

  it('refuses old and future timestamps, other keys, missing headers and a changed body', () => {
    expect(() =>
      provider.verify(
        request({ timestamp: now.getTime() / 1000 - 301 }),
        secretHash,
        now,
      ),
    ).toThrow(/301 s from now/);
    expect(() =>
      provider.verify(
        request({ timestamp: now.getTime() / 1000 + 3600 }),
        secretHash,
        now,
      ),
    ).toThrow(/from now/);
    expect(() =>
      provider.verify(
        request({ key: Buffer.from('whsec_test') }),
        secretHash,
        now,
      ),
    ).toThrow(/does not match/);
    expect(() =>
      provider.verify(request({ signature: 'sha256=00' }), secretHash, now),
    ).toThrow(/does not match/);
    expect(() =>
      provider.verify({ ...request(), headers: {} }, secretHash, now),
    ).toThrow(/are required/);
    const changed = request();
    changed.rawBody = Buffer.from(
      JSON.stringify({ ...body, image: 'evil/web:1' }),
    );
    expect(() => provider.verify(changed, secretHash, now)).toThrow(
      /does not match/,
    );
  });

  it('names the field of a malformed body', () => {
    const malformed = (b: unknown) => ({ ...request(), body: b });
    expect(() => provider.serviceOf(malformed([]))).toThrow(
      'body: must be a JSON object',
    );
    expect(() =>
      provider.serviceOf(malformed({ ...body, application: 3 })),
    ).toThrow('application: must be a string');
    expect(() => provider.buildOf(malformed({ ...body, build: '' }))).toThrow(
      'build: is required',
    );
    expect(() =>
      provider.buildOf(malformed({ ...body, image: 'x'.repeat(513) })),
    ).toThrow('image: must be at most 512 characters');
  });
});
