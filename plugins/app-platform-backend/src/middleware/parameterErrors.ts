import type { ErrorObject } from 'ajv';

/** `/persistence/size` → `persistence.size`, `/routes/0/path` → `routes[0].path`. */
function dotted(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(segment => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('')
    .replace(/^\./, '');
}

/**
 * Ajv's errors as one line per field, each naming the field from `root`
 * (`parameters.persistence.size: must match pattern ...`).
 */
export function parameterErrors(
  errors: ErrorObject[] | null | undefined,
  root: string,
): string {
  const lines = new Set<string>();
  for (const error of errors ?? []) {
    const at = dotted(error.instancePath);
    const field = (name: string) => [root, at, name].filter(Boolean).join('.');
    const here = [root, at].filter(Boolean).join('.');
    if (error.keyword === 'required') {
      lines.add(`${field(error.params.missingProperty)}: is required`);
    } else if (error.keyword === 'additionalProperties') {
      lines.add(
        `${field(error.params.additionalProperty)}: is not a parameter`,
      );
    } else if (error.keyword === 'enum') {
      const allowed = (error.params.allowedValues as unknown[])
        .map(v => JSON.stringify(v))
        .join(', ');
      lines.add(`${here}: must be one of ${allowed}`);
    } else {
      lines.add(`${here}: ${error.message}`);
    }
  }
  return [...lines].join('; ');
}
