// Inputs the fuzz targets in fuzz/ found (#5), each a test named after what it found, replayed
// through the same invariants as the target that found it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitInChunks as split } from '../support/split-in-chunks.js';

describe('fuzz regressions', () => {
  it('line-time: a NUL line with multi-byte UTF-8 is counted binary however the chunks fall', () => {
    // Found by fuzz/targets/line-time (crash-22e097f5…, base64 AM6dCgABAQ==): 3 bytes, 2
    // UTF-16 units, limit 2. The byte length was checked against the limit, so the line was
    // delivered but not counted as binary when read in one chunk, and counted when split.
    const bytes = Buffer.from([0x00, 0xce, 0x9d, 0x0a]);
    const whole = split(bytes, 2, []);
    assert.deepEqual(whole, { lines: [[1, '\u0000\u039d']], total: 1, overlong: 0, binary: 1 });
    assert.deepEqual(split(bytes, 2, [1]), whole);
    assert.deepEqual(split(bytes, 2, [2, 1]), whole);
  });
});
