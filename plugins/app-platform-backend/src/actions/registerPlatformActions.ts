import { PermissionsService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  applicationReadPermission,
  ClusterPlan,
  DeploymentRecord,
  serviceDeployPermission,
  serviceRollbackPermission,
  MiddlewareParameters,
  serviceCreatePermission,
  ServiceStatus,
} from '@internal/plugin-app-platform-common';
import { ApplicationService } from '../applications/ApplicationService';
import { DeployService } from '../deployments/DeployService';
import { MiddlewareInstances } from '../middleware/MiddlewareInstances';
import { applicationFilter } from '../permissions/applicationFilter';
import { ResourceGuards } from '../permissions/createResourceGuards';

type Zod = Parameters<
  Parameters<ActionsRegistryService['register']>[0]['schema']['input']
>[0];

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const name = (z: Zod, what: string) =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(NAME, `${what}: lowercase letters, digits and '-' (RFC 1123)`);

/** The part of a record an agent needs: what, where, how it went. */
function recordOutput(z: Zod) {
  return z.object({
    id: z.string(),
    action: z.string(),
    state: z.string(),
    version: z.number().optional(),
    summary: z.string(),
    createdBy: z.string(),
    targets: z.array(
      z.object({
        cluster: z.string(),
        state: z.string(),
        reason: z.string().optional(),
        message: z.string().optional(),
      }),
    ),
  });
}

function toRecordOutput(record: DeploymentRecord) {
  return {
    id: record.id,
    action: record.action,
    state: record.state,
    version: record.version,
    summary: record.summary,
    createdBy: record.createdBy,
    targets: record.targets.map(t => ({
      cluster: t.cluster,
      state: t.state,
      reason: t.reason,
      message: t.message,
    })),
  };
}

function planOutput(z: Zod) {
  return z.object({
    clusters: z.array(
      z.object({
        cluster: z.string(),
        error: z.string().optional(),
        objects: z.array(
          z.object({
            kind: z.string(),
            name: z.string(),
            action: z.string(),
            changes: z.array(
              z.object({
                path: z.string(),
                before: z.unknown().optional(),
                after: z.unknown().optional(),
              }),
            ),
          }),
        ),
      }),
    ),
  });
}

function toPlanOutput(plans: ClusterPlan[]) {
  return {
    clusters: plans.map(plan => ({
      cluster: plan.cluster,
      error: plan.error,
      objects: (plan.objects ?? []).map(o => ({
        kind: o.kind,
        name: o.name,
        action: o.action,
        // Secret values come redacted from the plan itself.
        changes: (o.changes ?? []).map(c => ({
          path: c.path,
          before: c.before,
          after: c.after,
        })),
      })),
    })),
  };
}

function statusOutput(z: Zod) {
  return z.object({
    state: z.string(),
    inFlight: z.string().optional(),
    clusters: z.array(
      z.object({
        cluster: z.string(),
        state: z.string(),
        version: z.number().optional(),
        reason: z.string().optional(),
        message: z.string().optional(),
        readyReplicas: z.number(),
        desiredReplicas: z.number(),
        drift: z.array(z.string()).optional(),
      }),
    ),
  });
}

function toStatusOutput(status: ServiceStatus) {
  return {
    state: status.state,
    inFlight: status.inFlight,
    clusters: status.clusters.map(c => ({
      cluster: c.cluster,
      state: c.state,
      version: c.version,
      reason: c.reason,
      message: c.message,
      readyReplicas: c.readyReplicas,
      desiredReplicas: c.desiredReplicas,
      drift: c.drift,
    })),
  };
}

/**
 * The platform's operations in Backstage's actions registry, so that the
 * MCP actions backend offers them to AI agents: list applications and
 * services, a service's status, plan, deploy and rollback. Each runs as
 * its caller, through the same permission checks and domain services as
 * the REST API; a deploy records intent and answers the record in flight.
 */
