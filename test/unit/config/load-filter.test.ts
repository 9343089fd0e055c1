import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../../src/errors.js';
import { loadFilter } from '../../../src/config/load-filter.js';

// Fixtures stay in the source tree; compiled tests run from build/test/unit/config/.
function fixtures(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'fixtures'), join(here, '../../../../test/unit/config/fixtures')];
  return candidates.find((p) => existsSync(p)) ?? join(here, 'fixtures');
}
const FILTERS = join(fixtures(), 'conf', 'filter.d');
const ERRORS = join(fixtures(), 'errors', 'filter.d');
const dirs = { filterDirs: [FILTERS] };

// Expected strings in this file were checked against fail2ban 1.0.2's FilterReader on the same fixtures.
const PREFIX = '^\\s*\\S+ demo(?:-auth)?(?:\\[\\d+\\]|\\(\\d+\\))?:\\s+';
const FIXED = ['^login failed for <F-USER>\\S+</F-USER> from <HOST>$', '^too many errors from <HOST>'];
const LOCAL = '^local rule from <HOST>$';

test('a filter with includes, .local, .d/ files and the default mode', () => {
  const f = loadFilter('demo', dirs);
  assert.equal(f.name, 'demo');
  assert.equal(f.file, join(FILTERS, 'demo.conf'));
  assert.equal(f.prefregex, PREFIX + '<F-CONTENT>.+</F-CONTENT>$');
  // comment line dropped, inline comment cut, empty <mdre-normal> dropped, .local extends via %(known/failregex)s
  assert.deepEqual(f.failregex, [...FIXED, LOCAL]);
  assert.deepEqual(f.ignoreregex, ['^from trusted;host <HOST>$']);
  assert.deepEqual(f.successregex, ['^login ok for <F-USER>\\S+</F-USER> from <HOST>$']);
  assert.equal(f.datepattern, '{^LN-BEG}');
  assert.equal(f.maxlines, 1);
  assert.equal(f.usedns, 'no');
  assert.equal(f.options['logtype'], 'file');
  assert.equal(f.options['mode'], 'normal');
  assert.equal(f.options['known/mode'], 'normal');
});

test('nested <mdre-<mode>> follows the mode parameter', () => {
  const f = loadFilter('demo[mode=extra]', dirs);
  assert.deepEqual(f.failregex, [...FIXED, '^probe from <HOST>$', '^scan from <HOST>$', LOCAL]);
  assert.equal(f.options['mode'], 'extra');
  assert.equal(f.options['known/mode'], 'normal');
});

test('the logtype parameter selects <lt_<logtype>/...> sections', () => {
  assert.equal(loadFilter('demo[logtype=short]', dirs).datepattern, '{^LN-BEG}short');
  // a [Definition] logtype wins over the automatic `file`
  const s = loadFilter('sections', dirs);
  assert.equal(s.datepattern, '{^LN-BEG}short');
  assert.deepEqual(s.failregex, ['^Definition {^LN-BEG}short {^LN-BEG} \\S* \\S* <HOST>$']);
});

test('precedence of [Definition], [Init], parameters, DEFAULT and known/ (spec §2.3)', () => {
  // x: [Definition] from-definition, [Init] from-init; y: .conf def-y, .local local-y; z: only DEFAULT
  const plain = loadFilter('prec', dirs);
  assert.deepEqual(plain.failregex, [
    '^pct=from-definition tag=from-init known=from-init z=from-default/from-default y=local-y/local-y ky=def-y/def-y <HOST>$',
  ]);
  const param = loadFilter('prec[x=param]', dirs);
  assert.deepEqual(param.failregex, [
    '^pct=param tag=param known=from-init z=from-default/from-default y=local-y/local-y ky=def-y/def-y <HOST>$',
  ]);
});

test('quoted parameters keep commas and brackets', () => {
  const f = loadFilter(`quoted[c="x]y", b='p, q']`, dirs);
  assert.deepEqual(f.failregex, ['^a=A b=p, q c=x]y <HOST>$']);
  assert.equal(f.datepattern, undefined);
  assert.equal(f.prefregex, undefined);
});

