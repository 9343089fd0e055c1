// Fuzz target: bytes → LineSplitter (chunked as the fuzzer chooses) → default date templates.
// Invariants: every chunking gives the same lines; counts add up; no line holds `\n` or is
// longer than the limit; a date match lies inside its line and carries a finite time.
import { FuzzedDataProvider } from '@jazzer.js/core';
import { splitInChunks as split } from '../../test/support/split-in-chunks.js';
import { createDateDetector } from '../../src/time/date-detector.js';
import { parseZone } from '../../src/time/zone.js';

const DETECTORS = [createDateDetector(undefined, parseZone('Europe/Berlin')), createDateDetector(undefined, parseZone('UTC'))];
const REF = Date.UTC(2026, 0, 15, 14, 33);

function fail(what: string): never {
  throw new Error(`invariant broken: ${what}`);
}

/** Jazzer.js entry point. */
export function fuzz(data: Buffer): void {
  const p = new FuzzedDataProvider(data);
  const max = p.consumeIntegralInRange(1, 120);
  const cuts = Array.from({ length: p.consumeIntegralInRange(0, 6) }, () => p.consumeIntegralInRange(1, 40));
  const bytes = Buffer.from(p.consumeRemainingAsBytes());
  const whole = split(bytes, max, []);
  const chunked = split(bytes, max, cuts);
  if (JSON.stringify(whole) !== JSON.stringify(chunked)) fail('chunking changed the lines');
  const newlines = bytes.reduce((n, b) => n + (b === 0x0a ? 1 : 0), 0);
  const expected = newlines + (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? 1 : 0);
  if (whole.total !== expected) fail(`line count ${whole.total} != ${expected}`);
  if (whole.lines.length + whole.overlong !== whole.total) fail('delivered + overlong != total');
  if (whole.binary > whole.lines.length) fail('more binary lines than delivered lines');
  let last = 0;
  for (const [n, line] of whole.lines) {
    if (n <= last || n > whole.total) fail(`line number ${n} out of order`);
    last = n;
    if (line.includes('\n')) fail('newline inside a line');
    if (line.length > max) fail('line longer than the limit');
    for (const d of DETECTORS) {
      const m = d.match(line, REF);
      if (m === undefined) continue;
      if (!(m.start >= 0 && m.start <= m.end && m.end <= line.length)) fail(`date span ${m.start}..${m.end} outside the line`);
      if (m.time !== undefined && !Number.isFinite(m.time)) fail('non-finite time');
    }
  }
}
