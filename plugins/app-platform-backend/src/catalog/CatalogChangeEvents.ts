import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  APP_PLATFORM_CATALOG_TOPIC,
  CatalogChange,
} from '@internal/plugin-app-platform-common';

/**
 * Announces on the Backstage events service that something the catalog
 * shows changed, so the catalog module applies a delta within a second
 * instead of asking every few seconds. Fire and forget: a lost event costs
 * at most the catalog's next full sync.
 */
export class CatalogChangeEvents {
  private constructor(
    private readonly events: EventsService,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    events: EventsService;
    logger: LoggerService;
  }): CatalogChangeEvents {
    return new CatalogChangeEvents(options.events, options.logger);
  }

  changed(change: CatalogChange): void {
    this.events
      .publish({ topic: APP_PLATFORM_CATALOG_TOPIC, eventPayload: change })
      .catch(error =>
        this.logger.warn(
          `Catalog change of ${change.kind} ${change.name} not announced: ${error}`,
        ),
      );
  }
}
