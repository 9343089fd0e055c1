// A one-line progress display for long runs on a terminal (#8): files, bytes, lines/s and an
// ETA, redrawn at most ten times a second on stderr and erased at the end. Only created when
// stderr is a TTY and --quiet is absent, so pipes and cron mail never see it. Bytes of a gzip
// file are its decoded share read times its size (the trailer gives the decoded size).

import { closeSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { SourceFile } from '../types.js';
import { forTerminal } from '../report/sanitize.js';

/** Where the line goes: a TTY stream (stderr) and its width. */
export interface ProgressSink {
  write(text: string): unknown;
  columns?: number | undefined;
}

/** Hooks for the replay, and the final cleanup. */
export interface Progress {
  /** A file starts (scan-all's onFile). */
  onFile(filePath: string): void;
  /** Lines and decoded characters read so far in a file (ScanContext.onProgress). */
  onProgress(fileIndex: number, lines: number, chars: number): void;
  /** Erases the line. */
  done(): void;
}

const REDRAW_MS = 100;
// Nothing is shown for runs shorter than this.
const FIRST_DRAW_MS = 400;
// Typical compression of text logs by gzip, when the trailer cannot tell.
const DEFAULT_GZIP_RATIO = 8;

/** Creates a progress display over `files` (discovery order, as replayed); `clock` gives ms. */
export function createProgress(
  files: readonly SourceFile[],
  sink: ProgressSink,
  clock: () => number,
  decodedSizeOf: (file: SourceFile) => number | undefined = gzipDecodedSize,
): Progress {
  const started = clock();
  const totalBytes = files.reduce((n, f) => n + (f.size ?? 0), 0);
  // Decoded size of each file: its size when plain, the gzip trailer's when compressed.
  const decoded = files.map((f) => decodedSizeOf(f) ?? f.size);
  const lines = new Array<number>(files.length).fill(0);
  const chars = new Array<number>(files.length).fill(0);
  let startedFiles = 0;
  let current: SourceFile | undefined;
  let lastDraw = 0;
  let drawn = false;

  // Bytes of file i read so far: the decoded share read, applied to its size on disk.
  const bytesOf = (i: number): number => {
    const size = files[i]?.size ?? 0;
    const total = decoded[i] ?? 0;
    const read = chars[i] ?? 0;
    if (total <= 0) return read > 0 ? size : 0;
    return Math.min(size, (size * read) / total);
  };

  const draw = (): void => {
    const now = clock();
    if (now - started < FIRST_DRAW_MS || now - lastDraw < REDRAW_MS) return;
    lastDraw = now;
    const elapsed = Math.max(1, now - started) / 1000;
    let done = 0;
    for (let i = 0; i < files.length; i++) done += bytesOf(i);
    const totalLines = lines.reduce((n, l) => n + l, 0);
    const parts = [
      `banreplay: file ${Math.max(1, startedFiles)}/${files.length}`,
      current === undefined ? '' : forTerminal(current.path === '-' ? 'stdin' : path.basename(current.path)),
      totalBytes > 0 ? `${formatBytes(done)} of ${formatBytes(totalBytes)}` : '',
      `${formatCount(totalLines / elapsed)} lines/s`,
    ];
    const rate = done / elapsed;
    if (totalBytes > 0 && rate > 0 && elapsed >= 1) parts.push(`ETA ${formatEta((totalBytes - done) / rate)}`);
    let text = parts.filter((p) => p !== '').join(' · ');
    // A pty without a window size reports 0 columns.
    const width = (sink.columns !== undefined && sink.columns > 0 ? sink.columns : 80) - 1;
    if (text.length > width) text = text.slice(0, Math.max(0, width));
    sink.write(`\r${text}\u001b[K`);
    drawn = true;
  };

  return {
    onFile(filePath) {
      // Files may start out of order (parallel scan, largest first): count them, show the latest.
      startedFiles++;
      current = files.find((f) => f.path === filePath) ?? { path: filePath, mtimeMs: undefined, size: undefined };
      draw();
    },
    onProgress(fileIndex, n, c) {
      lines[fileIndex] = n;
      // Infinity = reading stopped early (--until): the rest of the file is skipped, so done.
      chars[fileIndex] = c === Infinity ? (decoded[fileIndex] ?? 0) : c;
      draw();
    },
    done() {
      if (drawn) sink.write('\r\u001b[K');
    },
  };
}

/**
 * Decoded size of a gzip file from its trailer (ISIZE, the last 4 bytes: the size mod 4 GiB of
 * the last member); undefined for a plain file, stdin, or anything unreadable.
 */
export function gzipDecodedSize(file: SourceFile): number | undefined {
  if (file.path === '-' || file.size === undefined || file.size < 18) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(file.path, 'r');
    const head = Buffer.alloc(2);
    if (readSync(fd, head, 0, 2, 0) !== 2 || head[0] !== 0x1f || head[1] !== 0x8b) return undefined;
    const tail = Buffer.alloc(4);
    if (readSync(fd, tail, 0, 4, file.size - 4) !== 4) return undefined;
    const isize = tail.readUInt32LE(0);
    // Wrapped past 4 GiB, or a multi-member file: fall back to a typical ratio.
    return isize >= file.size ? isize : file.size * DEFAULT_GZIP_RATIO;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `12.3 MB`, decimal units. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${Math.round(n)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}k`;
  return String(Math.round(n));
}

/** `0:42`, `12:05`, `1:02:03`. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}
