import {
  APP_PLATFORM_ANNOTATIONS,
  APP_PLATFORM_LABELS,
  DeploySpec,
  isMiddlewareSpec,
  MiddlewareEnvVar,
  VersionSpec,
} from '@internal/plugin-app-platform-common';
import { KubernetesObject } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { OwnedObjects } from '../ownership/OwnedObjects';
import { InputError } from '@backstage/errors';
import { renderVersion } from '../services/renderVersion';
import { ServiceTemplateStore } from '../services/ServiceTemplateStore';
import {
  ServiceTemplate,
  ServiceTemplates,
} from '../services/ServiceTemplates';
import {
  MiddlewareRenderer,
  PreparedMiddleware,
} from '../middleware/MiddlewareRenderer';

/** What a render reads from the database, read beforehand (`prepare`). */
export type PreparedRender =
  | { template: ServiceTemplate; bindingEnv: MiddlewareEnvVar[] }
  | { middleware: PreparedMiddleware };

/** What a version of a service renders to, ready to apply. */
export type RenderedVersion = {
  /** In creation order, stamped with our labels and the record's annotations. */
  objects: KubernetesObject[];
  /** A digest of the objects without the record id: equal specs, equal hash. */
  specHash: string;
};

/** The workloads the platform deployed as services carry this label value. */
export const SERVICE_COMPONENT = 'service';
/** ...and those of middleware instances this one. */
export const MIDDLEWARE_COMPONENT = 'middleware';

/**
 * Renders a version with its service template and marks the objects as the
 * platform's: the installation label (ownership), the service label (which
 * service of the namespace owns a name), the spec hash (cheap drift check by
 * the reconciler) and the record that applied them.
 */
export class VersionRenderer {
  private constructor(
    private readonly templates: ServiceTemplates,
    private readonly applicationTemplates: ServiceTemplateStore,
    private readonly owned: OwnedObjects,
    private readonly middleware: MiddlewareRenderer,
  ) {}

  static create(options: {
    templates: ServiceTemplates;
    applicationTemplates: ServiceTemplateStore;
    owned: OwnedObjects;
    middleware: MiddlewareRenderer;
  }): VersionRenderer {
    return new VersionRenderer(
      options.templates,
      options.applicationTemplates,
      options.owned,
      options.middleware,
    );
  }

  /**
   * Reads what rendering the spec needs: the service template and the
   * connection settings of its bindings, or an instance's definition and
   * secrets. A render inside a transaction gets it up front.
   */
  async prepare(
    application: string,
    service: string,
    spec: DeploySpec,
  ): Promise<PreparedRender> {
    if (isMiddlewareSpec(spec)) {
      return {
        middleware: await this.middleware.prepare(application, service, spec),
      };
    }
    const [template, bindingEnv] = await Promise.all([
      this.template(application, spec.template ?? 'default'),
      this.middleware.bindingEnv(application, spec.bindings ?? []),
    ]);
    const own = new Set((spec.env ?? []).map(e => e.name));
    const clash = bindingEnv.find(e => own.has(e.name));
    if (clash) {
      throw new InputError(
        `spec.env: ${clash.name} is also what a binding sets; rename it or remove the binding`,
      );
    }
    return { template, bindingEnv };
  }

  /** The built-in template of that name, else the application's own. */
  async template(application: string, name: string): Promise<ServiceTemplate> {
    if (this.templates.has(name)) return this.templates.get(name);
    const own = await this.applicationTemplates.get(application, name);
    if (!own) {
      throw new InputError(
        `spec.template: "${name}" is neither a service template of the platform (${this.templates
          .names()
          .join(', ')}) nor one of application "${application}"`,
      );
    }
    return this.templates.parse(name, own.content);
  }

  async render(input: {
    application: string;
    service: string;
    version: number;
    spec: DeploySpec;
    deploymentId?: string;
    /** Already read, e.g. inside a transaction that must not read outside it. */
    prepared?: PreparedRender;
  }): Promise<RenderedVersion> {
    const prepared =
      input.prepared ??
      (await this.prepare(input.application, input.service, input.spec));
    const rendered = (
      'middleware' in prepared
        ? this.middleware.render({
            application: input.application,
            instance: input.service,
            spec: input.spec as Extract<DeploySpec, { middleware: unknown }>,
            prepared: prepared.middleware,
          }).objects
        : renderVersion({
            application: input.application,
            service: input.service,
            version: input.version,
            spec: withBindingEnv(
              input.spec as VersionSpec,
              prepared.bindingEnv,
            ),
            template: prepared.template,
          })
    ).map(object =>
      'middleware' in prepared
        ? this.stamp(object, input.service, MIDDLEWARE_COMPONENT, {
            // As a service's pods say which version they run (renderVersion).
            [APP_PLATFORM_LABELS.version]: String(input.version),
          })
        : this.stamp(object, input.service, SERVICE_COMPONENT),
    );
    const specHash = createHash('sha256')
      .update(JSON.stringify(rendered))
      .digest('hex')
      .slice(0, 16);
    const objects = rendered.map(object => ({
      ...object,
      metadata: {
        ...object.metadata,
        annotations: {
          ...object.metadata?.annotations,
          [APP_PLATFORM_ANNOTATIONS.specHash]: specHash,
          ...(input.deploymentId
            ? { [APP_PLATFORM_ANNOTATIONS.deployment]: input.deploymentId }
            : {}),
        },
      },
    }));
    return { objects, specHash };
  }

  private stamp(
    object: KubernetesObject,
    service: string,
    component: string,
    podLabels: Record<string, string> = {},
  ): KubernetesObject {
    const labels = {
      ...this.owned.ownershipLabels(),
      [APP_PLATFORM_LABELS.component]: component,
      [APP_PLATFORM_LABELS.service]: service,
    };
    const stamped: any = {
      ...object,
      metadata: {
        ...object.metadata,
        labels: { ...object.metadata?.labels, ...labels },
      },
    };
    // The status cache selects ReplicaSets and Pods by the same labels, and
    // they inherit them from the pod template.
    if (
      (stamped.kind === 'Deployment' || stamped.kind === 'StatefulSet') &&
      stamped.spec?.template
    ) {
      stamped.spec = {
        ...stamped.spec,
        template: {
          ...stamped.spec.template,
          metadata: {
            ...stamped.spec.template.metadata,
            labels: {
              ...stamped.spec.template.metadata?.labels,
              ...labels,
              ...podLabels,
            },
          },
        },
      };
    }
    return stamped;
  }
}

/** The bindings' env vars after the version's own. */
function withBindingEnv(
  spec: VersionSpec,
  bindingEnv: MiddlewareEnvVar[],
): VersionSpec {
  return bindingEnv.length
    ? { ...spec, env: [...(spec.env ?? []), ...bindingEnv] }
    : spec;
}
