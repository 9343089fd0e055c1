// rendersHits against what rendering really reads: every format and export renders without the
// replay's hits exactly when rendersHits says it does not need them, so `audit` can let the
// hit store go before rendering (#4) without any output losing what it shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildReport } from '../../../src/analysis/build-report.js';
import { AUDIT_FORMATS, deliverReport, planOutput, readOutputArgs, rendersHits } from '../../../src/cli/audit-output.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { ReplayOutcome } from '../../../src/pipeline/replay.js';
import { parseZone } from '../../../src/time/zone.js';
import type { Hit } from '../../../src/types.js';
import { makeJailSpec } from '../../support/jail-spec.js';

const T = Date.UTC(2026, 2, 1, 10, 0, 0);
const hit = (line: number, kind: Hit['kind'] = 'failure'): Hit => ({ jail: 0, kind, id: '203.0.113.1', time: T + line * 1000, user: 'admin', file: 0, line });

function replayed(): ReplayOutcome {
  return {
    files: [{ path: 'maillog', lines: 9, noTime: 0, overlong: 0, first: T, last: T + 9000, gzip: false, warnings: [] }],
    hits: HitStore.from([hit(1), hit(2), hit(3, 'success')], ['counted', 'banned', undefined]),
    results: [{ bans: [{ jail: 'postfix', id: '203.0.113.1', start: T + 2000, end: T + 602_000, failures: 2, blocked: 0 }], tallies: new Map(), prolongations: [] }],
    problems: [],
  };
}

test('an output renders without the hits exactly when rendersHits says it does not read them', async () => {
  const outcome = replayed();
  const report = buildReport(outcome, [makeJailSpec('postfix')]);
  const zone = parseZone('UTC');
  const cases: Record<string, unknown>[] = [
    ...AUDIT_FORMATS.map((format) => ({ format })),
    { export: 'nft' },
  ];
  let needing = 0;
  for (const raw of cases) {
    const args = readOutputArgs(raw);
    const plan = planOutput(args, T + 10_000, zone);
    const ctx = { paths: ['maillog'], zone, colorLevel: 0 as const, columns: 100 };
    const what = JSON.stringify(raw);
    const full = await deliverReport(report, args, plan, { ...ctx, outcome });
    assert.equal(full.problems.length, 0, what);
    if (rendersHits(args)) {
      needing++;
      await assert.rejects(deliverReport(report, args, plan, { ...ctx, outcome: undefined }), /needs the replay's hits/, what);
    } else {
      const without = await deliverReport(report, args, plan, { ...ctx, outcome: undefined });
      assert.deepEqual(without, full, what);
    }
  }
  // ndjson, html and email read them; mail is the email format.
  assert.equal(needing, 3);
  assert.equal(rendersHits(readOutputArgs({ 'mail-to': 'root@example.org' })), true);
});
