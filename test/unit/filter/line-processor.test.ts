// The multi-line layer: F-MLFID sessions (pending → IP line merge, F-NOFAIL, F-MLFFORGET,
// F-MLFGAINED, users), session expiry in log time, maxlines buffering with <SKIPLINES>.
// Expected values were cross-checked against fail2ban 1.0.2's Filter.processLine on the
// same regexes and lines (server mode = checkAllRegex off; 'all' = fail2ban-regex / suite).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FilterDefinition } from '../../../src/types.js';
import { loadFilter } from '../../../src/config/load-filter.js';
import { compileFilter } from '../../../src/filter/compile-filter.js';
import { createLineProcessor } from '../../../src/filter/line-processor.js';
import type { LineProcessor, ProcessedFailure } from '../../../src/filter/line-processor.js';
import { matchLine } from '../../../src/filter/match-line.js';
import { MultiLineMatcher } from '../../../src/filter/multiline.js';
import { createDateDetector } from '../../../src/time/date-detector.js';
import { parseZone } from '../../../src/time/zone.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function filter(over: Partial<FilterDefinition>): ReturnType<typeof compileFilter> {
  return compileFilter({
    name: 't', file: 'filter.d/t.conf', prefregex: undefined, failregex: [], ignoreregex: [],
    successregex: [], datepattern: '{^LN-BEG}', maxlines: 1, usedns: 'no', options: {}, ...over,
  });
}

const T0 = Date.UTC(2026, 0, 10, 10, 0, 0);

type Row = [regex: number, id: string | undefined, nofail: boolean, matches: number, users: string[], user: string | undefined];

/** Feeds lines (text after the date cut) one second apart, from T0, and returns one row list per line. */
function run(p: LineProcessor, lines: readonly string[], step = 1000): Row[][] {
  return lines.map((text, i) => {
    const r = p.process(text, T0 + (i + 1) * step);
    return (r?.failures ?? []).map((f: ProcessedFailure): Row => [f.regex, f.id, f.nofail, f.matches, f.users ?? [], f.user]);
  });
}

// A sendmail-reject-like filter written for this test: the queue id is the session key,
// recipient rejects carry no address, the closing relay line carries it but is no failure.
const MAILER = {
  prefregex: String.raw`^\s*\S+ mailer\[\d+\]: <F-MLFID>[A-Z0-9]{8}</F-MLFID>: <F-CONTENT>.+</F-CONTENT>$`,
  failregex: [String.raw`^rcpt <[^>]*>: unknown user$`, String.raw`^from=<[^>]*>, <F-NOFAIL>relay</F-NOFAIL>=\[<ADDR>\]$`],
};
const MAILER_LOG = [
  ' mx mailer[1]: Q1AAAAAA: rcpt <a@x>: unknown user',
  ' mx mailer[1]: Q1AAAAAA: rcpt <b@x>: unknown user',
  ' mx mailer[1]: Q1AAAAAA: from=<s@y>, relay=[192.0.2.1]',
  ' mx mailer[2]: Q2BBBBBB: from=<s@y>, relay=[192.0.2.2]',
  ' mx mailer[2]: Q2BBBBBB: rcpt <c@x>: unknown user',
];

test('F-MLFID: pending rejects become one failure when the relay line brings the address', () => {
  const cf = filter(MAILER);
  assert.equal(cf.multiline, true);
  const p = createLineProcessor(cf, { mode: 'first' });
  assert.equal(p.stateful, true);
  assert.deepEqual(run(p, MAILER_LOG), [
    [],
    [],
    [[1, '192.0.2.1', false, 3, [], undefined]],
    [], // a session with only the nofail line is no failure
    [[0, '192.0.2.2', false, 2, [], undefined]], // a later reject of a known session has its address
  ]);
});

test("F-MLFID in check-all mode reports pending and nofail results, as fail2ban-regex does", () => {
  const p = createLineProcessor(filter(MAILER), { mode: 'all' });
  assert.deepEqual(run(p, MAILER_LOG), [
    [[0, undefined, false, 1, [], undefined]],
    [[0, undefined, false, 2, [], undefined]],
    [[1, '192.0.2.1', false, 3, [], undefined]],
    [[1, '192.0.2.2', true, 0, [], undefined]],
    [[0, '192.0.2.2', false, 2, [], undefined]],
  ]);
});

