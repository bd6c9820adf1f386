import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * A webhook request from a CI system, as received by
 * `POST /api/app-platform/ci/{provider}`.
 *
 * @public
 */
export type CiRequest = {
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** The body exactly as sent: signatures are over these bytes. */
  rawBody: Buffer;
  /** The parsed JSON body. */
  body: unknown;
  /** The webhook URL's query (`?application=&service=` for providers whose payload does not name the service). */
  query: Record<string, string | undefined>;
};

/**
 * What a CI build produced for a service.
 *
 * @public
 */
export type CiBuild = {
  /** Unique per service and provider: a retried webhook of the same build has the same id. */
  buildId: string;
  /** The image built, with its tag or digest. */
  image?: string;
  /** When the payload names no image: the tag, appended to the service's image repository. */
  tag?: string;
  commit?: string;
  /** Where to see the build. */
  url?: string;
};

/**
 * A CI system's webhook format. The platform finds the service a request is
 * for, looks up that service's webhook secret, lets the provider verify the
 * request with it, and then asks what the build produced.
 *
 * @public
 */
export interface CiProvider {
  /** The `{provider}` of the webhook URL. */
  readonly id: string;
  /**
   * The service a request is for, from its body or the webhook URL's query.
   * Throws `InputError` (400) when the request does not say.
   */
  serviceOf(request: CiRequest): { application: string; service: string };
  /**
   * Throws `AuthenticationError` (401) unless the request proves it knows the
   * service's webhook secret (and, where the format allows, is recent).
   * The platform keeps only `secretHash`, the SHA-256 of the secret.
   */
  verify(request: CiRequest, secretHash: Buffer, now: Date): void;
  /**
   * The build, or `undefined` for an event that is not a successful build
   * (a started or failed pipeline), which is acknowledged and ignored.
   * Throws `InputError` (400) for a malformed payload.
   */
  buildOf(request: CiRequest): CiBuild | undefined;
}

/**
 * The extension point through which modules add CI providers.
 *
 * @public
 */
export interface CiProvidersExtensionPoint {
  addCiProvider(provider: CiProvider): void;
}

/**
 * Adds CI webhook formats to the App Platform.
 *
 * @public
 */
export const ciProvidersExtensionPoint =
  createExtensionPoint<CiProvidersExtensionPoint>({
    id: 'app-platform.ci-providers',
  });
