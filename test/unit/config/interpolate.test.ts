import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors.js';
import { mergeIni, parseIni, type IniDocument } from '../../../src/config/ini-reader.js';
import { getOption, getOptionEx, substituteRecursiveTags } from '../../../src/config/interpolate.js';

/** A document from several in-memory files merged in order (KNOWN/ memory included). */
function doc(...texts: string[]): IniDocument {
  return mergeIni(texts.map((text, i) => parseIni(text, `f${i}.conf`)));
}

test('%(x)s looks in vars, then the section, then DEFAULT; names are case-insensitive', () => {
  const d = doc(
    '[DEFAULT]\nd = from-default\nboth = default\n[S]\nboth = section\nv = %(D)s|%(both)s|%(p)s\np = section-p\n',
  );
  assert.equal(getOption(d, 'S', 'v'), 'from-default|section|section-p');
  assert.equal(getOption(d, 'S', 'V', { vars: { P: 'from-vars' } }), 'from-default|section|from-vars');
  assert.equal(getOption(d, 'S', 'v', { vars: new Map([['both', 'vars-both']]) }), 'from-default|vars-both|section-p');
  assert.equal(getOption(d, 'S', 'v', { raw: true }), '%(D)s|%(both)s|%(p)s');
  assert.equal(getOption(d, 'S', 'missing'), undefined);
  assert.equal(getOption(d, 'Nope', 'd'), undefined);
  assert.equal(getOption(d, 'DEFAULT', 'd'), 'from-default');
});

test('nested references are expanded in the context of the reading section', () => {
  const d = doc('[DEFAULT]\nprefix = <%(daemon)s>\ndaemon = generic\n[S]\ndaemon = sshd\nline = %(prefix)s x\n');
  assert.equal(getOption(d, 'S', 'line'), '<sshd> x');
  assert.equal(getOption(d, 'DEFAULT', 'prefix'), '<generic>');
});

test('%(__name__)s is the section name, %% is a literal percent', () => {
  const d = doc(
    '[DEFAULT]\nfilter = %(__name__)s[mode=%(mode)s]\nmode = normal\n[postfix-sasl]\nmode = auth\ndp = %%Y-%%m-%%d\n',
  );
  assert.equal(getOption(d, 'postfix-sasl', 'filter'), 'postfix-sasl[mode=auth]');
  assert.equal(getOption(d, 'postfix-sasl', 'dp'), '%Y-%m-%d');
});

test('%(sec/opt)s, %(default/opt)s and %(known/opt)s', () => {
  const d = doc(
    '[DEFAULT]\nx = default-x\nonly_default = od\n[lt_file]\nprefix = ^file %(x)s\n[Definition]\nx = def-x\ny = first-y\n',
    '[Definition]\ny = %(known/y)s+second\nz = %(lt_file/prefix)s|%(default/x)s|%(known/x)s|%(lt_file/only_default)s\n',
  );
  // the value taken from [lt_file] is expanded in [Definition], where x = def-x
  assert.equal(getOption(d, 'Definition', 'z'), '^file def-x|default-x|default-x|od');
  assert.equal(getOption(d, 'Definition', 'y'), 'first-y+second');
});

test('a mixed-case %(Section/opt)s does not resolve, as in fail2ban', () => {
  const d = doc('[Other]\na = 1\n[S]\nb = %(Other/a)s\nc = %(other/a)s\n');
  assert.throws(() => getOption(d, 'S', 'b'), /refers to an option that is not defined/);
  assert.throws(() => getOption(d, 'S', 'c'), /refers to an option that is not defined/);
});

test('deferKnown keeps %(known/x)s literally (lowercased), at any depth', () => {
  const d = doc('[DEFAULT]\nextra = ^x$\n[jail]\nfailregex = %(Known/FailRegex)s\n  %(extra)s\nwrap = %(failregex)s\n');
  assert.equal(getOption(d, 'jail', 'failregex', { deferKnown: true }), '%(known/failregex)s\n^x$');
  assert.equal(getOption(d, 'jail', 'wrap', { deferKnown: true }), '%(known/failregex)s\n^x$');
});

