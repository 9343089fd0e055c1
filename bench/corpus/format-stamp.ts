// Syslog time stamps for the synthetic corpus: classic BSD ("Jan  4 06:25:13",
// no year, no zone) and rsyslog's RFC 3339 high-precision form. The server of
// the corpus logs in UTC, so both are rendered from UTC fields.

/** How a log file dates its lines. */
export type StampStyle = 'classic' | 'rfc3339';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Renders epoch milliseconds in the given style (UTC wall time). */
export function formatStamp(t: number, style: StampStyle): string {
  const d = new Date(t);
  const hms = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  if (style === 'classic') {
    return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms}`;
  }
  // Microseconds: the model works in milliseconds; the last three digits are a
  // fixed function of the time so the output stays reproducible.
  const micros = String(d.getUTCMilliseconds()).padStart(3, '0') + String((t * 7919) % 1000).padStart(3, '0');
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${hms}.${micros}+00:00`;
}
