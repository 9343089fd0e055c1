import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../../src/errors.js';
import type { JailSpec } from '../../../src/types.js';
import { loadFilter } from '../../../src/config/load-filter.js';
import { loadJails, parseBool, readJailEntries, splitLogpath, splitWords } from '../../../src/config/load-jails.js';

// Fixtures stay in the source tree; compiled tests run from build/test/unit/config/.
function fixtures(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'fixtures'), join(here, '../../../../test/unit/config/fixtures')];
  return candidates.find((p) => existsSync(p)) ?? join(here, 'fixtures');
}
const CONF = join(fixtures(), 'conf');
const IGNORE = ['127.0.0.1/8', '::1', '192.0.2.0/24', '198.51.100.7'];

function byName(jails: JailSpec[], name: string): JailSpec {
  const jail = jails.find((j) => j.name === name);
  assert.ok(jail, `jail ${name}`);
  return jail;
}

/** Runs `fn` on a temporary config directory holding `files` (name → text). */
function withConfig(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'banreplay-jails-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('jail.conf, jail.d/*.conf, jail.local, jail.d/*.local in order, with includes', () => {
  const jails = loadJails({ configDir: CONF });
  assert.deepEqual(
    jails.map((j) => j.name),
    ['demo', 'demo-extra', 'prec'],
  );
  assert.deepEqual(byName(jails, 'demo'), {
    name: 'demo',
    enabled: true, // jail.d/10-site.conf
    filter: 'demo[mode=normal]', // %(__name__)s[mode=%(mode)s] from [DEFAULT]
    maxretry: 3, // jail.local beats jail.d/10-site.conf
    findtime: 600,
    bantime: 15778800, // jail.d/10-site.local: 1year-6mo
    ignoreip: IGNORE, // jail.local [DEFAULT], spaces, commas and newlines
    logpath: ['/var/log/demo.log'], // %(demo_log)s from the included paths.conf
    logtimezone: 'UTC+0200',
    datepattern: '{^LN-BEG}%Y-%m-%d',
    filterOverrides: {
      failregex: '%(known/failregex)s\n^jail extra from <HOST>$',
      prefregex: '^demo: <F-CONTENT>.+</F-CONTENT>$',
      datepattern: '{^LN-BEG}%Y-%m-%d',
    },
    source: join(CONF, 'jail.conf'),
    backend: 'auto',
  });
  const extra = byName(jails, 'demo-extra');
  assert.equal(extra.enabled, false);
  assert.equal(extra.filter, 'demo[mode=extra]');
  assert.equal(extra.maxretry, 2);
  assert.equal(extra.bantime, -1);
  // ` tail` is a start-position marker, not part of the path
  assert.deepEqual(extra.logpath, ['/var/log/mail.log', '/var/log/mail.warn']);
  // usedns = warn comes from [DEFAULT], not from the jail's own section: no override
  assert.deepEqual(extra.filterOverrides, {});
  const prec = byName(jails, 'prec');
  assert.equal(prec.enabled, true);
  assert.equal(prec.filter, 'prec[x="with,comma"]');
  assert.equal(prec.findtime, 129600);
  assert.equal(prec.bantime, 3600);
  assert.deepEqual(prec.logpath, []);
  assert.equal(prec.logtimezone, undefined);
});

test('extra jail files are layered on top; %(mode)s reaches the default filter string', () => {
  const jails = loadJails({ configDir: CONF, extraFiles: [join(CONF, 'extra-jails.local')] });
  assert.deepEqual(
    jails.map((j) => j.name),
    ['demo', 'demo-extra', 'prec', 'mine'],
  );
  assert.equal(byName(jails, 'demo').filter, 'demo[mode=extra]');
  assert.equal(byName(jails, 'demo-extra').enabled, true);
  const mine = byName(jails, 'mine');
  assert.equal(mine.source, join(CONF, 'extra-jails.local'));
  assert.equal(mine.filter, `quoted[c='x]y', b="p, q"]`);
  assert.deepEqual(mine.logpath, ['/srv/log/a.log', '/srv/log/b.log']);
  assert.equal(mine.maxretry, 5);
});

test('a jail and its filter together give what fail2ban sends to its server', () => {
  const jail = byName(loadJails({ configDir: CONF }), 'demo');
  const filter = loadFilter(jail.filter, {
    filterDirs: [join(CONF, 'filter.d')],
    jailOptions: jail.filterOverrides,
    jailName: jail.name,
  });
  assert.equal(filter.prefregex, '^demo: <F-CONTENT>.+</F-CONTENT>$');
  assert.deepEqual(filter.failregex, [
    '^login failed for <F-USER>\\S+</F-USER> from <HOST>$',
    '^too many errors from <HOST>',
    '^local rule from <HOST>$',
    '^jail extra from <HOST>$',
  ]);
  assert.equal(filter.datepattern, '{^LN-BEG}%Y-%m-%d');
});

test('code defaults apply when nothing sets an option', () => {
  withConfig({ 'jail.local': '[solo]\nenabled = true\n' }, (dir) => {
    assert.deepEqual(loadJails({ configDir: dir }), [
      {
        name: 'solo',
        enabled: true,
        filter: '',
        maxretry: 3,
        findtime: 600,
        bantime: 600,
        ignoreip: [],
        logpath: [],
        logtimezone: undefined,
        datepattern: undefined,
        filterOverrides: {},
        source: join(dir, 'jail.local'),
        backend: 'auto',
      },
    ]);
  });
});

test('options set in another file than the jail\'s own say where they come from', () => {
  withConfig({ 'jail.conf': '[DEFAULT]\nbantime.formula = ban.Time\n[solo]\nenabled = true\nfilter = solo\n', 'jail.local': '[solo]\nfilter = other\n' }, (dir) => {
    const [spec] = loadJails({ configDir: dir });
    assert.equal(spec!.source, join(dir, 'jail.conf'));
    assert.deepEqual(spec!.optionSources, { filter: join(dir, 'jail.local') }, 'the formula comes from the jail\'s own file');
  });
  withConfig({ 'jail.conf': '[solo]\nenabled = true\nfilter = solo\n' }, (dir) => {
    assert.equal(loadJails({ configDir: dir })[0]!.optionSources, undefined);
  });
});

test('bad values are ConfigErrors naming file, jail and key, raised when the jail is loaded', () => {
  const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['bantime = forever', 'bantime', /invalid time value "forever"/],
    ['findtime = 10 parsecs', 'findtime', /invalid time value/],
    ['maxretry = many', 'maxretry', /expected an integer/],
    ['logpath = %(nowhere_log)s', 'logpath', /%\(nowhere_log\)s refers to an option that is not defined/],
  ];
  for (const [line, key, re] of cases) {
    withConfig({ 'jail.conf': `[DEFAULT]\nenabled = false\n[broken]\n${line}\n` }, (dir) => {
      const entry = readJailEntries({ configDir: dir }).find((e) => e.name === 'broken');
      assert.ok(entry !== undefined && !entry.enabled);
      // fail2ban skips a disabled jail without reading its values.
      assert.deepEqual(loadJails({ configDir: dir }), [], line);
      assert.throws(
        () => entry.load(),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError, line);
          assert.equal(err.file, join(dir, 'jail.conf'), line);
          assert.equal(err.section, 'broken', line);
          assert.equal(err.key, key, line);
          assert.match(err.message, re, line);
          return true;
        },
      );
    });
  }
});

test('a value inherited from [DEFAULT] is reported where [DEFAULT] set it', () => {
  withConfig({ 'jail.conf': '[x]\nenabled = true\n', 'jail.local': '[DEFAULT]\nbantime = 1 fortnight\n' }, (dir) => {
    assert.throws(
      () => loadJails({ configDir: dir }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.file === join(dir, 'jail.local') &&
        err.section === 'x' &&
        err.key === 'bantime',
    );
  });
});

test('missing configuration is an error', () => {
  withConfig({}, (dir) => {
    assert.throws(() => loadJails({ configDir: dir }), /no jail\.conf, jail\.local or jail\.d\/ files/);
    assert.throws(
      () => loadJails({ configDir: dir, extraFiles: [join(dir, 'absent.local')] }),
      (err: unknown) => err instanceof ConfigError && err.file === join(dir, 'absent.local'),
    );
  });
});

test('fail2ban_version and fail2ban_confpath are available to jail files', () => {
  withConfig({ 'jail.conf': '[v]\nlogpath = %(fail2ban_confpath)s/x-%(fail2ban_version)s.log\n' }, (dir) => {
    assert.deepEqual(loadJails({ configDir: dir + '/' })[0]?.logpath, [`${dir}/x-1.0.2.log`]);
  });
});

test('helpers: booleans, word lists, logpath lines', () => {
  for (const t of ['1', 'on', 'TRUE', 'Yes']) assert.equal(parseBool(t), true, t);
  for (const f of ['0', 'off', 'false', 'no', 'enabled', '']) assert.equal(parseBool(f), false, f);
  assert.deepEqual(splitWords(' a, b\n\nc  d,,e '), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(splitLogpath('/a/x.log\n\n/b/*.log tail\n/c/y.log HEAD\n/d/with space.log'), [
    '/a/x.log',
    '/b/*.log',
    '/c/y.log',
    '/d/with space.log',
  ]);
});

test('only enabled jails are read: a broken enabled jail throws, a broken disabled one is left out', () => {
  const text = '[DEFAULT]\nbantime = 10m\n[good]\nenabled = true\n[off]\nbantime = whenever\n[bad]\nenabled = yes\nmaxretry = x\n';
  withConfig({ 'jail.conf': text }, (dir) => {
    const entries = readJailEntries({ configDir: dir });
    assert.deepEqual(
      entries.map((e) => [e.name, e.enabled]),
      [['good', true], ['off', false], ['bad', true]],
    );
    assert.equal(entries[0]?.load().bantime, 600);
    assert.equal(entries[0]?.load(), entries[0]?.load(), 'load() is cached');
    assert.throws(() => entries[1]?.load(), /invalid time value "whenever"/);
    assert.throws(() => loadJails({ configDir: dir }), (e: unknown) => e instanceof ConfigError && e.section === 'bad' && e.key === 'maxretry');
  });
  // An `enabled` that cannot be read counts as enabled, so that its error surfaces.
  withConfig({ 'jail.conf': '[odd]\nenabled = %(nope)s\n' }, (dir) => {
    const [odd] = readJailEntries({ configDir: dir });
    assert.equal(odd?.enabled, true);
    assert.throws(() => odd?.load(), /%\(nope\)s refers to an option that is not defined/);
  });
});

test('backend and the bantime.* options of bantime.increment', () => {
  const text = `[DEFAULT]
bantime.increment = true
bantime.rndtime = 5m
[inc]
backend = %(default_backend)s
default_backend = systemd
bantime.factor = 3/2
bantime.formula = ban.Time * math.exp(float(ban.Count+1)*banFactor)/math.exp(1*banFactor)
bantime.maxtime = 1w
bantime.overalljails = true
[mult]
bantime.multipliers = 1 5 30
  60 300
[off]
bantime.increment = false
bantime.factor = not a number
`;
  withConfig({ 'jail.conf': text }, (dir) => {
    const jails = readJailEntries({ configDir: dir }).map((e) => e.load());
    const inc = byName(jails, 'inc');
    assert.equal(inc.backend, 'systemd');
    assert.deepEqual(inc.banTimeIncrement, {
      factor: 1.5,
      formula: 'ban.Time * math.exp(float(ban.Count+1)*banFactor)/math.exp(1*banFactor)',
      multipliers: [],
      maxtime: 604800,
      rndtime: 300,
      overalljails: true,
    });
    assert.deepEqual(byName(jails, 'mult').banTimeIncrement, {
      factor: 1,
      formula: undefined,
      multipliers: [1, 5, 30, 60, 300],
      maxtime: undefined,
      rndtime: 300,
      overalljails: false,
    });
    // Off: the other bantime.* values are not even looked at.
    assert.equal(byName(jails, 'off').banTimeIncrement, undefined);
    assert.equal('banTimeIncrement' in byName(jails, 'off'), false);
  });
  const bad: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['bantime.factor = 2 * ban', 'bantime.factor', /expected a number/],
    ['bantime.multipliers = 1 2 x', 'bantime.multipliers', /expected integers separated by spaces, got "x"/],
    ['bantime.maxtime = soon', 'bantime.maxtime', /invalid time value "soon"/],
  ];
  for (const [line, key, re] of bad) {
    withConfig({ 'jail.conf': `[j]\nenabled = true\nbantime.increment = on\n${line}\n` }, (dir) => {
      assert.throws(
        () => loadJails({ configDir: dir }),
        (err: unknown) => err instanceof ConfigError && err.section === 'j' && err.key === key && re.test(err.message),
        line,
      );
    });
  }
});
