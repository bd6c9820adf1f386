import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createValidateNameAction } from './actions/createValidateNameAction';

/**
 * Scaffolder actions of the App Platform, used by the templates under
 * `templates/`.
 *
 * @public
 */
export const scaffolderModuleAppPlatform = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'app-platform',
  register(reg) {
    reg.registerInit({
      deps: { actions: scaffolderActionsExtensionPoint },
      async init({ actions }) {
        actions.addActions(createValidateNameAction());
      },
    });
  },
});
