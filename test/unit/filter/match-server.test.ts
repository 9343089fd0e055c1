// The server-mode fast path (ServerMatcher behind a 'first'-mode line processor) against the
// reference matchLine(cf, text, 'first'): the same failure or success, id, address, user
// and flags on every line, for hand-made filters that exercise each group rule and for
// the stock mail filters over the sample logs. Also the plain-group rewrite it relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { FilterDefinition } from '../../../src/types.js';
import { loadFilter } from '../../../src/config/load-filter.js';
import { compileFilter } from '../../../src/filter/compile-filter.js';
import type { CompiledFilter } from '../../../src/filter/compile-filter.js';
import { plainGroups } from '../../../src/filter/failure-groups.js';
import { createLineProcessor } from '../../../src/filter/line-processor.js';
import type { LineProcessor } from '../../../src/filter/line-processor.js';
import { matchLine, PARTS_FAIL, PARTS_SUCCESS, serverMatcher, SERVER_FAILURE, SERVER_NONE, SERVER_SUCCESS } from '../../../src/filter/match-line.js';
import type { ServerHit } from '../../../src/filter/match-line.js';
import { createDateDetector } from '../../../src/time/date-detector.js';
import { parseZone } from '../../../src/time/zone.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function filter(over: Partial<FilterDefinition>): CompiledFilter {
  return compileFilter({
    name: 't', file: 'filter.d/t.conf', prefregex: undefined, failregex: [], ignoreregex: [],
    successregex: [], datepattern: '{^LN-BEG}', maxlines: 1, usedns: 'no', options: {}, ...over,
  });
}

// What a 'first'-mode processor must return for a line, derived from matchLine.
function expected(cf: CompiledFilter, text: string): unknown {
  const m = matchLine(cf, text, 'first');
  if (m.status === 'failure') {
    return { failures: [{ regex: m.regex, id: m.id, ip: m.ip, user: m.user, users: undefined, nofail: m.nofail, matches: 1 }], success: undefined };
  }
  if (m.status === 'success') return { failures: [], success: { regex: m.regex, id: m.id, ip: m.ip, user: m.user } };
  return undefined;
}

// A copy of what the processor returned (its objects are reused from call to call).
function got(p: LineProcessor, text: string): unknown {
  const r = p.process(text, 1);
  if (r === undefined) return undefined;
  return {
    failures: r.failures.map((f) => ({ regex: f.regex, id: f.id, ip: f.ip, user: f.user, users: f.users, nofail: f.nofail, matches: f.matches })),
    success: r.success === undefined ? undefined : { ...r.success },
  };
}

function agree(cf: CompiledFilter, texts: readonly string[], label: string): number {
  const p = createLineProcessor(cf, { mode: 'first' });
  assert.equal(p.stateful, false);
  let hits = 0;
  for (const text of texts) {
    const want = expected(cf, text);
    assert.deepEqual(got(p, text), want, `${label}: ${JSON.stringify(text)}`);
    if (want !== undefined) hits++;
  }
  return hits;
}

