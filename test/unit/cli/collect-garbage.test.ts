// collectGarbage really collects: an object nothing refers to any more is gone after it, where
// without a collection V8 would keep it (its young generation is far from full here).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { collectGarbage } from '../../../src/cli/collect-garbage.js';

it('frees what is unreachable at once', async () => {
  const refs = Array.from({ length: 8 }, () => new WeakRef({ payload: new Array<number>(1000).fill(1) }));
  // A WeakRef's target stays alive until the job that made it has ended.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  assert.equal(refs.filter((r) => r.deref() !== undefined).length, 0);
});

it('can run again', () => {
  collectGarbage();
  collectGarbage();
});
