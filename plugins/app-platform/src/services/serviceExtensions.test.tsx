import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { appPlatformPlugin } from '../plugin';
import {
  middlewareRolloutsContent,
  serviceDeploymentsContent,
} from './serviceExtensions';

const entity = (kind: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', namespace: 'payments', annotations },
});

const service = entity('Component', {
  'app-platform.io/application': 'payments',
  'app-platform.io/service': 'api',
});
const linkedComponent = entity('Component', {
  'app-platform.io/service-ref': 'payments/api',
});
const instance = entity('Resource', {
  'app-platform.io/application': 'payments',
  'app-platform.io/middleware': 'cache',
});
const cluster = entity('Resource', {
  'app-platform.io/cluster': 'production',
});
const application = entity('System', {
  'app-platform.io/application': 'payments',
});
const plainComponent = entity('Component', {});

// Both tabs come from the same blueprint, so have the same outputs.
type EntityContentTester = ReturnType<
  typeof createExtensionTester<typeof serviceDeploymentsContent.T>
>;

/** The tab's title and path, and which of the entities above it is shown on. */
function tab(tester: Pick<EntityContentTester, 'get'>) {
  const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
  // Without a filter the tab would be on every entity.
  if (!filter) throw new Error('The tab has no filter');
  return {
    title: tester.get(EntityContentBlueprint.dataRefs.title),
    path: tester.get(coreExtensionData.routePath),
    shownOn: [
      service,
      linkedComponent,
      instance,
      cluster,
      application,
      plainComponent,
    ].filter(e => filter(e)),
  };
}

describe('service extensions', () => {
  it("puts the Deployments tab on a platform service's Component and a Component linked to one", () => {
    expect(tab(createExtensionTester(serviceDeploymentsContent))).toEqual({
      title: 'Deployments',
      path: '/deployments',
      shownOn: [service, linkedComponent],
    });
  });

  it("puts the same page, titled Rollouts, on a middleware instance's Resource only", () => {
    expect(tab(createExtensionTester(middlewareRolloutsContent))).toEqual({
      title: 'Rollouts',
      path: '/rollouts',
      shownOn: [instance],
    });
  });

  it('are both part of the plugin', () => {
    for (const id of [
      'entity-content:app-platform/service-deployments',
      'entity-content:app-platform/middleware-rollouts',
    ] as const) {
      expect(appPlatformPlugin.getExtension(id)).toBeDefined();
    }
  });
});
