import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDateDetector } from '../../../src/time/date-detector.js';
import type { DateDetector, DateMatch } from '../../../src/time/date-detector.js';
import { parseZone } from '../../../src/time/zone.js';
import { ConfigError } from '../../../src/errors.js';

const BERLIN = parseZone('Europe/Berlin');
const NY = parseZone('America/New_York');
const UTC = parseZone('UTC');
const REF = Date.UTC(2026, 10, 25);

const SYSLOG_NAME = '{^LN-BEG}(?:DAY )?MON Day %k:Minute:Second(?:\\.Microseconds)?(?: ExYear)?';
const ISO_NAME =
  '{^LN-BEG}ExYear(?P<_sep>[-/.])Month(?P=_sep)Day(?:T|  ?)24hour:Minute:Second(?:[.,]Microseconds)?(?:\\s*Zone offset)?';

function cut(line: string, m: DateMatch | undefined): string {
  assert.ok(m, `no date in ${JSON.stringify(line)}`);
  return line.slice(0, m.start) + line.slice(m.end);
}

function name(d: DateDetector, m: DateMatch | undefined): string | undefined {
  return m === undefined ? undefined : d.templates[m.template];
}

test('postfix classic syslog line', () => {
  const d = createDateDetector('{^LN-BEG}', BERLIN);
  const line = 'Nov 24 21:22:07 mx postfix/smtpd[123]: warning: unknown[192.0.2.7]: SASL LOGIN authentication failed: bXlwYXNz';
  const m = d.match(line, REF);
  assert.deepEqual(m, { time: Date.UTC(2026, 10, 24, 20, 22, 7), start: 0, end: 15, template: 1 });
  assert.equal(name(d, m), SYSLOG_NAME);
  assert.equal(cut(line, m), ' mx postfix/smtpd[123]: warning: unknown[192.0.2.7]: SASL LOGIN authentication failed: bXlwYXNz');
});

test('space-padded day, upper/lower case month', () => {
  const d = createDateDetector('{^LN-BEG}', BERLIN);
  assert.deepEqual(d.match('Nov  4 09:05:01 mx dovecot: auth: x', REF), {
    time: Date.UTC(2026, 10, 4, 8, 5, 1), start: 0, end: 15, template: 1,
  });
  assert.equal(d.match('NOV 24 21:22:07 x', REF)?.time, Date.UTC(2026, 10, 24, 20, 22, 7));
  assert.equal(d.match('nov 24 21:22:07 x', REF)?.time, Date.UTC(2026, 10, 24, 20, 22, 7));
  assert.equal(d.match('Nov 4 21:22:07 x', REF)?.time, Date.UTC(2026, 10, 4, 20, 22, 7));
});

test('syslog with microseconds: the fraction is cut out and discarded', () => {
  const d = createDateDetector('{^LN-BEG}', BERLIN);
  const line = 'Nov 24 21:22:07.123456 mx dovecot: auth: login failed';
  const m = d.match(line, REF);
  assert.deepEqual(m, { time: Date.UTC(2026, 10, 24, 20, 22, 7), start: 0, end: 22, template: 1 });
  assert.equal(cut(line, m), ' mx dovecot: auth: login failed');
});

test('rsyslog RFC 3339: the offset in the line beats the detector zone', () => {
  const d = createDateDetector('{^LN-BEG}', NY);
  const line = '2026-11-24T21:22:07.123456+01:00 mx dovecot: imap-login: Disconnected';
  const m = d.match(line, REF);
  assert.deepEqual(m, { time: Date.UTC(2026, 10, 24, 20, 22, 7), start: 0, end: 32, template: 0 });
  assert.equal(name(d, m), ISO_NAME);
  assert.equal(cut(line, m), ' mx dovecot: imap-login: Disconnected');
  assert.deepEqual(d.match('2026-11-24T21:22:07Z mx x', REF), {
    time: Date.UTC(2026, 10, 24, 21, 22, 7), start: 0, end: 20, template: 0,
  });
  assert.deepEqual(d.match('2026-11-24 21:22:07 mx x', REF), {
    time: Date.UTC(2026, 10, 25, 2, 22, 7), start: 0, end: 19, template: 0,
  });
  assert.equal(d.match('2026-11-24T21:22:07-0500 x', REF)?.time, Date.UTC(2026, 10, 25, 2, 22, 7));
});

