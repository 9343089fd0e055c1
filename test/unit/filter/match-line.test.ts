// Expected values were cross-checked against fail2ban 1.0.2's Filter.findFailure on the
// same regexes and texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FilterDefinition } from '../../../src/types.js';
import { compileFilter } from '../../../src/filter/compile-filter.js';
import type { LineMatch } from '../../../src/filter/match-line.js';
import { matchLine } from '../../../src/filter/match-line.js';

function filter(over: Partial<FilterDefinition>): ReturnType<typeof compileFilter> {
  return compileFilter({
    name: 't', file: 'filter.d/t.conf', prefregex: undefined, failregex: [], ignoreregex: [],
    successregex: [], datepattern: '{^LN-BEG}', maxlines: 1, usedns: 'no', options: {}, ...over,
  });
}

function failure(m: LineMatch): Extract<LineMatch, { status: 'failure' }> {
  assert.equal(m.status, 'failure', JSON.stringify(m));
  return m as Extract<LineMatch, { status: 'failure' }>;
}

test('prefregex content is what failregexes see, anchored at its start', () => {
  const cf = filter({
    prefregex: String.raw`^ \S+ svc\[\d+\]: (?:user=<F-USER>\S+</F-USER> )?<F-CONTENT>.+</F-CONTENT>$`,
    failregex: [String.raw`^bad login from <HOST>(?: as <F-USER>\S+</F-USER>)?$`],
  });
  const m = failure(matchLine(cf, ' h svc[1]: bad login from 192.0.2.4 as eve'));
  assert.equal(m.id, '192.0.2.4');
  assert.equal(m.user, 'eve');
  assert.equal(m.groups['content'], undefined, 'content is consumed, not reported');
  // A failregex group that did not take part still overrides the prefregex value.
  const n = failure(matchLine(cf, ' h svc[1]: user=pre bad login from 192.0.2.4'));
  assert.equal(n.user, undefined);
  assert.equal(matchLine(cf, ' h other[1]: bad login from 192.0.2.4').status, 'miss', 'prefregex gate');
});

test('prefregex groups merge into the failure (courier-smtp style host in prefregex)', () => {
  const cf = filter({
    prefregex: String.raw`^ \S+ courier: relay=<HOST>, <F-CONTENT>.+</F-CONTENT>$`,
    failregex: [String.raw`^msg="5\d\d bad user", cmd: RCPT TO:<<F-USER>[^>]*</F-USER>>`],
  });
  const m = failure(matchLine(cf, ' mx courier: relay=::ffff:198.51.100.5, msg="550 bad user", cmd: RCPT TO:<x@y>'));
  assert.equal(m.id, '198.51.100.5');
  assert.equal(m.ip, '198.51.100.5');
  assert.equal(m.user, 'x@y');
});

test('ignoreregex cancels a match; server mode stops, check-all goes on', () => {
  const cf = filter({
    failregex: [String.raw`login failed from <HOST>`, String.raw`from <HOST> \(retry\)`],
    ignoreregex: [String.raw`from 192\.0\.2\.1\b`],
  });
  assert.deepEqual(matchLine(cf, 'login failed from 192.0.2.1 (retry)'),
    { status: 'ignored', regex: 0, failregex: 0 });
  assert.deepEqual(matchLine(cf, 'login failed from 192.0.2.1 (retry)', 'all'),
    { status: 'ignored', regex: 0, failregex: 0 });
  assert.equal(failure(matchLine(cf, 'login failed from 192.0.2.10 (retry)', 'all')).regexes.join(), '0,1');
});

test('early ignoreregex runs on the whole buffer only with few ignoreregexes', () => {
  const cf = filter({
    prefregex: String.raw`^ \S+ d: <F-CONTENT>.+</F-CONTENT>$`,
    failregex: ['^a <HOST>', '^b <HOST>', '^c <HOST>', '^d <HOST>'],
    ignoreregex: ['^ trusted '],
  });
  assert.equal(cf.earlyIgnore, true);
  assert.deepEqual(matchLine(cf, ' trusted d: a 192.0.2.1'), { status: 'ignored', regex: 0, failregex: undefined });
  // With two failregexes the same ignoreregex only sees the content, and misses.
  const late = filter({
    prefregex: String.raw`^ \S+ d: <F-CONTENT>.+</F-CONTENT>$`,
    failregex: ['^a <HOST>', '^b <HOST>'],
    ignoreregex: ['^ trusted '],
  });
  assert.equal(late.earlyIgnore, false);
  assert.equal(matchLine(late, ' trusted d: a 192.0.2.1').status, 'failure');
});

