// Hostile filter files (#5): a syntax error, an unknown include, a self-referencing %(x)s, a
// regex that does not compile (message names file, option and regex), and a user regex with
// catastrophic backtracking (warning naming filter, option and construct; the run goes on).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadFilter } from '../../src/config/load-filter.js';
import { checkFilterBacktracking, findCatastrophicBacktracking } from '../../src/filter/backtrack-check.js';
import { compileFilter } from '../../src/filter/compile-filter.js';
import { BASE, ROOT, cli, parseJson, saslBurst, stderrLines, tempDir } from './support.js';

let dir = '';
let cleanup = (): void => undefined;
let log = '';
before(() => {
  ({ dir, cleanup } = tempDir());
  mkdirSync(path.join(dir, 'filter.d'));
  writeFileSync(path.join(dir, 'jail.conf'), '[DEFAULT]\nmaxretry = 5\n\n[t]\nenabled = true\nfilter = t\nlogpath = /dev/null\n');
  log = path.join(dir, 'mail.log');
  writeFileSync(log, saslBurst('198.51.100.23'));
});
after(() => cleanup());

function withFilter(text: string): ReturnType<typeof cli> {
  const file = path.join(dir, 'filter.d', 't.conf');
  writeFileSync(file, text);
  return cli(['audit', ...BASE, '--no-rotated', '--format', 'json', '--config', dir, log], { cwd: dir });
}

const FILE = (): string => path.join(dir, 'filter.d', 't.conf');

/** Exit 1, nothing on stdout, the message and the --help hint, no stack trace. */
function assertConfigError(r: ReturnType<typeof cli>, message: RegExp): void {
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  const lines = stderrLines(r);
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[0] ?? '', message);
  assert.equal(lines[1], 'banreplay: see banreplay --help');
}

const esc = (s: string): string => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
// The jail and filter the error came through, which resolve-config may add.
const CONTEXT = '(?:jail t, filter t: )?';

describe('hostile filter files', () => {
  it('a syntax error names the file, the section and the line', () => {
    const r = withFilter('[Definition]\nfailregex = fail from <HOST>\nthis is not ini\n');
    assertConfigError(r, new RegExp(`^banreplay: ${esc(FILE())} \\[Definition\\]: ${CONTEXT}line 3: expected 'name = value'`));
  });

  it('an unknown include is skipped as fail2ban does, with a warning naming both files', () => {
    const r = withFilter('[INCLUDES]\nbefore = no-such-common.conf\n\n[Definition]\nfailregex = unknown\\[<HOST>\\]: SASL LOGIN authentication failed\n');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(stderrLines(r), [
      `banreplay: warning: filter t: ${FILE()}: included file ${path.join(dir, 'filter.d', 'no-such-common.conf')} does not exist; skipped, as fail2ban does`,
    ]);
    assert.equal(parseJson(r).files[0]?.lines, 6);
  });

  it('an unknown include whose definitions are then missing: error names file, option and reference', () => {
    const r = withFilter('[INCLUDES]\nbefore = no-such-common.conf\n\n[Definition]\nfailregex = ^%(__prefix_line)sfail from <HOST>$\n');
    assertConfigError(r, new RegExp(`^banreplay: ${esc(FILE())} \\[Definition\\] failregex: ${CONTEXT}%\\(__prefix_line\\)s refers to an option that is not defined$`));
  });

  it('a self-referencing %(x)s names file, section and option', () => {
    const r = withFilter('[Definition]\nx = a%(x)s\nfailregex = fail %(x)s from <HOST>\n');
    assertConfigError(r, new RegExp(`^banreplay: ${esc(FILE())} \\[Definition\\] failregex: .*refers to itself`));
  });

  it('a regex that does not compile names file, option and regex', () => {
    const r = withFilter('[Definition]\nfailregex = fail from <HOST>\n            bad (unclosed <HOST>\n');
    assertConfigError(r, new RegExp(`^banreplay: ${esc(FILE())} \\[Definition\\] failregex: ${CONTEXT}regex 2 of 2: invalid regex: missing \\), unterminated subpattern at position \\d+ in 'bad \\(unclosed `));
  });

  it('a user regex with catastrophic backtracking: warning naming filter, option and construct; run completes', () => {
    const r = withFilter('[Definition]\nfailregex = ^\\S+ \\S+ \\S+ \\S+ \\S+: warning: (\\w+\\s?)+\\[<HOST>\\]: SASL\n');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(stderrLines(r), [
      `banreplay: warning: filter t: ${FILE()} [Definition] failregex: (\\w+\\s?)+ may backtrack catastrophically ` +
        '(the inner \\w+ and the next iteration can match the same text); a crafted log line can stall the replay: make the repetition unambiguous',
    ]);
    assert.equal(parseJson(r).files[0]?.lines, 6);
  });
});

describe('backtracking check', () => {
  it('flags the classic exponential shapes', () => {
    for (const re of ['^(a+)+$', '(\\w+\\s?)+:', '(\\w|\\d)+x', '(a|aa)*b', '(.*)*x', '(x+x+)+y', '(a*)*b', '^(\\d+)*$', '(?:\\S+\\s?)+end', '(?i)(A+)+$', '(?:"+[^"]*(?="))*?"']) {
      assert.ok(findCatastrophicBacktracking(re) !== undefined, re);
    }
  });

  it('leaves unambiguous repetitions alone', () => {
    for (const re of ['(?:\\s+\\w+)*$', '(?:foo|for)+', '(?:[0-9a-fA-F]{1,4}::?|::){1,7}', '(?:a|b)+', '(?:\\S+\\s)+end', '([a-z]+\\.)+com', '(?:, arg\\d+=\\S*)*', '.*x.*y', '\\d+']) {
      assert.equal(findCatastrophicBacktracking(re), undefined, re);
    }
  });

  it('finds nothing in the shipped filters (every mode)', () => {
    const filterDir = path.join(ROOT, 'filters', 'filter.d');
    const refs = ['dovecot[mode=normal]', 'dovecot[mode=aggressive]'];
    for (const mode of ['more', 'normal', 'auth', 'rbl', 'ddos', 'extra', 'aggressive', 'errors']) refs.push(`postfix[mode=${mode}]`);
    for (const name of readdirSync(filterDir).filter((n) => n.endsWith('.conf') && n !== 'common.conf')) {
      refs.push(name.slice(0, -5));
    }
    for (const ref of refs) {
      const filter = compileFilter(loadFilter(ref, { filterDirs: [filterDir] }));
      assert.deepEqual(checkFilterBacktracking(filter), [], ref);
    }
  });
});