test('TAI64N: label - 2^62 seconds, nanoseconds ignored', () => {
  const d = createDateDetector('{^LN-BEG}', BERLIN);
  const line = '@400000006b05ffff1a2b3c4d dovecot: auth: x';
  const m = d.match(line, REF);
  assert.deepEqual(m, { time: Date.UTC(2026, 10, 24, 21, 22, 7), start: 0, end: 25, template: 13 });
  assert.equal(name(d, m), '{^LN-BEG}TAI64N');
  assert.equal(cut(line, m), ' dovecot: auth: x');
  const u = createDateDetector('TAI64N', UTC);
  assert.deepEqual(u.match('x @400000006b05ffff1a2b3c4d y', REF), {
    time: Date.UTC(2026, 10, 24, 21, 22, 7), start: 2, end: 27, template: 0,
  });
  assert.equal(u.match('x @400000006B05FFFF1A2B3C4D y', REF), undefined);
});

test('line-begin templates leave up to two leading non-word characters in the line', () => {
  const d = createDateDetector('{^LN-BEG}', BERLIN);
  const line = '[2026-11-24 21:22:07] x';
  const m = d.match(line, REF);
  assert.equal(m?.start, 1);
  assert.equal(cut(line, m), '[] x');
  const apache = '[24/Nov/2026:21:22:07 +0100] "GET / HTTP/1.1" 401';
  const a = d.match(apache, REF);
  assert.deepEqual(a, { time: Date.UTC(2026, 10, 24, 20, 22, 7), start: 1, end: 27, template: 4 });
  assert.equal(cut(apache, a), '[] "GET / HTTP/1.1" 401');
  assert.equal(d.match('   2026-11-24 21:22:07 x', REF), undefined);
});

test('weekday and trailing year: explicit year, no inference', () => {
  const d = createDateDetector(undefined, BERLIN);
  const m = d.match('Tue Nov 24 21:22:07 2026 mx x', Date.UTC(2027, 0, 10));
  assert.deepEqual(m, { time: Date.UTC(2026, 10, 24, 20, 22, 7), start: 0, end: 24, template: 1 });
  assert.equal(d.match('Nov 24 21:22:07 2026 mx x', Date.UTC(2027, 0, 10))?.end, 20);
});

test('default list: unanchored templates find dates inside the line; {^LN-BEG} does not', () => {
  const all = createDateDetector(undefined, BERLIN);
  assert.equal(all.templates.length, 31);
  const m = all.match('foo 2026-11-24 21:22:07 bar', REF);
  assert.deepEqual(m, { time: Date.UTC(2026, 10, 24, 20, 22, 7), start: 4, end: 23, template: 14 });
  assert.equal(all.templates[14], ISO_NAME.slice('{^LN-BEG}'.length));
  const ln = createDateDetector('{^LN-BEG}', BERLIN);
  assert.equal(ln.templates.length, 17);
  assert.equal(ln.match('foo 2026-11-24 21:22:07 bar', REF), undefined);
  // earliest position wins among unanchored matches
  const both = all.match('id=1764000000 at Nov 24 21:22:07 from 2026-11-24 21:22:07', REF);
  assert.equal(both?.start, 17);
});

test('rfc5424 ^<\\d+>\\d+\\s+{DATE}: the cut includes the priority prefix', () => {
  const d = createDateDetector('^<\\d+>\\d+\\s+{DATE}', BERLIN);
  assert.equal(d.templates.length, 17);
  const line = '<13>1 2026-11-24T21:22:07.003Z mx postfix/smtpd 123 - - x';
  const m = d.match(line, REF);
  assert.deepEqual(m, { time: Date.UTC(2026, 10, 24, 21, 22, 7), start: 0, end: 30, template: 0 });
  assert.equal(name(d, m), '^<\\d+>\\d+\\s+' + ISO_NAME.slice('{^LN-BEG}'.length));
  assert.equal(cut(line, m), ' mx postfix/smtpd 123 - - x');
  assert.deepEqual(d.match('<13>1 Nov 24 21:22:07 mx x', REF), {
    time: Date.UTC(2026, 10, 24, 20, 22, 7), start: 0, end: 21, template: 1,
  });
  assert.equal(d.match('Nov 24 21:22:07 mx x', REF), undefined);
});

test('custom %Y-%m-%d %H:%M:%S uses word boundaries', () => {
  const d = createDateDetector('%Y-%m-%d %H:%M:%S', UTC);
  assert.deepEqual(d.templates, ['Year-Month-Day 24hour:Minute:Second']);
  assert.deepEqual(d.match('x 2026-11-24 21:22:07 y', REF), {
    time: Date.UTC(2026, 10, 24, 21, 22, 7), start: 2, end: 21, template: 0,
  });
  assert.equal(d.match('x2026-11-24 21:22:07', REF), undefined);
  assert.equal(d.match('2026-11-24 21:22:07x', REF), undefined);
});

