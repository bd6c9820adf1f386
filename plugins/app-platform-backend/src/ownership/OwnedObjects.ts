import { ConflictError } from '@backstage/errors';
import { APP_PLATFORM_LABELS } from '@internal/plugin-app-platform-common';
import { KubernetesObject, PatchStrategy } from '@kubernetes/client-node';
import {
  ClusterConnection,
  FIELD_MANAGER,
  kubeErrorCode,
  KubeClients,
} from '../kube/KubeClients';

/** Which object: enough to read, update or delete it. */
export type ObjectRef = {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
};

/** The prefix of every label and annotation key the platform writes. */
const PLATFORM_KEY_PREFIX = 'app-platform.io/';

/** Whose an object is, by its installation label. */
export type Ownership = 'ours' | 'another-installation' | 'unmanaged';

/**
 * An object exists on a cluster and this installation did not create it (or
 * an admin did not adopt it): the platform leaves it alone.
 */
export class NotOwnedError extends ConflictError {
  constructor(
    readonly ref: ObjectRef,
    readonly cluster: string,
    readonly ownership: Exclude<Ownership, 'ours'>,
  ) {
    super(
      `${ref.kind} "${ref.namespace ? `${ref.namespace}/` : ''}${
        ref.name
      }" on cluster ${cluster} ${
        ownership === 'another-installation'
          ? 'belongs to another App Platform installation'
          : 'was not created by the App Platform'
      }; it is left untouched`,
    );
  }
}

/** What `ensure` did. */
export type EnsureResult = {
  action: 'created' | 'updated' | 'adopted';
  object: KubernetesObject;
};

/** The reference of an object: enough to read, update or delete it. */
export function refOf(object: KubernetesObject): ObjectRef {
  return {
    apiVersion: object.apiVersion!,
    kind: object.kind!,
    name: object.metadata!.name!,
    namespace: object.metadata?.namespace,
  };
}

function asSpec(ref: ObjectRef): KubernetesObject {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  };
}

/**
 * Cluster writes that touch only what this installation created. Every object
 * it creates carries `app-platform.io/installation=<id>`; an update first reads
 * the object and checks that label (and applies with the resourceVersion it
 * read, so nobody's change in between is overwritten blindly: a conflict reads
 * and checks again, a few times); a delete checks the label and sends the uid
 * and resourceVersion it read as preconditions.
 */
export class OwnedObjects {
  private constructor(
    private readonly kube: KubeClients,
    readonly installationId: string,
  ) {}

  static create(options: {
    kube: KubeClients;
    installationId: string;
  }): OwnedObjects {
    return new OwnedObjects(options.kube, options.installationId);
  }

  /** The labels that mark an object as this installation's. */
  ownershipLabels(): Record<string, string> {
    return {
      [APP_PLATFORM_LABELS.managedBy]: APP_PLATFORM_LABELS.managedByValue,
      [APP_PLATFORM_LABELS.installation]: this.installationId,
    };
  }

  /** A label selector for this installation's objects. */
  selector(): string {
    return `${APP_PLATFORM_LABELS.installation}=${this.installationId}`;
  }

  ownershipOf(object: KubernetesObject): Ownership {
    const installation =
      object.metadata?.labels?.[APP_PLATFORM_LABELS.installation];
    if (installation === this.installationId) return 'ours';
    return installation ? 'another-installation' : 'unmanaged';
  }

