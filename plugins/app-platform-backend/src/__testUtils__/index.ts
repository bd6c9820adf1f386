/**
 * The platform as the tests of other packages start it (the scaffolder
 * module's actions call its REST API): `@internal/plugin-app-platform-backend/testUtils`.
 */
export {
  ADMIN,
  ALICE,
  BOB,
  as,
  policyPermissionsService,
  startTestPlatform,
  testPolicy,
} from './startTestPlatform';
export {
  apiClient,
  kubeFor,
  platformConfig,
  shopWithWebRunning,
  spec,
  startSandboxes,
} from './serviceScenario';
export type { Call } from './serviceScenario';
export { waitFor } from './waitFor';