test('{^LN-BEG}%ExY...: anchored, and %ExY bounded to 2000-2039 unless refMs widens it', () => {
  const p = '{^LN-BEG}%ExY-%Exm-%Exd %ExH:%ExM:%ExS';
  const d = createDateDetector(p, UTC);
  assert.deepEqual(d.templates, ['{^LN-BEG}ExYear-ExMonth-ExDay Ex24hour:ExMinute:ExSecond']);
  assert.equal(d.match('2026-11-24 21:22:07 x', REF)?.time, Date.UTC(2026, 10, 24, 21, 22, 7));
  assert.equal(d.match('x 2026-11-24 21:22:07', REF), undefined);
  assert.equal(d.match('2039-01-01 00:00:00 x', REF)?.time, Date.UTC(2039, 0, 1));
  assert.equal(d.match('2040-01-01 00:00:00 x', REF), undefined);
  assert.equal(d.match('1999-12-31 00:00:00 x', REF), undefined);
  const later = createDateDetector(p, UTC, { refMs: Date.UTC(2038, 5, 1) });
  assert.equal(later.match('2040-01-01 00:00:00 x', REF)?.time, Date.UTC(2040, 0, 1));
});

test('EPOCH keeps its fraction', () => {
  const d = createDateDetector('EPOCH', NY);
  assert.deepEqual(d.templates, ['Epoch']);
  assert.deepEqual(d.match('1764000000 x', REF), { time: 1764000000000, start: 0, end: 10, template: 0 });
  assert.deepEqual(d.match('[1764000000.123456] x', REF), { time: 1764000000123.456, start: 1, end: 18, template: 0 });
  assert.deepEqual(d.match('audit(1764000000.123:45): x', REF), { time: 1764000000123, start: 6, end: 20, template: 0 });
  assert.equal(d.match('x 1764000000 y', REF), undefined);
  assert.equal(d.match('1764000000123 x', REF), undefined);
  assert.equal(createDateDetector('epoch', UTC).match('1764000000 x', REF)?.time, 1764000000000);
  const ln = createDateDetector('{^LN-BEG}EPOCH', UTC);
  assert.deepEqual(ln.templates, ['{^LN-BEG}Epoch']);
  assert.equal(ln.match('[[1764000000.1234 x', REF)?.time, 1764000000123.4);
});

test('LEPOCH: milliseconds and microseconds', () => {
  const d = createDateDetector('LEPOCH', UTC);
  assert.deepEqual(d.templates, ['LongEpoch']);
  assert.equal(d.match('1764000000123 x', REF)?.time, 1764000000123);
  assert.equal(d.match('1764000000123456 x', REF)?.time, 1764000000123.456);
  assert.equal(d.match('1764000000123.5 x', REF)?.time, 1764000000123.5);
  assert.equal(d.match('1764000000 x', REF)?.time, 1764000000000);
});

test('custom {EPOCH} inside a regex', () => {
  const d = createDateDetector('^\\[{EPOCH}\\]', UTC);
  const line = '[1764000000] x';
  const m = d.match(line, REF);
  assert.deepEqual(m, { time: 1764000000000, start: 0, end: 12, template: 0 });
  assert.equal(cut(line, m), ' x');
  assert.equal(d.match('x [1764000000] x', REF), undefined);
});

test('{NONE}: no line has a date', () => {
  for (const p of ['{NONE}', '{none}']) {
    const d = createDateDetector(p, UTC);
    assert.equal(d.none, true);
    assert.equal(d.match('Nov 24 21:22:07 mx x', REF), undefined);
  }
  assert.equal(createDateDetector(undefined, UTC).none, false);
});

