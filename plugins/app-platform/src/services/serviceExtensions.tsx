import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** The "Deployments" tab of a platform service's Component entity. */
export const serviceDeploymentsContent = EntityContentBlueprint.make({
  name: 'service-deployments',
  params: {
    path: '/deployments',
    title: 'Deployments',
    filter: entity =>
      entity.kind.toLowerCase() === 'component' &&
      Boolean(entity.metadata.annotations?.['app-platform.io/service']) &&
      Boolean(entity.metadata.annotations?.['app-platform.io/application']),
    loader: () =>
      import('../components/ServiceDeployments').then(m => (
        <m.ServiceDeploymentsContent />
      )),
  },
});

/** The service extensions of the plugin. */
export const serviceExtensions = [serviceDeploymentsContent];
