import { IncomingMessage, ServerResponse } from 'node:http';
import { decodeProtobufObject, isProtobufBody } from './protobuf';
import { responseJson } from './serialize';
import { StatusError } from './StatusError';

/** Reads the whole request body. */
export function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRaw(req)).toString('utf8');
}

/** Reads an object body, JSON or protobuf (what typed kubectl generators send). */
export async function readObject(req: IncomingMessage): Promise<any> {
  const raw = await readRaw(req);
  if (isProtobufBody(String(req.headers['content-type'] ?? ''), raw)) {
    return decodeProtobufObject(raw);
  }
  return parseJson(raw.toString('utf8'));
}

/** Parses a JSON body (delete options, scale, admin); empty = undefined. */
export function parseJson(raw: string): any {
  if (!raw.trim()) return undefined;
  if (raw.startsWith('k8s\u0000')) {
    // Protobuf is only decoded for object bodies (see readObject).
    throw StatusError.unsupportedBody('application/vnd.kubernetes.protobuf');
  }
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw StatusError.badRequest(
      `error decoding request body: ${(e as Error).message}`,
    );
  }
}

/** Sends a JSON response (lists are serialised from the per-object cache). */
export function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const data = responseJson(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(data),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(data);
}

export function sendText(res: ServerResponse, text: string) {
  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