test('year inference at New Year, line by line', () => {
  const d = createDateDetector('{^LN-BEG}', BERLIN);
  const ref = Date.UTC(2026, 0, 3);
  const lines = ['Dec 30 10:00:00 mx x', 'Dec 31 23:59:59 mx x', 'Jan  1 00:00:01 mx x', 'Jan  2 08:00:00 mx x'];
  assert.deepEqual(lines.map((l) => d.match(l, ref)?.time), [
    Date.UTC(2025, 11, 30, 9), Date.UTC(2025, 11, 31, 22, 59, 59), Date.UTC(2025, 11, 31, 23, 0, 1), Date.UTC(2026, 0, 2, 7),
  ]);
  // reference late on Dec 31: January lines are in the past, so they stay in the same year
  const late = Date.UTC(2026, 11, 31, 22); // 23:00 in Berlin
  assert.equal(d.match('Jan  1 10:00:00 mx x', late)?.time, Date.UTC(2026, 0, 1, 9));
  assert.equal(d.match('Jan  1 12:00:00 mx x', late)?.time, Date.UTC(2026, 0, 1, 11));
  assert.equal(d.match('Dec 31 23:30:00 mx x', late)?.time, Date.UTC(2026, 11, 31, 22, 30));
});

test('year inference tolerates one day in the future', () => {
  const d = createDateDetector('{^LN-BEG}', UTC);
  const ref = Date.UTC(2026, 5, 15, 10);
  assert.equal(d.match('Jun 16 09:00:00 x', ref)?.time, Date.UTC(2026, 5, 16, 9));
  assert.equal(d.match('Jun 16 10:00:00 x', ref)?.time, Date.UTC(2026, 5, 16, 10));
  assert.equal(d.match('Jun 16 10:00:01 x', ref)?.time, Date.UTC(2025, 5, 16, 10, 0, 1));
});

test('Feb 29 without a year: fail2ban builds the date in the reference year first', () => {
  const d = createDateDetector('{^LN-BEG}', UTC);
  const line = 'Feb 29 10:00:00 mx x';
  assert.deepEqual(d.match(line, Date.UTC(2024, 2, 5)), { time: Date.UTC(2024, 1, 29, 10), start: 0, end: 15, template: 1 });
  // 2025 has no Feb 29: Python's datetime raises, the span is still cut, the time is missing
  assert.deepEqual(d.match(line, Date.UTC(2025, 2, 5)), { time: undefined, start: 0, end: 15, template: 1 });
  assert.equal(d.match(line, Date.UTC(2025, 0, 10))?.time, undefined);
  // 2028-02-29 is in the future, and moving it to 2027 raises too
  assert.equal(d.match(line, Date.UTC(2028, 0, 10))?.time, undefined);
});

test('impossible stamps match (and are cut) but have no time', () => {
  const d = createDateDetector('{^LN-BEG}', UTC);
  assert.deepEqual(d.match('Nov 24 21:22:60 x', REF), { time: undefined, start: 0, end: 15, template: 1 });
  assert.deepEqual(d.match('Nov 24 25:22:07 x', REF), { time: undefined, start: 0, end: 15, template: 1 });
  assert.deepEqual(d.match('2026-04-31 10:00:00 x', REF), { time: undefined, start: 0, end: 19, template: 0 });
  assert.equal(d.match('ABC Nov 24 21:22:07 x', REF)?.time, undefined);
});

test('zone name or offset before a syslog stamp', () => {
  const d = createDateDetector(undefined, NY);
  const m = d.match('CEST Nov 24 21:22:07 x', REF);
  assert.equal(m?.time, Date.UTC(2026, 10, 24, 19, 22, 7));
  assert.equal(name(d, m), '{^LN-BEG}(?:Zone name )?(?:DAY )?MON Day %k:Minute:Second(?:\\.Microseconds)?(?: ExYear)?');
  assert.equal(d.match('+05:30 Nov 24 21:22:07 x', REF)?.time, Date.UTC(2026, 10, 24, 15, 52, 7));
});

test('time-only stamps: the reference day, or the day before when in the future', () => {
  const d = createDateDetector('{^LN-BEG}', UTC);
  const m = d.match('21:22:07 x', Date.UTC(2026, 10, 24, 22));
  assert.deepEqual(m, { time: Date.UTC(2026, 10, 24, 21, 22, 7), start: 0, end: 8, template: 14 });
  assert.equal(name(d, m), '{^LN-BEG}24hour:Minute:Second');
  assert.equal(d.match('21:22:07 x', Date.UTC(2026, 10, 24, 20))?.time, Date.UTC(2026, 10, 23, 21, 22, 7));
  const b = createDateDetector('{^LN-BEG}', BERLIN);
  assert.equal(b.match('00:30:00 x', Date.UTC(2026, 10, 24, 23, 45))?.time, Date.UTC(2026, 10, 24, 23, 30));
});

