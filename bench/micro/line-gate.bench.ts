// Measures the chunk-level line gate (#4): readLines over real mail logs with and without
// the gate built from the bench jails' filters (dovecot, postfix[mode=more], postfix[mode=auth])
// plus the built-in success filter, bare and with mayMatch on every delivered line, next to
// `zcat -f FILE | wc -l`. Usage (after building the tests into DIR):
//   node DIR/bench/micro/line-gate.bench.js [runs=3] [FILE...]
// Default files: the bench corpus' maillog.1 (plain) and maillog.2.gz (made by npm run bench,
// cached; generated here when missing).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFilter } from '../../src/config/load-filter.js';
import { compileFilter, type CompiledFilter } from '../../src/filter/compile-filter.js';
import { buildLineGate, gateLiterals, type GateLiterals, type LineGate } from '../../src/filter/line-gate.js';
import { mayMatch } from '../../src/filter/may-match.js';
import { readLines } from '../../src/lines/read-lines.js';
import { DEFAULT_CORPUS, ensureCorpus } from '../make-corpus.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const runs = Number(process.argv[2] ?? 3);
const files = process.argv.length > 3 ? process.argv.slice(3) : defaultFiles();

function defaultFiles(): string[] {
  const { dir } = ensureCorpus(DEFAULT_CORPUS, (line) => console.log(line));
  return [join(dir, 'maillog.1'), join(dir, 'maillog.2.gz')];
}

// As resolve-config compiles them: the jail's filter string, the filter's own datepattern.
function compile(ref: string, dirs: string[]): CompiledFilter {
  const def = loadFilter(ref, { filterDirs: dirs });
  return compileFilter(def, { datepattern: def.datepattern });
}
const filters = [
  compile('dovecot[mode=normal]', [ROOT + 'filters/filter.d']),
  compile('postfix[mode=more]', [ROOT + 'filters/filter.d']),
  compile('postfix[mode=auth]', [ROOT + 'filters/filter.d']),
  compile(ROOT + 'filters/success.d/mail-success.conf', []),
];

// The runner-up, for comparison: one indexOf (or regex) per literal, each literal's next
// position cached per text, so every literal scans a chunk once.
function indexOfGate(lits: GateLiterals): LineGate {
  const exact = lits.exact;
  const patterns = lits.patterns.map((p) => new RegExp(p.source, 'g'));
  const n = exact.length + patterns.length;
  const pos = new Float64Array(n);
  let current: string | undefined;
  let last = 0;
  return {
    next(text: string, from: number): number {
      if (text !== current || from < last) {
        current = text;
        pos.fill(-1);
      }
      last = from;
      let best = Infinity;
      for (let i = 0; i < n; i++) {
        let p = pos[i]!;
        if (p < from) {
          if (i < exact.length) p = text.indexOf(exact[i]!, from);
          else {
            const re = patterns[i - exact.length]!;
            re.lastIndex = from;
            p = re.exec(text)?.index ?? -1;
          }
          pos[i] = p = p === -1 ? Infinity : p;
        }
        if (p < best) best = p;
      }
      return best === Infinity ? -1 : best;
    },
  };
}

interface Outcome {
  lines: number;
  delivered: number;
  candidates: number;
}

async function read(path: string, gate: LineGate | undefined, match: boolean): Promise<Outcome> {
  let delivered = 0;
  let candidates = 0;
  const onLine = match
    ? (line: string): void => {
      delivered++;
      for (let i = 0; i < filters.length; i++) if (mayMatch(filters[i]!, line)) candidates++;
    }
    : (): void => {
      delivered++;
    };
  const r = await readLines({ path, mtimeMs: undefined, size: undefined }, onLine, { gate, head: 200 });
  if (r.error !== undefined) throw r.error;
  return { lines: r.lines, delivered, candidates };
}

async function best(fn: () => Promise<Outcome> | Outcome): Promise<[number, Outcome]> {
  let t = Infinity;
  let out: Outcome = { lines: 0, delivered: 0, candidates: 0 };
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    out = await fn();
    t = Math.min(t, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return [t, out];
}

function floor(path: string): Outcome {
  const r = spawnSync('sh', ['-c', `zcat -f '${path}' | wc -l`], { encoding: 'utf8' });
  const lines = Number(r.stdout.trim());
  return { lines, delivered: lines, candidates: 0 };
}

function row(label: string, t: number, o: Outcome, extra = ''): void {
  const frac = o.lines > 0 ? ((100 * o.delivered) / o.lines).toFixed(1) : '-';
  console.log(`  ${label.padEnd(34)} ${t.toFixed(3)} s  ${(o.lines / t / 1e6).toFixed(2).padStart(5)} M lines/s  delivered ${String(o.delivered).padStart(8)} (${frac.padStart(5)} %)${extra}`);
}

const lits = gateLiterals(filters);
console.log(`node ${process.version}, best of ${runs}; gate literals: ${lits === undefined ? 'none (ungateable)' : [...lits.exact, ...lits.patterns.map(String)].join(' | ')}`);
for (const path of files) {
  if (!existsSync(path)) {
    console.log(`${path}: not found, skipped`);
    continue;
  }
  console.log(`${path} (${(statSync(path).size / 1048576).toFixed(1)} MB on disk)`);
  const [tf, of] = await best(() => floor(path));
  row('zcat -f | wc -l', tf, of);
  const gates: Array<[string, LineGate | undefined]> = [['regex', buildLineGate(filters)], ['indexOf', lits === undefined ? undefined : indexOfGate(lits)]];
  const [t0, o0] = await best(() => read(path, undefined, false));
  row('readLines, no gate', t0, o0);
  const bare = new Map<string, number>();
  for (const [search, gate] of gates) {
    const [t, o] = await best(() => read(path, gate, false));
    bare.set(search, t);
    row(`readLines, gate (${search})`, t, o);
  }
  const [t1, o1] = await best(() => read(path, undefined, true));
  row('readLines + mayMatch, no gate', t1, o1, `  mayMatch ${(t1 - t0).toFixed(3)} s`);
  const [search, gate] = gates[0]!;
  const [t2, o2] = await best(() => read(path, gate, true));
  row(`readLines + mayMatch, gate (${search})`, t2, o2, `  mayMatch ${(t2 - bare.get(search)!).toFixed(3)} s`);
  // The gate may only drop lines mayMatch rejects for every filter.
  if (o2.candidates !== o1.candidates) throw new Error(`gate lost candidates: ${o2.candidates} of ${o1.candidates}`);
  console.log(`  candidates (mayMatch true, summed over filters): ${o1.candidates} with and without the gate; total ${((t1 / t2 - 1) * 100).toFixed(0)} % faster with it`);
}
