// The simulation phase across jails: recidive fed by the other jails' bans, blocking across
// jails while a recidive ban runs, and the shared ban memory of bantime.increment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileBanTimeIncrement } from '../../../src/jail/ban-time-increment.js';
import type { PlannedJail } from '../../../src/pipeline/replay.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import { simulateJails as simulateStore } from '../../../src/pipeline/simulate-jails.js';
import type { Hit, JailSpec } from '../../../src/types.js';

const S = 1000;
const H = 3600 * S;
const IP = '203.0.113.5';

function jail(name: string, over: Partial<JailSpec> = {}, extra: Partial<PlannedJail> = {}): PlannedJail {
  const spec: JailSpec = {
    name, enabled: true, filter: name, maxretry: 5, findtime: 600, bantime: 600, ignoreip: [], logpath: [],
    logtimezone: undefined, datepattern: undefined, filterOverrides: {}, source: 'jail.conf', ...over,
  };
  return { spec, ignore: undefined, ...extra };
}

function hits(jailIndex: number, times: number[], id = IP): Hit[] {
  return times.map((time, i) => ({ jail: jailIndex, kind: 'failure', id, time, user: undefined, file: 0, line: i + 1 }));
}

const merged = (...lists: Hit[][]): Hit[] => lists.flat().sort((a, b) => a.time - b.time);
// The results plus the outcome column read back as outcome names.
function simulateJails(all: Hit[], jails: PlannedJail[], opts: Parameters<typeof simulateStore>[2]) {
  const store = HitStore.from(all);
  const results = simulateStore(store, jails, opts);
  return { results, outcomes: store.outcomes() };
}
const burst = (start: number, n = 5): number[] => Array.from({ length: n }, (_, k) => start + k * 10 * S);

test('recidive gets one failure per ban of the other jails, at the ban start', () => {
  const jails = [jail('dovecot'), jail('postfix-sasl'), jail('recidive', { maxretry: 3, findtime: 86400, bantime: 604800 }, { recidive: true })];
  const all = merged(hits(0, burst(0)), hits(1, burst(H)), hits(0, burst(2 * H)), hits(0, burst(4 * H)));
  const r = simulateJails(all, jails, { counting: 'fail2ban', whileBanned: 'block' });
  assert.deepEqual(r.results.map((x) => x.bans.length), [2, 1, 1]);
  const rec = r.results[2]!.bans[0]!;
  // The third ban (dovecot at 2 h + 40 s) makes three in a day.
  assert.equal(rec.start, 2 * H + 40 * S);
  assert.equal(rec.failures, 3);
  // While it runs (a week, every port), the 4 h burst never reaches dovecot.
  assert.deepEqual(r.outcomes.slice(15), ['blocked', 'blocked', 'blocked', 'blocked', 'blocked']);
  assert.equal(rec.blocked, 5);
  assert.equal(r.results[0]!.bans.length, 2);
});

test("'count' mode: recidive blocks nothing across jails; its own bans are not fed back", () => {
  const jails = [jail('dovecot'), jail('recidive', { maxretry: 2, findtime: 86400, bantime: 604800 }, { recidive: true })];
  const all = merged(hits(0, burst(0)), hits(0, burst(H)), hits(0, burst(2 * H)));
  const r = simulateJails(all, jails, { counting: 'fail2ban', whileBanned: 'count' });
  assert.equal(r.results[0]!.bans.length, 3);
  assert.deepEqual(r.results[1]!.bans.map((b) => b.start), [H + 40 * S]);
  // The third dovecot ban is one more failure for the banned id: counted during the ban.
  assert.equal(r.results[1]!.bans[0]!.blocked, 1);
});

test('a recidive jail ignores log hits of its own; other ids are not blocked', () => {
  const jails = [jail('dovecot', { maxretry: 1 }), jail('recidive', { maxretry: 1, bantime: 3600 }, { recidive: true })];
  const all = merged(hits(1, [5 * S], '198.51.100.1'), hits(0, [10 * S]), hits(0, [20 * S], '198.51.100.2'));
  const r = simulateJails(all, jails, { counting: 'fail2ban', whileBanned: 'block' });
  assert.deepEqual([...r.outcomes], [undefined, 'banned', 'banned']);
  assert.deepEqual(r.results[1]!.bans.map((b) => b.id), [IP, '198.51.100.2']);
});

test('the ban memory is shared only when some jail increments', () => {
  const inc = compileBanTimeIncrement({ factor: 1, formula: undefined, multipliers: [], maxtime: undefined, rndtime: undefined, overalljails: true }, 86400);
  const jails = [jail('a'), jail('b', {}, { increment: inc })];
  const all = merged(hits(0, burst(0)), hits(1, burst(H)));
  const r = simulateJails(all, jails, { counting: 'fail2ban', whileBanned: 'block' });
  const b = r.results[1]!.bans[0]!;
  // b's first ban counts a's earlier one (overalljails): 1200 s. The boost is per jail: none.
  assert.equal(b.start, H + 40 * S);
  assert.equal((b.end ?? 0) - b.start, 1200 * S);
});