test('local stamps across DST go through the zone', () => {
  const d = createDateDetector('{^LN-BEG}', BERLIN);
  assert.equal(d.match('Mar 29 02:30:00 x', REF)?.time, Date.UTC(2026, 2, 29, 1, 30));
  assert.equal(d.match('Oct 25 02:30:00 x', REF)?.time, Date.UTC(2026, 9, 25, 0, 30));
  assert.equal(d.match('Oct 25 03:30:00 x', REF)?.time, Date.UTC(2026, 9, 25, 2, 30));
});

test('bad datepatterns are ConfigErrors', () => {
  for (const p of ['%Q', '%Y(?P<', '%Y(?P=nope)', '%Y-%m\n%Y-%m', '%Y)', '(?i)%Y(?-i:x)(?i)']) {
    assert.throws(() => createDateDetector(p, UTC), ConfigError, p);
  }
});

test("fail2ban's default templates compile on first use; user patterns up front", () => {
  const d = createDateDetector(undefined, UTC);
  assert.equal(d.regexes.length, d.templates.length); // compiles every one
  assert.ok(d.regexes.every((r) => !r.includes('(?P')), 'translated to JS syntax');
  assert.throws(() => createDateDetector('{^LN-BEG}\n%Y(', UTC), ConfigError);
});

test('datepatterns use the filter translator: Python flags, backreferences, {,n}, conditionals', () => {
  // (?iu) from %b makes the month case-insensitive; the caseless separator may be backreferenced.
  const apache = createDateDetector('%d(?P<_sep>[-/])%b(?P=_sep)%Y %H:%M:%S', UTC);
  assert.equal(apache.match('x 24/NOV/2026 21:22:07 y', REF)?.time, Date.UTC(2026, 10, 24, 21, 22, 7));
  assert.equal(apache.match('x 24/Nov-2026 21:22:07 y', REF), undefined);
  assert.equal(createDateDetector('^x{,2}%Y-%m-%d %H:%M:%S', UTC).match('xx2026-11-24 21:22:07', REF)?.time,
    Date.UTC(2026, 10, 24, 21, 22, 7));
  assert.equal(createDateDetector('(?x) %Y - %m - %d', UTC).match('2026-11-24 z', REF)?.time, Date.UTC(2026, 10, 24));
  // A conditional duplicates groups: group 1 and the fields are read through their aliases.
  const cond = createDateDetector('(?P<br>\\[)?%Y-%m-%d %H:%M:%S(?(br)\\])', UTC);
  const line = 'a [2026-11-24 21:22:07] b';
  const m = cond.match(line, REF);
  assert.equal(m?.time, Date.UTC(2026, 10, 24, 21, 22, 7));
  assert.equal(cut(line, m), 'a  b');
  assert.equal(cut('a 2026-11-24 21:22:07] b', cond.match('a 2026-11-24 21:22:07] b', REF)), 'a ] b');
  // Python's `.` and `$`: no match across the end, `.` excludes only \n.
  assert.equal(createDateDetector('^%Y-%m-%d.x$', UTC).match('2026-11-24\rx', REF)?.time, Date.UTC(2026, 10, 24));
});

