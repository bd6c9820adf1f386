import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import {
  Application,
  applicationUpdatePermission,
  checkResourceName,
} from '@internal/plugin-app-platform-common';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { describeError } from '../../api/describeError';
import { httpStatusOf } from '../httpStatusOf';
import { ownerLabel } from './ownerLabel';

/**
 * Checks an ApplicationPicker value where the backend decides: the
 * application exists, is not being deleted, and the user may change it. The
 * form runs this before it moves on, so a value that came from the URL or
 * went stale since the list loaded is caught before the task starts.
 */
export const validateApplication: CustomFieldValidator<string> = async (
  value,
  validation,
  { apiHolder },
) => {
  if (typeof value !== 'string' || value === '') {
    validation.addError(
      'Choose an application you may change: one your team owns, or any if you are a platform admin.',
    );
    return;
  }
  const nameProblem = checkResourceName(value);
  if (nameProblem) {
    validation.addError(
      `“${value}” cannot be an application name: it ${nameProblem}.`,
    );
    return;
  }
  const client = apiHolder.get(appPlatformApiRef);
  const permissionApi = apiHolder.get(permissionApiRef);
  if (!client || !permissionApi) {
    throw new Error(
      'The App Platform or permission API is missing from the app; the application cannot be checked.',
    );
  }
  let application: Application;
  try {
    application = await client.getApplication(value);
  } catch (error) {
    validation.addError(
      httpStatusOf(error) === 404
        ? `There is no application “${value}”; choose one from the list.`
        : `Application “${value}” could not be checked: ${describeError(
            error,
          )}`,
    );
    return;
  }
  if (application.deletionRequestedAt) {
    validation.addError(
      `Application “${value}” is being deleted; choose another one.`,
    );
    return;
  }
  const decision = await permissionApi.authorize({
    permission: applicationUpdatePermission,
    resourceRef: value,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    validation.addError(
      `You may not change application “${value}”: only members of its owner (${ownerLabel(
        application.owner,
      )}) and platform admins may.`,
    );
  }
};
