import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../../src/errors.js';
import { configFilesFor, parseIni, readConfigFiles } from '../../../src/config/ini-reader.js';

// Fixtures stay in the source tree; compiled tests run from build/test/unit/config/.
function fixtures(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'fixtures'), join(here, '../../../../test/unit/config/fixtures')];
  return candidates.find((p) => existsSync(p)) ?? join(here, 'fixtures');
}
const CONF = join(fixtures(), 'conf');

function options(text: string, section: string): Record<string, string> {
  const parsed = parseIni(text, 'mem.conf');
  const sec = section === 'DEFAULT' ? parsed.defaults : parsed.sections.get(section);
  assert.ok(sec, `section ${section} exists`);
  return Object.fromEntries(sec.options);
}

test('key = value and key: value, keys lowercased, values trimmed', () => {
  const o = options('[S]\nFailRegex =  ^a$  \nMaxLines: 2\nspaced key=x = y\n', 'S');
  assert.deepEqual(o, { failregex: '^a$', maxlines: '2', 'spaced key': 'x = y' });
});

test('indented lines continue a value; comments inside are dropped, blank lines kept', () => {
  const text = [
    '[Definition]',
    'failregex = ^one$',
    '            # comment inside the list',
    '            ^two$',
    '',
    '            ^three$',
    '',
    'ignoreregex =',
    '    ^i$',
    'after = x',
  ].join('\n');
  const o = options(text, 'Definition');
  assert.equal(o['failregex'], '^one$\n^two$\n\n^three$');
  // an empty first line stays (fail2ban drops empty regexes later)
  assert.equal(o['ignoreregex'], '\n^i$');
  assert.equal(o['after'], 'x');
});

test('continuation must be indented deeper than the option line', () => {
  const o = options('[S]\n  a = 1\n  b = 2\n    more\n', 'S');
  assert.deepEqual(o, { a: '1', b: '2\nmore' });
});

test('; starts an inline comment only after whitespace; # only as a whole line', () => {
  const o = options('[S]\na = x ;comment\nb = x;not a comment\nc = x # kept\n  ; whole line\n# whole line\n', 'S');
  assert.deepEqual(o, { a: 'x', b: 'x;not a comment', c: 'x # kept' });
});

test('CRLF line endings and a byte order mark are accepted', () => {
  const o = options('\ufeff[S]\r\na = 1\r\n  2\r\n', 'S');
  assert.deepEqual(o, { a: '1\n2' });
});

test('[DEFAULT] is kept apart from sections; a header line that looks like a regex in a continuation is a value', () => {
  const parsed = parseIni('[DEFAULT]\nd = 1\n[S]\na = x\n  [abc]\n', 'mem.conf');
  assert.deepEqual(Object.fromEntries(parsed.defaults.options), { d: '1' });
  assert.deepEqual([...parsed.sections.keys()], ['S']);
  assert.equal(parsed.sections.get('S')?.options.get('a'), 'x\n[abc]');
});

test('section names are case-sensitive; the header runs to the last ]', () => {
  const parsed = parseIni('[Init]\na = 1\n[init]\na = 2\n[lt_file] trailing]\nb = 3\n', 'mem.conf');
  assert.deepEqual([...parsed.sections.keys()], ['Init', 'init', 'lt_file] trailing']);
});

test('a line that is neither option nor continuation is a ConfigError naming file and line', () => {
  assert.throws(
    () => parseIni('[Definition]\nfailregex = x\nno separator here\n', 'bad.conf'),
    (err: unknown) =>
      err instanceof ConfigError && err.file === 'bad.conf' && err.section === 'Definition' && /line 3/.test(err.message),
  );
});

test('an option before any section, an empty name, duplicates in one file are errors', () => {
  assert.throws(() => parseIni('a = 1\n', 'x.conf'), /line 1: option outside any \[section\]/);
  assert.throws(() => parseIni('[S]\n= 1\n', 'x.conf'), /line 2: option without a name/);
  assert.throws(
    () => parseIni('[S]\na = 1\nA = 2\n', 'x.conf'),
    (err: unknown) => err instanceof ConfigError && err.key === 'a' && /line 3/.test(err.message),
  );
  assert.throws(() => parseIni('[S]\na = 1\n[S]\nb = 2\n', 'x.conf'), /line 3: section \[S\] appears twice/);
  // two [DEFAULT] headers are fine, the same option under both is not
  assert.doesNotThrow(() => parseIni('[DEFAULT]\na = 1\n[DEFAULT]\nb = 2\n', 'x.conf'));
  assert.throws(() => parseIni('[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n', 'x.conf'), /set twice/);
});

