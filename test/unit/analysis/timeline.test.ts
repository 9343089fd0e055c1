// Tests for the timeline's pure parts (issue #6): targets, matching ids, syslog services, and
// the ordering and merging of events built from a replay outcome.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTimeline, serviceOf } from '../../../src/analysis/timeline.js';
import { parseAddressTarget as parseTimelineTarget } from '../../../src/pipeline/address-target.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { ReplayOutcome } from '../../../src/pipeline/replay.js';
import type { JailSpec } from '../../../src/types.js';

test('targets: addresses and networks, normalised; anything else refused', () => {
  assert.equal(parseTimelineTarget('203.0.113.7')?.label, '203.0.113.7');
  assert.equal(parseTimelineTarget('2001:DB8:0::1')?.label, '2001:db8::1');
  assert.equal(parseTimelineTarget('203.0.113.77/24')?.label, '203.0.113.0/24');
  assert.equal(parseTimelineTarget('2001:db8:1:2:3::/48')?.label, '2001:db8:1::/48');
  assert.equal(parseTimelineTarget('::ffff:203.0.113.7')?.label, '203.0.113.7');
  for (const bad of ['', 'mail.example.org', '203.0.113', '203.0.113.7/33', '0x7f.1', '1.2.3.4/']) {
    assert.equal(parseTimelineTarget(bad), undefined, bad);
  }
});

test('matching ids: same family inside the prefix; IPv4-mapped ids as IPv4', () => {
  const net = parseTimelineTarget('203.0.113.0/24')!;
  assert.equal(net.matches('203.0.113.250'), true);
  assert.equal(net.matches('::ffff:203.0.113.9'), true);
  assert.equal(net.matches('203.0.114.1'), false);
  assert.equal(net.matches('2001:db8::1'), false);
  assert.equal(net.matches('some-id'), false);
  const one = parseTimelineTarget('2001:db8::1')!;
  assert.equal(one.matches('2001:0db8:0:0:0:0:0:1'), true);
  assert.equal(one.matches('2001:db8::2'), false);
});

test('serviceOf reads the syslog tag, with dovecot sub-processes', () => {
  assert.equal(serviceOf('Jan  2 03:04:05 mx postfix/submission/smtpd[123]: warning: x'), 'postfix/submission/smtpd');
  assert.equal(serviceOf('2026-01-02T03:04:05+00:00 mx dovecot: imap-login: Login: user=<a>'), 'dovecot/imap-login');
  assert.equal(serviceOf('Jan  2 03:04:05 mx dovecot: auth-worker(42): pam(a,1.2.3.4): failed'), 'dovecot/auth-worker');
  assert.equal(serviceOf('no tag here'), undefined);
});

test('events: one per line naming every jail, bans after their trigger, ends before lines', () => {
  const T = Date.UTC(2026, 2, 1);
  const spec = (name: string): JailSpec => ({
    name, enabled: true, filter: name, maxretry: 2, findtime: 600, bantime: 60, ignoreip: [], logpath: [],
    logtimezone: undefined, datepattern: undefined, filterOverrides: {}, source: 'test',
  });
  const A = '203.0.113.7';
  const h = (jail: number, line: number, dt: number, kind: 'failure' | 'success' = 'failure', id = A) => ({
    jail, kind, id, time: T + dt, user: 'u', file: 0, line, text: `Jan  1 00:00:00 mx postfix/smtpd[1]: line ${line}`,
  });
  const outcome: ReplayOutcome = {
    files: [{ path: 'maillog', lines: 6, noTime: 0, overlong: 0, first: T, last: T + 100_000, gzip: false, warnings: [] }],
    hits: HitStore.from(
      [h(0, 1, 0), h(1, 1, 0), h(0, 2, 1000), h(1, 2, 1000), h(0, 3, 2000), h(0, 4, 61_000), h(0, 5, 70_000, 'success'), h(0, 6, 70_000, 'failure', '192.0.2.1')],
      ['counted', 'counted', 'banned', 'counted', 'blocked', 'counted', undefined, 'counted'],
    ),
    results: [
      { bans: [{ jail: 'a', id: A, start: T + 1000, end: T + 61_000, failures: 2, blocked: 1 }], tallies: new Map(), prolongations: [] },
      { bans: [], tallies: new Map(), prolongations: [] },
    ],
    problems: [],
  };
  const t = buildTimeline(outcome, [spec('a'), spec('b')], parseTimelineTarget(A)!, { paths: ['/var/log/maillog'] });
  assert.deepEqual(
    t.events.map((e) => [e.time - T, e.kind, e.jails, e.line ?? null]),
    [
      [0, 'failure', ['a', 'b'], 1],
      [1000, 'failure', ['a', 'b'], 2],
      [1000, 'ban', ['a'], null],
      [2000, 'blocked', ['a'], 3],
      [61_000, 'unban', ['a'], null],
      [61_000, 'failure', ['a'], 4],
      [70_000, 'success', ['a'], 5],
    ],
  );
  assert.equal(t.events[0]!.file, '/var/log/maillog');
  assert.equal(t.events[0]!.service, 'postfix/smtpd');
  assert.deepEqual(
    t.addresses.map((a) => [a.ip, a.failures, a.blocked, a.successes, a.bans]),
    [[A, 3, 1, 1, 1]],
  );
  assert.equal(t.geoip, undefined);
});
