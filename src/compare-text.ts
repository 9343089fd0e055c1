// The one string order of reports and file lists: code-unit order, as Python's sort, and
// independent of the machine's locale (localeCompare is not).

/** Negative, 0 or positive as `a` sorts before, with or after `b` by UTF-16 code units. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
