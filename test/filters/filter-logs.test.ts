// Data-driven filter tests: every annotated log in test/filter-logs/<filter> is checked
// against filters/filter.d/<filter>.conf the way fail2ban's own suite checks its filters
// (now frozen at 2005-08-14 12:00 CEST, zone CET/CEST, every failregex must be exercised).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseZone } from '../../src/time/zone.js';
import { checkCase, readFailJsonCases } from '../support/fail-json.js';
import { createLineEvaluator, filterRef } from '../support/evaluate-line.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LOGS = path.join(ROOT, 'test/filter-logs');
const FILTER_DIR = path.join(ROOT, 'filters/filter.d');
/** fail2ban's TEST_NOW: 2005-08-14 12:00:00 CEST. */
const TEST_NOW = 1124013600 * 1000;
const TEST_ZONE = 'Europe/Berlin';

for (const name of readdirSync(LOGS).sort()) {
  test(`filter ${name}: annotated log agrees`, () => {
    const evaluator = createLineEvaluator([FILTER_DIR], parseZone(TEST_ZONE), TEST_NOW);
    const failures: string[] = [];
    const used = new Map<string, Set<number>>();
    let checked = 0;
    for (const c of readFailJsonCases(path.join(LOGS, name), name)) {
      const r = evaluator.evaluate(name, c.options, c.rawOptions, c.line);
      checked++;
      const ref = filterRef(name, c.options);
      let set = used.get(ref);
      if (set === undefined) used.set(ref, (set = new Set()));
      for (const i of r.regexesUsed) set.add(i);
      const why = checkCase(c, r, TEST_ZONE);
      if (why !== undefined) failures.push(`${path.basename(c.file)}:${c.lineNo} ${ref}: ${why}\n    ${c.line}`);
    }
    assert.ok(checked > 0, 'no annotated lines');
    // Like fail2ban's suite: each failregex of each option set has at least one sample.
    for (const [ref, set] of used) {
      const total = evaluator.filter(name, optionsOf(ref)).failregex.length;
      for (let i = 0; i < total; i++) if (!set.has(i)) failures.push(`${ref}: failregex ${i} has no sample`);
    }
    assert.deepEqual(failures, []);
  });
}

function optionsOf(ref: string): Record<string, string> {
  const m = /\[(.*)\]$/.exec(ref);
  const out: Record<string, string> = {};
  if (m === null) return out;
  for (const part of m[1]!.split(/,\s*/)) {
    const kv = /^([^=]+)="(.*)"$/.exec(part);
    if (kv !== null) out[kv[1]!] = kv[2]!.replace(/\\"/g, '"');
  }
  return out;
}
