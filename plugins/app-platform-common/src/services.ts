import type {
  ApplicationState,
  DeploymentRecordState,
  ServiceRolloutState,
} from './states';

/**
 * How a service is reached inside the cluster (the Kubernetes Service type).
 * `ExternalName` services have no pods of their own behind the name: they
 * point at `externalName`.
 *
 * @public
 */
export type ServiceExposure =
  | 'ClusterIP'
  | 'NodePort'
  | 'LoadBalancer'
  | 'ExternalName';

/**
 * One port of the service's main container and of its Kubernetes Service.
 *
 * @public
 */
export type VersionPort = {
  /** IANA_SVC_NAME: at most 15 characters, lower case, unique within the version. */
  name: string;
  /** The port the container listens on. */
  containerPort: number;
  /** The port of the Kubernetes Service; defaults to `containerPort`. */
  servicePort?: number;
  protocol?: 'TCP' | 'UDP';
  /** Only with `serviceType: NodePort` or `LoadBalancer`. */
  nodePort?: number;
};

/**
 * One environment variable: a plain value, or a key of a Secret in the
 * application's namespace (the value never passes through the platform).
 *
 * @public
 */
export type VersionEnvVar = {
  name: string;
  value?: string;
  secretKeyRef?: { name: string; key: string };
};

/**
 * A probe of the main container: HTTP GET on `path` when given, TCP otherwise.
 *
 * @public
 */
export type VersionProbe = {
  /** Port name or number. */
  port: string | number;
  path?: string;
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
};

/**
 * A file the container finds at `mountPath/name`; all of a version's files
 * live in one ConfigMap, and the pods roll when any of them changes.
 *
 * @public
 */
export type VersionConfigFile = {
  /** A plain file name: letters, digits, `.`, `-`, `_`; no `/` and no `..`. */
  name: string;
  content: string;
};

/**
 * A persistent volume (a PersistentVolumeClaim kept across versions).
 *
 * @public
 */
export type VersionVolume = {
  name: string;
  mountPath: string;
  /** Kubernetes quantity, e.g. `1Gi`. */
  size: string;
  storageClass?: string;
};

/**
 * An HTTP route into the service (an Ingress).
 *
 * @public
 */
export type VersionRoute = {
  host: string;
  /** Defaults to `/`. */
  path?: string;
  /** The Secret in the application's namespace with the TLS certificate. */
  tlsSecret?: string;
  /** Which of the version's ports; defaults to the first. */
  port?: string;
};

/**
 * Optional sidecars (seed 001): a proxy in front of the main container, and a
 * log collector; both share a size-limited log volume with the main container.
 *
 * @public
 */
export type VersionSidecars = {
  proxy?: {
    /** Defaults to the service template's proxy image. */
    image?: string;
    /** The port the proxy listens on; it forwards to the first container port. */
    port: number;
  };
  logging?: {
    /** Defaults to the service template's log collector image. */
    image?: string;
    /** Where the main container writes its logs; defaults to `/var/log/app`. */
    path?: string;
    /** Size limit of the shared log volume; defaults to the template's (e.g. `512Mi`). */
    sizeLimit?: string;
    /** Rotate a log file at this size (e.g. `50Mi`). */
    maxFileSize?: string;
    /** Keep at most this many rotated files. */
    maxFiles?: number;
  };
};

/**
 * A public service of another application that this one calls. It appears in
 * the service's namespace as an ExternalName Service named
 * `<application>-<service>`, and a deploy refuses a cluster where it does not run.
 *
 * @public
 */
export type VersionReference = {
  application: string;
  service: string;
};

/**
 * One immutable spec of a service: what a version puts on the clusters.
 *
 * @public
 */
export type VersionSpec = {
  image: string;
  replicas: number;
  /** Defaults to `ClusterIP`. */
  serviceType?: ServiceExposure;
  /** Only with `serviceType: ExternalName`: the DNS name it points at. */
  externalName?: string;
  ports: VersionPort[];
  command?: string[];
  args?: string[];
  env?: VersionEnvVar[];
  resources?: {
    requests?: { cpu?: string; memory?: string };
    limits?: { cpu?: string; memory?: string };
  };
  probes?: { readiness?: VersionProbe; liveness?: VersionProbe };
  configFiles?: VersionConfigFile[];
  /** Where the config files are mounted; defaults to `/etc/config`. */
  configMountPath?: string;
  volumes?: VersionVolume[];
  route?: VersionRoute;
  sidecars?: VersionSidecars;
  references?: VersionReference[];
  /**
   * Middleware instances of the same application the service uses: it
   * receives each one's connection settings as env vars named by
   * `middlewareEnvName` (password and other secrets through `secretKeyRef`).
   */
  bindings?: VersionBinding[];
  /** The service template that renders this version; defaults to `default`. */
  template?: string;
};

/**
 * A binding of a version to a middleware instance of its application.
 *
 * @public
 */
export type VersionBinding = {
  instance: string;
};

