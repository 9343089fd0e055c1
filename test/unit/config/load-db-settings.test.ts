import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PURGE_AGE, loadDbSettings } from '../../../src/config/load-db-settings.js';
import { ConfigError } from '../../../src/errors.js';

function withDir(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'banreplay-db-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('no fail2ban.conf: one day of memory, database on', () => {
  withDir({}, (dir) => {
    assert.deepEqual(loadDbSettings(dir), { purgeAge: DEFAULT_PURGE_AGE, enabled: true, source: undefined });
    assert.equal(DEFAULT_PURGE_AGE, 86400);
  });
});

test('fail2ban.conf, fail2ban.d/*.conf, fail2ban.local in order; time units; dbfile = None', () => {
  withDir(
    {
      'fail2ban.conf': '[Definition]\ndbfile = /var/lib/fail2ban/fail2ban.sqlite3\ndbpurgeage = 1d\n',
      'fail2ban.d/10-site.conf': '[Definition]\ndbpurgeage = 2d\n',
      'fail2ban.local': '[Definition]\ndbpurgeage = 1w 12h\n',
    },
    (dir) => {
      assert.deepEqual(loadDbSettings(dir), { purgeAge: 648000, enabled: true, source: join(dir, 'fail2ban.local') });
    },
  );
  withDir({ 'fail2ban.conf': '[Definition]\ndbfile = None\n' }, (dir) => {
    assert.equal(loadDbSettings(dir).enabled, false);
  });
});

test('a bad dbpurgeage names file, section and key', () => {
  withDir({ 'fail2ban.conf': '[Definition]\ndbpurgeage = a while\n' }, (dir) => {
    assert.throws(
      () => loadDbSettings(dir),
      (e: unknown) => e instanceof ConfigError && e.file === join(dir, 'fail2ban.conf') && e.section === 'Definition' && e.key === 'dbpurgeage',
    );
  });
});
