export { appPlatformPlugin as default } from './plugin';
