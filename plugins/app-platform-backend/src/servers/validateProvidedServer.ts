import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ProvidedServer } from '@internal/plugin-app-platform-node';
import { ServerFields } from './ServerStore';

const DATE_PATTERN =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Charge types without an expiry date (pay as you go). */
const CHARGE_TYPES_WITHOUT_EXPIRY = new Set(['postpaid', 'pay-as-you-go']);

/**
 * Parses an ISO 8601 date or date-time; `undefined` when absent, an error
 * string when malformed. A date alone means midnight UTC.
 */
export function parseServerDate(
  value: unknown,
  field: string,
): { value?: string; error?: string } {
  if (value === undefined || value === null || value === '') {
    return {};
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? { error: `malformed ${field} date` }
      : { value: value.toISOString() };
  }
  if (typeof value !== 'string' || !DATE_PATTERN.test(value.trim())) {
    return { error: `malformed ${field} date ${JSON.stringify(value)}` };
  }
  const text = value.trim();
  // A date-time without zone is read as UTC, like the cloud APIs mean it.
  const withZone =
    text.length > 10 && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text;
  const time = Date.parse(withZone.replace(' ', 'T'));
  if (Number.isNaN(time)) {
    return { error: `malformed ${field} date ${JSON.stringify(value)}` };
  }
  return { value: new Date(time).toISOString() };
}

/** Normalizes an owner to a full Group entity ref, or `undefined`. */
export function normalizeOwner(owner: unknown): string | undefined {
  if (typeof owner !== 'string' || !owner.trim()) {
    return undefined;
  }
  try {
    const ref = parseEntityRef(owner.trim(), {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
    if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
      return undefined;
    }
    return stringifyEntityRef(ref);
  } catch {
    return undefined;
  }
}

/** The `servers` table's limits: `string` columns and 32-bit `integer` ones. */
const MAX_STRING_LENGTH = 255;
const MAX_INTEGER = 2147483647;

function checkCount(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return `${field} must be a whole number, got ${JSON.stringify(value)}`;
  }
  if (value > MAX_INTEGER) {
    return `${field} must be at most ${MAX_INTEGER}, got ${value}`;
  }
  return undefined;
}

function checkLength(value: unknown, field: string): string | undefined {
  if (typeof value === 'string' && [...value].length > MAX_STRING_LENGTH) {
    return `${field} must be at most ${MAX_STRING_LENGTH} characters`;
  }
  return undefined;
}

/**
 * Turns one provider record into the fields the store writes, or says why it
 * cannot be imported. `knownGroups` are the Group refs of the catalog.
 */
export function validateProvidedServer(
  record: ProvidedServer,
  options: { provider: string; knownGroups: Set<string> },
): { fields: ServerFields } | { reason: string; field: string } {
  if (typeof record.providerId !== 'string' || !record.providerId.trim()) {
    return { reason: 'missing provider id', field: 'providerId' };
  }
  const expires = parseServerDate(record.expiresAt, 'expiry');
  if (expires.error) {
    return { reason: expires.error, field: 'expiresAt' };
  }
  const chargeType =
    typeof record.chargeType === 'string' ? record.chargeType : undefined;
  if (
    !expires.value &&
    !CHARGE_TYPES_WITHOUT_EXPIRY.has(
      (chargeType ?? '').toLocaleLowerCase('en-US'),
    )
  ) {
    return { reason: 'missing expiry date', field: 'expiresAt' };
  }
  const created = parseServerDate(record.createdAt, 'creation');
  if (created.error) {
    return { reason: created.error, field: 'createdAt' };
  }
  if (record.owner === undefined || record.owner === '') {
    return { reason: 'missing owner', field: 'owner' };
  }
  const owner = normalizeOwner(record.owner);
  if (!owner) {
    return {
      reason: `malformed owner ${JSON.stringify(record.owner)}`,
      field: 'owner',
    };
  }
  if (!options.knownGroups.has(owner)) {
    return { reason: `unknown owner ${owner}`, field: 'owner' };
  }
  for (const [field, value] of [
    ['cpu', record.cpu],
    ['memoryMib', record.memoryMib],
    ['diskGib', record.diskGib],
  ] as const) {
    const error = checkCount(value, field);
    if (error) {
      return { reason: error, field };
    }
  }
  // Longer values would not fit their columns (PostgreSQL refuses them).
  for (const [field, value] of [
    ['name', record.name],
    ['providerId', record.providerId],
    ['region', record.region],
    ['os', record.os],
    ['chargeType', record.chargeType],
    ['owner', owner],
  ] as const) {
    const error = checkLength(value, field);
    if (error) {
      return { reason: error, field };
    }
  }
  if (
    record.ipAddresses !== undefined &&
    (!Array.isArray(record.ipAddresses) ||
      record.ipAddresses.some(ip => typeof ip !== 'string'))
  ) {
    return {
      reason: 'ipAddresses must be a list of strings',
      field: 'ipAddresses',
    };
  }
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(record.tags ?? {})) {
    tags[key] = String(value);
  }
  return {
    fields: {
      name: (record.name ?? '').trim() || record.providerId,
      provider: options.provider,
      providerId: record.providerId,
      region: record.region || undefined,
      ipAddresses: record.ipAddresses ?? [],
      cpu: record.cpu,
      memoryMib: record.memoryMib,
      diskGib: record.diskGib,
      os: record.os || undefined,
      chargeType,
      createdAt: created.value,
      expiresAt: expires.value,
      owner,
      tags,
    },
  };
}
