// Formats a jail duration (seconds, as fail2ban writes them) in fail2ban's own units:
// `10m`, `1h`, `1d`, `1w`, combined largest first (`1m30s`); negative means a permanent ban.
// Pure; used by every renderer so the same setting always reads the same way.

const UNITS: ReadonlyArray<readonly [suffix: string, seconds: number]> = [
  ['w', 604800],
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
];

/** Formats seconds as `1w2d3h4m5s` (zero parts left out); any negative value is `permanent`. */
export function formatDuration(seconds: number): string {
  if (Number.isNaN(seconds)) throw new RangeError('formatDuration: NaN');
  // fail2ban treats every negative bantime as permanent (bantime = -1 in jail.conf).
  if (seconds < 0 || seconds === Infinity) return 'permanent';
  if (seconds === 0) return '0s';
  let rest = seconds;
  let out = '';
  for (const [suffix, size] of UNITS) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      out += `${n}${suffix}`;
      rest -= n * size;
    }
  }
  if (rest > 0) {
    // Fractional seconds are rare (findtime = 0.5?) but must not print as 0.30000000000000004.
    const rounded = Math.round(rest * 1000) / 1000;
    if (rounded > 0) out += `${rounded}s`;
  }
  return out === '' ? '0s' : out;
}
