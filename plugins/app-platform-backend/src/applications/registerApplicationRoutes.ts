import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  applicationCreatePermission,
  applicationDeletePermission,
  applicationReadPermission,
  applicationUpdatePermission,
} from '@internal/plugin-app-platform-common';
import { actorOf, authorizeRequest } from '../permissions/authorizeRequest';
import { AppPlatformRouter } from '../router';
import { ApplicationService } from './ApplicationService';
import { NamespaceTemplates } from './NamespaceTemplates';

/** `/applications` and `/namespace-templates`. */
export function registerApplicationRoutes(options: {
  applications: ApplicationService;
  templates: NamespaceTemplates;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const { applications, templates, httpAuth, permissions } = options;
  return (router: AppPlatformRouter) => {
    router.get('/namespace-templates', async (_req, res) => {
      res.json({ items: templates.names() });
    });

    router.get('/applications', async (_req, res) => {
      res.json({ items: await applications.list() });
    });

    router.get('/applications/:name', async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const application = await applications.get(req.params.name);
      await authorizeRequest(permissions, credentials, {
        permission: applicationReadPermission,
        resourceRef: application.name,
      });
      res.json(application);
    });

    router.post('/applications', async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
      await authorizeRequest(permissions, credentials, { permission: applicationCreatePermission });
      const application = await applications.create(req.body, {
        actor: actorOf(credentials),
        credentials,
      });
      res.status(201).json(application);
    });

    router.patch('/applications/:name', async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
      await applications.get(req.params.name);
      await authorizeRequest(permissions, credentials, {
        permission: applicationUpdatePermission,
        resourceRef: req.params.name,
      });
      res.json(
        await applications.update(req.params.name, req.body, {
          actor: actorOf(credentials),
          credentials,
        }),
      );
    });

    router.delete('/applications/:name', async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
      await applications.get(req.params.name);
      await authorizeRequest(permissions, credentials, {
        permission: applicationDeletePermission,
        resourceRef: req.params.name,
      });
      await applications.delete(req.params.name, { actor: actorOf(credentials), credentials });
      res.status(204).end();
    });
  };
}
