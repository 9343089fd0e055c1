// mayMatch soundness, property style: for generated raw lines (date included) and the
// text the date cut leaves, a line matchLine accepts must pass the pre-check. Filters: our
// shipped mail filters, and fail2ban's stock ones when BANREPLAY_F2B_DIR provides them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadFilter } from '../../../src/config/load-filter.js';
import { loadStockMailFilters } from '../../support/stock-mail-filters.js';
import type { FilterDefinition } from '../../../src/types.js';
import type { CompiledFilter } from '../../../src/filter/compile-filter.js';
import { LAST_HELD, compileFilter } from '../../../src/filter/compile-filter.js';
import { matchLine, PARTS_FAIL, PARTS_SUCCESS } from '../../../src/filter/match-line.js';
import { mayMatch } from '../../../src/filter/may-match.js';
import { mulberry32 as rng } from '../../support/mulberry32.js';

function def(over: Partial<FilterDefinition>): FilterDefinition {
  return {
    name: 't', file: 'filter.d/t.conf', prefregex: undefined, failregex: [], ignoreregex: [],
    successregex: [], datepattern: '{^LN-BEG}', maxlines: 1, usedns: 'no', options: {}, ...over,
  };
}


const MESSAGES = [
  'imap-login: Disconnected (auth failed, {n} attempts in {n} secs): user=<{u}>, method=PLAIN, rip={ip}, lip=10.0.0.1, TLS',
  'pop3-login: Aborted login (tried to use disabled plaintext auth): user=<{u}>, rip={ip}, lip=10.0.0.1',
  'auth-worker({n}): pam({u},{ip},<s{n}>): pam_authenticate() failed: Permission denied',
  'auth: passwd-file({u},{ip}): Password mismatch',
  'imap-login: Login: user=<{u}>, method=PLAIN, rip={ip}, lip=10.0.0.1',
  'warning: unknown[{ip}]: SASL {mech} authentication failed: eA==',
  'warning: h{n}.example[{ip}]:587: SASL {mech} authentication failed: Connection lost to authentication server',
  'NOQUEUE: reject: RCPT from unknown[{ip}]: 554 5.7.1 <{u}@example.org>: Relay access denied; from=<a@b> to=<{u}@example.org> proto=ESMTP helo=<h>',
  'lost connection after AUTH from unknown[{ip}]',
  'connect from unknown[{ip}]',
];
const MECHS = ['LOGIN', 'login', 'Plain', 'CRAM-MD5', 'digest-md5', 'XOAUTH2'];
const IPS = ['192.0.2.{n}', '2001:db8::{n}', '::ffff:198.51.100.{n}', '[2001:DB8:0::{n}]', '203.0.113.{n}'];

function generate(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const n = (): string => String(1 + Math.floor(r() * 250));
  const daemon = pick(['dovecot', 'postfix/smtpd[4242]', 'postfix/submission/smtpd[7]']);
  let msg = pick(MESSAGES)
    .replaceAll('{ip}', () => pick(IPS).replace('{n}', n()))
    .replaceAll('{u}', () => pick(['alice', '', 'bob@example.org', 'x y']))
    .replaceAll('{mech}', () => pick(MECHS))
    .replaceAll('{n}', n);
  // Random damage: case flips and deletions keep some lines matching, break others.
  if (r() < 0.3) msg = r() < 0.5 ? msg.toLowerCase() : msg.toUpperCase();
  if (r() < 0.3) {
    const at = Math.floor(r() * msg.length);
    msg = msg.slice(0, at) + msg.slice(at + 1 + Math.floor(r() * 3));
  }
  return ` mx ${daemon}: ${msg}`;
}

const SHIPPED = fileURLToPath(new URL('../../../../filters/filter.d/', import.meta.url));
const REFS = ['dovecot[mode=normal]', 'dovecot[mode=aggressive]', 'postfix[mode=more]', 'postfix[mode=auth]', 'postfix[mode=aggressive]'];
// fail2ban's own filters join in when an extracted package is available (never committed).
const stock = loadStockMailFilters();

