// Jail arithmetic at its edges (semantics §7.3–7.6, §10 items 2, 3, 7). Every expected
// value is hand-computed from fail2ban 1.0.2's FailManager/BanManager rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createJailSimulator, simulateJail } from '../../../src/jail/simulate.js';
import type { JailParams, Outcome } from '../../../src/jail/simulate.js';

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const at = (seconds: number): number => T0 + seconds * 1000;
const IP = '192.0.2.1';

function params(over: Partial<JailParams> = {}): JailParams {
  return { name: 'test', maxretry: 5, findtime: 600, bantime: 600, counting: 'fail2ban', whileBanned: 'block', ...over };
}

/** Feeds one id's failures at the given seconds; returns outcomes and the result. */
function feed(p: JailParams, seconds: number[], id = IP) {
  const sim = createJailSimulator(p);
  const outcomes: Outcome[] = seconds.map((s) => sim.add(at(s), id));
  return { outcomes, result: sim.finish(), sim };
}

const banStarts = (r: { result: { bans: { start: number }[] } }): number[] => r.result.bans.map((b) => (b.start - T0) / 1000);
const series = (step: number, n: number): number[] => Array.from({ length: n }, (_, i) => i * step);

test('§7.4 row 1: every 150 s bans at t = 600 with retry 5', () => {
  const r = feed(params(), series(150, 5));
  assert.deepEqual(r.outcomes, ['counted', 'counted', 'counted', 'counted', 'banned']);
  assert.equal(r.result.bans.length, 1);
  const ban = r.result.bans[0]!;
  assert.deepEqual(ban, { jail: 'test', id: IP, start: at(600), end: at(1200), failures: 5, blocked: 0 });
});

test('§7.4 row 2: every 200 s never bans (rescaling keeps retry at 4)', () => {
  // A count "since the first failure" would reach 5 at t = 800.
  const r = feed(params(), series(200, 12));
  assert.equal(r.result.bans.length, 0);
  assert.ok(r.outcomes.every((o) => o === 'counted'));
  assert.equal(r.result.tallies.get(IP)?.counted, 12);
});

test('§7.4 row 3: cleanup at 1003 drops the ticket, so counting restarts at 1', () => {
  // With cleanup: 1,2,3,4 then 1,2,3,4,5 → ban at 1007. Without cleanup the ticket would
  // survive (3, 4, 5 …) and ban at 1005.
  const r = feed(params(), [0, 1, 2, 3, 1003, 1004, 1005, 1006, 1007]);
  assert.deepEqual(banStarts(r), [1007]);
  assert.equal(r.outcomes.indexOf('banned'), 8);
});

test('§7.4 row 4: every 120 s ×12 bans at 480 and 1080 (counter restarts after a ban)', () => {
  // bantime 60 so the first ban is over before the second ticket fills up.
  for (const whileBanned of ['block', 'count'] as const) {
    const r = feed(params({ bantime: 60, whileBanned }), series(120, 12));
    assert.deepEqual(banStarts(r), [480, 1080], whileBanned);
    assert.deepEqual(r.result.bans.map((b) => b.failures), [5, 5]);
    assert.equal(r.result.tallies.get(IP)?.bans, 2);
  }
});

test('window mode on the 150 s series never bans (at most 4 failures in (t − 600, t])', () => {
  const r = feed(params({ counting: 'window' }), series(150, 10));
  assert.equal(r.result.bans.length, 0);
  // The same series in fail2ban mode bans: the modes really differ.
  assert.equal(feed(params(), series(150, 10)).result.bans.length, 1);
});

test('window mode bans on maxretry failures inside the window and restarts after a ban', () => {
  // 0,100,200 → ban at 200 (ends 260). Without the reset 300 would ban again at once;
  // with it 300,400,500 form a fresh window and ban at 500.
  const r = feed(params({ counting: 'window', maxretry: 3, bantime: 60 }), series(100, 6));
  assert.deepEqual(banStarts(r), [200, 500]);
  assert.deepEqual(r.outcomes, ['counted', 'counted', 'banned', 'counted', 'counted', 'banned']);
});

