// Where a scanned line's time goes: the audit plan of the three mail jails (as the CLI
// resolves it), run stage by stage over lines held in memory — each target's literal
// pre-check (pass rate, ns/line), date parsing of candidate lines, the filters, then
// scanFile (inline) and scanAll (inline and with workers) on the files themselves.
// Usage (after building the tests): node build/bench/micro/scan-stages.bench.js FILE... [--lines N]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readReplayArgs } from '../../src/cli/options.js';
import { resolveAuditConfig } from '../../src/cli/resolve-config.js';
import { createLineProcessor } from '../../src/filter/line-processor.js';
import { mayMatch } from '../../src/filter/may-match.js';
import { scanAll } from '../../src/pipeline/scan-all.js';
import { scanFile } from '../../src/pipeline/scan-file.js';
import { discoverSources } from '../../src/source/discover.js';

const FILTERS = fileURLToPath(new URL('../../../filters/', import.meta.url));
const argv = process.argv.slice(2);
const limitAt = argv.indexOf('--lines');
const limit = limitAt === -1 ? 300_000 : Number(argv[limitAt + 1]);
const paths = argv.filter((_, i) => limitAt === -1 || (i !== limitAt && i !== limitAt + 1));
if (paths.length === 0) {
  process.stderr.write('usage: scan-stages.bench.js FILE... [--lines N]\n');
  process.exit(1);
}

const args = readReplayArgs({ paths, jail: ['dovecot', 'postfix', 'postfix-sasl'], now: '2026-01-15T14:33:00Z', timezone: 'UTC', rotated: false });
const config = resolveAuditConfig(args, FILTERS);
const { targets, detectors } = config.scan;

// Lines of the first file, decoded once.
const raw = readFileSync(paths[0]!);
const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('latin1');
const lines = text.split('\n', limit).filter((l) => l !== '');
const n = lines.length;
const ns = (ms: number): string => `${((ms * 1e6) / n).toFixed(0).padStart(5)} ns/line`;

function time(label: string, fn: () => number): number {
  fn(); // warm-up
  const t0 = performance.now();
  const r = fn();
  const ms = performance.now() - t0;
  process.stdout.write(`${label.padEnd(44)} ${ns(ms)}  ${String(r).padStart(8)}\n`);
  return ms;
}

process.stdout.write(`${n} lines of ${paths[0]}; ${targets.length} targets, ${detectors.length} detector(s)\n`);
let precheck = 0;
targets.forEach((t, i) => {
  precheck += time(`mayMatch target ${i} (jail ${t.jail}${t.successOnly === true ? ', built-in success' : ''}): passes`, () => {
    let pass = 0;
    for (const line of lines) if (mayMatch(t.filter, line)) pass++;
    return pass;
  });
});
process.stdout.write(`${'all pre-checks'.padEnd(44)} ${ns(precheck)}\n`);

// Lines some target lets through, dated by the first target's detector, date cut out.
const REF = Date.UTC(2026, 0, 15, 14, 33);
const detector = detectors[targets[0]!.detector]!;
const passing = lines.filter((line) => targets.some((t) => mayMatch(t.filter, line)));
const candidates: { text: string; time: number }[] = [];
time(`date of the ${passing.length} candidate lines: dated`, () => {
  candidates.length = 0;
  for (const line of passing) {
    const m = detector.match(line, REF);
    if (m?.time !== undefined) candidates.push({ text: line.slice(0, m.start) + line.slice(m.end), time: m.time });
  }
  return candidates.length;
});
targets.forEach((t, i) => {
  const proc = createLineProcessor(t.filter, { mode: 'first' });
  time(`filter target ${i} on candidates: results`, () => {
    let hits = 0;
    for (const c of candidates) if (proc.process(c.text, c.time) !== undefined) hits++;
    return hits;
  });
});

const { files } = await discoverSources(paths, { rotated: false });
const base = { ...config.scan, stdin: undefined, signal: undefined };
const u0 = process.cpuUsage();
let t0 = performance.now();
const one = await scanFile(files[0]!, 0, base);
let cpu = process.cpuUsage(u0);
process.stdout.write(`scanFile ${files[0]!.path}: ${one.stats.lines} lines, ${(performance.now() - t0).toFixed(0)} ms wall, ` +
  `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ${one.hits.length} hits\n`);
for (const threads of [1, 2]) {
  const u1 = process.cpuUsage();
  t0 = performance.now();
  const all = await scanAll(files, { ...base, threads });
  cpu = process.cpuUsage(u1);
  const lineCount = all.files.reduce((s, f) => s + f.lines, 0);
  const wall = performance.now() - t0;
  process.stdout.write(`scanAll threads=${threads}: ${lineCount} lines, ${wall.toFixed(0)} ms wall (${((lineCount / wall) * 1000 / 1e6).toFixed(2)} M lines/s), ` +
    `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, ${all.hits.length} hits, workers ${all.parallel.workers} (${all.parallel.files} files)\n`);
}
