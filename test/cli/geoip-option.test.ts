// CLI tests for the GeoIP options of `audit`: the databases are opened only once the logs
// are read (so they are not in memory during the scan, #4), yet a database named on the
// command line that cannot be read still fails at once, before any log is read.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCli } from '../support/run-cli.js';

const CLI = path.join(ROOT, 'dist/cli/main.js');
const NOW = ['--now', '2026-01-15T14:33:00Z', '--timezone', 'UTC'];

// Runs `audit -` with standard input left open: it ends only if the CLI stops by itself.
function auditOpenStdin(extra: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'audit', '-', '--jail', 'dovecot', ...NOW, ...extra], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', NO_COLOR: '1' },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('still reading standard input: the database was not checked first'));
    }, 20_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

describe('audit --geoip-db / --asn-db', () => {
  it('fails before reading any log when a named database cannot be read', async () => {
    const missing = path.join(ROOT, 'no-such-dir', 'GeoLite2-Country.mmdb');
    const r = await auditOpenStdin(['--geoip-db', missing]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no-such-dir\/GeoLite2-Country\.mmdb: cannot open GeoIP database: no such file/);
    const dir = await auditOpenStdin(['--asn-db', ROOT]);
    assert.equal(dir.status, 1);
    assert.match(dir.stderr, /cannot open GeoIP database: is a directory/);
  });

  it('answers from the databases opened after the scan', () => {
    const r = runCli(['audit', 'samples/', ...NOW, '--geoip-db', 'bundled', '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { ips: { country?: string; asn?: number }[]; geoip: { database: string; asn?: { database: string } } };
    assert.equal(out.geoip.database, '@ip-location-db/geo-whois-asn-country-mmdb');
    assert.equal(out.geoip.asn?.database, '@ip-location-db/asn');
    assert.ok(out.ips.filter((ip) => ip.country !== undefined && ip.asn !== undefined).length >= 10, 'addresses have countries and ASNs');
  });
});
