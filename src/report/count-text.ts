// Counts as report text: `12,345` and `1 ban` / `2 bans`, the same in every format (table,
// mail text, HTML). Locale-independent, so reports read the same on every machine.

/** Integer with thousands separators, locale-independent. */
export function count(n: number): string {
  const digits = String(Math.trunc(Math.abs(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** `1 ban`, `2 bans`, with thousands separators. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