/** Our shipped mail filters, plus fail2ban's stock ones when available, with `datepattern`. */
function stockFilters(datepattern: string | undefined): CompiledFilter[] {
  const ours = REFS.map((ref) => ({ ...loadFilter(ref, { filterDirs: [SHIPPED] }), datepattern }));
  const theirs = typeof stock === 'string' ? [] : Object.entries(stock).map(([name, f]) =>
    def({ name, prefregex: f.prefregex ?? undefined, failregex: f.failregex, datepattern }));
  return [...ours, ...theirs].map((d) => compileFilter(d));
}

function accepted(cf: CompiledFilter, text: string): boolean {
  const s = matchLine(cf, text, 'all').status;
  return s === 'failure' || s === 'pending' || s === 'success';
}

test('never rejects an accepted line: dates cut at line start ({^LN-BEG})', () => {
  const r = rng(42);
  const filters = stockFilters('{^LN-BEG}');
  let hits = 0;
  for (let i = 0; i < 3000; i++) {
    const after = generate(r);
    // A syslog stamp, or a bracketed one leaving "[" before and "]" after the cut.
    const bracket = r() < 0.3;
    const raw = bracket ? `[2024-03-03 10:00:00]${after}` : `Mar  3 10:00:00${after}`;
    const text = bracket ? `[]${after}` : after;
    for (const cf of filters) {
      if (!accepted(cf, text)) continue;
      hits++;
      assert.ok(mayMatch(cf, raw), `${cf.name}: ${raw}`);
    }
  }
  assert.ok(hits > 300, `the generator must produce matching lines (${hits})`);
});

test('never rejects an accepted line: dates cut anywhere (no datepattern)', () => {
  const r = rng(7);
  const filters = stockFilters(undefined);
  let hits = 0;
  for (let i = 0; i < 3000; i++) {
    const text = generate(r);
    const at = Math.floor(r() * (text.length + 1));
    const raw = text.slice(0, at) + '2024-03-03T10:00:00' + text.slice(at);
    for (const cf of filters) {
      if (!accepted(cf, text)) continue;
      hits++;
      assert.ok(mayMatch(cf, raw), `${cf.name}: ${raw}`);
    }
  }
  assert.ok(hits > 300, `the generator must produce matching lines (${hits})`);
});

test('a literal joined by a mid-line date cut is still found', () => {
  // selinux-style: the epoch between "audit(" and ":5)" is cut, joining "audit(:".
  const cf = compileFilter(def({ failregex: [String.raw`^type=X msg=audit\(:\d+\): from <HOST>$`], datepattern: undefined }));
  const text = 'type=X msg=audit(:5): from 192.0.2.1';
  assert.equal(matchLine(cf, text).status, 'failure');
  assert.ok(mayMatch(cf, 'type=X msg=audit(1700000000.123:5): from 192.0.2.1'));
  assert.ok(!mayMatch(cf, 'type=Y msg=other: from 192.0.2.1'));
  // A bracketed stamp at line start leaves "[" + "]" joined into "[]".
  const br = compileFilter(def({ failregex: [String.raw`^\[\] x from <HOST>$`] }));
  assert.equal(matchLine(br, '[] x from 192.0.2.1').status, 'failure');
  assert.ok(mayMatch(br, '[2024-03-03 10:00:00] x from 192.0.2.1'));
});

test('case-insensitive parts are checked case-insensitively', () => {
  const cf = compileFilter(def({ failregex: [String.raw`auth ((?i)LOGIN|PLAIN) failed from <HOST>`] }));
  assert.ok(mayMatch(cf, 'Jan  1 00:00:00 h auth LoGiN failed from 192.0.2.1'));
  const whole = compileFilter(def({ failregex: [String.raw`(?i)^ \S+ ACCESS DENIED from <HOST>`] }));
  assert.ok(mayMatch(whole, 'Jan  1 00:00:00 h access denied from 192.0.2.1'));
  assert.ok(!mayMatch(whole, 'Jan  1 00:00:00 h access granted from 192.0.2.1'));
});

