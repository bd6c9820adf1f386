import type { z as zod } from 'zod/v3';
import { VersionSpec } from '@internal/plugin-app-platform-common';

type Z = typeof zod;

/**
 * The parts of a version a template form asks for. The platform validates
 * the whole spec again (and renders it) before it stores or deploys it.
 */
export const versionInput = {
  image: (z: Z) =>
    z.string().min(1).max(512).describe('The container image, with its tag'),
  replicas: (z: Z) => z.number().int().min(0).max(1000).default(1),
  ports: (z: Z) =>
    z
      .array(
        z.object({
          name: z.string().min(1).max(15),
          containerPort: z.number().int().min(1).max(65535),
          servicePort: z.number().int().min(1).max(65535).optional(),
        }),
      )
      .max(20)
      .default([]),
  env: (z: Z) =>
    z
      .array(z.object({ name: z.string().min(1).max(253), value: z.string() }))
      .max(100)
      .default([]),
  route: (z: Z) =>
    z
      .object({
        host: z.string().max(253).optional(),
        path: z.string().max(1024).optional(),
        tlsSecret: z.string().max(253).optional(),
      })
      .optional()
      .describe('An Ingress for the first port; none without a host'),
  logging: (z: Z) =>
    z
      .boolean()
      .default(false)
      .describe(
        'A log collector sidecar sharing a size-limited, rotated log volume',
      ),
  proxyPort: (z: Z) =>
    z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe('A proxy sidecar listening on this port'),
};

/** The spec of a version from the form's answers. */
export function versionSpecOf(input: {
  image: string;
  replicas: number;
  ports: Array<{ name: string; containerPort: number; servicePort?: number }>;
  env: Array<{ name: string; value: string }>;
  route?: { host?: string; path?: string; tlsSecret?: string };
  logging: boolean;
  proxyPort?: number;
}): VersionSpec {
  const sidecars = {
    ...(input.logging ? { logging: {} } : {}),
    ...(input.proxyPort !== undefined
      ? { proxy: { port: input.proxyPort } }
      : {}),
  };
  return {
    image: input.image,
    replicas: input.replicas,
    ports: input.ports,
    ...(input.env.length ? { env: input.env } : {}),
    ...(input.route?.host
      ? {
          route: {
            host: input.route.host,
            ...(input.route.path ? { path: input.route.path } : {}),
            ...(input.route.tlsSecret
              ? { tlsSecret: input.route.tlsSecret }
              : {}),
          },
        }
      : {}),
    ...(Object.keys(sidecars).length ? { sidecars } : {}),
  };
}