// An sshd-like filter written for this test: the pid is the session key.
const SSHX = {
  prefregex: String.raw`^\s*\S+ sshx\[<F-MLFID>\d+</F-MLFID>\]: <F-CONTENT>.+</F-CONTENT>$`,
  failregex: [
    String.raw`^bad password for <F-USER>\S+</F-USER> from <ADDR>$`,
    String.raw`^bad password for <F-USER>\S+</F-USER>$`,
    String.raw`^connect from <F-NOFAIL>x</F-NOFAIL><ADDR>$`,
    String.raw`^<F-MLFFORGET>closed</F-MLFFORGET>$`,
    String.raw`^<F-MLFGAINED>accepted</F-MLFGAINED> for <F-USER>\S+</F-USER>$`,
  ],
};
const SSHX_LOG = [
  ' mx sshx[7]: bad password for ann',
  ' mx sshx[7]: connect from x192.0.2.7',
  ' mx sshx[7]: closed', // merges (not nofail here), then forgets the session
  ' mx sshx[7]: bad password for ann', // a new session: pending again
  ' mx sshx[8]: connect from x192.0.2.8',
  ' mx sshx[8]: bad password for bob',
  ' mx sshx[8]: accepted for bob', // gained: no failure
  ' mx sshx[8]: bad password for bob',
  ' mx sshx[9]: bad password for carl',
  ' mx sshx[9]: accepted for carl', // gained clears the pending failure
  ' mx sshx[9]: connect from x192.0.2.9',
  ' mx sshx[10]: connect from x192.0.2.10',
  ' mx sshx[10]: bad password for dan',
  ' mx sshx[10]: accepted for eve', // a second user: the success does not count
];

test('F-MLFFORGET, F-MLFGAINED and the users set (server mode)', () => {
  const p = createLineProcessor(filter(SSHX), { mode: 'first' });
  assert.deepEqual(run(p, SSHX_LOG), [
    [],
    [[2, '192.0.2.7', false, 2, ['ann'], 'ann']],
    [[3, '192.0.2.7', false, 1, ['ann'], 'ann']],
    [],
    [],
    [[1, '192.0.2.8', false, 2, ['bob'], 'bob']],
    [],
    [[1, '192.0.2.8', false, 2, ['bob'], 'bob']],
    [],
    [],
    [],
    [],
    [[1, '192.0.2.10', false, 2, ['dan'], 'dan']],
    [[4, '192.0.2.10', false, 1, ['dan', 'eve'], 'eve']],
  ]);
});

test('F-MLFFORGET, F-MLFGAINED and the users set (check-all mode)', () => {
  const p = createLineProcessor(filter(SSHX), { mode: 'all' });
  assert.deepEqual(run(p, SSHX_LOG), [
    [[1, undefined, false, 1, ['ann'], 'ann']],
    [[2, '192.0.2.7', false, 2, ['ann'], 'ann']],
    [[3, '192.0.2.7', false, 1, ['ann'], 'ann']],
    [[1, undefined, false, 1, ['ann'], 'ann']],
    [[2, '192.0.2.8', true, 0, [], undefined]],
    [[1, '192.0.2.8', false, 2, ['bob'], 'bob']],
    [[4, '192.0.2.8', true, 0, ['bob'], 'bob']],
    [[1, '192.0.2.8', false, 2, ['bob'], 'bob']],
    [[1, undefined, false, 1, ['carl'], 'carl']],
    [[4, undefined, true, 0, ['carl'], 'carl']],
    // check-all keeps the gained line's failure pending, so the address line completes it
    [[2, '192.0.2.9', false, 2, ['carl'], 'carl']],
    [[2, '192.0.2.10', true, 0, [], undefined]],
    [[1, '192.0.2.10', false, 2, ['dan'], 'dan']],
    [[4, '192.0.2.10', false, 1, ['dan', 'eve'], 'eve']],
  ]);
});

test('sessions expire 300 s of LOG time after they were opened, not after their last line', () => {
  const lines = [MAILER_LOG[0]!, MAILER_LOG[2]!];
  const at = (gaps: number[]): Row[][] => {
    const p = createLineProcessor(filter(MAILER));
    let t = T0;
    return lines.map((text, i) => {
      t += gaps[i]!;
      return (p.process(text, t)?.failures ?? []).map((f): Row => [f.regex, f.id, f.nofail, f.matches, f.users ?? [], f.user]);
    });
  };
  assert.deepEqual(at([0, 299_000]), [[], [[1, '192.0.2.1', false, 2, [], undefined]]]);
  assert.deepEqual(at([0, 300_000]), [[], []], 'expired: the relay line opens a nofail session of its own');
  // The expiry counts from the first line: later lines do not refresh it.
  const p = createLineProcessor(filter(MAILER));
  assert.equal(p.process(MAILER_LOG[0]!, T0), undefined);
  assert.equal(p.process(MAILER_LOG[1]!, T0 + 200_000), undefined);
  assert.equal(p.process(MAILER_LOG[2]!, T0 + 301_000), undefined);
  // A configurable lifetime (the wall-clock suite never expires within a run).
  const long = createLineProcessor(filter(MAILER), { ttlMs: 3_600_000 });
  long.process(MAILER_LOG[0]!, T0);
  assert.equal(long.process(MAILER_LOG[2]!, T0 + 3_000_000)?.failures[0]?.id, '192.0.2.1');
});

