import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildReport } from '../../../src/analysis/build-report.js';
import { countUsernames, isUsername } from '../../../src/analysis/usernames.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { Outcome } from '../../../src/jail/simulate.js';
import type { ReplayOutcome } from '../../../src/pipeline/replay.js';
import type { Hit, JailSpec } from '../../../src/types.js';
import { makeJailSpec } from '../../support/jail-spec.js';

const T = Date.UTC(2026, 2, 1, 10, 0, 0);

function jail(name: string): JailSpec {
  return makeJailSpec(name);
}

function hit(p: Partial<Hit> & Pick<Hit, 'id' | 'line'>): Hit {
  return { jail: 0, kind: 'failure', time: T + p.line * 1000, user: undefined, file: 0, ...p };
}

function outcome(hits: Hit[], outcomes: (Outcome | undefined)[]): ReplayOutcome {
  return {
    files: [
      { path: 'maillog', lines: 10, noTime: 1, overlong: 0, first: T, last: T + 9000, gzip: false, warnings: [] },
    ],
    hits: HitStore.from(hits, outcomes),
    results: [
      { bans: [{ jail: 'postfix', id: '203.0.113.1', start: T + 3000, end: T + 603_000, failures: 5, blocked: 1 }], tallies: new Map(), prolongations: [] },
      { bans: [], tallies: new Map(), prolongations: [] },
    ],
    problems: [],
  };
}

test('a line matched by two jails counts once per address and once per username', () => {
  const hits = [
    hit({ id: '203.0.113.1', line: 1, user: 'admin' }),
    hit({ id: '203.0.113.1', line: 1, user: 'admin', jail: 1 }),
    hit({ id: '203.0.113.1', line: 2, user: 'admin' }),
    hit({ id: '203.0.113.1', line: 4, user: 'admin' }),
  ];
  const r = buildReport(outcome(hits, ['counted', 'counted', 'counted', 'blocked']), [jail('postfix'), jail('postfix-rbl')]);
  assert.equal(r.stats.failures, 3);
  assert.deepEqual(r.jails.map((j) => j.failures), [3, 1]);
  const ip = r.ips[0]!;
  assert.deepEqual([ip.failures, ip.blocked, ip.bans, ip.jails], [2, 1, 1, ['postfix', 'postfix-rbl']]);
  assert.deepEqual(r.usernames.map((u) => [u.name, u.attempts, u.ips]), [['admin', 3, 1]]);
});

test('addresses seen only while ignored are left out; SASL prompts are not usernames', () => {
  const hits = [
    hit({ id: '192.0.2.9', line: 1, user: 'bob' }),
    hit({ id: '198.51.100.3', line: 2, user: 'UGFzc3dvcmQ6' }),
  ];
  const r = buildReport(outcome(hits, ['ignored', 'counted']), [jail('postfix'), jail('postfix-rbl')]);
  assert.deepEqual(r.ips.map((x) => x.ip), ['198.51.100.3']);
  assert.deepEqual(r.ips[0]!.usernames, []);
  assert.deepEqual(r.usernames.map((u) => u.name), ['bob']);
  assert.equal(isUsername('VXNlcm5hbWU6'), false);
  assert.equal(isUsername(''), false);
  assert.equal(isUsername('alice'), true);
});

test('addresses are ordered by attempts, then bans; usernames by attempts', () => {
  const hits = [
    hit({ id: '203.0.113.1', line: 1, user: 'x' }),
    hit({ id: '198.51.100.2', line: 2, user: 'y' }),
    hit({ id: '198.51.100.2', line: 3, user: 'y' }),
  ];
  const r = buildReport(outcome(hits, ['counted', 'counted', 'counted']), [jail('postfix'), jail('postfix-rbl')]);
  assert.deepEqual(r.ips.map((x) => x.ip), ['198.51.100.2', '203.0.113.1']);
  assert.deepEqual(countUsernames(HitStore.from(hits)).map((u) => u.name), ['y', 'x']);
  assert.equal(r.stats.noTime, 1);
  assert.equal(r.span.first, T);
});

