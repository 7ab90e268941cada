import { parseGoDuration } from './duration';
import { FIXED_ZONES, isKnownTimeZone } from './time-zone';

/**
 * Pure cron arithmetic for backup plans: parse the cron dialect Velero and Kubernetes CronJobs accept
 * (robfig/cron `ParseStandard`: five fields, names, ranges, steps, lists, `?`, `@daily`-style descriptors,
 * `@every <duration>`, and a `CRON_TZ=`/`TZ=` prefix) and compute the longest gap between two runs, so a
 * recovery point objective can be compared with what the schedule really delivers.
 */

/** A parsed cron expression. */
export interface CronSchedule {
  /** The expression as written. */
  readonly expression: string;
  /** IANA time zone of a `CRON_TZ=`/`TZ=` prefix, when there is one. */
  readonly timeZone?: string;
  /** Minutes of the hour the schedule fires at, sorted (empty for `@every`). */
  readonly minutes: readonly number[];
  /** Hours of the day, sorted (empty for `@every`). */
  readonly hours: readonly number[];
  /** Days of the month, 1–31. */
  readonly daysOfMonth: readonly number[];
  /** Months, 1–12. */
  readonly months: readonly number[];
  /** Days of the week, 0 (Sunday) – 6. */
  readonly daysOfWeek: readonly number[];
  /** True when the day-of-month field was `*` or `?` (robfig: then both day fields must match, else either). */
  readonly dayOfMonthStar: boolean;
  /** True when the day-of-week field was `*` or `?`. */
  readonly dayOfWeekStar: boolean;
  /** For `@every <duration>`: the fixed interval in seconds. */
  readonly everySeconds?: number;
}

