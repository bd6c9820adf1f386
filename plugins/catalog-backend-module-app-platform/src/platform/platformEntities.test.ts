import { Service } from '@internal/plugin-app-platform-common';
import { serviceToEntity } from './platformEntities';

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

  it('has no dependsOn without references and clusters', () => {
    expect(serviceToEntity(service).spec).not.toHaveProperty('dependsOn');
  });
});
