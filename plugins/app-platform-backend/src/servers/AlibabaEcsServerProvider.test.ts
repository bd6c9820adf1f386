import { ConfigReader } from '@backstage/config';
import { AlibabaEcsServerProvider } from './AlibabaEcsServerProvider';
import { FakeEcsApi } from './testing/FakeEcsApi';

function instance(n: number, extra: Record<string, unknown> = {}) {
  return {
    InstanceId: `i-bp${n}`,
    InstanceName: `web-${n}`,
    RegionId: 'cn-hangzhou',
    Cpu: 2,
    Memory: 4096,
    OSName: 'Alibaba Cloud Linux 3',
    InstanceChargeType: 'PrePaid',
    CreationTime: '2025-11-01T08:00Z',
    ExpiredTime: '2026-12-01T16:00Z',
    PublicIpAddress: { IpAddress: [`47.0.0.${n}`] },
    VpcAttributes: { PrivateIpAddress: { IpAddress: [`172.16.0.${n}`] } },
    Tags: { Tag: [{ TagKey: 'owner', TagValue: 'team-a' }] },
    ...extra,
  };
}

describe('AlibabaEcsServerProvider', () => {
  let api: FakeEcsApi;

  afterEach(async () => {
    await api?.stop();
  });

  it('pages through every region with the SDK and retries a throttled page', async () => {
    api = await FakeEcsApi.start({
      accessKeyId: 'LTAI-test-id',
      instances: {
        // 5 instances with 2 per page: 3 pages.
        'cn-hangzhou': [1, 2, 3, 4]
          .map(n => instance(n))
          .concat([
            instance(5, {
              InstanceChargeType: 'PostPaid',
              ExpiredTime: '2099-12-31T15:59Z',
              Tags: { Tag: [{ TagKey: 'env', TagValue: 'dev' }] },
            }),
          ]),
        'cn-shanghai': [
          instance(6, { RegionId: 'cn-shanghai', InstanceId: undefined }),
        ],
      },
    });
    const provider = AlibabaEcsServerProvider.fromConfig(
      new ConfigReader({
        name: 'aliyun',
        accessKeyId: 'LTAI-test-id',
        accessKeySecret: 'not-logged-secret',
        regions: ['cn-hangzhou', 'cn-shanghai'],
        endpoint: api.endpoint,
        protocol: 'http',
        defaultOwner: 'team-ops',
        pageSize: 2,
        retryBaseDelayMs: 10,
      }),
    );
    // The second page is throttled once; the provider backs off and retries.
    api.throttleRequest(2);

    const result = await provider.readServers();

    expect(api.requests.map(r => [r.region, r.nextToken, r.status])).toEqual([
      ['cn-hangzhou', undefined, 200],
      ['cn-hangzhou', '2', 400],
      ['cn-hangzhou', '2', 200],
      ['cn-hangzhou', '4', 200],
      ['cn-shanghai', undefined, 200],
    ]);
    expect(api.requests.every(r => r.maxResults === 2)).toBe(true);
    expect(result.servers.map(s => s.providerId)).toEqual([
      'i-bp1',
      'i-bp2',
      'i-bp3',
      'i-bp4',
      'i-bp5',
    ]);
    expect(result.servers[0]).toEqual({
      providerId: 'i-bp1',
      name: 'web-1',
      region: 'cn-hangzhou',
      ipAddresses: ['47.0.0.1', '172.16.0.1'],
      cpu: 2,
      memoryMib: 4096,
      os: 'Alibaba Cloud Linux 3',
      chargeType: 'PrePaid',
      createdAt: '2025-11-01T08:00Z',
      expiresAt: '2026-12-01T16:00Z',
      owner: 'team-a',
      tags: { owner: 'team-a' },
    });
    // Pay as you go: no expiry (ECS reports a placeholder), owner by default.
    expect(result.servers[4]).toMatchObject({
      chargeType: 'PostPaid',
      expiresAt: undefined,
      owner: 'team-ops',
    });
    expect(result.rejected).toEqual([
      { name: 'web-6', reason: 'instance without InstanceId' },
    ]);
  });

  it('gives up after its retries when throttling goes on', async () => {
    api = await FakeEcsApi.start({
      accessKeyId: 'id',
      instances: { 'cn-hangzhou': [instance(1)] },
    });
    const provider = AlibabaEcsServerProvider.create({
      name: 'aliyun',
      accessKeyId: 'id',
      accessKeySecret: 'secret',
      regions: ['cn-hangzhou'],
      endpoint: api.endpoint,
      protocol: 'http',
      maxRetries: 2,
      retryBaseDelayMs: 5,
    });
    api.throttleRequest(1);
    api.throttleRequest(2);
    api.throttleRequest(3);

    await expect(provider.readServers()).rejects.toMatchObject({
      code: 'Throttling.User',
    });
    expect(api.requests).toHaveLength(3);
  });

  it('does not retry other errors, such as a wrong access key', async () => {
    api = await FakeEcsApi.start({
      accessKeyId: 'right-id',
      instances: { 'cn-hangzhou': [instance(1)] },
    });
    const provider = AlibabaEcsServerProvider.create({
      name: 'aliyun',
      accessKeyId: 'wrong-id',
      accessKeySecret: 'secret',
      regions: ['cn-hangzhou'],
      endpoint: api.endpoint,
      protocol: 'http',
      retryBaseDelayMs: 5,
    });
    const error = await provider.readServers().catch(e => e);
    // Callers keep Alibaba's code; the message is cleaned of the key pair.
    expect(error).toMatchObject({
      code: 'SignatureDoesNotMatch',
      statusCode: 400,
    });
    expect(error.message).toContain('SignatureDoesNotMatch');
    expect(String(error.message)).not.toContain('secret');
    expect(String(error.message)).not.toContain('wrong-id');
    expect(String(error.message)).not.toMatch(/Signature=[0-9a-f]/);
    expect(String(error.stack)).not.toContain('wrong-id');
    expect(api.requests).toHaveLength(1);
  });
});
