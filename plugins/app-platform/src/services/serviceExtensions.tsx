import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { platformServiceOf } from './platformServiceOf';

const loader = () =>
  import('../components/ServiceDeployments').then(m => (
    <m.ServiceDeploymentsContent />
  ));

/** The "Deployments" tab of a platform service's Component, or of an existing Component linked to one. */
export const serviceDeploymentsContent = EntityContentBlueprint.make({
  name: 'service-deployments',
  params: {
    path: '/deployments',
    title: 'Deployments',
    filter: entity => {
      const service = platformServiceOf(entity);
      return Boolean(service) && service?.kind !== 'middleware';
    },
    loader,
  },
});

/**
 * The same page on a middleware instance's Resource: its state per cluster,
 * history, diff and rollback. Named apart because an instance is installed
 * and upgraded, not deployed, and the page offers no deploy.
 */
export const middlewareRolloutsContent = EntityContentBlueprint.make({
  name: 'middleware-rollouts',
  params: {
    path: '/rollouts',
    title: 'Rollouts',
    filter: entity => platformServiceOf(entity)?.kind === 'middleware',
    loader,
  },
});

/** The service extensions of the plugin. */
export const serviceExtensions = [
  serviceDeploymentsContent,
  middlewareRolloutsContent,
];