// Deterministic generator of stamp shapes around the fast-path formats: every field is
// usually well-formed (first entry) and sometimes one of the edge cases after it.
function corpus(): string[] {
  let seed = 7;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const pick = <T>(a: readonly T[]): T => a[rnd() < 0.6 ? 0 : Math.floor(rnd() * a.length)] as T;
  const pre = ['', '[', '<', '  ', '   ', '[[', 'Tue ', 'CET ', '@', '1 ', '\u00e9'];
  const post = [' mx postfix/smtpd[1]: x', '', 'x', ':', '.', ']', ' UTC', 'Z', ' +0100 x', '\tx', '\u00a0x', ' 2026', ' 2045 x', '_', ' 20261', ' 2039x'];
  const frac = ['', '.123456', '.1', '.1234567', '.', '.12a', ',123', '.123456 2026', '.12 2026x'];
  const zone = ['', 'Z', '+01:00', '+0100', '+01', '-05:00', ' UTC', 'Zx', '+01:0', '+012', '+0100x', '+25:00', 'GMT', ' +01:00', '\t-0500', 'UTC', '+01:00:00'];
  const out: string[] = [
    'Nov 24 21:22:07 2045 x', 'Nov 24 21:22:07 2039 x', 'Nov 24 21:22:07 1999 x', 'Nov 24 21:22:07 2026', 'Nov 24 21:22:07 20261',
    'Nov 24 21:22:07.123 2026 x', 'Nov 24 21:22:07.1234567 x', 'Nov 24 21:22:07.x', 'Nov 24 21:22:07x', 'Nov 24 21:22:07_',
    'Nov 24 21:22:07', 'Nov 24 21:22:07.', 'Nov 24  9:22:07 x', 'Nov 32 21:22:07 x', 'Nov 30 21:22:07 x', 'Nov 34 21:22:07 x',
    '2026-11-24T21:22:07', '2026-11-24T21:22:07.', '2026-11-24T21:22:07,5Z', '2026-11-24T21:22:07.1234567+01:00',
    '2026-11-24T21:22:07.123UTC x', '2026-11-24T21:22:07.123GMT x', '2026-11-24T21:22:07.123abc', '2026-11-24T21:22:07 \t+01:00',
    '2026-11-24T21:22:07+01:00:00', '2026-11-24T21:22:07+2:00', '2026-11-24T21:22:07-', '2026-11-24T21:22:07+01:', '2026-11-24 21:22:07\u00a0+0100',
    '2045-11-24T21:22:07Z', '2040-01-01T00:00:00Z', '[[2026-11-24T21:22:07Z]', '2026/11/24 21:22:07', '2026.11.24 21:22:07', '2026-11/24 21:22:07',
    '@400000006b05ffff1a2b3c4d', '@400000006b05ffff1a2b3c4dx', '@400000006b05ffff1a2b3c4d:', '@400000006b05ffff1a2b3c4', '@400000006b05fFFF1a2b3c4d',
  ];
  for (let i = 0; i < 4000; i++) {
    const r = rnd();
    if (r < 0.45) {
      out.push(pick(pre) + pick(['Nov', 'nov', 'DEC', 'Foo', 'Mon', 'Nov-']) + pick([' ', '  ', '-']) +
        pick(['24', ' 4', '04', '4', '31', '32', '00', '3', '30', '1']) + pick([' ', '  ', '']) +
        pick(['21', '09', ' 9', '24', '30', '2']) + ':' + pick(['22', '5', '60', '']) + ':' + pick(['07', '60', '7x', '5', '61']) +
        pick(frac) + pick(post));
    } else if (r < 0.9) {
      const s = pick(['-', '/', '.', ':']);
      out.push(pick(pre) + pick(['2026', '1999', '2045', '2039', '202']) + s + pick(['11', '1', '13', '00', '10']) + pick([s, '-', '']) +
        pick(['24', '31', '32', ' 5', '05', '3', '30']) + pick(['T', ' ', '  ', 't', '']) + pick(['21', '24', '9', '23', '20']) + ':' +
        pick(['22', '60', '2']) + ':' + pick(['07', '60', '7', '59']) + pick(frac) + pick(zone) + pick(post));
    } else {
      let h = '4';
      const n = rnd() < 0.7 ? 23 : 21 + Math.floor(rnd() * 5);
      for (let k = 0; k < n; k++) h += '0123456789abcdef0000A'.charAt(Math.floor(rnd() * 21));
      out.push(pick(['', '', 'x ', '[']) + '@' + h + pick(post));
    }
  }
  return out;
}

test('fast paths return exactly what the compiled templates return', () => {
  const lines = corpus();
  // The default lists, and dovecot's TAI64N-first list (the fast paths at other indexes).
  for (const p of [undefined, '{^LN-BEG}', '{DEFAULT}', '{^LN-BEG}TAI64N\n{^LN-BEG}', ' {^ln-beg}tai64n \n\n {^LN-BEG}']) {
    for (const zone of [BERLIN, UTC]) {
      const fast = createDateDetector(p, zone);
      const slow = createDateDetector(p, zone, { fastPaths: false });
      for (const line of lines) {
        assert.deepEqual(fast.match(line, REF), slow.match(line, REF), `${String(p)} ${JSON.stringify(line)}`);
      }
    }
  }
});

test('matchTransient answers like match, in one object reused from call to call', () => {
  const lines = corpus();
  for (const p of [undefined, '{^LN-BEG}TAI64N\n{^LN-BEG}', '%d/%m/%Y %H:%M:%S', '{NONE}']) {
    for (const fastPaths of [true, false]) {
      const d = createDateDetector(p, BERLIN, { fastPaths });
      let held: DateMatch | undefined;
      for (const line of lines) {
        const expected = d.match(line, REF);
        const m = d.matchTransient(line, REF);
        assert.deepEqual(m === undefined ? undefined : { ...m }, expected, `${String(p)} ${JSON.stringify(line)}`);
        if (m !== undefined) {
          if (held !== undefined) assert.equal(m, held, 'the same object every time');
          held = m;
        }
      }
    }
  }
});
