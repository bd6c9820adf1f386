import { HumanDuration } from '@backstage/types';

export interface Config {
  /** App Platform for Backstage. */
  appPlatform?: {
    /**
     * Key that encrypts cluster tokens at rest (AES-256-GCM): 32 bytes as
     * base64 or 64 hex characters. Required as soon as a cluster is registered.
     * @visibility secret
     */
    encryptionKey?: string;

    /**
     * Keys for key rotation: the first encrypts, all of them decrypt. Each
     * stored token names the id of its key; at start-up every token not under
     * the first key is encrypted again with it, after which a previous key
     * can be removed. `encryptionKey`, if also set, is a previous key with id
     * `default`.
     */
    encryptionKeys?: Array<{
      /** 1-32 letters, digits, '-' or '_'. */
      id: string;
      /**
       * 32 bytes as base64 or 64 hex characters.
       * @visibility secret
       */
      key: string;
    }>;

    /**
     * The id written on everything this installation creates
     * (`app-platform.io/installation=<id>`); it updates and deletes only
     * objects that carry it. Generated on first start and kept in the
     * database when not set. Changing it disowns everything created before.
     */
    installationId?: string;

    /** Deadline of every call to a cluster, enforced by aborting it; defaults to 10 seconds. */
    clusterTimeout?: HumanDuration | string;

    /** The level-triggered reconciler that drives the clusters to the database. */
    reconcile?: {
      /** How often a full pass runs (besides the passes requests wake); defaults to 10 seconds. */
      interval?: HumanDuration | string;
      /** Wait before the first retry of a failed target; doubles up to maxBackoff. Defaults to 2 seconds. */
      initialBackoff?: HumanDuration | string;
      /** Longest wait between retries of a failed target; defaults to 5 minutes. */
      maxBackoff?: HumanDuration | string;
      /** Clusters a pass converges at once; defaults to 16. */
      clusterConcurrency?: number;
    };

    /** Applications. */
    applications?: {
      /**
       * Names no application may take, besides `default`, `kube-*` and
       * `openshift-*`; a trailing `*` matches any rest of the name.
       */
      reservedNames?: string[];
    };

    /**
     * Groups (entity refs, e.g. `group:default/platform-admins`) whose members
     * may do anything in the App Platform, such as registering clusters.
     */
    admins?: string[];

    /**
     * Clusters the platform deploys to. More can be registered through the API
     * by admins; those from config cannot be removed through the API.
     */
    clusters?: Array<{
      /** Unique name, an RFC 1123 label. */
      name: string;
      /** URL of the Kubernetes API server, e.g. https://10.0.0.1:6443. */
      url: string;
      /** PEM (or base64 of PEM) of the CA that signed the API server's certificate. */
      caData?: string;
      /** File holding the CA PEM, instead of caData. */
      caFile?: string;
      /**
       * Service-account token the platform acts with.
       * @visibility secret
       */
      token?: string;
      /** File holding the token, instead of token. */
      tokenFile?: string;
      /** Whether the cluster runs tests or production. */
      environment: 'test' | 'production';
      /** Free labels, shown in the portal and catalog. */
      labels?: { [name: string]: string };
      /** Turns TLS verification off. Only for clusters without a usable CA. */
      skipTLSVerify?: boolean;
    }>;

    /** How the platform's objects appear in the software catalog. */
    catalog?: {
      /**
       * Owner of the cluster entities; defaults to the first of `admins`,
       * else group:default/platform-admins.
       */
      clusterOwner?: string;
      /**
       * How often the catalog replaces everything the platform emitted, which
       * repairs entities edited or deleted by hand and lost change events;
       * changes themselves arrive as events within a second. Defaults to 30 minutes.
       */
      fullSyncFrequency?: HumanDuration | string;
    };

    /** The stock Kubernetes plugin on the platform's clusters. */
    kubernetesPlugin?: {
      /**
       * Plugin ids whose service tokens may read the registered clusters
       * through `GET /kube/clusters/<cluster>/<api path>` (read-only, no
       * Secrets). Defaults to `[kubernetes]`.
       */
      callers?: string[];
      /**
       * Whether the Kubernetes plugin asks the clusters' metrics API
       * (`metrics.k8s.io`) for pod usage. Defaults to false: the sandbox
       * clusters have no metrics server.
       */
      podMetrics?: boolean;
    };

    /** How often and how patiently clusters are probed for health. */
    healthProbe?: {
      /** Defaults to 30 seconds. */
      frequency?: HumanDuration | string;
      /** Defaults to `clusterTimeout`. */
      timeout?: HumanDuration | string;
    };

    /** Namespace templates: what a fresh application namespace gets. */
    namespaceTemplates?: {
      /**
       * Folder of `<name>.yaml` files (multi-document YAML of namespaced
       * objects), relative to the backend's working directory.
       */
      directory?: string;
    };
    /** Service templates: what renders a version of a service (see templates/services/README.md). */
    serviceTemplates?: {
      /**
       * Folder of `<name>.yaml` templates, relative to the backend's working
       * directory; must hold `default.yaml`. Defaults to the repository's
       * `templates/services`.
       */
      directory?: string;
    };
    /** The middleware app store (see templates/middleware/README.md). */
    middleware?: {
      /**
       * Folders holding one folder per middleware definition, relative to
       * the backend's working directory; read again when they change. The
       * first location wins a name. Defaults to the repository's
       * `templates/middleware`.
       */
      locations?: string[];
    };
    /** The deploy engine. */
    deployments?: {
      /**
       * A record whose clusters have not all settled (running, or failed
       * with a reason) this long after it was written fails with
       * `DeadlineExceeded`, so no record stays deploying forever. Defaults
       * to 15 minutes; a Deployment's own progress deadline (10 minutes in
       * the default template) usually reports first.
       */
      deadline?: HumanDuration | string;
    };
    /** The server inventory and its expiry alerts. */
    servers?: {
      /** Days before expiry at which owners are notified; defaults to 30, 7 and 1. */
      expiryThresholds?: number[];
      /**
       * When the expiry scan runs; defaults to daily. Admins can also run it
       * from the Servers page; `{ trigger: manual }` runs it only then.
       */
      expiryScan?: {
        frequency:
          | HumanDuration
          | string
          | { cron: string }
          | { trigger: 'manual' };
        timeout?: HumanDuration | string;
        initialDelay?: HumanDuration | string;
      };
      /** Where servers are imported from, each on its own schedule. */
      providers?: Array<{
        /** Unique name, stored as the servers' provider; `manual` is reserved. */
        name: string;
        /** `file`: a YAML/JSON list; `alibaba-ecs`: Alibaba Cloud ECS instances. */
        type: 'file' | 'alibaba-ecs';
        /**
         * Defaults to hourly. Admins can also import from the Servers page;
         * `{ trigger: manual }` imports only then.
         */
        schedule?: {
          frequency:
            | HumanDuration
            | string
            | { cron: string }
            | { trigger: 'manual' };
          timeout?: HumanDuration | string;
          initialDelay?: HumanDuration | string;
        };
        /** Owner Group of servers whose record (or `owner` tag) names none. */
        defaultOwner?: string;
        /** `file`: path of the list, relative to the backend's working directory. */
        path?: string;
        /** `alibaba-ecs`: the RAM user's AccessKey id. */
        accessKeyId?: string;
        /**
         * `alibaba-ecs`: the RAM user's AccessKey secret.
         * @visibility secret
         */
        accessKeySecret?: string;
        /** `alibaba-ecs`: region ids to list, e.g. cn-hangzhou. */
        regions?: string[];
        /** `alibaba-ecs`: `host[:port]` of the ECS API instead of each region's endpoint. */
        endpoint?: string;
        /** `alibaba-ecs`: `https` (default) or `http`, for a local endpoint. */
        protocol?: 'http' | 'https';
        /** `alibaba-ecs`: instance tag naming the owner Group; defaults to `owner`. */
        ownerTag?: string;
        /** `alibaba-ecs`: instances per DescribeInstances page; defaults to 100. */
        pageSize?: number;
        /** `alibaba-ecs`: retries of a throttled call; defaults to 5. */
        maxRetries?: number;
        /** `alibaba-ecs`: first backoff delay in milliseconds; defaults to 1000. */
        retryBaseDelayMs?: number;
      }>;
    };
  };
}
