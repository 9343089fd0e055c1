// Data-driven filter tests: every annotated log in test/filter-logs/<filter> is checked
// against filters/filter.d/<filter>.conf the way fail2ban's own suite checks its filters
// (now frozen at 2005-08-14 12:00 CEST, zone CET/CEST, every failregex must be exercised),
// by the same runner `npm run conformance` uses for fail2ban's filters.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scoreFilter } from '../conformance/score-filter.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LOGS = path.join(ROOT, 'test/filter-logs');
const FILTER_DIR = path.join(ROOT, 'filters/filter.d');

for (const name of readdirSync(LOGS).sort()) {
  test(`filter ${name}: annotated log agrees`, () => {
    const s = scoreFilter(name, FILTER_DIR, LOGS);
    assert.equal(s.error, undefined);
    assert.ok(s.total > 0, 'no annotated lines');
    assert.deepEqual([...s.failures, ...s.unused], []);
    assert.equal(s.pass, s.total);
  });
}
