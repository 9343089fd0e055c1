// LineGate soundness, property style: whenever mayMatch(f, line) holds for a filter f of
// the gated set, the gate finds a literal inside that line, on its own and read through
// LineSplitter among other lines. Filters: the shipped ones (both date-cut variants), the
// built-in success filter, filters with case-insensitive literals, and fail2ban's stock
// ones when BANREPLAY_F2B_DIR provides them. Lines: generated, samples/, and a corpus written
// by the benchmark's generator (bench/make-samples) at a larger scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { loadFilter } from '../../../src/config/load-filter.js';
import { compileFilter, type CompiledFilter } from '../../../src/filter/compile-filter.js';
import { ALL_LITERALS, buildLineGate, gateLiterals, type LineGate } from '../../../src/filter/line-gate.js';
import { mayMatch } from '../../../src/filter/may-match.js';
import { PARTS_FAIL, PARTS_SUCCESS, serverMatcher, type ServerHit } from '../../../src/filter/match-line.js';
import { LineSplitter } from '../../../src/lines/line-splitter.js';
import type { FilterDefinition } from '../../../src/types.js';
import { loadStockMailFilters } from '../../support/stock-mail-filters.js';
import { mulberry32 as rng } from '../../support/mulberry32.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SHIPPED = ROOT + 'filters/filter.d/';
const SUCCESS = ROOT + 'filters/success.d/mail-success.conf';
const REFS = [
  'dovecot[mode=normal]', 'dovecot[mode=aggressive]', 'postfix[mode=more]', 'postfix[mode=auth]',
  'postfix[mode=aggressive]', 'postfix[mode=rbl]', 'postfix[mode=ddos]', 'postfix[mode=errors]',
];
const MAKE_SAMPLES = fileURLToPath(new URL('../../../bench/make-samples.js', import.meta.url));

