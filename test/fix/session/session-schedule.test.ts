import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionSchedule, type SessionScheduleOptions } from '../../../runtime/fix/session/session-schedule.ts';

const at = (iso: string): Date => new Date(iso);
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

describe('SessionSchedule: table', () => {
  it('a daily session in UTC, both ends inclusive', () => {
    const schedule = new SessionSchedule({ startTime: '08:00:00', endTime: '17:00:00' });
    expect(['07:59:59', '08:00:00', '12:00:00', '17:00:00', '17:00:01'].map((t) => schedule.isSessionTime(at(`2026-05-05T${t}Z`)))).toEqual([false, true, true, true, false]);
    expect(schedule.isSameSession(at('2026-05-05T08:00:00Z'), at('2026-05-05T17:00:00Z'))).toBe(true);
    expect(schedule.isSameSession(at('2026-05-05T09:00:00Z'), at('2026-05-06T09:00:00Z'))).toBe(false);
    expect(schedule.isSameSession(at('2026-05-05T07:00:00Z'), at('2026-05-05T09:00:00Z'))).toBe(false);
  });

  it('an overnight session crossing midnight in New York belongs to the day it started', () => {
    const schedule = new SessionSchedule({ startTime: '17:00:00', endTime: '08:00:00', timeZone: 'America/New_York' });
    // 2026-03-02 is a Monday, EST (UTC-5).
    expect(schedule.isSessionTime(at('2026-03-02T22:00:00Z'))).toBe(true); // 17:00 EST
    expect(schedule.isSessionTime(at('2026-03-02T21:59:59Z'))).toBe(false);
    expect(schedule.isSessionTime(at('2026-03-03T04:30:00Z'))).toBe(true); // 23:30
    expect(schedule.isSessionTime(at('2026-03-03T13:00:00Z'))).toBe(true); // 08:00
    expect(schedule.isSessionTime(at('2026-03-03T13:00:01Z'))).toBe(false);
    expect(schedule.isSameSession(at('2026-03-02T22:30:00Z'), at('2026-03-03T12:00:00Z'))).toBe(true);
    expect(schedule.isSameSession(at('2026-03-02T12:00:00Z'), at('2026-03-02T23:00:00Z'))).toBe(false);
    expect(schedule.isSameSession(at('2026-03-03T12:00:00Z'), at('2026-03-03T23:00:00Z'))).toBe(false);
  });

  it('a weekly session from Sunday 17:00 to Friday 17:00 New York time, across the spring DST change', () => {
    const schedule = new SessionSchedule({ startDay: 'Sunday', startTime: '17:00:00', endDay: 'fr', endTime: '17:00:00', timeZone: 'America/New_York' });
    expect(schedule.weekly).toBe(true);
    // Week of 2026-03-01 (EST): Sunday 17:00 EST = 22:00Z, Friday 2026-03-06 17:00 EST = 22:00Z.
    expect(schedule.isSessionTime(at('2026-03-01T21:59:59Z'))).toBe(false);
    expect(schedule.isSessionTime(at('2026-03-01T22:00:00Z'))).toBe(true);
    expect(schedule.isSessionTime(at('2026-03-04T12:00:00Z'))).toBe(true);
    expect(schedule.isSessionTime(at('2026-03-06T22:00:00Z'))).toBe(true);
    expect(schedule.isSessionTime(at('2026-03-06T22:00:01Z'))).toBe(false);
    expect(schedule.isSessionTime(at('2026-03-07T12:00:00Z'))).toBe(false); // Saturday
    // DST begins 2026-03-08 02:00: Sunday 17:00 EDT = 21:00Z, Friday 17:00 EDT = 21:00Z.
    expect(schedule.isSessionTime(at('2026-03-08T20:59:59Z'))).toBe(false);
    expect(schedule.isSessionTime(at('2026-03-08T21:00:00Z'))).toBe(true);
    expect(schedule.isSessionTime(at('2026-03-13T21:00:00Z'))).toBe(true);
    expect(schedule.isSessionTime(at('2026-03-13T21:00:01Z'))).toBe(false);
    expect(schedule.isSameSession(at('2026-03-01T22:00:00Z'), at('2026-03-06T21:00:00Z'))).toBe(true);
    expect(schedule.isSameSession(at('2026-03-06T21:00:00Z'), at('2026-03-08T21:30:00Z'))).toBe(false);
  });

  it('a daily start time that the spring DST change skips starts the period once the clock has passed it', () => {
    const schedule = new SessionSchedule({ startTime: '02:30:00', endTime: '10:00:00', timeZone: 'America/New_York' });
    // 2026-03-08: 01:59:59 EST (06:59:59Z) is followed by 03:00:00 EDT (07:00:00Z).
    expect(schedule.isSessionTime(at('2026-03-08T06:59:59Z'))).toBe(false);
    expect(schedule.isSessionTime(at('2026-03-08T07:00:00Z'))).toBe(true);
    expect(schedule.isSameSession(at('2026-03-08T07:00:00Z'), at('2026-03-08T14:00:00Z'))).toBe(true); // 10:00 EDT
    expect(schedule.isSessionTime(at('2026-03-08T14:00:01Z'))).toBe(false);
  });

  it('an overnight session over the autumn DST change lasts its 25 hours of clock time from 17:00 to 08:00', () => {
    const schedule = new SessionSchedule({ startTime: '17:00:00', endTime: '08:00:00', timeZone: 'America/New_York' });
    // 2026-10-31 17:00 EDT = 21:00Z; 2026-11-01 02:00 EDT becomes 01:00 EST; 08:00 EST = 13:00Z.
    expect(schedule.isSameSession(at('2026-10-31T21:00:00Z'), at('2026-11-01T05:30:00Z'))).toBe(true); // 01:30 EDT
    expect(schedule.isSameSession(at('2026-10-31T21:00:00Z'), at('2026-11-01T06:30:00Z'))).toBe(true); // 01:30 EST
    expect(schedule.isSessionTime(at('2026-11-01T12:59:59Z'))).toBe(true);
    expect(schedule.isSessionTime(at('2026-11-01T13:00:01Z'))).toBe(false);
    expect(schedule.isSameSession(at('2026-10-31T21:00:00Z'), at('2026-11-01T13:00:00Z'))).toBe(true);
  });

  it('start equal to end is a whole-day session that begins again at the start; a non-stop session never does', () => {
    const day = new SessionSchedule({ startTime: '06:00:00', endTime: '06:00:00' });
    expect(day.isSessionTime(at('2026-05-05T05:59:59Z'))).toBe(true);
    expect(day.isSameSession(at('2026-05-05T05:59:59Z'), at('2026-05-05T06:00:00Z'))).toBe(false);
    expect(day.isSameSession(at('2026-05-05T06:00:00Z'), at('2026-05-06T05:59:59Z'))).toBe(true);
    const nonStop = new SessionSchedule({ nonStopSession: true });
    expect(nonStop.isSessionTime(at('2026-05-09T12:00:00Z'))).toBe(true);
    expect(nonStop.isSameSession(at('2020-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z'))).toBe(true);
  });

  it('reads QuickFIX settings, reset flags included', () => {
    const schedule = SessionSchedule.fromQuickFixSettings({ StartTime: '00:00:00', EndTime: '23:00:00', TimeZone: 'Europe/London', ResetOnLogon: 'Y', ResetOnLogout: 'N', ResetOnDisconnect: 'Y' });
    expect([schedule.timeZone, schedule.resetOnLogon, schedule.resetOnLogout, schedule.resetOnDisconnect]).toEqual(['Europe/London', true, false, true]);
    expect(schedule.isSessionTime(at('2026-07-01T22:30:00Z'))).toBe(false); // 23:30 BST
    expect(schedule.isSessionTime(at('2026-01-01T22:30:00Z'))).toBe(true); // 22:30 GMT
    expect(() => SessionSchedule.fromQuickFixSettings({ StartTime: '00:00:00', EndTime: '23:00:00', ResetOnLogon: 'yes' })).toThrow('ResetOnLogon must be Y or N, got "yes"');
  });

  it('refuses what is no schedule, saying why', () => {
    const refuse = (options: SessionScheduleOptions): (() => SessionSchedule) => () => new SessionSchedule(options);
    expect(refuse({ startTime: '08:00:00', endTime: '17:00:00', timeZone: 'Mars/Olympus' })).toThrow('unknown time zone "Mars/Olympus"');
    expect(refuse({ startTime: '8:00', endTime: '17:00:00' })).toThrow('StartTime must be HH:MM:SS');
    expect(refuse({ startTime: '08:00:00', endTime: '24:00:00' })).toThrow('EndTime must be HH:MM:SS');
    expect(refuse({ startTime: '08:00:00' })).toThrow('needs both StartTime and EndTime');
    expect(refuse({ startTime: '08:00:00', endTime: '17:00:00', startDay: 'Monday' })).toThrow('needs both StartDay and EndDay');
    expect(refuse({ startTime: '08:00:00', endTime: '17:00:00', startDay: 'M', endDay: 'Fri' })).toThrow('StartDay must be a day of the week');
    expect(refuse({ nonStopSession: true, startTime: '08:00:00', endTime: '17:00:00' })).toThrow('non-stop');
  });
});

