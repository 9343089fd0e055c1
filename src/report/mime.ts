// Building blocks of an RFC 5322 / MIME message (#8): header values that cannot inject
// headers (controls and line breaks removed, non-ASCII as RFC 2047 encoded words, folded to
// 78 columns), strict address checks, quoted-printable bodies and the Date header. Pure.

import { daysFromCivil } from '../time/civil.js';
import { forMailHeader } from './sanitize.js';

/** Longest header or body line we write (RFC 5322 §2.1.1 recommends 78). */
export const MAX_LINE = 78;

// A conservative addr-spec: dot-atom local part and a dotted domain (or `localhost`), ASCII only.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const ADDR_SPEC = new RegExp(`^${ATOM}(?:\\.${ATOM})*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`);
const NAME_ADDR = /^\s*([\s\S]*?)\s*<([^<>]*)>\s*$/;
// Brackets or quotes inside a display name only serve to confuse: refused.
const NAME_UNSAFE = /[<>"\\]/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const PHRASE_SAFE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ .-]*$/;

/** A checked mailbox: the bare address and the header text to write. */
export interface Mailbox {
  address: string;
  /** `addr` or `Display Name <addr>`, already encoded for a header. */
  header: string;
}

/** Parses `addr@example.org` or `Name <addr@example.org>`; undefined when it is not a plain address. */
export function parseMailbox(text: string): Mailbox | undefined {
  const m = NAME_ADDR.exec(text);
  const address = (m === null ? text : (m[2] ?? '')).trim();
  if (!ADDR_SPEC.test(address) || address.length > 254) return undefined;
  const rawName = m === null ? '' : forMailHeader(m[1] ?? '').replace(/^"(.*)"$/, '$1');
  if (rawName === '') return { address, header: address };
  if (NAME_UNSAFE.test(rawName)) return undefined;
  let name: string;
  if (!PRINTABLE_ASCII.test(rawName)) name = encodeWords(rawName).join(' ');
  else if (PHRASE_SAFE.test(rawName)) name = rawName;
  else name = `"${rawName}"`;
  return { address, header: `${name} <${address}>` };
}

/**
 * One header line (folded with CRLF-space or LF-space as `eol` says): the value is stripped of
 * line breaks and controls first, then written as ASCII words or RFC 2047 B-encoded words.
 */
export function formatHeader(name: string, value: string, eol = '\r\n'): string {
  const clean = forMailHeader(value);
  const words = PRINTABLE_ASCII.test(clean) && !clean.includes('=?') ? clean.split(/ +/).filter((w) => w !== '') : encodeWords(clean);
  return fold(`${name}:`, words, eol);
}

/** A header whose value is already safe, structured text (addresses, ids, dates): folded at spaces only. */
export function formatRawHeader(name: string, value: string, eol = '\r\n'): string {
  if (/[\r\n]/.test(value)) throw new RangeError(`header ${name} must not contain a line break`);
  return fold(`${name}:`, value.split(/ +/).filter((w) => w !== ''), eol);
}

/** Splits text into RFC 2047 `=?UTF-8?B?…?=` words of at most 75 characters, never cutting a character. */
export function encodeWords(text: string): string[] {
  const words: string[] = [];
  // 39 bytes → 52 base64 characters → 64-character words: with `Subject: ` (or any header
  // name up to 12 characters) in front, the first line still fits in 78 columns.
  const MAX_BYTES = 39;
  let chunk = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > MAX_BYTES && chunk !== '') {
      words.push(bWord(chunk));
      chunk = '';
      bytes = 0;
    }
    chunk += ch;
    bytes += n;
  }
  if (chunk !== '' || words.length === 0) words.push(bWord(chunk));
  return words;
}

function bWord(s: string): string {
  return `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

// Folds words into lines of at most MAX_LINE characters (a single overlong word stays whole:
// RFC 5322 allows up to 998).
function fold(first: string, words: readonly string[], eol: string): string {
  const lines: string[] = [];
  let line = first;
  for (const w of words) {
    if (line.length + 1 + w.length > MAX_LINE && line !== first) {
      lines.push(line);
      line = ` ${w}`;
    } else {
      line += ` ${w}`;
    }
  }
  lines.push(line);
  return lines.join(eol);
}

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text, lines joined with `eol`, at most 76 characters each. */
export function quotedPrintable(text: string, eol = '\r\n'): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const bytes = Buffer.from(line, 'utf8');
    let encoded = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      const last = i === bytes.length - 1;
      const literal =
        (b >= 33 && b <= 126 && b !== 61) ||
        ((b === 32 || b === 9) && !last);
      // `From ` and a lone `.` at a line start upset mbox files and SMTP: encode their first byte.
      const risky = i === 0 && (b === 0x2e || (b === 0x46 && line.startsWith('From ')));
      encoded += literal && !risky ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    // Soft line breaks: at most 75 characters plus `=`, never inside an =XX triplet.
    while (encoded.length > 76) {
      let cut = 75;
      if (encoded[cut - 1] === '=') cut -= 1;
      else if (encoded[cut - 2] === '=') cut -= 2;
      out.push(encoded.slice(0, cut) + '=');
      encoded = encoded.slice(cut);
    }
    out.push(encoded);
  }
  return out.join(eol);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * RFC 5322 date (`Tue, 24 Nov 2026 22:09:17 +0100`) of an instant, from its ISO 8601 text
 * with offset (as the CLI's formatTime writes it), so the mail shows the report's zone.
 */
export function mailDate(ms: number, iso: string): string {
  const m = ISO.exec(iso);
  if (m === null) return mailDate(ms, new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'));
  const [, y = '', mo = '', d = '', hh = '', mi = '', ss = '', off = 'Z'] = m;
  const offset = off === 'Z' ? '+0000' : off.replace(':', '');
  // Weekday of the local calendar date: 1970-01-01 was a Thursday.
  const days = daysFromCivil(Number(y), Number(mo), Number(d));
  return `${DAYS[(((days + 4) % 7) + 7) % 7]}, ${Number(d)} ${MONTHS[Number(mo) - 1]} ${y} ${hh}:${mi}:${ss} ${offset}`;
}
