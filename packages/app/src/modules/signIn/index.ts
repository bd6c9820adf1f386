export { signInModule, viewerAuthApiRef } from './signInModule';