const CASES: Array<{ name: string; def: Partial<FilterDefinition>; lines: string[] }> = [
  {
    name: 'prefregex content, user in prefix and failregex',
    def: {
      prefregex: String.raw`^ \S+ svc\[\d+\]: (?:user=<F-USER>\S+</F-USER> )?<F-CONTENT>.+</F-CONTENT>$`,
      failregex: [String.raw`^bad login from <HOST>(?: as <F-USER>\S+</F-USER>)?$`, String.raw`^denied <HOST>$`],
      successregex: [String.raw`^ \S+ svc\[\d+\]: welcome <F-USER>\S+</F-USER> from <HOST>$`],
    },
    lines: [
      ' h svc[1]: bad login from 192.0.2.4 as eve', ' h svc[1]: user=pre bad login from 192.0.2.4',
      ' h svc[1]: user=pre denied 192.0.2.5', ' h other[1]: bad login from 192.0.2.4', ' h svc[1]: welcome ann from 192.0.2.6',
      ' h svc[1]: user=x welcome ann from 192.0.2.6', ' h svc[1]: nothing here', ' h svc[1]: bad login from 300.1.2.3',
    ],
  },
  {
    name: 'content not at the end, empty content, host in the prefix',
    def: {
      prefregex: String.raw`^ \S+ relay=<HOST>, <F-CONTENT>\S*</F-CONTENT>(?: tail)?$`,
      failregex: [String.raw`^(?:bad|)$`, String.raw`x`],
    },
    lines: [' mx relay=192.0.2.1, bad tail', ' mx relay=192.0.2.1, bad', ' mx relay=::ffff:192.0.2.2,  tail', ' mx relay=192.0.2.3, x'],
  },
  {
    name: 'ignoreregex, early and late',
    def: {
      prefregex: String.raw`^ \S+ d: <F-CONTENT>.+</F-CONTENT>$`,
      failregex: ['^a <HOST>', '^b <HOST>', '^c <HOST>', '^d <HOST>'],
      ignoreregex: ['^ trusted ', '192\\.0\\.2\\.9'],
    },
    lines: [' trusted d: a 192.0.2.1', ' x d: a 192.0.2.1', ' x d: b 192.0.2.9', ' x d: e 192.0.2.1'],
  },
  {
    name: 'late ignoreregex on the content',
    def: { prefregex: String.raw`^ \S+ d: <F-CONTENT>.+</F-CONTENT>$`, failregex: ['^a <HOST>'], ignoreregex: ['^a 192'] },
    lines: [' x d: a 192.0.2.1', ' x d: a 10.0.0.1'],
  },
  {
    name: 'id precedence and fid with an address',
    def: { failregex: ['user <F-ID/> from <IP4>', 'from <IP4>(?: also <IP6>)?', 'from <IP6> (?:<DNS>)?', 'from <DNS> id <F-ID/>', '<F-ID/> failed'] },
    lines: [
      'user sess-1 from 192.0.2.5', 'from 192.0.2.5 also 2001:db8::5', 'from 2001:DB8:0::5 mail.example', 'from 192.0.2.9 id sess-9',
      'from mail.example id s9', '[2001:DB8::1] failed', 'x192.0.2.1 failed', 'user 192.0.2.5 from 192.0.2.5',
    ],
  },
  {
    name: 'usedns raw',
    def: { failregex: ['from <DNS> id <F-ID/>', 'host <HOST>$'], usedns: 'raw' },
    lines: ['from mail.example id s9', 'from 192.0.2.1 id 192.0.2.1', 'host mx.example', 'host 192.0.2.3', 'host 2001:db8::0:1'],
  },
  {
    name: 'usedns yes: numeric host names',
    def: { failregex: ['from <HOST>$'], usedns: 'yes' },
    lines: ['from 192.51.13', 'from 0x7f.1', 'from 010.0.0.1', 'from 192.0.2.1', 'from mail.example', 'from 1.2.3.4.5'],
  },
  {
    name: 'usedns warn and no',
    def: { failregex: ['from <HOST>$', 'at <DNS>$'], usedns: 'warn' },
    lines: ['from mx.example', 'at 192.0.2.7', 'at host-1.example'],
  },
  {
    name: 'subnets: explicit prefix lengths, 4 and 6 included',
    def: { failregex: ['^x <SUBNET>$', 'from <ADDR>/<CIDR>'] },
    lines: ['x 192.0.2.4/4', 'x 192.0.2.4/6', 'x 192.0.2.4/24', 'x 192.0.2.4', 'x 2001:db8::1/6', 'x [2001:db8::1]/64', 'from 192.0.2.77/24', 'x 192.0.2.4/40'],
  },
  {
    name: 'ALT_ merges, in the failregex and the prefregex',
    def: {
      prefregex: String.raw`^(?:pre=<F-ALT_USER>\S+</F-ALT_USER> )?<F-CONTENT>.+</F-CONTENT>$`,
      failregex: [
        String.raw`logname=<F-ALT_USER1>\S*</F-ALT_USER1> ruser=<F-USER>\S*</F-USER> rhost=<HOST>(?:\s+user=<F-ALT_USER>\S*</F-ALT_USER>)?`,
        String.raw`a=<F-ALT_USER_2>\S+</F-ALT_USER_2> from <HOST>`,
        String.raw`plain from <HOST>`,
      ],
    },
    lines: [
      'logname=lg ruser= rhost=192.0.2.3 user=real', 'logname=lg ruser=ru rhost=192.0.2.3 user=real', 'logname= ruser= rhost=192.0.2.3',
      'a=zed from 192.0.2.3', 'pre=pp a=zed from 192.0.2.3', 'pre=pp plain from 192.0.2.3', 'pre=pp logname=lg ruser= rhost=192.0.2.3',
    ],
  },
  {
    name: 'TUPLE_ ids and users',
    def: {
      failregex: [
        String.raw`^id <F-ID>\S+</F-ID> <F-TUPLE_ID>\S+</F-TUPLE_ID>(?: <F-TUPLE_ID_2>\S+</F-TUPLE_ID_2>)?$`,
        String.raw`^u <F-USER>\S+</F-USER> <F-TUPLE_USER>\S+</F-TUPLE_USER> from <HOST>$`,
      ],
    },
    lines: ["id a b", 'id a b c', "id it's b", 'u bob x from 192.0.2.1'],
  },
  {
    name: 'the $-newline trap and group values holding the newline',
    def: { failregex: [String.raw`from <HOST>\s+$`, String.raw`^<HOST> user=<F-USER>[^ ]+</F-USER>$`, String.raw`^u2=<F-USER>[^ ]+</F-USER> <HOST>$`] },
    lines: ['from 192.0.2.1', '192.0.2.3 user=bob', 'u2=bob 192.0.2.2', 'from 192.0.2.1 x'],
  },
  {
    name: 'a match without an id ends server mode, before any successregex',
    def: { failregex: ['(?:sess=<F-ID/>)?x', 'y from <HOST>'], successregex: ['ok from <HOST>'] },
    lines: ['x y from 192.0.2.1', 'q ok from 192.0.2.1', 'x ok from 192.0.2.1', 'sess=s1 x'],
  },
  {
    name: 'F-NOFAIL still counts; a successregex without id is skipped',
    def: { failregex: ['from <HOST> <F-NOFAIL>ok</F-NOFAIL>', 'from <HOST>'], successregex: ['^welcome(?: id=<F-ID>\\w+</F-ID>)?', 'welcome <F-USER>\\w+</F-USER> <HOST>'] },
    lines: ['from 192.0.2.6 ok', 'from 192.0.2.6 no', 'welcome', 'welcome bob 192.0.2.8', 'welcome bob', 'welcome id=s1'],
  },
  {
    name: 'a named backreference keeps the named groups',
    def: { failregex: [String.raw`^(?P<q>['"])<F-USER>\w+</F-USER>(?P=q) from <HOST>$`] },
    lines: [`'bob' from 192.0.2.1`, `'bob" from 192.0.2.1`],
  },
  {
    name: 'mid-pattern (?i) and classes holding parentheses',
    def: { failregex: [String.raw`^[^[(]*\[<HOST>\](?::\d+)?: SASL ((?i)LOGIN|PLAIN) (?:\(x\))?[(?<]*failed:`] },
    lines: ['warning: unknown[192.0.2.1]: SASL login failed: x', 'warning: x[192.0.2.2]:587: SASL Plain (x)(?<failed:', 'w: x[192.0.2.2]: sasl LOGIN failed:'],
  },
];

