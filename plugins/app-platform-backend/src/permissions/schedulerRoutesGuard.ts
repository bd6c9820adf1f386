import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { taskManagePermission } from '@internal/plugin-app-platform-common';
import express from 'express';
import { authorizeRequest } from './authorizeRequest';

/**
 * The routes through which Backstage's scheduler lets anyone signed in run
 * or stop a plugin's task now. Matched by an express router like the
 * scheduler's own (case-insensitive, trailing slash allowed), so every path
 * that reaches those handlers reaches this guard first.
 */
export const SCHEDULER_TASK_ACTION_PATHS = [
  '/.backstage/scheduler/v1/tasks/:id/trigger',
  '/.backstage/scheduler/v1/tasks/:id/cancel',
];

/** Middleware: 403 on the scheduler's trigger and cancel routes without `app-platform.task.manage`. */
export function createSchedulerRoutesGuard(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const router = express.Router();
  router.all(SCHEDULER_TASK_ACTION_PATHS, (req, _res, next) => {
    options.httpAuth
      .credentials(req, { allow: ['user', 'service'] })
      .then(credentials =>
        authorizeRequest(options.permissions, credentials, {
          permission: taskManagePermission,
        }),
      )
      .then(() => next(), next);
  });
  return router;
}

/**
 * Installs the guard on the plugin's HTTP router. Backstage's scheduler mounts
 * its routes on the same router when the scheduler service is created for the
 * plugin, and routes answer in the order they were mounted, so the plugin must
 * depend on this service *before* `coreServices.scheduler` (Backstage resolves
 * a plugin's dependencies one after another, in the order they are declared).
 * The plugin's tests check that a non-admin gets 403.
 */
export const schedulerRoutesGuardServiceRef = createServiceRef<{
  installed: true;
}>({
  id: 'app-platform.scheduler-routes-guard',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
      },
      factory({ httpRouter, httpAuth, permissions }) {
        httpRouter.use(createSchedulerRoutesGuard({ httpAuth, permissions }));
        return { installed: true as const };
      },
    }),
});
