// `--only-new STATE_FILE` (#8): remembers which would-be bans and top usernames were already
// reported, so a cron job prints or mails only when something new appeared. The file is small
// JSON, replaced atomically (write + rename), updated only after the report went out. A
// missing file is a first run; an unreadable or foreign one is reported and started afresh.

import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import type { EpochMs, Report } from '../types.js';

/** What was reported before. */
export interface OnlyNewState {
  /** `jail`, address, ban start (epoch ms). */
  bans: Array<[string, string, EpochMs]>;
  /** Usernames that were in a reported top list. */
  usernames: string[];
}

/** What is new in a report compared with the state. */
export interface OnlyNewDiff {
  newBans: number;
  newUsernames: string[];
  /** The state to save once the report went out. */
  next: OnlyNewState;
}

const MARKER = 'banreplay only-new state';
// Bounds the file: usernames are remembered most-recent last, the oldest forgotten first.
const MAX_USERNAMES = 2000;

/** Reads the state; a missing file is an empty state, a damaged one too (with a warning). */
export async function readOnlyNewState(path: string): Promise<{ state: OnlyNewState; warning: string | undefined }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: empty(), warning: undefined };
    throw err;
  }
  try {
    const data = JSON.parse(text) as { format?: unknown; bans?: unknown; usernames?: unknown };
    if (data.format !== MARKER || !Array.isArray(data.bans) || !Array.isArray(data.usernames)) throw new Error('not a state file');
    const bans = data.bans.filter(
      (b): b is [string, string, number] =>
        Array.isArray(b) && typeof b[0] === 'string' && typeof b[1] === 'string' && typeof b[2] === 'number',
    );
    const usernames = data.usernames.filter((u): u is string => typeof u === 'string');
    return { state: { bans, usernames }, warning: undefined };
  } catch {
    return { state: empty(), warning: `${path}: not a banreplay --only-new state file; starting afresh (everything counts as new)` };
  }
}

/**
 * Compares the report with the state. Bans are new when their (jail, address, start) was never
 * reported; usernames when one of the `top` most tried was never in a reported top list.
 * Remembered bans older than the report's start are dropped: they cannot come back.
 */
export function diffOnlyNew(report: Report, state: OnlyNewState, top: number): OnlyNewDiff {
  const key = (jail: string, ip: string, start: EpochMs): string => `${jail}\u0000${ip}\u0000${start}`;
  const known = new Set(state.bans.map(([j, ip, s]) => key(j, ip, s)));
  const horizon = report.window?.since ?? report.span.first;
  const bans = state.bans.filter(([, , s]) => horizon === undefined || s >= horizon);
  let newBans = 0;
  for (const j of report.jails) {
    for (const b of j.bans) {
      const k = key(j.name, b.id, b.start);
      if (known.has(k)) continue;
      known.add(k);
      newBans++;
      bans.push([j.name, b.id, b.start]);
    }
  }
  const seenNames = new Set(state.usernames);
  const newUsernames = report.usernames
    .slice(0, Math.max(0, top))
    .map((u) => u.name)
    .filter((n) => !seenNames.has(n));
  const usernames = [...state.usernames, ...newUsernames].slice(-MAX_USERNAMES);
  return { newBans, newUsernames, next: { bans, usernames } };
}

/** Saves the state atomically next to the target (same directory, then rename). */
export async function writeOnlyNewState(path: string, state: OnlyNewState): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const text = JSON.stringify({ format: MARKER, version: 1, bans: state.bans, usernames: state.usernames }) + '\n';
  try {
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

function empty(): OnlyNewState {
  return { bans: [], usernames: [] };
}
