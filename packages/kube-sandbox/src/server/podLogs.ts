import { podBehaviour } from '../controller/podBehaviour';
import { StatusError } from './StatusError';

/**
 * Fabricated container output. There is no real process, so the lines reflect
 * the simulated state (started, crashing, never started) of the container.
 */
export function podLogs(
  pod: any,
  container: string | undefined,
  tailLines?: number,
): string {
  const containers: any[] = pod.spec?.containers ?? [];
  const c = container
    ? containers.find(x => x.name === container)
    : containers[0];
  if (!c) {
    throw StatusError.badRequest(
      `container ${container} is not valid for pod ${pod.metadata.name}`,
    );
  }
  if (!container && containers.length > 1) {
    throw StatusError.badRequest(
      `a container name must be specified for pod ${
        pod.metadata.name
      }, choose one of: [${containers.map(x => x.name).join(' ')}]`,
    );
  }
  const status = (pod.status?.containerStatuses ?? []).find(
    (s: any) => s.name === c.name,
  );
  const waiting = status?.state?.waiting?.reason;
  if (
    !status ||
    waiting === 'ContainerCreating' ||
    waiting === 'ErrImagePull' ||
    waiting === 'ImagePullBackOff'
  ) {
    throw StatusError.badRequest(
      `container "${c.name}" in pod "${
        pod.metadata.name
      }" is waiting to start: ${
        waiting === 'ContainerCreating' || !waiting
          ? 'ContainerCreating'
          : 'trying and failing to pull image'
      }`,
    );
  }
  const started =
    status.state?.running?.startedAt ?? pod.status?.startTime ?? '';
  const lines = [
    `${started} [sandbox] container ${c.name} started from image ${c.image}`,
    `${started} [sandbox] pod ${pod.metadata.namespace}/${pod.metadata.name}`,
  ];
  if (podBehaviour(pod).failure === 'crash-loop') {
    lines.push(
      `${started} [sandbox] fatal: simulated crash (restart ${
        status.restartCount ?? 0
      })`,
    );
  } else {
    const ports = (c.ports ?? []).map((p: any) => p.containerPort).join(', ');
    lines.push(`${started} [sandbox] listening${ports ? ` on ${ports}` : ''}`);
    lines.push(`${started} [sandbox] ready`);
  }
  const out =
    tailLines !== undefined && tailLines >= 0
      ? lines.slice(-tailLines || lines.length)
      : lines;
  return tailLines === 0 ? '' : `${out.join('\n')}\n`;
}
