// `tune` grid evaluation (issue 7) on hand-built failure streams. Every expected figure is
// computed by hand from fail2ban's counting (semantics §7.3–7.5); the comments show the work.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTuneReport, gridSettings, tuneJails as tuneStore, type TuneGrid, type TuneJail, type TuneRow } from '../../../src/analysis/tune.js';
import { compileBanTimeIncrement } from '../../../src/jail/ban-time-increment.js';
import { createIgnoreMatcher } from '../../../src/jail/ignore-ip.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { PlannedJail } from '../../../src/pipeline/replay.js';
import { simulateJails as simulateStore } from '../../../src/pipeline/simulate-jails.js';
import type { FileStats, Hit, JailSpec } from '../../../src/types.js';
import { makeJailSpec } from '../../support/jail-spec.js';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const at = (s: number): number => T0 + s * 1000;
const A = '192.0.2.1';
const B = '198.51.100.2';
const C = '203.0.113.3';
const D = '192.0.2.4';
const U = '198.51.100.77';

let line = 0;
const fail = (id: string, s: number, jail = 0): Hit => ({ jail, kind: 'failure', id, time: at(s), user: undefined, file: 0, line: ++line });
const ok = (id: string, s: number, user: string, jail = 0): Hit => ({ jail, kind: 'success', id, time: at(s), user, file: 0, line: ++line });
const byTime = (hits: Hit[]): Hit[] => [...hits].sort((a, b) => a.time - b.time);
const series = (id: string, from: number, step: number, n: number): Hit[] => Array.from({ length: n }, (_, i) => fail(id, from + i * step));

function spec(over: Partial<JailSpec> = {}): JailSpec {
  return makeJailSpec('test', over);
}

function planned(over: Partial<JailSpec> = {}): PlannedJail {
  const s = spec(over);
  const m = createIgnoreMatcher(s.ignoreip);
  return { spec: s, ignore: s.ignoreip.length > 0 ? (id: string) => m.matches(id) : undefined };
}

// The streams are built as hit objects; the analysis reads them as a store.
const tuneJails = (hits: Hit[], ...rest: Parameters<typeof tuneStore> extends [unknown, ...infer R] ? R : never): TuneJail[] =>
  tuneStore(HitStore.from(hits), ...rest);
const simulateJails = (hits: Hit[], jails: readonly PlannedJail[], opts: Parameters<typeof simulateStore>[2]) => ({
  results: simulateStore(HitStore.from(hits), jails, opts),
});

const grid = (over: Partial<TuneGrid>): TuneGrid => ({ maxretry: [5], findtime: [600], bantime: [600], increment: [false], ...over });
const key = (r: TuneRow): string => `${r.setting.maxretry}/${r.setting.findtime}/${r.setting.bantime}`;
const only = (jails: TuneJail[]): TuneJail => {
  assert.equal(jails.length, 1);
  return jails[0]!;
};

// A: every 150 s from 0 (5 failures); B: 3 failures 10 s apart, and bob logs in from B;
// D: a burst of 8 failures 10 s apart; C: one failure.
function stream(): Hit[] {
  return byTime([
    ...series(A, 0, 150, 5),
    ...series(B, 1000, 10, 3),
    ok(B, 2000, 'bob'),
    ...series(D, 3000, 10, 8),
    fail(C, 5000),
  ]);
}