test('id precedence: ip4 > ip6 > dns > fid; fid with an IP keeps both', () => {
  const both = failure(matchLine(filter({ failregex: ['from <IP4>(?: also <IP6>)?'] }), 'from 192.0.2.5 also 2001:db8::5'));
  assert.equal(both.id, '192.0.2.5');
  const v6 = failure(matchLine(filter({ failregex: ['from <IP6> (?:<DNS>)?'] }), 'from 2001:DB8:0::5 mail.example'));
  assert.equal(v6.id, '2001:db8::5');
  const dnsIp = failure(matchLine(filter({ failregex: ['from <DNS> id <F-ID/>'] }), 'from 192.0.2.9 id sess-9'));
  assert.equal(dnsIp.id, '192.0.2.9', 'a dns capture that is an IP wins over fid');
  const fid = failure(matchLine(filter({ failregex: ['user <F-ID/> from <IP4>'] }), 'user sess-1 from 192.0.2.5'));
  assert.equal(fid.id, 'sess-1');
  assert.equal(fid.ip, '192.0.2.5');
  const raw = failure(matchLine(filter({ failregex: ['from <DNS> id <F-ID/>'], usedns: 'raw' }), 'from mail.example id s9'));
  assert.equal(raw.id, 's9');
  assert.equal(raw.ip, undefined, 'a raw host name is not an address');
  assert.equal(failure(matchLine(filter({ failregex: ['<F-ID/> failed'] }), '[2001:DB8::1] failed')).id, '2001:db8::1');
});

test('host names: usedns=no drops them, yes/warn keep numeric forms and names (no DNS)', () => {
  assert.equal(matchLine(filter({ failregex: ['from <DNS>'] }), 'from mail.example').status, 'miss');
  assert.equal(failure(matchLine(filter({ failregex: ['from <HOST>$'], usedns: 'yes' }), 'from 192.51.13')).id, '192.51.0.13');
  assert.equal(failure(matchLine(filter({ failregex: ['from <HOST>$'], usedns: 'warn' }), 'from mx.example')).id, 'mx.example');
});

test('IPv6 ids are normalised; mapped IPv4 and brackets too', () => {
  const cf = filter({ failregex: ['from <HOST>'] });
  assert.equal(failure(matchLine(cf, 'from [2001:DB8:0:0:0::8]')).id, '2001:db8::8');
  assert.equal(failure(matchLine(cf, 'from ::ffff:192.0.2.8')).id, '192.0.2.8');
  assert.equal(failure(matchLine(filter({ failregex: ['from <ADDR>/<CIDR>'] }), 'from 192.0.2.77/24')).id, '192.0.2.0/24');
  // An explicit prefix length of 4 or 6 is a mask like any other (IPAddr(ip, 4) in fail2ban).
  const subnet = filter({ failregex: ['^x <SUBNET>$'] });
  assert.equal(failure(matchLine(subnet, 'x 192.0.2.4/4')).id, '192.0.0.0/4');
  assert.equal(failure(matchLine(subnet, 'x 2001:db8::1/6')).id, '2000::/6');
});

test('ALT_ quirk: <F-ALT_USER1> fills user1, <F-ALT_USER> and <F-ALT_USER_2> fill user', () => {
  const cf = filter({
    failregex: [String.raw`logname=<F-ALT_USER1>\S*</F-ALT_USER1> ruser=<F-USER>\S*</F-USER> rhost=<HOST>(?:\s+user=<F-ALT_USER>\S*</F-ALT_USER>)?`],
  });
  const empty = failure(matchLine(cf, 'logname=lg ruser= rhost=192.0.2.3 user=real'));
  assert.equal(empty.user, 'real', 'empty ruser is filled from the ALT group');
  assert.equal(empty.groups['user1'], 'lg', 'ALT_USER1 is not ALT_USER_1');
  assert.equal(failure(matchLine(cf, 'logname=lg ruser=ru rhost=192.0.2.3 user=real')).user, 'ru');
  const two = failure(matchLine(filter({ failregex: [String.raw`a=<F-ALT_USER_2>\S+</F-ALT_USER_2> from <HOST>`] }),
    'a=zed from 192.0.2.3'));
  assert.equal(two.user, 'zed');
});

