export { ApplicationMiddlewareCard } from './ApplicationMiddlewareCard';
