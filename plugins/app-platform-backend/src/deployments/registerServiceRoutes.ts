import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  applicationReadPermission,
  applicationUpdatePermission,
  serviceCreatePermission,
  serviceDeletePermission,
  serviceDeployPermission,
  serviceRollbackPermission,
  serviceUpdatePermission,
  VersionSpec,
} from '@internal/plugin-app-platform-common';
import { ApplicationService } from '../applications/ApplicationService';
import { ApplicationTemplates } from '../services/ApplicationTemplates';
import { readableApplications } from '../permissions/applicationFilter';
import { ResourceGuards } from '../permissions/createResourceGuards';
import { AppPlatformRouter } from '../router';
import { DeployService } from './DeployService';

const DEFAULT_PAGE = 20;

/**
 * `/applications/{name}/services/...`: services, versions, plans, deployment
 * records, rollback, stop/start/delete and live status. Reads need
 * `app-platform.application.read` on the application; changes need the
 * service permissions on the service (`<application>/<service>`), whose
 * owner is the application's owner.
 */
export function registerServiceRoutes(options: {
  deployments: DeployService;
  templates: ApplicationTemplates;
  applications: ApplicationService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** The credential and permission checks (createResourceGuards). */
  guards: ResourceGuards;
}) {
  const { deployments, applications, httpAuth, permissions } = options;

  const { onApplication, onService } = options.guards;

  return (router: AppPlatformRouter) => {
    router.get('/applications/:name/service-templates', async (req, res) => {
      await onApplication(req, req.params.name, applicationReadPermission);
      res.json(await options.templates.list(req.params.name));
    });

    router.put(
      '/applications/:name/service-templates/:template',
      async (req, res) => {
        const caller = await onApplication(
          req,
          req.params.name,
          applicationUpdatePermission,
        );
        res.json(
          await options.templates.put(
            req.params.name,
            req.params.template,
            req.body.content,
            caller,
          ),
        );
      },
    );

    router.delete(
      '/applications/:name/service-templates/:template',
      async (req, res) => {
        const caller = await onApplication(
          req,
          req.params.name,
          applicationUpdatePermission,
        );
        await options.templates.delete(
          req.params.name,
          req.params.template,
          caller,
        );
        res.status(204).end();
      },
    );

    router.get('/services', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      // Only the services of applications the caller may read.
      const readable = await readableApplications({
        permissions,
        credentials,
        list: filter => applications.list(filter),
      });
      res.json({ items: await deployments.listServicesOf(readable) });
    });

    router.get('/applications/:name/status', async (req, res) => {
      await onApplication(req, req.params.name, applicationReadPermission);
      res.json(await deployments.applicationStatus(req.params.name));
    });

    router.get('/applications/:name/services', async (req, res) => {
      await onApplication(req, req.params.name, applicationReadPermission);
      res.json({ items: await deployments.listServices(req.params.name) });
    });

    router.post('/applications/:name/services', async (req, res) => {
      const caller = await onApplication(
        req,
        req.params.name,
        serviceCreatePermission,
      );
      res
        .status(201)
        .json(
          await deployments.createService(req.params.name, req.body, caller),
        );
    });

    router.get('/applications/:name/services/:service', async (req, res) => {
      await onApplication(req, req.params.name, applicationReadPermission);
      res.json(
        await deployments.getService(req.params.name, req.params.service),
      );
    });

    router.patch('/applications/:name/services/:service', async (req, res) => {
      const caller = await onService(
        req,
        req.params.name,
        req.params.service,
        serviceUpdatePermission,
      );
      res.json(
        await deployments.updateService(
          req.params.name,
          req.params.service,
          req.body,
          caller,
        ),
      );
    });

    router.delete('/applications/:name/services/:service', async (req, res) => {
      const caller = await onService(
        req,
        req.params.name,
        req.params.service,
        serviceDeletePermission,
      );
      const record = await deployments.deleteService(
        req.params.name,
        req.params.service,
        caller,
      );
      if (record) res.status(202).json(record);
      else res.status(204).end();
    });

    router.get(
      '/applications/:name/services/:service/status',
      async (req, res) => {
        await onApplication(req, req.params.name, applicationReadPermission);
        res.json(await deployments.status(req.params.name, req.params.service));
      },
    );

    router.get(
      '/applications/:name/services/:service/versions',
      async (req, res) => {
        await onApplication(req, req.params.name, applicationReadPermission);
        await deployments.getService(req.params.name, req.params.service);
        res.json({
          items: await deployments.listVersions(
            req.params.name,
            req.params.service,
            {
              limit: req.query.limit ?? DEFAULT_PAGE,
              before: req.query.before,
            },
          ),
        });
      },
    );

    router.post(
      '/applications/:name/services/:service/versions',
      async (req, res) => {
        const caller = await onService(
          req,
          req.params.name,
          req.params.service,
          serviceDeployPermission,
        );
        res
          .status(201)
          .json(
            await deployments.addVersion(
              req.params.name,
              req.params.service,
              req.body.spec as VersionSpec,
              caller,
            ),
          );
      },
    );

    router.post(
      '/applications/:name/services/:service/plan',
      async (req, res) => {
        await onService(
          req,
          req.params.name,
          req.params.service,
          serviceDeployPermission,
        );
        res.json({
          clusters: await deployments.plan(
            req.params.name,
            req.params.service,
            { ...req.body, spec: req.body.spec as VersionSpec | undefined },
          ),
        });
      },
    );

    router.get(
      '/applications/:name/services/:service/deployments',
      async (req, res) => {
        await onApplication(req, req.params.name, applicationReadPermission);
        await deployments.getService(req.params.name, req.params.service);
        res.json(
          await deployments.history(req.params.name, req.params.service, {
            limit: req.query.limit ?? DEFAULT_PAGE,
            before: req.query.before,
            cluster: req.query.cluster,
            state: req.query.state,
          }),
        );
      },
    );

    router.post(
      '/applications/:name/services/:service/deployments',
      async (req, res) => {
        const caller = await onService(
          req,
          req.params.name,
          req.params.service,
          serviceDeployPermission,
        );
        res
          .status(202)
          .json(
            await deployments.deploy(
              req.params.name,
              req.params.service,
              req.body,
              caller,
            ),
          );
      },
    );

    router.get(
      '/applications/:name/services/:service/deployments/:deployment',
      async (req, res) => {
        await onApplication(req, req.params.name, applicationReadPermission);
        res.json(
          await deployments.getRecord(
            req.params.name,
            req.params.service,
            req.params.deployment,
          ),
        );
      },
    );

    router.get(
      '/applications/:name/services/:service/deployments/:deployment/events',
      async (req, res) => {
        await onApplication(req, req.params.name, applicationReadPermission);
        res.json({
          items: await deployments.events(
            req.params.name,
            req.params.service,
            req.params.deployment,
          ),
        });
      },
    );

    router.get(
      '/applications/:name/services/:service/deployments/:deployment/diff',
      async (req, res) => {
        await onApplication(req, req.params.name, applicationReadPermission);
        res.json(
          await deployments.compare(
            req.params.name,
            req.params.service,
            req.params.deployment,
            req.query.against,
          ),
        );
      },
    );

    // Both apply an earlier record's spec again, as a new record naming it.
    const fromRecord = [
      { action: 'rollback', permission: serviceRollbackPermission },
      { action: 'promote', permission: serviceDeployPermission },
    ] as const;
    for (const { action, permission } of fromRecord) {
      router.post(
        `/applications/:name/services/:service/deployments/:deployment/${action}`,
        async (req, res) => {
          const caller = await onService(
            req,
            req.params.name,
            req.params.service,
            permission,
          );
          res
            .status(202)
            .json(
              await deployments[action](
                req.params.name,
                req.params.service,
                req.params.deployment,
                req.body ?? {},
                caller,
              ),
            );
        },
      );
    }

    for (const action of ['stop', 'start'] as const) {
      router.post(
        `/applications/:name/services/:service/${action}`,
        async (req, res) => {
          const caller = await onService(
            req,
            req.params.name,
            req.params.service,
            serviceDeployPermission,
          );
          res
            .status(202)
            .json(
              await deployments.setRunning(
                req.params.name,
                req.params.service,
                action === 'start',
                caller,
              ),
            );
        },
      );
    }
  };
}