test('TUPLE_ ids are combined like a Python tuple', () => {
  const m = failure(matchLine(filter({ failregex: [String.raw`<F-ID>\S+</F-ID> <F-TUPLE_ID>\S+</F-TUPLE_ID>`] }), 'a b'));
  assert.equal(m.id, "('a', 'b')");
});

test('the $-newline trap: regexes see the appended "\\n" like in fail2ban', () => {
  // \s+ needs the trailing newline to match here, exactly as in Python.
  assert.equal(failure(matchLine(filter({ failregex: [String.raw`from <HOST>\s+$`] }), 'from 192.0.2.1')).id, '192.0.2.1');
  const m = failure(matchLine(filter({ failregex: [String.raw`user=<F-USER>\S+</F-USER> from <HOST>$`] }),
    'user=bob from 192.0.2.2'));
  assert.equal(m.user, 'bob');
  assert.equal(matchLine(filter({ failregex: ['from <HOST>$'] }), 'from 192.0.2.1 x').status, 'miss');
});

test('postfix-style mid-pattern (?i) matches any case of the mechanism', () => {
  const cf = filter({
    failregex: [String.raw`^[^[]*\[<HOST>\](?::\d+)?: SASL ((?i)LOGIN|PLAIN|(?:CRAM|DIGEST)-MD5) authentication failed:`],
  });
  assert.equal(failure(matchLine(cf, 'warning: unknown[192.0.2.1]: SASL login authentication failed: x')).id, '192.0.2.1');
  assert.equal(failure(matchLine(cf, 'warning: x[192.0.2.2]:587: SASL Cram-md5 authentication failed:')).id, '192.0.2.2');
  assert.equal(matchLine(cf, 'warning: x[192.0.2.2]: sasl LOGIN authentication failed:').status, 'miss');
});

test('check-all mode lists every failregex; server mode the first', () => {
  const cf = filter({ failregex: ['from <HOST>', 'failed from <HOST>', 'nothing <HOST>'] });
  const all = failure(matchLine(cf, 'auth failed from 192.0.2.1', 'all'));
  assert.deepEqual(all.regexes, [0, 1]);
  assert.equal(all.hits.length, 2);
  assert.deepEqual(failure(matchLine(cf, 'auth failed from 192.0.2.1')).regexes, [0]);
});

test('a match without any id value stops server mode (fail2ban consumed the buffer)', () => {
  const cf = filter({ failregex: ['(?:sess=<F-ID/>)?x', 'y from <HOST>'] });
  assert.equal(matchLine(cf, 'x y from 192.0.2.1').status, 'miss');
  assert.equal(failure(matchLine(cf, 'x y from 192.0.2.1', 'all')).regexes.join(), '1');
});

test('F-NOFAIL without F-MLFID still counts, flagged', () => {
  const m = failure(matchLine(filter({ failregex: ['from <HOST> <F-NOFAIL>ok</F-NOFAIL>'] }), 'from 192.0.2.6 ok'));
  assert.equal(m.nofail, true);
  assert.equal(m.id, '192.0.2.6');
});

test('F-MLFID marks the filter multi-line; a line without id is pending', () => {
  const cf = filter({ prefregex: String.raw`^<F-MLFID>\S+</F-MLFID> `, failregex: [String.raw`<F-USER>\w+</F-USER> failed`] });
  assert.equal(cf.multiline, true);
  const m = matchLine(cf, 'c1 bob failed');
  assert.equal(m.status, 'pending');
  if (m.status === 'pending') {
    assert.equal(m.groups['mlfid'], 'c1');
    assert.equal(m.groups['user'], 'bob');
  }
});

test('successregex is tried only when no failregex matched, on the whole text', () => {
  const cf = filter({
    prefregex: String.raw`^ \S+ svc: <F-CONTENT>(?:bad|denied) .+</F-CONTENT>$`,
    failregex: ['^bad login from <HOST>$'],
    successregex: [String.raw`^ \S+ svc: login ok user=<F-USER>\S+</F-USER> from <HOST>$`],
  });
  const s = matchLine(cf, ' h svc: login ok user=ann from 192.0.2.7');
  assert.deepEqual(s, {
    status: 'success', regex: 0, id: '192.0.2.7', ip: '192.0.2.7', user: 'ann',
    groups: { user: 'ann', ip4: '192.0.2.7' },
  });
  assert.equal(matchLine(cf, ' h svc: bad login from 192.0.2.7').status, 'failure');
  assert.equal(matchLine(cf, ' h svc: denied x').status, 'miss');
});