// The reference turns the schedule into instant intervals: for each wall-clock date near t, the
// period's start and end wall times converted to instants (the zone's offset found by Intl),
// and t is in session when some interval holds it. Start and end times avoid 00:00–03:00, the
// hours DST changes make ambiguous or missing in these zones.
function offsetSeconds(instantSeconds: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(instantSeconds * 1000));
  const get = (type: string): number => Number(parts.find((part) => part.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000 - instantSeconds;
}

function instantOfWall(wall: number, timeZone: string): number {
  return wall - offsetSeconds(wall - offsetSeconds(wall, timeZone), timeZone);
}

interface Spec {
  timeZone: string;
  start: number;
  end: number;
  days?: [number, number];
}

function referenceInterval(spec: Spec, t: number): number | undefined {
  const wallDay = Math.floor((t + offsetSeconds(t, spec.timeZone)) / 86_400);
  for (let day = wallDay - 8; day <= wallDay + 1; day++) {
    if (spec.days !== undefined && (((day + 4) % 7) + 7) % 7 !== spec.days[0]) continue;
    const startWall = day * 86_400 + spec.start;
    const span = spec.days === undefined ? 86_400 : 7 * 86_400;
    const endOffset = (spec.days === undefined ? 0 : spec.days[1] * 86_400) + spec.end - ((spec.days === undefined ? 0 : spec.days[0] * 86_400) + spec.start);
    const length = ((endOffset % span) + span) % span || span;
    const from = instantOfWall(startWall, spec.timeZone);
    const to = instantOfWall(startWall + length, spec.timeZone);
    if (from <= t && t < to + 1) return from;
  }
  return undefined;
}

const hms = (seconds: number): string => [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((n) => String(n).padStart(2, '0')).join(':');

const specArb: fc.Arbitrary<Spec> = fc.record(
  {
    timeZone: fc.constantFrom('UTC', 'America/New_York', 'Europe/London', 'Asia/Tokyo', 'Australia/Sydney'),
    start: fc.integer({ min: 3 * 3600, max: 86_399 }),
    end: fc.integer({ min: 3 * 3600, max: 86_399 }),
    days: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })),
  },
  { requiredKeys: ['timeZone', 'start', 'end'] },
);

