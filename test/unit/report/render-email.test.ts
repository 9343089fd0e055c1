// Tests for the mail report (#8): the message is parsed with a real MIME parser (mailparser)
// and checked for structure (multipart/alternative, text + HTML, UTF-8), headers (Subject
// with host, period and counts; Date; Message-ID; MIME-Version), 78-column text, and hostile
// usernames neutralised in both parts and kept out of the headers.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { parseMailbox } from '../../../src/report/mime.js';
import { emailSubject, renderEmail } from '../../../src/report/render-email.js';
import { renderMailText, wrapLine } from '../../../src/report/render-mail-text.js';
import { displayWidth } from '../../../src/report/text-width.js';
import { hostileReport, iso, t } from './hostile-report.js';

const DATE = t(11, 6, 30);

function message(eol: '\n' | '\r\n' = '\n', host = 'mx1.example.org'): string {
  return renderEmail(hostileReport(), {
    formatTime: iso,
    host,
    date: DATE,
    from: parseMailbox('banreplay <banreplay@mx1.example.org>')!,
    to: [parseMailbox('postmaster@example.org')!, parseMailbox('Ops <ops@example.org>')!],
    version: '9.9.9',
    eol,
  });
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

describe('renderEmail', () => {
  let parsed: ParsedMail;
  const raw = message();

  it('parses as multipart/alternative with a text and an HTML part', async () => {
    parsed = await simpleParser(raw);
    assert.equal(parsed.headers.get('mime-version'), '1.0');
    const ct = parsed.headers.get('content-type') as { value: string; params: Record<string, string> };
    assert.equal(ct.value, 'multipart/alternative');
    assert.ok(parsed.text !== undefined && parsed.text.length > 100);
    assert.ok(typeof parsed.html === 'string' && parsed.html.includes('<table'));
    assert.equal((parsed.attachments ?? []).length, 0);
    const parts = raw.split(`--${ct.params['boundary']}`);
    assert.equal(parts.length, 4, 'preamble, two parts, epilogue');
    assert.match(parts[1]!, /Content-Type: text\/plain; charset=utf-8/);
    assert.match(parts[2]!, /Content-Type: text\/html; charset=utf-8/);
  });

  it('has the headers a mail client needs', async () => {
    parsed ??= await simpleParser(raw);
    assert.equal(parsed.subject, emailSubject(hostileReport(), 'mx1.example.org', iso));
    assert.match(parsed.subject ?? '', /^banreplay mx1\.example\.org: 4 would-be bans of 3 addresses, 26 failures, 1 banned address also logged in, 2026-01-10 00:00 to 2026-01-11 00:00$/);
    assert.equal(parsed.date?.getTime(), DATE);
    assert.match(parsed.messageId ?? '', /^<banreplay\.[0-9a-z]+\.[0-9a-f]{16}@mx1\.example\.org>$/);
    assert.equal(parsed.from?.value[0]?.address, 'banreplay@mx1.example.org');
    const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to];
    assert.deepEqual(to.flatMap((a) => a?.value.map((v) => v.address) ?? []), ['postmaster@example.org', 'ops@example.org']);
    assert.equal(parsed.headers.get('auto-submitted'), 'auto-generated');
  });

  it('keeps every raw line within 78 characters', () => {
    for (const l of raw.split('\n')) assert.ok(l.length <= 78, `${l.length}: ${l.slice(0, 80)}`);
  });

  it('writes a plain-text part readable in a terminal: ≤ 78 columns, no control characters', async () => {
    parsed ??= await simpleParser(raw);
    const text = parsed.text ?? '';
    for (const l of text.split('\n')) assert.ok(displayWidth(l) <= 78, l);
    assert.doesNotMatch(text, CONTROL);
    assert.ok(text.includes('[31mroot'), 'ANSI defused yet visible');
    assert.ok(text.includes('<script>alert(1)</script>'), 'plain text shows markup literally');
    assert.ok(text.includes('COLLATERAL'));
    assert.ok(text.includes('BELOW THE RADAR'));
    assert.ok(text.includes('203.0.113.7'));
  });

  it('escapes hostile usernames in the HTML part and carries no script', async () => {
    parsed ??= await simpleParser(raw);
    const html = String(parsed.html);
    assert.ok(!html.includes('<script'), 'no script element at all');
    assert.ok(!html.includes('<img'));
    assert.ok(!html.includes('<svg onload'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.doesNotMatch(html, CONTROL);
  });

  it('keeps log text out of the headers', () => {
    const head = raw.slice(0, raw.indexOf('\n\n'));
    assert.ok(!head.includes('Bcc'));
    assert.ok(!head.includes('script'));
    assert.equal(head.split('\n').filter((l) => /^[A-Za-z-]+:/.test(l)).length, 9);
  });

  it('parses the same with CRLF line ends', async () => {
    const crlf = message('\r\n');
    assert.ok(!/[^\r]\n/.test(crlf), 'every LF preceded by CR');
    const p = await simpleParser(crlf);
    parsed ??= await simpleParser(raw);
    assert.equal(p.subject, parsed.subject);
    assert.equal(p.text, parsed.text);
  });

  it('encodes a non-ASCII host name in the Subject and still decodes to it', async () => {
    const p = await simpleParser(message('\n', 'mx.bücher.example'));
    assert.match(message('\n', 'mx.bücher.example'), /^Subject: =\?UTF-8\?B\?/m);
    assert.ok(p.subject?.startsWith('banreplay mx.bücher.example: 4 would-be bans'));
    assert.match(p.messageId ?? '', /@localhost>$/);
  });
});

describe('renderMailText', () => {
  it('drops optional columns rather than exceed 78 columns with long IPv6 addresses', () => {
    const r = hostileReport();
    r.ips[1]!.ip = 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255';
    const text = renderMailText(r, { formatTime: iso });
    for (const l of text.split('\n')) assert.ok(displayWidth(l) <= 78, l);
    assert.ok(text.includes('ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255'), 'addresses are never cut');
  });

  it('wrapLine breaks at spaces and never loses text', () => {
    const line = 'Failures   ' + Array.from({ length: 20 }, (_, i) => `jail${i} ${i * 7}`).join(', ');
    const pieces = wrapLine(line, 40, 11);
    for (const p of pieces) assert.ok(p.length <= 40);
    assert.equal(pieces.map((p) => p.trim()).join(' ').replace(/ +/g, ' '), line.replace(/ +/g, ' '));
  });
});
