import { ControllerContext } from './ControllerContext';
import { EmitOnce, waiting } from './containerStatus';

/** Image pull back-off as the kubelet does it: 10 s doubling up to 5 min. */
const PULL_BACKOFF_MS = 10000;
const PULL_BACKOFF_MAX_MS = 300000;

/**
 * The status of a container whose image cannot be pulled, `sinceFirstFailure`
 * real ms after the first attempt: ErrImagePull during each attempt (one
 * `podStartMs` long), ImagePullBackOff for 10 s, 20 s, 40 s ... (scaled by
 * speed) between them, with the kubelet's events for every attempt.
 */
export function pullBackOff(
  ctx: ControllerContext,
  c: any,
  base: any,
  message: string,
  sinceFirstFailure: number,
  emitOnce: EmitOnce,
) {
  const attemptMs = ctx.ms(ctx.podStartMs);
  // Each attempt's events, once; true when the attempt is reported now.
  const reportAttempt = (attempt: number) => {
    emitOnce(
      `pull/${c.name}/${attempt}`,
      'Normal',
      'Pulling',
      `Pulling image "${c.image}"`,
    );
    emitOnce(
      `pullfail/${c.name}/${attempt}`,
      'Warning',
      'Failed',
      `Failed to pull image "${c.image}": ${message}`,
    );
    return emitOnce(
      `pullerr/${c.name}/${attempt}`,
      'Warning',
      'Failed',
      'Error: ErrImagePull',
    );
  };
  let t = sinceFirstFailure;
  for (let attempt = 0; ; attempt++) {
    if (t < attemptMs) {
      reportAttempt(attempt);
      return waiting(base, 'ErrImagePull', message);
    }
    t -= attemptMs;
    const backoff = ctx.ms(
      Math.min(PULL_BACKOFF_MS * 2 ** attempt, PULL_BACKOFF_MAX_MS),
    );
    if (t < backoff) {
      // A late tick (a busy machine) must not skip the attempt: the kubelet
      // always shows ErrImagePull before it backs off.
      if (reportAttempt(attempt)) {
        return waiting(base, 'ErrImagePull', message);
      }
      const backOff = `Back-off pulling image "${c.image}"`;
      emitOnce(`backoff/${c.name}/${attempt}`, 'Normal', 'BackOff', backOff);
      emitOnce(
        `backofferr/${c.name}/${attempt}`,
        'Warning',
        'Failed',
        'Error: ImagePullBackOff',
      );
      return waiting(base, 'ImagePullBackOff', backOff);
    }
    t -= backoff;
  }
}
