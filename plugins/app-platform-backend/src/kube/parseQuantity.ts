const QUANTITY =
  /^(?<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;
const QUANTITY_FACTORS: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * The value of a Kubernetes quantity (`100m` → 0.1, `1Gi` → 1073741824), or
 * undefined when it is not one. Signs are not accepted: nothing here is
 * negative. The API server rewrites quantities in canonical form (`0.5` →
 * `500m`), so drift compares values, not strings.
 */
export function parseQuantity(value: string | number): number | undefined {
  if (typeof value === 'number') return value;
  if (value.length > 64) return undefined;
  const match = QUANTITY.exec(value);
  if (!match?.groups) return undefined;
  const number = Number(match.groups.number);
  const suffix = match.groups.suffix;
  if (!suffix) return Number.isFinite(number) ? number : undefined;
  // `1E` is one exa; `1e3` and `1E3` are exponents.
  const amount = /^[eE][+-]?[0-9]/.test(suffix)
    ? number * 10 ** Number(suffix.slice(1))
    : number * QUANTITY_FACTORS[suffix];
  // `1e400` is no amount of anything.
  return Number.isFinite(amount) ? amount : undefined;
}
