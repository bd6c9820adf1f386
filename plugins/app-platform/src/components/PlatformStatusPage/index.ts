export { PlatformStatusPage } from './PlatformStatusPage';