test('hand-computed grid: maxretry 3/5 × bantime 10m/1h', () => {
  const jail = only(tuneJails(stream(), [planned()], { grid: grid({ maxretry: [3, 5], bantime: [600, 3600] }), counting: 'fail2ban', whileBanned: 'block' }));
  assert.equal(jail.failures, 17);
  assert.equal(jail.ignored, 0);
  assert.equal(jail.addresses, 4);
  // Recommendation order: fewest users hit, most blocked, shorter bantime.
  assert.deepEqual(jail.rows.map(key), ['5/600/600', '5/600/3600', '3/600/600', '3/600/3600']);

  // maxretry 5: A reaches 5 at t=600 (span exactly findtime: no rescale) → banned, nothing after.
  // D reaches 5 at 3040 → banned until 3640: 3050, 3060, 3070 blocked. B (3) and C (1) never.
  const r5 = jail.rows[0]!;
  assert.deepEqual(
    {
      banned: r5.addressesBanned,
      bans: r5.banEvents,
      blocked: r5.blocked,
      never: r5.neverBanned,
      users: r5.usersHit,
      collateral: r5.collateralIds,
      longest: r5.longestUnbanned,
    },
    { banned: 2, bans: 2, blocked: 3, never: 2, users: [], collateral: [], longest: { id: B, failures: 3, first: at(1000), last: at(1020) } },
  );
  assert.equal(r5.blockedShare, 3 / 17);
  assert.equal(r5.current, true, '5/10m/10m is the configured setting');
  assert.equal(jail.rows[1]!.current, false);

  // maxretry 3: A banned at 300 (450, 600 blocked); B banned at 1020 (bob is hit);
  // D banned at 3020 (3030..3070 blocked: 5). Only C is never banned.
  const r3 = jail.rows[2]!;
  assert.deepEqual(
    {
      banned: r3.addressesBanned,
      bans: r3.banEvents,
      blocked: r3.blocked,
      never: r3.neverBanned,
      users: r3.usersHit,
      collateral: r3.collateralIds,
      longest: r3.longestUnbanned,
    },
    { banned: 3, bans: 3, blocked: 7, never: 1, users: ['bob'], collateral: [B], longest: { id: C, failures: 1, first: at(5000), last: at(5000) } },
  );
  // A longer ban changes nothing here: no address comes back within the hour.
  assert.deepEqual({ ...jail.rows[3]!, setting: undefined, pareto: undefined, recommended: undefined }, { ...r3, setting: undefined, pareto: undefined, recommended: undefined });

  // Every row is on the front: users 0 → best blocked 3; users 1 → blocked 7 > 3.
  assert.deepEqual(jail.rows.map((r) => r.pareto), [true, true, true, true]);
  assert.deepEqual(jail.rows.map((r) => r.recommended), [true, false, false, false]);
  assert.equal(jail.recommended, jail.rows[0]);
});

test('a setting that hits more users without blocking more is off the Pareto front', () => {
  // D: burst of 8 (banned at the 3rd either way, 5 blocked). U: 3 failures 2000 s apart,
  // then carol logs in from U. findtime 600: cleanup drops U's ticket each time (never
  // banned). findtime 1d: U reaches 3 at 14000 → banned, carol is hit, nothing more blocked.
  const hits = byTime([...series(D, 3000, 10, 8), ...series(U, 10000, 2000, 3), ok(U, 20000, 'carol')]);
  const jail = only(tuneJails(hits, [planned()], { grid: grid({ maxretry: [3], findtime: [600, 86400] }), counting: 'fail2ban', whileBanned: 'block' }));
  assert.deepEqual(jail.rows.map(key), ['3/600/600', '3/86400/600']);
  const [short, long] = jail.rows as [TuneRow, TuneRow];
  assert.deepEqual([short.blocked, short.usersHit, short.neverBanned, short.pareto, short.recommended], [5, [], 1, true, true]);
  assert.deepEqual(short.longestUnbanned, { id: U, failures: 3, first: at(10000), last: at(14000) });
  assert.deepEqual([long.blocked, long.usersHit, long.neverBanned, long.pareto, long.recommended], [5, ['carol'], 0, false, false]);
  assert.equal(long.longestUnbanned, undefined);
});

test('window counting rows carry what fail2ban\'s rescaled count would have done', () => {
  // Every 150 s, 8 failures (0 … 1050). fail2ban: retry 5 at t=600 → ban until 1200, then
  // 750, 900, 1050 blocked. Window (t−600, t]: at 600 it holds 150…600 = 4, never 5.
  const hits = series(A, 0, 150, 8);
  const jail = only(tuneJails(hits, [planned()], { grid: grid({}), counting: 'window', whileBanned: 'block' }));
  const r = jail.rows[0]!;
  assert.deepEqual([r.addressesBanned, r.banEvents, r.blocked, r.neverBanned], [0, 0, 0, 1]);
  assert.deepEqual(r.fail2ban, { addressesBanned: 1, banEvents: 1, blocked: 3 });
  const plain = only(tuneJails(hits, [planned()], { grid: grid({}), counting: 'fail2ban', whileBanned: 'block' }));
  assert.equal(plain.rows[0]!.fail2ban, undefined);
  assert.deepEqual([plain.rows[0]!.banEvents, plain.rows[0]!.blocked], [1, 3]);
});

