import { EventType } from './ControllerContext';

/** An event the kubelet records about a pod: type, reason, message. */
export type KubeletEvent = [EventType, string, string];

/**
 * Queues an event unless one with the same key was queued before for this
 * pod; keys with a period or attempt number repeat events as a kubelet does.
 */
/** Records an event once per key; true when it was recorded now. */
export type EmitOnce = (key: string, ...event: KubeletEvent) => boolean;

/** A container status waiting for `reason` (and its message, if any). */
export function waiting(base: any, reason: string, message?: string) {
  return {
    ...base,
    state: { waiting: { reason, ...(message ? { message } : {}) } },
  };
}
