import { stringifyError } from '@backstage/errors';

const REDACTED = '[redacted]';

/** Longest error text kept: enough to tell what failed, not a dump. */
export const MAX_PROVIDER_ERROR_LENGTH = 2000;

// Names of query parameters, headers and fields that carry credentials:
// Alibaba's signed URLs (AccessKeyId, Signature, SecurityToken), AWS-style
// presigned URLs, OAuth and generic API keys and passwords.
const SECRET_NAMES =
  '(?:access[_-]?key(?:[_-]?id|[_-]?secret)?|secret(?:[_-]?access)?(?:[_-]?key)?|signature(?:nonce)?|security[_-]?token|session[_-]?token|x-amz-(?:signature|credential|security-token)|x-acs-(?:signature[a-z-]*|security-token)|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?secret|api[_-]?key|apikey|token|password|passwd|pwd|sig|credential|private[_-]?key)';

const RULES: Array<[RegExp, string | ((...groups: string[]) => string)]> = [
  // Stack frames: the indented `at ...` lines V8 writes under the message.
  [/(?:^|\n)[ \t]+at [^\n]*/g, ''],
  // PEM blocks (private keys, certificates).
  [/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g, REDACTED],
  // user:password@ in URLs.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, `$1${REDACTED}@`],
  // Authorization headers in any spelling: `Authorization: ACS LTAI...:sig`, JSON.
  [
    /(["']?(?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:[^"'\n,}]+)/gi,
    `$1${REDACTED}`,
  ],
  // Bearer / Basic / ACS credentials wherever they appear.
  [
    /\b(Bearer|Basic|ACS|ACS3-HMAC-SHA256)\s+[A-Za-z0-9._~+/:=,-]{6,}/g,
    `$1 ${REDACTED}`,
  ],
  // name=value in query strings and forms, name: value / "name": "value" in text and JSON.
  [
    new RegExp(
      `([?&;\\s"'{,]|^)(${SECRET_NAMES})(["']?\\s*[=:]\\s*["']?)([^&\\s"',;}]+)`,
      'gi',
    ),
    (_m, before, name, sep) => `${before}${name}${sep}${REDACTED}`,
  ],
  // Alibaba AccessKey ids and STS ids, JWTs, AWS key ids, GitHub/Slack tokens.
  [/\bLTAI[A-Za-z0-9]{8,40}\b/g, REDACTED],
  [/\bSTS\.[A-Za-z0-9]{8,}\b/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|xox[abpr]-[A-Za-z0-9-]{10,})\b/g, REDACTED],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Makes a provider's error (or a reason it gave) fit to store and show on the
 * Servers page: no credentials (keys, tokens, signatures, passwords in URLs,
 * the provider's own configured secrets), no stack traces, no more than
 * {@link MAX_PROVIDER_ERROR_LENGTH} characters. Cloud SDKs put the signed
 * request URL and headers into their error messages.
 */
export function cleanProviderError(
  error: unknown,
  options: { secrets?: Array<string | undefined> } = {},
): string {
  let text = typeof error === 'string' ? error : stringifyError(error);
  for (const secret of options.secrets ?? []) {
    // Short values would redact ordinary words; real secrets are long.
    if (secret && secret.length >= 6) {
      text = text.replace(new RegExp(escapeRegExp(secret), 'g'), REDACTED);
    }
  }
  for (const [pattern, replacement] of RULES) {
    text = text.replace(pattern, replacement as any);
  }
  text = text.trim();
  return text.length > MAX_PROVIDER_ERROR_LENGTH
    ? `${text.slice(0, MAX_PROVIDER_ERROR_LENGTH - 1)}…`
    : text;
}
