// Opens one input as a byte stream, gunzipping when its first two bytes are `1f 8b`,
// whatever the name (stdin and FIFOs too: sniffed bytes are put back, never lost). Each
// error is a SourceError naming the path, emitted after the bytes decoded before it (all
// of them on truncation; before corrupt data, all but RECOVERY_CHUNK bytes of a file, and
// all but STDIN_GUNZIP_CHUNK of standard input). Never reads `process`.
import { createReadStream, statSync } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SourceError } from '../errors.js';
import { describeFsError, errorCode } from '../source/describe-fs-error.js';
import type { SourceFile } from '../types.js';

/** A decoded byte stream and whether gzip was detected. */
export interface Decoded {
  stream: Readable;
  gzip: boolean;
}

/**
 * Bytes per read from disk: few reads (each a trip to the thread pool and back); the line
 * splitter decodes them a 64 KiB piece at a time.
 */
export const READ_CHUNK = 1024 * 1024;

/**
 * Size of gunzip's output buffer for a file. Each chunk costs two thread hand-offs (to the
 * pool and back, cross-core wake-ups that a VM pays dearly for) and a trip down the stream
 * pipeline: 512 KiB takes about 10 % less CPU over a corpus than 64 KiB (#4), for some
 * peak memory (glibc keeps freed chunks; bench/results.md). The line splitter cuts such a
 * chunk into pieces small enough for V8's young generation.
 */
export const GUNZIP_CHUNK = 512 * 1024;

/**
 * zlib drops the output of the call that fails, up to one chunk. Standard input cannot be
 * read twice, so it is gunzipped in these smaller chunks; a file is re-read after such an
 * error (see recoverTail), in chunks of RECOVERY_CHUNK, to deliver what the big chunk lost.
 */
export const STDIN_GUNZIP_CHUNK = 64 * 1024;
export const RECOVERY_CHUNK = 4 * 1024;

/** Opens `file` (or `stdin` for `-`) and returns its decoded bytes; rejects with a SourceError. */
export async function openDecoded(file: SourceFile, stdin: NodeJS.ReadableStream | undefined): Promise<Decoded> {
  const { path } = file;
  let raw: Readable;
  if (path === '-') {
    if (stdin === undefined) throw new SourceError(path, 'standard input is not available');
    raw = stdin instanceof Readable ? stdin : new Readable().wrap(stdin);
  } else {
    raw = createReadStream(path, { highWaterMark: READ_CHUNK });
  }
  let head: Buffer;
  try {
    head = await sniff(raw, 2);
  } catch (err) {
    raw.destroy();
    throw toSourceError(path, err, false);
  }
  // A stream that ended during the sniff cannot take its bytes back: replay them.
  const source = raw.readableEnded ? Readable.from(head.length > 0 ? [head] : [], { objectMode: false }) : raw;
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (!gzip) return { stream: relabelErrors(path, source, false, undefined), gzip };
  const fromFile = path !== '-';
  const bytes = pipeline(source, createGunzip({ chunkSize: fromFile ? GUNZIP_CHUNK : STDIN_GUNZIP_CHUNK }), noop);
  return { stream: relabelErrors(path, bytes, true, fromFile ? () => regunzip(file) : undefined), gzip };
}

// The file gunzipped again from its start in RECOVERY_CHUNK pieces, when it can be read the
// same way twice: a regular file of the size it had when listed (not a FIFO, not rewritten).
function regunzip(file: SourceFile): Readable | undefined {
  try {
    const st = statSync(file.path);
    if (!st.isFile() || (file.size !== undefined && st.size !== file.size)) return undefined;
  } catch {
    return undefined;
  }
  return pipeline(createReadStream(file.path, { highWaterMark: 64 * 1024 }), createGunzip({ chunkSize: RECOVERY_CHUNK }), noop);
}

function noop(): void {}