// Every line of a rotated set the benchmark generator writes at `scale` (~180 k lines at 40).
function generatedLines(scale: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'banreplay-gate-'));
  try {
    const r = spawnSync(process.execPath, [MAKE_SAMPLES, '--out', dir, '--scale', String(scale), '--history-weeks', '0', '--gzip-level', '1'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines: string[] = [];
    for (const name of readdirSync(dir).sort()) {
      const bytes = readFileSync(join(dir, name));
      lines.push(...(name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').split('\n').slice(0, -1));
    }
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function def(over: Partial<FilterDefinition>): FilterDefinition {
  return {
    name: 't', file: 'filter.d/t.conf', prefregex: undefined, failregex: [], ignoreregex: [],
    successregex: [], datepattern: '{^LN-BEG}', maxlines: 1, usedns: 'no', options: {}, ...over,
  };
}

// Case-insensitive literals (whole pattern and scoped), with and without a line-start date.
const CI_DEFS = [
  def({ name: 'ci-whole', failregex: [String.raw`(?i)^ \S+ imap-login: AUTH FAILED for <HOST>`] }),
  def({ name: 'ci-part', failregex: [String.raw`SASL ((?i)LOGIN|PLAIN) authentication failed: \S+ \[<HOST>\]`], datepattern: undefined }),
  def({ name: 'ci-kelvin', failregex: [String.raw`(?i)kick <HOST> ok`] }),
];

/** Every filter the tests gate: shipped (both date variants), success, case-insensitive, stock when available. */
function allFilters(): CompiledFilter[] {
  const out: CompiledFilter[] = [];
  for (const datepattern of ['{^LN-BEG}', undefined]) {
    for (const ref of REFS) out.push(compileFilter({ ...loadFilter(ref, { filterDirs: [SHIPPED] }), datepattern }));
    out.push(compileFilter({ ...loadFilter(SUCCESS, { filterDirs: [] }), datepattern }));
  }
  out.push(...CI_DEFS.map((d) => compileFilter(d)));
  const stock = loadStockMailFilters();
  if (typeof stock !== 'string') {
    for (const [name, f] of Object.entries(stock)) {
      out.push(compileFilter(def({ name, prefregex: f.prefregex ?? undefined, failregex: f.failregex })));
    }
  }
  return out;
}

const MESSAGES = [
  'dovecot: imap-login: Disconnected (auth failed, {n} attempts in {n} secs): user=<{u}>, method=PLAIN, rip={ip}, lip=10.0.0.1, TLS',
  'dovecot: pop3-login: Aborted login (tried to use disabled plaintext auth): user=<{u}>, rip={ip}, lip=10.0.0.1',
  'dovecot: auth-worker({n}): pam({u},{ip},<s{n}>): pam_authenticate() failed: Permission denied',
  'dovecot: auth: passwd-file({u},{ip}): Password mismatch',
  'dovecot: auth: passwd-file({u},{ip}): unknown user',
  'dovecot: imap-login: Login: user=<{u}>, method=PLAIN, rip={ip}, lip=10.0.0.1, mpid={n}, TLS',
  'dovecot: submission-login: Info: Login: user=<{u}>, rip={ip}',
  'postfix/smtpd[{n}]: warning: unknown[{ip}]: SASL {mech} authentication failed: eA==',
  'postfix/submission/smtpd[{n}]: {Q}: client=unknown[{ip}], sasl_method={mech}, sasl_username={u}',
  'postfix/smtpd[{n}]: NOQUEUE: reject: RCPT from unknown[{ip}]: 554 5.7.1 <{u}@example.org>: Relay access denied; from=<a@b> to=<{u}@example.org> proto=ESMTP helo=<h>',
  'postfix/smtpd[{n}]: NOQUEUE: reject: RCPT from unknown[{ip}]: 450 4.7.1 Client host rejected: cannot find your hostname, [{ip}]; from=<a@b> to=<c@d> proto=ESMTP helo=<x>',
  'postfix/smtpd[{n}]: improper command pipelining after EHLO from unknown[{ip}]: QUIT',
  'postfix/smtpd[{n}]: too many errors after AUTH from unknown[{ip}]',
  'postfix/smtpd[{n}]: lost connection after AUTH from unknown[{ip}]',
  'postfix/smtpd[{n}]: connect from unknown[{ip}]',
  'postfix/qmgr[{n}]: {Q}: from=<>, size={n}, nrcpt=1 (queue active)',
  'host imap-login: auth failed for {ip}',
  'x SASL {mech} authentication failed: y [{ip}]',
  'x kick {ip} ok',
];
const MECHS = ['LOGIN', 'login', 'Plain', 'CRAM-MD5', 'XOAUTH2'];
const IPS = ['192.0.2.{n}', '2001:db8::{n}', '::ffff:198.51.100.{n}', '203.0.113.{n}'];
const NOISE = ['ü', 'K', 'ſ', '\u212a', '\0', '\r', '日本', '😀', ' ', ':', '[', ']'];

/** A raw line (date included), often damaged: case flips, deletions, odd characters. */
function generate(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const n = (): string => String(1 + Math.floor(r() * 250));
  let msg = pick(MESSAGES)
    .replaceAll('{ip}', () => pick(IPS).replace('{n}', n()))
    .replaceAll('{u}', () => pick(['alice', '', 'bob@example.org', 'jörg', 'KELVIN']))
    .replaceAll('{mech}', () => pick(MECHS))
    .replaceAll('{Q}', () => Math.floor(r() * 1e9).toString(16).toUpperCase())
    .replaceAll('{n}', n);
  if (r() < 0.2) msg = r() < 0.5 ? msg.toLowerCase() : msg.toUpperCase();
  if (r() < 0.2) msg = msg.replace(/k/gi, () => pick(['k', 'K', '\u212a']));
  for (let k = 0; k < 2; k++) {
    if (r() < 0.3) {
      const at = Math.floor(r() * msg.length);
      msg = msg.slice(0, at) + msg.slice(at + 1 + Math.floor(r() * 3));
    }
    if (r() < 0.2) {
      const at = Math.floor(r() * msg.length);
      msg = msg.slice(0, at) + pick(NOISE) + msg.slice(at);
    }
  }
  const date = r() < 0.8 ? 'Jan  4 06:25:16' : '2026-01-04T06:25:16';
  return r() < 0.1 ? `${msg} ${date}` : `${date} mx.example.org ${msg}`;
}

function samplesLines(): string[] {
  const dir = ROOT + 'samples/';
  const out: string[] = [];
  for (const name of ['maillog', 'maillog.1', 'maillog.2.gz', 'maillog.3.gz']) {
    const raw = readFileSync(dir + name);
    out.push(...(name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n'));
  }
  return out;
}

/**
 * The literal bits a line must get from a gate over `filters` that tells them: the bit of
 * every exact gate literal it holds (found by includes(), one by one). undefined when the
 * gate has case-blind patterns, and so no literal bits.
 */
const literalsOf = new WeakMap<readonly CompiledFilter[], ReturnType<typeof gateLiterals>>();
function expectedBits(filters: readonly CompiledFilter[], line: string): number | undefined {
  if (!literalsOf.has(filters)) literalsOf.set(filters, gateLiterals(filters));
  const lits = literalsOf.get(filters)!;
  if (lits.patterns.length > 0 || lits.exact.length > 32) return undefined;
  let bits = 0;
  lits.exact.forEach((g, k) => {
    if (line.includes(g)) bits |= 1 << k;
  });
  return bits;
}

/**
 * Literal bits of one line: exactly the literals it holds, and for every filter it may
 * match, one of that filter's bits (so the scan never skips a filter that could match).
 */
function checkBits(gate: LineGate, filters: readonly CompiledFilter[], line: string, bits: number, what: string): void {
  const want = expectedBits(filters, line);
  if (want === undefined) return assert.equal(bits, ALL_LITERALS, `${what}: a gate with patterns tells no bits`);
  assert.equal(bits, want, `${what}: literal bits of ${JSON.stringify(line)}`);
  for (const f of filters) {
    if (!mayMatch(f, line)) continue;
    // The parts the bits leave possible answer as all of them would (scanFile runs only those).
    const parts = ((bits & gate.filterBits!(f, 'fail')) === 0 ? 0 : PARTS_FAIL) | ((bits & gate.filterBits!(f, 'success')) === 0 ? 0 : PARTS_SUCCESS);
    assert.ok(parts !== 0, `${what}: ${f.name} would be skipped on ${JSON.stringify(line)}`);
    assert.ok(mayMatch(f, line, undefined, parts), `${what}: ${f.name} pre-check with parts ${parts} on ${JSON.stringify(line)}`);
    const all = serverMatcher(f).matchBuffer(line + '\n', HIT_ALL);
    const some = serverMatcher(f).matchBuffer(line + '\n', HIT_PARTS, parts);
    assert.equal(some, all, `${what}: ${f.name}, parts ${parts} on ${JSON.stringify(line)}`);
    if (all !== 0) assert.deepEqual(HIT_PARTS, HIT_ALL);
    matched += all === 0 ? 0 : 1;
  }
}

const HIT_ALL: ServerHit = { regex: -1, id: '', ip: undefined, user: undefined, nofail: false };
const HIT_PARTS: ServerHit = { ...HIT_ALL };
// Lines the server matcher turned into a hit while bits were checked (the check must see some).
let matched = 0;

/** Lines whose gate must find them, and the gate's verdict, for `filters` over `lines`. */
function checkLines(gate: LineGate, filters: readonly CompiledFilter[], lines: readonly string[], what: string): number {
  let must = 0;
  for (const line of lines) {
    if (line.includes('\n')) continue;
    const at = gate.next(line, 0);
    if (at !== -1 && gate.lineBits !== undefined) {
      const bits = gate.lineBits(line, at, line.length);
      assert.equal(gate.after, -1, `${what}: nothing after the last line`);
      checkBits(gate, filters, line, bits, what);
    }
    if (!filters.some((f) => mayMatch(f, line))) continue;
    must++;
    assert.ok(at !== -1, `${what}: the gate misses ${JSON.stringify(line)}`);
  }
  return must;
}

/** The same through LineSplitter: lines in 64 KiB chunks, every mayMatch line delivered, with its literal bits. */
function checkThroughSplitter(gate: LineGate, filters: readonly CompiledFilter[], lines: readonly string[], what: string): void {
  const delivered = new Map<number, number>();
  const s = new LineSplitter((_line, n, bits) => delivered.set(n, bits), 1 << 20, { gate });
  const bytes = Buffer.from(lines.join('\n') + '\n');
  for (let at = 0; at < bytes.length; at += 65536) s.write(bytes.subarray(at, at + 65536));
  s.end();
  const seen: string[] = [];
  const all = new LineSplitter((line) => seen.push(line), 1 << 20);
  all.write(bytes);
  all.end();
  const tells = gate.lineBits !== undefined;
  seen.forEach((line, i) => {
    const bits = delivered.get(i + 1);
    if (filters.some((f) => mayMatch(f, line))) assert.ok(bits !== undefined, `${what}: line ${i + 1} not delivered: ${JSON.stringify(line)}`);
    if (bits === undefined) return;
    if (tells) checkBits(gate, filters, line, bits, `${what}, line ${i + 1}`);
    else assert.equal(bits, ALL_LITERALS, `${what}: a gate without literal bits`);
  });
}

test('a filter set with an ungateable filter has no gate', () => {
  const ok = compileFilter(def({ failregex: ['auth failed from <HOST>'] }));
  assert.ok(buildLineGate([ok]) !== undefined);
  // maxlines > 1: no precheck at all.
  assert.equal(buildLineGate([ok, compileFilter(def({ failregex: ['^a$<SKIPLINES>^from <HOST>$'], maxlines: 2 }))]), undefined);
  // A failregex without any literal: every line may match.
  assert.equal(buildLineGate([ok, compileFilter(def({ failregex: ['^<HOST>$'] }))]), undefined);
  // A successregex without literal, too.
  assert.equal(buildLineGate([compileFilter(def({ successregex: [String.raw`^\S+ <HOST>$`] }))]), undefined);
});

test('a filter with neither failregex nor successregex adds nothing; no filter, no hit', () => {
  const empty = buildLineGate([compileFilter(def({}))]);
  assert.ok(empty !== undefined);
  assert.equal(empty.next('anything at all', 0), -1);
  assert.equal(buildLineGate([])?.next('x', 0), -1);
});

test('picks one selective clause per alternative, reuses literals, merges near-duplicates', () => {
  const load = (ref: string): CompiledFilter => compileFilter(loadFilter(ref, { filterDirs: [SHIPPED] }));
  const lits = gateLiterals([load('dovecot[mode=normal]'), load('postfix[mode=more]'), load('postfix[mode=auth]'), compileFilter(loadFilter(SUCCESS, { filterDirs: [] }))]);
  assert.ok(lits !== undefined);
  assert.deepEqual(lits.patterns, []);
  // Not the short, common ones ("rip=" is in every dovecot login, "from " in every postfix line).
  for (const weak of ['rip=', 'from ', 'warning: ', 'client=']) assert.ok(!lits.exact.includes(weak), `weak literal ${weak}: ${lits.exact.join(' | ')}`);
  for (const strong of ['Login: user=<', 'reject:', 'sasl_username=']) assert.ok(lits.exact.includes(strong), `${strong}: ${lits.exact.join(' | ')}`);
  // "Unknown user" / "unknown user" become one literal.
  assert.ok(lits.exact.includes('nknown user'), lits.exact.join(' | '));
  assert.ok(lits.exact.length <= 14, lits.exact.join(' | '));
});

test('next() points into the first hit at or after `from`', () => {
  const cf = compileFilter(def({ failregex: ['auth failed from <HOST>', '(?i)access DENIED for <HOST>', String.raw`a\.b\(c\)\|d <HOST>`] }));
  const gate = buildLineGate([cf])!;
  const text = 'x\nauth failed from 1\nACCESS denied for 2\nauth failed from 3';
  // Spans of the literals the filter needs: a gate hit is (part of) one of them.
  const span = (at: number, lit: string): [number, number] => [at, at + lit.length];
  const a = span(text.indexOf('auth failed from '), 'auth failed from ');
  const b = span(text.indexOf('ACCESS denied for '), 'ACCESS denied for ');
  const c = span(text.lastIndexOf('auth failed from '), 'auth failed from ');
  const inside = (got: number, [from, to]: [number, number], what: string): void =>
    assert.ok(got >= from && got < to, `${what}: ${got} not in [${from}, ${to})`);
  inside(gate.next(text, 0), a, 'from 0');
  inside(gate.next(text, a[0]), a, 'from the first hit');
  inside(gate.next(text, a[1]), b, 'past the first hit');
  inside(gate.next(text, b[1]), c, 'past the second');
  assert.equal(gate.next(text, c[1]), -1);
  // Going back, and another text, are both fine.
  inside(gate.next(text, 0), a, 'from 0 again');
  inside(gate.next('zz ACCESS DENIED FOR 1', 0), [3, 21], 'upper case');
  // Regex syntax in a literal is searched as text.
  inside(gate.next('a.b(c)|d 1', 0), [0, 9], 'regex syntax');
  assert.equal(gate.next('aXb(c)|d 1 a.b(c)', 0), -1);
});

test('literal bits: every occurrence, overlapping ones and shared last characters too', () => {
  // Gate literals "abcd", "cdef" (they overlap in "abcdef"), and two that end alike.
  const cf = compileFilter(def({ failregex: [String.raw`abcd\S*<HOST>`, String.raw`cdef\S*<HOST>`, 'one two <HOST>', 'three <HOST>'] }));
  const other = compileFilter(def({ failregex: ['zzzz <HOST>'] }));
  const gate = buildLineGate([cf, other])!;
  const exact = gateLiterals([cf, other])!.exact;
  const bit = (lit: string): number => {
    const k = exact.findIndex((g) => lit.includes(g));
    assert.ok(k >= 0, `${lit} in ${exact.join(' | ')}`);
    return 1 << k;
  };
  const text = 'x abcdef three one two 1\nzzzz 1\nnothing\ncdef';
  const nl = text.indexOf('\n');
  const bits = gate.lineBits!(text, gate.next(text, 0), nl);
  assert.equal(bits, bit('abcd') | bit('cdef') | bit('three ') | bit('one two '));
  // Searching on from each hit's end instead of its start would miss "cdef" inside "abcdef".
  assert.notEqual(bits & bit('cdef'), 0);
  // `after` is the next hit past the line, as next() from the line's end gives it.
  assert.equal(gate.after, gate.next(text, nl + 1));
  const second = text.indexOf('\n', nl + 1);
  assert.equal(gate.lineBits!(text, gate.after!, second), bit('zzzz '));
  assert.equal(gate.after, text.length - 1, 'the last line holds "cdef"');
  // Filter bits: a line needs one of them; a filter the gate was not built over gets them all.
  assert.equal(gate.filterBits!(cf, 'fail') & bit('zzzz '), 0);
  assert.equal(gate.filterBits!(other, 'fail'), bit('zzzz '));
  assert.equal(gate.filterBits!(other, 'success'), 0, 'no successregex');
  assert.equal(gate.filterBits!(compileFilter(def({ failregex: ['abcd <HOST>'] })), 'fail'), ALL_LITERALS);
  // A line packed with literals (attacker-written) is not searched to its end: it gets every bit.
  const packed = 'x ' + 'three '.repeat(1000) + '\nabcd';
  const packedEnd = packed.indexOf('\n');
  assert.equal(gate.lineBits!(packed, gate.next(packed, 0), packedEnd), ALL_LITERALS);
  assert.equal(gate.after, packed.length - 1, 'and the next hit is still the one past the line');
  const few = 'three '.repeat(16) + '\n';
  assert.equal(gate.lineBits!(few, gate.next(few, 0), few.length - 1), bit('three '), 'up to 16 occurrences are read');
  // Case-blind literals are regex patterns: no bits at all, so nothing is skipped.
  const ci = buildLineGate([cf, compileFilter(def({ failregex: ['(?i)kick <HOST>'] }))])!;
  assert.equal(ci.lineBits, undefined);
  assert.equal(ci.filterBits, undefined);
  // Nor beyond 32 literals: one bit each.
  const many = (n: number): CompiledFilter => compileFilter(def({ failregex: Array.from({ length: n }, (_, k) => `w${String(k).padStart(2, '0')}q <HOST>`) }));
  assert.equal(gateLiterals([many(32)])!.exact.length, 32);
  assert.ok(buildLineGate([many(32)])!.lineBits !== undefined);
  assert.equal(buildLineGate([many(33)])!.lineBits, undefined);
});

test('literal bits through the splitter: a head line without a hit gets none, a gate without bits all', () => {
  const cf = compileFilter(def({ failregex: [String.raw`abcd\S*<HOST>`, String.raw`cdef\S*<HOST>`] }));
  const gate = buildLineGate([cf])!;
  const got: [string, number][] = [];
  const s = new LineSplitter((line, _n, bits) => got.push([line, bits]), 1000, { gate, head: 1 });
  s.write(Buffer.from('first\nabcdef\nnone\nl\u00e4st cdef\n'));
  s.end();
  const exact = gateLiterals([cf])!.exact;
  assert.deepEqual(got, [['first', 0], ['abcdef', 0b11], ['l\u00e4st cdef', 1 << exact.indexOf('cdef')]]);
  const plain: number[] = [];
  const t = new LineSplitter((_l, _n, bits) => plain.push(bits), 1000, { gate: { next: (text, from) => text.indexOf('c', from) } });
  t.write(Buffer.from('abc\nxyz\n'));
  t.end();
  assert.deepEqual(plain, [ALL_LITERALS]);
  const none: number[] = [];
  const u = new LineSplitter((_l, _n, bits) => none.push(bits), 1000);
  u.write(Buffer.from('abc\nxyz\n'));
  u.end();
  assert.deepEqual(none, [ALL_LITERALS, ALL_LITERALS]);
});

test('literal bits never skip a filter that may match: the default jails together, each filter with the success filter', () => {
  const all = allFilters();
  // The default jails (dovecot, postfix, postfix-sasl) and the success filter; every filter with the latter.
  const success = all[REFS.length]!;
  const shipped = [all[0]!, all[2]!, all[3]!, success];
  const sets = [shipped, ...all.filter((f) => f !== success).map((f) => [f, success])].filter((fs) => gateLiterals(fs)!.patterns.length === 0);
  const r = rng(7);
  const lines: string[] = [];
  for (let i = 0; i < 6000; i++) lines.push(generate(r));
  lines.push(...samplesLines());
  let told = 0;
  const matchedBefore = matched;
  for (const filters of sets) {
    const gate = buildLineGate(filters)!;
    if (gate.lineBits === undefined) continue;
    told++;
    checkLines(gate, filters, lines, filters.map((f) => f.name).join('+'));
  }
  assert.ok(told >= 2 * REFS.length, `gates with literal bits: ${told}`);
  assert.ok(matched - matchedBefore > 1000, `lines the matchers turned into hits: ${matched - matchedBefore}`);
  const gate = buildLineGate(shipped)!;
  assert.ok(gate.lineBits !== undefined, 'the default jails get literal bits');
  checkThroughSplitter(gate, shipped, lines, 'shipped');
});

test('never misses a mayMatch line: generated lines, each filter alone and all together', () => {
  const filters = allFilters();
  const r = rng(2026);
  const lines: string[] = [];
  for (let i = 0; i < 6000; i++) lines.push(generate(r));
  let total = 0;
  for (const f of filters) total += checkLines(buildLineGate([f])!, [f], lines, f.name);
  assert.ok(total > 3000, `the generator must produce candidate lines (${total})`);
  const gate = buildLineGate(filters)!;
  checkLines(gate, filters, lines, 'all');
  checkThroughSplitter(gate, filters, lines, 'all');
});

test('never misses a mayMatch line: random lines', () => {
  const filters = allFilters();
  const r = rng(99);
  const alphabet = 'aAbBcCdDeEiIkKlLnNoOrRsStTuU \t:[]=<>(),.;-_/0123456789\0\r\u212aſüé😀';
  const chars = [...alphabet];
  const words = ['auth', 'failed', 'Login', 'user=<', 'reject:', 'sasl_', 'username=', 'from ', 'SASL ', 'LOGIN', 'authentication', ' failed:'];
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) {
    let line = '';
    const n = Math.floor(r() * 12);
    for (let k = 0; k < n; k++) line += r() < 0.5 ? words[Math.floor(r() * words.length)] : chars[Math.floor(r() * chars.length)];
    lines.push(line);
  }
  const gate = buildLineGate(filters)!;
  checkLines(gate, filters, lines, 'random');
  checkThroughSplitter(gate, filters, lines, 'random');
});

test('never misses a mayMatch line: samples/ and a generated corpus', () => {
  const filters = allFilters();
  const samples = samplesLines();
  const all = buildLineGate(filters)!;
  assert.ok(checkLines(all, filters, samples, 'samples') > 100);
  checkThroughSplitter(all, filters, samples, 'samples');
  // Every kind of line the corpus generator writes, both stamp styles, in a few seconds.
  const lines = generatedLines(40);
  const shipped = [...REFS.map((ref) => compileFilter(loadFilter(ref, { filterDirs: [SHIPPED] }))), compileFilter(loadFilter(SUCCESS, { filterDirs: [] }))];
  const shippedGate = buildLineGate(shipped)!;
  checkLines(shippedGate, shipped, lines, 'corpus');
  checkThroughSplitter(shippedGate, shipped, lines, 'corpus');
  // Conservative but not blind: for the bench jails, the gate lets through few lines beyond the candidates.
  const bench = [0, 2, 3, 8].map((i) => shipped[i]!);
  const gate = buildLineGate(bench)!;
  const must = checkLines(gate, bench, lines, 'corpus, bench jails');
  let passed = 0;
  for (const line of lines) if (gate.next(line, 0) !== -1) passed++;
  assert.ok(must > 1000 && passed < must * 1.05 + 100, `gate passes ${passed} lines for ${must} candidates`);
});