for (const c of CASES) {
  test(`server mode agrees with matchLine: ${c.name}`, () => {
    const cf = filter(c.def);
    agree(cf, c.lines, c.name);
    agree(cf, c.lines, c.name); // the reused result objects carry nothing over
  });
}

test('ServerMatcher answers SERVER_NONE for ignored, missed and pending lines', () => {
  const cf = filter({ failregex: ['from <HOST>'], ignoreregex: ['192\\.0\\.2\\.9'] });
  const out: ServerHit = { regex: -1, id: '', ip: undefined, user: undefined, nofail: false };
  assert.equal(serverMatcher(cf).matchBuffer('from 192.0.2.9\n', out), SERVER_NONE);
  assert.equal(serverMatcher(cf).matchBuffer('nothing\n', out), SERVER_NONE);
  const mlfid = filter({ prefregex: String.raw`^<F-MLFID>\S+</F-MLFID> <F-CONTENT>.+</F-CONTENT>$`, failregex: [String.raw`<F-USER>\w+</F-USER> failed`] });
  assert.equal(matchLine(mlfid, 'c1 bob failed').status, 'pending');
  assert.equal(serverMatcher(mlfid).matchBuffer('c1 bob failed\n', out), SERVER_NONE);
  assert.equal(out.regex, -1, 'nothing written');
});