/** Why an expression could not be parsed. */
export interface CronProblem {
  /** What is wrong, in words for an error message. */
  readonly problem: string;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Days in the Gregorian 400-year cycle: a whole number of weeks (20 871), so the calendar repeats exactly. */
const CYCLE_DAYS = 146097;
const MINUTES_PER_DAY = 1440;

/** Whether a parse result is a problem. */
export function isCronProblem(x: CronSchedule | CronProblem): x is CronProblem {
  return (x as CronProblem).problem !== undefined;
}

/** Parses a cron expression; returns the problem instead of throwing, so the caller can name its prop. */
export function parseCron(expression: string): CronSchedule | CronProblem {
  if (typeof expression !== 'string') return { problem: 'is not text' };
  let rest = expression.trim();
  let timeZone: string | undefined;
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(rest);
  if (tz) {
    timeZone = tz[1];
    rest = tz[2].trim();
    if (!isKnownTimeZone(timeZone)) return { problem: `names the time zone '${timeZone}', which is not an IANA zone` };
  }
  if (rest.startsWith('@every')) {
    const every = parseGoDuration(rest.slice('@every'.length).trim());
    if (every === undefined || every < 1) return { problem: 'has an @every interval that is not a Go duration of at least one second, e.g. \'@every 1h\'' };
    const none: number[] = [];
    return {
      expression,
      timeZone,
      minutes: none,
      hours: none,
      daysOfMonth: none,
      months: none,
      daysOfWeek: none,
      dayOfMonthStar: true,
      dayOfWeekStar: true,
      everySeconds: every,
    };
  }
  if (rest.startsWith('@')) {
    const expanded = DESCRIPTORS[rest.toLowerCase()];
    if (!expanded) return { problem: `uses the unknown descriptor '${rest}'; use one of ${Object.keys(DESCRIPTORS).join(', ')} or five fields` };
    rest = expanded;
  }
  const parts = rest.split(/\s+/);
  if (parts.length !== 5) return { problem: `has ${parts.length} fields, not the 5 of 'minute hour day-of-month month day-of-week'` };
  const values: number[][] = [];
  const stars: boolean[] = [];
  for (let i = 0; i < 5; i++) {
    const parsed = parseField(parts[i], FIELDS[i]);
    if (typeof parsed === 'string') return { problem: parsed };
    values.push(parsed.values);
    stars.push(parsed.star);
  }
  const schedule: CronSchedule = {
    expression,
    timeZone,
    minutes: values[0],
    hours: values[1],
    daysOfMonth: values[2],
    months: values[3],
    daysOfWeek: values[4],
    dayOfMonthStar: stars[2],
    dayOfWeekStar: stars[4],
  };
  if (dayGaps(schedule).longest === undefined) return { problem: 'never fires: no calendar day matches its day-of-month, month and day-of-week fields' };
  return schedule;
}

/**
 * The longest time between two consecutive runs, over a whole 400-year Gregorian cycle (so `0 0 29 2 *` yields
 * the eight years around a skipped leap day). With a time zone that observes daylight saving, one hour is added:
 * a clock change can stretch a gap by that much. In seconds, so that the audit (which judges schedules too) runs
 * without cdk8s: constructs wrap it in `Duration.seconds`.
 */
export function worstCaseIntervalSeconds(schedule: CronSchedule): number {
  if (schedule.everySeconds !== undefined) return schedule.everySeconds;
  const times = [];
  for (const h of schedule.hours) for (const m of schedule.minutes) times.push(h * 60 + m);
  times.sort((a, b) => a - b);
  let worst = 0;
  for (let i = 1; i < times.length; i++) worst = Math.max(worst, times[i] - times[i - 1]);
  // From the last run of one firing day to the first run of the next: the longest such gap spans the most days.
  const longest = dayGaps(schedule).longest ?? CYCLE_DAYS;
  worst = Math.max(worst, longest * MINUTES_PER_DAY - times[times.length - 1] + times[0]);
  const dst = schedule.timeZone !== undefined && !FIXED_ZONES.includes(schedule.timeZone) ? 60 : 0;
  return (worst + dst) * 60;
}

interface Calendar {
  readonly month: Uint8Array;
  readonly date: Uint8Array;
  readonly weekday: Uint8Array;
}

let calendar: Calendar | undefined;

/** Days of each month (index 1–12) outside February's leap rule. */
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Weekday of 2000-01-01, the first day of the cycle (0 = Sunday). */
const SATURDAY = 6;

/**
 * Month, day of month and weekday of every day of the 400-year cycle starting 2000-01-01 (a Saturday), computed
 * once by counting days (Gregorian leap rule) rather than with 146 097 Date objects, which cost every synth with a
 * schedule tens of milliseconds.
 */
function cycleCalendar(): Calendar {
  if (calendar) return calendar;
  const month = new Uint8Array(CYCLE_DAYS);
  const date = new Uint8Array(CYCLE_DAYS);
  const weekday = new Uint8Array(CYCLE_DAYS);
  let day = 0;
  for (let year = 2000; year < 2400; year++) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    for (let m = 1; m <= 12; m++) {
      const length = m === 2 ? (leap ? 29 : 28) : MONTH_DAYS[m];
      for (let d = 1; d <= length; d++, day++) {
        month[day] = m;
        date[day] = d;
        weekday[day] = (day + SATURDAY) % 7;
      }
    }
  }
  calendar = { month, date, weekday };
  return calendar;
}

/** What the day fields of a schedule give over the 400-year cycle: the longest span between two firing days. */
interface DayGaps {
  /** Days from one firing day to the next, the longest over the cycle (wrapping round); undefined when none fires. */
  readonly longest?: number;
}

/** Day-field combinations already walked: a synth parses the same few schedules many times (constructs, checks). */
const dayGapsSeen = new Map<string, DayGaps>();
/** Enough for any real app; a flood of distinct schedules (hostile YAML) only costs the walk again. */
const DAY_GAPS_KEPT = 1024;

