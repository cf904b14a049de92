// The wall-clock time an instant shows in an IANA time zone, as seconds since 1970-01-01
// 00:00:00 of that wall clock (what Date.UTC would give for the displayed date and time):
// arithmetic on it is calendar arithmetic (a day is 86,400 of its seconds even on a day
// with a DST change), which is what a schedule given in local times means.
const formats = new Map<string, Intl.DateTimeFormat>();

/** The time zone's canonical form; a RangeError naming it when Intl does not know it. */
export function checkTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}": give an IANA name such as America/New_York, or UTC`);
  }
}

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formats.set(timeZone, format);
  }
  return format;
}

/** Whole wall-clock seconds of `instant` in `timeZone` (UTC is plain arithmetic). */
export function wallClockSeconds(instant: Date, timeZone: string): number {
  const seconds = Math.floor(instant.getTime() / 1000);
  if (timeZone === 'UTC') return seconds;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatFor(timeZone).formatToParts(instant)) {
    const value = Number(part.value);
    if (part.type === 'year') year = value;
    else if (part.type === 'month') month = value;
    else if (part.type === 'day') day = value;
    else if (part.type === 'hour') hour = value;
    else if (part.type === 'minute') minute = value;
    else if (part.type === 'second') second = value;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}
