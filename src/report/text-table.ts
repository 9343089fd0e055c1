// Borderless text tables for the terminal and mail renderers: which columns fit a line width
// and how wide (fitColumns), then each cell cut to its width with '…' and padded to it, left
// or right; rows indented, cells separated by a gap (drawRows). Widths count terminal columns
// (text-width.ts) and skip SGR styling, which a cut keeps balanced. It does what cli-table3
// did here, whose per-cell work cost 1.3 s on a 6,000-row report (#4).
import { displayWidth, keepStart } from './text-width.js';

export type Align = 'left' | 'right';

/** Before the first cell of a row (and of other indented lines of a report). */
export const INDENT = '  ';
/** Between two cells. */
export const GAP = '  ';

/** A column as fitColumns sees it. */
export interface TableColumn {
  header: string;
  align: Align;
  /** Shorter header used when the table does not fit (`Country` → `CC`). */
  short?: string;
  /** Narrowest width this column may shrink to; undefined = never shrinks. */
  min?: number;
  /** Left out (the rightmost such column first) when the table does not fit. */
  optional?: boolean;
}

/** The columns kept (indices, in order), their widths and their headers. */
export interface FittedColumns {
  keep: number[];
  widths: number[];
  headers: string[];
}

/**
 * Natural column widths (the widest cell or header); when the table is wider than `width`,
 * short headers first, then optional columns go (rightmost first), then the columns with a
 * `min` shrink, the widest first, down to it. May still exceed `width` (long IPv6).
 */
export function fitColumns(columns: readonly TableColumn[], rows: readonly (readonly string[])[], width: number): FittedColumns {
  const content = columns.map((_, i) => rows.reduce((w, row) => Math.max(w, visibleWidth(row[i] ?? '')), 0));
  const total = (ws: readonly number[]): number => INDENT.length + ws.reduce((a, b) => a + b, 0) + GAP.length * Math.max(0, ws.length - 1);
  let headers = columns.map((col) => col.header);
  let keep = columns.map((_, i) => i);
  const measure = (): number[] => keep.map((i) => Math.max(content[i] ?? 0, displayWidth(headers[i] ?? '')));
  let widths = measure();
  if (total(widths) > width && columns.some((col) => col.short !== undefined)) {
    headers = columns.map((col) => col.short ?? col.header);
    widths = measure();
  }
  while (total(widths) > width) {
    const drop = keep.findLast((i) => columns[i]?.optional === true);
    if (drop === undefined) break;
    keep = keep.filter((i) => i !== drop);
    widths = measure();
  }
  let excess = total(widths) - width;
  while (excess > 0) {
    let pick = -1;
    keep.forEach((c, k) => {
      const min = columns[c]?.min;
      const w = widths[k] ?? 0;
      if (min !== undefined && w > min && (pick < 0 || w > (widths[pick] ?? 0))) pick = k;
    });
    if (pick < 0) break; // nothing left to shrink: the table is wider than asked
    widths[pick] = (widths[pick] ?? 0) - 1;
    excess--;
  }
  return { keep, widths, headers: keep.map((i) => headers[i] ?? '') };
}

/** Fixed widths and alignments of a table's columns, and the text around its cells. */
export interface TableShape {
  widths: readonly number[];
  aligns: readonly Align[];
  /** Before the first cell of every line (default INDENT). */
  indent?: string;
  /** Between two cells (default GAP). */
  gap?: string;
}

