import Ecs, * as $Ecs from '@alicloud/ecs20140526';
import * as $OpenApi from '@alicloud/openapi-client';
import { Config } from '@backstage/config';
import {
  ProvidedServer,
  RejectedServerRecord,
  ServerProvider,
  ServerProviderReadResult,
} from '@internal/plugin-app-platform-node';
import { cleanProviderError } from './cleanProviderError';

type EcsInstance = $Ecs.DescribeInstancesResponseBodyInstancesInstance;

/** Options of {@link AlibabaEcsServerProvider}. */
export type AlibabaEcsServerProviderOptions = {
  name: string;
  /** RAM user access key; kept in memory only, never logged. */
  accessKeyId: string;
  accessKeySecret: string;
  /** Region ids to list, e.g. `cn-hangzhou`. */
  regions: string[];
  /** `host[:port]` of the ECS API; by default the SDK's endpoint of each region. */
  endpoint?: string;
  protocol?: 'http' | 'https';
  /** Tag holding the owner Group of an instance. */
  ownerTag?: string;
  defaultOwner?: string;
  pageSize?: number;
  /** Retries of a throttled call, with exponential backoff from `retryBaseDelayMs`. */
  maxRetries?: number;
  retryBaseDelayMs?: number;
};

function isThrottling(error: unknown): boolean {
  const e = error as { code?: string; statusCode?: number; name?: string };
  return (
    `${e?.code ?? ''}`.includes('Throttling') ||
    e?.name === 'ThrottlingError' ||
    e?.statusCode === 429
  );
}

/**
 * The SDK's error with its message cleaned (it may quote the signed request)
 * and its stack dropped, keeping what callers branch on: Alibaba's error
 * `code` (e.g. `SignatureDoesNotMatch`) and the HTTP `statusCode`.
 */
function cleanedError(error: unknown, secrets: string[]): Error {
  const cleaned: Error & { code?: string; statusCode?: number } = new Error(
    cleanProviderError(error, { secrets }),
  );
  const e = error as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.code === 'string' && /^[\w.-]{1,100}$/.test(e.code)) {
    cleaned.code = e.code;
  }
  if (typeof e?.statusCode === 'number') {
    cleaned.statusCode = e.statusCode;
  }
  return cleaned;
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Alibaba Cloud ECS instances through Alibaba's official SDK
 * (`DescribeInstances`, paged with `NextToken`, in every configured region).
 * Subscription (`PrePaid`) instances carry their `ExpiredTime`; pay-as-you-go
 * ones get no expiry, since ECS reports a placeholder date for them.
 */
export class AlibabaEcsServerProvider implements ServerProvider {
  private readonly clients = new Map<string, Ecs>();

  private constructor(
    private readonly options: AlibabaEcsServerProviderOptions,
  ) {}

  static create(
    options: AlibabaEcsServerProviderOptions,
  ): AlibabaEcsServerProvider {
    if (options.regions.length === 0) {
      throw new Error(`Server provider ${options.name} lists no regions`);
    }
    return new AlibabaEcsServerProvider(options);
  }

  /** Reads one `appPlatform.servers.providers` entry of type `alibaba-ecs`. */
  static fromConfig(config: Config): AlibabaEcsServerProvider {
    return AlibabaEcsServerProvider.create({
      name: config.getString('name'),
      accessKeyId: config.getString('accessKeyId'),
      accessKeySecret: config.getString('accessKeySecret'),
      regions: config.getStringArray('regions'),
      endpoint: config.getOptionalString('endpoint'),
      protocol: config.getOptionalString('protocol') as
        | 'http'
        | 'https'
        | undefined,
      ownerTag: config.getOptionalString('ownerTag'),
      defaultOwner: config.getOptionalString('defaultOwner'),
      pageSize: config.getOptionalNumber('pageSize'),
      maxRetries: config.getOptionalNumber('maxRetries'),
      retryBaseDelayMs: config.getOptionalNumber('retryBaseDelayMs'),
    });
  }

  getProviderName(): string {
    return this.options.name;
  }

  async readServers(): Promise<ServerProviderReadResult> {
    const servers: ProvidedServer[] = [];
    const rejected: RejectedServerRecord[] = [];
    for (const region of this.options.regions) {
      let nextToken: string | undefined;
      do {
        const body = await this.describePage(region, nextToken);
        for (const instance of body.instances?.instance ?? []) {
          if (!instance.instanceId) {
            rejected.push({
              name: instance.instanceName,
              reason: 'instance without InstanceId',
            });
            continue;
          }
          servers.push(this.toServer(instance, region));
        }
        nextToken = body.nextToken || undefined;
      } while (nextToken);
    }
    return { servers, rejected };
  }

  private client(region: string): Ecs {
    let client = this.clients.get(region);
    if (!client) {
      client = new Ecs(
        new $OpenApi.Config({
          accessKeyId: this.options.accessKeyId,
          accessKeySecret: this.options.accessKeySecret,
          regionId: region,
          endpoint: this.options.endpoint,
          protocol: this.options.protocol ?? 'https',
          readTimeout: 30_000,
          connectTimeout: 10_000,
        }),
      );
      this.clients.set(region, client);
    }
    return client;
  }

  private async describePage(
    region: string,
    nextToken: string | undefined,
  ): Promise<$Ecs.DescribeInstancesResponseBody> {
    const maxRetries = this.options.maxRetries ?? 5;
    const baseDelay = this.options.retryBaseDelayMs ?? 1000;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await this.client(region).describeInstances(
          new $Ecs.DescribeInstancesRequest({
            regionId: region,
            maxResults: this.options.pageSize ?? 100,
            nextToken,
          }),
        );
        return response.body ?? new $Ecs.DescribeInstancesResponseBody({});
      } catch (error) {
        if (!isThrottling(error) || attempt >= maxRetries) {
          // The SDK's message may quote the signed request: never let the
          // AccessKey out, whoever logs or stores this error.
          throw cleanedError(error, [
            this.options.accessKeyId,
            this.options.accessKeySecret,
          ]);
        }
        // Exponential backoff with jitter, so replicas do not retry in step.
        const delay = baseDelay * 2 ** attempt;
        await sleep(delay / 2 + Math.random() * (delay / 2));
      }
    }
  }

  private toServer(instance: EcsInstance, region: string): ProvidedServer {
    const tags: Record<string, string> = {};
    for (const tag of instance.tags?.tag ?? []) {
      if (tag.tagKey) {
        tags[tag.tagKey] = tag.tagValue ?? '';
      }
    }
    const ips = [
      ...(instance.publicIpAddress?.ipAddress ?? []),
      instance.eipAddress?.ipAddress,
      ...(instance.vpcAttributes?.privateIpAddress?.ipAddress ?? []),
      ...(instance.innerIpAddress?.ipAddress ?? []),
    ].filter((ip): ip is string => Boolean(ip));
    const prepaid = instance.instanceChargeType !== 'PostPaid';
    return {
      providerId: instance.instanceId!,
      name: instance.instanceName || instance.hostName,
      region: instance.regionId ?? region,
      ipAddresses: [...new Set(ips)],
      cpu: instance.cpu,
      memoryMib: instance.memory,
      // DescribeInstances does not report disks (DescribeDisks does).
      os: instance.OSName,
      chargeType: instance.instanceChargeType,
      createdAt: instance.creationTime,
      expiresAt: prepaid ? instance.expiredTime : undefined,
      owner:
        tags[this.options.ownerTag ?? 'owner'] || this.options.defaultOwner,
      tags,
    };
  }
}
