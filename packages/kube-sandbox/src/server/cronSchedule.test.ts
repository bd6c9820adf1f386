import { cronScheduleError } from './cronSchedule';

describe('cronScheduleError', () => {
  it('accepts what the standard cron parser accepts', () => {
    for (const schedule of [
      '*/5 * * * *',
      '0 3 * * *',
      '0 0 1 1 *',
      '15,45 9-17 * * mon-fri',
      '0 12 ? JAN,Jul SUN',
      '5/15 * * * *',
      '@hourly',
      '@daily',
      '@every 1h30m',
    ]) {
      expect([schedule, cronScheduleError(schedule)]).toEqual([
        schedule,
        undefined,
      ]);
    }
  });

  it("refuses the rest with robfig/cron's messages", () => {
    expect(cronScheduleError('')).toBe('empty spec string');
    expect(cronScheduleError('* * * *')).toBe(
      'expected exactly 5 fields, found 4: [* * * *]',
    );
    expect(cronScheduleError('60 * * * *')).toBe(
      'end of range (60) above maximum (59): 60',
    );
    expect(cronScheduleError('* * 0 * *')).toBe(
      'beginning of range (0) below minimum (1): 0',
    );
    expect(cronScheduleError('* 5-2 * * *')).toBe(
      'beginning of range (5) beyond end of range (2): 5-2',
    );
    expect(cronScheduleError('*/0 * * * *')).toBe(
      'step of range should be a positive number: */0',
    );
    expect(cronScheduleError('* * * foo *')).toBe(
      'failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax',
    );
    expect(cronScheduleError('* * * * 7')).toBe(
      'end of range (7) above maximum (6): 7',
    );
    expect(cronScheduleError('@sometimes')).toBe(
      'unrecognized descriptor: @sometimes',
    );
    expect(cronScheduleError('@every soon')).toBe(
      'failed to parse duration @every soon: time: invalid duration "soon"',
    );
  });
});