test('at most maxSessions sessions are held; the oldest go first', () => {
  const m = new MultiLineMatcher(filter(MAILER), 'first', { maxSessions: 2 });
  const rcpt = (q: string): string => ` mx mailer[1]: ${q}: rcpt <a@x>: unknown user`;
  const relay = (q: string): string => ` mx mailer[1]: ${q}: from=<s@y>, relay=[192.0.2.3]`;
  m.process(rcpt('QAAAAAAA'), T0, T0);
  m.process(rcpt('QBBBBBBB'), T0, T0);
  assert.equal(m.sessions, 2);
  m.process(rcpt('QCCCCCCC'), T0, T0); // evicts QAAAAAAA
  assert.equal(m.sessions, 2);
  assert.deepEqual(m.process(relay('QAAAAAAA'), T0, T0), []);
  // QAAAAAAA's relay line opened a (nofail) session and evicted QBBBBBBB in turn.
  assert.deepEqual(m.process(relay('QBBBBBBB'), T0, T0), []);
  assert.deepEqual(m.process(relay('QCCCCCCC'), T0, T0), [], 'QCCCCCCC went too');
  m.reset();
  assert.equal(m.sessions, 0);
});

test('maxlines buffers lines; <SKIPLINES> lines stay in the buffer; old lines fall out', () => {
  const cf = filter({
    maxlines: 3,
    failregex: [String.raw`^\s*\S+ app: login user=<F-USER>\S+</F-USER>$<SKIPLINES>^\s*\S+ app: auth failed from <HOST>$`],
  });
  assert.equal(cf.precheck, undefined, 'no literal pre-check with a multi-line buffer');
  const p = createLineProcessor(cf);
  assert.deepEqual(run(p, [
    ' mx app: login user=bob',
    ' mx app: noise',
    ' mx app: auth failed from 192.0.2.9', // two matched lines; the noise line was skipped
    ' mx app: auth failed from 192.0.2.10', // the login line left the buffer with the match
    ' mx app: login user=amy',
    ' mx app: noise',
    ' mx app: noise',
    ' mx app: auth failed from 192.0.2.11', // amy fell out of the 3-line buffer
    ' mx app: login user=al',
    ' mx app: auth failed from 192.0.2.12',
  ]), [[], [], [[0, '192.0.2.9', false, 2, [], 'bob']], [], [], [], [], [], [], [[0, '192.0.2.12', false, 2, [], 'al']]]);
  // Undated lines are buffered but produce nothing in server mode.
  const q = createLineProcessor(cf);
  q.process(' mx app: login user=zed', T0);
  assert.equal(q.process(' mx app: auth failed from 192.0.2.13', undefined), undefined);
  assert.equal(q.process(' mx app: auth failed from 192.0.2.13', T0)?.failures[0]?.user, 'zed');
});

test('a single-line filter gets the stateless processor, and the stateful layer agrees with it', () => {
  const zone = parseZone('Europe/Berlin');
  const now = 1124013600 * 1000;
  let compared = 0;
  for (const name of readdirSync(path.join(ROOT, 'test/filter-logs'))) {
    for (const mode of [undefined, 'aggressive', 'auth', 'rbl', 'ddos', 'extra', 'errors']) {
      let def: FilterDefinition;
      let cf: ReturnType<typeof compileFilter>;
      try {
        def = loadFilter(mode === undefined ? name : `${name}[mode=${mode}]`, { filterDirs: [path.join(ROOT, 'filters/filter.d')] });
        cf = compileFilter(def);
      } catch {
        continue; // not a mode of this filter
      }
      assert.equal(cf.multiline, false);
      assert.equal(createLineProcessor(cf).stateful, false);
      const detector = createDateDetector(def.datepattern, zone);
      for (const kind of ['first', 'all'] as const) {
        const stateful = new MultiLineMatcher(cf, kind);
        for (const line of readFileSync(path.join(ROOT, 'test/filter-logs', name), 'utf8').split('\n')) {
          if (line.startsWith('#') || line.trim() === '') continue;
          const m = detector.match(line, now);
          const text = m === undefined ? line : line.slice(0, m.start) + line.slice(m.end);
          const single = matchLine(cf, text, kind);
          const expected = single.status === 'failure' ? (kind === 'all' ? single.hits : [single]).map((h) => [h.regex, h.id]) : [];
          const got = stateful.process(text, 0, 0).map((r) => [r.regex, r.id?.id?.text]);
          assert.deepEqual(got, expected, `${name}[${mode}] ${kind}: ${line}`);
          compared++;
        }
      }
    }
  }
  assert.ok(compared > 100);
});
