// End-to-end benchmark (issue #4): the built CLI on the cached corpus (make-corpus.ts)
// against the I/O floor `zcat -f FILES | wc -l` and fail2ban-regex. Rounds alternate the
// commands; medians are reported, with peak RSS, and the result is appended to
// bench/results.md with the machine (date, Node, cores, CPU).
//
// Usage: npm run bench -- [--runs N] [--cli dist/cli/main.js] [--slice 200000] [--f2b-runs 1]
//          [--no-f2b] [--no-2x] [--no-append] [--cache DIR] [--scale N] [--seed S] [--weeks N] [--weeks-2x N]
// fail2ban-regex (`$BANREPLAY_F2B_DIR`, an extracted fail2ban package root, or one on PATH)
// takes minutes on the slice, so by default it runs in the first round only.

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus, parseCorpusArgs, type Corpus } from './make-corpus.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const JAILS = ['dovecot', 'postfix', 'postfix-sasl'];
// fail2ban-regex takes the filters the three jails use (filters/jail.conf).
const F2B_FILTERS = ['dovecot', 'postfix[mode=more]', 'postfix[mode=auth]'];
const GRID = ['--maxretry', '3,5,10', '--findtime', '10m,1h,1d', '--bantime', '10m,1h,1d,1w'];
const TARGETS = { floorRatio: 1.5, f2bRatio: 50, rssMb: 250, growth: 0.1, tuneRatio: 2, helpMs: 150 };

interface Options {
  runs: number;
  cli: string;
  slice: number;
  f2b: boolean;
  f2bRuns: number;
  twice: boolean;
  append: boolean;
  helpRuns: number;
}

/** One timed process. */
interface Run {
  wallMs: number;
  rssKb: number | undefined;
  /** User + system CPU (GNU time only): tells contention on a shared machine from slowness. */
  cpuMs: number | undefined;
  stdout: string;
  code: number | null;
}

function parseArgs(argv: readonly string[]): { opts: Options; corpus: ReturnType<typeof parseCorpusArgs>['opts'] } {
  const { opts: corpus, rest } = parseCorpusArgs(argv);
  const opts: Options = { runs: 3, cli: join(ROOT, 'dist', 'cli', 'main.js'), slice: 200_000, f2b: true, f2bRuns: 1, twice: true, append: true, helpRuns: 15 };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') opts.runs = Math.max(1, Number(value()) | 0);
    else if (a === '--cli') opts.cli = value();
    else if (a === '--slice') opts.slice = Math.max(1000, Number(value()) | 0);
    else if (a === '--no-f2b') opts.f2b = false;
    else if (a === '--f2b-runs') opts.f2bRuns = Math.max(1, Number(value()) | 0);
    else if (a === '--no-2x') opts.twice = false;
    else if (a === '--no-append') opts.append = false;
    else throw new Error(`unknown option ${a}`);
  }
  return { opts, corpus };
}

const GNU_TIME = ((): boolean => {
  if (!existsSync('/usr/bin/time')) return false;
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /^\d+ [\d.]+ [\d.]+\s*$/m.test(r.stderr);
})();

// Runs a command; peak RSS from GNU time (-f %M), else by polling /proc/<pid>/status (VmHWM).
function timed(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; stdoutFile?: string } = {}): Promise<Run> {
  const rssFile = join(WORK, `rss-${process.hrtime.bigint()}`);
  const [file, argv] = GNU_TIME ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, argv, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    if (opts.stdoutFile !== undefined) child.stdout.pipe(createWriteStream(opts.stdoutFile));
    else child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    let polled: number | undefined;
    const poll = GNU_TIME
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m !== null) polled = Math.max(polled ?? 0, Number(m[1]));
          } catch {
            // exited between polls
          }
        }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (poll !== undefined) clearInterval(poll);
      let rssKb = polled;
      let cpuMs: number | undefined;
      if (GNU_TIME && existsSync(rssFile)) {
        const m = /(\d+) ([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(rssFile, 'utf8').trim());
        rssKb = m === null ? undefined : Number(m[1]);
        cpuMs = m === null ? undefined : (Number(m[2]) + Number(m[3])) * 1000;
        rmSync(rssFile, { force: true });
      }
      resolve({ wallMs, rssKb, cpuMs, stdout, code });
    });
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

