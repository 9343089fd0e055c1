// bantime.increment in the simulator: the observer's boost for known-bad ids, longer repeat
// bans, overalljails through a shared memory, the fading memory, and the recidive hooks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BanMemory, compileBanTimeIncrement } from '../../../src/jail/ban-time-increment.js';
import { createJailSimulator, type JailParams } from '../../../src/jail/simulate.js';
import type { BanEvent, BanTimeIncrementSpec } from '../../../src/types.js';

const IP = '203.0.113.5';
const S = 1000;
const H = 3600 * S;
const SPEC: BanTimeIncrementSpec = { factor: 1, formula: undefined, multipliers: [], maxtime: undefined, rndtime: undefined, overalljails: false };

function params(over: Partial<JailParams> & { spec?: Partial<BanTimeIncrementSpec>; purgeAge?: number } = {}): JailParams {
  const { spec, purgeAge, ...rest } = over;
  return {
    name: 'j',
    maxretry: 5,
    findtime: 600,
    bantime: 600,
    counting: 'fail2ban',
    whileBanned: 'block',
    memory: new BanMemory(),
    increment: compileBanTimeIncrement({ ...SPEC, ...spec }, purgeAge ?? 86400),
    ...rest,
  };
}

/** Feeds `n` failures 10 s apart from `start` (ms); returns the outcomes. */
function burst(sim: ReturnType<typeof createJailSimulator>, start: number, n: number, id = IP): string[] {
  return Array.from({ length: n }, (_, k) => sim.add(start + k * 10 * S, id));
}

const spans = (bans: BanEvent[]): number[] => bans.map((b) => ((b.end ?? Infinity) - b.start) / S);

test('repeat bans double; a known-bad id needs fewer failures (2, 3, 5 per failure)', () => {
  const sim = createJailSimulator(params({ maxretry: 6 }));
  assert.deepEqual(burst(sim, 0, 6), ['counted', 'counted', 'counted', 'counted', 'counted', 'banned']);
  // banCount 1: each failure counts 2 → 2, 4, 6.
  assert.deepEqual(burst(sim, 1 * H, 3), ['counted', 'counted', 'banned']);
  // banCount 2: each counts 3 → 3, 6.
  assert.deepEqual(burst(sim, 2 * H, 2), ['counted', 'banned']);
  // banCount 3: 5 each → 5; the next failure's own +1 already reaches 6.
  assert.deepEqual(burst(sim, 3 * H, 2), ['counted', 'banned']);
  const r = sim.finish();
  assert.deepEqual(spans(r.bans), [600, 1200, 2400, 4800]);
  assert.deepEqual(r.bans.map((b) => b.failures), [6, 6, 6, 6]);
});

test('maxretry 1 and 2: the boost is capped at maxretry', () => {
  const one = createJailSimulator(params({ maxretry: 1 }));
  burst(one, 0, 1);
  assert.deepEqual(burst(one, H, 1), ['banned']);
  assert.deepEqual(spans(one.finish().bans), [600, 1200]);
  const two = createJailSimulator(params({ maxretry: 2 }));
  burst(two, 0, 2);
  // min(2, maxretry 2) - 1 = +1: the first failure after the ban already bans.
  assert.deepEqual(burst(two, H, 1), ['banned']);
});

test('without the memory row (purged, or a failure not later than the ban) nothing is boosted', () => {
  // dbpurgeage 1h: the first ban (600 s) is forgotten 1h + 3·600 s after it.
  const sim = createJailSimulator(params({ purgeAge: 3600 }));
  burst(sim, 0, 5);
  const start = 40 * S + 3600 * S + 1800 * S + S;
  assert.deepEqual(burst(sim, start, 5), ['counted', 'counted', 'counted', 'counted', 'banned']);
  assert.deepEqual(spans(sim.finish().bans), [600, 600]);
  // Before the purge it is still remembered: 2, 4, then the filter's own 5th.
  const kept = createJailSimulator(params({ purgeAge: 3600 }));
  burst(kept, 0, 5);
  assert.deepEqual(burst(kept, start - 30 * S, 3), ['counted', 'counted', 'banned']);
  // A failure not later than the remembered ban is not boosted (fail2ban: already processed).
  const same = createJailSimulator(params({ maxretry: 2, whileBanned: 'count' }));
  burst(same, 0, 2); // banned at 10 s
  // Same second as the ban: +1 only (with the boost it would be 2 and re-trigger).
  assert.equal(same.add(10 * S, IP), 'counted');
  // One second later the ticket reaches 2 and re-triggers: the ban now ends at 11 s + 600 s.
  assert.equal(same.add(11 * S, IP), 'prolonged');
});