test('ignoreip failures are neither counted nor attackers', () => {
  const hits = byTime([...series(A, 0, 10, 6), ...series(D, 100, 10, 6)]);
  const jail = only(tuneJails(hits, [planned({ ignoreip: ['192.0.2.0/29'] })], { grid: grid({ maxretry: [3] }), counting: 'fail2ban', whileBanned: 'block' }));
  // Both addresses are inside 192.0.2.0/29: every failure is ignored.
  assert.deepEqual([jail.failures, jail.ignored, jail.addresses], [12, 12, 0]);
  const r = jail.rows[0]!;
  assert.deepEqual([r.addressesBanned, r.blocked, r.blockedShare, r.neverBanned, r.longestUnbanned], [0, 0, 0, 0, undefined]);

  const half = only(tuneJails(hits, [planned({ ignoreip: [A] })], { grid: grid({ maxretry: [3] }), counting: 'fail2ban', whileBanned: 'block' }));
  // D: banned at its 3rd failure (120), 130 140 150 blocked → 3 of the 6 considered failures.
  assert.deepEqual([half.failures, half.ignored, half.addresses], [12, 6, 1]);
  assert.deepEqual([half.rows[0]!.addressesBanned, half.rows[0]!.blocked, half.rows[0]!.blockedShare], [1, 3, 0.5]);
});

test('jails are evaluated on their own failures; successes of every jail count as logins', () => {
  const hits = byTime([...series(A, 0, 10, 3, ), ...[0, 10, 20].map((s) => fail(B, s + 5, 1)), ok(A, 500, 'dave', 1)]);
  const jails = tuneJails(hits, [planned({ name: 'one' }), planned({ name: 'two', maxretry: 3 })], {
    grid: grid({ maxretry: [3] }),
    counting: 'fail2ban',
    whileBanned: 'block',
  });
  assert.deepEqual(jails.map((j) => [j.name, j.failures, j.rows[0]!.addressesBanned, j.rows[0]!.collateralIds, j.rows[0]!.usersHit]), [
    ['one', 3, 1, [A], ['dave']],
    ['two', 3, 1, [], []],
  ]);
  assert.deepEqual(jails.map((j) => j.rows[0]!.current), [false, true]);
});

test('the row equal to the configured setting matches the audit simulation exactly', () => {
  // Mixed stream over two jails, including returns after a ban, evaluated in both modes.
  const hits = byTime([
    ...series(A, 0, 30, 20),
    ...series(D, 100, 400, 12),
    ...series(B, 50, 5, 9).map((h) => ({ ...h, jail: 1 })),
    ...series(C, 2000, 60, 7).map((h) => ({ ...h, jail: 1 })),
  ]);
  const increment = compileBanTimeIncrement(
    { factor: 2, formula: undefined, multipliers: [], maxtime: 7200, rndtime: undefined, overalljails: false },
    86400,
  );
  const plain = [planned({ name: 'x', maxretry: 4, findtime: 1200, bantime: 300 }), planned({ name: 'y', maxretry: 3, findtime: 600, bantime: 3600 })];
  // The same jails with bantime.increment configured on x.
  const incremented = [{ ...plain[0]!, increment }, plain[1]!];
  for (const [counting, whileBanned, jails] of [
    ['fail2ban', 'block', plain],
    ['fail2ban', 'count', plain],
    ['window', 'block', plain],
    ['window', 'count', plain],
    ['fail2ban', 'block', incremented],
    ['fail2ban', 'count', incremented],
  ] as const) {
    const sim = simulateJails(hits, jails, { counting, whileBanned });
    const tuned = tuneJails(hits, jails, {
      grid: { maxretry: [3, 4, 10], findtime: [600, 1200], bantime: [300, 3600], increment: [false, true] },
      counting,
      whileBanned,
      increment,
    });
    tuned.forEach((j, i) => {
      const rows = j.rows.filter((r) => r.current);
      assert.equal(rows.length, 1, `${j.name}: one configured row`);
      const row = rows[0]!;
      const bans = sim.results[i]!.bans;
      assert.deepEqual(
        [row.addressesBanned, row.banEvents, row.blocked],
        [new Set(bans.map((b) => b.id)).size, bans.length, bans.reduce((n, b) => n + b.blocked, 0)],
        `${j.name} ${counting} ${whileBanned}`,
      );
      assert.ok(bans.length > 0, 'the case bans something');
    });
  }
  // The increment case is not the plain one in disguise.
  const blocked = (jails: readonly PlannedJail[]): number => simulateJails(hits, jails, { counting: 'fail2ban', whileBanned: 'block' }).results[0]!.bans.reduce((n, b) => n + b.blocked, 0);
  assert.notEqual(blocked(incremented), blocked(plain));
});

