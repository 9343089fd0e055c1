// Tests for the one pass that feeds the report analyses (issue #4): which row each analysis
// gets as "the first of its line" when a line is matched by several jails, the failed-username
// index shared by three of them, and a seeded comparison with the Set-of-seen-lines semantics
// the analyses had before (oracles below written from them).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildReport } from '../../../src/analysis/build-report.js';
import { hitIndex } from '../../../src/analysis/hit-index.js';
import { FailedNames, scanRows } from '../../../src/analysis/scan-rows.js';
import { accountKey, countUsernames, groupAccounts, isUsername, normalizeUsername } from '../../../src/analysis/usernames.js';
import type { Outcome } from '../../../src/jail/simulate.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { Hit } from '../../../src/types.js';
import { makeJailSpec } from '../../support/jail-spec.js';
import { mulberry32 } from '../../support/mulberry32.js';

const T = Date.UTC(2026, 0, 5);

test('each sink gets the first row of a line in its own sense; line serial numbers', () => {
  const row = (line: number, jail: number, kind: Hit['kind'], user: string | undefined): Hit => ({
    jail, kind, id: '192.0.2.1', time: T + line, user, file: 0, line,
  });
  const store = HitStore.from([
    row(1, 0, 'failure', undefined), // line 1: the first failure row has no username...
    row(1, 1, 'failure', 'bob'), // ...the first failure row with one comes second
    row(2, 0, 'success', 'carol'), // line 2: a login first, then a failure with a username
    row(2, 1, 'failure', 'carol'),
    row(3, 0, 'failure', 'dave'),
    row(3, 1, 'failure', 'dave'),
  ]);
  const seen: Record<string, string[]> = { tally: [], radar: [], usernames: [], accounts: [], successes: [], compromises: [] };
  const failedNames = new FailedNames(store.ids.size);
  scanRows(store, hitIndex(store).names.isName, {
    tally: { failure: (i, line, head) => seen.tally!.push(`${i}@${line}${head ? '*' : ''}`) },
    radar: { failure: (i, line) => seen.radar!.push(`${i}@${line}`) },
    usernames: { failedName: (i) => seen.usernames!.push(`${i}`) },
    accounts: { name: (i) => seen.accounts!.push(`${i}`) },
    successes: { success: (i) => seen.successes!.push(`${i}`) },
    compromises: { line: (i) => seen.compromises!.push(`${i}`) },
    failedNames,
  });
  assert.deepEqual(seen, {
    tally: ['0@0*', '1@0', '3@1*', '4@2*', '5@2'],
    radar: ['0@0', '1@0', '3@1', '4@2', '5@2'],
    usernames: ['1', '3', '4'],
    accounts: ['1', '2', '4'],
    successes: ['2'],
    compromises: ['0', '2', '4'],
  });
  const u = (name: string): number => store.users.find(name) + 1;
  assert.deepEqual(failedNames.counts.entries(0), [[u('bob'), 1], [u('carol'), 1], [u('dave'), 1]]);
  assert.deepEqual(failedNames.notFirstFailure.entries(0), [[u('bob'), 1]], 'not the first failure row of line 1');
  assert.deepEqual(failedNames.afterSuccess.entries(0), [[u('carol'), 1]], 'line 2 named a login first');
  assert.equal(failedNames.firstFailures(0, u('bob'), 1), 0);
  assert.equal(failedNames.firstNamed(0, u('carol'), 1), 0);
  assert.equal(failedNames.firstNamed(0, u('dave'), 1), 1);
});

// ---- the semantics before #4, with Sets of seen lines (oracles) ----

const lineKey = (h: Hit): number => h.file * 4_294_967_296 + h.line;

function oracleUsernames(hits: readonly Hit[]): unknown[] {
  const rows = new Map<string, { name: string; attempts: number; ips: Set<string>; first: number; last: number }>();
  const seen = new Set<number>();
  for (const h of hits) {
    if (h.kind !== 'failure' || h.user === undefined || !isUsername(h.user)) continue;
    if (seen.has(lineKey(h))) continue;
    seen.add(lineKey(h));
    let r = rows.get(h.user);
    if (r === undefined) rows.set(h.user, (r = { name: h.user, attempts: 0, ips: new Set(), first: h.time, last: h.time }));
    r.attempts++;
    r.ips.add(h.id);
    r.first = Math.min(r.first, h.time);
    r.last = Math.max(r.last, h.time);
  }
  return [...rows.values()]
    .map((r) => ({ name: r.name, attempts: r.attempts, ips: r.ips.size, first: r.first, last: r.last }))
    .sort((a, b) => b.attempts - a.attempts || b.ips - a.ips || (a.name < b.name ? -1 : 1));
}

// Per account group: attempts, addresses and logins, and per name its failing addresses.
function oracleAccounts(hits: readonly Hit[]): Map<string, { attempts: number; logins: number; ips: string[]; names: Map<string, string[]> }> {
  const out = new Map<string, { attempts: number; logins: number; ips: Set<string>; names: Map<string, Set<string>> }>();
  const seen = new Set<number>();
  for (const h of hits) {
    if (h.user === undefined || !isUsername(h.user)) continue;
    if (seen.has(lineKey(h))) continue;
    seen.add(lineKey(h));
    const norm = normalizeUsername(h.user);
    const key = accountKey(norm);
    let g = out.get(key);
    if (g === undefined) out.set(key, (g = { attempts: 0, logins: 0, ips: new Set(), names: new Map() }));
    let ips = g.names.get(norm);
    if (ips === undefined) g.names.set(norm, (ips = new Set()));
    if (h.kind === 'success') g.logins++;
    else {
      g.attempts++;
      g.ips.add(h.id);
      ips.add(h.id);
    }
  }
  const res = new Map<string, { attempts: number; logins: number; ips: string[]; names: Map<string, string[]> }>();
  for (const [k, g] of out) {
    if (g.attempts === 0) continue;
    res.set(k, { attempts: g.attempts, logins: g.logins, ips: [...g.ips].sort(), names: new Map([...g.names].map(([n, s]) => [n, [...s].sort()])) });
  }
  return res;
}