function scheduleOf(spec: Spec): SessionSchedule {
  const days = spec.days === undefined ? {} : { startDay: DAY_NAMES[spec.days[0]], endDay: DAY_NAMES[spec.days[1]].slice(0, 3) };
  return new SessionSchedule({ startTime: hms(spec.start), endTime: hms(spec.end), timeZone: spec.timeZone, ...days });
}

const instantArb = fc.integer({ min: Date.UTC(2020, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 });

describe('SessionSchedule: properties', () => {
  it('agrees with a reference built from instant intervals, in and across time zones with DST', () => {
    fc.assert(
      fc.property(specArb, instantArb, fc.integer({ min: 0, max: 9 * 86_400 }), (spec, t, delta) => {
        const schedule = scheduleOf(spec);
        const a = new Date(t * 1000);
        const b = new Date((t + delta) * 1000);
        const periodA = referenceInterval(spec, t);
        const periodB = referenceInterval(spec, t + delta);
        expect(schedule.isSessionTime(a)).toBe(periodA !== undefined);
        expect(schedule.isSameSession(a, b)).toBe(periodA !== undefined && periodA === periodB);
      }),
      { numRuns: 400 },
    );
  });

  it('isSameSession is symmetric and holds for an instant with itself exactly when it is session time', () => {
    fc.assert(
      fc.property(specArb, instantArb, instantArb, (spec, t, u) => {
        const schedule = scheduleOf(spec);
        const a = new Date(t * 1000);
        const b = new Date(u * 1000);
        expect(schedule.isSameSession(a, b)).toBe(schedule.isSameSession(b, a));
        expect(schedule.isSameSession(a, a)).toBe(schedule.isSessionTime(a));
      }),
      { numRuns: 300 },
    );
  });
});
