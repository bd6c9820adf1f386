import { IncomingMessage, ServerResponse } from 'node:http';
import protobuf from 'protobufjs';
import YAML from 'yaml';
import { resourcePaths } from './openapi';
import { ResourceRegistry } from './resources';

/**
 * The part of gnostic's `openapiv2/OpenAPIv2.proto` (package openapi.v2)
 * this document uses, with the upstream field numbers.
 */
export const OpenApiV2Document = protobuf
  .parse(
    `
  syntax = "proto3";
  package openapi.v2;
  message Any { string yaml = 2; }
  message NamedAny { string name = 1; Any value = 2; }
  message Info { string title = 1; string version = 2; }
  message Document {
    string swagger = 1;
    Info info = 2;
    Paths paths = 8;
    Definitions definitions = 9;
  }
  message Paths {
    repeated NamedAny vendor_extension = 1;
    repeated NamedPathItem path = 2;
  }
  message NamedPathItem { string name = 1; PathItem value = 2; }
  message PathItem {
    Operation get = 2;
    Operation put = 3;
    Operation patch = 8;
    repeated ParametersItem parameters = 9;
  }
  message Operation {
    string operation_id = 5;
    repeated ParametersItem parameters = 8;
    Responses responses = 9;
    repeated NamedAny vendor_extension = 13;
  }
  message ParametersItem { oneof oneof { Parameter parameter = 1; } }
  message Parameter { oneof oneof { NonBodyParameter non_body_parameter = 2; } }
  message NonBodyParameter {
    oneof oneof {
      QueryParameterSubSchema query_parameter_sub_schema = 3;
      PathParameterSubSchema path_parameter_sub_schema = 4;
    }
  }
  message QueryParameterSubSchema {
    string in = 2;
    string name = 4;
    string type = 6;
    bool unique_items = 20;
  }
  message PathParameterSubSchema {
    bool required = 1;
    string in = 2;
    string name = 4;
    string type = 5;
    bool unique_items = 19;
  }
  message Responses { repeated NamedResponseValue response_code = 1; }
  message NamedResponseValue { string name = 1; ResponseValue value = 2; }
  message ResponseValue { oneof oneof { Response response = 1; } }
  message Response { string description = 1; }
  message Definitions {}
`,
  )
  .root.lookupType('openapi.v2.Document');

const PROTOBUF_TYPE =
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

interface Documents {
  json: Buffer;
  protobuf: Buffer;
}

const documents = new WeakMap<ResourceRegistry, Documents>();

/** Vendor extensions as kube-openapi encodes them: the value as YAML. */
const extensions = (values: Record<string, unknown>) =>
  Object.entries(values).map(([name, value]) => ({
    name,
    value: { yaml: YAML.stringify(value) },
  }));

function build(registry: ResourceRegistry): Documents {
  const paths = resourcePaths(registry.types);
  const info = { title: 'Kubernetes (sandbox)', version: 'v1.32.0' };
  const json = {
    swagger: '2.0',
    info,
    paths: Object.fromEntries(
      paths.map(p => [
        p.path,
        {
          ...Object.fromEntries(
            p.operations.map(o => [
              o.method,
              {
                operationId: o.operationId,
                parameters: o.queryParameters.map(q => ({
                  uniqueItems: true,
                  type: q.type,
                  name: q.name,
                  in: 'query',
                })),
                responses: { '200': { description: 'OK' } },
                'x-kubernetes-action': o.action,
                'x-kubernetes-group-version-kind': p.gvk,
              },
            ]),
          ),
          parameters: p.pathParameters.map(name => ({
            uniqueItems: true,
            type: 'string',
            name,
            in: 'path',
            required: true,
          })),
        },
      ]),
    ),
    definitions: {},
  };
  const message = {
    swagger: '2.0',
    info,
    paths: {
      path: paths.map(p => ({
        name: p.path,
        value: {
          ...Object.fromEntries(
            p.operations.map(o => [
              o.method,
              {
                operationId: o.operationId,
                parameters: o.queryParameters.map(q => ({
                  parameter: {
                    nonBodyParameter: {
                      queryParameterSubSchema: {
                        uniqueItems: true,
                        type: q.type,
                        name: q.name,
                        in: 'query',
                      },
                    },
                  },
                })),
                responses: {
                  responseCode: [
                    { name: '200', value: { response: { description: 'OK' } } },
                  ],
                },
                vendorExtension: extensions({
                  'x-kubernetes-action': o.action,
                  'x-kubernetes-group-version-kind': p.gvk,
                }),
              },
            ]),
          ),
          parameters: p.pathParameters.map(name => ({
            parameter: {
              nonBodyParameter: {
                pathParameterSubSchema: {
                  uniqueItems: true,
                  type: 'string',
                  name,
                  in: 'path',
                  required: true,
                },
              },
            },
          })),
        },
      })),
    },
    definitions: {},
  };
  return {
    json: Buffer.from(JSON.stringify(json)),
    protobuf: Buffer.from(
      OpenApiV2Document.encode(OpenApiV2Document.fromObject(message)).finish(),
    ),
  };
}

/**
 * `/openapi/v2`: the object paths of every served type with their read,
 * replace and patch operations, each naming its kind
 * (`x-kubernetes-group-version-kind`) and its `dryRun`, `fieldManager`,
 * `fieldValidation` and `force` query parameters, and no definitions.
 * kubectl up to 1.28 downloads it (as protobuf) before `apply`, `create -f`
 * and `diff`, and fails when it is missing; older ones (1.20, no longer
 * 1.27) look for the `dryRun` parameter of a kind's PATCH before any server-side dry run
 * (`diff`, `--dry-run=server`). With no definition for a kind it skips
 * client-side validation and takes the patch strategy from its own compiled
 * types, as it does for CRDs without a schema. The server validates every
 * body itself.
 */
export function sendOpenApiV2(
  registry: ResourceRegistry,
  req: IncomingMessage,
  res: ServerResponse,
) {
  let docs = documents.get(registry);
  if (!docs) {
    docs = build(registry);
    documents.set(registry, docs);
  }
  const wantsProtobuf = (req.headers.accept ?? '').includes(PROTOBUF_TYPE);
  const body = wantsProtobuf ? docs.protobuf : docs.json;
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