/** Walks the 400-year cycle starting 2000-01-01 (a Saturday) once per combination of day fields. */
function dayGaps(schedule: CronSchedule): DayGaps {
  const both = schedule.dayOfMonthStar || schedule.dayOfWeekStar;
  const key = `${schedule.months.join(',')}|${schedule.daysOfMonth.join(',')}|${schedule.daysOfWeek.join(',')}|${both}`;
  const seen = dayGapsSeen.get(key);
  if (seen) return seen;
  // Every month and any day of the month (most schedules): only the weekdays decide and weeks repeat, so the
  // answer needs no walk, which costs the first schedule of a synth ~10 ms before the walk is compiled.
  if (schedule.months.length === 12 && schedule.dayOfMonthStar && schedule.daysOfWeek.length > 0) {
    return remember(key, { longest: weekdayGap(schedule.daysOfWeek) });
  }
  const months = lookup(schedule.months, 13);
  const dom = lookup(schedule.daysOfMonth, 32);
  const dow = lookup(schedule.daysOfWeek, 7);
  const cal = cycleCalendar();
  let first: number | undefined;
  let previous: number | undefined;
  let longest = 0;
  for (let day = 0; day < CYCLE_DAYS; day++) {
    if (!months[cal.month[day]]) continue;
    const domMatch = dom[cal.date[day]] === 1;
    const dowMatch = dow[cal.weekday[day]] === 1;
    if (!(both ? domMatch && dowMatch : domMatch || dowMatch)) continue;
    if (previous === undefined) first = day;
    else longest = Math.max(longest, day - previous);
    previous = day;
  }
  return remember(key, first === undefined ? {} : { longest: Math.max(longest, first + CYCLE_DAYS - previous!) });
}

function remember(key: string, gaps: DayGaps): DayGaps {
  if (dayGapsSeen.size >= DAY_GAPS_KEPT) dayGapsSeen.clear();
  dayGapsSeen.set(key, gaps);
  return gaps;
}

/** The longest span, in days, between two firing weekdays (sorted, 0–6), wrapping round the week. */
function weekdayGap(weekdays: readonly number[]): number {
  let longest = 7 - weekdays[weekdays.length - 1] + weekdays[0];
  for (let i = 1; i < weekdays.length; i++) longest = Math.max(longest, weekdays[i] - weekdays[i - 1]);
  return longest;
}

/** A 0/1 table of `values`, indexed by value. */
function lookup(values: readonly number[], size: number): Uint8Array {
  const table = new Uint8Array(size);
  for (const v of values) if (v >= 0 && v < size) table[v] = 1;
  return table;
}

function parseField(text: string, spec: FieldSpec): { values: number[]; star: boolean } | string {
  const values = new Set<number>();
  let star = false;
  for (const item of text.split(',')) {
    const [range, stepText, ...extra] = item.split('/');
    if (extra.length > 0) return `has a ${spec.name} field '${text}' with more than one '/'`;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) return `has a ${spec.name} field '${text}' whose step is not a positive whole number`;
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = spec.min;
      hi = spec.max;
      if (step === 1) star = true;
    } else {
      const bounds = range.split('-');
      if (bounds.length > 2) return `has a ${spec.name} field '${text}' with a malformed range`;
      const a = fieldValue(bounds[0], spec);
      const b = bounds.length === 2 ? fieldValue(bounds[1], spec) : a;
      if (a === undefined || b === undefined) return `has a ${spec.name} field '${text}' with a value outside ${spec.min}-${spec.max}`;
      lo = a;
      // robfig: "N/step" means "N-max/step".
      hi = bounds.length === 1 && stepText !== undefined ? spec.max : b;
      if (lo > hi) return `has a ${spec.name} field '${text}' whose range runs backwards`;
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values: [...values].sort((x, y) => x - y), star };
}

function fieldValue(text: string, spec: FieldSpec): number | undefined {
  const byName = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (byName >= 0) return spec.min + byName;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  // robfig accepts 7 as Sunday only through names; a numeric 7 is out of range.
  return n >= spec.min && n <= spec.max ? n : undefined;
}
