import { parseQuantity } from '../server/quantity';

/** Annotation selecting a simulated failure for a pod (or its template). */
export const FAIL_ANNOTATION = 'sandbox.app-platform.io/fail';
/** Annotation adding start-up delay in milliseconds (before speed scaling). */
export const START_DELAY_ANNOTATION = 'sandbox.app-platform.io/start-delay-ms';
/**
 * Annotation with the memory a pod's containers really use (e.g. `300Mi`):
 * a container whose memory limit is lower gets OOMKilled.
 */
export const MEMORY_USAGE_ANNOTATION = 'sandbox.app-platform.io/memory-usage';
/** Annotation: how long a run-to-completion (Job) pod runs, in ms. */
export const RUN_MS_ANNOTATION = 'sandbox.app-platform.io/run-ms';

export type PodFailure =
  | 'image-pull'
  | 'crash-loop'
  | 'oom'
  | 'readiness'
  | 'exit'
  | undefined;

export interface PodBehaviour {
  failure: PodFailure;
  extraStartDelayMs: number;
  /** Ignores SIGTERM, so termination takes the whole grace period. */
  ignoresSigterm: boolean;
  /** For pods that run to completion: how long they run (unscaled ms). */
  runMs?: number;
}

function memoryLimitBelowUsage(pod: any, usage: string | undefined) {
  const used = parseQuantity(usage);
  if (used === undefined) return false;
  return (pod.spec?.containers ?? []).some((c: any) => {
    const limit = parseQuantity(c.resources?.limits?.memory);
    return limit !== undefined && limit < used;
  });
}

/**
 * Decides how a simulated pod behaves from its annotations and images, so a
 * platform can exercise failure paths just by deploying a particular image.
 * (Images that cannot be pulled are decided by `imagePullProblem`.)
 */
export function podBehaviour(pod: any): PodBehaviour {
  const annotations = pod.metadata?.annotations ?? {};
  const images: string[] = (pod.spec?.containers ?? []).map((c: any) =>
    String(c.image ?? ''),
  );
  let failure: PodFailure;
  const fail = annotations[FAIL_ANNOTATION];
  if (fail === 'image-pull') {
    failure = 'image-pull';
  } else if (
    fail === 'oom' ||
    memoryLimitBelowUsage(pod, annotations[MEMORY_USAGE_ANNOTATION])
  ) {
    failure = 'oom';
  } else if (
    fail === 'crash-loop' ||
    fail === 'crash' ||
    images.some(i => /crash/.test(i))
  ) {
    failure = 'crash-loop';
  } else if (fail === 'readiness' || images.some(i => /not-ready/.test(i))) {
    failure = 'readiness';
  } else if (fail === 'exit') {
    failure = 'exit';
  }
  let extraStartDelayMs = Number(annotations[START_DELAY_ANNOTATION] ?? 0) || 0;
  if (fail === 'slow-start' || images.some(i => /slow-start/.test(i))) {
    extraStartDelayMs = Math.max(extraStartDelayMs, 30000);
  }
  const runMs = Number(annotations[RUN_MS_ANNOTATION]);
  return {
    failure,
    extraStartDelayMs,
    ignoresSigterm: fail === 'ignore-sigterm',
    ...(Number.isFinite(runMs) && runMs >= 0 ? { runMs } : {}),
  };
}
