// Jail cases: each folder of test/jail-cases holds input.log, a jail.local layered over
// the shipped jails, and expected.json (bans per jail, per-address tallies). The built
// CLI replays the case with --format json. TEST_ONLY=<case> runs one case.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, runCli } from '../support/run-cli.js';

const CASES = path.join(ROOT, 'test/jail-cases');
const only = process.env['TEST_ONLY'];

interface Expected {
  desc: string;
  args?: string[];
  bans: Record<string, { ip: string; start: string; end: string | null; failures: number; blocked: number }[]>;
  ips?: Record<string, { failures: number; blocked: number; bans: number }>;
}

interface JsonReport {
  jails: { name: string; bans: { ip: string; start: string; end: string | null; failures: number; blocked: number }[] }[];
  ips: { ip: string; failures: number; blocked: number; bans: number }[];
}

for (const name of readdirSync(CASES).sort()) {
  if (only !== undefined && only !== name) continue;
  test(`jail case ${name}`, () => {
    const dir = path.join('test/jail-cases', name);
    const expected = JSON.parse(readFileSync(path.join(ROOT, dir, 'expected.json'), 'utf8')) as Expected;
    const r = runCli([
      'audit',
      path.join(dir, 'input.log'),
      '--jails',
      path.join(dir, 'jail.local'),
      '--format',
      'json',
      '--no-geoip',
      '--timezone',
      'UTC',
      ...(expected.args ?? []),
    ]);
    assert.equal(r.stderr, '', 'no messages expected');
    assert.equal(r.status, 0);
    const report = JSON.parse(r.stdout) as JsonReport;
    for (const [jail, bans] of Object.entries(expected.bans)) {
      const got = report.jails.find((j) => j.name === jail);
      assert.ok(got !== undefined, `jail ${jail} missing from the report`);
      assert.deepEqual(
        got.bans.map(({ ip, start, end, failures, blocked }) => ({ ip, start, end, failures, blocked })),
        bans,
        expected.desc,
      );
    }
    for (const [ip, want] of Object.entries(expected.ips ?? {})) {
      const got = report.ips.find((x) => x.ip === ip);
      assert.ok(got !== undefined, `${ip} missing from ips`);
      assert.deepEqual({ failures: got.failures, blocked: got.blocked, bans: got.bans }, want, expected.desc);
    }
  });
}