// Per address: lines counted and blocked (strongest outcome of the line), its usernames.
function oracleIps(hits: readonly Hit[], outcomes: readonly (Outcome | undefined)[]): Map<string, { failures: number; blocked: number; usernames: string[] }> {
  const acc = new Map<string, { lines: Map<number, string>; users: Map<string, number> }>();
  const failureLines = new Set<number>();
  hits.forEach((h, i) => {
    if (h.kind !== 'failure') return;
    const line = lineKey(h);
    const first = !failureLines.has(line);
    failureLines.add(line);
    let a = acc.get(h.id);
    if (a === undefined) acc.set(h.id, (a = { lines: new Map(), users: new Map() }));
    const o = outcomes[i];
    const state = o === 'blocked' || o === 'prolonged' ? 'blocked' : o === 'ignored' ? 'ignored' : 'counted';
    const prev = a.lines.get(line);
    if (prev === undefined || state === 'blocked' || (state === 'counted' && prev === 'ignored')) a.lines.set(line, state);
    if (first && h.user !== undefined && isUsername(h.user)) a.users.set(h.user, (a.users.get(h.user) ?? 0) + 1);
  });
  const out = new Map<string, { failures: number; blocked: number; usernames: string[] }>();
  for (const [ip, a] of acc) {
    const states = [...a.lines.values()];
    const failures = states.filter((s) => s === 'counted').length;
    const blocked = states.filter((s) => s === 'blocked').length;
    if (failures === 0 && blocked === 0) continue;
    const usernames = [...a.users].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 10).map(([u]) => u);
    out.set(ip, { failures, blocked, usernames });
  }
  return out;
}

// Lines of one to three rows (jails in order, one time), kinds, names and addresses mixed.
function randomHits(seed: number): { hits: Hit[]; outcomes: (Outcome | undefined)[] } {
  const rnd = mulberry32(seed);
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rnd() * xs.length)]!;
  const users = [undefined, '', 'UGFzc3dvcmQ6', 'admin', 'Admin', 'root', 'alice', 'Alice@Example.org', 'alice@example.org', 'bob'];
  // Many addresses, so that an (address, name) pair often rests on a single line.
  const ids = [...Array.from({ length: 60 }, (_, k) => `198.51.100.${k + 1}`), '2001:db8::1'];
  const outcomesOf: (Outcome | undefined)[] = ['counted', 'counted', 'blocked', 'ignored', 'banned', 'prolonged'];
  const hits: Hit[] = [];
  const outcomes: (Outcome | undefined)[] = [];
  let time = T;
  for (let line = 1; line <= 400; line++) {
    time += Math.floor(rnd() * 3) * 1000;
    const id = pick(ids);
    const file = rnd() < 0.2 ? 1 : 0;
    const rows = 1 + Math.floor(rnd() * 3);
    for (let jail = 0; jail < rows; jail++) {
      const kind: Hit['kind'] = rnd() < 0.3 ? 'success' : 'failure';
      hits.push({ jail, kind, id: rnd() < 0.15 ? pick(ids) : id, time, user: pick(users), file, line });
      outcomes.push(kind === 'failure' ? pick(outcomesOf) : undefined);
    }
  }
  return { hits, outcomes };
}

test('the username analyses and per-address tallies equal the Set-of-lines semantics (seeded)', () => {
  const jails = [makeJailSpec('a'), makeJailSpec('b'), makeJailSpec('c')];
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const { hits, outcomes } = randomHits(seed);
    const store = HitStore.from(hits, outcomes);
    assert.deepEqual(countUsernames(store), oracleUsernames(hits), `usernames, seed ${seed}`);

    const accounts = groupAccounts(store, () => undefined);
    const want = oracleAccounts(hits);
    assert.deepEqual(accounts.map((a) => a.key).sort(), [...want.keys()].sort(), `account keys, seed ${seed}`);
    for (const a of accounts) {
      const w = want.get(a.key)!;
      assert.deepEqual([a.attempts, a.logins, a.ips], [w.attempts, w.logins, w.ips.length], `account ${a.key}, seed ${seed}`);
      for (const n of a.names) assert.equal(n.ips, w.names.get(n.name)?.length ?? 0, `name ${n.name}, seed ${seed}`);
    }

    const report = buildReport(
      { files: [], hits: store, results: jails.map(() => ({ bans: [], tallies: new Map(), prolongations: [] })), problems: [] },
      jails,
    );
    const ips = oracleIps(hits, outcomes);
    assert.deepEqual(
      new Map(report.ips.map((r) => [r.ip, { failures: r.failures, blocked: r.blocked, usernames: r.usernames }])),
      ips,
      `addresses, seed ${seed}`,
    );
    assert.equal(report.stats.failures, new Set(hits.filter((h) => h.kind === 'failure').map(lineKey)).size);
    assert.equal(report.stats.successes, new Set(hits.filter((h) => h.kind === 'success').map(lineKey)).size);
  }
});
