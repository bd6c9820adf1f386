import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  applicationReadPermission,
  MiddlewareInstallRequest,
  MiddlewareParameters,
  MiddlewareUpgradeRequest,
  serviceCreatePermission,
  serviceDeletePermission,
  serviceDeployPermission,
} from '@internal/plugin-app-platform-common';
import { ApplicationService } from '../applications/ApplicationService';
import { readableApplications } from '../permissions/applicationFilter';
import { ResourceGuards } from '../permissions/createResourceGuards';
import { AppPlatformRouter } from '../router';
import { MiddlewareInstances } from './MiddlewareInstances';

/**
 * Middleware instances: `/middleware/instances` (of every application the
 * caller may read) and `/applications/{name}/middleware/...`. Reads need
 * `app-platform.application.read`; an install and the plan of one need
 * `app-platform.service.create` on the application; an upgrade and its plan
 * `app-platform.service.deploy`, an uninstall `app-platform.service.delete`,
 * both on the instance (`<application>/<instance>`, owned like a service).
 * History and rollback are the services routes', by the instance's name.
 */
export function registerMiddlewareInstanceRoutes(options: {
  instances: MiddlewareInstances;
  applications: ApplicationService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  guards: ResourceGuards;
}) {
  const { instances, applications, httpAuth, permissions } = options;
  const { onApplication, onService } = options.guards;

  return (router: AppPlatformRouter) => {
    router.get('/middleware/instances', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const readable = await readableApplications({
        permissions,
        credentials,
        list: filter => applications.list(filter),
      });
      res.json({ items: await instances.list(readable) });
    });

    router.get('/applications/:name/middleware', async (req, res) => {
      await onApplication(req, req.params.name, applicationReadPermission);
      res.json({ items: await instances.list([req.params.name]) });
    });

    router.post('/applications/:name/middleware', async (req, res) => {
      const caller = await onApplication(
        req,
        req.params.name,
        serviceCreatePermission,
      );
      res.status(201).json(
        await instances.install(
          req.params.name,
          // A JSON body: its parameters are JSON values.
          req.body as MiddlewareInstallRequest,
          caller,
        ),
      );
    });

    router.get('/applications/:name/middleware/:instance', async (req, res) => {
      await onApplication(req, req.params.name, applicationReadPermission);
      res.json(await instances.get(req.params.name, req.params.instance));
    });

    router.post(
      '/applications/:name/middleware/:instance/plan',
      async (req, res) => {
        const { name, instance } = req.params;
        if (await instances.exists(name, instance)) {
          await onService(req, name, instance, serviceDeployPermission);
        } else {
          await onApplication(req, name, serviceCreatePermission);
        }
        res.json({
          clusters: await instances.plan(
            name,
            instance,
            req.body as { parameters?: MiddlewareParameters },
          ),
        });
      },
    );

    router.post(
      '/applications/:name/middleware/:instance/upgrade',
      async (req, res) => {
        const { name, instance } = req.params;
        const caller = await onService(
          req,
          name,
          instance,
          serviceDeployPermission,
        );
        res.json(
          await instances.upgrade(
            name,
            instance,
            req.body as MiddlewareUpgradeRequest,
            caller,
          ),
        );
      },
    );

    router.delete(
      '/applications/:name/middleware/:instance',
      async (req, res) => {
        const { name, instance } = req.params;
        const caller = await onService(
          req,
          name,
          instance,
          serviceDeletePermission,
        );
        const record = await instances.uninstall(
          name,
          instance,
          { deleteData: req.query.deleteData === 'true' },
          caller,
        );
        if (record) res.status(202).json(record);
        else res.status(204).end();
      },
    );
  };
}