test('matchBuffer runs only the parts it is given: prefregex and failregexes, successregexes', () => {
  const cf = filter({ prefregex: String.raw`^x <F-CONTENT>.+</F-CONTENT>$`, failregex: ['from <HOST>'], successregex: [String.raw`^x from <HOST> ok$`] });
  const out: ServerHit = { regex: -1, id: '', ip: undefined, user: undefined, nofail: false };
  const m = serverMatcher(cf);
  // The failure wins (first failregex, server mode); without the fail part the success shows.
  assert.equal(m.matchBuffer('x from 192.0.2.1 ok\n', out), SERVER_FAILURE);
  assert.equal(m.matchBuffer('x from 192.0.2.1 ok\n', out, PARTS_FAIL), SERVER_FAILURE);
  assert.equal(m.matchBuffer('x from 192.0.2.1 ok\n', out, PARTS_SUCCESS), SERVER_SUCCESS);
  assert.equal(out.id, '192.0.2.1');
  assert.equal(m.matchBuffer('x from 192.0.2.2\n', out, PARTS_SUCCESS), SERVER_NONE);
  assert.equal(m.matchBuffer('x from 192.0.2.2\n', out, 0), SERVER_NONE);
  const ok = filter({ failregex: ['bad <HOST>'], successregex: [String.raw`^from <HOST> ok$`] });
  assert.equal(serverMatcher(ok).matchBuffer('from 192.0.2.3 ok\n', out, PARTS_FAIL), SERVER_NONE);
  assert.equal(serverMatcher(ok).matchBuffer('from 192.0.2.3 ok\n', out, PARTS_SUCCESS), SERVER_SUCCESS);
  // An early ignoreregex still comes first.
  const ign = filter({ failregex: ['a <HOST>', 'b <HOST>', 'c <HOST>', 'd <HOST>'], ignoreregex: ['192\\.0\\.2\\.9'], successregex: [String.raw`^ok <HOST>$`] });
  assert.equal(serverMatcher(ign).matchBuffer('ok 192.0.2.9\n', out, PARTS_SUCCESS), SERVER_NONE);
  assert.equal(serverMatcher(ign).matchBuffer('ok 192.0.2.8\n', out, PARTS_SUCCESS), SERVER_SUCCESS);
});

