// Writing the output: pieces in order under back-pressure, a whole string as one write, an
// empty output as none, and a reader that goes away (EPIPE) ends the writing quietly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { writeOutput } from '../../../src/cli/write-output.js';

function sink(opts: { failAfter?: number } = {}): { stream: Writable; chunks: string[]; produced: () => number } {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: 8,
    decodeStrings: false,
    write(chunk: string, _enc, cb): void {
      if (opts.failAfter !== undefined && chunks.length >= opts.failAfter) {
        const err = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
        return cb(err);
      }
      chunks.push(chunk);
      setImmediate(cb); // slow reader: every write fills the buffer
    },
  });
  return { stream, chunks, produced: () => chunks.length };
}

describe('writeOutput', () => {
  it('writes pieces in order, waiting for drain, and asks for a piece only when it can write', async () => {
    const { stream, chunks } = sink();
    let asked = 0;
    function* pieces(): Generator<string> {
      for (let i = 0; i < 50; i++) {
        asked++;
        // Back-pressure: at most one piece is written ahead of the reader.
        assert.ok(asked - chunks.length <= 3, `asked ${asked}, written ${chunks.length}`);
        yield `piece ${i}\n`;
      }
    }
    assert.equal(await writeOutput(stream, pieces()), true);
    assert.equal(chunks.join(''), Array.from({ length: 50 }, (_, i) => `piece ${i}\n`).join(''));
  });

  it('writes a string whole, and nothing for empty output', async () => {
    const a = sink();
    assert.equal(await writeOutput(a.stream, 'all at once\n'), true);
    assert.deepEqual(a.chunks, ['all at once\n']);
    const b = sink();
    assert.equal(await writeOutput(b.stream, ''), true);
    assert.equal(await writeOutput(b.stream, ['', '']), true);
    assert.deepEqual(b.chunks, []);
  });

  it('stops quietly when the reader goes away', async () => {
    const { stream, chunks } = sink({ failAfter: 3 });
    stream.on('error', () => undefined); // as main.ts does for stdout
    let produced = 0;
    function* pieces(): Generator<string> {
      for (let i = 0; i < 1000; i++) {
        produced++;
        yield `piece ${i}\n`;
      }
    }
    assert.equal(await writeOutput(stream, pieces()), false);
    assert.equal(chunks.length, 3);
    assert.ok(produced < 20, `stopped producing after the error (${produced})`);
  });
});
