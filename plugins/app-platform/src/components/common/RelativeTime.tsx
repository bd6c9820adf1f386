import { Text } from '@backstage/ui';

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** `3 minutes ago`, `in 2 hours`: the largest unit that fits. */
export function formatRelative(at: string | Date, now = Date.now()): string {
  const diff = new Date(at).getTime() - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'second') {
      return relative.format(Math.round(diff / ms), unit);
    }
  }
  return '';
}

/** A time shown relative to now, with the exact time on hover. */
export const RelativeTime = (props: { at: string }) => (
  <Text as="span" variant="body-small">
    <time dateTime={props.at} title={new Date(props.at).toLocaleString()}>
      {formatRelative(props.at)}
    </time>
  </Text>
);

/** `1 m 05 s`, `12 s`: how long something took. */
export function formatDuration(fromIso: string, toIso?: string): string {
  if (!toIso) return '';
  const seconds = Math.max(
    0,
    Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000),
  );
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} m ${String(seconds % 60).padStart(2, '0')} s`;
}
