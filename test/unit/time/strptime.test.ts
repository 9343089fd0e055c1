import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exYearRegex, expandStrptime, resolveTime, timeFromGroups } from '../../../src/time/strptime.js';
import { templatesForDatePattern } from '../../../src/time/date-template.js';
import { parseZone } from '../../../src/time/zone.js';
import { ConfigError } from '../../../src/errors.js';

const utc = parseZone('UTC');
const EXY = exYearRegex(2039);

test('expandStrptime builds the regex and fail2ban template name', () => {
  const e = expandStrptime('%Y-%m-%d %H:%M:%S', EXY);
  assert.equal(e.name, 'Year-Month-Day 24hour:Minute:Second');
  assert.equal(
    e.regex,
    '(?P<Y>\\d{4})-(?P<m>0?[1-9]|1[0-2])-(?P<d>[1-2]\\d|[0 ]?[1-9]|3[0-1]) (?P<H>[0-1]?\\d|2[0-3]):(?P<M>[0-5]?\\d):(?P<S>[0-5]?\\d|6[0-1])',
  );
  assert.equal(expandStrptime('%ExY %Exm %Exd %k %f %z %Z %b %%', EXY).name, 'ExYear ExMonth ExDay %k Microseconds Zone offset Zone name MON %');
  assert.equal(expandStrptime('100%%', EXY).regex, '100%');
});

test('unknown directives and stray percent signs are ConfigErrors', () => {
  assert.throws(() => expandStrptime('%Q', EXY), ConfigError);
  assert.throws(() => expandStrptime('%E', EXY), ConfigError);
  assert.throws(() => expandStrptime('100%', EXY), ConfigError);
});

test('%ExY covers 2000 to the end of the decade of its maximum year', () => {
  assert.equal(exYearRegex(2029), '(?P<Y>20[0-2]\\d)');
  assert.equal(exYearRegex(2039), '(?P<Y>20[0-3]\\d)');
  assert.equal(exYearRegex(2014), '(?P<Y>20[01]\\d)');
  assert.equal(exYearRegex(2041), '(?P<Y>20[0-4]\\d)');
});

test('templates are built exactly like fail2ban builds them', () => {
  const [ln] = templatesForDatePattern('{^LN-BEG}%ExY-%Exm-%Exd %ExH:%ExM:%ExS', EXY);
  assert.ok(ln);
  assert.equal(ln.name, '{^LN-BEG}ExYear-ExMonth-ExDay Ex24hour:ExMinute:ExSecond');
  assert.equal(
    ln.pyRegex,
    '^(?:\\W{0,2})?((?P<Y>20[0-3]\\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>[1-2]\\d|0[1-9]|3[0-1]) (?P<H>[0-1]\\d|2[0-3]):(?P<M>[0-5]\\d):(?P<S>[0-5]\\d|6[0-1]))(?=\\b|\\W|$)',
  );
  assert.equal(ln.anchored, true);
  const [word] = templatesForDatePattern('%b %d %H:%M:%S', EXY);
  assert.ok(word);
  assert.ok(word.pyRegex.startsWith('(?iu)(?=^|\\b|\\W)(('), word.pyRegex);
  assert.equal(word.anchored, false);
  assert.deepEqual(word.fields, ['b', 'd', 'H', 'M', 'S']);
  const [unb] = templatesForDatePattern('{UNB}%H:%M:%S', EXY);
  assert.ok(unb?.pyRegex.startsWith('((?P<H>'));
  assert.ok(unb?.pyRegex.endsWith('))'));
});

test('default lists: 31 templates, 17 with {^LN-BEG}, 17 per {DATE}', () => {
  const all = templatesForDatePattern(undefined, EXY);
  assert.equal(all.length, 31);
  assert.equal(all.filter((t) => t.name.startsWith('{^LN-BEG}')).length, 15);
  assert.equal(all[7]?.name, '{^LN-BEG}Epoch');
  assert.equal(all[21]?.name, 'Epoch');
  assert.equal(all[30]?.name, 'TAI64N');
  const ln = templatesForDatePattern('{^ln-beg}', EXY);
  assert.equal(ln.length, 17);
  assert.ok(ln.every((t) => t.anchored));
  assert.equal(ln[14]?.name, '{^LN-BEG}24hour:Minute:Second');
  const date = templatesForDatePattern('^<\\d+>\\d+\\s+{DATE}', EXY);
  assert.equal(date.length, 17);
  assert.equal(date[7]?.name, '^<\\d+>\\d+\\s+Epoch'); // literal text, as in fail2ban
});

