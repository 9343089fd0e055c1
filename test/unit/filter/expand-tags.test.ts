import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandTags, mapTagToGroup, normalizeUseDns } from '../../../src/filter/expand-tags.js';

const ADDR = String.raw`\[?(?:(?:::f{4,6}:)?(?P<ip4>(?:\d{1,3}\.){3}\d{1,3})|(?P<ip6>(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)))\]?`;

test('<HOST> is <ADDR> with usedns=no and adds the dns group otherwise', () => {
  assert.equal(expandTags('from <HOST>$', { usedns: 'no' }), `from ${ADDR}$`);
  const yes = expandTags('from <HOST>$', { usedns: 'yes' });
  assert.equal(yes, String.raw`from (?:${ADDR}|(?P<dns>[\w\-.^_]*\w))$`);
  assert.equal(expandTags('<HOST>', { usedns: 'WARN' }), expandTags('<HOST>', { usedns: 'yes' }));
  // An unknown usedns value falls back to "no", as Filter.setUseDns does.
  assert.equal(expandTags('<HOST>', { usedns: 'maybe' }), ADDR);
  assert.equal(normalizeUseDns('Raw'), 'raw');
});

test('address and id tags', () => {
  assert.equal(expandTags('<IP4>', { usedns: 'no' }), String.raw`(?:::f{4,6}:)?(?P<ip4>(?:\d{1,3}\.){3}\d{1,3})`);
  assert.equal(expandTags('<F-ID/> <F-PORT/>', { usedns: 'no' }), String.raw`(?P<fid>\S+) (?P<fport>\w+)`);
  assert.equal(expandTags('<CIDR>', { usedns: 'no' }), String.raw`(?P<cidr>\d+)`);
  assert.match(expandTags('<SUBNET>', { usedns: 'no' }), /\(\?:\/\(\?P<cidr>\\d\+\)\)\?\\\]\?$/);
  assert.equal(expandTags('<DNS>', { usedns: 'no' }), String.raw`(?P<dns>[\w\-.^_]*\w)`);
});

test('custom F- tags become lowercase named groups; ID and PORT are mapped', () => {
  assert.equal(expandTags('user=<F-USER>\\S+</F-USER>', { usedns: 'no' }), 'user=(?P<user>\\S+)');
  assert.equal(expandTags('<F-ID>\\d+</F-ID>', { usedns: 'no' }), '(?P<fid>\\d+)');
  assert.equal(expandTags('<F-PORT>\\d+</F-PORT>', { usedns: 'no' }), '(?P<fport>\\d+)');
  assert.equal(expandTags('<F-MLFID>x</F-MLFID><F-NOFAIL>y</F-NOFAIL>', { usedns: 'no' }), '(?P<mlfid>x)(?P<nofail>y)');
  assert.equal(mapTagToGroup('ALT_USER1'), 'alt_user1');
});

test('ALT tags keep their full name; the _digits rule is applied at match time', () => {
  assert.equal(expandTags('<F-ALT_USER1>a</F-ALT_USER1> <F-ALT_USER_2>b</F-ALT_USER_2>', { usedns: 'no' }),
    '(?P<alt_user1>a) (?P<alt_user_2>b)');
});

test('a closing tag that was never opened stays literal, unknown tags too', () => {
  assert.equal(expandTags('a</F-USER>b', { usedns: 'no' }), 'a</F-USER>b');
  assert.equal(expandTags('<F-user>x</F-user>', { usedns: 'no' }), '<F-user>x</F-user>');
  assert.equal(expandTags('<mdre-more> <F-USER/>', { usedns: 'no' }), '<mdre-more> <F-USER/>');
  assert.equal(expandTags('user=<<F-USER>[^>]*</F-USER>>', { usedns: 'no' }), 'user=<(?P<user>[^>]*)>');
});

test('<SKIPLINES> groups are numbered in order', () => {
  assert.equal(expandTags('a<SKIPLINES>b<SKIPLINES>c', { usedns: 'no' }),
    String.raw`a\n(?P<skiplines0>(?:(?:.*\n)*?))b\n(?P<skiplines1>(?:(?:.*\n)*?))c`);
});
