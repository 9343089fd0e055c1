// Success-only targets (one per jail without a successregex, all alike) are checked once per
// line: the scan keeps the first of those sharing a filter and a detector. The hits are those
// of a scan that runs every one of them (filters copied, so none is recognised as a repeat).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { readReplayArgs } from '../../../src/cli/options.js';
import { resolveAuditConfig } from '../../../src/cli/resolve-config.js';
import { scanFile, type ScanContext } from '../../../src/pipeline/scan-file.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURE = path.join(ROOT, 'test/fixtures/f2b-config');

async function rowsOf(file: string, ctx: Omit<ScanContext, 'stdin' | 'signal'>) {
  const st = statSync(file);
  const r = await scanFile({ path: file, mtimeMs: st.mtimeMs, size: st.size }, 0, { ...ctx, stdin: undefined, signal: undefined });
  const h = HitStore.adopt(r.hits);
  return Array.from({ length: h.length }, (_, i) => [h.jail[i], h.kind[i], h.ids.values[h.id[i]!], h.user[i] === 0 ? undefined : h.users.values[h.user[i]! - 1], h.time[i], h.line[i]]);
}

test('one check per distinct success filter, the same hits as checking them all', async () => {
  // Every jail of the fixture configuration reads the given files; none has a successregex.
  const log = path.join(FIXTURE, 'log/mail.log');
  const config = resolveAuditConfig(readReplayArgs({ paths: [log], config: FIXTURE, now: '2026-02-12T00:00:00Z', timezone: 'UTC' }), path.join(ROOT, 'filters'));
  const success = config.scan.targets.filter((t) => t.successOnly === true);
  assert.ok(success.length >= 3, `success targets: ${success.length}`);
  assert.ok(success.every((t) => t.filter === success[0]!.filter), 'one compiled success filter for one datepattern');

  const all = { ...config.scan, targets: config.scan.targets.map((t) => (t.successOnly === true ? { ...t, filter: { ...t.filter } } : t)) };
  const want = await rowsOf(log, all);
  assert.ok(want.some((r) => r[1] === 1), 'the log has logins');
  // Each login once, for the first jail with a success target.
  const first = success[0]!.jail;
  assert.ok(want.filter((r) => r[1] === 1).every((r) => r[0] === first));
  assert.deepEqual(await rowsOf(log, config.scan), want);
});