test('duplicate templates are a ConfigError; defaults after others are deduplicated', () => {
  assert.throws(() => templatesForDatePattern('%Y-%m-%d\n%Y-%m-%d', EXY), ConfigError);
  const mixed = templatesForDatePattern('{^LN-BEG}%H:%M:%S\n{^LN-BEG}', EXY);
  assert.equal(mixed.length, 17);
  assert.equal(mixed[0]?.name, '{^LN-BEG}24hour:Minute:Second');
});

test('resolveTime: explicit fields, zone offset from the line', () => {
  const ctx = { refMs: Date.UTC(2026, 5, 1), zone: parseZone('Europe/Berlin') };
  assert.equal(resolveTime(2026, 11, 24, 21, 22, 7, undefined, ctx), Date.UTC(2026, 10, 24, 20, 22, 7));
  assert.equal(resolveTime(2026, 11, 24, 21, 22, 7, -300, ctx), Date.UTC(2026, 10, 25, 2, 22, 7));
  assert.equal(resolveTime(2026, 2, 29, 0, 0, 0, undefined, ctx), undefined);
  assert.equal(resolveTime(2026, 1, 1, 23, 59, 60, undefined, ctx), undefined);
  assert.equal(resolveTime(2026, 1, 1, 24, 0, 0, undefined, ctx), undefined);
});

test('timeFromGroups: %I/%p, %j, %y, %B, zone names', () => {
  const ctx = { refMs: Date.UTC(2026, 5, 1), zone: utc };
  const keys = ['y', 'Y', 'm', 'b', 'B', 'd', 'H', 'I', 'p', 'M', 'S', 'j', 'z', 'Z'];
  assert.equal(timeFromGroups({ Y: '2026', m: '3', d: '1', I: '12', p: 'AM', M: '5', S: '0' }, keys, ctx), Date.UTC(2026, 2, 1, 0, 5));
  assert.equal(timeFromGroups({ Y: '2026', m: '3', d: '1', I: '12', p: 'pm', M: '5', S: '0' }, keys, ctx), Date.UTC(2026, 2, 1, 12, 5));
  assert.equal(timeFromGroups({ Y: '2026', m: '3', d: '1', I: '9', p: 'PM', M: '5', S: '0' }, keys, ctx), Date.UTC(2026, 2, 1, 21, 5));
  assert.equal(timeFromGroups({ Y: '2024', j: '060', H: '1', M: '0', S: '0' }, keys, ctx), Date.UTC(2024, 1, 29, 1));
  assert.equal(timeFromGroups({ y: '26', B: 'November', d: '24', H: '1', M: '0', S: '0' }, keys, ctx), Date.UTC(2026, 10, 24, 1));
  assert.equal(timeFromGroups({ y: '00', m: '1', d: '2', H: '0', M: '0', S: '0' }, keys, ctx), Date.UTC(2000, 0, 2));
  assert.equal(timeFromGroups({ Y: '2026', m: '1', d: '2', H: '0', M: '0', S: '0', Z: 'CEST' }, keys, ctx), Date.UTC(2026, 0, 1, 22));
  assert.equal(timeFromGroups({ Y: '2026', m: '1', d: '2', H: '0', M: '0', S: '0', z: '+05:30' }, keys, ctx), Date.UTC(2026, 0, 1, 18, 30));
  // unknown or lower-case abbreviations make fail2ban raise: no time
  assert.equal(timeFromGroups({ Y: '2026', m: '1', d: '2', H: '0', M: '0', S: '0', Z: 'ABC' }, keys, ctx), undefined);
  assert.equal(timeFromGroups({ Y: '2026', m: '1', d: '2', H: '0', M: '0', S: '0', Z: 'cest' }, keys, ctx), undefined);
});

test('timeFromGroups reads numbers as int() does: a leading space, leading zeros', () => {
  const ctx = { refMs: Date.UTC(2026, 5, 1), zone: utc };
  const keys = ['Y', 'm', 'd', 'H', 'M', 'S'];
  assert.equal(timeFromGroups({ Y: '2026', m: '03', d: ' 4', H: '09', M: '05', S: '07' }, keys, ctx), Date.UTC(2026, 2, 4, 9, 5, 7));
  assert.equal(timeFromGroups({ Y: '2026', m: '3', d: '04', H: '9', M: '5', S: '7' }, keys, ctx), Date.UTC(2026, 2, 4, 9, 5, 7));
});
