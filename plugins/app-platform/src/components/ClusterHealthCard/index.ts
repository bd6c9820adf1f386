export { ClusterHealthCard } from './ClusterHealthCard';
