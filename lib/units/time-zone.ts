/** IANA time zones, without cdk8s, for the cron arithmetic and the constructs that take a zone. */

/** Zones whose clocks never change, so no daylight-saving shift can stretch a gap. */
export const FIXED_ZONES: readonly string[] = ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Zulu', 'Zulu', 'Etc/Universal', 'Universal'];

/**
 * Whether this runtime knows the IANA zone `zone`. The zones that never change are known everywhere and answered
 * without ICU, whose first time-zone look-up costs a synth tens of milliseconds.
 */
export function isKnownTimeZone(zone: string): boolean {
  if (FIXED_ZONES.includes(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
