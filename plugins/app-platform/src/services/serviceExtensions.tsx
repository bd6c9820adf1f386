import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { platformServiceOf } from './platformServiceOf';

/** The "Deployments" tab of a platform service's Component, or of an existing Component linked to one. */
export const serviceDeploymentsContent = EntityContentBlueprint.make({
  name: 'service-deployments',
  params: {
    path: '/deployments',
    title: 'Deployments',
    filter: entity => Boolean(platformServiceOf(entity)),
    loader: () =>
      import('../components/ServiceDeployments').then(m => (
        <m.ServiceDeploymentsContent />
      )),
  },
});

/** The service extensions of the plugin. */
export const serviceExtensions = [serviceDeploymentsContent];
