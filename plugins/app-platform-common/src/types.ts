import { ClusterHealth } from './states';

/**
 * Whether a cluster runs tests or production.
 *
 * @public
 */
export type ClusterEnvironment = 'test' | 'production';

/**
 * A registered cluster as the API shows it. Its token is never part of it.
 *
 * @public
 */
export type Cluster = {
  name: string;
  /** Details: only for callers with `app-platform.cluster.read`. */
  url?: string;
  environment: ClusterEnvironment;
  labels: Record<string, string>;
  /** Details: only for callers with `app-platform.cluster.read`. */
  skipTLSVerify?: boolean;
  /** `config` clusters come from app-config and cannot be removed through the API. */
  source: 'config' | 'api';
  health: ClusterHealth;
  /** Details: only for callers with `app-platform.cluster.read`. */
  healthReason?: string;
  healthChangedAt?: string;
  lastProbeAt?: string;
  createdAt: string;
};

/**
 * What an admin sends to register a cluster.
 *
 * @public
 */
export type ClusterRegistration = {
  name: string;
  url: string;
  caData?: string;
  token: string;
  environment: ClusterEnvironment;
  labels?: Record<string, string>;
  skipTLSVerify?: boolean;
};

/**
 * State of an application's namespace on one cluster.
 *
 * @public
 */
export type NamespaceState = 'pending' | 'ready' | 'failed' | 'deleting';

/**
 * An application's namespace on one cluster.
 *
 * @public
 */
export type ApplicationNamespace = {
  cluster: string;
  state: NamespaceState;
  message?: string;
  /** Failed attempts since the last success. */
  attempts: number;
  /** When a failed namespace is retried next. */
  nextAttemptAt?: string;
  updatedAt: string;
};

/**
 * An application: one namespace of the same name on every healthy cluster.
 *
 * @public
 */
export type Application = {
  name: string;
  title?: string;
  description?: string;
  /** Entity ref of the owning Group. */
  owner: string;
  namespaceTemplate: string;
  /** An admin adopted namespaces that existed before the application. */
  adopt: boolean;
  /** Set while the application's namespaces are being removed. */
  deletionRequestedAt?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  namespaces: ApplicationNamespace[];
};

/**
 * What a user sends to create an application.
 *
 * @public
 */
export type ApplicationCreation = {
  name: string;
  owner: string;
  title?: string;
  description?: string;
  namespaceTemplate?: string;
  /**
   * Admins only: take over namespaces of this name that exist without the
   * platform's installation label. Deleting the application then removes only
   * what the platform added to them.
   */
  adopt?: boolean;
};

/**
 * The labels the platform puts on every Kubernetes object it manages.
 *
 * @public
 */
export const APP_PLATFORM_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  managedByValue: 'app-platform',
  application: 'app-platform.io/application',
  owner: 'app-platform.io/owner',
  namespaceTemplate: 'app-platform.io/namespace-template',
  component: 'app-platform.io/component',
  /**
   * The installation that created an object: the platform updates and deletes
   * only objects that carry its own installation id here.
   */
  installation: 'app-platform.io/installation',
  /** On a namespace that existed before its application and was adopted by an admin. */
  adopted: 'app-platform.io/adopted',
  /** On every object a service's version renders to, and on its pods: the service's name. */
  service: 'app-platform.io/service',
  /** On a version's pod template: the version number. */
  version: 'app-platform.io/version',
  /** On every object a middleware instance renders to, and on its pods: the instance's name. */
  middleware: 'app-platform.io/middleware',
} as const;

/**
 * Annotations the deploy engine writes on the objects it renders.
 *
 * @public
 */
export const APP_PLATFORM_ANNOTATIONS = {
  /** A hash of everything the platform declared for the object's service on this cluster. */
  specHash: 'app-platform.io/spec-hash',
  /** The deployment record that applied the object last. */
  deployment: 'app-platform.io/deployment',
  /** On pod templates: a hash of the version's config files, so a change rolls the pods. */
  configChecksum: 'app-platform.io/config-checksum',
} as const;