test('the 3×3×4 grid has 36 settings in grid order', () => {
  const settings = gridSettings({ maxretry: [3, 5, 10], findtime: [600, 3600, 86400], bantime: [600, 3600, 86400, 604800], increment: [false] });
  assert.equal(settings.length, 36);
  assert.deepEqual(settings[0], { maxretry: 3, findtime: 600, bantime: 600, increment: false });
  assert.deepEqual(settings[35], { maxretry: 10, findtime: 86400, bantime: 604800, increment: false });
});

test('permanent bans sort after every finite bantime among ties', () => {
  const hits = series(D, 0, 10, 8);
  const jail = only(tuneJails(hits, [planned()], { grid: grid({ bantime: [-1, 600, 86400] }), counting: 'fail2ban', whileBanned: 'block' }));
  assert.deepEqual(jail.rows.map((r) => r.setting.bantime), [600, 86400, -1]);
  assert.ok(jail.rows.every((r) => r.blocked === 3 && r.pareto));
});

test('a jail without failures yields zero rows, not NaN', () => {
  const files: FileStats[] = [{ path: 'x', lines: 3, noTime: 0, overlong: 0, first: at(0), last: at(9), gzip: false, warnings: [] }];
  const report = buildTuneReport({ files, hits: HitStore.from([ok(A, 1, 'erin')]) }, [planned()], { grid: grid({}), counting: 'fail2ban', whileBanned: 'block' });
  assert.deepEqual(report.span, { first: at(0), last: at(9) });
  assert.equal(report.successes, 1);
  const r = report.jails[0]!.rows[0]!;
  assert.deepEqual([r.addressesBanned, r.blocked, r.blockedShare, r.neverBanned, r.longestUnbanned, r.recommended], [0, 0, 0, 0, undefined, true]);
});

test('bantime.increment rows: the second ban is longer and needs fewer failures', () => {
  // maxretry 3, findtime 10m, bantime 10m; A fails at 0, 10, 20, then 1000, 1010, 1020, 2000.
  // off: bans at 20 (→ 620) and 1020 (→ 1620); 2000 is counted again: nothing blocked.
  // on (fail2ban's default formula): the first ban is plain; at 1000 A is a known-bad
  // address (bancount 1: each failure weighs 2), so 1000 → 2, 1010 → 4 ≥ 3: banned at 1010
  // for 600·2¹ = 1200 s (→ 2210); 1020 and 2000 are blocked.
  const hits = [0, 10, 20, 1000, 1010, 1020, 2000].map((s) => fail(A, s));
  const increment = compileBanTimeIncrement(
    { factor: 1, formula: undefined, multipliers: [], maxtime: undefined, rndtime: undefined, overalljails: false },
    86400,
  );
  const jail = only(tuneJails(hits, [planned()], { grid: grid({ maxretry: [3], increment: [false, true] }), counting: 'fail2ban', whileBanned: 'block', increment }));
  const off = jail.rows.find((r) => !r.setting.increment)!;
  const on = jail.rows.find((r) => r.setting.increment)!;
  assert.deepEqual([off.banEvents, off.blocked], [2, 0]);
  assert.deepEqual([on.banEvents, on.blocked], [2, 2]);
  assert.equal(jail.rows[0], on, 'more blocked, same users: increment on comes first');
  // A jail configured with increment on has its configured row among the "on" rows.
  const configured = only(tuneJails(hits, [{ ...planned({ maxretry: 3 }), increment }], { grid: grid({ maxretry: [3], increment: [false, true] }), counting: 'fail2ban', whileBanned: 'block', increment }));
  assert.deepEqual(configured.rows.map((r) => [r.setting.increment, r.current]), [[true, true], [false, false]]);
});

test('asking for increment rows without increment parameters is refused', () => {
  assert.throws(
    () => tuneJails(stream(), [planned()], { grid: grid({ increment: [false, true] }), counting: 'fail2ban', whileBanned: 'block' }),
    /increment/,
  );
});
