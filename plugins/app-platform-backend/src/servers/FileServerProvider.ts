import { Config } from '@backstage/config';
import {
  ProvidedServer,
  RejectedServerRecord,
  ServerProvider,
  ServerProviderReadResult,
} from '@internal/plugin-app-platform-node';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

const FIELDS = [
  'name',
  'region',
  'ipAddresses',
  'cpu',
  'memoryMib',
  'diskGib',
  'os',
  'chargeType',
  'createdAt',
  'expiresAt',
  'owner',
  'tags',
] as const;

/**
 * Servers listed in a YAML or JSON file, for teams without a cloud API. The
 * file holds a list (or `{ servers: [...] }`) of records with an `id`
 * (falls back to `name`) and the fields of {@link ProvidedServer}. The file
 * is read again on every import, so editing it is enough.
 */
export class FileServerProvider implements ServerProvider {
  private constructor(
    private readonly name: string,
    private readonly filePath: string,
    private readonly defaultOwner: string | undefined,
  ) {}

  static create(options: {
    name: string;
    path: string;
    defaultOwner?: string;
  }): FileServerProvider {
    return new FileServerProvider(
      options.name,
      path.resolve(options.path),
      options.defaultOwner,
    );
  }

  /** Reads `{ name, path, defaultOwner }` of one `appPlatform.servers.providers` entry. */
  static fromConfig(config: Config): FileServerProvider {
    return FileServerProvider.create({
      name: config.getString('name'),
      path: config.getString('path'),
      defaultOwner: config.getOptionalString('defaultOwner'),
    });
  }

  getProviderName(): string {
    return this.name;
  }

  async readServers(): Promise<ServerProviderReadResult> {
    const text = await readFile(this.filePath, 'utf8');
    // YAML is a superset of JSON, so one parser reads both.
    const document = parse(text);
    const list = Array.isArray(document) ? document : document?.servers;
    if (!Array.isArray(list)) {
      throw new Error(
        `${this.filePath} must hold a list of servers or { servers: [...] }`,
      );
    }
    const servers: ProvidedServer[] = [];
    const rejected: RejectedServerRecord[] = [];
    list.forEach((item: unknown, index: number) => {
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        rejected.push({ reason: `entry ${index + 1} is not an object` });
        return;
      }
      const record = item as Record<string, any>;
      const id = record.id ?? record.name;
      if (typeof id !== 'string' && typeof id !== 'number') {
        rejected.push({ reason: `entry ${index + 1} has neither id nor name` });
        return;
      }
      const server: ProvidedServer = { providerId: String(id) };
      for (const field of FIELDS) {
        if (record[field] !== undefined && record[field] !== null) {
          (server as Record<string, unknown>)[field] = record[field];
        }
      }
      if (server.name !== undefined) {
        server.name = String(server.name);
      }
      server.owner ??= this.defaultOwner;
      servers.push(server);
    });
    return { servers, rejected };
  }
}
