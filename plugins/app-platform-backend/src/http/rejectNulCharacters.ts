import { InputError } from '@backstage/errors';
import type { RequestHandler } from 'express';

/** The path of the first string (or key) holding a NUL character, or undefined. */
function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? path : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return `${path}/${JSON.stringify(key)}`;
      const found = findNul(item, `${path}/${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Refuses (400, naming the field) a request whose path, query or body holds a
 * NUL character: JSON and URLs may carry one, but PostgreSQL cannot store or
 * even compare it, and would answer with an error that becomes a 500.
 */
export function rejectNulCharacters(): RequestHandler {
  return (req, _res, next) => {
    const url = req.originalUrl ?? req.url;
    if (url.includes('\u0000') || /%00/i.test(url)) {
      next(
        new InputError('request/path or query must not contain NUL characters'),
      );
      return;
    }
    const found =
      findNul(req.query, 'request/query') ?? findNul(req.body, 'request/body');
    if (found) {
      next(new InputError(`${found} must not contain NUL characters`));
      return;
    }
    next();
  };
}
