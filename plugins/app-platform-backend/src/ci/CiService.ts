import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import {
  CiBuildRecord,
  CiPolicy,
  CiSettings,
} from '@internal/plugin-app-platform-common';
import { CiProvider, CiRequest } from '@internal/plugin-app-platform-node';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Caller } from '../applications/ApplicationService';
import { AuditLog } from '../audit/AuditLog';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import { isUniqueViolation } from '../database/isUniqueViolation';
import { DeployService } from '../deployments/DeployService';
import { CiStore } from './CiStore';

const POLICIES: CiPolicy[] = ['deploy-test', 'record'];

/** What a webhook did: 201 a new build, 200 the same build again, 202 ignored. */
export type CiReceipt =
  | { status: 201 | 200; build: CiBuildRecord }
  | { status: 202; ignored: string };

/**
 * CI webhooks: a verified build becomes a new version of the service (its
 * current version with the image replaced) and, by the service's policy, a
 * deploy to its healthy `test` clusters. The build's row is written in the
 * same transaction as the version (and the record), and is unique per build,
 * so a retried webhook makes nothing new and a refused one leaves nothing.
 */
export class CiService {
  private readonly providers = new Map<string, CiProvider>();

  private constructor(
    private readonly store: CiStore,
    private readonly deployments: DeployService,
    private readonly clusters: ClusterRegistry,
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
    private readonly logger: LoggerService,
    providers: CiProvider[],
  ) {
    for (const provider of providers) {
      if (this.providers.has(provider.id)) {
        throw new Error(`Two CI providers have the id "${provider.id}"`);
      }
      this.providers.set(provider.id, provider);
    }
  }

  static create(options: {
    store: CiStore;
    deployments: DeployService;
    clusters: ClusterRegistry;
    auth: AuthService;
    audit: AuditLog;
    logger: LoggerService;
    providers: CiProvider[];
  }): CiService {
    return new CiService(
      options.store,
      options.deployments,
      options.clusters,
      options.auth,
      options.audit,
      options.logger,
      options.providers,
    );
  }

  providerIds(): string[] {
    return [...this.providers.keys()];
  }

  async settings(application: string, service: string): Promise<CiSettings> {
    await this.deployments.getService(application, service);
    return this.store.settings({ application, service });
  }

  async updateSettings(
    application: string,
    service: string,
    changes: { policy?: string; imageRepository?: string | null },
    caller: Caller,
  ): Promise<CiSettings> {
    await this.deployments.getService(application, service);
    if (
      changes.policy !== undefined &&
      !POLICIES.includes(changes.policy as CiPolicy)
    ) {
      throw new InputError(`policy: must be one of ${POLICIES.join(', ')}`);
    }
    await this.store.updateSettings(
      { application, service },
      {
        policy: changes.policy as CiPolicy | undefined,
        imageRepository: changes.imageRepository,
      },
    );
    await this.audit.record({
      actor: caller.actor,
      action: 'service.ci.update',
      targetKind: 'service',
      targetName: `${application}/${service}`,
      details: changes,
    });
    return this.store.settings({ application, service });
  }

  /**
   * A new webhook secret, returned this once: only its SHA-256 is kept, and
   * the previous secret stops working.
   */
  async createSecret(
    application: string,
    service: string,
    caller: Caller,
  ): Promise<{ secret: string; createdAt: string }> {
    await this.deployments.getService(application, service);
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const createdAt = await this.store.setSecretHash(
      { application, service },
      createHash('sha256').update(secret, 'utf8').digest(),
    );
    await this.audit.record({
      actor: caller.actor,
      action: 'service.ci.secret',
      targetKind: 'service',
      targetName: `${application}/${service}`,
    });
    return { secret, createdAt: createdAt.toISOString() };
  }

  async receive(providerId: string, request: CiRequest): Promise<CiReceipt> {
    const provider = this.providers.get(providerId);
    if (!provider) {
      throw new NotFoundError(
        `No CI provider "${providerId}"; known: ${this.providerIds().join(
          ', ',
        )}`,
      );
    }
    const { application, service } = provider.serviceOf(request);
    // A NotFoundError names the service; other failures stay 500s.
    await this.deployments.getService(application, service);
    const settings = await this.store.webhookSettings({ application, service });
    if (!settings?.secretHash) {
      throw new AuthenticationError(
        `Service "${application}/${service}" has no webhook secret; create one on its CI settings`,
      );
    }
    provider.verify(request, settings.secretHash, new Date());
    const build = provider.buildOf(request);
    if (!build) {
      return { status: 202, ignored: 'not a successful build' };
    }
    const key = { application, service, provider: provider.id };
    const known = await this.store.build({ ...key, buildId: build.buildId });
    if (known) return { status: 200, build: known };

    let image = build.image;
    if (!image) {
      if (!settings.imageRepository) {
        throw new InputError(
          `Service "${application}/${service}" has no image repository for ${provider.id} builds (they name only a tag)`,
        );
      }
      image = `${settings.imageRepository}:${build.tag}`;
    }
    const spec = await this.deployments.specWithImage(
      application,
      service,
      image,
    );
    const caller: Caller = {
      actor: `ci:${provider.id}`,
      credentials: await this.auth.getOwnServiceCredentials(),
    };
    const row = (outcome: CiBuildRecord['outcome']) => ({
      id: randomUUID(),
      ...key,
      buildId: build.buildId,
      image: image!,
      commit: build.commit,
      url: build.url,
      outcome,
    });
    try {
      if (settings.policy === 'deploy-test') {
        const testClusters = (await this.clusters.list())
          .filter(c => c.environment === 'test' && c.health === 'healthy')
          .map(c => c.name);
        if (!testClusters.length) {
          throw new ConflictError(
            'No healthy test cluster can receive the build; nothing was recorded, send it again later',
          );
        }
        await this.deployments.deploy(
          application,
          service,
          {
            spec,
            clusters: testClusters,
            description: `${provider.id} build ${build.buildId}${
              build.url ? ` ${build.url}` : ''
            }`,
          },
          caller,
          {
            within: (trx, record) =>
              this.store.insertBuild(
                {
                  ...row('deployed'),
                  version: record.version,
                  deploymentId: record.id,
                },
                trx,
              ),
          },
        );
      } else {
        await this.deployments.addVersion(
          application,
          service,
          spec,
          caller,
          (trx, version) =>
            this.store.insertBuild({ ...row('recorded'), version }, trx),
        );
      }
    } catch (error) {
      // The same build sent twice at once: the second finds the first's row.
      if (isUniqueViolation(error) || error instanceof ConflictError) {
        const raced = await this.store.build({
          ...key,
          buildId: build.buildId,
        });
        if (raced) return { status: 200, build: raced };
      }
      throw error;
    }
    const stored = await this.store.build({ ...key, buildId: build.buildId });
    this.logger.info(
      `CI ${provider.id} build ${build.buildId} of ${application}/${service}: ${stored?.outcome} version ${stored?.version} (${image})`,
    );
    return { status: 201, build: stored! };
  }
}
