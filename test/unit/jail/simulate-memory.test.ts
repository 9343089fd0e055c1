// Bounded per-id state: slots are evicted once log time passes their findtime and ban
// windows, and eviction never changes a result (checked against a naive reference model).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createJailSimulator } from '../../../src/jail/simulate.js';
import type { JailParams, Outcome } from '../../../src/jail/simulate.js';
import { roundHalfEven } from '../../../src/jail/round-half-even.js';
import type { BanEvent } from '../../../src/types.js';
import { mulberry32 as prng } from '../../support/mulberry32.js';

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);

test('1e6 distinct ids spread over time keep live state bounded', () => {
  // One failure per second from a new id, every 10th id fails three times and is banned
  // for an hour: live state must track the last ~2 findtimes plus the active bans
  // (~600 + 360 + sweep slack), not the million ids seen.
  const sim = createJailSimulator({ name: 'mem', maxretry: 3, findtime: 600, bantime: 3600, counting: 'fail2ban', whileBanned: 'block' });
  let peak = 0;
  let bans = 0;
  const n = 1_000_000;
  for (let i = 0; i < n; i++) {
    const id = `id${i}`;
    const t = T0 + i * 1000;
    const repeats = i % 10 === 0 ? 3 : 1;
    for (let k = 0; k < repeats; k++) if (sim.add(t, id) === 'banned') bans++;
    const live = sim.liveStates();
    if (live > peak) peak = live;
  }
  assert.equal(bans, n / 10);
  assert.ok(peak < 3000, `peak live states ${peak}`);
  assert.ok(peak > 600, `peak ${peak}: ids inside findtime must stay live`);
  const res = sim.finish();
  assert.equal(res.tallies.size, n);
  assert.equal(res.bans.length, n / 10);
});

test('an evicted id comes back with a fresh counter', () => {
  const sim = createJailSimulator({ name: 'mem', maxretry: 2, findtime: 60, bantime: 60, counting: 'fail2ban', whileBanned: 'block' });
  sim.add(T0, 'a');
  // Push log time far ahead with other ids so 'a' is swept.
  for (let i = 1; i <= 100; i++) sim.add(T0 + i * 10_000, `x${i}`);
  assert.ok(sim.liveStates() < 20);
  assert.equal(sim.add(T0 + 1_001_000, 'a'), 'counted');
  assert.equal(sim.add(T0 + 1_002_000, 'a'), 'banned');
  assert.deepEqual(sim.finish().tallies.get('a'), { counted: 3, blocked: 0, ignored: 0, bans: 1, duringBan: 0 });
});

/** Straightforward model of §7.3–7.5 with one object per id and no eviction. */
function reference(p: JailParams, failures: Array<[number, string]>): { outcomes: Outcome[]; bans: BanEvent[] } {
  interface State { first: number; last: number; retry: number; times: number[]; ban: BanEvent | undefined; banEnd: number }
  const states = new Map<string, State>();
  const bans: BanEvent[] = [];
  const outcomes: Outcome[] = [];
  const F = p.findtime * 1000;
  for (const [t, id] of failures) {
    let s = states.get(id);
    if (s === undefined) states.set(id, (s = { first: 0, last: 0, retry: 0, times: [], ban: undefined, banEnd: 0 }));
    let active = false;
    if (s.ban !== undefined && t <= s.banEnd) {
      s.ban.blocked++;
      if (p.whileBanned === 'block') {
        outcomes.push('blocked');
        continue;
      }
      active = true;
    }
    let hit = 0;
    if (p.counting === 'window') {
      s.times = s.times.filter((x) => x > t - F);
      s.times.push(t);
      if (s.times.length >= p.maxretry) {
        hit = s.times.length;
        s.times = [];
      }
    } else {
      if (s.retry > 0 && s.last <= t - F) s.retry = 0;
      if (s.retry === 0) {
        s.first = s.last = t;
        s.retry = 1;
      } else {
        if (t > s.last) {
          if (s.first < t - F) {
            s.retry = roundHalfEven((s.retry / ((t - s.first) / 1000)) * p.findtime);
            s.first = t - F;
          }
          s.last = t;
        }
        s.retry++;
      }
      if (s.retry >= p.maxretry) {
        hit = s.retry;
        s.retry = 0;
      }
    }
    if (hit === 0) {
      outcomes.push('counted');
      continue;
    }
    const end = p.bantime === -1 ? Infinity : t + p.bantime * 1000;
    if (end < t) outcomes.push('counted');
    else if (active) {
      if (end > s.banEnd) {
        s.banEnd = end;
        s.ban!.end = end;
        outcomes.push('prolonged');
      } else outcomes.push('counted');
    } else {
      s.ban = { jail: p.name, id, start: t, end: end === Infinity ? undefined : end, failures: hit, blocked: 0 };
      s.banEnd = end;
      bans.push(s.ban);
      outcomes.push('banned');
    }
  }
  return { outcomes, bans };
}


test('eviction never changes outcomes or bans (random bursts vs the reference model)', () => {
  const rand = prng(20240101);
  const failures: Array<[number, string]> = [];
  let t = T0;
  for (let i = 0; i < 40_000; i++) {
    // Mostly short gaps with occasional long quiet periods, so tickets, rescaling,
    // cleanup, bans and evictions all happen; whole seconds as in syslog stamps.
    t += rand() < 0.02 ? Math.floor(rand() * 2000) * 1000 : Math.floor(rand() * 4) * 1000;
    failures.push([t, `198.51.100.${Math.floor(rand() * rand() * 200)}`]);
  }
  const grid: Array<Partial<JailParams>> = [
    { counting: 'fail2ban', whileBanned: 'block' },
    { counting: 'fail2ban', whileBanned: 'count' },
    { counting: 'window', whileBanned: 'block' },
    { counting: 'window', whileBanned: 'count' },
    { counting: 'fail2ban', whileBanned: 'count', bantime: -1 },
    { counting: 'fail2ban', whileBanned: 'block', maxretry: 3, findtime: 60, bantime: 30 },
  ];
  for (const over of grid) {
    const p: JailParams = { name: 'x', maxretry: 5, findtime: 600, bantime: 120, counting: 'fail2ban', whileBanned: 'block', ...over };
    const sim = createJailSimulator(p);
    const outcomes = failures.map(([time, id]) => sim.add(time, id));
    const want = reference(p, failures);
    const label = JSON.stringify(over);
    assert.deepEqual(outcomes, want.outcomes, label);
    assert.deepEqual(sim.finish().bans, want.bans, label);
    assert.ok(want.bans.length > 10, `${label}: the data must exercise bans`);
  }
});