test('window mode treats a span of exactly findtime as outside the window', () => {
  // (600 − 600, 600] excludes t = 0, whereas fail2ban does not rescale a span equal to findtime.
  assert.equal(feed(params({ counting: 'window', maxretry: 3 }), [0, 300, 600]).result.bans.length, 0);
  assert.deepEqual(banStarts(feed(params({ maxretry: 3 }), [0, 300, 600])), [600]);
});

test('window mode with out-of-order lines: old times fall outside the window, the ring stays sorted', () => {
  // 100 arrives after 1001: (401, 1001] excludes it, so only 2 failures are in the window.
  assert.equal(feed(params({ counting: 'window', maxretry: 3 }), [1000, 1001, 100]).result.bans.length, 0);
  // 0, 500, late 100, then 800: the window (200, 800] holds 500 and 800 only, 801 makes 3 (< 4).
  // A ring left unsorted would still hold 100 behind 500 and ban at 801.
  assert.equal(feed(params({ counting: 'window', maxretry: 4 }), [0, 500, 100, 800, 801]).result.bans.length, 0);
  assert.deepEqual(banStarts(feed(params({ counting: 'window', maxretry: 4 }), [0, 500, 100, 800, 801, 802])), [802]);
});

test('the clock is the latest time seen: an earlier line after the unban is not blocked', () => {
  // a is banned 0..600; b's line at 700 moves the clock past the end, so a's late line
  // at 590 finds a unbanned (fail2ban would have lifted the ban by then) and bans anew.
  // (findtime 1 day keeps the state sweeper out of it: this is the lazy unban path.)
  const sim = createJailSimulator(params({ maxretry: 1, findtime: 86400 }));
  assert.equal(sim.add(at(0), 'a'), 'banned');
  assert.equal(sim.add(at(700), 'b'), 'banned');
  assert.equal(sim.add(at(590), 'a'), 'banned');
  assert.deepEqual(sim.finish().bans.map((b) => [b.id, (b.start - T0) / 1000]), [['a', 0], ['a', 590], ['b', 700]]);
});

test('a gap of exactly findtime starts a fresh ticket; one second less keeps it', () => {
  assert.equal(feed(params({ maxretry: 3 }), [0, 1, 601]).result.bans.length, 0);
  assert.deepEqual(banStarts(feed(params({ maxretry: 3 }), [0, 1, 600])), [600]);
  // Exactly findtime between every failure: each one is alone.
  assert.equal(feed(params({ maxretry: 2 }), [0, 600, 1200, 1800]).result.bans.length, 0);
});

test('adjustTime rounds half to even: round(3/768·640) = round(2.5) = 2, not 3', () => {
  // findtime 640, maxretry 4: at 768 the ticket spans 768 s > 640, retry 3 becomes
  // round(2.5) + 1 = 3 (no ban). Math.round would give 3 + 1 = 4 and ban at 768.
  assert.equal((3 / 768) * 640, 2.5);
  assert.equal(Math.round((3 / 768) * 640) + 1, 4);
  const p = params({ findtime: 640, maxretry: 4 });
  const r = feed(p, [0, 300, 600, 768]);
  assert.equal(r.result.bans.length, 0);
  // Next second: firstTime is 128, span 641, round(3/641·640) = 3, +1 = 4 → ban.
  assert.deepEqual(banStarts(feed(p, [0, 300, 600, 768, 769])), [769]);
});

test('out-of-order times do not move lastTime (fail2ban adjustTime)', () => {
  // Ticket keeps lastTime 500 after the late 100, so at 700 it survives cleanup
  // (500 > 100) and retry = round(3/700·600) + 1 = 4 → ban, starting at lastTime 700.
  const r = feed(params({ maxretry: 4 }), [0, 500, 100, 700]);
  assert.deepEqual(banStarts(r), [700]);
  // A late failure that triggers starts the ban at the ticket's lastTime, not its own time.
  assert.deepEqual(banStarts(feed(params({ maxretry: 3 }), [0, 500, 100])), [500]);
});

