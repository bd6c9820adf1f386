import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createApplicationAction } from './actions/createApplicationAction';
import { createDeployVersionAction } from './actions/createDeployVersionAction';
import { createInstallMiddlewareAction } from './actions/createInstallMiddlewareAction';
import { createServiceAction } from './actions/createServiceAction';
import { createValidateNameAction } from './actions/createValidateNameAction';
import { createPlatformAccess } from './actions/platformAccess';

/**
 * Scaffolder actions of the App Platform, used by the templates under
 * `templates/`. They act on behalf of the user who runs the template,
 * through the App Platform's REST API.
 *
 * @public
 */
export const scaffolderModuleAppPlatform = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'app-platform',
  register(reg) {
    reg.registerInit({
      deps: {
        actions: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        permissions: coreServices.permissions,
      },
      async init({ actions, auth, discovery, permissions }) {
        const access = createPlatformAccess({ auth, discovery });
        actions.addActions(
          createValidateNameAction(),
          createApplicationAction({ access, permissions }),
          createServiceAction({ access, permissions }),
          createDeployVersionAction({ access, permissions }),
          createInstallMiddlewareAction({ access, permissions }),
        );
      },
    });
  },
});
