// Reads one input line by line: open + sniff gzip (decode/), then a pipeline into a
// Writable that splits synchronously, so back-pressure reaches the disk. Never rejects
// for a bad input: the problem lands in `error` after every line decoded before it.
// Only an exception thrown by the caller's own onLine (or onChunk) propagates. A LineGate
// only thins out the deliveries: counts, notes, errors and lastLine never depend on it.
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openDecoded, toSourceError } from '../decode/open-decoded.js';
import { SourceError } from '../errors.js';
import type { LineGate } from '../filter/line-gate.js';
import type { SourceFile } from '../types.js';
import { LineSplitter, type LineHandler } from './line-splitter.js';

/** Longest line delivered, in UTF-16 code units, unless the caller sets another. */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

/** Options for one read: stdin for `-`, the line limit, cancellation, gating, progress. */
export interface ReadLinesOptions {
  stdin?: NodeJS.ReadableStream | undefined;
  maxLineLength?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Deliver only the lines in which this gate finds a literal (see buildLineGate). */
  gate?: LineGate | undefined;
  /** With a gate: always deliver the first this many lines. */
  head?: number | undefined;
  /** Deliver lines with their `\n` where the chunk allows (see SplitterOptions.newline). */
  newline?: boolean | undefined;
  /** After each chunk and at the end: lines counted so far and decoded bytes read so far. */
  onChunk?: ((lines: number, chars: number) => void) | undefined;
}

/** Counts for one input and the error that ended it early, if any. */
export interface ReadResult {
  /** Physical lines, including skipped overlong ones. */
  lines: number;
  overlong: number;
  /** Lines with NUL bytes or invalid UTF-8 (delivered, U+FFFD for bad bytes). */
  binary: number;
  gzip: boolean;
  error: SourceError | undefined;
  /** One-line notices about this input, each naming the first line concerned (#5). */
  notes: string[];
  /** The last line that is (or without a gate would be) delivered, '' if none: it dates the file's end. */
  lastLine: string;
}

// Marks an exception from the caller's onLine so it is rethrown, not filed as a read error.
class HandlerFailure extends Error {
  constructor(readonly error: unknown) {
    super('line handler failed');
  }
}

/**
 * Calls `onLine` synchronously for every line of `file` (with a gate: every line holding
 * a gate hit, and the first `head`), 1-based, CRLF stripped, invalid UTF-8 as U+FFFD; a
 * partial last line cut off by an error is dropped; an abort during a call to `onLine` ends the
 * read at that line (`lines` counts up to it), one between calls at the next chunk.
 */
export async function readLines(file: SourceFile, onLine: LineHandler, opts: ReadLinesOptions = {}): Promise<ReadResult> {
  const splitter = new LineSplitter(onLine, opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH, { gate: opts.gate, head: opts.head, newline: opts.newline, signal: opts.signal });
  const onChunk = opts.onChunk;
  let chars = 0;
  let gzip = false;
  let error: SourceError | undefined;
  try {
    opts.signal?.throwIfAborted();
    const decoded = await openDecoded(file, opts.stdin);
    gzip = decoded.gzip;
    const sink = new Writable({
      // Small: the splitter consumes each chunk synchronously, nothing queues here.
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, callback): void {
        try {
          splitter.write(chunk);
          chars += chunk.length;
          onChunk?.(splitter.lines, chars);
        } catch (err) {
          return callback(new HandlerFailure(err));
        }
        callback();
      },
      final(callback): void {
        try {
          splitter.end();
          onChunk?.(splitter.lines, chars);
        } catch (err) {
          return callback(new HandlerFailure(err));
        }
        callback();
      },
    });
    await pipeline(decoded.stream, sink, opts.signal === undefined ? {} : { signal: opts.signal });
  } catch (err) {
    if (err instanceof HandlerFailure) throw err.error;
    error = atLine(toSourceError(file.path, err, gzip), splitter.lines, opts.signal?.aborted === true);
  }
  const notes: string[] = [];
  if (splitter.overlong > 0) {
    notes.push(`${splitter.overlong} over-long line(s) skipped (longer than ${splitter.maxLength} characters; first at line ${splitter.firstOverlong})`);
  }
  if (splitter.binary > 0) {
    notes.push(`${splitter.binary} line(s) with NUL bytes or invalid UTF-8 (first at line ${splitter.firstBinary}): binary data?`);
  }
  return { lines: splitter.lines, overlong: splitter.overlong, binary: splitter.binary, gzip, error, notes, lastLine: splitter.lastLine };
}

// Says where the damage is: the lines before it were all delivered (#5).
function atLine(error: SourceError, linesRead: number, aborted: boolean): SourceError {
  if (linesRead === 0 || aborted) return error;
  const cause = error.message.slice(error.path.length + 2);
  return new SourceError(error.path, `${cause} after line ${linesRead}`, { cause: error.cause });
}
