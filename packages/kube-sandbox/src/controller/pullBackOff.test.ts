import { ControllerContext } from './ControllerContext';
import { EmitOnce } from './containerStatus';
import { pullBackOff } from './pullBackOff';

const ctx = { ms: (ms: number) => ms, podStartMs: 1000 } as ControllerContext;
const container = { name: 'app', image: 'registry.invalid/team/app:1' };

function kubelet() {
  const emitted = new Set<string>();
  const events: string[] = [];
  const emitOnce: EmitOnce = (key, _type, reason, message) => {
    if (emitted.has(key)) return false;
    emitted.add(key);
    events.push(`${reason}: ${message}`);
    return true;
  };
  const at = (ms: number) =>
    pullBackOff(ctx, container, {}, 'no such host', ms, emitOnce).state.waiting
      .reason;
  return { at, events };
}

describe('pullBackOff', () => {
  it('pulls, fails, then backs off for 10 s, 20 s, ...', () => {
    const { at, events } = kubelet();
    expect(at(500)).toBe('ErrImagePull');
    expect(at(5000)).toBe('ImagePullBackOff');
    expect(at(11500)).toBe('ErrImagePull');
    expect(at(20000)).toBe('ImagePullBackOff');
    expect(
      events.filter(e => e === 'Failed: Error: ErrImagePull'),
    ).toHaveLength(2);
  });

  it('shows ErrImagePull before backing off even when the tick comes late', () => {
    const { at, events } = kubelet();
    // The first look at the pod is already inside the first back-off.
    expect(at(5000)).toBe('ErrImagePull');
    expect(events).toEqual([
      'Pulling: Pulling image "registry.invalid/team/app:1"',
      'Failed: Failed to pull image "registry.invalid/team/app:1": no such host',
      'Failed: Error: ErrImagePull',
    ]);
    expect(at(5100)).toBe('ImagePullBackOff');
  });
});
