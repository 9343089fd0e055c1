// Tests for the CSV renderers (#8): RFC 4180 shape (CRLF, quoting), one row per address or
// per ban, and hostile usernames neutralised: no formula prefix, no control character.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CSV_BAN_COLUMNS, CSV_IP_COLUMNS, renderCsvBans, renderCsvIps } from '../../../src/report/render-csv.js';
import { hostileReport, iso } from './hostile-report.js';

/** A strict RFC 4180 parser: quoted cells may hold anything, bare cells no quote. */
function parseCsv(text: string): string[][] {
  assert.ok(text.endsWith('\r\n'), 'ends with CRLF');
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        assert.ok(q >= 0, 'unterminated quote');
        cell += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          cell += '"';
          i++;
        } else break;
      }
    } else {
      const m = /^[^,\r\n"]*/.exec(text.slice(i))![0];
      cell = m;
      i += m.length;
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else {
      assert.equal(text.slice(i, i + 2), '\r\n', `row separator at ${i}`);
      i += 2;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

const FORMULA_START = /^[=+\-@\t\r]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202e]/;

describe('renderCsvIps', () => {
  const text = renderCsvIps(hostileReport(), { formatTime: iso });
  const rows = parseCsv(text);

  it('has a header and one row per address', () => {
    assert.deepEqual(rows[0], [...CSV_IP_COLUMNS]);
    assert.equal(rows.length, 1 + hostileReport().ips.length);
    for (const r of rows) assert.equal(r.length, CSV_IP_COLUMNS.length);
  });

  it('writes numbers bare and times as ISO 8601', () => {
    const first = rows[1]!;
    assert.equal(first[0], '203.0.113.7');
    assert.equal(first[2], '64500');
    assert.equal(first[4], '10');
    assert.equal(first[8], '2026-01-10T05:00:00+00:00');
    assert.match(text, /,64500,/);
  });

  it('defuses formulas and strips control characters in every text cell', () => {
    for (const r of rows.slice(1)) {
      for (const cell of r) {
        assert.doesNotMatch(cell, FORMULA_START, `formula prefix in ${JSON.stringify(cell.slice(0, 40))}`);
        assert.doesNotMatch(cell, CONTROL, `control character in ${JSON.stringify(cell.slice(0, 40))}`);
      }
    }
    // The id that looks like a formula is kept, visibly defused.
    assert.equal(rows[3]![0], "'=cmd|evil");
    assert.ok(rows[1]![12]!.includes('=HYPERLINK'), 'usernames kept as data');
  });
});

describe('renderCsvBans', () => {
  const rows = parseCsv(renderCsvBans(hostileReport(), { formatTime: iso }));

  it('has one row per ban in start order, permanent bans without an end', () => {
    assert.deepEqual(rows[0], [...CSV_BAN_COLUMNS]);
    assert.equal(rows.length, 1 + 4);
    const starts = rows.slice(1).map((r) => r[4]);
    assert.deepEqual(starts, [...starts].sort());
    const permanent = rows.find((r) => r[1] === '2001:db8::7')!;
    assert.equal(permanent[5], '');
    assert.equal(permanent[2], 'JP');
  });

  it('defuses a formula-looking id', () => {
    const row = rows.find((r) => r[0] === 'postfix-sasl')!;
    assert.equal(row[1], "'=cmd|evil");
  });
});
