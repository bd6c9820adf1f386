// Stored objects are immutable (writes replace them), so each one's JSON can
// be computed once and re-used by every list response and every watch that
// sees it. With many watches this turns N serialisations per event into one.
const cache = new WeakMap<object, string>();

/** JSON of a stored object, cached for the object's lifetime. */
export function objectJson(obj: unknown): string {
  if (typeof obj !== 'object' || obj === null) {
    return JSON.stringify(obj);
  }
  let json = cache.get(obj);
  if (json === undefined) {
    json = JSON.stringify(obj);
    cache.set(obj, json);
  }
  return json;
}

/** JSON of a response; `items` of lists are spliced in from the cache. */
export function responseJson(body: unknown): string {
  if (
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as { items?: unknown }).items)
  ) {
    const { items, ...rest } = body as { items: unknown[] };
    const head = JSON.stringify(rest);
    return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"items":[${items
      .map(objectJson)
      .join(',')}]}`;
  }
  return JSON.stringify(body);
}

/** One newline-terminated watch event. */
export function watchEventJson(type: string, object: unknown): string {
  return `{"type":${JSON.stringify(type)},"object":${objectJson(object)}}\n`;
}
