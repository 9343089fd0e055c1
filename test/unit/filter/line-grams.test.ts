// The bigram filter of a line (many jails on one file, #4): never "absent" for a literal the
// line holds, "absent" for nearly every literal it lacks; and mayMatch gives the same answer
// with it as without, for every shipped filter and the success patterns on real log lines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { loadFilter } from '../../../src/config/load-filter.js';
import { compileFilter } from '../../../src/filter/compile-filter.js';
import { LineGrams, literalGrams } from '../../../src/filter/line-grams.js';
import { mayMatch } from '../../../src/filter/may-match.js';
import { mulberry32 } from '../../support/mulberry32.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

test('no literal the line holds is ever told absent; most it lacks are', () => {
  const rnd = mulberry32(7);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:[]()=<>,/-_@éü€😀\t';
  const chars = [...alphabet];
  const text = (n: number): string => Array.from({ length: n }, () => chars[Math.floor(rnd() * chars.length)]).join('');
  const grams = new LineGrams();
  let absent = 0;
  let told = 0;
  for (let i = 0; i < 2000; i++) {
    const line = text(20 + Math.floor(rnd() * 300));
    grams.fill(line);
    // Pieces of the line, at any place and of any length (surrogate halves included).
    for (let k = 0; k < 5; k++) {
      const from = Math.floor(rnd() * line.length);
      const piece = line.slice(from, from + 2 + Math.floor(rnd() * 20));
      const g = literalGrams(piece);
      if (g !== undefined) assert.ok(grams.mayHold(g), `${JSON.stringify(piece)} in ${JSON.stringify(line)}`);
    }
    const other = text(8);
    if (!line.includes(other)) {
      absent++;
      if (!grams.mayHold(literalGrams(other)!)) told++;
    }
  }
  assert.equal(literalGrams('x'), undefined);
  assert.ok(told / absent > 0.9, `told absent: ${told} of ${absent}`);
});

test('mayMatch answers the same with the filter as without it, on real lines', () => {
  const filters = [
    ...['dovecot', 'postfix[mode=more]', 'postfix[mode=auth]', 'postfix[mode=rbl]', 'postfix[mode=aggressive]'].map((ref) =>
      compileFilter(loadFilter(ref, { filterDirs: [path.join(ROOT, 'filters/filter.d')] })),
    ),
    compileFilter(loadFilter(path.join(ROOT, 'filters/success.d/mail-success.conf'), { filterDirs: [] })),
  ];
  const samples = path.join(ROOT, 'samples');
  const lines = [
    ...readFileSync(path.join(samples, 'maillog'), 'utf8').split('\n'),
    ...gunzipSync(readFileSync(path.join(samples, 'maillog.2.gz'))).toString('utf8').split('\n'),
  ];
  const grams = new LineGrams();
  let passed = 0;
  for (const line of lines) {
    grams.fill(line);
    for (const f of filters) {
      const plain = mayMatch(f, line);
      assert.equal(mayMatch(f, line, grams), plain, `${f.name}: ${line}`);
      if (plain) passed++;
    }
  }
  assert.ok(passed > 1000, `lines passing some filter: ${passed}`);
});