test("'first' mode: undated lines yield nothing, results are reused, groups are left empty", () => {
  const cf = filter({ failregex: ['from <HOST> as <F-USER>\\w+</F-USER>'], successregex: ['welcome <F-USER>\\w+</F-USER> <HOST>'] });
  const p = createLineProcessor(cf, { mode: 'first' });
  assert.equal(p.process('from 192.0.2.1 as bob', undefined), undefined);
  const a = p.process('from 192.0.2.1 as bob', 1);
  assert.equal(a?.failures[0]?.id, '192.0.2.1');
  assert.deepEqual(a?.failures[0]?.groups, {});
  const b = p.process('from 192.0.2.2 as amy', 2);
  assert.equal(b, a, 'the same object');
  assert.equal(a?.failures[0]?.user, 'amy', 'overwritten by the next line');
  const s = p.process('welcome zed 192.0.2.3', 3);
  assert.deepEqual(s?.failures, []);
  assert.deepEqual(s?.success, { regex: 0, id: '192.0.2.3', ip: '192.0.2.3', user: 'zed' });
  // 'all' mode still reports the groups.
  const all = createLineProcessor(cf, { mode: 'all' }).process('from 192.0.2.1 as bob', 1);
  assert.deepEqual(all?.failures[0]?.groups, { ip4: '192.0.2.1', user: 'bob' });
});

test('stock mail filters: server mode agrees with matchLine on the sample and test logs', () => {
  const logs: string[] = [];
  for (const name of readdirSync(path.join(ROOT, 'samples')).sort()) {
    const raw = readFileSync(path.join(ROOT, 'samples', name));
    logs.push(...(name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').split('\n'));
  }
  for (const name of readdirSync(path.join(ROOT, 'test/filter-logs')).sort()) {
    logs.push(...readFileSync(path.join(ROOT, 'test/filter-logs', name), 'utf8').split('\n').filter((l) => !l.startsWith('#')));
  }
  const zone = parseZone('UTC');
  const refs: string[] = [path.join(ROOT, 'filters/success.d/mail-success.conf')];
  for (const name of ['dovecot', 'postfix']) {
    for (const mode of [undefined, 'normal', 'more', 'aggressive', 'auth', 'rbl', 'ddos', 'extra', 'errors']) refs.push(mode === undefined ? name : `${name}[mode=${mode}]`);
  }
  let filters = 0;
  let hits = 0;
  for (const ref of refs) {
    let def: FilterDefinition;
    let cf: CompiledFilter;
    try {
      def = loadFilter(ref, { filterDirs: [path.join(ROOT, 'filters/filter.d')] });
      cf = compileFilter(def);
    } catch {
      continue; // not a mode of this filter
    }
    const detector = createDateDetector(def.datepattern, zone);
    const texts = logs.filter((l) => l.trim() !== '').map((line) => {
      const m = detector.match(line, Date.UTC(2026, 0, 15));
      return m === undefined ? line : line.slice(0, m.start) + line.slice(m.end);
    });
    hits += agree(cf, texts, ref);
    filters++;
  }
  assert.ok(filters >= 5, `${filters} filters`);
  assert.ok(hits > 1000, `${hits} hits`);
});

test('plainGroups numbers named groups like the original regex, or gives up', () => {
  const re = /^(?<a>x)(?:y)(z)[(?<no>)](?<b>\()(?<=\()(?<!r)(?<c>w)?\((?=s)?/;
  const plain = plainGroups(re);
  assert.ok(plain !== undefined);
  assert.deepEqual([...plain.index], [['a', 1], ['b', 3], ['c', 4]]);
  assert.equal(plain.re.source, String.raw`^(x)(?:y)(z)[(?<no>)](\()(?<=\()(?<!r)(w)?\((?=s)?`);
  const m = plain.re.exec('xyz<((w(s');
  const n = re.exec('xyz<((w(s');
  assert.ok(m !== null && n !== null);
  assert.deepEqual([m[1], m[3], m[4]], [n.groups?.['a'], n.groups?.['b'], n.groups?.['c']]);
  assert.equal(plainGroups(/(?<q>')x\k<q>/), undefined, 'named backreference');
  assert.equal(plainGroups(/(?<a>x)/i), undefined, 'flags');
});
