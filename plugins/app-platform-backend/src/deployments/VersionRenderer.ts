import {
  APP_PLATFORM_ANNOTATIONS,
  APP_PLATFORM_LABELS,
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

/** What a version of a service renders to, ready to apply. */
export type RenderedVersion = {
  /** In creation order, stamped with our labels and the record's annotations. */
  objects: KubernetesObject[];
  /** A digest of the objects without the record id: equal specs, equal hash. */
  specHash: string;
};

/** The workloads the platform deployed as services carry this label value. */
export const SERVICE_COMPONENT = 'service';

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
  ) {}

  static create(options: {
    templates: ServiceTemplates;
    applicationTemplates: ServiceTemplateStore;
    owned: OwnedObjects;
  }): VersionRenderer {
    return new VersionRenderer(
      options.templates,
      options.applicationTemplates,
      options.owned,
    );
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
    spec: VersionSpec;
    deploymentId?: string;
    /** Already resolved, e.g. inside a transaction that must not read outside it. */
    template?: ServiceTemplate;
  }): Promise<RenderedVersion> {
    const template =
      input.template ??
      (await this.template(
        input.application,
        input.spec.template ?? 'default',
      ));
    const rendered = renderVersion({
      application: input.application,
      service: input.service,
      version: input.version,
      spec: input.spec,
      template,
    }).map(object => this.stamp(object, input.service));
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

  private stamp(object: KubernetesObject, service: string): KubernetesObject {
    const labels = {
      ...this.owned.ownershipLabels(),
      [APP_PLATFORM_LABELS.component]: SERVICE_COMPONENT,
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
    if (stamped.kind === 'Deployment' && stamped.spec?.template) {
      stamped.spec = {
        ...stamped.spec,
        template: {
          ...stamped.spec.template,
          metadata: {
            ...stamped.spec.template.metadata,
            labels: { ...stamped.spec.template.metadata?.labels, ...labels },
          },
        },
      };
    }
    return stamped;
  }
}
