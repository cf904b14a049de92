// When a FIX session may be logged on and when its sequence numbers start again, as
// QuickFIX's session settings put it: StartTime/EndTime each day (an overnight session when
// EndTime is earlier than StartTime), or StartDay+StartTime to EndDay+EndTime each week,
// as wall-clock times in TimeZone (an IANA name, or UTC), or NonStopSession; and the
// ResetOnLogon/ResetOnLogout/ResetOnDisconnect flags.
//
// A session period begins at its start time and ends at its end time, both inclusive; a
// start equal to the end makes a period of a whole day (or week) that begins again at the
// start. A session resets its message store when the store's creation time is not in the
// current period: isSameSession(store.creationTime, now) is false. Times are read off the
// zone's wall clock, so a session from 17:00 to 08:00 New York time runs from 17:00 to
// 08:00 on the clock whether the night has 23, 24 or 25 hours. A start time that a spring
// DST change skips starts the period when the clock has passed it (03:00 for 02:30).
import { checkTimeZone, wallClockSeconds } from './zone-wall-clock.ts';

export interface SessionScheduleOptions {
  /** HH:MM:SS, the wall-clock start of each period (with endTime; not with nonStopSession). */
  startTime?: string;
  /** HH:MM:SS, the wall-clock end of each period (inclusive). */
  endTime?: string;
  /** Weekly sessions: the day of the week the period starts (Sunday, Mon, tu…: two letters or more); with endDay. */
  startDay?: string;
  endDay?: string;
  /** An IANA time zone name (America/New_York) or UTC (the default). */
  timeZone?: string;
  /** Always in session; the store is never reset by the schedule. */
  nonStopSession?: boolean;
  /** Reset the store (sequence numbers back to 1) at each Logon, Logout, or disconnect. */
  resetOnLogon?: boolean;
  resetOnLogout?: boolean;
  resetOnDisconnect?: boolean;
}

const DAY = 86_400;
const WEEK = 7 * DAY;
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** 1970-01-01 was a Thursday. */
const EPOCH_WEEKDAY = 4;

function parseTime(name: string, value: string): number {
  const match = /^(\d{2}):(\d{2}):(\d{2})$/.exec(value);
  const [hour, minute, second] = match === null ? [NaN, NaN, NaN] : match.slice(1).map(Number);
  if (!(hour < 24 && minute < 60 && second < 60)) throw new RangeError(`${name} must be HH:MM:SS (00:00:00 to 23:59:59), got "${value}"`);
  return hour * 3600 + minute * 60 + second;
}

function parseDay(name: string, value: string): number {
  const lower = value.trim().toLowerCase();
  const day = lower.length >= 2 ? DAY_NAMES.findIndex((dayName) => dayName.startsWith(lower)) : -1;
  if (day === -1) throw new RangeError(`${name} must be a day of the week (Sunday, Monday… or their first two letters or more), got "${value}"`);
  return day;
}

function modulo(value: number, period: number): number {
  return ((value % period) + period) % period;
}

export class SessionSchedule {
  readonly timeZone: string;
  readonly nonStop: boolean;
  readonly weekly: boolean;
  readonly resetOnLogon: boolean;
  readonly resetOnLogout: boolean;
  readonly resetOnDisconnect: boolean;
  /** Seconds into the day (or week, from Sunday 00:00) where a period starts; its length in wall-clock seconds. */
  private readonly start: number;
  private readonly duration: number;
  private readonly period: number;

  constructor(options: SessionScheduleOptions) {
    this.timeZone = checkTimeZone(options.timeZone ?? 'UTC');
    this.nonStop = options.nonStopSession === true;
    this.resetOnLogon = options.resetOnLogon === true;
    this.resetOnLogout = options.resetOnLogout === true;
    this.resetOnDisconnect = options.resetOnDisconnect === true;
    const timed = options.startTime !== undefined || options.endTime !== undefined;
    const days = options.startDay !== undefined || options.endDay !== undefined;
    if (this.nonStop && (timed || days)) throw new RangeError('a non-stop session has no StartTime, EndTime, StartDay or EndDay');
    if (!this.nonStop && (options.startTime === undefined || options.endTime === undefined)) throw new RangeError('a session schedule needs both StartTime and EndTime (or NonStopSession)');
    if (days && (options.startDay === undefined || options.endDay === undefined)) throw new RangeError('a weekly session needs both StartDay and EndDay');
    this.weekly = days;
    this.period = days ? WEEK : DAY;
    if (this.nonStop) {
      this.start = 0;
      this.duration = this.period;
      return;
    }
    const startDay = days ? parseDay('StartDay', options.startDay as string) : 0;
    const endDay = days ? parseDay('EndDay', options.endDay as string) : 0;
    this.start = startDay * DAY + parseTime('StartTime', options.startTime as string);
    const end = endDay * DAY + parseTime('EndTime', options.endTime as string);
    this.duration = modulo(end - this.start, this.period) || this.period;
  }

  /** A schedule from QuickFIX settings (StartTime, EndTime, StartDay, EndDay, TimeZone, UseLocalTime, NonStopSession, ResetOn*: Y/N). */
  static fromQuickFixSettings(settings: Readonly<Record<string, string | undefined>>): SessionSchedule {
    const flag = (key: string): boolean | undefined => {
      const value = settings[key];
      if (value === undefined) return undefined;
      if (value !== 'Y' && value !== 'N') throw new RangeError(`${key} must be Y or N, got "${value}"`);
      return value === 'Y';
    };
    const localZone = flag('UseLocalTime') === true ? new Intl.DateTimeFormat().resolvedOptions().timeZone : undefined;
    return new SessionSchedule({
      startTime: settings.StartTime,
      endTime: settings.EndTime,
      startDay: settings.StartDay,
      endDay: settings.EndDay,
      timeZone: settings.TimeZone ?? localZone,
      nonStopSession: flag('NonStopSession'),
      resetOnLogon: flag('ResetOnLogon'),
      resetOnLogout: flag('ResetOnLogout'),
      resetOnDisconnect: flag('ResetOnDisconnect'),
    });
  }

  /** Whether `now` is inside a session period (a Logon is accepted or sent). */
  isSessionTime(now: Date): boolean {
    return this.nonStop || this.intoPeriod(wallClockSeconds(now, this.timeZone)) <= this.duration;
  }

  /** Whether both instants are inside the same session period (false when either is outside every period); always true for a non-stop session. */
  isSameSession(a: Date, b: Date): boolean {
    if (this.nonStop) return true;
    const wallA = wallClockSeconds(a, this.timeZone);
    const wallB = wallClockSeconds(b, this.timeZone);
    const intoA = this.intoPeriod(wallA);
    const intoB = this.intoPeriod(wallB);
    return intoA <= this.duration && intoB <= this.duration && wallA - intoA === wallB - intoB;
  }

  /** Wall-clock seconds since the start of the latest period that began at or before `wall`. */
  private intoPeriod(wall: number): number {
    const sinceWeekStart = this.weekly ? modulo(Math.floor(wall / DAY) + EPOCH_WEEKDAY, 7) * DAY + modulo(wall, DAY) : modulo(wall, DAY);
    return modulo(sinceWeekStart - this.start, this.period);
  }
}
