// Output-safety helpers, one per target: terminal (and a terminal table's cell), HTML, CSV
// cell, mail header.
// Log text is attacker-chosen (SASL usernames), so it passes through one of these before any
// output. Pure functions; the `g` regexes are used only with String#replace, which resets
// lastIndex itself, so no match state leaks between calls.
import { fitEnd } from './text-width.js';

// C0 controls except tab, DEL, and C1 controls: ESC starts ANSI/OSC sequences, CR and BS
// overwrite what is already on screen, LF (and U+2028/2029, line breaks to mail clients and
// web viewers, #5) forges table rows. Stripping ESC alone already
// defuses `\x1b[31m` (the rest shows as plain `[31m`), which also makes the attempt visible.
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/gu;

// Bidi embeddings/overrides/isolates (U+202A–202E, U+2066–2069) reorder the text that follows
// them, so a username could make the next columns read backwards ("Trojan Source"). The
// implicit marks (LRM, RLM, ALM) are invisible and only serve to disguise, so they go too.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const HTML_SPECIAL = /[&<>"']/gu;

// A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
const CSV_FORMULA_START = /^[=+\-@\t\r]/u;

// Header injection: CR/LF would start a new header; other controls are invalid in headers.
const MAIL_HEADER_BREAKS = /[\r\n]+/gu;
const MAIL_HEADER_UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/gu;

/** Ellipsis appended by `truncate`. */
export const ELLIPSIS = '…';

/** Makes text safe to print on a terminal: strips control characters (tab kept) and bidi controls. */
export function forTerminal(s: string): string {
  return s.replace(TERMINAL_UNSAFE, '').replace(BIDI_CONTROLS, '');
}

/**
 * Log text made safe and short for a terminal or text-mail cell: forTerminal, tabs as spaces
 * (a tab would break the column layout), then at most `max` columns, cut with '…'.
 */
export function forTerminalCell(s: string, max: number): string {
  // Cut first (bounded work on a 10 kB username), then sanitise, then cut what shows.
  return fitEnd(forTerminal(truncate(s, max * 4)).replaceAll('\t', ' '), max);
}

/** Escapes text for HTML element content and quoted attribute values. */
export function forHtml(s: string): string {
  return s.replace(HTML_SPECIAL, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Quotes one CSV cell (RFC 4180 doubling of `"`) and defuses formulas by prefixing `'`
 * when the text starts with `=`, `+`, `-`, `@`, tab or CR.
 */
export function forCsvCell(s: string): string {
  const defused = CSV_FORMULA_START.test(s) ? `'${s}` : s;
  return `"${defused.replaceAll('"', '""')}"`;
}

/** Makes text safe for one unfolded mail header value: line breaks become spaces, controls go. */
export function forMailHeader(s: string): string {
  return s.replace(MAIL_HEADER_BREAKS, ' ').replace(MAIL_HEADER_UNSAFE, '').replace(BIDI_CONTROLS, '').trim();
}

/**
 * Shortens text to at most `max` code points, ending with `…` when something was cut.
 * Counts code points, not UTF-16 units, so a surrogate pair is never split.
 */
export function truncate(s: string, max: number): string {
  if (max <= 0) return '';
  // Fast path: a string with at most `max` UTF-16 units has at most `max` code points.
  if (s.length <= max) return s;
  let count = 0;
  let end = 0; // UTF-16 index after the last code point kept
  let keepEnd = 0; // UTF-16 index after the first max-1 code points
  for (const cp of s) {
    count++;
    if (count === max) keepEnd = end;
    if (count > max) return s.slice(0, keepEnd) + ELLIPSIS;
    end += cp.length;
  }
  return s;
}

// JSON.stringify escapes C0 controls but leaves DEL, C1 controls, bidi controls and
// U+2028/2029 raw; they act on a terminal that prints the JSON, so they become \uXXXX.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Escapes what JSON.stringify leaves raw but a terminal would act on; the parsed value is unchanged. */
export function escapeJsonText(json: string): string {
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON.stringify, then escapeJsonText: JSON that is also safe to print. */
export function toSafeJson(value: unknown, indent?: number): string {
  return escapeJsonText(JSON.stringify(value, null, indent));
}
