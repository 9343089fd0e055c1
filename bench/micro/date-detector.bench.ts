// Micro-benchmark of DateDetector.match: ns per line for classic syslog, RFC 3339 and
// TAI64N mail lines, through the fast paths (default list, dovecot's TAI64N-first list,
// matchTransient) and through the compiled templates alone.
// Run: npx tsc -p test/tsconfig.json && node build/bench/micro/date-detector.bench.js

import { createDateDetector } from '../../src/time/date-detector.js';
import type { DateDetector } from '../../src/time/date-detector.js';
import { parseZone } from '../../src/time/zone.js';

const REF = Date.UTC(2026, 10, 25);
const ITERATIONS = 1_000_000;
const VARIANTS = 1024;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function lines(kind: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < VARIANTS; i++) {
    const h = pad(i % 24);
    const m = pad((i * 7) % 60);
    const s = pad((i * 13) % 60);
    const d = (i % 28) + 1;
    const tail = ` mx postfix/smtpd[${1000 + i}]: warning: unknown[192.0.2.${i % 250}]: SASL LOGIN authentication failed: bXlwYXNz`;
    if (kind === 'syslog') out.push(`Nov ${String(d).padStart(2, ' ')} ${h}:${m}:${s}${tail}`);
    else if (kind === 'rfc3339') out.push(`2026-11-${pad(d)}T${h}:${m}:${s}.${String(i * 977).padStart(6, '0').slice(0, 6)}+01:00${tail}`);
    else out.push(`@40000000${(0x69248a2f + i * 61).toString(16)}${(i * 104729).toString(16).padStart(8, '0')}${tail}`);
  }
  return out;
}

function run(d: DateDetector, input: string[], transient = false): { ns: number; check: number } {
  let check = 0;
  const match = transient ? d.matchTransient.bind(d) : d.match.bind(d);
  for (let i = 0; i < 20_000; i++) check += match(input[i % VARIANTS] as string, REF)?.end ?? 0; // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    const m = match(input[i & (VARIANTS - 1)] as string, REF);
    if (m !== undefined) check += m.end;
  }
  const ns = Number(process.hrtime.bigint() - t0) / ITERATIONS;
  return { ns, check };
}

const zone = parseZone('Europe/Berlin');
const fast = createDateDetector('{^LN-BEG}', zone);
const slow = createDateDetector('{^LN-BEG}', zone, { fastPaths: false });
const all = createDateDetector(undefined, zone, { fastPaths: false });
const dovecot = createDateDetector('{^LN-BEG}TAI64N\n{^LN-BEG}', zone);
console.log(`node ${process.version}, ${ITERATIONS} lines per case, zone ${zone.name}`);
for (const kind of ['syslog', 'rfc3339', 'tai64n']) {
  const input = lines(kind);
  const f = run(fast, input);
  const s = run(slow, input);
  const a = run(all, input);
  const t = run(fast, input, true);
  const v = run(dovecot, input);
  if (f.check !== s.check || t.check !== f.check || v.check !== f.check) throw new Error(`${kind}: fast path and templates disagree`);
  console.log(
    `${kind.padEnd(8)} fast path ${f.ns.toFixed(0).padStart(5)} | transient ${t.ns.toFixed(0).padStart(5)} | ` +
      `dovecot list ${v.ns.toFixed(0).padStart(5)} | {^LN-BEG} regexes ${s.ns.toFixed(0).padStart(5)} | ` +
      `default list regexes ${a.ns.toFixed(0).padStart(5)} ns/line`,
  );
}