function fmtRate(linesPerSec: number): string {
  return linesPerSec >= 1e6 ? `${(linesPerSec / 1e6).toFixed(2)} M/s` : `${(linesPerSec / 1e3).toFixed(1)} k/s`;
}

function mb(kb: number | undefined): string {
  return kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`;
}

/** How to run fail2ban-regex here, if at all. */
function findFail2banRegex(): { cmd: string; args: string[]; env: NodeJS.ProcessEnv; label: string } | undefined {
  const dir = process.env['BANREPLAY_F2B_DIR'];
  if (dir !== undefined && dir !== '') {
    const script = join(dir, 'usr', 'bin', 'fail2ban-regex');
    const lib = join(dir, 'usr', 'lib', 'python3', 'dist-packages');
    if (existsSync(script)) {
      const pp = process.env['PYTHONPATH'];
      return { cmd: 'python3', args: [script], env: { ...process.env, PYTHONPATH: pp ? `${lib}:${pp}` : lib }, label: '$BANREPLAY_F2B_DIR/usr/bin/fail2ban-regex' };
    }
  }
  const r = spawnSync('fail2ban-regex', ['--version'], { encoding: 'utf8' });
  if (r.status === 0) return { cmd: 'fail2ban-regex', args: [], env: process.env, label: 'fail2ban-regex on PATH' };
  return undefined;
}

function fail2banVersion(f2b: NonNullable<ReturnType<typeof findFail2banRegex>>): string {
  const r = spawnSync(f2b.cmd, [...f2b.args, '-V'], { env: f2b.env, encoding: 'utf8' });
  return r.stdout.trim() || 'unknown version';
}

function cpuModel(): string {
  const model = cpus()[0]?.model?.trim();
  if (model !== undefined && model !== '') return model;
  return /model name\s*:\s*(.+)/.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? 'unknown CPU';
}

// Writes the first `lines` lines of the corpus (oldest file first) to a plain file.
function writeSlice(corpus: Corpus, lines: number, out: string): number {
  const oldestFirst = [...corpus.files].reverse();
  const r = spawnSync('sh', ['-c', `zcat -f "$@" | head -n ${lines} > '${out}'; wc -l < '${out}'`, 'sh', ...oldestFirst], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot write the slice: ${r.stderr}`);
  return Number(r.stdout.trim());
}

