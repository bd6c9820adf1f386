import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { once } from 'node:events';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { UndiciHttpLibrary } from './UndiciHttpLibrary';

describe('UndiciHttpLibrary', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{
    method?: string;
    headers: http.IncomingHttpHeaders;
    body: string;
  }> = [];

  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      seen.push({
        method: req.method,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (req.url === '/hang') return; // never answers
      const payload = JSON.stringify({ kind: 'Status', path: req.url });
      const zipped = req.url !== '/plain';
      res.writeHead(req.url === '/missing' ? 404 : 200, {
        'content-type': 'application/json',
        ...(zipped ? { 'content-encoding': 'gzip' } : {}),
      });
      res.end(zipped ? gzipSync(payload) : payload);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
  });

  const send = (
    path: string,
    method: HttpMethod = HttpMethod.GET,
    body?: string,
  ) => {
    const context = new RequestContext(`${base}${path}`, method);
    context.setHeaderParam('Content-Type', 'application/apply-patch+yaml');
    if (body !== undefined) context.setBody(body);
    return { context, response: UndiciHttpLibrary.create().send(context) };
  };

  it('sends method, headers and body, asks for gzip and decompresses', async () => {
    const response = await send('/apis/x', HttpMethod.PATCH, 'kind: A')
      .response;
    expect(response.httpStatusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(await response.body.text())).toEqual({
      kind: 'Status',
      path: '/apis/x',
    });
    const request = seen[seen.length - 1];
    expect(request.method).toBe('PATCH');
    expect(request.body).toBe('kind: A');
    expect(request.headers['accept-encoding']).toBe('gzip');
    expect(request.headers['content-type']).toBe(
      'application/apply-patch+yaml',
    );
  });

  it('answers bodies as text, binary or a stream, zipped or not', async () => {
    const binary = await send('/plain').response;
    expect(JSON.parse((await binary.body.binary()).toString())).toEqual({
      kind: 'Status',
      path: '/plain',
    });
    const streamed = await send('/stream').response;
    const reader = streamed.body.stream!()!.getReader();
    const parts: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    expect(JSON.parse(Buffer.concat(parts).toString())).toEqual({
      kind: 'Status',
      path: '/stream',
    });
  });

  it('passes error statuses on for client-node to turn into errors', async () => {
    const response = await send('/missing').response;
    expect(response.httpStatusCode).toBe(404);
    expect(JSON.parse(await response.body.text()).path).toBe('/missing');
  });

  it('is aborted by the context signal', async () => {
    const controller = new AbortController();
    const context = new RequestContext(`${base}/hang`, HttpMethod.GET);
    context.setSignal(controller.signal);
    const response = UndiciHttpLibrary.create().send(context);
    setTimeout(() => controller.abort(), 50);
    await expect(response).rejects.toThrow(/abort/i);
  });
});
