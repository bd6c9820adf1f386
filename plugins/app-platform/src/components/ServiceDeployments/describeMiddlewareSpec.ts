import { MiddlewareSpec } from '@internal/plugin-app-platform-common';

/** `1a2b3c4d5e6f` for `sha256:1a2b3c4d5e6f…`: enough to tell two definitions apart. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/**
 * A middleware instance's version in one line, for its history:
 * `redis · digest 1a2b3c4d5e6f · version=7.4, size=small`. Passwords are
 * never in a record's spec.
 */
export function describeMiddlewareSpec(spec: MiddlewareSpec): string {
  const { definition, digest, parameters } = spec.middleware;
  const shown = Object.entries(parameters)
    .map(
      ([name, value]) =>
        `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
    )
    .join(', ');
  return [definition, `digest ${shortDigest(digest)}`, shown]
    .filter(Boolean)
    .join(' · ');
}
