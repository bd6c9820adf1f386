/**
 * Kubernetes resource quantities (`500m`, `1.5Gi`, `2`, `1e3`) as numbers,
 * and back in the canonical form the API server prints. client-node's
 * `quantityToScalar` is not exported from its index and rejects fractional
 * binary quantities such as `1.5Gi`, hence this small parser.
 */

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY =
  /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** The value of a quantity, or undefined when it is not one. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[3] !== undefined) return n * 10 ** Number(m[3]);
  const suffix = m[2] ?? '';
  return n * (BINARY[suffix] ?? DECIMAL[suffix]);
}

/** Whether a quantity was written in binary units (Ki, Mi, ...). */
export function isBinary(q: unknown) {
  return typeof q === 'string' && /[KMGTPE]i$/.test(q.trim());
}

/**
 * Canonical form: binary suffixes for values written in binary units when
 * they divide evenly, otherwise decimal suffixes, with `m` for fractions
 * (as `resource.Quantity.String()` does).
 */
export function formatQuantity(value: number, binary = false): string {
  if (value === 0) return '0';
  if (binary && Number.isInteger(value)) {
    for (const s of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
      if (value % BINARY[s] === 0) return `${value / BINARY[s]}${s}`;
    }
  }
  const milli = Math.round(value * 1000);
  if (milli % 1000 !== 0) return `${milli}m`;
  const whole = milli / 1000;
  for (const s of ['E', 'P', 'T', 'G', 'M', 'k']) {
    if (whole % DECIMAL[s] === 0) return `${whole / DECIMAL[s]}${s}`;
  }
  return String(whole);
}
