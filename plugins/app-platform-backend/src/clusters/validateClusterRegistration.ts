import { InputError } from '@backstage/errors';
import {
  checkResourceName,
  ClusterRegistration,
} from '@internal/plugin-app-platform-common';
import { X509Certificate } from 'node:crypto';

function fail(field: string, problem: string): never {
  throw new InputError(`${field} ${problem}`);
}

/** Turns base64-of-PEM (kubeconfig style) into PEM; leaves PEM alone. */
export function normalizeCaData(caData: string): string {
  const trimmed = caData.trim();
  return trimmed.includes('-----BEGIN')
    ? trimmed
    : Buffer.from(trimmed, 'base64').toString('utf8').trim();
}

/**
 * Checks a cluster registration field by field, before anything is stored or
 * any connection made. Throws an InputError naming the first bad field.
 */
export function validateClusterRegistration(
  input: ClusterRegistration,
): ClusterRegistration {
  const nameProblem = checkResourceName(input.name);
  if (nameProblem) fail('name', nameProblem);

  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    fail('url', `"${input.url}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail('url', `must be an https:// URL (got ${url.protocol})`);
  }
  if (url.protocol === 'http:' && !input.skipTLSVerify) {
    fail('url', 'must use https:// (plain http only with skipTLSVerify)');
  }

  let caData: string | undefined;
  if (input.caData) {
    caData = normalizeCaData(input.caData);
    try {
      // eslint-disable-next-line no-new
      new X509Certificate(caData);
    } catch {
      fail('caData', 'is not a PEM certificate (or base64 of one)');
    }
  } else if (!input.skipTLSVerify && url.protocol === 'https:') {
    fail('caData', 'is required unless skipTLSVerify is set');
  }

  if (typeof input.token !== 'string' || input.token.trim() === '') {
    fail('token', 'must be a non-empty service-account token');
  }
  if (input.environment !== 'test' && input.environment !== 'production') {
    fail('environment', 'must be "test" or "production"');
  }
  for (const [key, value] of Object.entries(input.labels ?? {})) {
    if (typeof value !== 'string') fail(`labels.${key}`, 'must be a string');
  }

  // The URL is stored as parsed (punycode, percent-encoding), which can be
  // longer than what was sent; the column holds 255 characters.
  const normalizedUrl = url.toString().replace(/\/$/, '');
  if (normalizedUrl.length > 255) {
    fail('url', 'must be at most 255 characters once normalized');
  }

  return {
    name: input.name,
    url: normalizedUrl,
    caData,
    token: input.token.trim(),
    environment: input.environment,
    labels: input.labels ?? {},
    skipTLSVerify: Boolean(input.skipTLSVerify),
  };
}
