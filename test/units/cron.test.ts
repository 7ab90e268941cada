import { Duration } from 'cdk8s';
import { CronSchedule, isCronProblem, parseCron, worstCaseIntervalSeconds } from '../../lib/units/cron';
import { describeDuration, goDuration, parseGoDuration } from '../../lib/units/duration';

function gap(expression: string): string {
  const parsed = parseCron(expression);
  if (isCronProblem(parsed)) throw new Error(`unexpected problem: ${parsed.problem}`);
  return describeDuration(Duration.seconds(worstCaseIntervalSeconds(parsed as CronSchedule)));
}

function problem(expression: string): string {
  const parsed = parseCron(expression);
  if (!isCronProblem(parsed)) throw new Error(`expected '${expression}' to be refused`);
  return parsed.problem;
}

describe('worstCaseIntervalSeconds', () => {
  test.each([
    ['0 * * * *', '1h'],
    ['*/15 * * * *', '15m'],
    ['15 2 * * *', '1d'],
    ['0 0,6,12 * * *', '12h'],
    ['0 9-17 * * 1-5', '2d 16h'],
    ['0 3 * * SUN', '7d'],
    ['0 0 1 * *', '31d'],
    ['0 0 1 1 *', '366d'],
    ['@hourly', '1h'],
    ['@daily', '1d'],
    ['@every 90m', '1h 30m'],
    ['CRON_TZ=Etc/UTC 15 2 * * *', '1d'],
  ])('%s fires at least every %s', (expression, expected) => {
    expect(gap(expression)).toBe(expected);
  });

  test('a leap-day schedule spans the eight years around the skipped 2100 leap day', () => {
    expect(gap('0 0 29 2 *')).toBe(`${8 * 365 + 1}d`);
  });

  test('day-of-month and day-of-week both restricted match either (robfig/cron semantics)', () => {
    // The 1st of the month or any Monday: never more than a week apart.
    expect(gap('0 0 1 * MON')).toBe('7d');
  });

  test('a starred day-of-month with a restricted day-of-week needs both, i.e. only the weekday', () => {
    expect(gap('0 0 * * 1')).toBe('7d');
  });

  test('weekdays alone decide when every month and any day of the month fire, wrapping round the week', () => {
    expect(gap('0 0 * * 1,4')).toBe('4d');
    expect(gap('0 0 ? * SAT,SUN')).toBe('6d');
    // A month left out is walked over the calendar: December to February.
    expect(gap('0 0 * 1-11 *')).toBe('32d');
  });

  test('a time zone with daylight saving adds the hour a clock change can stretch a gap by', () => {
    expect(gap('CRON_TZ=Europe/Paris 15 2 * * *')).toBe('1d 1h');
  });
});

describe('parseCron refuses', () => {
  test.each([
    ['0 * * *', 'has 4 fields, not the 5 of \'minute hour day-of-month month day-of-week\''],
    ['60 * * * *', 'has a minute field \'60\' with a value outside 0-59'],
    ['0 25 * * *', 'has a hour field \'25\' with a value outside 0-23'],
    ['0 0 * * 7', 'has a day-of-week field \'7\' with a value outside 0-6'],
    ['*/0 * * * *', 'has a minute field \'*/0\' whose step is not a positive whole number'],
    ['5-1 * * * *', 'has a minute field \'5-1\' whose range runs backwards'],
    ['0 0 30 2 *', 'never fires: no calendar day matches its day-of-month, month and day-of-week fields'],
    ['@fortnightly', 'uses the unknown descriptor \'@fortnightly\'; use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or five fields'],
    ['@every soon', 'has an @every interval that is not a Go duration of at least one second, e.g. \'@every 1h\''],
    ['CRON_TZ=Mars/Olympus 0 * * * *', 'names the time zone \'Mars/Olympus\', which is not an IANA zone'],
  ])('%s', (expression, expected) => {
    expect(problem(expression)).toBe(expected);
  });
});

describe('durations', () => {
  test('goDuration writes Velero\'s ttl form', () => {
    expect(goDuration(Duration.days(30))).toBe('720h0m0s');
    expect(goDuration(Duration.seconds(90))).toBe('0h1m30s');
  });

  test('parseGoDuration reads Go durations', () => {
    expect(parseGoDuration('1h30m')).toBe(5400);
    expect(parseGoDuration('250ms')).toBe(0.25);
    expect(parseGoDuration('1 hour')).toBeUndefined();
  });
});