// SGR sequences (our own chalk styling; log text holds no ESC by the time it is laid out).
const SGR = /\u001b\[(?:\d*;){0,5}\d*m/g;
const ESC = '\u001b';
const ELLIPSIS = '…';

/** The lines of `rows` laid out in `shape`, trailing spaces trimmed, joined by newlines. */
export function drawRows(rows: readonly (readonly string[])[], shape: TableShape): string {
  const out: string[] = [];
  for (const row of rows) {
    // A cell with a newline spans several lines, its neighbours blank below their first.
    const tall = row.some((cell) => cell.includes('\n'));
    if (!tall) {
      out.push(drawLine(row, shape));
      continue;
    }
    const parts = row.map((cell) => cell.split('\n'));
    const height = Math.max(...parts.map((p) => p.length));
    for (let k = 0; k < height; k++) out.push(drawLine(parts.map((p) => p[k] ?? ''), shape));
  }
  return out.join('\n');
}

function drawLine(cells: readonly string[], shape: TableShape): string {
  let line = shape.indent ?? INDENT;
  const gap = shape.gap ?? GAP;
  const n = shape.widths.length;
  for (let i = 0; i < n; i++) {
    if (i > 0) line += gap;
    line += fitCell(cells[i] ?? '', shape.widths[i] ?? 0, shape.aligns[i] ?? 'left');
  }
  return line.trimEnd();
}

/** `cell` cut to `width` columns (ending in '…' when cut) and padded to it. */
export function fitCell(cell: string, width: number, align: Align): string {
  let text = cell;
  let w = visibleWidth(text);
  if (w > width) {
    text = cut(text, width - 1) + ELLIPSIS;
    w = visibleWidth(text);
  }
  const pad = width - w;
  if (pad <= 0) return text;
  return align === 'right' ? ' '.repeat(pad) + text : text + ' '.repeat(pad);
}

/** Terminal columns of text that may hold SGR styling. */
export function visibleWidth(text: string): number {
  return displayWidth(text.includes(ESC) ? text.replace(SGR, '') : text);
}

// The longest start of `text` within `width` columns. Styling inside it is kept, styling
// after it dropped, and the styles still open at the cut are closed.
function cut(text: string, width: number): string {
  if (width <= 0) return '';
  if (!text.includes(ESC)) return keepStart(text, width);
  let out = '';
  let used = 0;
  const open = new Map<number | 'fg' | 'bg', number>();
  let from = 0;
  SGR.lastIndex = 0;
  for (;;) {
    const m = SGR.exec(text);
    const plain = text.slice(from, m === null ? text.length : m.index);
    const kept = keepStart(plain, width - used);
    out += kept;
    used += displayWidth(kept);
    if (used >= width || m === null) break;
    out += m[0];
    track(open, m[0]);
    from = m.index + m[0].length;
  }
  SGR.lastIndex = 0;
  return out + closing(open);
}

// SGR attributes a cut may leave open: the code that sets each, and the code that ends it.
const STYLES: readonly (readonly [on: number, off: number])[] = [
  [1, 22], // bold
  [2, 22], // dim
  [3, 23], // italic
  [4, 24], // underline
  [7, 27], // inverse
  [9, 29], // strikethrough
];

// The styles open after each SGR sequence: attributes by their on-code, colours as 'fg' and 'bg'.
function track(open: Map<number | 'fg' | 'bg', number>, sgr: string): void {
  const code = Number(sgr.slice(2, -1).split(';')[0] || 0);
  if (code === 0) open.clear();
  else if ((code >= 30 && code <= 38) || (code >= 90 && code <= 97)) open.set('fg', 39);
  else if ((code >= 40 && code <= 48) || (code >= 100 && code <= 107)) open.set('bg', 49);
  else if (code === 39) open.delete('fg');
  else if (code === 49) open.delete('bg');
  else {
    for (const [on, off] of STYLES) {
      if (code === on) open.set(on, off);
      else if (code === off) open.delete(on);
    }
  }
}

// Closing sequences for what is open: attributes in the order they were set, then colours.
function closing(open: Map<number | 'fg' | 'bg', number>): string {
  const codes: number[] = [];
  for (const [key, off] of open) if (typeof key === 'number' && !codes.includes(off)) codes.push(off);
  if (open.has('bg')) codes.push(49);
  if (open.has('fg')) codes.push(39);
  return codes.map((c) => `${ESC}[${c}m`).join('');
}
