// The per-candidate-line path of a scan, measured on its own: lines of a real mail log
// that pass a target's literal pre-check (the audit plan of the dovecot, postfix and
// postfix-sasl jails plus the built-in success filter), dated by the target's detector,
// then run through a server-mode line processor. Prints ns per candidate and a digest of
// every result (id, user, time, cut span), so two builds can be compared for equal output.
// Usage (after building the tests): node build/bench/micro/line-path.bench.js FILE [--lines N] [--rounds R]
// (e.g. the bench corpus' maillog.1, cached by `npm run bench`).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readReplayArgs } from '../../src/cli/options.js';
import { resolveAuditConfig } from '../../src/cli/resolve-config.js';
import { createLineProcessor } from '../../src/filter/line-processor.js';
import { mayMatch } from '../../src/filter/may-match.js';

const FILTERS = fileURLToPath(new URL('../../../filters/', import.meta.url));
const argv = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const at = argv.indexOf(name);
  return at === -1 ? dflt : Number(argv[at + 1]);
};
const limit = opt('--lines', Infinity);
const rounds = opt('--rounds', 5);
const path = argv.find((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1]!.startsWith('--')));
if (path === undefined) {
  process.stderr.write('usage: line-path.bench.js FILE [--lines N] [--rounds R]\n');
  process.exit(1);
}

const args = readReplayArgs({ paths: [path], jail: ['dovecot', 'postfix', 'postfix-sasl'], now: '2026-01-15T14:33:00Z', timezone: 'UTC', rotated: false });
const config = resolveAuditConfig(args, FILTERS);
const { targets, detectors } = config.scan;
const REF = Date.UTC(2026, 0, 15, 14, 33);

const raw = readFileSync(path);
const all = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('latin1').split('\n');
const lines = (Number.isFinite(limit) ? all.slice(0, limit) : all).filter((l) => l !== '');

// Candidates: lines some target's pre-check lets through; per target, the indexes of its own.
const perTarget: number[][] = targets.map(() => []);
const candidateLines: string[] = [];
for (const line of lines) {
  let any = false;
  targets.forEach((t, i) => {
    if (mayMatch(t.filter, line)) {
      perTarget[i]!.push(candidateLines.length);
      any = true;
    }
  });
  if (any) candidateLines.push(line);
}
const n = candidateLines.length;
const detectorOf = targets.map((t) => t.detector);
process.stdout.write(`node ${process.version}; ${lines.length} lines of ${path}, ${n} candidates; ` +
  `${targets.length} targets (${perTarget.map((p) => p.length).join(', ')} candidates each), ${detectors.length} detector(s)\n`);

// The cut text and time of every candidate, for each detector.
const cut = detectors.map(() => ({ text: new Array<string>(n).fill(''), time: new Float64Array(n) }));

// Best of `rounds` runs, in process CPU time (the machine is shared; wall time would
// count other programs' turns too).
function best(label: string, per: number, fn: () => number): number {
  let min = Infinity;
  let result = 0;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    result = fn();
    const c = process.cpuUsage(c0);
    const ns = (c.user + c.system) * 1000;
    if (ns < min) min = ns;
  }
  process.stdout.write(`${label.padEnd(46)} ${(min / per).toFixed(0).padStart(6)} ns/line  (${per} lines, check ${result})\n`);
  return min;
}

const digest = createHash('sha256');
let total = 0;
detectors.forEach((det, d) => {
  const out = cut[d]!;
  total += best(`detector ${d}: match`, n, () => {
    let dated = 0;
    for (let i = 0; i < n; i++) {
      const m = det.match(candidateLines[i]!, REF);
      if (m !== undefined && m.time !== undefined) dated++;
    }
    return dated;
  });
  // The same without a result object per line (absent from builds before it existed).
  const transient = (det as Partial<typeof det>).matchTransient?.bind(det);
  if (transient !== undefined) {
    best(`detector ${d}: matchTransient`, n, () => {
      let dated = 0;
      for (let i = 0; i < n; i++) {
        const m = transient(candidateLines[i]!, REF);
        if (m !== undefined && m.time !== undefined) dated++;
      }
      return dated;
    });
  }
  // Untimed: the cut texts the processors get, and the digest of every date.
  for (let i = 0; i < n; i++) {
    const line = candidateLines[i]!;
    const m = det.match(line, REF);
    if (m !== undefined && m.time !== undefined) {
      out.time[i] = m.time;
      out.text[i] = line.slice(0, m.start) + line.slice(m.end);
      digest.update(`${d} ${i} ${m.start} ${m.end} ${m.time}\n`);
    } else {
      out.time[i] = NaN;
      digest.update(`${d} ${i} ${m === undefined ? '-' : `${m.start} ${m.end}`}\n`);
    }
  }
});

let processed = 0;
targets.forEach((t, ti) => {
  const proc = createLineProcessor(t.filter, { mode: 'first' });
  const idx = perTarget[ti]!;
  const { text, time } = cut[detectorOf[ti]!]!;
  processed += idx.length;
  // What scan-file reads of a result: ids and users, copied at once.
  const ids = new Array<string | undefined>(idx.length * 2).fill(undefined);
  const users = new Array<string | undefined>(idx.length * 2).fill(undefined);
  total += best(`target ${ti}: process`, idx.length, () => {
    let hits = 0;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const tm = time[i]!;
      if (Number.isNaN(tm)) continue;
      const r = proc.process(text[i]!, tm);
      if (r === undefined) continue;
      for (const f of r.failures) {
        if (f.id === undefined) continue;
        hits++;
        ids[2 * k] = f.id;
        users[2 * k] = f.user;
      }
      if (r.success !== undefined) {
        hits++;
        ids[2 * k + 1] = r.success.id;
        users[2 * k + 1] = r.success.user;
      }
    }
    return hits;
  });
  for (let k = 0; k < ids.length; k++) {
    if (ids[k] !== undefined) digest.update(`${ti} ${idx[k >> 1]} ${k & 1 ? 'S' : 'F'} ${ids[k]} ${users[k] ?? '-'}\n`);
  }
});
process.stdout.write(`${'sum (match + process), per candidate line'.padEnd(46)} ${(total / n).toFixed(0).padStart(6)} ns/line` +
  `  (${processed} target runs)\ndigest ${digest.digest('hex').slice(0, 16)}\n`);
