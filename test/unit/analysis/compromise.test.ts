// Tests for possible compromises (issue #6): which successful logins after failures are
// flagged, and which (the user's own device, a typo, a known address) are not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BURST_WINDOW_MS, findCompromises } from '../../../src/analysis/compromise.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { BanEvent, Hit } from '../../../src/types.js';

const T = Date.UTC(2026, 2, 1, 0, 0, 0);
let line = 0;
const fail = (id: string, user: string | undefined, dt: number): Hit => ({ jail: 0, kind: 'failure', id, time: T + dt, user, file: 0, line: ++line });
const ok = (id: string, user: string, dt: number): Hit => ({ jail: 1, kind: 'success', id, time: T + dt, user, file: 0, line: ++line });
const byTime = (hits: Hit[]): HitStore => HitStore.from(hits.sort((a, b) => a.time - b.time));

test('an address that tried other accounts and then logs in is flagged, once per account and address', () => {
  const hits = byTime([
    fail('203.0.113.200', 'root', 0),
    fail('203.0.113.200', 'test', 60_000),
    fail('203.0.113.200', 'Dave@example.org', 120_000),
    ok('203.0.113.200', 'dave@example.org', 300_000),
    ok('203.0.113.200', 'dave@example.org', 900_000),
  ]);
  const ban: BanEvent = { jail: 'x', id: '203.0.113.200', start: T + 200_000, end: T + 400_000, failures: 3, blocked: 0 };
  const found = findCompromises(hits, [ban]);
  assert.equal(found.length, 1);
  const c = found[0]!;
  assert.deepEqual([c.user, c.ip, c.time - T, c.logins, c.lastLogin - T], ['dave@example.org', '203.0.113.200', 300_000, 2, 900_000]);
  assert.deepEqual(c.reasons, ['failed-other-accounts']);
  assert.equal(c.priorFailures, 3);
  assert.deepEqual(c.priorUsers, ['dave@example.org', 'root', 'test']);
  assert.deepEqual([c.banned, c.duringBan], [true, true]);
});

test('repeated failures on the same account from a new address are flagged; a typo is not', () => {
  const hits = byTime([
    fail('198.51.100.9', 'erin', 0),
    fail('198.51.100.9', 'erin', 10_000),
    fail('198.51.100.9', 'erin', 20_000),
    ok('198.51.100.9', 'erin@example.org', 30_000),
    fail('192.0.2.44', 'frank', 0),
    ok('192.0.2.44', 'frank', 5_000),
  ]);
  assert.deepEqual(
    findCompromises(hits, []).map((c) => [c.user, c.reasons]),
    [['erin@example.org', ['failed-this-account']]],
  );
});

test("the user's own device (logged in before it ever failed) is not flagged: a broken client", () => {
  const hits = byTime([
    ok('198.51.100.20', 'carol', 0),
    ...Array.from({ length: 8 }, (_, i) => fail('198.51.100.20', 'carol', 3_600_000 + i * 60_000)),
    ok('198.51.100.20', 'carol', 7_200_000),
  ]);
  assert.deepEqual(findCompromises(hits, []), []);
});

test('a login after a burst on the account from other addresses is flagged when the address is new', () => {
  const burst = Array.from({ length: 6 }, (_, i) => fail(`192.0.2.${i + 1}`, 'grace', i * 60_000));
  const hits = byTime([
    ok('198.51.100.50', 'grace', -60_000), // her usual address, known before the burst
    ...burst,
    ok('198.51.100.50', 'grace', 600_000),
    ok('203.0.113.77', 'grace', 700_000),
    // Outside the window the burst no longer counts.
    ok('203.0.113.78', 'grace', 360_000 + BURST_WINDOW_MS),
  ]);
  const found = findCompromises(hits, []);
  assert.deepEqual(
    found.map((c) => [c.ip, c.reasons, c.burstFailures, c.burstIps, c.priorFailures]),
    [['203.0.113.77', ['after-burst'], 6, 6, 0]],
  );
});

test('logins without a username and SASL prompts are ignored', () => {
  const hits = byTime([
    fail('203.0.113.5', 'UGFzc3dvcmQ6', 0),
    fail('203.0.113.5', undefined, 1),
    fail('203.0.113.5', 'a', 2),
    fail('203.0.113.5', 'b', 3),
    ok('203.0.113.5', '', 10),
  ]);
  assert.deepEqual(findCompromises(hits, []), []);
});
