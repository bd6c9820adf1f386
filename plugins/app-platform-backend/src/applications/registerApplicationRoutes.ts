import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { Request } from 'express';
import {
  applicationAdoptPermission,
  applicationCreatePermission,
  applicationDeletePermission,
  applicationReadPermission,
  applicationUpdatePermission,
} from '@internal/plugin-app-platform-common';
import {
  actorOf,
  authorizeRequest,
  authorizeResource,
} from '../permissions/authorizeRequest';
import { applicationFilter } from '../permissions/applicationFilter';
import { AppPlatformRouter } from '../router';
import { ApplicationService } from './ApplicationService';
import { NamespaceTemplates } from './NamespaceTemplates';

/** `/applications` and `/namespace-templates`. */
export function registerApplicationRoutes(options: {
  applications: ApplicationService;
  templates: NamespaceTemplates;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Applies a policy decision to an application (the plugin's owner rules). */
  isAllowed: (
    decision: PolicyDecision,
    application: { owner: string },
  ) => boolean;
}) {
  const { applications, templates, httpAuth, permissions, isAllowed } = options;

  /** Loads the application (404 first) and checks the permission on it. */
  async function authorizeOn(
    req: Request,
    name: string,
    permission: ResourcePermission,
  ) {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const application = await applications.get(name);
    await authorizeResource(permissions, credentials, {
      permission,
      resourceRef: name,
      resource: application,
      isAllowed,
    });
    return { credentials, application };
  }

  return (router: AppPlatformRouter) => {
    // The templates are for creating applications: who may create one may list them.
    router.get('/namespace-templates', async (req, res) => {
      await authorizeRequest(
        permissions,
        await httpAuth.credentials(req, { allow: ['user', 'service'] }),
        { permission: applicationCreatePermission },
      );
      res.json({ items: templates.names() });
    });

    router.get('/applications', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      // The decision becomes a where clause: the list holds only what the
      // caller may read, however many applications there are.
      const [decision] = await permissions.authorizeConditional(
        [{ permission: applicationReadPermission }],
        { credentials },
      );
      res.json({ items: await applications.list(applicationFilter(decision)) });
    });

    router.get('/applications/:name', async (req, res) => {
      const { application } = await authorizeOn(
        req,
        req.params.name,
        applicationReadPermission,
      );
      res.json(application);
    });

    router.post('/applications', async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      await authorizeRequest(permissions, credentials, {
        permission: applicationCreatePermission,
      });
      if (req.body.adopt) {
        await authorizeRequest(permissions, credentials, {
          permission: applicationAdoptPermission,
        });
      }
      const application = await applications.create(req.body, {
        actor: actorOf(credentials),
        credentials,
      });
      res.status(201).json(application);
    });

    router.patch('/applications/:name', async (req, res) => {
      const { credentials } = await authorizeOn(
        req,
        req.params.name,
        applicationUpdatePermission,
      );
      res.json(
        await applications.update(req.params.name, req.body, {
          actor: actorOf(credentials),
          credentials,
        }),
      );
    });

    router.delete('/applications/:name', async (req, res) => {
      const { credentials } = await authorizeOn(
        req,
        req.params.name,
        applicationDeletePermission,
      );
      const remaining = await applications.delete(req.params.name, {
        actor: actorOf(credentials),
        credentials,
      });
      if (remaining) {
        res.status(202).json(remaining);
      } else {
        res.status(204).end();
      }
    });
  };
}
