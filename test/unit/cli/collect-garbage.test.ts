// collectGarbage really collects after a large run: an object nothing refers to any more is
// gone after it, where without a collection V8 would keep it (its young generation is far from
// full here). After a small run it forces no collection at all (V8 marks forced ones).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { collectGarbage, COLLECT_FROM_HITS } from '../../../src/cli/collect-garbage.js';

// The forced collections that `run` causes, as reported by perf_hooks (delivered a tick later).
async function forcedDuring(run: () => void): Promise<number> {
  let forced = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const flags = (e as { detail?: { flags?: number } }).detail?.flags ?? 0;
      if ((flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) forced++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  run();
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  return forced;
}

it('frees what is unreachable at once after a large run', async () => {
  const refs = Array.from({ length: 8 }, () => new WeakRef({ payload: new Array<number>(1000).fill(1) }));
  // A WeakRef's target stays alive until the job that made it has ended.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await forcedDuring(() => collectGarbage(COLLECT_FROM_HITS)), 1);
  assert.equal(refs.filter((r) => r.deref() !== undefined).length, 0);
});

it('forces no collection after a small run', async () => {
  assert.equal(await forcedDuring(() => collectGarbage(COLLECT_FROM_HITS - 1)), 0);
  assert.equal(await forcedDuring(() => collectGarbage(0)), 0);
});

it('can run again', async () => {
  assert.equal(await forcedDuring(() => (collectGarbage(COLLECT_FROM_HITS), collectGarbage(10 * COLLECT_FROM_HITS))), 2);
});
