import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors.js';
import type { FilterDefinition } from '../../../src/types.js';
import { compileFilter } from '../../../src/filter/compile-filter.js';

function def(over: Partial<FilterDefinition>): FilterDefinition {
  return {
    name: 't', file: 'filter.d/t.conf', prefregex: undefined, failregex: [], ignoreregex: [],
    successregex: [], datepattern: undefined, maxlines: 1, usedns: 'no', options: {}, ...over,
  };
}

function throwsConfig(d: FilterDefinition, key: string, message: RegExp): void {
  assert.throws(() => compileFilter(d), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.file, 'filter.d/t.conf');
    assert.equal(e.section, 'Definition');
    assert.equal(e.key, key);
    assert.match(e.message, message);
    return true;
  });
}

test('a failregex without failure-id group is rejected, naming file, key and regex', () => {
  throwsConfig(def({ failregex: ['^ok <HOST>$', '^user <F-USER>\\S+</F-USER> failed$'] }), 'failregex',
    /filter\.d\/t\.conf \[Definition\] failregex: regex 2 of 2: No failure-id group in '\^user \(\?P<user>\\S\+\) failed\$'/);
});

test('the prefregex may supply the failure-id group', () => {
  const cf = compileFilter(def({ prefregex: '^<F-MLFID>\\S+</F-MLFID> <F-CONTENT>.+</F-CONTENT>$', failregex: ['^failed$'] }));
  assert.equal(cf.failregex.length, 1);
  assert.equal(cf.failregex[0]!.hasFailureId, false);
  assert.equal(cf.prefregex?.hasFailureId, true);
});

test('ignoreregex needs no id group; successregex does', () => {
  assert.equal(compileFilter(def({ failregex: ['<HOST>'], ignoreregex: ['^internal$'] })).ignoreregex.length, 1);
  throwsConfig(def({ failregex: ['<HOST>'], successregex: ['^login ok$'] }), 'successregex', /No failure-id group/);
});

test('regex errors name file, key and the expanded regex', () => {
  throwsConfig(def({ failregex: ['<HOST> (unclosed'] }), 'failregex',
    /failregex: invalid regex: missing \), unterminated subpattern at position \d+ in '.*\(unclosed'/);
  throwsConfig(def({ failregex: ['<HOST>'], ignoreregex: ['a++'] }), 'ignoreregex', /possessive quantifier/);
  throwsConfig(def({ prefregex: '(?P<x>a)(?P<x>b)', failregex: ['<HOST>'] }), 'prefregex', /redefinition of group name/);
  throwsConfig(def({ failregex: ['  '] }), 'failregex', /Cannot add empty regex/);
});

test('compiled regexes carry no flags and expose Python group names', () => {
  const cf = compileFilter(def({ failregex: ['user=<F-USER>\\S+</F-USER> from <HOST>'] }));
  const p = cf.failregex[0]!;
  assert.equal(p.re.flags, '');
  assert.deepEqual(p.groups.map(([n]) => n), ['user', 'ip4', 'ip6']);
  assert.equal(p.python, String.raw`user=(?P<user>\S+) from \[?(?:(?:::f{4,6}:)?(?P<ip4>(?:\d{1,3}\.){3}\d{1,3})|(?P<ip6>(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)))\]?`);
  assert.equal(cf.multiline, false);
  assert.notEqual(cf.precheck, undefined);
});

test('maxlines > 1 compiles failregex with MULTILINE, flags multiline and disables the pre-check', () => {
  const cf = compileFilter(def({ failregex: ['^a$<SKIPLINES>^from <HOST>$'], maxlines: 3 }));
  assert.equal(cf.multiline, true);
  assert.equal(cf.precheck, undefined);
  assert.ok(cf.failregex[0]!.re.test('a\nnoise\nfrom 192.0.2.1\n'));
  // prefregex and ignoreregex stay without MULTILINE, as in fail2ban.
  const p = compileFilter(def({ prefregex: '^x$', failregex: ['<HOST>'], maxlines: 2 }));
  assert.ok(!p.prefregex!.re.test('x\ny\n'));
});

test('ALT_ and TUPLE_ merges are derived from group names', () => {
  const cf = compileFilter(def({ failregex: ['<F-ALT_USER1>a</F-ALT_USER1><F-ALT_USER_2>b</F-ALT_USER_2><F-TUPLE_ID>c</F-TUPLE_ID><F-ID/>'] }));
  const p = cf.failregex[0]!;
  assert.deepEqual(p.alt, [['alt_user1', 'user1'], ['alt_user_2', 'user']]);
  assert.deepEqual(p.tuple, [['tuple_id', 'fid']]);
});