export function registerPlatformActions(options: {
  registry: ActionsRegistryService;
  applications: ApplicationService;
  deployments: DeployService;
  instances: MiddlewareInstances;
  permissions: PermissionsService;
  guards: ResourceGuards;
}) {
  const {
    registry,
    applications,
    deployments,
    instances,
    permissions,
    guards,
  } = options;

  registry.register({
    name: 'list-applications',
    title: 'List applications',
    description:
      'Lists the App Platform applications the caller may read: name, title, owner group and description. Each application is a namespace on every healthy cluster.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({}),
      output: z =>
        z.object({
          applications: z.array(
            z.object({
              name: z.string(),
              title: z.string().optional(),
              owner: z.string(),
              description: z.string().optional(),
            }),
          ),
        }),
    },
    action: async ({ credentials }) => {
      const [decision] = await permissions.authorizeConditional(
        [{ permission: applicationReadPermission }],
        { credentials },
      );
      const items = await applications.list(applicationFilter(decision));
      return {
        output: {
          applications: items.map(a => ({
            name: a.name,
            title: a.title,
            owner: a.owner,
            description: a.description,
          })),
        },
      };
    },
  });

  registry.register({
    name: 'list-services',
    title: 'List the services of an application',
    description:
      "Lists an application's services: name, description, whether other applications may reference it (public), its current version and whether it should run.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({ application: name(z, 'application') }),
      output: z =>
        z.object({
          services: z.array(
            z.object({
              name: z.string(),
              description: z.string().optional(),
              public: z.boolean(),
              currentVersion: z.number().optional(),
              desiredState: z.string(),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      await guards.applicationAs(
        credentials,
        input.application,
        applicationReadPermission,
      );
      const services = await deployments.listServices(input.application);
      return {
        output: {
          services: services.map(s => ({
            name: s.name,
            description: s.description,
            public: s.public,
            currentVersion: s.currentVersion,
            desiredState: s.desiredState,
          })),
        },
      };
    },
  });

  registry.register({
    name: 'get-service-status',
    title: 'Get the status of a service',
    description:
      "A service's state on every cluster (deploying, running, failed with the reason, stopped), the version each runs, ready pods and drift, from the platform's watch cache.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          application: name(z, 'application'),
          service: name(z, 'service'),
        }),
      output: statusOutput,
    },
    action: async ({ input, credentials }) => {
      await guards.applicationAs(
        credentials,
        input.application,
        applicationReadPermission,
      );
      return {
        output: toStatusOutput(
          await deployments.status(input.application, input.service),
        ),
      };
    },
  });

  const targetInput = (z: Zod) =>
    z
      .array(name(z, 'clusters'))
      .min(1)
      .max(100)
      .optional()
      .describe('Target clusters; every healthy cluster when absent.');

  registry.register({
    name: 'plan-deploy',
    title: 'Plan a deploy or rollback',
    description:
      'What deploying a new image (on the current version), a stored version, or the spec of an earlier record (a rollback) would change on each target cluster, object by object and field by field, from a server-side dry run. Changes nothing. Secret values are redacted.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          application: name(z, 'application'),
          service: name(z, 'service'),
          image: z.string().min(1).max(512).optional(),
          version: z.number().int().min(1).optional(),
          deployment: z
            .string()
            .uuid()
            .optional()
            .describe('An earlier record: plans the rollback to it.'),
          clusters: targetInput(z),
        }),
      output: planOutput,
    },
    action: async ({ input, credentials }) => {
      await guards.serviceAs(
        credentials,
        input.application,
        input.service,
        serviceDeployPermission,
      );
      return {
        output: toPlanOutput(
          await deployments.plan(input.application, input.service, {
            deployment: input.deployment,
            image: input.image,
            version: input.version,
            clusters: input.clusters,
          }),
        ),
      };
    },
  });

  registry.register({
    name: 'deploy',
    title: 'Deploy a service',
    description:
      'Deploys a new image (a new version: the current spec with the image replaced) or a stored version to the target clusters. Answers the deployment record at once, in flight; follow it with get-service-status. Refused while another deployment of the service is in flight. Plan it first with plan-deploy.',
    attributes: { destructive: true, idempotent: false },
    schema: {
      input: z =>
        z.object({
          application: name(z, 'application'),
          service: name(z, 'service'),
          image: z.string().min(1).max(512).optional(),
          version: z.number().int().min(1).optional(),
          clusters: targetInput(z),
          description: z
            .string()
            .max(4096)
            .optional()
            .describe('Why, shown in the history.'),
        }),
      output: z => z.object({ deployment: recordOutput(z) }),
    },
    action: async ({ input, credentials }) => {
      const caller = await guards.serviceAs(
        credentials,
        input.application,
        input.service,
        serviceDeployPermission,
      );
      const record = await deployments.deploy(
        input.application,
        input.service,
        {
          image: input.image,
          version: input.version,
          clusters: input.clusters,
          description: input.description,
        },
        caller,
      );
      return { output: { deployment: toRecordOutput(record) } };
    },
  });

  registry.register({
    name: 'rollback',
    title: 'Roll a service back',
    description:
      'Applies the spec of an earlier deployment record again, as a new record marked as its rollback, to the clusters it ran on (or those given). Plan it first with plan-deploy and its deployment id.',
    attributes: { destructive: true, idempotent: false },
    schema: {
      input: z =>
        z.object({
          application: name(z, 'application'),
          service: name(z, 'service'),
          deployment: z.string().uuid(),
          clusters: targetInput(z),
          description: z.string().max(4096).optional(),
        }),
      output: z => z.object({ deployment: recordOutput(z) }),
    },
    action: async ({ input, credentials }) => {
      const caller = await guards.serviceAs(
        credentials,
        input.application,
        input.service,
        serviceRollbackPermission,
      );
      const record = await deployments.rollback(
        input.application,
        input.service,
        input.deployment,
        { clusters: input.clusters, description: input.description },
        caller,
      );
      return { output: { deployment: toRecordOutput(record) } };
    },
  });

  registry.register({
    name: 'list-middleware',
    title: 'List the middleware instances of an application',
    description:
      "Lists an application's middleware instances (databases, caches, queues installed from the app store): definition, middleware version, state, whether the definition has an update, the services bound to each and the env vars a bound service receives.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({ application: name(z, 'application') }),
      output: z =>
        z.object({
          instances: z.array(
            z.object({
              name: z.string(),
              definition: z.string(),
              middlewareVersion: z.string(),
              state: z.string(),
              updateAvailable: z.boolean(),
              boundBy: z.array(z.string()),
              env: z.array(z.string()),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      await guards.applicationAs(
        credentials,
        input.application,
        applicationReadPermission,
      );
      const list = await instances.list([input.application]);
      return {
        output: {
          instances: list.map(i => ({
            name: i.name,
            definition: i.definition,
            middlewareVersion: i.middlewareVersion,
            state: i.state,
            updateAvailable: i.updateAvailable,
            boundBy: i.boundBy,
            env: i.connection.env.map(e => e.name),
          })),
        },
      };
    },
  });

  registry.register({
    name: 'install-middleware',
    title: 'Install middleware into an application',
    description:
      "Installs a middleware definition of the app store (redis, mysql, postgresql, mongodb, zookeeper, memcached, rabbitmq, nginx-gateway) into an application as a named instance, with parameters checked against the definition's schema (passwords are generated when not given and never answered). Answers the install record at once, in flight; follow it with get-service-status and the instance's name. A service uses it by binding it in a version (spec.bindings).",
    attributes: { destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          application: name(z, 'application'),
          name: name(z, 'name'),
          definition: name(z, 'definition'),
          parameters: z.record(z.unknown()).optional(),
          clusters: targetInput(z),
        }),
      output: z =>
        z.object({
          deployment: recordOutput(z),
          env: z.array(z.string()),
        }),
    },
    action: async ({ input, credentials }) => {
      const caller = await guards.applicationAs(
        credentials,
        input.application,
        serviceCreatePermission,
      );
      const { instance, deployment } = await instances.install(
        input.application,
        {
          name: input.name,
          definition: input.definition,
          parameters: input.parameters as MiddlewareParameters | undefined,
          clusters: input.clusters,
        },
        caller,
      );
      return {
        output: {
          deployment: toRecordOutput(deployment),
          env: instance.connection.env.map(e => e.name),
        },
      };
    },
  });
}
