/** Annotation selecting a simulated failure for a pod (or its template). */
export const FAIL_ANNOTATION = 'sandbox.app-platform.io/fail';
/** Annotation adding start-up delay in milliseconds (before speed scaling). */
export const START_DELAY_ANNOTATION = 'sandbox.app-platform.io/start-delay-ms';

export type PodFailure = 'image-pull' | 'crash-loop' | undefined;

/**
 * Decides how a simulated pod behaves from its annotations and images, so a
 * platform can exercise failure paths just by deploying a particular image.
 */
export function podBehaviour(pod: any): {
  failure: PodFailure;
  extraStartDelayMs: number;
} {
  const annotations = pod.metadata?.annotations ?? {};
  const images: string[] = (pod.spec?.containers ?? []).map((c: any) =>
    String(c.image ?? ''),
  );
  let failure: PodFailure;
  const fail = annotations[FAIL_ANNOTATION];
  if (
    fail === 'image-pull' ||
    images.some(i => /does-not-exist|image-pull-fail|nonexistent/.test(i))
  ) {
    failure = 'image-pull';
  } else if (
    fail === 'crash-loop' ||
    fail === 'crash' ||
    images.some(i => /crash/.test(i))
  ) {
    failure = 'crash-loop';
  }
  let extraStartDelayMs = Number(annotations[START_DELAY_ANNOTATION] ?? 0) || 0;
  if (fail === 'slow-start' || images.some(i => /slow-start/.test(i))) {
    extraStartDelayMs = Math.max(extraStartDelayMs, 30000);
  }
  return { failure, extraStartDelayMs };
}
