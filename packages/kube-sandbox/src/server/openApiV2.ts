import { IncomingMessage, ServerResponse } from 'node:http';
import protobuf from 'protobufjs';

/**
 * The part of gnostic's `openapiv2/OpenAPIv2.proto` (package openapi.v2)
 * this document uses, with the upstream field numbers.
 */
const OPENAPI_V2 = protobuf
  .parse(
    `
  syntax = "proto3";
  package openapi.v2;
  message Info { string title = 1; string version = 2; }
  message Paths {}
  message Definitions {}
  message Document {
    string swagger = 1;
    Info info = 2;
    Paths paths = 8;
    Definitions definitions = 9;
  }
`,
  )
  .root.lookupType('openapi.v2.Document');

const PROTOBUF_TYPE =
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

const DOCUMENT = {
  swagger: '2.0',
  info: { title: 'Kubernetes (sandbox)', version: 'v1.32.0' },
  paths: {},
  definitions: {},
};

/**
 * `/openapi/v2`, without definitions. kubectl up to 1.28 downloads it (as
 * protobuf) before `apply`, `create -f` and `diff`, and fails when it is
 * missing; with no definition for a kind it skips client-side validation and
 * takes the patch strategy from its own compiled types, as it does for CRDs
 * without a schema. The server validates every body itself.
 */
export function sendOpenApiV2(req: IncomingMessage, res: ServerResponse) {
  const wantsProtobuf = (req.headers.accept ?? '').includes(PROTOBUF_TYPE);
  const body = wantsProtobuf
    ? Buffer.from(OPENAPI_V2.encode(OPENAPI_V2.fromObject(DOCUMENT)).finish())
    : Buffer.from(JSON.stringify(DOCUMENT));
  res.writeHead(200, {
    // What kube-openapi answers to the protobuf Accept (Go's mime parser,
    // which kubectl uses, rejects the '@' of the requested type).
    'Content-Type': wantsProtobuf
      ? 'application/octet-stream'
      : 'application/json',
    'Content-Length': body.length,
    'Cache-Control': 'no-cache, private',
  });
  res.end(body);
}
