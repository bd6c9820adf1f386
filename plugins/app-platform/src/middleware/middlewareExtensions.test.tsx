import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { appPlatformPlugin } from '../plugin';
import { appStorePage, appStoreRouteRef } from './middlewareExtensions';

describe('appStorePage', () => {
  it('is the App Store page at /app-platform/app-store, with a nav item', () => {
    const tester = createExtensionTester(appStorePage);
    expect(tester.get(coreExtensionData.routePath)).toBe(
      '/app-platform/app-store',
    );
    expect(tester.get(coreExtensionData.routeRef)).toBe(appStoreRouteRef);
    // A title and an icon make the page a nav item.
    expect(tester.get(coreExtensionData.title)).toBe('App Store');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });

  it('is part of the plugin, its route exposed for other plugins to link to', () => {
    expect(appPlatformPlugin.routes.appStore).toBe(appStoreRouteRef);
  });
});
