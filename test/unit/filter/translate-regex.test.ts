// One test group per row of the semantics doc §6 table, plus the semantic traps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors.js';
import { scopeInlineFlags } from '../../../src/filter/expand-tags.js';
import { readGroup, translateRegex, translateRegexDetailed } from '../../../src/filter/translate-regex.js';

const WHERE = { file: 'filters/filter.d/t.conf', section: 'Definition', key: 'failregex' };

function re(python: string, multiline = false): RegExp {
  return new RegExp(translateRegex(python, WHERE, { multiline }));
}

function rejects(python: string, construct: RegExp): void {
  assert.throws(() => translateRegex(python, WHERE), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.file, WHERE.file);
    assert.equal(e.key, 'failregex');
    assert.match(e.message, /^filters\/filter\.d\/t\.conf \[Definition\] failregex: /);
    assert.match(e.message, construct);
    assert.ok(e.message.includes(python), 'message quotes the regex');
    return true;
  });
}

test('(?P<name>...) becomes a JS named group', () => {
  assert.equal(translateRegex(String.raw`user=(?P<user>\w+)`, WHERE), String.raw`user=(?<user>\w+)`);
  assert.equal(re(String.raw`user=(?P<user>\w+)`).exec('x user=bob y')?.groups?.['user'], 'bob');
});

test('(?P=name) becomes \\k<name>', () => {
  const r = re(String.raw`^(?P<q>['"])x(?P=q)$`);
  assert.ok(r.test('"x"\n'));
  assert.ok(r.test("'x'"));
  assert.ok(!r.test('"x\''));
});

test('mid-pattern (?i): fail2ban scopes it, the translator expands the case', () => {
  const scoped = scopeInlineFlags(String.raw`SASL ((?i)LOGIN|PLAIN|(?:CRAM|DIGEST)-MD5) authentication failed`);
  assert.equal(scoped, String.raw`SASL (?i:LOGIN|PLAIN|(?:CRAM|DIGEST)-MD5) authentication failed`);
  const r = re(scoped);
  assert.ok(r.test('SASL login authentication failed'));
  assert.ok(r.test('SASL cram-Md5 authentication failed'));
  assert.ok(!r.test('sasl LOGIN authentication failed'), 'the flag stays scoped');
  assert.ok(!r.test('SASL LOGIN Authentication failed'));
  assert.equal(scopeInlineFlags(String.raw`\[x\]: (?:(?i)expn|vrfy) \S+`), String.raw`\[x\]: (?i:expn|vrfy) \S+`);
  assert.ok(re(scopeInlineFlags('(?:(?i)expn|vrfy) x')).test('EXPN x'));
  // An escaped parenthesis is not a group and is not rewritten.
  assert.equal(scopeInlineFlags(String.raw`\((?i)x)`), String.raw`\((?i)x)`);
});

test('a global flag that stays mid-pattern is the Python 3.11 error', () => {
  rejects('ab(?i)c', /global flags not at the start/);
});

test('leading (?iu) applies to the whole pattern', () => {
  const r = re('(?iu)^(?:jan|feb) x$');
  assert.ok(r.test('JAN X'));
  assert.ok(r.test('Feb x\n'));
  assert.ok(!r.test('mar x'));
});

test('case folding follows Python: classes, negated classes, ſ and K', () => {
  assert.ok(re('(?i:[a-c])').test('B'));
  assert.ok(!re('^(?i:[^a])$').test('A'));
  assert.ok(re('(?i)^s$').test('\u017f'), 'LATIN SMALL LETTER LONG S folds to s in Python');
  assert.ok(re('(?i)^k$').test('\u212a'), 'KELVIN SIGN folds to k in Python');
  assert.ok(!re('^(?-i:a)$').test('A'));
});

test('conditional (?(name)yes|no) becomes alternation', () => {
  const r = re(String.raw`^(?P<sq>\[)?x(?(sq)\]|!)$`);
  assert.ok(r.test('[x]'));
  assert.ok(r.test('x!'));
  assert.ok(!r.test('[x!'));
  assert.ok(!r.test('x]'));
  const n = re('^(a)?b(?(1)c|d)$');
  assert.ok(n.test('abc') && n.test('bd'));
  assert.ok(!n.test('abd') && !n.test('bc'));
  // Without a "no" branch the conditional matches nothing when the group is unset.
  const y = re('^(?P<a>a)?b(?(a)c)$');
  assert.ok(y.test('abc') && y.test('b') && !y.test('ab'));
});

