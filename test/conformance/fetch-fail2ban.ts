// Gets Debian's fail2ban package without installing it: `apt-get download` + `dpkg -x`
// into a per-version cache folder outside the repository, reused on later runs. Only the
// conformance runner uses it; `npm test` never depends on it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the extracted package's pieces are. */
export interface Fail2banTree {
  /** Root of the extracted package (`dpkg -x` target). */
  root: string;
  /** Package version, when known. */
  version: string | undefined;
  /** `etc/fail2ban/filter.d`. */
  filterDir: string;
  /** `…/dist-packages/fail2ban/tests/files/logs`. */
  logsDir: string;
}

const COMPLETE_MARK = '.complete';

/** The cache folder: `${XDG_CACHE_HOME:-$HOME/.cache}/banreplay`. */
export function cacheRoot(env: NodeJS.ProcessEnv): string {
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg !== undefined && xdg !== '' ? xdg : path.join(env['HOME'] ?? os.homedir(), '.cache');
  return path.join(base, 'banreplay');
}

/** Finds filter.d and the test logs inside an extracted package root; throws when absent. */
export function locateTree(root: string, version: string | undefined): Fail2banTree {
  const filterDir = path.join(root, 'etc/fail2ban/filter.d');
  if (!existsSync(filterDir)) throw new Error(`${root}: no etc/fail2ban/filter.d`);
  const lib = path.join(root, 'usr/lib');
  const candidates: string[] = [];
  if (existsSync(lib)) {
    for (const py of readdirSync(lib).filter((d) => d.startsWith('python3')).sort()) {
      for (const pk of ['dist-packages', 'site-packages']) candidates.push(path.join(lib, py, pk, 'fail2ban/tests/files/logs'));
    }
  }
  const logsDir = candidates.find((c) => existsSync(c));
  if (logsDir === undefined) throw new Error(`${root}: no fail2ban/tests/files/logs under usr/lib/python3*`);
  return { root, version, filterDir, logsDir };
}

/**
 * Returns the cached tree of Debian's candidate fail2ban version, downloading and
 * extracting it first when needed. `log` receives one line per step taken.
 */
export function fetchFail2ban(env: NodeJS.ProcessEnv, log: (msg: string) => void): Fail2banTree {
  const cache = cacheRoot(env);
  let version = candidateVersion();
  if (version === undefined && process.getuid?.() === 0) {
    log('apt-get update (no package lists yet)');
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
    version = candidateVersion();
  }
  if (version === undefined) {
    // No apt data: fall back to the newest tree already cached.
    const cached = existsSync(cache)
      ? readdirSync(cache).filter((d) => d.startsWith('fail2ban-') && existsSync(path.join(cache, d, COMPLETE_MARK))).sort()
      : [];
    const last = cached[cached.length - 1];
    if (last === undefined) throw new Error('apt-cache knows no fail2ban candidate and nothing is cached; run apt-get update');
    return locateTree(path.join(cache, last), last.slice('fail2ban-'.length));
  }
  const dir = path.join(cache, `fail2ban-${safeName(version)}`);
  if (existsSync(path.join(dir, COMPLETE_MARK))) return locateTree(dir, version);
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(path.join(cache, '.download-'));
  try {
    log(`apt-get download fail2ban=${version} → ${dir}`);
    execFileSync('apt-get', ['download', '-qq', `fail2ban=${version}`], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (deb === undefined) throw new Error('apt-get download produced no .deb');
    const out = path.join(work, 'root');
    execFileSync('dpkg', ['-x', path.join(work, deb), out], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(path.join(out, COMPLETE_MARK), `${deb}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(out, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return locateTree(dir, version);
}

function candidateVersion(): string | undefined {
  let out: string;
  try {
    out = execFileSync('apt-cache', ['policy', 'fail2ban'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
  const m = /Candidate:\s*(\S+)/.exec(out);
  return m === null || m[1] === '(none)' ? undefined : m[1];
}

function safeName(version: string): string {
  return version.replace(/[^\w.+~-]/g, '_');
}
