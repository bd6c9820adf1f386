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
  url: string;
  environment: ClusterEnvironment;
  labels: Record<string, string>;
  skipTLSVerify: boolean;
  /** `config` clusters come from app-config and cannot be removed through the API. */
  source: 'config' | 'api';
  health: ClusterHealth;
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
export type NamespaceState = 'pending' | 'ready' | 'failed';

/**
 * An application's namespace on one cluster.
 *
 * @public
 */
export type ApplicationNamespace = {
  cluster: string;
  state: NamespaceState;
  message?: string;
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
} as const;
