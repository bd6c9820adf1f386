import { IncomingMessage, ServerResponse } from 'node:http';
import { parseYamlBody } from './parseYamlBody';
import { decodeProtobufObject } from './protobuf';
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

/** What the API server's serializer negotiation accepts for object bodies. */
export const OBJECT_MEDIA_TYPES = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
];

/**
 * Reads an object body (create, update) in the format its Content-Type
 * names, as the API server does: JSON when there is none, YAML, or
 * protobuf (what kubectl's typed generators send); anything else is 415.
 */
export async function readObject(req: IncomingMessage): Promise<any> {
  const mediaType = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (mediaType && !OBJECT_MEDIA_TYPES.includes(mediaType)) {
    throw StatusError.unsupportedBody(OBJECT_MEDIA_TYPES);
  }
  const raw = await readRaw(req);
  if (mediaType === 'application/vnd.kubernetes.protobuf') {
    return decodeProtobufObject(raw);
  }
  if (mediaType === 'application/yaml') {
    try {
      return parseYamlBody(raw.toString('utf8'));
    } catch (e) {
      throw StatusError.badRequest(
        `error decoding request body: ${(e as Error).message}`,
      );
    }
  }
  return parseJson(raw.toString('utf8'));
}

/** Parses a JSON body (delete options, scale, admin); empty = undefined. */
export function parseJson(raw: string): any {
  if (!raw.trim()) return undefined;
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
