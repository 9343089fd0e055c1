// Main-thread side of parallel scanning: a worker_threads Worker that rebuilds the scan plan
// from a recipe (compiled RegExps cannot cross threads), proves it equal to the main
// thread's by fingerprint, then scans one file per request with the same scanFile. Any
// failure of a worker is reported as `undefined`, never thrown: the caller rescans inline.
import { Worker } from 'node:worker_threads';
import { SourceError } from '../errors.js';
import type { FileStats, SourceFile } from '../types.js';
import { FileHits, newHitTables, type HitTables, type PackedFileHits } from './hit-store.js';
import type { ScanResult } from './scan-file.js';

/**
 * How a worker rebuilds the compiled half of a ScanContext: it imports `module` and calls
 * its export `export` with `input` (structured-cloneable), which returns (or resolves to)
 * an object holding `targets`, `detectors` and `probe`, compiled exactly as the main
 * thread's were.
 */
export interface ScanRecipe {
  /** URL (file:) of an ES module. */
  module: string;
  export: string;
  input: unknown;
}

/** What a scan plan carries to allow worker threads. */
export interface ParallelOptions {
  /** How to rebuild the plan in a worker; without one, every file is scanned inline. */
  recipe?: ScanRecipe | undefined;
  /** Threads to use at most, the main thread included (1 or undefined = inline). */
  threads?: number | undefined;
  /** Estimated decoded bytes below which a set is scanned inline (default MIN_PARALLEL_BYTES). */
  minParallelBytes?: number | undefined;
  /**
   * false: the main thread leaves the files to the workers (stdin aside) and only takes
   * over when they fail; tests use it to prove worker output equal. Default true.
   */
  mainThread?: boolean | undefined;
}

/** Data handed to a worker at start. */
export interface WorkerInit {
  recipe: ScanRecipe;
  /** The ScanContext's plain-data fields (now, maxLineLength, keepText, ...). */
  plain: Record<string, unknown>;
  /** Forward progress reports (the main context has an onProgress callback). */
  progress: boolean;
  /** scanPlanFingerprint of the main thread's compiled plan. */
  fingerprint: string;
}

/** An error as it crosses the thread boundary. */
export interface WireError {
  name: string;
  message: string;
  /** SourceError's path. */
  path: string | undefined;
}

/** Main → worker. */
export type ToWorker = { type: 'scan'; index: number; file: SourceFile } | { type: 'abort' };

/** Worker → main. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'mismatch'; fingerprint: string }
  | { type: 'progress'; fileIndex: number; lines: number; chars: number }
  | { type: 'result'; index: number; stats: FileStats; error: WireError | undefined; hits: PackedFileHits }
  | { type: 'failed'; index: number | undefined; message: string };

/** The progress callback a ScanContext may carry (proxied from the worker). */
export interface ProgressSink {
  onProgress?: ((fileIndex: number, lines: number, chars: number) => void) | undefined;
}

/** One file's scan as scanAll keeps it. */
export type FileScan = ScanResult & { error: Error | undefined };

/** Serialises an error for postMessage. */
export function toWire(err: Error): WireError {
  return { name: err.name, message: err.message, path: err instanceof SourceError ? err.path : undefined };
}

/** Rebuilds an error sent by a worker (a SourceError stays one). */
export function fromWire(w: WireError): Error {
  const err = w.path !== undefined ? new SourceError(w.path, '') : new Error('');
  err.message = w.message;
  if (w.path === undefined) err.name = w.name;
  return err;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

// A scan's garbage is short-lived (lines, matches): a young generation this small
// collects it as well as V8's default (48 MB on 64-bit) and keeps ~30 MB off peak RSS.
const WORKER_YOUNG_GENERATION_MB = 12;

/** A worker thread scanning one file at a time. */
export class ScanWorker {
  readonly #worker: Worker;
  readonly #ready: Promise<boolean>;
  #pending: { index: number; resolve: (r: FileScan | undefined) => void } | undefined;
  #dead = false;
  /** The worker's string tables as far as its results have sent them (shared by its files' hits). */
  readonly #tables: HitTables = newHitTables(true);

  constructor(init: WorkerInit, ctx: ProgressSink) {
    // Not unref'd: a pending scan must keep the process alive; close() ends the thread.
    this.#worker = new Worker(WORKER_URL, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    let settleReady: (ok: boolean) => void = () => undefined;
    this.#ready = new Promise<boolean>((resolve) => (settleReady = resolve));
    const die = (): void => {
      this.#dead = true;
      settleReady(false);
      const p = this.#pending;
      this.#pending = undefined;
      p?.resolve(undefined);
    };
    this.#worker.on('message', (msg: FromWorker) => {
      switch (msg.type) {
        case 'ready':
          settleReady(true);
          break;
        case 'progress':
          ctx.onProgress?.(msg.fileIndex, msg.lines, msg.chars);
          break;
        case 'result': {
          // Every result continues the copy of the worker's tables, even one no longer awaited.
          let hits: FileHits;
          try {
            hits = FileHits.unpack(msg.hits, this.#tables);
          } catch {
            die();
            void this.#worker.terminate();
            break;
          }
          const p = this.#pending;
          if (p === undefined || p.index !== msg.index) break;
          this.#pending = undefined;
          p.resolve({
            hits,
            stats: msg.stats,
            error: msg.error === undefined ? undefined : fromWire(msg.error),
          });
          break;
        }
        case 'mismatch':
        case 'failed':
          die();
          void this.#worker.terminate();
          break;
      }
    });
    this.#worker.on('error', die);
    this.#worker.on('exit', die);
  }

  /** Resolves false when the worker could not build an identical plan. */
  ready(): Promise<boolean> {
    return this.#ready;
  }

  /** True while a scan is under way. */
  get busy(): boolean {
    return this.#pending !== undefined;
  }

  /** Scans `file` as file number `index`; undefined when the worker failed (rescan inline). */
  scan(file: SourceFile, index: number): Promise<FileScan | undefined> {
    if (this.#dead || this.#pending !== undefined) return Promise.resolve(undefined);
    return new Promise<FileScan | undefined>((resolve) => {
      this.#pending = { index, resolve };
      try {
        this.#worker.postMessage({ type: 'scan', index, file } satisfies ToWorker);
      } catch {
        // A SourceFile that cannot be cloned: scanned inline instead.
        this.#pending = undefined;
        resolve(undefined);
      }
    });
  }

  /** Asks the current scan to stop (its result still arrives, with an "aborted" error). */
  abort(): void {
    if (!this.#dead) this.#worker.postMessage({ type: 'abort' } satisfies ToWorker);
  }

  /** Ends the thread. */
  async close(): Promise<void> {
    this.#dead = true;
    await this.#worker.terminate();
  }
}

