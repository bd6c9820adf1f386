import { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** Where the import learns which owner Groups exist. */
export interface GroupDirectory {
  /** Entity refs (`group:default/team-a`) of every Group. */
  listGroupRefs(): Promise<Set<string>>;
}

/** The Groups of the software catalog. */
export class CatalogGroupDirectory implements GroupDirectory {
  private constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
  }): CatalogGroupDirectory {
    return new CatalogGroupDirectory(options.catalog, options.auth);
  }

  async listGroupRefs(): Promise<Set<string>> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const refs = new Set<string>();
    for await (const page of this.catalog.streamEntities(
      {
        filter: { kind: 'Group' },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    )) {
      for (const entity of page) {
        refs.add(stringifyEntityRef(entity));
      }
    }
    return refs;
  }
}