/**
 * What a middleware instance's version puts on the clusters: its definition
 * rendered with these parameters. Passwords are not in it: the platform
 * keeps them encrypted with the instance.
 *
 * @public
 */
export type MiddlewareSpec = {
  middleware: {
    definition: string;
    /** The digest of the definition's files this version renders with. */
    digest: string;
    /** With defaults; password parameters left out. */
    parameters: MiddlewareParameters;
  };
};

/**
 * A JSON value of middleware parameters.
 *
 * @public
 */
export type MiddlewareParameterValue =
  | string
  | number
  | boolean
  | null
  | MiddlewareParameterValue[]
  | { [key: string]: MiddlewareParameterValue };

/**
 * Parameters of a middleware instance, as JSON.
 *
 * @public
 */
export type MiddlewareParameters = { [key: string]: MiddlewareParameterValue };

/**
 * What a deployment record applies: a service's version or a middleware
 * instance's.
 *
 * @public
 */
export type DeploySpec = VersionSpec | MiddlewareSpec;

/**
 * Whether a record's spec is a middleware instance's.
 *
 * @public
 */
export function isMiddlewareSpec(
  spec: DeploySpec | undefined,
): spec is MiddlewareSpec {
  return Boolean(spec && 'middleware' in spec && spec.middleware);
}

/**
 * A service of an application.
 *
 * @public
 */
export type Service = {
  application: string;
  name: string;
  /** Set on a middleware instance (reached by name for its records and history). */
  kind?: 'middleware';
  description?: string;
  /** Other applications may reference it. */
  public: boolean;
  /** The owner of its application. */
  owner: string;
  createdAt: string;
  createdBy: string;
  /** The version that the clusters should run, when one was deployed. */
  currentVersion?: number;
  /** Set when the service is stopped (scaled to zero) or being deleted. */
  desiredState: 'running' | 'stopped' | 'deleting';
  /** The public services of other applications that its current version references (only in the all-services listing). */
  references?: VersionReference[];
  /** The clusters it is to run on, by its records (only in the all-services listing). */
  clusters?: string[];
};

/**
 * A stored version of a service.
 *
 * @public
 */
export type ServiceVersion = {
  application: string;
  service: string;
  number: number;
  spec: DeploySpec;
  createdAt: string;
  createdBy: string;
};

/**
 * What a deployment record does.
 *
 * @public
 */
export type DeploymentAction =
  | 'deploy'
  | 'rollback'
  | 'stop'
  | 'start'
  | 'delete';

/**
 * A deployment record's result on one cluster.
 *
 * @public
 */
export type DeploymentTarget = {
  cluster: string;
  state: 'pending' | 'applying' | 'deploying' | 'succeeded' | 'failed';
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
};

/**
 * One attempt to put a version on a set of clusters.
 *
 * @public
 */
export type DeploymentRecord = {
  id: string;
  application: string;
  service: string;
  action: DeploymentAction;
  state: DeploymentRecordState;
  version?: number;
  /** The spec it applies (absent for `delete`). */
  spec?: DeploySpec;
  /** What the clusters ran before. */
  previousSpec?: DeploySpec;
  /** The record this one rolls back to. */
  rollbackOf?: string;
  /** The record on `test` clusters whose spec this one promotes to `production`. */
  promotedFrom?: string;
  createdBy: string;
  /** Why, as the person or system who started it said. */
  description?: string;
  /** One line of what changed, e.g. `image app:1 → app:2, replicas 2 → 3`. */
  summary: string;
  targets: DeploymentTarget[];
  createdAt: string;
  finishedAt?: string;
};

/**
 * One line of a record's timeline: a Kubernetes event of one of its objects,
 * or a step of the platform's own.
 *
 * @public
 */
export type DeploymentEvent = {
  at: string;
  cluster?: string;
  type: 'Normal' | 'Warning';
  /** `Applied`, `Pulled`, `BackOff`, `ProgressDeadlineExceeded`, … */
  reason: string;
  /** `Deployment/web`, `Pod/web-5d9c-x2`, … */
  object?: string;
  message: string;
  /** `platform` for the engine's own steps, `kubernetes` for cluster events. */
  source: 'platform' | 'kubernetes';
};

/**
 * A field that differs, by its path in the object (`spec.replicas`,
 * `spec.template.spec.containers[app].image`). Secret values are `(redacted)`.
 *
 * @public
 */
export type FieldChange = {
  path: string;
  before?: unknown;
  after?: unknown;
};

/**
 * What a plan would do to one object on one cluster.
 *
 * @public
 */
export type PlannedObject = {
  kind: string;
  name: string;
  action: 'create' | 'update' | 'delete' | 'unchanged';
  changes: FieldChange[];
};

/**
 * A plan on one cluster; `error` when the cluster could not be asked or
 * refuses (the other clusters are planned all the same).
 *
 * @public
 */
export type ClusterPlan = {
  cluster: string;
  objects: PlannedObject[];
  error?: string;
};