test('conditionals keep every group readable through its copies', () => {
  // Shape of sshd's "Failed ... for (invalid user )?<F-USER>...": two conditionals.
  // Expected values are what Python's re returns for the same pattern and texts.
  const py = String.raw`^for (?P<inv>invalid user )?(?P<user>(?P<plain>\S+)|(?(inv)[^ ]*?|[^:]+)) from (?P<fid>\S+)(?(plain): |$)`;
  const tr = translateRegexDetailed(py, WHERE);
  assert.equal(tr.numbered, false);
  const r = new RegExp(tr.source);
  const get = (m: RegExpExecArray, name: string): string | undefined => readGroup(m, tr.groups.get(name)!);
  const m1 = r.exec('for invalid user eve from 192.0.2.1: ')!;
  assert.equal(get(m1, 'user'), 'eve');
  assert.equal(get(m1, 'inv'), 'invalid user ');
  assert.equal(get(m1, 'plain'), 'eve');
  assert.equal(get(m1, 'fid'), '192.0.2.1');
  const m2 = r.exec('for root from 192.0.2.2')!;
  assert.equal(get(m2, 'user'), 'root');
  assert.equal(get(m2, 'inv'), undefined);
  assert.equal(get(m2, 'plain'), undefined, 'the second conditional forced the other branch');
  const m3 = r.exec('for invalid user  from 192.0.2.3')!;
  assert.equal(get(m3, 'user'), '');
  assert.equal(get(m3, 'fid'), '192.0.2.3');
  // EPOCH-template shape: conditionals on groups inside an alternation.
  const epoch = translateRegexDetailed(
    String.raw`((?:^|(?P<square>(?<=^\[))|(?P<selinux>(?<=\baudit\()))\d{10}\b)(?:(?(selinux)(?=:\d+\)))|(?(square)(?=\])))`,
    WHERE);
  const e = new RegExp(epoch.source);
  const groups = (s: string): [string | undefined, string | undefined, string | undefined] => {
    const m = e.exec(s)!;
    const g = (n: string): string | undefined => readGroup(m, epoch.groups.get(n)!);
    return [readGroup(m, epoch.numberedGroups.get(1)!), g('square'), g('selinux')];
  };
  // Same answers as Python's re for this pattern.
  assert.deepEqual(groups('[1700000000] x'), ['1700000000', '', undefined]);
  assert.deepEqual(groups('1700000000 x'), ['1700000000', undefined, undefined]);
  assert.deepEqual(groups('msg=audit(1700000000:5): x'), ['1700000000', undefined, '']);
});

test('conditionals that cannot be rewritten are config errors', () => {
  rejects('(?:(?P<a>a)?b(?(a)c))+', /conditional group .* inside a repeated group/);
});

test('\\Z and \\A are absolute ends, not letters', () => {
  assert.ok(!re(String.raw`abc\Z`).test('abc\n'));
  assert.ok(re(String.raw`abc\Z`).test('xabc'));
  assert.ok(!re(String.raw`abc\Z`).test('abcZ'), '\\Z is not a literal Z');
  assert.ok(!re(String.raw`\Aabc`).test('xabc'));
  assert.ok(re(String.raw`\Aabc`).test('abc'));
  assert.ok(!re(String.raw`x\Ay`).test('xAy'), '\\A is not a literal A');
});

test('{,n} is {0,n}; a brace that is no quantifier stays literal', () => {
  const r = re('^a{,2}$');
  assert.ok(r.test('') && r.test('aa'));
  assert.ok(!r.test('aaa'));
  assert.ok(re('^a{x}$').test('a{x}'));
  assert.ok(re('^a{}$').test('a{}'));
  assert.ok(re('^a{,}$').test('aaaa'));
});