test('issue-4: addresses with the same jails share one jails array; username lists are exact', () => {
  // A million addresses would otherwise carry a million arrays of one or two jail names.
  const hits = [
    hit({ id: '203.0.113.1', line: 1, user: 'x' }),
    hit({ id: '198.51.100.2', line: 2, user: 'y' }),
    hit({ id: '198.51.100.3', line: 3, jail: 1 }),
    hit({ id: '198.51.100.4', line: 4 }),
  ];
  const r = buildReport(outcome(hits, ['counted', 'counted', 'counted', 'counted']), [jail('postfix'), jail('postfix-rbl')]);
  const of = (ip: string): (typeof r.ips)[number] => r.ips.find((x) => x.ip === ip)!;
  assert.deepEqual(of('203.0.113.1').jails, ['postfix']);
  assert.equal(of('203.0.113.1').jails, of('198.51.100.2').jails);
  assert.equal(of('203.0.113.1').jails, of('198.51.100.4').jails);
  assert.deepEqual(of('198.51.100.3').jails, ['postfix-rbl']);
  assert.deepEqual(of('203.0.113.1').usernames, ['x']);
  assert.deepEqual(of('198.51.100.4').usernames, []);
});

test('issue-4: a line two jails dated differently (hits not adjacent) still counts once', () => {
  // Jail 1 read another stamp on line 1, so its hit sorts after line 2 (see lineAdjacent).
  const hits = [
    hit({ id: '203.0.113.1', line: 1, user: 'admin' }),
    hit({ id: '203.0.113.1', line: 2, user: 'root' }),
    hit({ id: '203.0.113.1', line: 1, user: 'admin', jail: 1, time: T + 2500 }),
  ];
  const r = buildReport(outcome(hits, ['counted', 'counted', 'counted']), [jail('postfix'), jail('postfix-rbl')]);
  assert.equal(r.stats.failures, 2);
  assert.deepEqual(r.jails.map((j) => j.failures), [2, 1]);
  assert.deepEqual([r.ips[0]!.failures, r.ips[0]!.usernames], [2, ['admin', 'root']]);
  assert.deepEqual(r.usernames.map((u) => [u.name, u.attempts]), [['admin', 1], ['root', 1]]);
});

test('issue-4: a line counted by one jail and blocked by another is one blocked attempt', () => {
  const hits = [
    hit({ id: '203.0.113.1', line: 1 }),
    hit({ id: '203.0.113.1', line: 1, jail: 1 }),
    hit({ id: '203.0.113.1', line: 2 }),
  ];
  const r = buildReport(outcome(hits, ['counted', 'blocked', 'ignored']), [jail('postfix'), jail('postfix-rbl')]);
  assert.deepEqual([r.ips[0]!.failures, r.ips[0]!.blocked, r.stats.blocked], [0, 1, 1]);
});

test('issue-4: releaseRows drops the columns after the pass and changes nothing in the report', () => {
  // 203.0.113.1 is banned from T+3s to T+603s (outcome()) and logs in during the ban; six
  // never-banned addresses of one /24 spray "admin", enough for the group-keyed jails to ban.
  const hits: Hit[] = [];
  const outcomes: (Outcome | undefined)[] = [];
  let line = 0;
  const add = (h: Omit<Hit, 'line' | 'file' | 'time'>, o: Outcome | undefined): void => {
    line++;
    hits.push({ ...h, file: 0, line, time: T + line * 1000 });
    outcomes.push(o);
  };
  for (let k = 0; k < 5; k++) add({ jail: 0, kind: 'failure', id: '203.0.113.1', user: 'carol' }, k < 3 ? 'counted' : 'blocked');
  add({ jail: 0, kind: 'success', id: '203.0.113.1', user: 'carol' }, undefined);
  for (let round = 0; round < 3; round++) {
    for (let a = 1; a <= 6; a++) add({ jail: 0, kind: 'failure', id: `192.0.2.${a}`, user: 'admin' }, 'counted');
  }
  add({ jail: 0, kind: 'success', id: '203.0.113.1', user: 'carol' }, undefined);
  const jails = [jail('postfix'), jail('postfix-rbl')];
  const kept = outcome(hits, outcomes);
  const released = outcome(hits, outcomes);
  const want = buildReport(kept, jails);
  const got = buildReport(released, jails, { releaseRows: true });
  assert.equal(want.collateral?.[0]?.loginsDuringBan, 2, 'collateral reads login times after the pass');
  assert.ok((want.belowRadar?.networks[0]?.caught.bans ?? 0) > 0, 'the group-keyed jails run after the pass');
  assert.deepEqual(got, want);
  assert.equal(released.hits.length, 0);
  assert.deepEqual([released.hits.time.length, released.hits.id.length, released.hits.outcome.length], [0, 0, 0]);
  assert.equal(kept.hits.length, hits.length, 'left alone without the option');
});
