// Tests for the report window (#8): applyWindow keeps in-window hits with their outcomes,
// bans that started inside, recounts tallies, and leaves files alone; an open window is a no-op.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyWindow, inWindow } from '../../../src/analysis/window.js';
import type { JailResult, Outcome } from '../../../src/jail/simulate.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { ReplayOutcome } from '../../../src/pipeline/replay.js';
import type { Hit } from '../../../src/types.js';

const m = (min: number): number => Date.UTC(2026, 0, 10, 0, min);

function outcome(): ReplayOutcome {
  const hits: Hit[] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ jail: 0, kind: 'failure', id: 'a', time: m(i * 5), user: `u${i}`, file: 0, line: i + 1 }));
  hits.push({ jail: 0, kind: 'success', id: 'a', time: m(33), user: 'alice', file: 0, line: 20 });
  const outcomes: (Outcome | undefined)[] = ['counted', 'counted', 'banned', 'blocked', 'blocked', 'counted', 'banned', 'ignored', undefined];
  const result: JailResult = {
    bans: [
      { jail: 'j', id: 'a', start: m(10), end: m(21), failures: 3, blocked: 2 },
      { jail: 'j', id: 'a', start: m(30), end: m(40), failures: 3, blocked: 0 },
    ],
    tallies: new Map(),
    prolongations: [],
  };
  return {
    files: [{ path: 'x', lines: 9, noTime: 0, overlong: 0, first: m(0), last: m(35), gzip: false, warnings: [] }],
    hits: HitStore.from(hits, outcomes),
    results: [result],
    problems: [],
  };
}

describe('applyWindow', () => {
  it('returns the outcome itself when both edges are open', () => {
    const o = outcome();
    assert.equal(applyWindow(o, {}), o);
  });

  it('keeps in-window hits with their outcomes and bans that started inside', () => {
    const w = applyWindow(outcome(), { since: m(15), until: m(33) });
    assert.deepEqual(w.hits.toArray().map((h) => h.time), [m(15), m(20), m(25), m(30)]);
    assert.deepEqual(w.hits.outcomes(), ['blocked', 'blocked', 'counted', 'banned']);
    assert.deepEqual(w.results[0]!.bans.map((b) => b.start), [m(30)]);
    assert.equal(w.files.length, 1);
  });

  it('recounts tallies from the kept hits, with blocked during an earlier ban', () => {
    const w = applyWindow(outcome(), { since: m(15) });
    const tally = w.results[0]!.tallies.get('a');
    assert.deepEqual(tally, { counted: 2, blocked: 2, ignored: 1, bans: 1, duringBan: 2 });
  });

  it('treats the window as half-open', () => {
    assert.equal(inWindow(m(10), { since: m(10), until: m(20) }), true);
    assert.equal(inWindow(m(20), { since: m(10), until: m(20) }), false);
    assert.equal(inWindow(m(5), { until: m(20) }), true);
  });
});
