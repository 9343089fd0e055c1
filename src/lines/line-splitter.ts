// Splits raw bytes into lines for a synchronous callback, numbering every physical line
// from 1 (skipped overlong ones too). It splits on the byte 0x0A, never part of a UTF-8
// character, and decodes each line alone, so chunk cuts cannot break a character. Memory
// stays under 3 × maxLength bytes plus two chunks (the text of the previous one holds the
// last line until the next completes one): an overlong line is dropped to its newline.
// Lines with NUL bytes or invalid UTF-8 are still delivered, but counted (binary input, #5).
// With a LineGate, only lines holding a gate hit (and the first `head` lines) reach the
// handler; every count, note and line number stays exactly what it is without one (#4).
import { isAscii, isUtf8 } from 'node:buffer';
import { ALL_LITERALS, type LineGate } from '../filter/line-gate.js';

/**
 * Receives one line (without its `\n` or `\r\n`; see SplitterOptions.newline), its 1-based
 * line number and, with a gate that tells them, the bits of the gate literals it holds
 * (LineGate.lineBits; ALL_LITERALS otherwise, 0 for a head line without any). The string may
 * share memory with its whole read chunk (~1 MiB): copy what is kept past the call.
 */
export type LineHandler = (line: string, lineNo: number, literals: number) => void;

const LF = 0x0a;
const CR = 0x0d;
// Chunks up to PIECE bytes are split as they are; larger ones a PIECE at a time. The latin1
// copy of a piece is an ordinary young-generation string: freed by the next scavenge, in
// memory V8 reuses. A larger copy lands in large-object space (3-4× slower to build and
// slice), and one of ~1 MB or more is an external string, malloc'd outside the heap and freed
// only when V8 next collects it: 1 MiB plain-file chunks raised the audit's peak RSS by
// ~15 MB and cost page faults, for no speed (#4).
const PIECE = 64 * 1024;

