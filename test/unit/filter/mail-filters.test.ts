// End-to-end-ish: fail2ban 1.0.2's own dovecot and postfix regexes (read at test time from
// BANREPLAY_F2B_DIR; skipped without it), their tag expansion compared with fail2ban's, then a
// handful of lines written for this test.
// Expected ids/users/regex indices are what fail2ban 1.0.2 reports for the same lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FilterDefinition } from '../../../src/types.js';
import { compileFilter } from '../../../src/filter/compile-filter.js';
import { expandTags, scopeInlineFlags } from '../../../src/filter/expand-tags.js';
import { matchLine } from '../../../src/filter/match-line.js';
import { mayMatch } from '../../../src/filter/may-match.js';

import { loadStockMailFilters, type StockFilter } from '../../support/stock-mail-filters.js';

const loaded = loadStockMailFilters();
const skip = typeof loaded === 'string' ? loaded : false;
if (skip !== false) console.log(`# stock mail filter tests skipped: ${skip}`);
const filters: Record<string, StockFilter> = typeof loaded === 'string' ? {} : loaded;
const names = Object.keys(filters);

function fixture(name: string): StockFilter {
  return filters[name]!;
}

function definition(name: string): FilterDefinition {
  const f = fixture(name);
  return {
    name, file: `filter.d/${name}.conf`, prefregex: f.prefregex ?? undefined, failregex: f.failregex,
    ignoreregex: [], successregex: [], datepattern: '{^LN-BEG}', maxlines: 1, usedns: 'no', options: {},
  };
}

const LINES = [
  'Mar  3 10:00:01 mx1 dovecot: imap-login: Disconnected (auth failed, 2 attempts in 4 secs): user=<alice>, method=PLAIN, rip=203.0.113.9, lip=198.51.100.1, TLS, session=<QmFuUmVwbGF5>',
  'Mar  3 10:00:02 mx1 dovecot: pop3-login: Aborted login (tried to use disallowed plaintext auth): user=<>, rip=2001:DB8:0:0::7, lip=2001:db8::1, session=<a1b2c3>',
  'Mar  3 10:00:03 mx1 dovecot: auth-worker(4242): pam(bob,198.51.100.23,<sess1>): pam_authenticate() failed: Authentication failure (password mismatch?)',
  'Mar  3 10:00:04 mx1 dovecot: auth: passwd-file(carol,192.0.2.77): unknown user',
  'Mar  3 10:00:05 mx1 dovecot: auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser= rhost=192.0.2.55  user=dave',
  'Mar  3 10:00:06 mx1 dovecot: imap-login: Disconnected (no auth attempts in 3 secs): user=<>, rip=::ffff:192.0.2.66, lip=10.1.1.1, session=<zz>',
  'Mar  3 10:00:07 mx1 dovecot: imap-login: Login: user=<erin>, method=PLAIN, rip=192.0.2.88, lip=10.1.1.1, mpid=77, TLS',
  'Mar  3 10:01:00 mx1 postfix/smtpd[9001]: warning: unknown[198.51.100.200]: SASL LOGIN authentication failed: UGFzc3dvcmQ6',
  'Mar  3 10:01:01 mx1 postfix/submission/smtpd[9002]: warning: host.example[203.0.113.44]:587: SASL login authentication failed: bad auth',
  'Mar  3 10:01:02 mx1 postfix/smtpd[9003]: warning: unknown[203.0.113.45]: SASL PLAIN authentication failed: Connection lost to authentication server',
  'Mar  3 10:01:03 mx1 postfix/smtpd[9004]: NOQUEUE: reject: RCPT from unknown[192.0.2.201]: 554 5.7.1 <nobody@example.org>: Relay access denied; from=<x@example.net> to=<nobody@example.org> proto=ESMTP helo=<spam>',
  'Mar  3 10:01:04 mx1 postfix/smtpd[9005]: NOQUEUE: reject: RCPT from mail.example[2001:db8::2:1]: 450 4.7.1 Client host rejected: cannot find your hostname; from=<a@example.com> to=<b@example.org> proto=ESMTP helo=<x>',
  'Mar  3 10:01:05 mx1 postfix/smtpd[9006]: lost connection after AUTH from unknown[192.0.2.202]',
  'Mar  3 10:01:06 mx1 postfix/smtpd[9007]: connect from unknown[192.0.2.203]',
];

