import { Duration } from 'cdk8s';

/** Pure duration helpers: Go's duration grammar (Velero `ttl`, cron `@every`, EncryptionConfiguration cache TTLs) and short forms for messages. */

/** Formats a duration the way Go's `time.Duration.String()` does for whole seconds, e.g. `720h0m0s` (Velero's `ttl`). */
export function goDuration(d: Duration): string {
  const total = Math.round(d.toSeconds({ integral: false }));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}h${m}m${s}s`;
}

/** Short human form for messages: `1h`, `1d`, `90m`, `45s`, `1d 1h`. */
export function describeDuration(d: Duration): string {
  let total = Math.round(d.toSeconds({ integral: false }));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (total >= size) {
      parts.push(`${Math.floor(total / size)}${unit}`);
      total %= size;
    }
  }
  return parts.length === 0 ? '0s' : parts.join(' ');
}

/** Seconds of a duration, fractional allowed. */
export function seconds(d: Duration): number {
  return d.toSeconds({ integral: false });
}

/** Seconds of a Go duration string (`1h30m`, `90s`, `2h`), or undefined. */
export function parseGoDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
  }
  return total;
}
