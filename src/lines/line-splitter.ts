// Splits raw bytes into lines for a synchronous callback, numbering every physical line
// from 1 (skipped overlong ones too). It splits on the byte 0x0A, never part of a UTF-8
// character, and decodes each line alone, so chunk cuts cannot break a character. Memory
// stays under 3 × maxLength bytes plus one chunk: an overlong line is dropped to its newline.
// Lines with NUL bytes or invalid UTF-8 are still delivered, but counted (binary input, #5).
import { isAscii, isUtf8 } from 'node:buffer';

/**
 * Receives one line (without its `\n` or `\r\n`) and its 1-based line number. The string
 * may share memory with its whole read chunk (~1 MiB): copy what is kept past the call.
 */
export type LineHandler = (line: string, lineNo: number) => void;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Incremental splitter: CRLF stripped, invalid UTF-8 as U+FFFD, a UTF-8 byte-order mark
 * on line 1 dropped, lines longer than `maxLength` UTF-16 units skipped and counted.
 */
export class LineSplitter {
  /** Physical lines seen so far, delivered or skipped. */
  lines = 0;
  /** Lines longer than the limit, skipped. */
  overlong = 0;
  /** Number of the first overlong line, for messages. */
  firstOverlong: number | undefined;
  /** Delivered lines holding a NUL byte or invalid UTF-8 (binary data, #5). */
  binary = 0;
  /** Number of the first such line. */
  firstBinary: number | undefined;
  // Bytes of a line continued from earlier chunks (copies: callers may reuse buffers).
  private carry: Buffer[] = [];
  private carryLength = 0;
  private skipping = false;
  // A UTF-8 line of n bytes has at least n/3 UTF-16 units, so beyond this many bytes
  // (plus one for a `\r`) a held line can only be overlong.
  private readonly maxCarry: number;

  constructor(
    private readonly onLine: LineHandler,
    /** Longest line delivered, in UTF-16 code units. */
    readonly maxLength: number,
  ) {
    this.maxCarry = 3 * maxLength + 1;
  }

  /** Feeds one chunk of bytes; calls the handler for every line it completes. */
  write(chunk: Buffer): void {
    const length = chunk.length;
    let start = 0;
    if (this.skipping || this.carryLength > 0) {
      const nl = chunk.indexOf(LF);
      if (nl === -1) {
        this.hold(chunk, 0);
        return;
      }
      this.finishCarried(chunk.subarray(0, nl));
      start = nl + 1;
    }
    if (start >= length) return;
    // Whole chunk as latin1: one byte per char, so string and byte offsets agree, and
    // ASCII lines come out as cheap slices. Chunks over ~1 MB become external strings
    // (no copy into the V8 heap), which more than doubles throughput.
    const text = chunk.toString('latin1');
    // Lines containing a byte ≥ 0x80 are decoded from the bytes as UTF-8 instead.
    let dirty = isAscii(chunk) ? length : nextNonAscii(chunk, start, length);
    // Next NUL byte: one memchr per chunk when there is none, as in any text log.
    let nul = nextNul(chunk, start, length);
    const max = this.maxLength;
    const onLine = this.onLine;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === CR) end--;
      const lineNo = ++this.lines;
      const hasNul = nul < nl;
      if (hasNul) nul = nextNul(chunk, nl + 1, length);
      if (nl < dirty) {
        if (end - start > max) this.noteOverlong(lineNo);
        else {
          if (hasNul) this.noteBinary(lineNo);
          onLine(text.slice(start, end), lineNo);
        }
      } else {
        this.deliverUtf8(chunk.toString('utf8', start, end), lineNo, !hasNul && isUtf8(chunk.subarray(start, end)));
        dirty = nextNonAscii(chunk, nl + 1, length);
      }
      start = nl + 1;
    }
    if (start < length) this.hold(chunk, start);
  }

  /** Delivers a final line that has no newline. */
  end(): void {
    if (this.skipping || this.carryLength > 0) this.finishCarried(Buffer.alloc(0));
  }

  // Completes the held line with `tail` (the bytes before its newline, or nothing at EOF).
  private finishCarried(tail: Buffer): void {
    const lineNo = ++this.lines;
    if (this.skipping) {
      this.skipping = false;
      this.noteOverlong(lineNo);
      return;
    }
    const bytes = tail.length === 0 ? Buffer.concat(this.carry) : Buffer.concat([...this.carry, tail]);
    this.carry = [];
    this.carryLength = 0;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CR) end--;
    const body = bytes.subarray(0, end);
    const clean = body.indexOf(0) === -1 && isUtf8(body);
    this.deliverUtf8(bytes.toString('utf8', 0, end), lineNo, clean);
  }

  private deliverUtf8(line: string, lineNo: number, clean: boolean): void {
    // The byte-order mark is non-ASCII, so a line 1 carrying one always comes this way.
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.length > this.maxLength) return this.noteOverlong(lineNo);
    if (!clean) this.noteBinary(lineNo);
    this.onLine(line, lineNo);
  }

  private noteOverlong(lineNo: number): void {
    this.overlong++;
    this.firstOverlong ??= lineNo;
  }

  private noteBinary(lineNo: number): void {
    this.binary++;
    this.firstBinary ??= lineNo;
  }

  // Keeps the unfinished line from `chunk[from…]`, or switches to skipping it.
  private hold(chunk: Buffer, from: number): void {
    if (this.skipping) return;
    const size = chunk.length - from;
    if (this.carryLength + size > this.maxCarry) {
      this.carry = [];
      this.carryLength = 0;
      this.skipping = true;
      return;
    }
    this.carry.push(Buffer.from(chunk.subarray(from)));
    this.carryLength += size;
  }
}

// Index of the first NUL byte in chunk[from, to), or `to`.
function nextNul(chunk: Buffer, from: number, to: number): number {
  const i = chunk.indexOf(0, from);
  return i === -1 || i >= to ? to : i;
}

// Index of the first byte ≥ 0x80 in chunk[from, to), or `to`. isAscii is SIMD: skip clean
// 1 KiB blocks whole, halve a dirty block down to 32 bytes, then look byte by byte.
function nextNonAscii(chunk: Buffer, from: number, to: number): number {
  while (from < to) {
    let end = Math.min(to, from + 1024);
    if (isAscii(chunk.subarray(from, end))) {
      from = end;
      continue;
    }
    while (end - from > 32) {
      const mid = (from + end) >>> 1;
      if (isAscii(chunk.subarray(from, mid))) from = mid;
      else end = mid;
    }
    for (; from < end; from++) if ((chunk[from] as number) >= 0x80) return from;
  }
  return to;
}
