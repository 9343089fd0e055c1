// `npm run conformance`: every failJSON-annotated test log of Debian's fail2ban package
// through banreplay with fail2ban's own filter.d, scored per filter. Exits 1 when a filter
// of the mail+sshd target list is below 100 % (with --all: any filter). Runs only when
// invoked as `node conformance.js run`, so `node --test build/test/` merely imports it.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fetchFail2ban, locateTree } from './fetch-fail2ban.js';
import type { Fail2banTree } from './fetch-fail2ban.js';
import { isClean, percent, scoreFilter } from './score-filter.js';
import type { FilterScore } from './score-filter.js';

/** The filters that must stay at 100 % (issue 3). */
export const TARGET_FILTERS: readonly string[] = [
  'dovecot', 'postfix', 'sendmail-auth', 'sendmail-reject', 'courier-auth', 'courier-smtp',
  'cyrus-imap', 'exim', 'exim-spam', 'sieve', 'roundcube-auth', 'sshd',
];

const USAGE = `usage: conformance run [--all] [--filter NAME]... [--verbose] [--f2b-root DIR]
  --all           fail unless every filter is at 100 % (default: the mail+sshd targets)
  --filter NAME   score only these filters (repeatable)
  --verbose, -v   list every disagreeing line (default: the first 10 per filter)
  --f2b-root DIR  use an already extracted fail2ban package (also BANREPLAY_F2B_ROOT)`;

interface Args {
  all: boolean;
  only: string[];
  verbose: boolean;
  root: string | undefined;
}

function parseArgs(argv: readonly string[]): Args | string {
  const a: Args = { all: false, only: [], verbose: false, root: undefined };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--all') a.all = true;
    else if (x === '--verbose' || x === '-v') a.verbose = true;
    else if (x === '--filter' || x === '--f2b-root') {
      const v = argv[++i];
      if (v === undefined) return `${x} needs a value`;
      if (x === '--filter') a.only.push(v);
      else a.root = v;
    } else if (x === '--help' || x === '-h') return '';
    else return `unknown argument ${x}`;
  }
  return a;
}

/** Formats the score table (targets marked with `*`) with the target and overall lines. */
export function formatTable(scores: readonly FilterScore[], targets: readonly string[]): string {
  const width = Math.max(18, ...scores.map((s) => s.name.length + 2));
  const row = (name: string, pass: number, total: number, note: string): string =>
    `${name.padEnd(width)} ${`${pass}/${total}`.padStart(9)} ${percent(pass, total).padStart(6)}  ${note}`.trimEnd();
  const noteOf = (s: FilterScore): string =>
    s.error !== undefined ? s.error : s.unused.length > 0 ? `${s.unused.length} failregex(es) without sample` : '';
  const lines = [`${'filter'.padEnd(width)} ${'pass/total'.padStart(9)} ${'%'.padStart(6)}`];
  for (const s of scores) lines.push(row((targets.includes(s.name) ? '* ' : '  ') + s.name, s.pass, s.total, noteOf(s)));
  const sum = (list: readonly FilterScore[]): [number, number] =>
    list.reduce<[number, number]>(([p, t], s) => [p + s.pass, t + s.total], [0, 0]);
  const tScores = scores.filter((s) => targets.includes(s.name));
  const [tp, tt] = sum(tScores);
  const [ap, at] = sum(scores);
  lines.push('');
  lines.push(row('mail+sshd (*)', tp, tt, `${tScores.filter(isClean).length}/${targets.length} filters clean`));
  lines.push(row('overall', ap, at, `${scores.filter(isClean).length}/${scores.length} filters clean`));
  return lines.join('\n');
}

/** Runs the conformance check; returns the exit code. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv, out: (s: string) => void, err: (s: string) => void): number {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    if (args !== '') err(`conformance: ${args}`);
    err(USAGE);
    return args === '' ? 0 : 1;
  }
  let tree: Fail2banTree;
  try {
    const root = args.root ?? env['BANREPLAY_F2B_ROOT'];
    tree = root !== undefined && root !== '' ? locateTree(path.resolve(root), undefined) : fetchFail2ban(env, (m) => err(`conformance: ${m}`));
  } catch (e) {
    err(`conformance: cannot get fail2ban: ${(e as Error).message}`);
    return 2;
  }
  const names = readdirSync(tree.filterDir)
    .filter((f) => f.endsWith('.conf') && !f.endsWith('common.conf'))
    .map((f) => f.slice(0, -'.conf'.length))
    .filter((n) => args.only.length === 0 || args.only.includes(n))
    .sort();
  const started = performance.now();
  const scores = names.map((n) => scoreFilter(n, tree.filterDir, tree.logsDir, { suiteDns: true }));
  const ms = performance.now() - started;
  out(`fail2ban ${tree.version ?? '(version unknown)'}: ${tree.filterDir} against ${tree.logsDir}`);
  out(`(fail2ban's sample suite rules: now 2005-08-14 12:00 CEST, check-all regexes, every failregex needs a sample)\n`);
  out(formatTable(scores, TARGET_FILTERS));
  out(`\n${names.length} filters scored in ${(ms / 1000).toFixed(1)} s`);
  for (const s of scores) {
    if (isClean(s)) continue;
    const items = [...(s.error !== undefined ? [s.error] : []), ...s.failures, ...s.unused];
    out(`\n${s.name}:`);
    for (const x of args.verbose ? items : items.slice(0, 10)) out(`  ${x}`);
    if (!args.verbose && items.length > 10) out(`  … ${items.length - 10} more (--verbose)`);
  }
  const required = args.all ? names : TARGET_FILTERS.filter((t) => args.only.length === 0 || args.only.includes(t));
  const missing = required.filter((t) => !names.includes(t));
  const below = scores.filter((s) => required.includes(s.name) && !isClean(s)).map((s) => s.name);
  if (missing.length > 0 || below.length > 0) {
    err(`conformance: below 100 %: ${[...below, ...missing.map((m) => `${m} (missing)`)].join(', ')}`);
    return 1;
  }
  out(`\n${args.all ? 'every filter' : 'mail+sshd targets'}: 100 %`);
  return 0;
}

if (process.argv[2] === 'run') {
  process.exitCode = main(process.argv.slice(3), process.env, (s) => process.stdout.write(s + '\n'), (s) => process.stderr.write(s + '\n'));
}