test('self-reference, undefined names and stray % are ConfigErrors with file, section, key', () => {
  const d = doc('[S]\na = %(b)s\nb = %(a)s\nmissing = %(nowhere)s\nbad = 100%\nbad2 = %(unclosed\n');
  const check = (key: string, re: RegExp) =>
    assert.throws(
      () => getOption(d, 'S', key),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.file === 'f0.conf' &&
        err.section === 'S' &&
        err.key === key &&
        re.test(err.message),
    );
  check('a', /deeper than 10 levels/);
  check('missing', /%\(nowhere\)s refers to an option that is not defined/);
  check('bad', /'%' must be followed by/);
  check('bad2', /'%' must be followed by/);
});

test('ten levels of nesting are allowed, eleven are not', () => {
  const chain = (n: number): string =>
    '[S]\n' + Array.from({ length: n }, (_, i) => `v${i} = ${i + 1 < n ? `%(v${i + 1})s` : 'end'}`).join('\n') + '\n';
  assert.equal(getOption(doc(chain(10)), 'S', 'v0'), 'end');
  assert.throws(() => getOption(doc(chain(12)), 'S', 'v0'), /deeper than 10/);
});

test('getOptionEx reads <sec/opt>, <default/opt>, <known/opt> with fallbacks', () => {
  const d = doc(
    '[DEFAULT]\nq = dq\n[lt_short]\np = short\n[Definition]\nk = first\n',
    '[Definition]\nk = second\n',
  );
  assert.equal(getOptionEx(d, 'Definition', 'lt_short/p'), 'short');
  assert.equal(getOptionEx(d, 'Definition', 'lt_short/q'), 'dq');
  assert.equal(getOptionEx(d, 'Definition', 'default/q'), 'dq');
  assert.equal(getOptionEx(d, 'Definition', 'known/k'), 'first');
  assert.equal(getOptionEx(d, 'Definition', 'k'), 'second');
  assert.equal(getOptionEx(d, 'Definition', 'HOST'), undefined);
  assert.equal(getOptionEx(d, 'Definition', 'nosuch/x'), undefined);
  assert.equal(getOptionEx(d, 'Definition', 'mode', { mode: 'aggressive' }), 'aggressive');
});

test('<tag> substitution: innermost first, repeated until stable, unknown tags stay', () => {
  const tags = new Map([
    ['failregex', '^a <HOST>\n<mdre-<mode>>'],
    ['mode', 'extra'],
    ['mdre-extra', '^b <F-USER>\\S+</F-USER> <HOST>\n<mdre-normal>'],
    ['mdre-normal', '^c <ADDR>'],
  ]);
  const out = substituteRecursiveTags(tags);
  assert.equal(out.get('failregex'), '^a <HOST>\n^b <F-USER>\\S+</F-USER> <HOST>\n^c <ADDR>');
  assert.equal(tags.get('failregex'), '^a <HOST>\n<mdre-<mode>>', 'input is not modified');
});

test('<tag> substitution falls back to addrepl and honours ignore', () => {
  const out = substituteRecursiveTags(
    new Map([
      ['failregex', '<lt_<logtype>/p> <x> <y>'],
      ['logtype', 'file'],
      ['x', 'X'],
    ]),
    { addrepl: (tag) => (tag === 'lt_file/p' ? 'P' : tag === 'y' ? 'Y' : undefined), ignore: ['x'] },
  );
  assert.equal(out.get('failregex'), 'P <x> Y');
});

test('self-referencing and endlessly recursive tags are ConfigErrors naming the key', () => {
  assert.throws(
    () => substituteRecursiveTags(new Map([['a', 'x<a>']]), { where: () => ({ file: 'f.conf', section: 'Definition' }) }),
    (err: unknown) =>
      err instanceof ConfigError && err.key === 'a' && err.file === 'f.conf' && /<a> refers to itself/.test(err.message),
  );
  assert.throws(
    () => substituteRecursiveTags(new Map([['a', '<b>'], ['b', '<c>'], ['c', '<b>']])),
    (err: unknown) => err instanceof ConfigError && /recursive|itself/.test(err.message),
  );
  assert.throws(() => substituteRecursiveTags(new Map([['a', '<b>']]), { addrepl: () => 'more <b>' }), /more than 25 times/);
});
