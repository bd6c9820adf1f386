export { ServiceDeploymentsContent } from './ServiceDeploymentsContent';