test('failures during a ban are blocked (tallied on the ban), counting is fresh after expiry', () => {
  // maxretry 3: ban at 20 (end 620). 100, 300, 620 blocked (620 = end is still inside);
  // 621 and 622 count 1 and 2 (fresh ticket, no carry-over), 623 bans again.
  const r = feed(params({ maxretry: 3 }), [0, 10, 20, 100, 300, 620, 621, 622, 623]);
  assert.deepEqual(r.outcomes, ['counted', 'counted', 'banned', 'blocked', 'blocked', 'blocked', 'counted', 'counted', 'banned']);
  assert.deepEqual(r.result.bans.map((b) => [b.start, b.end, b.blocked]), [
    [at(20), at(620), 3],
    [at(623), at(1223), 0],
  ]);
  assert.deepEqual(r.result.tallies.get(IP), { counted: 6, blocked: 3, ignored: 0, bans: 2, duringBan: 3 });
});

test('bantime 0 still blocks a failure in the same second as the ban', () => {
  const r = feed(params({ maxretry: 1, bantime: 0 }), [5, 5, 6]);
  assert.deepEqual(r.outcomes, ['banned', 'blocked', 'banned']);
  assert.deepEqual(r.result.bans.map((b) => b.end), [at(5), at(6)]);
});

test('bantime -1 is permanent: no end, everything later is blocked', () => {
  const tenYears = 10 * 365 * 86400;
  const r = feed(params({ maxretry: 2, bantime: -1 }), [0, 1, 2, tenYears]);
  assert.deepEqual(r.outcomes, ['counted', 'banned', 'blocked', 'blocked']);
  assert.equal(r.result.bans.length, 1);
  assert.equal(r.result.bans[0]!.end, undefined);
  assert.equal(r.result.bans[0]!.blocked, 2);
  assert.equal(r.sim.liveStates(), 1);
});

test('bantime -2 discards every ban as already expired and still resets the counter', () => {
  // Triggers at 1 and 3 (counter reset each time), no ban recorded, nothing blocked.
  const r = feed(params({ maxretry: 2, bantime: -2 }), [0, 1, 2, 3]);
  assert.deepEqual(r.outcomes, ['counted', 'counted', 'counted', 'counted']);
  assert.equal(r.result.bans.length, 0);
  assert.deepEqual(r.result.tallies.get(IP), { counted: 4, blocked: 0, ignored: 0, bans: 0, duringBan: 0 });
});

test('maxretry 1 and 0 ban on the first failure', () => {
  for (const maxretry of [1, 0]) {
    const r = feed(params({ maxretry, bantime: 10 }), [0, 5, 10, 11, 30]);
    assert.deepEqual(r.outcomes, ['banned', 'blocked', 'blocked', 'banned', 'banned'], `maxretry ${maxretry}`);
    assert.deepEqual(r.result.bans.map((b) => b.failures), [1, 1, 1]);
  }
  const w = feed(params({ maxretry: 1, counting: 'window', bantime: 10 }), [0, 11]);
  assert.deepEqual(w.outcomes, ['banned', 'banned']);
});

test("whileBanned 'count': a second ticket at 1300 moves the end of the 1000 ban to 1900", () => {
  const p = params({ maxretry: 3, whileBanned: 'count' });
  const r = feed(p, [990, 995, 1000, 1100, 1200, 1300, 1900, 1901]);
  assert.deepEqual(r.outcomes, ['counted', 'counted', 'banned', 'counted', 'counted', 'prolonged', 'counted', 'counted']);
  assert.equal(r.result.bans.length, 1);
  const ban = r.result.bans[0]!;
  assert.equal(ban.start, at(1000));
  assert.equal(ban.end, at(1900));
  // 1100, 1200, 1300 and 1900 (= the new end) arrived while banned.
  assert.equal(ban.blocked, 4);
  assert.deepEqual(r.result.prolongations, [{ id: IP, banStart: at(1000), time: at(1300), previousEnd: at(1600), end: at(1900) }]);
  assert.deepEqual(r.result.tallies.get(IP), { counted: 8, blocked: 0, ignored: 0, bans: 1, duringBan: 4 });
});

test("whileBanned 'count': the ticket started during the ban carries over after it ends", () => {
  // Ban at 2 ends at 12; 5 and 6 count 1, 2 into a new ticket; 13 (after the end) makes 3 → new ban.
  // In 'block' mode 5 and 6 are blocked and 13 is only the first failure of a fresh ticket.
  const times = [0, 1, 2, 5, 6, 13];
  const counted = feed(params({ maxretry: 3, bantime: 10, whileBanned: 'count' }), times);
  assert.deepEqual(banStarts(counted), [2, 13]);
  const blocked = feed(params({ maxretry: 3, bantime: 10, whileBanned: 'block' }), times);
  assert.deepEqual(banStarts(blocked), [2]);
});

