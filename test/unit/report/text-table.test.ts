// Tests for the borderless tables: which columns fit a width and how wide; cut, pad and align
// by terminal columns, styling kept balanced across a cut, multi-line cells, large tables.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { drawRows, fitCell, fitColumns, visibleWidth, type TableColumn, type TableShape } from '../../../src/report/text-table.js';

const c = new Chalk({ level: 1 });
const shape = (widths: number[], aligns: TableShape['aligns'] = widths.map(() => 'left')): TableShape => ({ widths, aligns, indent: '  ', gap: '  ' });

describe('fitCell', () => {
  // [cell, width, align, expected]
  const cases: [string, number, 'left' | 'right', string][] = [
    ['abc', 5, 'left', 'abc  '],
    ['abc', 5, 'right', '  abc'],
    ['abc', 3, 'left', 'abc'],
    ['abcdef', 4, 'left', 'abc…'],
    ['abcdef', 4, 'right', 'abc…'],
    ['abcdef', 1, 'left', '…'],
    ['', 3, 'right', '   '],
    // Wide characters count two columns; one that does not fit leaves a blank column.
    ['管理员', 6, 'left', '管理员'],
    ['管理员', 5, 'left', '管理…'],
    ['管理员', 4, 'left', '管… '],
    ['a管理员', 4, 'right', 'a管…'],
    // A combining mark rides with its base letter.
    ['cafe\u0301s', 4, 'left', 'caf…'],
    ['cafe\u0301', 4, 'left', 'cafe\u0301'],
  ];
  for (const [cell, width, align, expected] of cases) {
    it(`${JSON.stringify(cell)} in ${width} (${align})`, () => {
      const got = fitCell(cell, width, align);
      assert.equal(got, expected);
      assert.equal(visibleWidth(got), width);
    });
  }

  it('measures styled text by what shows', () => {
    assert.equal(visibleWidth(c.bold('Jails')), 5);
    assert.equal(fitCell(c.bold('ab'), 4, 'right'), `  ${c.bold('ab')}`);
  });

  it('closes the styles a cut leaves open, and drops styling past the cut', () => {
    assert.equal(fitCell(c.bold('abcdef'), 4, 'left'), '\u001b[1mabc\u001b[22m…');
    assert.equal(fitCell(c.red.underline('abcdef'), 3, 'left'), '\u001b[31m\u001b[4mab\u001b[24m\u001b[39m…');
    assert.equal(fitCell(`${c.green('ab')}cdef`, 4, 'left'), `${c.green('ab')}c…`);
    // bold and dim both end with 22: it is written once.
    assert.equal(fitCell(c.bold.dim('abcdef'), 3, 'left'), '\u001b[1m\u001b[2mab\u001b[22m…');
    // A reset closes everything before it.
    assert.equal(fitCell('\u001b[1mab\u001b[0mcdef', 4, 'left'), '\u001b[1mab\u001b[0mc…');
  });
});

describe('drawRows', () => {
  it('indents, separates, aligns and trims each line', () => {
    const out = drawRows(
      [
        ['IP', 'Bans', 'Note'],
        ['203.0.113.9', '12', ''],
        ['2001:db8::1', '3', 'a long note'],
      ],
      shape([11, 4, 6], ['left', 'right', 'left']),
    );
    assert.equal(out, ['  IP           Bans  Note', '  203.0.113.9    12', '  2001:db8::1     3  a lon…'].join('\n'));
  });

  it('gives a cell with a newline several lines, its neighbours blank below the first', () => {
    assert.equal(drawRows([['a\nbb', 'x']], shape([2, 1])), '  a   x\n  bb');
  });

  it('draws 200,000 rows in one table', () => {
    // cli-table3, which this replaces, was quadratic in the rows: it needed blocks of 200.
    const rows = Array.from({ length: 200_000 }, (_, i) => [`198.51.100.${i % 256}`, String(i)]);
    const out = drawRows(rows, shape([15, 6], ['left', 'right']));
    assert.equal(out.split('\n').length, rows.length);
    assert.equal(out.split('\n')[199_999], '  198.51.100.63    199999');
  });
});

describe('fitColumns', () => {
  // Line width = 2 (indent) + the widths + 2 per gap.
  const rows = [
    ['203.0.113.9', 'FR', 'admin, root, test', '2026-01-02 03:04'],
    ['2001:db8::1', 'DE', 'info', '2026-01-02 05:06'],
  ];
  const col = (header: string, more: Partial<TableColumn> = {}): TableColumn => ({ header, align: 'left', ...more });

  it('keeps natural widths (widest cell or header) when the table fits', () => {
    const got = fitColumns([col('Address'), col('Country', { short: 'CC' }), col('Usernames', { min: 8 }), col('Last', { optional: true })], rows, 80);
    assert.deepEqual(got, { keep: [0, 1, 2, 3], widths: [11, 7, 17, 16], headers: ['Address', 'Country', 'Usernames', 'Last'] });
  });

  it('uses short headers first, then drops optional columns from the right, then shrinks the widest to its minimum', () => {
    const columns = [col('Address'), col('Country', { short: 'CC' }), col('Usernames', { min: 8 }), col('Seen', { optional: true }), col('Last', { optional: true })];
    const wide = rows.map((r) => [...r.slice(0, 3), 'x', r[3]!]);
    // Natural: 2 + 11+7+17+4+16 + 8 = 65. Short headers: 60.
    assert.deepEqual(fitColumns(columns, wide, 60).headers, ['Address', 'CC', 'Usernames', 'Seen', 'Last']);
    assert.deepEqual(fitColumns(columns, wide, 60).widths, [11, 2, 17, 4, 16]);
    // 42 after dropping Last (the rightmost optional), 36 after Seen too; then Usernames shrinks.
    assert.deepEqual(fitColumns(columns, wide, 42), { keep: [0, 1, 2, 3], widths: [11, 2, 17, 4], headers: ['Address', 'CC', 'Usernames', 'Seen'] });
    assert.deepEqual(fitColumns(columns, wide, 30), { keep: [0, 1, 2], widths: [11, 2, 11], headers: ['Address', 'CC', 'Usernames'] });
    // Nothing can give way below the minimum: the table stays wider than asked.
    assert.deepEqual(fitColumns(columns, wide, 10).widths, [11, 2, 8]);
  });

  it('shrinks the widest flexible column first, one column at a time', () => {
    const got = fitColumns([col('a', { min: 2 }), col('b', { min: 2 })], [['aaaaaa', 'bbbb']], 2 + 8 + 2);
    assert.deepEqual(got.widths, [4, 4]);
  });

  it('measures styled cells by what shows', () => {
    assert.deepEqual(fitColumns([col('x')], [[c.bold('abc')]], 80).widths, [3]);
  });
});
