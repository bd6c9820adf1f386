import { DeploymentEvent } from '@internal/plugin-app-platform-common';

/** The fields of a Kubernetes Event that a timeline shows. */
export type ClusterEvent = {
  metadata?: { uid?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string };
  lastTimestamp?: Date | string;
  eventTime?: Date | string;
  firstTimestamp?: Date | string;
};

/** When an event last happened; 0 when it carries no time at all. */
export function eventMillis(e: ClusterEvent): number {
  const value = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
  if (value === undefined) return 0;
  const millis =
    typeof value === 'string' ? Date.parse(value) : value.getTime();
  return Number.isFinite(millis) ? millis : 0;
}

/** A cluster's event as a line of a record's timeline or a rollout's latest events. */
export function toDeploymentEvent(
  cluster: string,
  e: ClusterEvent,
): DeploymentEvent {
  const at = eventMillis(e);
  return {
    at: new Date(at || Date.now()).toISOString(),
    cluster,
    type: e.type === 'Warning' ? 'Warning' : 'Normal',
    reason: e.reason ?? 'Event',
    object: e.involvedObject
      ? `${e.involvedObject.kind}/${e.involvedObject.name}`
      : undefined,
    message: e.message ?? '',
    source: 'kubernetes',
  };
}
