import { describeMiddlewareSpec, shortDigest } from './describeMiddlewareSpec';

describe('describeMiddlewareSpec', () => {
  it('names the definition, the digest short and every parameter', () => {
    expect(
      describeMiddlewareSpec({
        middleware: {
          definition: 'redis',
          digest: 'sha256:0123456789abcdef0123',
          parameters: {
            version: '7.4',
            replicas: 2,
            persistence: { enabled: true, size: '1Gi' },
          },
        },
      }),
    ).toBe(
      'redis · digest 0123456789ab · version=7.4, replicas=2, persistence={"enabled":true,"size":"1Gi"}',
    );
  });

  it('says nothing of parameters when there are none', () => {
    expect(
      describeMiddlewareSpec({
        middleware: { definition: 'memcached', digest: 'abc', parameters: {} },
      }),
    ).toBe('memcached · digest abc');
  });
});

describe('shortDigest', () => {
  it('drops the algorithm and keeps 12 characters', () => {
    expect(shortDigest('sha256:ffffeeeeddddccccbbbb')).toBe('ffffeeeedddd');
  });
});
