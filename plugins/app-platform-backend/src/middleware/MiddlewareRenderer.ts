import { InputError, NotFoundError } from '@backstage/errors';
import {
  isMiddlewareSpec,
  middlewareEnvName,
  MiddlewareEnvVar,
  MiddlewareSpec,
  VersionBinding,
} from '@internal/plugin-app-platform-common';
import { Knex } from 'knex';
import { TokenCipher } from '../clusters/TokenCipher';
import { ServiceStore } from '../services/ServiceStore';
import { MiddlewareDefinition } from './MiddlewareDefinition';
import { MiddlewareDefinitionStore } from './MiddlewareDefinitionStore';
import {
  MiddlewareConnection,
  RenderedMiddleware,
  renderMiddleware,
} from './renderMiddleware';
import { restorePasswords } from './resolveMiddlewareParameters';

/** What an instance keeps encrypted: its passwords and render seed. */
export type InstanceSecrets = {
  seed: string;
  /** By the parameter's dotted path. */
  passwords: Record<string, string>;
};

/** Everything a render of an instance's spec reads, read beforehand. */
export type PreparedMiddleware = {
  definition: MiddlewareDefinition;
  secrets: InstanceSecrets;
};

/**
 * Renders middleware instances' specs with the definition they name (by
 * digest) and the instance's secrets, and tells what a service bound to an
 * instance receives. Reads go through `prepare`, so a render inside a
 * transaction can be given everything up front.
 */
export class MiddlewareRenderer {
  private constructor(
    private readonly services: ServiceStore,
    private readonly definitions: MiddlewareDefinitionStore,
    private readonly cipher: TokenCipher,
    private readonly installationId: string,
  ) {}

  static create(options: {
    services: ServiceStore;
    definitions: MiddlewareDefinitionStore;
    cipher: TokenCipher;
    installationId: string;
  }): MiddlewareRenderer {
    return new MiddlewareRenderer(
      options.services,
      options.definitions,
      options.cipher,
      options.installationId,
    );
  }

  encryptSecrets(secrets: InstanceSecrets): string {
    return this.cipher.encrypt(JSON.stringify(secrets));
  }

  async secretsOf(
    application: string,
    instance: string,
    trx?: Knex,
  ): Promise<InstanceSecrets> {
    const row = await this.services.middlewareOf(application, instance, trx);
    if (!row) {
      throw new NotFoundError(
        `Application "${application}" has no middleware instance named "${instance}"`,
      );
    }
    return JSON.parse(this.cipher.decrypt(row.secrets)) as InstanceSecrets;
  }

  async prepare(
    application: string,
    instance: string,
    spec: MiddlewareSpec,
  ): Promise<PreparedMiddleware> {
    const definition = await this.definitions.get(spec.middleware.digest);
    if (!definition) {
      throw new InputError(
        `spec.middleware.digest: no stored definition "${spec.middleware.definition}" with digest ${spec.middleware.digest}`,
      );
    }
    return {
      definition,
      secrets: await this.secretsOf(application, instance),
    };
  }

  /** Pure: equal input, equal output. */
  render(input: {
    application: string;
    instance: string;
    spec: MiddlewareSpec;
    prepared: PreparedMiddleware;
  }): RenderedMiddleware {
    const { secrets, definition } = input.prepared;
    return renderMiddleware({
      definition,
      instance: input.instance,
      namespace: input.application,
      installationId: this.installationId,
      parameters: restorePasswords(
        input.spec.middleware.parameters,
        secrets.passwords,
      ),
      seed: secrets.seed,
    });
  }

  /** How a service reaches an instance, as its current version renders. */
  async connection(
    application: string,
    instance: string,
  ): Promise<MiddlewareConnection> {
    const row = await this.services.get(application, instance);
    if (row?.kind !== 'middleware' || row.currentVersion === undefined) {
      throw new NotFoundError(
        `Application "${application}" has no middleware instance named "${instance}"`,
      );
    }
    const version = await this.services.getVersion(
      application,
      instance,
      row.currentVersion,
    );
    if (!version || !isMiddlewareSpec(version.spec)) {
      throw new NotFoundError(
        `Middleware instance "${application}/${instance}" has no version ${row.currentVersion}`,
      );
    }
    const prepared = await this.prepare(application, instance, version.spec);
    return this.render({ application, instance, spec: version.spec, prepared })
      .connection;
  }

  /**
   * The env vars of a version's bindings, in binding order. An instance
   * that does not exist (or is being uninstalled) is a 400 naming the
   * binding; a password that is not in the instance's Secret is refused,
   * because a literal would show in the Deployment and in every plan.
   */
  async bindingEnv(
    application: string,
    bindings: VersionBinding[],
    field = 'spec.bindings',
  ): Promise<MiddlewareEnvVar[]> {
    const env: MiddlewareEnvVar[] = [];
    for (const [index, { instance }] of bindings.entries()) {
      const at = `${field}[${index}].instance`;
      const row = await this.services.get(application, instance);
      if (row?.kind !== 'middleware' || row.currentVersion === undefined) {
        throw new InputError(
          `${at}: application "${application}" has no middleware instance named "${instance}"`,
        );
      }
      if (row.desiredState === 'deleting') {
        throw new InputError(
          `${at}: middleware instance "${instance}" is being uninstalled`,
        );
      }
      env.push(
        ...connectionEnv(
          instance,
          await this.connection(application, instance),
          at,
        ),
      );
    }
    return env;
  }
}

/** The env vars named by `middlewareEnvName` for one instance's connection. */
export function connectionEnv(
  instance: string,
  connection: MiddlewareConnection,
  field: string,
): MiddlewareEnvVar[] {
  const env: MiddlewareEnvVar[] = [
    { name: middlewareEnvName(instance, 'host'), value: connection.host },
    {
      name: middlewareEnvName(instance, 'port'),
      value: String(connection.port),
    },
  ];
  for (const setting of ['user', 'password', 'database'] as const) {
    const value = connection[setting];
    if (!value) continue;
    const name = middlewareEnvName(instance, setting);
    if ('secretKeyRef' in value) {
      env.push({ name, secretKeyRef: value.secretKeyRef });
    } else if (setting === 'password') {
      throw new InputError(
        `${field}: the definition gives "${instance}"'s password as a literal; a binding takes it only from the instance's Secret`,
      );
    } else {
      env.push({ name, value: value.value });
    }
  }
  return env;
}