/**
 * A service's state on one cluster, from the platform's watch cache.
 *
 * @public
 */
export type ServiceClusterStatus = {
  cluster: string;
  state: ServiceRolloutState;
  reason?: string;
  message?: string;
  version?: number;
  readyReplicas: number;
  desiredReplicas: number;
  updatedReplicas: number;
  /** The live Deployment differs from what the platform applied. */
  drift?: string[];
  /** Only in one service's status: how its rollout goes on this cluster. */
  rollout?: ServiceRollout;
};

/**
 * A rollout's details on one cluster, from the watch cache: pods of the new
 * and old ReplicaSets, the Deployment's conditions and the latest events.
 *
 * @public
 */
export type ServiceRollout = {
  /** Pods of older ReplicaSets still running. */
  oldReplicas: number;
  conditions: Array<{
    type: string;
    status: string;
    reason?: string;
    message?: string;
  }>;
  /** The latest Kubernetes events of its Deployment, ReplicaSets and Pods, oldest first. */
  events: DeploymentEvent[];
};

/**
 * A service's live state on each cluster it is placed on, and the
 * aggregate; what `GET …/status` answers and the status signal carries.
 *
 * @public
 */
export type ServiceStatus = {
  application: string;
  service: string;
  /** Set when `service` is a middleware instance (its status signal says so). */
  kind?: 'middleware';
  state: ApplicationState;
  clusters: ServiceClusterStatus[];
  /** The id of the record in flight, if any. */
  inFlight?: string;
  /**
   * Only in one service's status: its newest record, so a page that shows
   * the history follows it from the status signal alone.
   */
  latestDeployment?: DeploymentRecord;
};

/**
 * The states of an application's services and their aggregate.
 *
 * @public
 */
export type ApplicationStatus = {
  application: string;
  state: ApplicationState;
  services: ServiceStatus[];
};

/**
 * One page of a service's history, newest first.
 *
 * @public
 */
export type DeploymentPage = {
  items: DeploymentRecord[];
  /** Pass as `before` for the next (older) page. */
  nextCursor?: string;
};

/**
 * What to deploy: exactly one of a new spec and a stored version.
 *
 * @public
 */
export type DeployRequest = {
  spec?: VersionSpec;
  version?: number;
  /** A new version: the running version's spec with this image. */
  image?: string;
  /** Target clusters; every healthy cluster when absent. */
  clusters?: string[];
  /** Why, in the requester's words. */
  description?: string;
};

/**
 * What two records (or a record and what runs now) differ in.
 *
 * @public
 */
export type DeploymentDiff = {
  /** Record against record: the objects that differ, cluster-independent. */
  objects?: PlannedObject[];
  /** Record against live: a plan per cluster. */
  clusters?: ClusterPlan[];
};

/**
 * The signal channels the backend pushes live state on (Backstage signals).
 * `serviceStatus` carries a {@link ServiceStatus}; `application` an
 * `Application`, or `{ name, deleted: true }` once it is gone; `cluster`
 * `{ name, health }` (or `{ name, deleted: true }`) when a cluster is added,
 * changed or removed or its health changes: no probe details, which only
 * admins may read, so a page reloads what its user may see.
 *
 * @public
 */
export const APP_PLATFORM_SIGNAL_CHANNELS = {
  serviceStatus: 'app-platform:service-status',
  application: 'app-platform:application',
  cluster: 'app-platform:cluster',
} as const;

/**
 * The Backstage events topic on which the backend announces that an
 * application, service or cluster changed, so the catalog applies a delta at
 * once instead of polling. The payload is a {@link CatalogChange}.
 *
 * @public
 */
export const APP_PLATFORM_CATALOG_TOPIC = 'app-platform.catalog-changes';

/**
 * What changed: `name` is the application, the cluster, or the service or
 * middleware instance (of `application`).
 *
 * @public
 */
export type CatalogChange = {
  kind: 'application' | 'service' | 'middleware' | 'cluster';
  name: string;
  application?: string;
};

/**
 * What a CI build does to a service: `deploy-test` makes it a new version and
 * deploys it to the healthy `test` clusters; `record` only stores the version.
 *
 * @public
 */
export type CiPolicy = 'deploy-test' | 'record';

/**
 * A build a CI system reported for a service, and what it did.
 *
 * @public
 */
export type CiBuildRecord = {
  id: string;
  provider: string;
  buildId: string;
  image: string;
  commit?: string;
  url?: string;
  outcome: 'deployed' | 'recorded';
  version?: number;
  deploymentId?: string;
  receivedAt: string;
};

/**
 * A service's CI settings (never its webhook secret) and its latest builds.
 *
 * @public
 */
export type CiSettings = {
  policy: CiPolicy;
  /** For CI systems whose payload names no image: the image is `<imageRepository>:<tag>`. */
  imageRepository?: string;
  /** When the current webhook secret was created; absent when there is none. */
  secretCreatedAt?: string;
  /** The 20 latest builds, newest first. */
  builds: CiBuildRecord[];
};
