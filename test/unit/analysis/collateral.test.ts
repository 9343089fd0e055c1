import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeCollateral, findCollateral, indexSuccesses, SuccessTally } from '../../../src/analysis/collateral.js';
import { hitIndex } from '../../../src/analysis/hit-index.js';
import { scanRows } from '../../../src/analysis/scan-rows.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { BanEvent, Hit } from '../../../src/types.js';

const T = Date.UTC(2026, 0, 5, 8, 0, 0);
const ok = (id: string, user: string, dt: number): Hit => ({ jail: 0, kind: 'success', id, time: T + dt, user, file: 0, line: dt });

test('banned addresses with successful logins are collateral, with their users', () => {
  const idx = indexSuccesses([
    ok('198.51.100.7', 'frank', 10),
    ok('198.51.100.7', 'frank', 20),
    ok('198.51.100.7', 'grace', 30),
    ok('203.0.113.9', 'olivia', 40),
    { jail: 0, kind: 'failure', id: '192.0.2.1', time: T, user: 'x', file: 0, line: 1 },
  ]);
  const c = findCollateral(['203.0.113.66', '198.51.100.7', '198.51.100.7'], idx);
  assert.deepEqual(c, [{ ip: '198.51.100.7', users: ['frank', 'grace'], logins: 3, firstSuccess: T + 10, lastSuccess: T + 30 }]);
  assert.deepEqual(findCollateral(['192.0.2.1'], idx), [], 'failures are not logins');
});

test('a success line matched by several filters is one login (issue #6)', () => {
  const line = (jail: number): Hit => ({ jail, kind: 'success', id: '198.51.100.7', time: T, user: 'frank', file: 0, line: 9 });
  const idx = indexSuccesses([line(0), line(1), line(2)]);
  assert.equal(idx.byIp.get('198.51.100.7')?.logins, 1);
});

test('describeCollateral adds the bans and counts logins that fell inside one (issue #6)', () => {
  const idx = indexSuccesses([
    ok('198.51.100.7', 'carol', 0), // before the bans
    ok('198.51.100.7', 'carol', 150), // inside the dovecot ban [100, 700)
    ok('198.51.100.7', 'carol', 700), // the end is exclusive
    ok('198.51.100.7', 'carol', 1500), // inside the permanent postfix ban
    ok('203.0.113.9', 'olivia', 40),
  ]);
  const ban = (jail: string, id: string, start: number, end: number | undefined): BanEvent => ({
    jail, id, start: T + start, end: end === undefined ? undefined : T + end, failures: 5, blocked: 0,
  });
  const d = describeCollateral(
    [ban('postfix', '198.51.100.7', 1200, undefined), ban('dovecot', '198.51.100.7', 100, 700), ban('dovecot', '192.0.2.1', 0, 10), ban('dovecot', '203.0.113.9', 0, 10)],
    idx,
    ['dovecot', 'postfix'],
  );
  assert.deepEqual(
    d.map((c) => [c.ip, c.users, c.jails, c.bans, c.firstBan - T, c.lastBan - T, c.logins, c.loginsDuringBan]),
    [
      ['198.51.100.7', ['carol'], ['dovecot', 'postfix'], 2, 100, 1200, 4, 2],
      ['203.0.113.9', ['olivia'], ['dovecot'], 1, 0, 0, 1, 0],
    ],
  );
});

test('issue-4: indexSuccesses on a store; only the addresses asked for get an entry, all logins count', () => {
  const store = HitStore.from([
    ok('198.51.100.7', 'frank', 30),
    ok('203.0.113.9', 'olivia', 40),
    ok('198.51.100.7', 'frank', 10), // out of time order: times still come out ascending
  ]);
  const all = indexSuccesses(store);
  assert.deepEqual([...all.byIp.get('198.51.100.7')!.times].map((t) => t - T), [10, 30]);
  assert.equal(all.logins, 3);
  const only = new Uint8Array(store.ids.size);
  only[store.ids.find('203.0.113.9')] = 1;
  const tally = new SuccessTally(store, only);
  scanRows(store, hitIndex(store).names.isName, { successes: tally });
  const idx = tally.finish();
  assert.deepEqual([...idx.byIp.keys()], ['203.0.113.9']);
  assert.equal(idx.logins, 3);
});