test('prefregex literals are required for failures; successregex stands alone', () => {
  const cf = compileFilter(def({
    prefregex: String.raw`^ \S+ gate: <F-CONTENT>.+</F-CONTENT>$`,
    failregex: ['^denied <HOST>$'],
    successregex: [String.raw`^ \S+ other: welcome <HOST>$`],
  }));
  assert.ok(mayMatch(cf, 'Jan  1 00:00:00 h gate: denied 192.0.2.1'));
  assert.ok(!mayMatch(cf, 'Jan  1 00:00:00 h door: denied 192.0.2.1'), 'prefregex literal missing');
  assert.ok(mayMatch(cf, 'Jan  1 00:00:00 h other: welcome 192.0.2.1'));
  assert.equal(matchLine(cf, ' h other: welcome 192.0.2.1').status, 'success');
});

test('parts: only the failregex branches, or only the successregex ones, count', () => {
  const cf = compileFilter(def({
    prefregex: String.raw`^ \S+ gate: <F-CONTENT>.+</F-CONTENT>$`,
    failregex: ['^denied <HOST>$'],
    successregex: [String.raw`^ \S+ other: welcome <HOST>$`],
  }));
  const fail = 'Jan  1 00:00:00 h gate: denied 192.0.2.1';
  const welcome = 'Jan  1 00:00:00 h other: welcome 192.0.2.1';
  assert.ok(mayMatch(cf, fail, undefined, PARTS_FAIL));
  assert.ok(!mayMatch(cf, fail, undefined, PARTS_SUCCESS));
  assert.ok(mayMatch(cf, welcome, undefined, PARTS_SUCCESS));
  assert.ok(!mayMatch(cf, welcome, undefined, PARTS_FAIL));
  // The last-held hint is a branch of the part left out: it is skipped, not trusted.
  assert.ok(mayMatch(cf, welcome));
  assert.ok(!mayMatch(cf, welcome, undefined, PARTS_FAIL));
  assert.ok(!mayMatch(cf, welcome, undefined, 0));
});

test('multi-line buffers disable the pre-check', () => {
  const cf = compileFilter(def({ failregex: ['^a$<SKIPLINES>^from <HOST>$'], maxlines: 2 }));
  assert.ok(mayMatch(cf, 'anything'));
});

test('the last-held hint never changes an answer, whatever the order of lines', () => {
  // Same verdict as a fresh pre-check (no hint) on every line of a shuffled stream, where
  // lines of one branch follow lines of another: successes, failures, pref misses.
  const r = rng(99);
  const filters = stockFilters('{^LN-BEG}');
  const cf = compileFilter(def({
    prefregex: String.raw`^ \S+ gate: <F-CONTENT>.+</F-CONTENT>$`,
    failregex: ['^denied <HOST>$', '^refused <HOST> twice$'],
    successregex: [String.raw`^ \S+ other: welcome <HOST>$`, String.raw`^ \S+ other: hello <HOST>$`],
  }));
  const own = [
    'gate: denied 192.0.2.1', 'gate: refused 192.0.2.1 twice', 'door: denied 192.0.2.1', 'gate: refused 192.0.2.1',
    'other: welcome 192.0.2.1', 'other: hello 192.0.2.1', 'gate: other: hello', 'nothing at all',
  ];
  let yes = 0;
  let no = 0;
  for (let i = 0; i < 4000; i++) {
    const raw = `Mar  3 10:00:00 ${r() < 0.5 ? `h ${own[Math.floor(r() * own.length)]!}` : generate(r).slice(1)}`;
    for (const f of [cf, ...filters]) {
      const got = mayMatch(f, raw);
      const p = f.precheck;
      const fresh = p === undefined ? true : mayMatch({ ...f, precheck: { ...p, [LAST_HELD]: -1 } }, raw);
      assert.equal(got, fresh, `${f.name} (hint ${p?.[LAST_HELD]}): ${raw}`);
      if (got) yes++;
      else no++;
    }
  }
  assert.ok(yes > 1000 && no > 1000, `both answers must be exercised (${yes} / ${no})`);
});
