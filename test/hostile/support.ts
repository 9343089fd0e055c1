// Shared helpers of the hostile-input suite (#5): run the built CLI (as another user, with a
// deadline, with its peak memory), temporary directories, and log lines in the shapes the
// shipped postfix and dovecot filters match. BANREPLAY_CLI points the suite at another build.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from build/test/hostile/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The CLI under test. */
export const CLI = process.env['BANREPLAY_CLI'] ?? path.join(ROOT, 'dist/cli/main.js');
/** The fixed environment of every run: UTC, no colour, a dumb terminal. */
export const ENV = { PATH: process.env['PATH'] ?? '', TZ: 'UTC', NO_COLOR: '1', FORCE_COLOR: '0', TERM: 'dumb' };
/** Options most cases share: a fixed reference time, UTC, no GeoIP lookups. */
export const BASE = ['--now', '2026-03-10T00:00:00Z', '--tz', 'UTC', '--no-geoip'];

/** Result of one CLI run. */
export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the CLI process in bytes (when asked for). */
  maxRss?: number;
}

/** Options of {@link cli}. */
export interface CliOptions {
  stdin?: Buffer | string;
  cwd?: string;
  env?: Record<string, string>;
  /** Run as this user and group (root only). */
  uid?: number;
  gid?: number;
  timeoutMs?: number;
  /** Measure the peak RSS of the CLI process. */
  measureRss?: boolean;
}

// Writes the process's peak RSS to the file named by BANREPLAY_RSS_OUT when it exits.
const RSS_HOOK =
  "data:text/javascript,import{writeFileSync}from'node:fs';" +
  "process.on('exit',()=>writeFileSync(process.env.BANREPLAY_RSS_OUT,String(process.resourceUsage().maxRSS*1024)))";

/** Runs `banreplay ARGS` synchronously. */
export function cli(args: string[], opts: CliOptions = {}): Run {
  const rssFile = opts.measureRss === true ? path.join(mkdtempSync(path.join(tmpdir(), 'br-rss-')), 'rss') : undefined;
  const nodeArgs = rssFile === undefined ? [CLI, ...args] : ['--import', RSS_HOOK, CLI, ...args];
  const options: SpawnSyncOptions = {
    cwd: opts.cwd ?? ROOT,
    input: opts.stdin ?? '',
    env: { ...ENV, ...opts.env, ...(rssFile === undefined ? {} : { BANREPLAY_RSS_OUT: rssFile }) },
    maxBuffer: 512 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 120_000,
  };
  if (opts.uid !== undefined) options.uid = opts.uid;
  if (opts.gid !== undefined) options.gid = opts.gid;
  const r = spawnSync(process.execPath, nodeArgs, options);
  const run: Run = { status: r.status, signal: r.signal, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  if (rssFile !== undefined) {
    run.maxRss = Number(readFileSync(rssFile, 'utf8'));
    rmSync(path.dirname(rssFile), { recursive: true, force: true });
  }
  return run;
}

/** Starts the CLI asynchronously (signals, pipes); stdio are pipes. */
export function startCli(args: string[], opts: { cwd?: string } = {}): ReturnType<typeof spawn> {
  return spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: ENV, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = 'banreplay-hostile-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    cleanup: () => {
      try {
        chmodSync(dir, 0o700);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `Mar  3 09:MM:SS` for the n-th second after 09:00:00. */
export function stamp(n: number, month = 'Mar', day = 3, hour = 9): string {
  const m = Math.floor(n / 60) % 60;
  const h = hour + Math.floor(n / 3600);
  return `${month} ${String(day).padStart(2, ' ')} ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
}

/** A postfix SASL failure (postfix-sasl jail) from `ip`. */
export function saslLine(ip: string, when: string): string {
  return `${when} mx postfix/smtpd[2211]: warning: unknown[${ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6`;
}

/** A dovecot authentication failure (dovecot jail) from `ip` for `user`. */
export function dovecotLine(ip: string, user: string, when: string): string {
  return (
    `${when} mx dovecot: imap-login: Login aborted: Connection closed (auth failed, 1 attempts in 2 secs) ` +
    `(auth_failed): user=<${user}>, method=PLAIN, rip=${ip}, lip=192.0.2.25, TLS, session=<abc>`
  );
}

/** Six SASL failures from `ip`, one a minute from 09:00:10: a ban with the default jails. */
export function saslBurst(ip: string, count = 6): string {
  return Array.from({ length: count }, (_, i) => saslLine(ip, stamp(10 + 60 * i)) + '\n').join('');
}

/** The stderr lines of a run, without the trailing empty one. */
export function stderrLines(r: Run): string[] {
  return r.stderr.split('\n').filter((l) => l !== '');
}

/** Parses `--format json` output; fails the test with the output when it is not JSON. */
export function parseJson(r: Run): AuditJson {
  try {
    return JSON.parse(r.stdout) as AuditJson;
  } catch (err) {
    throw new Error(`not JSON (${String(err)}): ${r.stdout.slice(0, 300)}\nstderr: ${r.stderr}`);
  }
}

/** The parts of the JSON report the suite looks at. */
export interface AuditJson {
  files: Array<{ path: string; gzip: boolean; lines: number; noTime: number; overlong: number; first: string | null; last: string | null; warnings: string[] }>;
  jails: Array<{ name: string; failures: number; bans: Array<{ ip: string; start: string; end: string | null; failures: number; blocked: number }> }>;
  ips: Array<{ ip: string; failures: number; bans: number; usernames: string[]; first: string; last: string }>;
  usernames: Array<{ name: string; attempts: number }>;
  stats: { files: number; lines: number; failures: number; overlong: number; noTime: number };
}

/** True when running as root (permission bits do not stop root). */
export const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** Uid/gid of `nobody`, to drop root for the permission case. */
export const NOBODY = { uid: 65534, gid: 65534 };

/** Whether `nobody` can run the CLI (its files and dependencies readable), to drop root. */
export function nobodyCanRunCli(): boolean {
  const r = spawnSync(process.execPath, [CLI, '--version'], { ...NOBODY, cwd: '/', env: ENV, timeout: 30_000 });
  return r.status === 0;
}
