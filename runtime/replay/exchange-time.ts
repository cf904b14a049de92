// Exchange-local times of day to UTC epoch nanoseconds. Order-level files (LOBSTER, ITCH)
// stamp events in nanoseconds after midnight, local time of the exchange, on the trading
// date. The time of day is read as wall-clock time at the UTC offset in force at local noon
// of that date: daylight-saving changes happen at 02:00 on Sundays, outside any session.
export const NEW_YORK = 'America/New_York';

const MS_PER_MINUTE = 60_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * UTC epoch milliseconds of local midnight on `tradingDate` (YYYY-MM-DD) in `timeZone`
 * (IANA name). Milliseconds, not ns: epoch ns exceed 2^53, beyond a Number's exact range.
 */
export function localMidnightUtcMs(tradingDate: string, timeZone: string): number {
  const match = DATE.exec(tradingDate);
  const utcMidnightMs = match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(utcMidnightMs) || new Date(utcMidnightMs).toISOString().slice(0, 10) !== tradingDate) {
    throw new RangeError(`trading date "${tradingDate}" is not a YYYY-MM-DD calendar date`);
  }
  const noonUtcMs = utcMidnightMs + 12 * 60 * MS_PER_MINUTE;
  // The offset at UTC noon, then at the local noon it points to (right even far from UTC).
  const offsetMs = utcOffsetMs(noonUtcMs - utcOffsetMs(noonUtcMs, timeZone), timeZone);
  return utcMidnightMs - offsetMs;
}

/** Local time minus UTC at an instant, in ms (New York in June: -4 h). */
export function utcOffsetMs(epochMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(epochMs);
  const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
  const offset = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (offset === null) throw new RangeError(`no UTC offset for time zone ${timeZone} (got "${name}")`);
  if (offset[1] === undefined) return 0;
  const minutes = Number(offset[2]) * 60 + Number(offset[3]);
  return (offset[1] === '-' ? -minutes : minutes) * MS_PER_MINUTE;
}
