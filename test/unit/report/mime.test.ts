// Tests for the MIME helpers (#8): header values cannot inject headers, non-ASCII becomes
// RFC 2047 encoded words within 78 columns, quoted-printable round-trips, strict addresses.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeWords, formatHeader, formatRawHeader, mailDate, parseMailbox, quotedPrintable } from '../../../src/report/mime.js';

function decodeQp(text: string): string {
  const bytes: number[] = [];
  const joined = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=') {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(joined.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeWords(value: string): string {
  return value
    .replace(/\r?\n /g, ' ')
    .replace(/\?= =\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

describe('formatHeader', () => {
  it('turns CR/LF and controls into nothing that could start a header', () => {
    const h = formatHeader('Subject', 'report\r\nBcc: victim@example.org\u0000\u001b[31m', '\r\n');
    const lines = h.split('\r\n');
    assert.equal(lines.filter((l) => !l.startsWith(' ')).length, 1, 'one logical header');
    assert.ok(!/\r\nBcc:/i.test(h));
    assert.ok(!h.includes('\u001b'));
    assert.ok(!h.includes('\u0000'));
  });

  it('folds long ASCII values at spaces within 78 columns', () => {
    const h = formatHeader('Subject', Array.from({ length: 30 }, (_, i) => `word${i}`).join(' '), '\n');
    for (const l of h.split('\n')) assert.ok(l.length <= 78, l);
    assert.equal(h.replace(/\n /g, ' '), `Subject: ${Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ')}`);
  });

  it('encodes non-ASCII as UTF-8 B-words of at most 75 characters', () => {
    const text = 'Jürgen’s Überwachungsbericht für mx.bücher.example — 12 Sperren 🚫 '.repeat(3).trim();
    const h = formatHeader('Subject', text, '\r\n');
    assert.match(h, /^Subject: =\?UTF-8\?B\?/);
    for (const l of h.split('\r\n')) assert.ok(l.length <= 78, l);
    for (const w of h.match(/=\?[^ ]*\?=/g) ?? []) assert.ok(w.length <= 75, w);
    assert.equal(decodeWords(h.slice('Subject: '.length)), text);
  });

  it('does not let a literal encoded word through undecoded-looking', () => {
    const h = formatHeader('Subject', '=?UTF-8?B?PHNjcmlwdD4=?=', '\n');
    assert.match(h, /^Subject: =\?UTF-8\?B\?/);
    assert.equal(decodeWords(h.slice(9)), '=?UTF-8?B?PHNjcmlwdD4=?=');
  });
});

describe('formatRawHeader', () => {
  it('refuses a line break', () => {
    assert.throws(() => formatRawHeader('To', 'a@example.org\r\nBcc: b@example.org'), RangeError);
  });
});

describe('encodeWords', () => {
  it('never cuts a multi-byte character', () => {
    const text = '€'.repeat(40) + '🚫'.repeat(20);
    const words = encodeWords(text);
    assert.ok(words.length > 1);
    const decoded = words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8'));
    for (const d of decoded) assert.ok(!d.includes('\ufffd'));
    assert.equal(decoded.join(''), text);
  });
});

describe('parseMailbox', () => {
  it('accepts plain addresses and name-addr forms', () => {
    assert.deepEqual(parseMailbox('root@example.org'), { address: 'root@example.org', header: 'root@example.org' });
    assert.deepEqual(parseMailbox('Ops Team <ops@mx.example.org>'), { address: 'ops@mx.example.org', header: 'Ops Team <ops@mx.example.org>' });
    assert.equal(parseMailbox('"Ops, Team" <ops@example.org>')?.header, '"Ops, Team" <ops@example.org>');
    assert.match(parseMailbox('Jürgen <j@example.org>')?.header ?? '', /^=\?UTF-8\?B\?.*\?= <j@example\.org>$/);
  });

  it('rejects anything that could smuggle headers or recipients', () => {
    for (const bad of [
      'a@example.org\r\nBcc: b@example.org',
      'a@example.org, b@example.org',
      'a@example.org>',
      '<a@example.org> <b@example.org>',
      'a b@example.org',
      'a@exa mple.org',
      '@example.org',
      'a@',
      '-oQ/tmp@example.org x',
    ]) {
      assert.equal(parseMailbox(bad), undefined, JSON.stringify(bad));
    }
  });

  it('strips line breaks from a display name and quotes what is left', () => {
    const m = parseMailbox('Evil\r\nBcc: x@example.org <a@example.org>');
    assert.deepEqual(m, { address: 'a@example.org', header: '"Evil Bcc: x@example.org" <a@example.org>' });
  });
});

describe('quotedPrintable', () => {
  it('round-trips UTF-8, keeps lines within 76 characters, escapes risky starts', () => {
    const text = ['plain line', 'From the start', '.', 'trailing space ', 'ümlaut ✓ ' + 'x'.repeat(200), 'a=b', '\tTab'].join('\n');
    const qp = quotedPrintable(text, '\r\n');
    for (const l of qp.split('\r\n')) assert.ok(l.length <= 76, l);
    assert.ok(qp.includes('=46rom the start'));
    assert.ok(qp.split('\r\n').includes('=2E'));
    assert.ok(qp.includes('trailing space=20'));
    assert.equal(decodeQp(qp.replace(/\r\n/g, '\n')), text);
  });
});

describe('mailDate', () => {
  it('writes the RFC 5322 form in the offset of the ISO text', () => {
    const ms = Date.UTC(2026, 10, 24, 21, 9, 17);
    assert.equal(mailDate(ms, '2026-11-24T22:09:17+01:00'), 'Tue, 24 Nov 2026 22:09:17 +0100');
    assert.equal(mailDate(ms, '2026-11-24T21:09:17+00:00'), 'Tue, 24 Nov 2026 21:09:17 +0000');
    assert.equal(mailDate(Date.UTC(2026, 0, 1), '2025-12-31T19:00:00-05:00'), 'Wed, 31 Dec 2025 19:00:00 -0500');
  });
});