// Line index → [failregex index, id, user] per filter (check-all mode), from fail2ban.
type Hit = [number, string, string | undefined];
const DOVECOT: Record<number, Hit> = {
  0: [1, '203.0.113.9', 'alice'],
  1: [1, '2001:db8::7', ''],
  2: [2, '198.51.100.23', undefined],
  3: [3, '192.0.2.77', undefined],
  4: [0, '192.0.2.55', 'dave'],
};
const EXPECTED: Record<string, Record<number, Hit>> = {
  'dovecot[normal]': DOVECOT,
  'dovecot[aggressive]': { ...DOVECOT, 5: [4, '192.0.2.66', undefined] },
  'postfix[more]': { 10: [0, '192.0.2.201', undefined], 11: [0, '2001:db8::2:1', undefined] },
  'postfix[auth]': { 7: [0, '198.51.100.200', undefined], 8: [0, '203.0.113.44', undefined] },
  'postfix[aggressive]': {
    7: [0, '198.51.100.200', undefined], 8: [0, '203.0.113.44', undefined],
    10: [1, '192.0.2.201', undefined], 11: [1, '2001:db8::2:1', undefined], 12: [2, '192.0.2.202', undefined],
  },
};

// The syslog stamp is 15 characters; fail2ban keeps what follows it, leading space included.
const cut = (line: string): string => line.slice(15);

test('expandTags reproduces fail2ban\'s expansion of the stock regexes', { skip }, () => {
  assert.equal(names.length, 5);
  for (const name of names) {
    const f = fixture(name);
    const ours = f.failregex.map((r) => scopeInlineFlags(expandTags(r, { usedns: 'no' })));
    assert.deepEqual(ours, f.expanded.failregex, name);
    if (f.prefregex !== null) {
      assert.equal(scopeInlineFlags(expandTags(f.prefregex, { usedns: 'no' })), f.expanded.prefregex, name);
    }
  }
});

test('stock dovecot and postfix filters compile and match like fail2ban', { skip }, () => {
  for (const name of names) {
    const cf = compileFilter(definition(name));
    const expected = EXPECTED[name]!;
    LINES.forEach((line, i) => {
      const m = matchLine(cf, cut(line), 'all');
      const want = expected[i];
      if (want === undefined) {
        assert.equal(m.status, 'miss', `${name} line ${i}`);
        return;
      }
      assert.equal(m.status, 'failure', `${name} line ${i}`);
      if (m.status !== 'failure') return;
      assert.deepEqual([m.regexes, m.id, m.user], [[want[0]], want[1], want[2]], `${name} line ${i}`);
      assert.ok(mayMatch(cf, line), `${name} line ${i}: pre-check must pass`);
    });
  }
});

test('the pre-check rejects unrelated mail lines for the stock filters', { skip }, () => {
  const auth = compileFilter(definition('postfix[auth]'));
  assert.equal(mayMatch(auth, LINES[13]!), false);
  assert.equal(mayMatch(auth, LINES[0]!), false);
  const dovecot = compileFilter(definition('dovecot[normal]'));
  assert.equal(mayMatch(dovecot, LINES[6]!), false, 'a successful login');
  assert.equal(mayMatch(dovecot, LINES[13]!), false);
});

test('no catastrophic backtracking on 10 kB garbage lines', { skip }, () => {
  const shapes = [
    '0123456789abcdef:'.repeat(603),
    ': x('.repeat(2560),
    '[1.2.3.4]'.repeat(1138),
    ' \t:'.repeat(3413),
    '2001:db8::'.repeat(1024),
  ];
  const prefixes = ['', ' mx dovecot: imap-login: Disconnected', ' mx dovecot: auth: pam(',
    ' mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from ', ' mx postfix/smtpd[1]: warning: unknown['];
  for (const name of names) {
    const cf = compileFilter(definition(name));
    for (const p of prefixes) {
      for (const s of shapes) {
        const t0 = performance.now();
        matchLine(cf, p + s, 'all');
        const ms = performance.now() - t0;
        // Measured well under 1 ms each; the bound only catches exponential blow-ups.
        assert.ok(ms < 250, `${name} ${JSON.stringify(p)}: ${ms.toFixed(1)} ms`);
      }
    }
  }
});