test('a path to a .conf file, with parameters, reads the same files', () => {
  const f = loadFilter(join(FILTERS, 'demo.conf') + '[mode=extra]', { filterDirs: [] });
  assert.equal(f.name, 'demo');
  assert.deepEqual(f.failregex, loadFilter('demo[mode=extra]', dirs).failregex);
});

test('the first filter directory holding the name wins; an unknown name is an error', () => {
  assert.deepEqual(loadFilter('demo', { filterDirs: [ERRORS, FILTERS] }).failregex, [...FIXED, LOCAL]);
  assert.throws(
    () => loadFilter('nosuch[mode=x]', { filterDirs: [FILTERS], jailName: 'j' }),
    (err: unknown) =>
      err instanceof ConfigError && err.section === 'j' && err.key === 'filter' && /nosuch/.test(err.message),
  );
  assert.throws(
    () => loadFilter('demo[mode=', { ...dirs, jailName: 'j' }),
    (err: unknown) => err instanceof ConfigError && err.key === 'filter',
  );
});

test('jail overrides replace filter options; %(known/x)s expands to the filter value', () => {
  const f = loadFilter('demo[mode=normal]', {
    ...dirs,
    jailName: 'demo',
    jailOptions: {
      failregex: '%(known/failregex)s\n^jail extra from <HOST>$',
      ignoreregex: '',
      prefregex: '^(?:%(known/_daemon)s): <F-CONTENT>.+</F-CONTENT>$',
      datepattern: '{^LN-BEG}%Y',
      maxlines: '3',
      usedns: 'Yes',
      successregex: '%(known/successregex)s\n^welcome <HOST>$',
      maxretry: '5',
    },
  });
  assert.deepEqual(f.failregex, [...FIXED, LOCAL, '^jail extra from <HOST>$']);
  assert.deepEqual(f.ignoreregex, []);
  assert.equal(f.prefregex, '^(?:demo(?:-auth)?): <F-CONTENT>.+</F-CONTENT>$');
  assert.equal(f.datepattern, '{^LN-BEG}%Y');
  assert.equal(f.maxlines, 3);
  assert.equal(f.usedns, 'yes');
  assert.deepEqual(f.successregex, ['^login ok for <F-USER>\\S+</F-USER> from <HOST>$', '^welcome <HOST>$']);
});

test('a jail override referring to an option the filter lacks is an error naming jail and key', () => {
  assert.throws(
    () => loadFilter('quoted', { ...dirs, jailName: 'mine', jailOptions: { prefregex: '%(known/prefregex)s x' } }),
    (err: unknown) => err instanceof ConfigError && err.section === 'mine' && err.key === 'prefregex',
  );
  assert.throws(
    () => loadFilter('quoted', { ...dirs, jailName: 'mine', jailOptions: { usedns: 'sometimes' } }),
    (err: unknown) => err instanceof ConfigError && err.section === 'mine' && err.key === 'usedns',
  );
});

test('errors carry file, section and key', () => {
  const cases: ReadonlyArray<readonly [string, string | undefined, string | undefined, RegExp]> = [
    ['selftag', 'Definition', 'failregex', /<loop> was replaced more than 25 times/],
    ['mutual', 'Definition', 'failregex', /<ping>/],
    ['selfpct', 'Definition', 'failregex', /deeper than 10 levels/],
    ['undefined', 'Definition', 'failregex', /%\(nowhere\)s/],
    ['lonepct', 'Definition', 'datepattern', /write %% for a literal %/],
    ['badline', 'Definition', undefined, /line 3: expected 'name = value'/],
    ['noheader', undefined, undefined, /line 1: option outside any \[section\]/],
    ['dupopt', 'Definition', 'failregex', /line 3: option set twice/],
    ['badmaxlines', 'Definition', 'maxlines', /integer greater than zero/],
  ];
  for (const [name, section, key, re] of cases) {
    assert.throws(
      () => loadFilter(name, { filterDirs: [ERRORS] }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, name);
        assert.equal(err.file, join(ERRORS, `${name}.conf`), name);
        assert.equal(err.section, section, name);
        assert.equal(err.key, key, name);
        assert.match(err.message, re, name);
        return true;
      },
    );
  }
});

test('include loops and missing includes do not stop a filter from loading', () => {
  assert.deepEqual(loadFilter('loop-a', { filterDirs: [ERRORS] }).failregex, ['^ab <HOST>$']);
});