test("whileBanned 'count': a re-trigger that would not lengthen the ban changes nothing", () => {
  const r = feed(params({ maxretry: 2, bantime: -1, whileBanned: 'count' }), [0, 1, 2, 3]);
  assert.deepEqual(r.outcomes, ['counted', 'banned', 'counted', 'counted']);
  assert.equal(r.result.bans[0]!.end, undefined);
  assert.deepEqual(r.result.prolongations, []);
});

test('ids are counted independently and ignored ids are never counted or blocked', () => {
  let asked = 0;
  const p = params({
    maxretry: 2,
    ignore: (id) => {
      asked++;
      return id === '198.51.100.9';
    },
  });
  const sim = createJailSimulator(p);
  const outcomes = [
    sim.add(at(0), '192.0.2.1'),
    sim.add(at(1), '198.51.100.9'),
    sim.add(at(2), '192.0.2.2'),
    sim.add(at(3), '198.51.100.9'),
    sim.add(at(4), '192.0.2.1'),
    sim.add(at(5), '198.51.100.9'),
  ];
  assert.deepEqual(outcomes, ['counted', 'ignored', 'counted', 'ignored', 'banned', 'ignored']);
  assert.equal(asked, 3); // once per distinct id
  const res = sim.finish();
  assert.deepEqual(res.bans.map((b) => b.id), ['192.0.2.1']);
  assert.deepEqual(res.tallies.get('198.51.100.9'), { counted: 0, blocked: 0, ignored: 3, bans: 0, duringBan: 0 });
  assert.deepEqual(res.tallies.get('192.0.2.2'), { counted: 1, blocked: 0, ignored: 0, bans: 0, duringBan: 0 });
});

test('simulateJail returns bans in start order', () => {
  // b's ban is created after a's (its lines come late) but starts earlier.
  const late = simulateJail(params({ maxretry: 2 }), [
    { time: at(0), id: 'a' },
    { time: at(20), id: 'a' },
    { time: at(5), id: 'b' },
    { time: at(6), id: 'b' },
  ]);
  assert.deepEqual(late.bans.map((b) => [b.id, (b.start - T0) / 1000]), [['b', 6], ['a', 20]]);
});

test('invalid parameters and times are rejected', () => {
  assert.throws(() => createJailSimulator(params({ findtime: Number.NaN })), RangeError);
  assert.throws(() => createJailSimulator(params({ counting: 'nope' as never })), RangeError);
  assert.throws(() => createJailSimulator(params({ counting: 'window', maxretry: 1e6 })), RangeError);
  assert.throws(() => createJailSimulator(params()).add(Number.NaN, IP), RangeError);
});

test('issue-4: finish() tallies are a snapshot, built once when read, for coded and text ids alike', () => {
  const codes = ['198.51.100.1', '198.51.100.2'];
  const sim = createJailSimulator(params({ maxretry: 2, codes }));
  sim.addCoded(at(0), 0);
  sim.add(at(1), '203.0.113.5'); // known by its text only
  sim.addCoded(at(2), 0); // 2nd failure: banned
  sim.addCoded(at(3), 0); // blocked
  const r = sim.finish();
  // Fed after finish(): the earlier result does not move.
  sim.addCoded(at(4), 1);
  sim.add(at(5), '203.0.113.5');
  const tallies = r.tallies;
  assert.equal(r.tallies, tallies, 'built once');
  assert.deepEqual([...tallies], [
    ['198.51.100.1', { counted: 2, blocked: 1, ignored: 0, bans: 1, duringBan: 1 }],
    ['203.0.113.5', { counted: 1, blocked: 0, ignored: 0, bans: 0, duringBan: 0 }],
  ]);
  // A plain data property to whoever copies the result.
  assert.deepEqual(structuredClone(r).tallies, tallies);
  assert.ok(Object.keys(r).includes('tallies'));
  assert.deepEqual([...sim.finish().tallies.keys()], ['198.51.100.1', '203.0.113.5', '198.51.100.2']);
});
