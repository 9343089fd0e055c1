// Turns command-line paths and jail logpaths (files, directories, globs, `-`) into the
// list of inputs, with logrotate siblings when asked, deduplicated by real path and
// ordered oldest first per log. Never throws for a bad input: every missing, unreadable
// or unsupported path becomes a SourceError in `problems` and discovery goes on.
import { constants, type Stats } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SourceError } from '../errors.js';
import type { SourceFile } from '../types.js';
import { describeFsError, errorCode } from './describe-fs-error.js';
import { expandGlob, hasGlobMagic } from './glob.js';
import { compareRotation, parseRotation, sortByRotation, type Rotation } from './rotation-order.js';

/** Discovery switches: `rotated` also brings each named file's rotated siblings. */
export interface DiscoverOptions {
  rotated: boolean;
}

/** Inputs found, in reading order, and the paths that could not be used. */
export interface DiscoverResult {
  files: SourceFile[];
  problems: SourceError[];
}

// Compressions that rotated logs use and that banreplay cannot decode (only gzip is
// built into Node). Such a file is reported, not silently dropped: lines would be missing.
const UNSUPPORTED_COMPRESSION = /\.(xz|bz2|zst|lz4|lzma|lz|Z)$/;

// Names skipped when a whole directory is given: hidden files, editor backups and swap
// files, systemd journals and the binary login records that live beside text logs.
const SKIPPED_IN_DIRECTORY = /^\.|~$|^#.*#$|\.sw[a-p]$|\.journal~?$|^(?:[bw]tmp|utmp|lastlog|faillog)(?:[.-]|$)/;

/**
 * Resolves input paths: `-` (stdin, once), files, directories (their non-hidden regular
 * files, not recursive) and globs (`*`, `?`, `[...]`, `**`).
 */
export async function discoverSources(paths: string[], opts: DiscoverOptions): Promise<DiscoverResult> {
  const discovery = new Discovery(opts.rotated);
  for (const path of paths) await discovery.addArgument(path);
  return { files: discovery.files, problems: discovery.problems };
}

class Discovery {
  readonly files: SourceFile[] = [];
  readonly problems: SourceError[] = [];
  private readonly seenFiles = new Set<string>();
  private readonly seenProblems = new Set<string>();

  constructor(private readonly rotated: boolean) {}

  async addArgument(arg: string): Promise<void> {
    if (arg === '-') {
      if (!this.seenFiles.has('-')) {
        this.seenFiles.add('-');
        this.files.push({ path: '-', mtimeMs: undefined, size: undefined });
      }
      return;
    }
    let st: Stats;
    try {
      st = await stat(arg);
    } catch (err) {
      const code = errorCode(err);
      // An existing name wins over its reading as a pattern (`access[1].log`).
      if (code === 'ENOENT' && hasGlobMagic(arg)) return this.addGlob(arg);
      // A live file that is gone while its rotations remain is still worth reading.
      if (code === 'ENOENT' && this.rotated && (await this.addSiblings(arg, false)) > 0) return;
      return this.problem(arg, describeFsError(err));
    }
    if (st.isDirectory()) return this.addDirectory(arg);
    if (this.rotated) await this.addSiblings(arg, true);
    await this.addFile(arg, st);
  }

  private async addGlob(pattern: string): Promise<void> {
    const matches = await expandGlob(pattern);
    if (matches.length === 0) return this.problem(pattern, 'no file matches this pattern');
    for (const path of sortByRotation(matches)) {
      const st = await this.statOrReport(path);
      if (st === undefined) continue;
      if (this.rotated) await this.addSiblings(path, true);
      await this.addFile(path, st);
    }
  }

  private async addDirectory(dir: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      return this.problem(dir, describeFsError(err));
    }
    const candidates = sortByRotation(
      names.filter((name) => !SKIPPED_IN_DIRECTORY.test(name)).map((name) => join(dir, name)),
    );
    let found = 0;
    let reported = 0;
    for (const path of candidates) {
      const st = await this.statOrReport(path);
      if (st === undefined) reported++;
      else if (st.isDirectory()) continue;
      else if (await this.addFile(path, st)) found++;
      else reported++;
    }
    if (found === 0 && reported === 0) this.problem(dir, 'no log files in this directory');
  }

  /** Adds the rotated siblings of `path`, oldest first; returns how many were found. */
  private async addSiblings(path: string, liveExists: boolean): Promise<number> {
    const dir = dirname(path);
    const stem = basename(path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      // When the live file is missing too, the caller reports that instead.
      if (liveExists) this.problem(dir, `cannot list rotated files: ${describeFsError(err)}`);
      return 0;
    }
    const siblings: { name: string; rotation: Rotation }[] = [];
    for (const name of names) {
      const rotation = parseRotation(name, stem);
      if (rotation !== undefined) {
        if (rotation.kind !== 'live') siblings.push({ name, rotation });
        continue;
      }
      const compression = UNSUPPORTED_COMPRESSION.exec(name);
      if (compression === null) continue;
      const inner = parseRotation(name.slice(0, compression.index), stem);
      if (inner !== undefined && inner.kind !== 'live') {
        this.unsupported(join(dir, name), compression[1] as string);
      }
    }
    siblings.sort((a, b) => compareRotation(a.rotation, b.rotation) || (a.name < b.name ? -1 : 1));
    let count = 0;
    for (const { name } of siblings) {
      const sibling = join(dir, name);
      const st = await this.statOrReport(sibling);
      if (st === undefined || st.isDirectory()) continue;
      count++;
      await this.addFile(sibling, st);
    }
    return count;
  }

  /** Adds one input unless it duplicates an earlier one; false when it was reported instead. */
  private async addFile(path: string, st: Stats): Promise<boolean> {
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) {
      this.problem(path, 'not a regular file');
      return false;
    }
    const compression = UNSUPPORTED_COMPRESSION.exec(path);
    if (compression !== null) {
      this.unsupported(path, compression[1] as string);
      return false;
    }
    try {
      await access(path, constants.R_OK);
    } catch (err) {
      this.problem(path, describeFsError(err));
      return false;
    }
    const key = await realKey(path);
    if (this.seenFiles.has(key)) return true;
    this.seenFiles.add(key);
    // A pipe or device has no meaningful size; its mtime is still the best reference.
    this.files.push({ path, mtimeMs: st.mtimeMs, size: st.isFile() ? st.size : undefined });
    return true;
  }

  private async statOrReport(path: string): Promise<Stats | undefined> {
    try {
      return await stat(path);
    } catch (err) {
      this.problem(path, describeFsError(err));
      return undefined;
    }
  }

  private unsupported(path: string, extension: string): void {
    this.problem(path, `unsupported compression (.${extension}): only gzip can be read; decompress it first`);
  }

  private problem(path: string, cause: string): void {
    const key = `${path}\0${cause}`;
    if (this.seenProblems.has(key)) return;
    this.seenProblems.add(key);
    this.problems.push(new SourceError(path, cause));
  }
}

async function realKey(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}
