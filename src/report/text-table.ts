// Draws borderless text tables at fixed column widths: each cell cut to its width with '…'
// and padded to it, left or right; rows indented, cells separated by a gap. Widths count
// terminal columns (text-width.ts) and skip SGR styling, which a cut keeps balanced. It does
// what cli-table3 did here, whose per-cell work cost 1.3 s on a 6,000-row report (#4).
import { displayWidth, keepStart } from './text-width.js';

export type Align = 'left' | 'right';

/** Fixed widths and alignments of a table's columns, and the text around its cells. */
export interface TableShape {
  widths: readonly number[];
  aligns: readonly Align[];
  /** Before the first cell of every line. */
  indent: string;
  /** Between two cells. */
  gap: string;
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
  let line = shape.indent;
  const n = shape.widths.length;
  for (let i = 0; i < n; i++) {
    if (i > 0) line += shape.gap;
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
