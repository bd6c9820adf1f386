import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  MANUAL_SERVER_PROVIDER,
  Server,
  ServerInput,
} from '@internal/plugin-app-platform-common';
import { GroupDirectory } from './CatalogGroupDirectory';
import { conflictOnUniqueViolation } from '../database/isUniqueViolation';
import { ServerFilter, ServerStore } from './ServerStore';
import {
  normalizeOwner,
  validateProvidedServer,
} from './validateProvidedServer';

/**
 * The server inventory as the API sees it: everyone reads it; servers
 * recorded by hand are created, changed and deleted here, while imported ones
 * change only at their provider (an import would undo the edit).
 */
export class ServerService {
  private constructor(
    private readonly store: ServerStore,
    private readonly groups: GroupDirectory,
  ) {}

  static create(options: {
    store: ServerStore;
    groups: GroupDirectory;
  }): ServerService {
    return new ServerService(options.store, options.groups);
  }

  list(filter: ServerFilter = {}): Promise<Server[]> {
    return this.store.list({
      ...filter,
      // `team-a` means `group:default/team-a`, as in the records.
      owner: filter.owner?.map(owner => normalizeOwner(owner) ?? owner),
    });
  }

  async get(id: string): Promise<Server> {
    const server = await this.store.get(id);
    if (!server) {
      throw new NotFoundError(`No server with id ${id}`);
    }
    return server;
  }

  async create(input: ServerInput): Promise<Server> {
    const fields = await this.validate(input);
    return conflictOnUniqueViolation(
      () => this.store.insert(fields),
      `A server named ${fields.name} is already recorded by hand`,
    );
  }

  async update(id: string, input: ServerInput): Promise<Server> {
    const current = await this.getManual(id);
    const fields = await this.validate(input);
    if (fields.providerId !== current.providerId) {
      const clash = await this.store.findByProviderId(
        MANUAL_SERVER_PROVIDER,
        fields.providerId,
      );
      if (clash) {
        throw new ConflictError(
          `A server named ${fields.name} is already recorded by hand`,
        );
      }
    }
    // The check above names the clash; the constraint decides a race.
    return conflictOnUniqueViolation(
      () => this.store.update(id, fields),
      `A server named ${fields.name} is already recorded by hand`,
    );
  }

  async delete(id: string): Promise<void> {
    await this.getManual(id);
    await this.store.delete(id);
  }

  private async getManual(id: string): Promise<Server> {
    const server = await this.get(id);
    if (server.provider !== MANUAL_SERVER_PROVIDER) {
      throw new ConflictError(
        `Server ${server.name} is imported from ${server.provider}; change it there`,
      );
    }
    return server;
  }

  private async validate(input: ServerInput) {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name) {
      throw new InputError('name: a server needs a name');
    }
    const checked = validateProvidedServer(
      { ...input, name, providerId: name },
      {
        provider: MANUAL_SERVER_PROVIDER,
        knownGroups: await this.groups.listGroupRefs(),
      },
    );
    if ('reason' in checked) {
      throw new InputError(`${checked.field}: ${checked.reason}`);
    }
    return checked.fields;
  }
}