function hasTune(cli: string): boolean {
  const r = spawnSync(process.execPath, [cli, 'tune', '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return r.status === 0 && /tune/.test(r.stdout);
}

let WORK = '';

async function main(): Promise<number> {
  const { opts, corpus: corpusOpts } = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.cli)) throw new Error(`${opts.cli} not found: npm run build first`);
  WORK = mkdtempSync(join(tmpdir(), 'banreplay-e2e-'));
  try {
    const log = (s: string): void => void process.stderr.write(s + '\n');
    const corpus = ensureCorpus(corpusOpts, log);
    const node = process.execPath;
    const common = [...JAILS.flatMap((j) => ['--jail', j]), '--now', corpus.now, '--timezone', 'UTC', '--format', 'json', '--no-color'];
    const auditArgs = (dir: string): string[] => [opts.cli, 'audit', dir, ...common];
    // The default output, what a terminal or a cron mail shows: its rendering is timed too.
    const tableArgs = [opts.cli, 'audit', corpus.dir, ...common.map((a) => (a === 'json' ? 'table' : a))];
    const tune = hasTune(opts.cli);
    const f2b = opts.f2b ? findFail2banRegex() : undefined;
    let sliceFile: string | undefined;
    let sliceLines = 0;
    if (f2b !== undefined) {
      sliceFile = join(WORK, 'slice.log');
      sliceLines = writeSlice(corpus, opts.slice, sliceFile);
    }
    log(`corpus: ${corpus.dir} (${corpus.files.length} files); ${opts.runs} round(s); tune ${tune ? 'on' : 'skipped'}; fail2ban-regex ${f2b === undefined ? 'skipped' : 'on'}`);

    const floor: Run[] = [];
    const audit: Run[] = [];
    const tableRuns: Run[] = [];
    const tuneRuns: Run[] = [];
    const f2bRuns: number[][] = [];
    let lines = 0;
    const auditOut = join(WORK, 'audit.json');
    for (let round = 0; round < opts.runs; round++) {
      const f = await timed('sh', ['-c', 'zcat -f "$@" | wc -l', 'sh', ...corpus.files]);
      floor.push(f);
      lines = Number(f.stdout.trim());
      const a = await timed(node, auditArgs(corpus.dir), { stdoutFile: auditOut });
      if (a.code !== 0) throw new Error(`audit exited with ${String(a.code)}`);
      audit.push(a);
      const tb = await timed(node, tableArgs, { stdoutFile: join(WORK, 'audit.txt') });
      if (tb.code !== 0) throw new Error(`audit --format table exited with ${String(tb.code)}`);
      tableRuns.push(tb);
      if (tune) {
        const t = await timed(node, [opts.cli, 'tune', corpus.dir, ...common, ...GRID]);
        if (t.code !== 0) throw new Error(`tune exited with ${String(t.code)}`);
        tuneRuns.push(t);
      }
      if (f2b !== undefined && sliceFile !== undefined && round < opts.f2bRuns) {
        const times: number[] = [];
        for (const filter of F2B_FILTERS) {
          const r = await timed(f2b.cmd, [...f2b.args, '-c', join(ROOT, 'filters'), '--print-no-missed', '--print-no-ignored', sliceFile, filter], { env: f2b.env });
          if (r.code !== 0) throw new Error(`fail2ban-regex ${filter} exited with ${String(r.code)}`);
          times.push(r.wallMs);
        }
        f2bRuns.push(times);
      }
      log(`round ${round + 1}: floor ${fmtMs(f.wallMs)}, audit ${fmtMs(a.wallMs)} ${mb(a.rssKb)}, table ${fmtMs(tb.wallMs)}` +
        (tuneRuns.length > round ? `, tune ${fmtMs(tuneRuns[round]!.wallMs)}` : '') +
        (f2bRuns.length > round ? `, fail2ban-regex ${f2bRuns[round]!.map(fmtMs).join(' + ')}` : ''));
    }
    const report = JSON.parse(readFileSync(auditOut, 'utf8')) as { stats: { lines: number; failures: number; successes: number; bannedIps: number }; ips: unknown[] };
    if (report.stats.lines !== lines) throw new Error(`audit read ${report.stats.lines} lines, wc -l counted ${lines}`);

    const help: number[] = [];
    for (let i = 0; i < opts.helpRuns; i++) help.push((await timed(node, [opts.cli, '--help'])).wallMs);

    let twice: { lines: number; rssKb: number | undefined; wallMs: number } | undefined;
    if (opts.twice) {
      const out2 = join(WORK, 'audit-2x.json');
      const r = await timed(node, auditArgs(corpus.dir2x), { stdoutFile: out2 });
      if (r.code !== 0) throw new Error(`audit (2x) exited with ${String(r.code)}`);
      const lines2 = (JSON.parse(readFileSync(out2, 'utf8')) as { stats: { lines: number } }).stats.lines;
      twice = { lines: lines2, rssKb: r.rssKb, wallMs: r.wallMs };
    }

    // Results.
    const floorMs = median(floor.map((r) => r.wallMs));
    const auditMs = median(audit.map((r) => r.wallMs));
    const auditRss = median(audit.map((r) => r.rssKb ?? 0));
    const auditRate = lines / (auditMs / 1000);
    const rows: [string, string, string, string][] = [];
    const cpu = (runs: readonly Run[]): string => (runs.every((r) => r.cpuMs !== undefined) ? `; CPU ${fmtMs(median(runs.map((r) => r.cpuMs!)))}` : '');
    const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');
    rows.push(['`zcat -f \\| wc -l` (floor)', fmtMs(floorMs), `${fmtRate(lines / (floorMs / 1000))}`, cpu(floor).replace(/^; /, '')]);
    rows.push(['`audit` (3 jails, GeoIP)', fmtMs(auditMs), fmtRate(auditRate), `${(auditMs / floorMs).toFixed(2)}× floor (target ≤ ${TARGETS.floorRatio}×: ${verdict(auditMs / floorMs <= TARGETS.floorRatio)}); peak RSS ${mb(auditRss)} (≤ ${TARGETS.rssMb} MB: ${verdict(auditRss / 1024 <= TARGETS.rssMb)})${cpu(audit)}`]);
    const tableMs = median(tableRuns.map((r) => r.wallMs));
    rows.push(['`audit --format table` (default output)', fmtMs(tableMs), fmtRate(lines / (tableMs / 1000)), `${(tableMs / auditMs).toFixed(2)}× the JSON audit; peak RSS ${mb(median(tableRuns.map((r) => r.rssKb ?? 0)))}${cpu(tableRuns)}`]);
    if (tuneRuns.length > 0) {
      const tuneMs = median(tuneRuns.map((r) => r.wallMs));
      const tuneRss = median(tuneRuns.map((r) => r.rssKb ?? 0));
      rows.push(['`tune` 3×3×4 grid', fmtMs(tuneMs), fmtRate(lines / (tuneMs / 1000)), `${(tuneMs / auditMs).toFixed(2)}× audit (target ≤ ${TARGETS.tuneRatio}×: ${verdict(tuneMs / auditMs <= TARGETS.tuneRatio)}); peak RSS ${mb(tuneRss)}${cpu(tuneRuns)}`]);
    } else {
      rows.push(['`tune` 3×3×4 grid', 'skipped', '', 'no `tune` command in this build']);
    }
    if (f2bRuns.length > 0) {
      const perFilter = F2B_FILTERS.map((_, i) => median(f2bRuns.map((t) => t[i]!)));
      const total = perFilter.reduce((a, b) => a + b, 0);
      const f2bRate = sliceLines / (total / 1000);
      rows.push([`fail2ban-regex ×3 filters, ${sliceLines} lines`, fmtMs(total), fmtRate(f2bRate), `audit is ${(auditRate / f2bRate).toFixed(0)}× faster per line (target ≥ ${TARGETS.f2bRatio}×: ${verdict(auditRate / f2bRate >= TARGETS.f2bRatio)}); per filter ${perFilter.map(fmtMs).join(' / ')}`]);
    } else {
      rows.push(['fail2ban-regex', 'skipped', '', opts.f2b ? 'not found (set BANREPLAY_F2B_DIR or put fail2ban-regex on PATH)' : '--no-f2b']);
    }
    if (twice !== undefined) {
      const growth = twice.rssKb !== undefined && auditRss > 0 ? twice.rssKb / auditRss - 1 : NaN;
      rows.push([`\`audit\` on 2x corpus (${(twice.lines / lines).toFixed(2)}× lines)`, fmtMs(twice.wallMs), fmtRate(twice.lines / (twice.wallMs / 1000)), `peak RSS ${mb(twice.rssKb)}: ${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(0)} % (target ≤ +${TARGETS.growth * 100} %: ${verdict(growth <= TARGETS.growth)})`]);
    }
    const helpMs = median(help);
    rows.push(['`banreplay --help`', fmtMs(helpMs), '', `start-up (target ≤ ${TARGETS.helpMs} ms: ${verdict(helpMs <= TARGETS.helpMs)})`]);

    const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const machine = `${cpus().length} cores, ${cpuModel()}, Node ${process.version}, ${hostname()}`;
    const corpusLine = `${lines.toLocaleString('en-US')} lines in ${corpus.files.length} files (${corpus.files.filter((f) => f.endsWith('.gz')).length} gzip), ` +
      `scale ${corpusOpts.scale}, seed ${corpusOpts.seed}, ${corpusOpts.weeks} history weeks; ${report.stats.failures} failures, ${report.stats.successes} successes, ${report.ips.length} addresses`;
    const table = [
      '| command | wall (median) | lines/s | notes |',
      '|---|---:|---:|---|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
    const md = [
      `### ${when}`,
      '',
      `${machine}. Corpus: ${corpusLine}. Medians of ${opts.runs} alternating round(s); ` +
        `fail2ban-regex: ${f2b === undefined ? 'not run' : `${fail2banVersion(f2b)}, ${f2b.label}, ${f2bRuns.length} run(s)`}; peak RSS via ${GNU_TIME ? 'GNU time' : '/proc VmHWM polling'}.`,
      '',
      table,
      '',
    ].join('\n');
    process.stdout.write(`\n${md}\n`);
    if (opts.append) {
      appendFileSync(join(ROOT, 'bench', 'results.md'), `\n${md}`);
      log('appended to bench/results.md');
    }
    return 0;
  } finally {
    rmSync(WORK, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`e2e: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