test('read order: x.conf, x.d/*.conf, x.local, x.d/*.local; includes and their .local first', () => {
  const files = configFilesFor(join(CONF, 'filter.d', 'demo'));
  const rel = (f: string): string => f.slice(CONF.length + 1);
  assert.deepEqual(files.map(rel), [
    'filter.d/demo.conf',
    'filter.d/demo.d/10-a.conf',
    'filter.d/demo.d/20-b.conf',
    'filter.d/demo.local',
    'filter.d/demo.d/10-a.local',
  ]);
  const doc = readConfigFiles(files);
  // common.local comes once as common.conf's `after` and once as its .local companion, as in fail2ban.
  assert.deepEqual(doc.files.map(rel), [
    'filter.d/common.conf',
    'filter.d/common.local',
    'filter.d/common.local',
    ...files.map(rel),
  ]);
  const def = doc.sections.get('Definition');
  assert.equal(def?.options.get('order'), 'd-10-local');
  assert.equal(def?.origins.get('order')?.file, join(CONF, 'filter.d/demo.d/10-a.local'));
  assert.equal(def?.file, join(CONF, 'filter.d/demo.conf'));
  // DEFAULT from the included common.conf, overridden by common.local
  assert.equal(doc.defaults.options.get('__pid'), '(?:\\[\\d+\\]|\\(\\d+\\))?');
});

test('KNOWN/<section> remembers the value before the most recent override', () => {
  const doc = readConfigFiles(configFilesFor(join(CONF, 'filter.d', 'demo')));
  const known = doc.sections.get('KNOWN/Definition');
  assert.equal(known?.options.get('order'), 'local');
  assert.equal(
    known?.options.get('failregex'),
    '^login failed for <F-USER>\\S+</F-USER> from <HOST>$\n^too many errors from <HOST>\n\n<mdre-<mode>>',
  );
});

test('include loops terminate and missing includes are skipped and recorded', () => {
  const dir = join(fixtures(), 'errors', 'filter.d');
  const doc = readConfigFiles([join(dir, 'loop-a.conf')]);
  assert.deepEqual(
    doc.files.map((f) => f.slice(dir.length + 1)),
    ['loop-b.conf', 'loop-a.conf'],
  );
  assert.deepEqual(doc.skipped, [join(dir, 'not-there.conf')]);
  assert.equal(doc.sections.get('Definition')?.options.get('from_b'), 'b');
});

test('INCLUDES values are interpolated with the including file DEFAULT; absolute paths allowed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'banreplay-ini-'));
  try {
    writeFileSync(join(dir, 'abs.conf'), '[S]\nfrom = abs\nabs_only = 1\n');
    writeFileSync(join(dir, 'inc.conf'), '[S]\nfrom = inc\ninc_only = 1\n');
    writeFileSync(join(dir, 'inc.local'), '[S]\nfrom = inc-local\n');
    writeFileSync(
      join(dir, 'main.conf'),
      `[INCLUDES]\nbefore = %(name)s.conf\nafter = ${join(dir, 'abs.conf')}\n[DEFAULT]\nname = inc\n[S]\nfrom = main\n`,
    );
    const doc = readConfigFiles([join(dir, 'main.conf')]);
    assert.deepEqual(
      doc.files.map((f) => f.slice(dir.length + 1)),
      ['inc.conf', 'inc.local', 'main.conf', 'abs.conf'],
    );
    assert.deepEqual(Object.fromEntries(doc.sections.get('S')?.options ?? []), {
      from: 'abs',
      inc_only: '1',
      abs_only: '1',
    });
    assert.equal(doc.sections.get('KNOWN/S')?.options.get('from'), 'main');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('conditional sections merge into their base section with suffixed keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'banreplay-ini-'));
  try {
    writeFileSync(join(dir, 'a.conf'), '[Init]\nname = x\n[Init?family=inet6]\nname = y\n');
    const doc = readConfigFiles([join(dir, 'a.conf')]);
    assert.deepEqual(Object.fromEntries(doc.sections.get('Init')?.options ?? []), {
      name: 'x',
      'name?family=inet6': 'y',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