// Forwards the chunks with back-pressure and turns whatever error ends the stream into a
// SourceError. The error listener is attached at once, so an error before the consumer
// starts reading is kept, not thrown; destroying the result closes the file. With `reread`,
// a corrupt gzip is decoded again in small chunks before its error is passed on (recoverTail).
function relabelErrors(path: string, bytes: Readable, gzip: boolean, reread: (() => Readable | undefined) | undefined): Readable {
  let current = bytes;
  const out = new Readable({
    highWaterMark: READ_CHUNK,
    read(): void {
      current.resume();
    },
    destroy(err, callback): void {
      current.destroy();
      callback(err);
    },
  });
  let delivered = 0;
  bytes.pause();
  // Each event is handed on from a microtask, in order: zlib (and the file reader) start
  // their next chunk on the thread pool when the event's callback returns, so that chunk
  // is decoded while this thread splits and matches the current one, not after it (#4).
  bytes.on('data', (chunk: Buffer) =>
    queueMicrotask(() => {
      delivered += chunk.length;
      if (!out.push(chunk)) bytes.pause();
    }),
  );
  bytes.once('end', () => queueMicrotask(() => out.push(null)));
  bytes.once('error', (err) =>
    queueMicrotask(() => {
      const error = toSourceError(path, err, gzip);
      const again = reread !== undefined && lostOutput(err) && !out.destroyed ? reread() : undefined;
      if (again === undefined) return out.destroy(error);
      current = recoverTail(again, delivered, out, error);
    }),
  );
  return out;
}

// A zlib error that dropped decoded bytes: corrupt data. Truncation (Z_BUF_ERROR) comes
// after everything decodable was delivered.
function lostOutput(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && code.startsWith('Z_') && code !== 'Z_BUF_ERROR';
}


// Decodes the file again, skips the `skip` bytes already delivered and pushes what follows
// them up to the damage (the fine chunks lose at most RECOVERY_CHUNK bytes), then ends
// `out` with the first pass's error, whatever the second pass does.
function recoverTail(again: Readable, skip: number, out: Readable, error: SourceError): Readable {
  let seen = 0;
  again.on('data', (chunk: Buffer) => {
    const from = Math.max(0, skip - seen);
    seen += chunk.length;
    if (from < chunk.length && !out.push(from === 0 ? chunk : chunk.subarray(from))) again.pause();
  });
  const finish = (): void => {
    if (!out.destroyed) out.destroy(error);
  };
  again.once('end', finish);
  again.once('error', finish);
  return again;
}

/** Wraps a read or zlib error as a SourceError with a short cause naming the damage. */
export function toSourceError(path: string, err: unknown, gzip: boolean): SourceError {
  if (err instanceof SourceError) return err;
  const code = errorCode(err);
  if (gzip && code === 'Z_BUF_ERROR') {
    return new SourceError(path, 'truncated gzip (unexpected end of file)', { cause: err });
  }
  if (gzip && code?.startsWith('Z_') === true) {
    const message = err instanceof Error ? err.message : String(err);
    return new SourceError(path, `corrupt gzip: ${message}`, { cause: err });
  }
  if (code === 'ABORT_ERR' || (err instanceof Error && err.name === 'AbortError')) return new SourceError(path, 'aborted', { cause: err });
  return new SourceError(path, describeFsError(err), { cause: err });
}

// Reads until `n` bytes (or the end) are buffered, then puts them back with unshift so
// the consumer sees the stream from its first byte.
function sniff(stream: Readable, n: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (err?: unknown): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', finish);
      if (err !== undefined) return reject(err);
      const head = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      if (!stream.readableEnded && head.length > 0) stream.unshift(head);
      resolve(head);
    };
    const onReadable = (): void => {
      let chunk: unknown;
      while (length < n && (chunk = stream.read()) !== null) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        chunks.push(buf);
        length += buf.length;
      }
      if (length >= n) finish();
    };
    const onEnd = (): void => finish();
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', finish);
  });
}