/** Optional line gate: which lines reach the handler. */
export interface SplitterOptions {
  /** Deliver only lines in which the gate finds a literal (plus the first `head` lines). */
  gate?: LineGate | undefined;
  /** With a gate: the first this many lines are delivered whatever the gate says. */
  head?: number | undefined;
  /**
   * Deliver a line that ends in a bare `\n` inside its chunk with that `\n`: a slice of the
   * chunk, which a caller that appends a newline anyway (a failregex buffer) then takes as it
   * is, with no copy. Other lines (CRLF, UTF-8, carried over, the last) come without one.
   */
  newline?: boolean | undefined;
  /**
   * Checked after each delivered line: once aborted, nothing more is split or counted, so
   * `lines` ends at the line that was being handled, wherever the chunk ends.
   */
  signal?: AbortSignal | undefined;
}

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
  private readonly gate: LineGate | undefined;
  private readonly head: number;
  private readonly newline: boolean;
  private readonly signal: AbortSignal | undefined;
  /** The signal was seen aborted: every later byte is ignored. */
  private halted = false;
  // The last line that was (or, with a gate, would have been) delivered: `last`, or
  // lastText[lastFrom, lastTo) when lastFrom ≥ 0, sliced only when asked for.
  private last = '';
  private lastText = '';
  private lastFrom = -1;
  private lastTo = 0;

  constructor(
    private readonly onLine: LineHandler,
    /** Longest line delivered, in UTF-16 code units. */
    readonly maxLength: number,
    opts: SplitterOptions = {},
  ) {
    this.maxCarry = 3 * maxLength + 1;
    this.gate = opts.gate;
    this.head = opts.head ?? 0;
    this.newline = opts.newline === true;
    this.signal = opts.signal;
  }

  /** The last complete line so far that is not overlong, as it is (or would be, without a gate) delivered; '' if none. */
  get lastLine(): string {
    if (this.lastFrom >= 0) {
      // A copy, so the result does not keep the whole chunk alive.
      this.last = (' ' + this.lastText.slice(this.lastFrom, this.lastTo)).slice(1);
      this.lastText = '';
      this.lastFrom = -1;
    }
    return this.last;
  }

  /** Feeds one chunk of bytes; calls the handler for every line it completes. */
  write(chunk: Buffer): void {
    const n = chunk.length;
    if (n <= PIECE) return this.#split(chunk);
    for (let at = 0; at < n && !this.halted; at += PIECE) this.#split(chunk.subarray(at, Math.min(n, at + PIECE)));
  }

  #split(chunk: Buffer): void {
    if (this.halted) return;
    const length = chunk.length;
    let start = 0;
    if (this.skipping || this.carryLength > 0) {
      const nl = chunk.indexOf(LF);
      if (nl === -1) {
        this.hold(chunk, 0);
        return;
      }
      this.finishCarried(chunk.subarray(0, nl));
      if (this.halted) return;
      start = nl + 1;
    }
    if (start >= length) return;
    // Whole chunk as latin1: one byte per char, so string and byte offsets agree, and
    // ASCII lines come out as cheap slices.
    const text = chunk.toString('latin1');
    // Lines containing a byte ≥ 0x80 are decoded from the bytes as UTF-8 instead.
    let dirty = isAscii(chunk) ? length : nextNonAscii(chunk, start, length);
    // Next NUL byte: one memchr per chunk when there is none, as in any text log.
    let nul = nextNul(chunk, start, length);
    const max = this.maxLength;
    // With a gate, one search finds its next hit in the whole chunk, and the lines before it
    // are only counted (and checked for length and NUL bytes). Without one, every line is a
    // hit. Lines with bytes ≥ 0x80 are decoded and gated one by one: the latin1 text is not theirs.
    const gate = this.gate;
    const head = this.head;
    const newline = this.newline;
    let hit = gate === undefined ? 0 : gate.next(text, start);
    if (hit === -1) hit = length;
    // Bounds of the last ASCII line delivered from this chunk (-1: none, or a later UTF-8 one).
    let lastFrom = -1;
    let lastTo = 0;
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
          lastFrom = start;
          lastTo = end;
          // A hit at the newline itself cannot be a literal's (none holds one): harmless.
          if (hit <= nl || lineNo <= head) {
            let literals = ALL_LITERALS;
            if (gate !== undefined) {
              if (hit > nl) literals = 0;
              else if (gate.lineBits !== undefined) {
                // Finds the line's other hits too, and the next one past it.
                literals = gate.lineBits(text, hit, nl);
                hit = gate.after ?? -1;
                if (hit === -1) hit = length;
              }
            }
            if (!this.#deliver(text.slice(start, newline && end === nl ? nl + 1 : end), lineNo, literals)) {
              return this.keepLast(text, lastFrom, lastTo);
            }
          }
        }
      } else {
        if (this.deliverUtf8(chunk.toString('utf8', start, end), lineNo, !hasNul && isUtf8(chunk.subarray(start, end)))) lastFrom = -1;
        if (this.halted) return;
        dirty = nextNonAscii(chunk, nl + 1, length);
      }
      start = nl + 1;
      if (gate !== undefined && hit < start) {
        hit = gate.next(text, start);
        if (hit === -1) hit = length;
      }
    }
    this.keepLast(text, lastFrom, lastTo);
    if (start < length) this.hold(chunk, start);
  }

  private keepLast(text: string, from: number, to: number): void {
    if (from < 0) return;
    this.lastText = text;
    this.lastFrom = from;
    this.lastTo = to;
  }

  /** Delivers a final line that has no newline. */
  end(): void {
    if (!this.halted && (this.skipping || this.carryLength > 0)) this.finishCarried(Buffer.alloc(0));
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

  // Delivers a decoded line unless overlong (or gated out); false when it was overlong.
  private deliverUtf8(line: string, lineNo: number, clean: boolean): boolean {
    // The byte-order mark is non-ASCII, so a line 1 carrying one always comes this way.
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.length > this.maxLength) {
      this.noteOverlong(lineNo);
      return false;
    }
    if (!clean) this.noteBinary(lineNo);
    this.last = line;
    this.lastFrom = -1;
    const gate = this.gate;
    if (gate === undefined) this.#deliver(line, lineNo, ALL_LITERALS);
    else {
      const hit = gate.next(line, 0);
      if (hit !== -1) this.#deliver(line, lineNo, gate.lineBits === undefined ? ALL_LITERALS : gate.lineBits(line, hit, line.length));
      else if (lineNo <= this.head) this.#deliver(line, lineNo, 0);
    }
    return true;
  }

  // Hands a line to the handler; false (and halted) when the signal was aborted meanwhile.
  #deliver(line: string, lineNo: number, literals: number): boolean {
    this.onLine(line, lineNo, literals);
    if (this.signal?.aborted !== true) return true;
    this.halted = true;
    return false;
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
