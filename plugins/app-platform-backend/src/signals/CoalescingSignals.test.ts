import { mockServices } from '@backstage/backend-test-utils';
import { SignalsService } from '@backstage/plugin-signals-node';
import { CoalescingSignals } from './CoalescingSignals';

describe('CoalescingSignals', () => {
  afterEach(() => jest.useRealTimers());

  it('sends one signal per key for a burst of changes, with the state read when it is sent', async () => {
    jest.useFakeTimers();
    const published: unknown[] = [];
    const signals: SignalsService = {
      publish: async message => {
        published.push(message);
      },
    };
    let reads = 0;
    const coalescing = CoalescingSignals.create({
      signals,
      channel: 'test:things',
      load: async key => {
        reads += 1;
        return key === 'gone' ? undefined : { key, reads };
      },
      logger: mockServices.logger.mock(),
    });
    for (let i = 0; i < 50; i += 1) coalescing.changed('a');
    coalescing.changed('b');
    coalescing.changed('gone');
    await jest.advanceTimersByTimeAsync(150);
    expect(reads).toBe(3);
    expect(published).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'test:things',
        message: { key: 'a', reads: 1 },
      },
      {
        recipients: { type: 'broadcast' },
        channel: 'test:things',
        message: { key: 'b', reads: 2 },
      },
    ]);

    // A later change is a new signal; stop() drops what is pending.
    coalescing.changed('a');
    await jest.advanceTimersByTimeAsync(150);
    expect(published).toHaveLength(3);
    coalescing.changed('a');
    coalescing.stop();
    await jest.advanceTimersByTimeAsync(150);
    expect(published).toHaveLength(3);
  });

  it('logs a failed read instead of throwing', async () => {
    jest.useFakeTimers();
    const logger = mockServices.logger.mock();
    const coalescing = CoalescingSignals.create({
      signals: { publish: async () => {} },
      channel: 'test:things',
      load: async () => {
        throw new Error('database is gone');
      },
      logger,
    });
    coalescing.changed('a');
    await jest.advanceTimersByTimeAsync(150);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('database is gone'),
    );
  });
});
