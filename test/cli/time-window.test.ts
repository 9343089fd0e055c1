// Unit tests for --since/--until parsing (#8): ISO forms, relative durations and the period
// words resolved against a fixed reference and zone; the history lookback; skipping files.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filesForWindow, historyLookbackMs, MTIME_SLACK_MS, parseWindowBound, resolveTimeWindow } from '../../src/cli/time-window.js';
import { parseZone } from '../../src/time/zone.js';

// Thursday 2026-01-15 14:33:00 UTC.
const REF = Date.UTC(2026, 0, 15, 14, 33);
const UTC = parseZone('UTC');
const BERLIN = parseZone('Europe/Berlin');
const at = (s: string, edge: 'start' | 'end' = 'start', zone = UTC): number => parseWindowBound(s, edge, REF, zone, '--since');

describe('parseWindowBound', () => {
  it('reads ISO 8601 instants and @epoch', () => {
    assert.equal(at('2026-01-10T06:00:00Z'), Date.UTC(2026, 0, 10, 6));
    assert.equal(at('2026-01-10T06:00:00+01:00'), Date.UTC(2026, 0, 10, 5));
    assert.equal(at('2026-01-10T06:00', 'start', BERLIN), Date.UTC(2026, 0, 10, 5));
    assert.equal(at('@1768000000'), 1_768_000_000_000);
  });

  it('takes a date as a whole day: its start for --since, the next midnight for --until', () => {
    assert.equal(at('2026-01-10'), Date.UTC(2026, 0, 10));
    assert.equal(at('2026-01-10', 'end'), Date.UTC(2026, 0, 11));
    assert.equal(at('2026-01-10', 'start', BERLIN), Date.UTC(2026, 0, 9, 23));
    assert.throws(() => at('2026-02-30'), /invalid time/);
  });

  it('counts relative durations back from the reference', () => {
    assert.equal(at('24h'), REF - 86_400_000);
    assert.equal(at('7d'), REF - 7 * 86_400_000);
    assert.equal(at('1d12h'), REF - 36 * 3_600_000);
    assert.equal(at('-90m'), REF - 90 * 60_000);
    assert.equal(at('24h', 'end'), REF - 86_400_000);
  });

  it('resolves the words in the zone: days from midnight, weeks from Monday', () => {
    assert.equal(at('now'), REF);
    assert.equal(at('today'), Date.UTC(2026, 0, 15));
    assert.equal(at('today', 'end'), Date.UTC(2026, 0, 16));
    assert.equal(at('yesterday'), Date.UTC(2026, 0, 14));
    assert.equal(at('yesterday', 'end'), Date.UTC(2026, 0, 15));
    assert.equal(at('Yesterday', 'start', BERLIN), Date.UTC(2026, 0, 13, 23));
    // The reference is a Thursday: last week ran from Monday 5 to Monday 12 January.
    assert.equal(at('last-week'), Date.UTC(2026, 0, 5));
    assert.equal(at('last-week', 'end'), Date.UTC(2026, 0, 12));
    // On a Monday, last week is the seven days before it.
    assert.equal(parseWindowBound('last-week', 'start', Date.UTC(2026, 0, 12, 1), UTC, '--since'), Date.UTC(2026, 0, 5));
  });

  it('rejects anything else with a message naming the option and the accepted forms', () => {
    for (const bad of ['soon', '2026-01', '24', '', 'h24', '1.5.2026']) {
      assert.throws(() => at(bad), (err: Error) => /--since/.test(err.message) && /24h, 7d/.test(err.message), bad);
    }
  });
});

describe('resolveTimeWindow', () => {
  it('accepts open edges and refuses an empty window', () => {
    assert.deepEqual(resolveTimeWindow({ since: undefined, until: undefined }, REF, UTC), { since: undefined, until: undefined });
    assert.deepEqual(resolveTimeWindow({ since: 'yesterday', until: 'yesterday' }, REF, UTC), { since: Date.UTC(2026, 0, 14), until: Date.UTC(2026, 0, 15) });
    assert.throws(() => resolveTimeWindow({ since: 'today', until: 'yesterday' }, REF, UTC), /window is empty/);
  });
});

describe('historyLookbackMs and filesForWindow', () => {
  const spec = (findtime: number, bantime: number) => ({ spec: { findtime, bantime } });

  it('covers findtime plus bantime of the longest jail; permanent bans need everything', () => {
    assert.equal(historyLookbackMs([spec(600, 600), spec(3600, 60)]), 3660_000);
    assert.equal(historyLookbackMs([spec(600, -1)]), Infinity);
    assert.equal(historyLookbackMs([]), 0);
  });

  it('adds the increment memory, and a recidive jail on top of the others', () => {
    const inc = { spec: { findtime: 600, bantime: 600, banTimeIncrement: { factor: 1, formula: undefined, multipliers: [], maxtime: 86_400, rndtime: undefined, overalljails: false } }, increment: { purgeAge: 86_400 } };
    assert.equal(historyLookbackMs([inc]), (600 + 86_400 + 4 * 86_400) * 1000);
    const unbounded = { ...inc, spec: { ...inc.spec, banTimeIncrement: { ...inc.spec.banTimeIncrement, maxtime: undefined } } };
    assert.equal(historyLookbackMs([unbounded]), Infinity);
    assert.equal(historyLookbackMs([spec(600, 600), { ...spec(86_400, 604_800), recidive: true }]), (1200 + 86_400 + 604_800) * 1000);
  });

  it('skips only files last written before the needed history (stdin never)', () => {
    const since = Date.UTC(2026, 0, 15);
    const lookback = 3_600_000;
    const files = [
      { path: 'old', mtimeMs: since - lookback - MTIME_SLACK_MS - 1 },
      { path: 'edge', mtimeMs: since - lookback - MTIME_SLACK_MS },
      { path: 'new', mtimeMs: since + 5 },
      { path: '-', mtimeMs: undefined },
    ];
    const r = filesForWindow(files, since, lookback);
    assert.deepEqual(r.skipped.map((f) => f.path), ['old']);
    assert.deepEqual(r.read.map((f) => f.path), ['edge', 'new', '-']);
    assert.equal(filesForWindow(files, since, Infinity).skipped.length, 0);
    assert.equal(filesForWindow(files, undefined, lookback).skipped.length, 0);
  });
});
