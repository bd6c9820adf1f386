import { LoggerService } from '@backstage/backend-plugin-api';
import {
  MANUAL_SERVER_PROVIDER,
  ServerProviderStatus,
} from '@internal/plugin-app-platform-common';
import { ServerProvider } from '@internal/plugin-app-platform-node';
import { GroupDirectory } from './CatalogGroupDirectory';
import { cleanProviderError } from './cleanProviderError';
import { ServerFields, ServerStore } from './ServerStore';
import { validateProvidedServer } from './validateProvidedServer';

function sameFields(a: ServerFields, b: ServerFields): boolean {
  const pick = (f: ServerFields) =>
    JSON.stringify([
      f.name,
      f.region,
      f.ipAddresses,
      f.cpu,
      f.memoryMib,
      f.diskGib,
      f.os,
      f.chargeType,
      f.createdAt,
      f.expiresAt,
      f.owner,
      Object.entries(f.tags).sort(),
    ]);
  return pick(a) === pick(b);
}

/**
 * Reconciles the inventory with one provider: adds new servers, updates
 * changed ones and marks the ones the provider no longer reports as
 * `removed` (kept for history). A record that cannot be imported is skipped
 * with its reason and left as it was, never marked removed.
 */
export class ServerImporter {
  private constructor(
    private readonly store: ServerStore,
    private readonly groups: GroupDirectory,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    store: ServerStore;
    groups: GroupDirectory;
    logger: LoggerService;
  }): ServerImporter {
    return new ServerImporter(options.store, options.groups, options.logger);
  }

  async import(provider: ServerProvider): Promise<ServerProviderStatus> {
    const name = provider.getProviderName();
    if (name === MANUAL_SERVER_PROVIDER) {
      throw new Error(`Server provider name "${name}" is reserved`);
    }
    const startedAt = new Date();
    const status: ServerProviderStatus = {
      provider: name,
      lastRunAt: startedAt.toISOString(),
      imported: 0,
      removed: 0,
      skipped: [],
    };
    const previous = (await this.store.listProviderStatus()).find(
      s => s.provider === name,
    );
    status.lastSuccessAt = previous?.lastSuccessAt;

    try {
      // Nothing is reconciled when the provider cannot be read: an outage
      // must not mark every server removed.
      const result = await provider.readServers();
      const knownGroups = await this.groups.listGroupRefs();
      // Providers word these themselves: clean them like their errors.
      status.skipped.push(
        ...(result.rejected ?? []).map(rejected => ({
          ...rejected,
          reason: cleanProviderError(rejected.reason),
        })),
      );

      const existing = new Map(
        (await this.store.list({ provider: name })).map(s => [s.providerId, s]),
      );
      const seen = new Set<string>();
      const unchanged: string[] = [];

      for (const record of result.servers) {
        const providerId =
          typeof record.providerId === 'string' ? record.providerId : undefined;
        if (providerId && seen.has(providerId)) {
          status.skipped.push({
            providerId,
            name: record.name,
            reason: 'duplicate provider id',
          });
          continue;
        }
        if (providerId) {
          seen.add(providerId);
        }
        const checked = validateProvidedServer(record, {
          provider: name,
          knownGroups,
        });
        if ('reason' in checked) {
          status.skipped.push({
            providerId,
            name: record.name,
            reason: checked.reason,
          });
          continue;
        }
        const fields = checked.fields;
        const current = existing.get(fields.providerId);
        if (!current) {
          await this.store.insert(fields, { importedAt: startedAt });
          status.imported += 1;
        } else if (
          current.state === 'removed' ||
          !sameFields(current, fields)
        ) {
          await this.store.update(current.id, fields, {
            importedAt: startedAt,
          });
          status.imported += 1;
        } else {
          unchanged.push(current.id);
        }
      }
      await this.store.touchImported(unchanged, startedAt);
      status.removed = await this.store.markRemoved(name, [...seen], startedAt);
      status.lastSuccessAt = startedAt.toISOString();
    } catch (error) {
      // Shown on the Servers page and logged: SDK errors quote signed
      // request URLs and headers, and stack traces help no reader there.
      status.error = cleanProviderError(error);
      this.logger.error(`Server import from ${name} failed: ${status.error}`);
    }

    for (const skip of status.skipped) {
      this.logger.warn(
        `Server import from ${name} skipped ${
          skip.providerId ?? skip.name ?? 'a record'
        }: ${skip.reason}`,
      );
    }
    await this.store.saveProviderStatus(status);
    this.logger.info(
      `Server import from ${name}: ${status.imported} added or changed, ${status.removed} removed, ${status.skipped.length} skipped`,
    );
    return status;
  }
}
