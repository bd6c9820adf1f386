/**
 * Checks a CronJob schedule the way the API server does (robfig/cron's
 * standard parser: five fields or an `@` descriptor), returning the
 * parser's error message, or undefined when the schedule parses. The
 * sandbox runs no CronJob controller, so nothing is computed from it.
 */

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  {
    min: 1,
    max: 12,
    names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])),
  },
  { min: 0, max: 6, names: Object.fromEntries(DAYS.map((d, i) => [d, i])) },
];

const DESCRIPTORS = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);

// Go's time.ParseDuration: a sequence of decimal numbers with units.
const GO_DURATION = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|ms|s|m|h))+$|^0$/;

class CronError extends Error {}

function mustParseInt(expr: string) {
  if (!/^[-+]?\d+$/.test(expr)) {
    throw new CronError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(
        expr,
      )}: invalid syntax`,
    );
  }
  const n = Number(expr);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function intOrName(expr: string, bounds: Bounds) {
  const named = bounds.names?.[expr.toLowerCase()];
  return named ?? mustParseInt(expr);
}

function checkRange(expr: string, bounds: Bounds) {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
  } else {
    start = intOrName(lowAndHigh[0], bounds);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1], bounds);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    // `N/step` means `N-max/step`.
    if (lowAndHigh.length === 1) end = bounds.max;
  } else if (rangeAndStep.length > 2) {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < bounds.min) {
    throw new CronError(
      `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`,
    );
  }
  if (end > bounds.max) {
    throw new CronError(
      `end of range (${end}) above maximum (${bounds.max}): ${expr}`,
    );
  }
  if (start > end) {
    throw new CronError(
      `beginning of range (${start}) beyond end of range (${end}): ${expr}`,
    );
  }
  if (step === 0) {
    throw new CronError(`step of range should be a positive number: ${expr}`);
  }
}

function parse(schedule: string) {
  let spec = schedule;
  if (spec.length === 0) throw new CronError('empty spec string');
  const tz = /^(?:CRON_)?TZ=(\S*)\s*/.exec(spec);
  if (tz) spec = spec.slice(tz[0].length);
  if (spec.startsWith('@')) {
    if (DESCRIPTORS.has(spec)) return;
    if (spec.startsWith('@every ')) {
      const duration = spec.slice('@every '.length);
      if (!GO_DURATION.test(duration)) {
        throw new CronError(
          `failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(
            duration,
          )}`,
        );
      }
      return;
    }
    throw new CronError(`unrecognized descriptor: ${spec}`);
  }
  const fields = spec.split(/\s+/).filter(Boolean);
  if (fields.length !== FIELDS.length) {
    throw new CronError(
      `expected exactly ${FIELDS.length} fields, found ${
        fields.length
      }: [${fields.join(' ')}]`,
    );
  }
  fields.forEach((field, i) => {
    for (const expr of field.split(',')) checkRange(expr, FIELDS[i]);
  });
}

/** The parse error of a CronJob schedule, or undefined if it is valid. */
export function cronScheduleError(schedule: string): string | undefined {
  try {
    parse(schedule);
    return undefined;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}
