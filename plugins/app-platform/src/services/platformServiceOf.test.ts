import { platformServiceOf } from './platformServiceOf';

const entity = (annotations: Record<string, string>, kind = 'Component') => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
});

describe('platformServiceOf', () => {
  it('reads the catalog module annotations and the link of an existing Component', () => {
    expect(
      platformServiceOf(
        entity({
          'app-platform.io/application': 'shop',
          'app-platform.io/service': 'web',
        }),
      ),
    ).toEqual({ application: 'shop', service: 'web' });
    expect(
      platformServiceOf(entity({ 'app-platform.io/service-ref': 'shop/web' })),
    ).toEqual({
      application: 'shop',
      service: 'web',
    });
  });

  it("reads a middleware instance's Resource as the catalog module writes it", () => {
    expect(
      platformServiceOf(
        entity(
          {
            'app-platform.io/application': 'payments',
            'app-platform.io/middleware': 'cache',
            'app-platform.io/middleware-definition': 'redis',
          },
          'Resource',
        ),
      ),
    ).toEqual({
      application: 'payments',
      service: 'cache',
      kind: 'middleware',
    });
  });

  it('is undefined for anything else', () => {
    expect(platformServiceOf(entity({}))).toBeUndefined();
    expect(
      platformServiceOf(entity({ 'app-platform.io/service-ref': 'no slash' })),
    ).toBeUndefined();
    expect(
      platformServiceOf(
        entity({ 'app-platform.io/application': 'shop' }, 'System'),
      ),
    ).toBeUndefined();
    // A cluster's or a server's Resource, and a Resource naming no application.
    expect(
      platformServiceOf(
        entity({ 'app-platform.io/cluster': 'production' }, 'Resource'),
      ),
    ).toBeUndefined();
    expect(
      platformServiceOf(
        entity({ 'app-platform.io/middleware': 'cache' }, 'Resource'),
      ),
    ).toBeUndefined();
    // The annotations belong to their kinds: a service's on a Resource, an instance's on a Component.
    expect(
      platformServiceOf(
        entity(
          {
            'app-platform.io/application': 'shop',
            'app-platform.io/service': 'web',
          },
          'Resource',
        ),
      ),
    ).toBeUndefined();
    expect(
      platformServiceOf(
        entity({
          'app-platform.io/application': 'payments',
          'app-platform.io/middleware': 'cache',
        }),
      ),
    ).toBeUndefined();
  });
});
