import { InputError } from '@backstage/errors';
import type { IncomingMessage } from 'node:http';

const RAW_BODY = Symbol('app-platform.rawBody');

/**
 * For `express.json({ verify })`: keeps the bytes of a webhook body, which
 * signatures are computed over (the parsed JSON cannot be re-serialized to
 * the same bytes). Only for `/ci/` requests.
 */
export function keepRawBody(req: IncomingMessage, _res: unknown, buf: Buffer) {
  if (req.url?.startsWith('/ci/')) {
    (req as unknown as Record<symbol, Buffer>)[RAW_BODY] = buf;
  }
}

/** The body a webhook request came with, as bytes. */
export function rawBodyOf(req: IncomingMessage): Buffer {
  const raw = (req as unknown as Record<symbol, Buffer | undefined>)[RAW_BODY];
  if (!raw) throw new InputError('body: a JSON body is required');
  return raw;
}
