import {
  AuthService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, ConfigReader } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  MANUAL_SERVER_PROVIDER,
  Server,
  ServerProviderStatus,
  ServerTaskTrigger,
} from '@internal/plugin-app-platform-common';
import { ServerProvider } from '@internal/plugin-app-platform-node';
import { Knex } from 'knex';
import { AlibabaEcsServerProvider } from './AlibabaEcsServerProvider';
import { CatalogGroupDirectory } from './CatalogGroupDirectory';
import { FileServerProvider } from './FileServerProvider';
import { ServerExpiryScanner } from './ServerExpiryScanner';
import { ServerImporter } from './ServerImporter';
import { ServerService } from './ServerService';
import { ServerStore } from './ServerStore';

/** A provider with the schedule it is imported on. */
export type ScheduledServerProvider = {
  provider: ServerProvider;
  schedule?: SchedulerServiceTaskScheduleDefinition;
};

const DEFAULT_IMPORT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 15 },
  initialDelay: { seconds: 15 },
};

const IMPORT_TASK_PREFIX = 'app-platform-servers-import:';
const SCAN_TASK = 'app-platform-servers-expiry-scan';

const DEFAULT_SCAN_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 24 },
  timeout: { minutes: 30 },
  initialDelay: { minutes: 1 },
};

/**
 * A schedule from config, where only `frequency` is required. A manual one
 * (`frequency: { trigger: manual }`) gets no default initial delay: the
 * scheduler would run it once when the delay ends, and would not run a
 * trigger before then.
 */
function readSchedule(
  config: Config,
  defaults: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  const given = config.get<JsonObject>();
  const manual = config.getOptionalString('frequency.trigger') === 'manual';
  return readSchedulerServiceTaskScheduleDefinitionFromConfig(
    new ConfigReader({
      timeout: defaults.timeout as JsonObject,
      ...(defaults.initialDelay && !manual
        ? { initialDelay: defaults.initialDelay as JsonObject }
        : {}),
      ...given,
    }),
  );
}

function providerFromConfig(config: Config): ServerProvider {
  const type = config.getString('type');
  switch (type) {
    case 'file':
      return FileServerProvider.fromConfig(config);
    case 'alibaba-ecs':
      return AlibabaEcsServerProvider.fromConfig(config);
    default:
      throw new Error(
        `Unknown server provider type "${type}" of ${config.getString(
          'name',
        )}; use file or alibaba-ecs`,
      );
  }
}

/**
 * The servers domain wired together: the inventory service the routes use,
 * the importer and the expiry scanner, and their scheduled tasks (global
 * scope, so one replica runs each at a time).
 */
export class ServerInventory {
  private constructor(
    readonly service: ServerService,
    readonly importer: ServerImporter,
    readonly scanner: ServerExpiryScanner,
    readonly providers: ScheduledServerProvider[],
    private readonly store: ServerStore,
    private readonly scheduler: SchedulerService,
    private readonly scanSchedule: SchedulerServiceTaskScheduleDefinition,
  ) {}

  /**
   * Reads `appPlatform.servers`; `extraProviders` come from modules through
   * the server providers extension point.
   */
  static fromConfig(
    config: RootConfigService,
    deps: {
      knex: Knex;
      logger: LoggerService;
      catalog: CatalogService;
      auth: AuthService;
      notifications: NotificationService;
      scheduler: SchedulerService;
      extraProviders?: ScheduledServerProvider[];
    },
  ): ServerInventory {
    const serversConfig = config.getOptionalConfig('appPlatform.servers');
    const providers: ScheduledServerProvider[] = [
      ...(serversConfig?.getOptionalConfigArray('providers') ?? []).map(c => ({
        provider: providerFromConfig(c),
        schedule: c.has('schedule')
          ? readSchedule(c.getConfig('schedule'), DEFAULT_IMPORT_SCHEDULE)
          : undefined,
      })),
      ...(deps.extraProviders ?? []),
    ];
    const names = new Set<string>();
    for (const { provider } of providers) {
      const name = provider.getProviderName();
      if (name === MANUAL_SERVER_PROVIDER || names.has(name)) {
        throw new Error(
          `Server provider name "${name}" is ${
            names.has(name) ? 'used twice' : 'reserved'
          }`,
        );
      }
      names.add(name);
    }

    const store = ServerStore.create({ knex: deps.knex });
    const groups = CatalogGroupDirectory.create({
      catalog: deps.catalog,
      auth: deps.auth,
    });
    return new ServerInventory(
      ServerService.create({ store, groups }),
      ServerImporter.create({ store, groups, logger: deps.logger }),
      ServerExpiryScanner.create({
        store,
        notifications: deps.notifications,
        logger: deps.logger,
        thresholds: serversConfig?.getOptional<number[]>('expiryThresholds'),
      }),
      providers,
      store,
      deps.scheduler,
      serversConfig?.has('expiryScan')
        ? readSchedule(
            serversConfig.getConfig('expiryScan'),
            DEFAULT_SCAN_SCHEDULE,
          )
        : DEFAULT_SCAN_SCHEDULE,
    );
  }

  /** Schedules every provider's import and the expiry scan. */
  async schedule(): Promise<void> {
    for (const { provider, schedule } of this.providers) {
      await this.scheduler.scheduleTask({
        id: `${IMPORT_TASK_PREFIX}${provider.getProviderName()}`,
        scope: 'global',
        ...(schedule ?? DEFAULT_IMPORT_SCHEDULE),
        fn: async () => {
          await this.importer.import(provider);
        },
      });
    }
    await this.scheduler.scheduleTask({
      id: SCAN_TASK,
      scope: 'global',
      ...this.scanSchedule,
      fn: async () => {
        await this.scanner.scan();
      },
    });
  }

  /**
   * Every configured provider with how its last import went; one that has
   * not run yet is listed too, so it can be run on demand.
   */
  async listProviderStatus(): Promise<ServerProviderStatus[]> {
    const saved = new Map(
      (await this.store.listProviderStatus()).map(s => [s.provider, s]),
    );
    return this.providers
      .map(({ provider }) => provider.getProviderName())
      .sort()
      .map(
        name =>
          saved.get(name) ?? {
            provider: name,
            imported: 0,
            removed: 0,
            skipped: [],
          },
      );
  }

  /**
   * Runs a provider's import now through its scheduled task rather than in
   * the request, so it still runs on one replica at a time: 409 while it runs.
   */
  async triggerImport(providerName: string): Promise<ServerTaskTrigger> {
    if (
      !this.providers.some(p => p.provider.getProviderName() === providerName)
    ) {
      throw new NotFoundError(`No server provider named ${providerName}`);
    }
    return this.trigger(`${IMPORT_TASK_PREFIX}${providerName}`);
  }

  /** Runs the expiry scan now, like {@link ServerInventory.triggerImport}. */
  triggerExpiryScan(): Promise<ServerTaskTrigger> {
    return this.trigger(SCAN_TASK);
  }

  private async trigger(task: string): Promise<ServerTaskTrigger> {
    const triggeredAt = new Date().toISOString();
    await this.scheduler.triggerTask(task);
    return { task, triggeredAt };
  }

  /** Owners of servers by id, for the permission framework's conditions. */
  async owners(ids: string[]): Promise<Array<Server | undefined>> {
    const servers = new Map(
      (await this.store.list({ ids })).map(s => [s.id, s]),
    );
    return ids.map(id => servers.get(id));
  }
}
