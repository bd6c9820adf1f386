import { Faults } from './Faults';

describe('Faults', () => {
  it('validates settings and emits changes', () => {
    const faults = Faults.create();
    const changes: unknown[] = [];
    faults.on('change', c => changes.push(c));
    expect(faults.set({ latencyMs: 10, errorRate: 0.5 })).toEqual({
      latencyMs: 10,
      errorRate: 0.5,
      down: false,
    });
    expect(() => faults.set({ errorRate: 2 })).toThrow('between 0 and 1');
    expect(() => faults.set({ latencyMs: -1 })).toThrow('non-negative');
    expect(faults.reset()).toEqual({ latencyMs: 0, errorRate: 0, down: false });
    expect(changes).toHaveLength(2);
    expect(faults.shouldFail()).toBe(false);
    faults.dispose();
  });

  it('recovers from a timed outage even if other settings change meanwhile', async () => {
    const faults = Faults.create();
    faults.clusterDown(50);
    expect(faults.get().down).toBe(true);
    faults.set({ latencyMs: 5 });
    await new Promise(r => setTimeout(r, 120));
    expect(faults.get()).toEqual({ latencyMs: 5, errorRate: 0, down: false });
    faults.dispose();
  });
});
