// The benchmark corpus: the samples/ story (bench/make-samples.ts) at a large --scale plus
// older weekly gzip archives, cached outside the repository and keyed by the generator's
// own source, so an edit to the model regenerates it. Two views of one generated set:
// 1x (≥ 4 M lines) and 2x (the same mail server over about twice the time).
//
// Usage: node build/bench/make-corpus.js [--cache DIR] [--scale N] [--seed S] [--weeks N] [--weeks-2x N]

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where and how big. */
export interface CorpusOptions {
  /** Root of the cache (default $BANREPLAY_BENCH_CACHE or ~/.cache/banreplay-bench). */
  cache: string;
  scale: number;
  seed: string;
  /** History weeks in the 1x corpus (on top of the ~3.6 story weeks). */
  weeks: number;
  /** History weeks generated, and used by the 2x corpus. */
  weeks2x: number;
  /** gzip level of the archives (logrotate's default is 6). */
  gzipLevel: number;
}

/** A generated corpus, ready to read. */
export interface Corpus {
  /** Directory holding the 1x files (hard links). */
  dir: string;
  files: string[];
  /** Directory holding every generated file (the 2x corpus). */
  dir2x: string;
  files2x: string[];
  /** `--now` that makes audits of the corpus reproducible (the live file's collection time). */
  now: string;
  /** What make-samples printed when it generated the set. */
  summary: string;
}

/** Defaults: 4.3 M lines in 11 weekly files (1x), 8.4 M in 21 (2x). */
export const DEFAULT_CORPUS: CorpusOptions = {
  cache: process.env['BANREPLAY_BENCH_CACHE'] ?? join(homedir(), '.cache', 'banreplay-bench'),
  scale: 300,
  seed: '2026',
  weeks: 7,
  weeks2x: 17,
  gzipLevel: 6,
};

const HERE = dirname(fileURLToPath(import.meta.url));
// build/bench/make-corpus.js → repository root.
const ROOT = join(HERE, '..', '..');

// The generator's sources: when one changes, the cached corpus is stale.
function generatorHash(): string {
  const h = createHash('sha256');
  const corpusDir = join(ROOT, 'bench', 'corpus');
  const sources = [join(ROOT, 'bench', 'make-samples.ts'), ...readdirSync(corpusDir).sort().map((f) => join(corpusDir, f))];
  for (const file of sources) h.update(file.slice(ROOT.length)).update(readFileSync(file));
  return h.digest('hex').slice(0, 12);
}

// Story files, newest first; history archives follow as maillog.4.gz, maillog.5.gz, ...
function fileNames(weeks: number): string[] {
  const names = ['maillog', 'maillog.1', 'maillog.2.gz', 'maillog.3.gz'];
  for (let k = 1; k <= weeks; k++) names.push(`maillog.${3 + k}.gz`);
  return names;
}

function linkSet(from: string, to: string, names: readonly string[]): void {
  mkdirSync(to, { recursive: true });
  for (const n of names) linkSync(join(from, n), join(to, n));
}

/** Returns the cached corpus, generating it first when missing (takes a few minutes). */
export function ensureCorpus(opts: CorpusOptions, log: (line: string) => void = () => undefined): Corpus {
  if (opts.weeks2x < opts.weeks) throw new Error('--weeks-2x must be at least --weeks');
  const key = `seed${opts.seed}-s${opts.scale}-w${opts.weeks}-${opts.weeks2x}-z${opts.gzipLevel}-${generatorHash()}`;
  const root = join(opts.cache, key);
  const meta = join(root, 'corpus.json');
  if (!existsSync(meta)) {
    rmSync(root, { recursive: true, force: true });
    const tmp = `${root}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    log(`generating the corpus in ${root} (once; seed ${opts.seed}, scale ${opts.scale}, ${opts.weeks2x} history weeks)...`);
    const r = spawnSync(
      process.execPath,
      [join(HERE, 'make-samples.js'), '--out', join(tmp, 'all'), '--scale', String(opts.scale), '--seed', opts.seed,
        '--history-weeks', String(opts.weeks2x), '--gzip-level', String(opts.gzipLevel)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
    );
    if (r.status !== 0) throw new Error(`make-samples failed (exit ${String(r.status)})`);
    const now = /--now (\S+)/.exec(r.stdout)?.[1];
    if (now === undefined) throw new Error('make-samples did not print the reference time');
    // Hard links: the 1x and 2x views share the bytes (mtimes included).
    linkSet(join(tmp, 'all'), join(tmp, '1x'), fileNames(opts.weeks));
    linkSet(join(tmp, 'all'), join(tmp, '2x'), fileNames(opts.weeks2x));
    writeFileSync(join(tmp, 'corpus.json'), JSON.stringify({ options: { ...opts, cache: undefined }, now, summary: r.stdout }, null, 2) + '\n');
    renameSync(tmp, root);
  }
  const saved = JSON.parse(readFileSync(meta, 'utf8')) as { now: string; summary: string };
  const dir = join(root, '1x');
  const dir2x = join(root, '2x');
  return {
    dir,
    files: fileNames(opts.weeks).map((n) => join(dir, n)),
    dir2x,
    files2x: fileNames(opts.weeks2x).map((n) => join(dir2x, n)),
    now: saved.now,
    summary: saved.summary,
  };
}

/** Parses the corpus options shared by make-corpus and e2e; unknown flags are returned. */
export function parseCorpusArgs(argv: readonly string[], base: CorpusOptions = DEFAULT_CORPUS): { opts: CorpusOptions; rest: string[] } {
  const opts = { ...base };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (min: number): number => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min) throw new Error(`${a} must be an integer ≥ ${min}`);
      return n;
    };
    if (a === '--cache') opts.cache = value();
    else if (a === '--scale') opts.scale = int(1);
    else if (a === '--seed') opts.seed = value();
    else if (a === '--weeks') opts.weeks = int(0);
    else if (a === '--weeks-2x') opts.weeks2x = int(0);
    else rest.push(a);
  }
  return { opts, rest };
}

// Run directly: generate (or find) the corpus and print where it is.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { opts, rest } = parseCorpusArgs(process.argv.slice(2));
    if (rest.length > 0) throw new Error(`unknown option ${rest[0]!}`);
    const c = ensureCorpus(opts, (line) => process.stderr.write(line + '\n'));
    process.stdout.write(`${c.summary}\n1x: ${c.dir} (${c.files.length} files)\n2x: ${c.dir2x} (${c.files2x.length} files)\n--now ${c.now}\n`);
  } catch (err) {
    process.stderr.write(`make-corpus: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
