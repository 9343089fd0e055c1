// Tests for output sanitising: hostile usernames must come out harmless for each target.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ELLIPSIS, forCsvCell, forHtml, forMailHeader, forTerminal, forTerminalCell, truncate } from '../../../src/report/sanitize.js';
import { displayWidth } from '../../../src/report/text-width.js';

// Every code point that must never reach a terminal (C0 except tab, DEL, C1).
const CONTROLS = [
  ...Array.from({ length: 0x20 }, (_, i) => i).filter((i) => i !== 0x09),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
].map((cp) => String.fromCodePoint(cp));
const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];

describe('forTerminal', () => {
  it('removes ESC so colour and OSC title sequences cannot act', () => {
    assert.equal(forTerminal('\u001b[31mred\u001b[0m'), '[31mred[0m');
    assert.equal(forTerminal('\u001b]0;owned title\u0007admin'), ']0;owned titleadmin');
    // 8-bit CSI (U+009B) and OSC (U+009D) are C1 controls.
    assert.equal(forTerminal('\u009b31mx\u009d0;t\u009c'), '31mx0;t');
  });

  it('defeats carriage-return and backspace overwrite tricks and forged lines', () => {
    assert.equal(forTerminal('attacker\rinnocent'), 'attackerinnocent');
    assert.equal(forTerminal('root\b\b\b\bguest'), 'rootguest');
    assert.equal(forTerminal('a\nfake row\r\n'), 'afake row');
  });

  it('strips every C0/C1 control and DEL but keeps tab', () => {
    for (const ch of CONTROLS) assert.equal(forTerminal(`a${ch}b`), 'ab', `U+${ch.codePointAt(0)?.toString(16)}`);
    assert.equal(forTerminal('a\tb'), 'a\tb');
  });

  it('strips bidi overrides, embeddings, isolates and marks', () => {
    for (const ch of BIDI) assert.equal(forTerminal(`user${ch}gpj.exe`), 'usergpj.exe');
  });

  it('leaves ordinary text, including non-Latin scripts and emoji, alone', () => {
    const s = 'José müller 管理员 пользователь 🙂 <b>&';
    assert.equal(forTerminal(s), s);
  });
});

describe('forHtml', () => {
  it('escapes the five special characters', () => {
    assert.equal(forHtml(`<script>alert("x")</script> & 'y'`), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });

  it('escapes an existing entity again so it cannot be smuggled in', () => {
    assert.equal(forHtml('&lt;'), '&amp;lt;');
  });

  it('returns the result unchanged on plain text', () => {
    assert.equal(forHtml('admin@example.com'), 'admin@example.com');
  });
});

describe('forCsvCell', () => {
  it('defuses the classic DDE payload', () => {
    assert.equal(forCsvCell(`=cmd|' /C calc'!A0`), `"'=cmd|' /C calc'!A0"`);
  });

  it('prefixes a quote for each formula trigger', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) {
      assert.equal(forCsvCell(`${lead}1+1`), `"'${lead}1+1"`, JSON.stringify(lead));
    }
  });

  it('quotes every cell and doubles embedded quotes', () => {
    assert.equal(forCsvCell('plain'), '"plain"');
    assert.equal(forCsvCell('a"b,c\nd'), '"a""b,c\nd"');
    assert.equal(forCsvCell(''), '""');
    assert.equal(forCsvCell('x=1'), '"x=1"', 'a trigger later in the text is harmless');
  });
});

describe('forMailHeader', () => {
  it('cannot start a new header', () => {
    assert.equal(forMailHeader('Ban report\r\nBcc: victim@example.com'), 'Ban report Bcc: victim@example.com');
    assert.equal(forMailHeader('a\nb\rc'), 'a b c');
  });

  it('drops other controls and bidi, trims the ends', () => {
    assert.equal(forMailHeader('  \u001b[31mx\u0000y\u202e  '), '[31mxy');
  });
});

describe('truncate', () => {
  it('leaves short text alone', () => {
    assert.equal(truncate('admin', 5), 'admin');
    assert.equal(truncate('', 3), '');
  });

  it('cuts long text to exactly max code points, ellipsis included', () => {
    assert.equal(truncate('administrator', 6), `admin${ELLIPSIS}`);
    const long = 'x'.repeat(10_000);
    const out = truncate(long, 40);
    assert.equal([...out].length, 40);
    assert.ok(out.endsWith(ELLIPSIS));
  });

  it('never splits a surrogate pair', () => {
    const s = '🙂'.repeat(10);
    assert.equal(truncate(s, 10), s);
    assert.equal(truncate(s, 4), `🙂🙂🙂${ELLIPSIS}`);
  });

  it('handles degenerate limits', () => {
    assert.equal(truncate('abc', 0), '');
    assert.equal(truncate('abc', 1), ELLIPSIS);
    assert.equal(truncate('abc', -5), '');
  });
});

describe('forTerminalCell', () => {
  it('strips what a terminal would act on, turns tabs into spaces and keeps short text whole', () => {
    assert.equal(forTerminalCell('ad\u001b[31mmin\tx', 20), 'ad[31mmin x');
    assert.equal(forTerminalCell('\u202eadmin', 20), 'admin');
  });

  it('cuts by terminal columns, not code points: wide characters count two, marks none', () => {
    assert.equal(forTerminalCell('管理者アカウント', 7), `管理者${ELLIPSIS}`);
    assert.equal(displayWidth(forTerminalCell('管理者アカウント', 7)), 7);
    const accented = 'e\u0301'.repeat(10); // ten columns in twenty code points
    assert.equal(forTerminalCell(accented, 10), accented);
    assert.equal(forTerminalCell('administrator', 6), `admin${ELLIPSIS}`);
  });

  it('does bounded work on a huge value and says it was cut', () => {
    const out = forTerminalCell('\u0007'.repeat(100_000) + 'admin', 10);
    assert.equal(out, ELLIPSIS, 'the controls are gone, the cut still shows');
    assert.equal(displayWidth(forTerminalCell('x'.repeat(100_000), 48)), 48);
  });
});
