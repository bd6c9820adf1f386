export { ServerExpiryCard } from './ServerExpiryCard';
