import { StatusError } from './StatusError';

type Requirement =
  | { op: 'exists' | 'notexists'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: '=' | '!='; key: string; value: string };

/** A predicate over objects compiled from a label or field selector. */
export type Matcher = (obj: any) => boolean;

const matchAll: Matcher = () => true;

// Splits on commas that are not inside a `(...)` value set.
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map(t => t.trim()).filter(Boolean);
}

function parseTerm(term: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    return {
      op: setMatch[2] as 'in' | 'notin',
      key: setMatch[1],
      values: setMatch[3]
        .split(',')
        .map(v => v.trim())
        .filter(Boolean),
    };
  }
  if (term.startsWith('!')) {
    return { op: 'notexists', key: term.slice(1).trim() };
  }
  const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (eq) {
    return {
      op: eq[2] === '!=' ? '!=' : '=',
      key: eq[1],
      value: eq[3],
    };
  }
  if (/^[A-Za-z0-9._/-]+$/.test(term)) {
    return { op: 'exists', key: term };
  }
  throw StatusError.badRequest(`unable to parse requirement: ${term}`);
}

function test(req: Requirement, value: string | undefined): boolean {
  switch (req.op) {
    case 'exists':
      return value !== undefined;
    case 'notexists':
      return value === undefined;
    case 'in':
      return value !== undefined && req.values.includes(value);
    case 'notin':
      return value === undefined || !req.values.includes(value);
    case '=':
      return value === req.value;
    case '!=':
      return value !== req.value;
    default:
      return false;
  }
}

/**
 * Compiles a label selector string (`a=b,c!=d,e in (x,y),f notin (z),g,!h`)
 * into a matcher over an object's `metadata.labels`.
 */
export function parseLabelSelector(selector: string | undefined): Matcher {
  if (!selector) {
    return matchAll;
  }
  const reqs = splitTerms(selector).map(parseTerm);
  return obj => {
    const labels = obj?.metadata?.labels ?? {};
    return reqs.every(r =>
      test(
        r,
        Object.prototype.hasOwnProperty.call(labels, r.key)
          ? labels[r.key]
          : undefined,
      ),
    );
  };
}

/**
 * Compiled selectors by selector object: stored objects are immutable, and
 * the controllers match the same ReplicaSet's selector on every tick.
 */
const compiledSelectors = new WeakMap<object, Matcher>();

/** Compiles a `LabelSelector` object (matchLabels/matchExpressions). */
export function labelSelectorFromObject(selector: any): Matcher {
  if (!selector) {
    return () => false;
  }
  let matcher = compiledSelectors.get(selector);
  if (!matcher) {
    matcher = compileLabelSelectorObject(selector);
    compiledSelectors.set(selector, matcher);
  }
  return matcher;
}

function compileLabelSelectorObject(selector: any): Matcher {
  const terms: string[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    terms.push(`${k}=${v}`);
  }
  for (const e of selector.matchExpressions ?? []) {
    const op = String(e.operator).toLowerCase();
    if (op === 'exists') terms.push(e.key);
    else if (op === 'doesnotexist') terms.push(`!${e.key}`);
    else terms.push(`${e.key} ${op} (${(e.values ?? []).join(',')})`);
  }
  return parseLabelSelector(terms.join(','));
}

const FIELD_GETTERS: Record<string, (o: any) => string | undefined> = {
  'metadata.name': o => o.metadata?.name,
  'metadata.namespace': o => o.metadata?.namespace,
  'status.phase': o => o.status?.phase,
  'spec.nodeName': o => o.spec?.nodeName,
  'involvedObject.name': o => o.involvedObject?.name,
  'involvedObject.kind': o => o.involvedObject?.kind,
  'involvedObject.uid': o => o.involvedObject?.uid,
  'involvedObject.namespace': o => o.involvedObject?.namespace,
  'involvedObject.apiVersion': o => o.involvedObject?.apiVersion,
  'involvedObject.resourceVersion': o => o.involvedObject?.resourceVersion,
  'involvedObject.fieldPath': o => o.involvedObject?.fieldPath,
  reason: o => o.reason,
  reportingComponent: o => o.reportingComponent,
  source: o => o.source?.component,
  'spec.serviceAccountName': o => o.spec?.serviceAccountName,
  'status.podIP': o => o.status?.podIP,
  type: o => o.type,
};

/**
 * Compiles a field selector. Only `=`, `==` and `!=` are allowed, as in
 * Kubernetes, over a fixed set of fields.
 */
export function parseFieldSelector(selector: string | undefined): Matcher {
  if (!selector) {
    return matchAll;
  }
  const reqs = splitTerms(selector).map(term => {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (!m) {
      throw StatusError.badRequest(`invalid field selector: ${term}`);
    }
    const getter = FIELD_GETTERS[m[1]];
    if (!getter) {
      throw StatusError.badRequest(`field label not supported: ${m[1]}`);
    }
    return { getter, negate: m[2] === '!=', value: m[3] };
  });
  return obj =>
    reqs.every(r => ((r.getter(obj) ?? '') === r.value) !== r.negate);
}

/** Returns the single name a field selector pins, e.g. `metadata.name=x`. */
export function pinnedName(selector: string | undefined): string | undefined {
  if (!selector) return undefined;
  const m = /(?:^|,)\s*metadata\.name\s*==?\s*([^,\s]+)/.exec(selector);
  return m?.[1];
}
