// Output safety (#5): usernames an attacker chose (ANSI/OSC escapes, HTML, CSV formulas, 10 kB,
// CR and Unicode line breaks, bidi overrides) go through the CLI into every output format
// `audit` offers, read from AUDIT_FORMATS so a new format is covered the day it is added.
// Each format is checked by its own rules, and every format by the terminal-safe baseline.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { AUDIT_FORMATS } from '../../src/cli/commands/audit.js';
import { BASE, cli, dovecotLine, stamp, tempDir } from './support.js';

/** Usernames an attacker chose; none can hold `\n`, which would end the log line. */
const HOSTILE = [
  '\u001b[31mred\u001b[0m',
  '\u001b]8;;http://evil.example/\u0007link\u001b]8;;\u0007',
  '\u001b]0;pwned\u0007title',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '=HYPERLINK("http://evil.example/","x")',
  '+cmd|calc',
  '-2+3',
  '@SUM(A1)',
  '\tleading-tab',
  'a\rBcc: victim@example.org',
  'b\u2028Bcc: victim@example.org',
  'c\u0085Bcc: victim@example.org',
  'j\u00fcrgen\u202eevil',
  'del\u007fbs\b\b\bx',
  'x'.repeat(10_240),
];

// Raw characters no output may carry: C0 controls but tab/LF/CR, DEL, C1, bidi controls.
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const LONE_CR = /\r(?!\n)/;

let dir = '';
let cleanup = (): void => undefined;
let log = '';
before(() => {
  ({ dir, cleanup } = tempDir());
  log = path.join(dir, 'hostile.log');
  let n = 0;
  const lines: string[] = [];
  HOSTILE.forEach((user, i) => {
    for (let k = 0; k < 6; k++) lines.push(dovecotLine(`203.0.113.${i + 1}`, user, stamp(++n)));
  });
  writeFileSync(log, lines.join('\n') + '\n');
});
after(() => cleanup());

function render(format: string): string {
  // --jail takes several values: the path goes first.
  const r = cli(['audit', log, ...BASE, '--no-rotated', '--format', format, '--jail', 'dovecot'], { cwd: dir });
  assert.equal(r.status, 0, `${format}: ${r.stderr}`);
  assert.equal(r.stderr, '', format);
  assert.ok(r.stdout.length > 0, format);
  return r.stdout;
}

/** The baseline every format keeps: nothing that drives a terminal, no forged line. */
function assertTerminalSafe(format: string, text: string): void {
  const bad = UNSAFE.exec(text);
  assert.equal(bad, null, `${format}: raw U+${bad?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} at ${bad?.index}`);
  assert.doesNotMatch(text, LONE_CR, `${format}: a lone CR`);
  assert.doesNotMatch(text, /(?:^|\n)Bcc: victim/, `${format}: a forged line`);
}

/** Text meant to be read as lines: no Unicode line break either (mail clients honour them). */
function assertNoUnicodeBreaks(format: string, text: string): void {
  assert.doesNotMatch(text, /[\u2028\u2029]/, `${format}: a Unicode line break`);
}

function assertHtmlSafe(format: string, html: string): void {
  // Escaped, `onerror=` is only text; as markup it would follow a live `<img`.
  assert.doesNotMatch(html, /<script>alert|<img\b/i, `${format}: live markup from a username`);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, `${format}: the name is shown escaped`);
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

const CHECKS: Record<string, (text: string) => Promise<void> | void> = {
  table: (text) => {
    // Escapes stripped, the rest left visible: the attempt shows, harmlessly.
    for (const name of ['[31mred', '<script>alert(1)</script>', 'aBcc: victim']) assert.ok(text.includes(name), `table shows ${name}`);
    assertNoUnicodeBreaks('table', text);
  },
  json: (text) => {
    const names = new Set((JSON.parse(text) as { usernames: Array<{ name: string }> }).usernames.map((u) => u.name));
    for (const u of HOSTILE) assert.ok(names.has(u), `json keeps ${JSON.stringify(u.slice(0, 40))} exactly`);
  },
  ndjson: (text) => {
    const users = new Set<string>();
    for (const line of text.split('\n').filter((l) => l !== '')) {
      const rec = JSON.parse(line) as { data?: { user?: string } };
      if (typeof rec.data?.user === 'string') users.add(rec.data.user);
    }
    for (const u of HOSTILE) assert.ok(users.has(u), `ndjson keeps ${JSON.stringify(u.slice(0, 40))} exactly`);
  },
  csv: (text) => assertCsvSafe('csv', text),
  'csv-bans': (text) => assertCsvSafe('csv-bans', text),
  html: (text) => assertHtmlSafe('html', text),
  email: async (text) => {
    const [head] = text.split(/\r?\n\r?\n/, 1);
    assert.doesNotMatch(head ?? '', /^bcc:/im, 'email: forged header');
    const mail = await simpleParser(text);
    assert.equal(mail.headers.has('bcc'), false);
    assert.ok(typeof mail.text === 'string' && mail.text.length > 0, 'email: a text part');
    assertTerminalSafe('email text part', mail.text);
    assertNoUnicodeBreaks('email text part', mail.text);
    if (typeof mail.html === 'string') assertHtmlSafe('email html part', mail.html);
  },
};

function assertCsvSafe(format: string, text: string): void {
  for (const row of parseCsv(text)) {
    for (const cell of row) {
      // A cell a spreadsheet would evaluate: = + @ tab CR always; - unless it is a number.
      const formula = /^[=+@\t\r]/.test(cell) || (cell.startsWith('-') && !/^-\d+(?:\.\d+)?$/.test(cell));
      assert.equal(formula, false, `${format}: formula cell ${JSON.stringify(cell.slice(0, 60))}`);
    }
  }
  if (format === 'csv') assert.ok(text.includes("'=HYPERLINK"), 'csv: the defused name is still shown');
}

describe('output safety: hostile usernames in every audit format', () => {
  it('knows the rules of every format the CLI offers', () => {
    // A new format needs its rules here; until then it still gets the baseline below.
    assert.ok(AUDIT_FORMATS.includes('table') && AUDIT_FORMATS.includes('json'));
  });

  for (const format of AUDIT_FORMATS) {
    it(`${format}: no attacker string reaches the reader unneutralised`, async () => {
      const text = render(format);
      // JSON-like formats escape controls; the baseline holds for them as written, too.
      assertTerminalSafe(format, format === 'email' ? text.split(/\r?\n\r?\n/, 1)[0] ?? '' : text);
      await CHECKS[format]?.(text);
    });
  }
});
