// Loads a real fail2ban configuration (e.g. Debian's /etc/fail2ban, extracted from the fail2ban
// 1.0.2 package) when BANREPLAY_F2B_DIR points at it: every jail and every filter must load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadFilter } from '../../../src/config/load-filter.js';
import { loadJails, readJailEntries } from '../../../src/config/load-jails.js';

// BANREPLAY_F2B_DIR: an extracted fail2ban package (its etc/fail2ban is used) or a config directory.
const ENV_DIR = process.env['BANREPLAY_F2B_DIR'];
const DIR =
  ENV_DIR === undefined || ENV_DIR === ''
    ? undefined
    : [join(ENV_DIR, 'etc/fail2ban'), ENV_DIR].find((d) => existsSync(join(d, 'jail.conf')));
const SKIP =
  ENV_DIR === undefined || ENV_DIR === ''
    ? 'BANREPLAY_F2B_DIR is not set (point it at an extracted fail2ban package or a config directory such as /etc/fail2ban to run this test)'
    : DIR === undefined
      ? `BANREPLAY_F2B_DIR=${ENV_DIR} has no jail.conf nor etc/fail2ban/jail.conf`
      : false;
if (SKIP !== false) process.stdout.write(`# Debian configuration tests skipped: ${SKIP}\n`);

test('every jail of a real fail2ban configuration loads, with its filter', { skip: SKIP }, () => {
  const dir = DIR ?? '';
  const filterDirs = [join(dir, 'filter.d')];
  // Every jail, disabled ones too, must load: load() is strict where loadJails skips.
  const jails = readJailEntries({ configDir: dir }).map((e) => e.load());
  assert.ok(jails.length > 0);
  assert.deepEqual(loadJails({ configDir: dir }).map((j) => j.name), jails.map((j) => j.name));
  for (const jail of jails) {
    assert.ok(jail.findtime > 0 && jail.maxretry > 0, jail.name);
    if (jail.filter === '') continue;
    const filter = loadFilter(jail.filter, { filterDirs, jailOptions: jail.filterOverrides, jailName: jail.name });
    assert.ok(filter.failregex.length > 0 || filter.prefregex !== undefined, jail.name);
  }
  // Debian's package enables sshd in jail.d/defaults-debian.conf
  const sshd = jails.find((j) => j.name === 'sshd');
  if (sshd !== undefined && existsSync(join(dir, 'jail.d', 'defaults-debian.conf'))) assert.equal(sshd.enabled, true);
});

test('every filter of a real fail2ban filter.d loads quickly', { skip: SKIP }, () => {
  const filterDir = join(DIR ?? '', 'filter.d');
  const names = readdirSync(filterDir)
    .filter((f) => f.endsWith('.conf') && !f.endsWith('common.conf'))
    .map((f) => f.slice(0, -'.conf'.length));
  assert.ok(names.length > 0);
  const start = performance.now();
  for (const name of names) {
    const f = loadFilter(name, { filterDirs: [filterDir] });
    assert.equal(f.name, name);
    assert.ok(f.maxlines >= 1, name);
  }
  const elapsed = performance.now() - start;
  assert.ok(elapsed < 1000, `loading ${names.length} filters took ${elapsed.toFixed(0)} ms`);
});
