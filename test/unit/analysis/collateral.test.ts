import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCollateral, indexSuccesses } from '../../../src/analysis/collateral.js';
import type { Hit } from '../../../src/types.js';

const T = Date.UTC(2026, 0, 5, 8, 0, 0);
const ok = (id: string, user: string, dt: number): Hit => ({ jail: 0, kind: 'success', id, time: T + dt, user, file: 0, line: dt });

test('banned addresses with successful logins are collateral, with their users', () => {
  const idx = indexSuccesses([
    ok('198.51.100.7', 'frank', 10),
    ok('198.51.100.7', 'frank', 20),
    ok('198.51.100.7', 'grace', 30),
    ok('203.0.113.9', 'olivia', 40),
    { jail: 0, kind: 'failure', id: '192.0.2.1', time: T, user: 'x', file: 0, line: 1 },
  ]);
  const c = findCollateral(['203.0.113.66', '198.51.100.7', '198.51.100.7'], idx);
  assert.deepEqual(c, [{ ip: '198.51.100.7', users: ['frank', 'grace'], logins: 3, firstSuccess: T + 10, lastSuccess: T + 30 }]);
  assert.deepEqual(findCollateral(['192.0.2.1'], idx), [], 'failures are not logins');
});
