// Fuzz target: the filter-file loader. Bytes become filter.d/fz.conf (and, after a 0xff byte,
// fz.local), then loadFilter → compileFilter → backtracking check → date detector. Only a
// ConfigError may come out: anything else (TypeError, RangeError, a hang) is a finding.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadFilter } from '../../src/config/load-filter.js';
import { ConfigError } from '../../src/errors.js';
import { checkFilterBacktracking } from '../../src/filter/backtrack-check.js';
import { compileFilter } from '../../src/filter/compile-filter.js';
import { createDateDetector } from '../../src/time/date-detector.js';
import { parseZone } from '../../src/time/zone.js';

const DIR = mkdtempSync(path.join(tmpdir(), 'banreplay-fuzz-filter-'));
const FILTER_D = path.join(DIR, 'filter.d');
mkdirSync(FILTER_D);
process.on('exit', () => rmSync(DIR, { recursive: true, force: true }));
const UTC = parseZone('UTC');

/** Jazzer.js entry point. */
export function fuzz(data: Buffer): void {
  const cut = data.indexOf(0xff);
  const conf = cut === -1 ? data : data.subarray(0, cut);
  const local = cut === -1 ? undefined : data.subarray(cut + 1);
  writeFileSync(path.join(FILTER_D, 'fz.conf'), conf);
  const localPath = path.join(FILTER_D, 'fz.local');
  if (local === undefined) rmSync(localPath, { force: true });
  else writeFileSync(localPath, local);
  try {
    const def = loadFilter('fz[mode=x]', { filterDirs: [FILTER_D] });
    const filter = compileFilter(def);
    checkFilterBacktracking(filter);
    createDateDetector(def.datepattern, UTC);
  } catch (err) {
    if (err instanceof ConfigError) return;
    throw err;
  }
}
