import { createHmac } from 'node:crypto';
import type { TemplateFilter, TemplateGlobal, TemplateValue } from 'nunjitsu';
import { stringify as toYamlText } from 'yaml';

const PASSWORD_ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Thrown by a helper (`required`, `fail`, ...). nunjitsu never passes a
 * helper's error on, so the helpers remember the message for the renderer.
 */
export class HelperFailures {
  message: string | undefined;

  fail(message: string): never {
    this.message = message;
    throw new Error(message);
  }
}

export type TemplateHelperInput = {
  /** Every object's standard labels (`labels()`, `include("middleware.labels")`). */
  labels: Record<string, string>;
  /** The labels a workload selects its pods by. */
  selectorLabels: Record<string, string>;
  /** Secret per-instance seed of `randomPassword`; without it, that helper fails. */
  seed?: string;
  failures: HelperFailures;
};

function text(value: TemplateValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

function toPlain(value: TemplateValue | undefined): unknown {
  if (value instanceof Map) {
    return Object.fromEntries(
      [...value].map(([k, v]) => [String(k), toPlain(v)]),
    );
  }
  if (value instanceof Set) return [...value].map(toPlain);
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, toPlain(v)]),
    );
  }
  return value;
}

/** Block YAML without a trailing newline; never folds long strings. */
function toYaml(value: TemplateValue | undefined): string {
  if (value === undefined) return '';
  return toYamlText(toPlain(value), { lineWidth: 0 }).replace(/\n$/, '');
}

function indentLines(value: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return value
    .split('\n')
    .map(line => (line ? pad + line : line))
    .join('\n');
}

function width(value: TemplateValue | undefined, failures: HelperFailures) {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 0 ||
    value > 64
  ) {
    failures.fail('nindent: the width must be an integer from 0 to 64');
  }
  return value;
}

/**
 * The filters and globals a middleware template may call (documented in
 * templates/middleware/README.md). They see only the copies of values
 * nunjitsu passes them, and none reaches the file system, the process or
 * the network.
 */
export function createTemplateHelpers(input: TemplateHelperInput): {
  filters: Record<string, TemplateFilter>;
  globals: Record<string, TemplateGlobal>;
} {
  const { failures } = input;
  const includes: Record<string, () => string> = {
    'middleware.labels': () => toYaml(input.labels),
    'middleware.selectorLabels': () => toYaml(input.selectorLabels),
  };
  return {
    filters: {
      toYaml,
      toJson: value => JSON.stringify(toPlain(value) ?? null),
      quote: value => JSON.stringify(text(value)),
      b64enc: value => Buffer.from(text(value), 'utf8').toString('base64'),
      nindent: (value, n) =>
        `\n${indentLines(text(value), width(n, failures))}`,
      required: (value, message) => {
        if (value === undefined || value === null || value === '') {
          failures.fail(text(message) || 'a required value is missing');
        }
        return value;
      },
    },
    globals: {
      labels: () => ({ ...input.labels }),
      selectorLabels: () => ({ ...input.selectorLabels }),
      include: name => {
        const helper = includes[text(name)];
        if (!helper) {
          failures.fail(
            `include: unknown helper "${text(name)}"; known: ${Object.keys(
              includes,
            ).join(', ')}`,
          );
        }
        return helper();
      },
      fail: message => failures.fail(text(message) || 'fail() was called'),
      randomPassword: (key, length) => {
        const seed = input.seed;
        if (!seed) {
          return failures.fail('randomPassword: no instance seed was given');
        }
        const size = length === undefined ? 24 : length;
        if (
          typeof size !== 'number' ||
          !Number.isInteger(size) ||
          size < 8 ||
          size > 64
        ) {
          return failures.fail(
            'randomPassword: the length must be an integer from 8 to 64',
          );
        }
        // HMAC-SHA512 gives 64 bytes, one per character; the bias of
        // `% 62` is negligible for passwords.
        const bytes = createHmac('sha512', seed)
          .update(`randomPassword\0${text(key)}`)
          .digest();
        let password = '';
        for (let i = 0; i < size; i++) {
          password += PASSWORD_ALPHABET[bytes[i] % PASSWORD_ALPHABET.length];
        }
        return password;
      },
    },
  };
}
