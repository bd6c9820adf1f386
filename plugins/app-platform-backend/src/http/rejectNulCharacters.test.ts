import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { rejectNulCharacters } from './rejectNulCharacters';

function app() {
  const a = express();
  a.use(express.json());
  a.use(rejectNulCharacters());
  a.all('*', (_req, res) => {
    res.json({ ok: true });
  });
  a.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return a;
}

describe('rejectNulCharacters', () => {
  it('refuses NUL in the path, the query and the body, naming where', async () => {
    const cases: Array<[string, () => request.Test, string]> = [
      ['path', () => request(app()).get('/applications/a%00b'), 'request/path'],
      [
        'query',
        () => request(app()).get('/servers?owner=team%00a'),
        'request/path or query',
      ],
      [
        'body value',
        () =>
          request(app())
            .post('/x')
            .send({ tags: { env: 'a\u0000' } }),
        'request/body/tags/env',
      ],
      [
        'body key',
        () =>
          request(app())
            .post('/x')
            .send({ tags: { 'a\u0000': 'b' } }),
        'request/body/tags/"a\\u0000"',
      ],
      [
        'array item',
        () =>
          request(app())
            .post('/x')
            .send({ ips: ['1', '\u0000'] }),
        'request/body/ips/1',
      ],
    ];
    for (const [what, send, field] of cases) {
      const res = await send();
      expect({ what, status: res.status, name: res.body.error?.name }).toEqual({
        what,
        status: 400,
        name: 'InputError',
      });
      expect(res.body.error.message).toContain(field);
    }
  });

  it('lets everything else through', async () => {
    const res = await request(app())
      .post('/applications?x=%01')
      .send({ name: 'payments', nested: [{ text: 'é😀\\0' }] });
    expect(res.status).toBe(200);
  });
});