  /** Reads an object; undefined when it does not exist. */
  async read(
    cluster: ClusterConnection,
    ref: ObjectRef,
  ): Promise<KubernetesObject | undefined> {
    try {
      return await this.kube.call(cluster, `read ${ref.kind}`, ({ objects }) =>
        objects.read(asSpec(ref) as any),
      );
    } catch (error) {
      if (kubeErrorCode(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * Creates the object, or updates it with server-side apply when it is ours.
   * An object of that name that is not ours is refused with NotOwnedError,
   * unless `adopt` is set: then it is labelled as ours (and marked adopted).
   */
  async ensure(
    cluster: ClusterConnection,
    object: KubernetesObject,
    options?: {
      adopt?: boolean;
      /** Refuses (by throwing) an object of ours that the caller may not take over. */
      check?: (live: KubernetesObject) => void;
    },
    attemptsLeft = 3,
  ): Promise<EnsureResult> {
    const desired = this.stamp(object);
    const ref = refOf(desired);
    const live = await this.read(cluster, ref);
    if (!live) {
      try {
        const created = await this.kube.call(
          cluster,
          `create ${ref.kind}`,
          ({ objects }) =>
            objects.create(desired, undefined, undefined, FIELD_MANAGER),
        );
        return { action: 'created', object: created };
      } catch (error) {
        // Someone created it between our read and our create: decide again.
        if (kubeErrorCode(error) === 409 && attemptsLeft > 1)
          return this.ensure(cluster, object, options, attemptsLeft - 1);
        throw error;
      }
    }
    const ownership = this.ownershipOf(live);
    if (live.metadata?.deletionTimestamp) {
      throw new ConflictError(
        `${ref.kind} "${ref.name}" on cluster ${cluster.name} is being deleted; it is created again once it is gone`,
      );
    }
    const adopting = ownership !== 'ours';
    if (adopting && !(options?.adopt && ownership === 'unmanaged')) {
      throw new NotOwnedError(
        ref,
        cluster.name,
        ownership as Exclude<Ownership, 'ours'>,
      );
    }
    if (!adopting) options?.check?.(live);
    // Adopted stays adopted: server-side apply drops what we stop declaring,
    // and a namespace that lost the mark would be deleted instead of released.
    const adopted =
      adopting ||
      live.metadata?.annotations?.[APP_PLATFORM_LABELS.adopted] === 'true';
    const applied = adopted
      ? {
          ...desired,
          metadata: {
            ...desired.metadata,
            annotations: {
              ...desired.metadata?.annotations,
              [APP_PLATFORM_LABELS.adopted]: 'true',
            },
          },
        }
      : desired;
    try {
      const updated = await this.kube.call(
        cluster,
        `apply ${ref.kind}`,
        ({ objects }) =>
          objects.patch(
            {
              ...applied,
              metadata: {
                ...applied.metadata,
                resourceVersion: live.metadata?.resourceVersion,
              },
            },
            undefined,
            undefined,
            FIELD_MANAGER,
            true,
            PatchStrategy.ServerSideApply,
          ),
      );
      return { action: adopting ? 'adopted' : 'updated', object: updated };
    } catch (error) {
      // The object changed since we read it: a controller writing the status
      // of a rollout still under way does that all the time. Decide again on
      // what it is now, ownership included.
      if (kubeErrorCode(error) === 409 && attemptsLeft > 1) {
        return this.ensure(cluster, object, options, attemptsLeft - 1);
      }
      throw error;
    }
  }

  /**
   * Deletes an object of ours. Gone already → 'absent'. Not ours → NotOwnedError.
   * An adopted object is not deleted but released: it loses the labels and
   * annotations the platform added, and stays.
   */
  async remove(
    cluster: ClusterConnection,
    ref: ObjectRef,
    options?: { propagationPolicy?: 'Background' | 'Foreground' },
    attemptsLeft = 3,
  ): Promise<'deleted' | 'released' | 'absent'> {
    const live = await this.read(cluster, ref);
    if (!live) return 'absent';
    // Another pass (or replica) got there first.
    if (live.metadata?.deletionTimestamp) return 'deleted';
    const ownership = this.ownershipOf(live);
    if (ownership !== 'ours')
      throw new NotOwnedError(ref, cluster.name, ownership);
    if (live.metadata?.annotations?.[APP_PLATFORM_LABELS.adopted] === 'true') {
      await this.release(cluster, live);
      return 'released';
    }
    try {
      await this.kube.call(cluster, `delete ${ref.kind}`, ({ objects }) =>
        objects.delete(
          asSpec(ref),
          undefined,
          undefined,
          undefined,
          undefined,
          options?.propagationPolicy ?? 'Background',
          {
            preconditions: {
              uid: live.metadata?.uid,
              resourceVersion: live.metadata?.resourceVersion,
            },
          },
        ),
      );
      return 'deleted';
    } catch (error) {
      if (kubeErrorCode(error) === 404) return 'absent';
      // The object changed since we read it: decide again on what it is now.
      if (kubeErrorCode(error) === 409 && attemptsLeft > 1) {
        return this.remove(cluster, ref, options, attemptsLeft - 1);
      }
      throw error;
    }
  }

  /**
   * Takes the platform's labels and annotations off an adopted object, with
   * the resourceVersion read as precondition: it goes back to how it was
   * before the platform adopted it.
   */
  private async release(
    cluster: ClusterConnection,
    live: KubernetesObject,
  ): Promise<void> {
    const ref = refOf(live);
    // Everything under our prefix (labels, the adopted mark, the spec hash)
    // and the managed-by we set; null deletes a key in a merge patch.
    const ours = (values: Record<string, string> | undefined) =>
      Object.fromEntries(
        Object.entries(values ?? {})
          .filter(
            ([key, value]) =>
              key.startsWith(PLATFORM_KEY_PREFIX) ||
              (key === APP_PLATFORM_LABELS.managedBy &&
                value === APP_PLATFORM_LABELS.managedByValue),
          )
          .map(([key]) => [key, null]),
      );
    await this.kube.call(cluster, `release ${ref.kind}`, ({ objects }) =>
      objects.patch(
        {
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: {
            name: ref.name,
            namespace: ref.namespace,
            resourceVersion: live.metadata?.resourceVersion,
            labels: ours(live.metadata?.labels) as any,
            annotations: ours(live.metadata?.annotations) as any,
          },
        },
        undefined,
        undefined,
        FIELD_MANAGER,
        undefined,
        PatchStrategy.MergePatch,
      ),
    );
  }

  private stamp(object: KubernetesObject): KubernetesObject {
    return {
      ...object,
      metadata: {
        ...object.metadata,
        labels: { ...object.metadata?.labels, ...this.ownershipLabels() },
      },
    };
  }
}
