// Spawns the built CLI the way a user would, in a fixed environment: TZ=UTC, no colour,
// a dumb terminal. Shared by the snapshot, jail-case and integration tests.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from build/test/...). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = path.join(ROOT, 'dist/cli/main.js');

/** Result of one CLI run. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `banreplay ARGS` from the repository root. */
export function runCli(args: string[], opts: { stdin?: Buffer; env?: Record<string, string>; cwd?: string } = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.stdin ?? Buffer.alloc(0),
    env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', NO_COLOR: '1', FORCE_COLOR: '0', TERM: 'dumb', ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}