test('$ matches before the trailing newline fail2ban appends (the $-newline trap)', () => {
  const r = re(String.raw`user=(?P<u>\S+)$`);
  const m = r.exec('x user=bob\n');
  assert.equal(m?.groups?.['u'], 'bob');
  assert.ok(!r.test('x user=bob\nmore\n'), 'only a final newline');
  assert.ok(!/user=\S+$/.test('x user=bob\n'), 'plain JS $ would fail here');
  // MULTILINE (maxlines > 1): ^ and $ at every \n, but not at \r.
  const ml = re('^b$', true);
  assert.ok(ml.test('a\nb\nc\n'));
  assert.ok(!ml.test('a\rb\rc'));
});

test('dot matches \\r (Python) but not \\n', () => {
  assert.ok(re('^a.c$').test('a\rc'));
  assert.ok(re('^a.c$').test('a\u2028c'));
  assert.ok(!re('^a.c$').test('a\nc'));
  assert.ok(re('(?s)^a.c$').test('a\nc'));
});

test('identity escapes and [^[] work without the u flag', () => {
  const r = re(String.raw`^\"\'\/\<\:\-[^[]$`);
  assert.ok(r.test(`"'/<:-x`));
  assert.ok(!r.test(`"'/<:-[`));
  assert.ok(re(String.raw`^[\]\\-]+$`).test('\\]-'));
});

test('lookahead and lookbehind are kept; Python-illegal variable-width lookbehind is rejected', () => {
  const la = re(String.raw`failed:(?! Connection lost| Invalid)`);
  assert.ok(la.test('failed: bad'));
  assert.ok(!la.test('failed: Connection lost to x'));
  const ip6 = re(String.raw`^(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)$`);
  assert.ok(ip6.test('2001:db8::') && ip6.test('::1'));
  rejects('(?<=a+)b', /look-behind requires fixed-width pattern/);
});

test('possessive quantifiers and atomic groups are named config errors', () => {
  rejects('a*+b', /possessive quantifier .* is not supported/);
  rejects('(?>ab)c', /atomic group .* is not supported/);
});

test('Python syntax errors are config errors naming the construct', () => {
  rejects('(?P<u>a)(?P<u>b)', /redefinition of group name 'u'/);
  rejects('(a', /missing \), unterminated subpattern/);
  rejects('a)', /unbalanced parenthesis/);
  rejects('*a', /nothing to repeat/);
  rejects(String.raw`\q`, /bad escape \\q/);
  rejects(String.raw`(a)\2`, /invalid group reference 2/);
  rejects('(?P<u>a(?P=u))', /cannot refer to an open group/);
  rejects('(?i:(?P<u>a)(?P=u))', /backreference inside a case-insensitive/);
});

test('\\d, \\w are ASCII by decision; \\s is Python\'s whitespace set', () => {
  assert.ok(!re(String.raw`^\d$`).test('\u0663'), 'Arabic-Indic digit: Python matches, we do not (documented)');
  assert.ok(!re(String.raw`^\w$`).test('\u00e9'));
  assert.ok(re(String.raw`^\s$`).test('\x1c'), 'Python \\s includes U+001C');
  assert.ok(!re(String.raw`^\s$`).test('\ufeff'), 'but not the BOM, unlike JS \\s');
  assert.ok(re(String.raw`^\S$`).test('\ufeff'));
  assert.ok(re(String.raw`^[^\S]$`).test('\x85'));
  assert.ok(!re(String.raw`^[\S]$`).test(' '));
});

test('verbose mode, octal escapes and numbered backreferences', () => {
  assert.ok(re('(?x) a  b  # comment\n c').test('abc'));
  assert.ok(re(String.raw`^\101\x42\u0043$`).test('ABC'));
  assert.ok(re(String.raw`^(a|b)\1$`).test('bb'));
  assert.ok(!re(String.raw`^(a|b)\1$`).test('ab'));
  assert.ok(re(String.raw`^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\10$`).test('abcdefghijj'));
  assert.ok(re(String.raw`^(a)\1(0)$`).test('aa0'), 'a backreference followed by a digit stays a backreference');
  rejects(String.raw`(a)\10`, /invalid group reference 10/);
});