test('permanent and increment: recorded, never lengthened; bantime 0 is not incremented', () => {
  const perm = createJailSimulator(params({ bantime: -1 }));
  burst(perm, 0, 5);
  assert.deepEqual(perm.finish().bans.map((b) => b.end), [undefined]);
  // bantime 0: never lengthened, but the id is still known-bad: 2, 4, 5 → ban; then 3, 6 → ban.
  const zero = createJailSimulator(params({ bantime: 0 }));
  burst(zero, 0, 5);
  assert.deepEqual(burst(zero, H, 5), ['counted', 'counted', 'banned', 'counted', 'banned']);
  assert.deepEqual(spans(zero.finish().bans), [0, 0, 0]);
});

test('overalljails: bans in other jails count, through one shared memory', () => {
  const memory = new BanMemory();
  const a = createJailSimulator(params({ name: 'a', memory, spec: { overalljails: true } }));
  // Jail b has no increment of its own but still records its bans.
  const b = createJailSimulator({ name: 'b', maxretry: 5, findtime: 600, bantime: 600, counting: 'fail2ban', whileBanned: 'block', memory });
  burst(b, 0, 5);
  burst(b, H, 5);
  // a's first ban counts b's row. A jail without increment writes banCount 1 each time
  // (INSERT OR REPLACE), so that is one earlier ban: 600 · 2. No boost: that is per jail.
  assert.deepEqual(burst(a, 2 * H, 5).at(-1), 'banned');
  assert.deepEqual(spans(a.finish().bans), [1200]);
  assert.deepEqual(spans(b.finish().bans), [600, 600]);
  // Without overalljails only the jail's own bans count.
  const memory2 = new BanMemory();
  const c = createJailSimulator(params({ name: 'c', memory: memory2 }));
  const d = createJailSimulator({ name: 'd', maxretry: 5, findtime: 600, bantime: 600, counting: 'fail2ban', whileBanned: 'block', memory: memory2 });
  burst(d, 0, 5);
  burst(c, H, 5);
  assert.deepEqual(spans(c.finish().bans), [600]);
});

test("'count' mode: a prolongation uses the plain bantime and is not a new ban", () => {
  const sim = createJailSimulator(params({ whileBanned: 'count' }));
  burst(sim, 0, 5);
  burst(sim, H, 3); // second ban, 1200 s, at H + 20 s
  // Known bad (banCount 2 now): 3 per failure; the 2nd failure re-triggers at H + 140 s,
  // but H + 140 + 600 is earlier than the incremented end: nothing changes.
  assert.deepEqual(burst(sim, H + 130 * S, 2), ['counted', 'counted']);
  const r = sim.finish();
  assert.equal(r.bans.length, 2);
  // H + 20 + 1200 is later than H + 140 + 600: the end stays.
  assert.equal(r.bans[1]!.end, H + 20 * S + 1200 * S);
  assert.equal(r.prolongations.length, 0);
});

test('window counting: longer repeat bans, but no boost', () => {
  const sim = createJailSimulator(params({ counting: 'window' }));
  burst(sim, 0, 5);
  assert.deepEqual(burst(sim, H, 5), ['counted', 'counted', 'counted', 'counted', 'banned']);
  assert.deepEqual(spans(sim.finish().bans), [600, 1200]);
});

test('onBan sees each new ban; absorb() blocks attempts while a ban runs', () => {
  const seen: string[] = [];
  const sim = createJailSimulator({
    name: 'r', maxretry: 1, findtime: 600, bantime: 600, counting: 'fail2ban', whileBanned: 'block',
    onBan: (b) => seen.push(`${b.id}@${b.start / S}`),
  });
  assert.equal(sim.absorb(0, IP), false);
  sim.add(100 * S, IP);
  sim.add(200 * S, IP); // blocked, no new ban
  assert.deepEqual(seen, [`${IP}@100`]);
  assert.equal(sim.absorb(700 * S, IP), true);
  assert.equal(sim.absorb(700 * S, '198.51.100.1'), false);
  assert.equal(sim.absorb(701 * S, IP), false);
  const r = sim.finish();
  assert.equal(r.bans[0]!.blocked, 2);
  assert.deepEqual(r.tallies.get(IP), { counted: 1, blocked: 2, ignored: 0, bans: 1, duringBan: 2 });
});
