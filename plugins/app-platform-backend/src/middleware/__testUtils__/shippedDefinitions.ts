import path from 'node:path';
import { MiddlewareDefinition } from '../MiddlewareDefinition';
import { MiddlewareDefinitions } from '../MiddlewareDefinitions';

/** The repository's templates/middleware. */
export const SHIPPED_LOCATION = path.resolve(
  __dirname,
  '../../../../../templates/middleware',
);

export const SHIPPED_NAMES = [
  'memcached',
  'mongodb',
  'mysql',
  'nginx-gateway',
  'postgresql',
  'rabbitmq',
  'redis',
  'zookeeper',
];

/** Every shipped definition; fails when one does not read. */
export async function shippedDefinitions(): Promise<MiddlewareDefinition[]> {
  const definitions = await MiddlewareDefinitions.create({
    locations: [SHIPPED_LOCATION],
  });
  if (definitions.problems().length) {
    throw new Error(
      definitions
        .problems()
        .map(p => p.message)
        .join('\n'),
    );
  }
  return definitions.list();
}

type Json = Record<string, any>;

/**
 * The hardest parameters a definition's schema allows: the largest size,
 * the most replicas, persistence off, and passwords that need escaping.
 */
export function edgeParameters(definition: MiddlewareDefinition): Json {
  const properties = (definition.parametersSchema.properties ?? {}) as Json;
  const parameters: Json = { size: 'large' };
  const replicas = properties.replicas;
  if (replicas) {
    parameters.replicas = replicas.enum
      ? Math.max(...replicas.enum)
      : replicas.maximum;
  }
  if (properties.persistence) parameters.persistence = { enabled: false };
  for (const [key, property] of Object.entries(properties)) {
    if (property.format === 'password') {
      parameters[key] = `q"u'o:te #\${{ x }} {% y %} ü密码\\ \n- end`;
    }
  }
  if (properties.routes) {
    parameters.routes = [
      { path: '/api', service: 'orders', port: 8080 },
      { path: '/', service: 'web', port: 80 },
    ];
  }
  return parameters;
}
