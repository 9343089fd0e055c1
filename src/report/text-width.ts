// Terminal column width of already-sanitised text, for laying out tables (text-table.ts).
// An approximation of wcwidth: marks and format characters take no column, East Asian wide
// characters and emoji take two. Pure; never sees control characters.

// Zero-width: combining marks and format characters (ZWJ, ZWSP, soft hyphen, BOM...).
const ZERO_WIDTH = /^[\p{M}\p{Cf}]$/u;

// East Asian Wide/Fullwidth blocks and the emoji planes (inclusive code point ranges).
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

/** Number of terminal columns the text occupies (approximate wcwidth). */
export function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x300) {
      width++; // ASCII and Latin-1: the common case, no lookups
    } else if (ZERO_WIDTH.test(ch)) {
      continue;
    } else {
      width += isWide(cp) ? 2 : 1;
    }
  }
  return width;
}

/** The longest start of `s` that fits in `width` columns (no ellipsis). */
export function keepStart(s: string, width: number): string {
  let used = 0;
  let end = 0;
  for (const ch of s) {
    const w = displayWidth(ch);
    if (used + w > width) break;
    used += w;
    end += ch.length;
  }
  return s.slice(0, end);
}

/** Shortens text to `width` columns by dropping its end, marked with '…'. */
export function fitEnd(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  return width <= 0 ? '' : keepStart(s, width - 1) + '…';
}

/** Shortens text to `width` columns by dropping its start (`…log/mail.log.2.gz`): for paths. */
export function fitStart(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  const chars = [...s];
  let kept = 0;
  let i = chars.length;
  while (i > 0) {
    const w = displayWidth(chars[i - 1] ?? '');
    if (kept + w > width - 1) break;
    kept += w;
    i--;
  }
  return '…' + chars.slice(i).join('');
}

function isWide(cp: number): boolean {
  for (const [lo, hi] of WIDE_RANGES) {
    if (cp < lo) return false;
    if (cp <= hi) return true;
  }
  return false;
}
