import {
  MiddlewareInstance,
  Service,
} from '@internal/plugin-app-platform-common';
import {
  middlewareInstanceToEntity,
  serviceToEntity,
} from './platformEntities';

const service: Service = {
  application: 'shop',
  name: 'web',
  public: false,
  owner: 'group:default/team-a',
  createdAt: '2026-11-24T10:00:00Z',
  createdBy: 'user:default/alice',
  desiredState: 'running',
};

describe('serviceToEntity', () => {
  it('makes a service a Component of its application, depending on the services it references and the clusters it runs on', () => {
    const entity = serviceToEntity({
      ...service,
      references: [
        { application: 'pay', service: 'api' },
        { application: 'search', service: 'query' },
      ],
      clusters: ['production', 'test'],
    });
    expect(entity).toMatchObject({
      kind: 'Component',
      metadata: {
        name: 'web',
        namespace: 'shop',
        tags: ['app-platform'],
        annotations: {
          'app-platform.io/application': 'shop',
          'app-platform.io/service': 'web',
          'backstage.io/kubernetes-id': 'web',
          'backstage.io/kubernetes-namespace': 'shop',
          'backstage.io/kubernetes-label-selector':
            'app-platform.io/service=web',
        },
      },
      spec: {
        type: 'service',
        owner: 'group:default/team-a',
        system: 'system:default/shop',
        dependsOn: [
          'component:pay/api',
          'component:search/query',
          'resource:default/cluster-production',
          'resource:default/cluster-test',
        ],
      },
    });
  });

  it('depends on the middleware instances of its application that it binds', () => {
    expect(
      serviceToEntity(
        {
          ...service,
          references: [{ application: 'pay', service: 'api' }],
          clusters: ['test'],
        },
        ['cache', 'orders-db'],
      ).spec?.dependsOn,
    ).toEqual([
      'component:pay/api',
      'resource:shop/cache',
      'resource:shop/orders-db',
      'resource:default/cluster-test',
    ]);
  });

  it('has no dependsOn without references, bindings and clusters', () => {
    expect(serviceToEntity(service).spec).not.toHaveProperty('dependsOn');
    expect(serviceToEntity(service, []).spec).not.toHaveProperty('dependsOn');
  });
});

const instance: MiddlewareInstance = {
  application: 'shop',
  name: 'cache',
  definition: 'redis',
  title: 'Redis',
  digest: 'sha256:1',
  updateAvailable: false,
  middlewareVersion: '7.2',
  parameters: { version: '7.2', size: 'small' },
  currentVersion: 1,
  desiredState: 'running',
  state: 'running',
  clusters: [],
  connection: { host: 'cache.shop.svc', port: 6379, env: [] },
  boundBy: [],
  createdAt: '2026-11-26T10:00:00Z',
  createdBy: 'user:default/alice',
};

describe('middlewareInstanceToEntity', () => {
  it('makes an instance a Resource of its application, a dependency of the services bound to it', () => {
    const entity = middlewareInstanceToEntity(
      {
        ...instance,
        updateAvailable: true,
        boundBy: ['web', 'worker'],
        clusters: [
          {
            cluster: 'production',
            state: 'running',
            readyReplicas: 1,
            desiredReplicas: 1,
            updatedReplicas: 1,
          },
        ],
      },
      'group:default/team-a',
    );
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'cache',
        namespace: 'shop',
        description: 'Redis',
        annotations: {
          'backstage.io/managed-by-location':
            'app-platform:applications/shop/middleware/cache',
          'backstage.io/managed-by-origin-location':
            'app-platform:applications/shop/middleware/cache',
          'app-platform.io/application': 'shop',
          'app-platform.io/middleware': 'cache',
          'app-platform.io/middleware-definition': 'redis',
          'app-platform.io/middleware-version': '7.2',
          'app-platform.io/middleware-update-available': 'true',
          'backstage.io/kubernetes-id': 'cache',
          'backstage.io/kubernetes-namespace': 'shop',
          'backstage.io/kubernetes-label-selector':
            'app-platform.io/middleware=cache',
        },
        tags: ['app-platform', 'middleware', 'redis'],
      },
      spec: {
        type: 'middleware:redis',
        lifecycle: 'production',
        owner: 'group:default/team-a',
        system: 'system:default/shop',
        dependencyOf: ['component:shop/web', 'component:shop/worker'],
        dependsOn: ['resource:default/cluster-production'],
      },
    });
  });

  it('names a bound service by the Component that stands for it', () => {
    const entity = middlewareInstanceToEntity(
      { ...instance, boundBy: ['web', 'api'] },
      'group:default/team-a',
      name =>
        name === 'api'
          ? 'component:default/shop-api'
          : `component:shop/${name}`,
    );
    expect(entity.spec?.dependencyOf).toEqual([
      'component:shop/web',
      'component:default/shop-api',
    ]);
  });

  it('is described by the definition when its title is gone, and has no relations while unbound and nowhere', () => {
    const entity = middlewareInstanceToEntity(
      { ...instance, title: undefined, definition: 'nginx-gateway' },
      'group:default/team-a',
    );
    expect(entity.metadata.description).toBe('nginx-gateway');
    expect(entity.metadata.annotations).toMatchObject({
      'app-platform.io/middleware-update-available': 'false',
    });
    expect(entity.spec).toEqual({
      type: 'middleware:nginx-gateway',
      lifecycle: 'production',
      owner: 'group:default/team-a',
      system: 'system:default/shop',
    });
  });
});
