// Translation of the Python `re` syntax found in date templates into a JS RegExp source.
// Invariant: group numbering is preserved (named groups stay numbered), so "group 1" means
// the same span in both engines. Constructs JS cannot express raise ConfigError.

import { ConfigError } from '../errors.js';

/** A JS regex source and its flags, translated from Python syntax. */
export interface TranslatedRegex {
  source: string;
  flags: string;
}

const INLINE_FLAGS = /^\(\?([aiLmsux]+)\)/;
const SCOPED_FLAGS = /^\(\?[aiLmsux-]+:/;
const OPEN_QUANT = /^\{,(\d+)\}/;

/**
 * Python → JS: `(?P<n>` → `(?<n>`, `(?P=n)` → `\k<n>`, inline global flags → JS flags,
 * `{,n}` → `{0,n}`, `\Z`/`\A` → `$`/`^`. `s` is always set because Python's `.` only
 * excludes `\n`, which a split line never holds (JS `.` would also exclude `\r`).
 */
export function translatePyRegex(py: string, what: string): TranslatedRegex {
  let out = '';
  const flags = new Set<string>(['s']);
  const n = py.length;
  let i = 0;
  while (i < n) {
    const c = py[i];
    if (c === '\\') {
      const next = py[i + 1] ?? '';
      out += next === 'Z' ? '$' : next === 'A' ? '^' : '\\' + next;
      i += 2;
    } else if (c === '[') {
      const start = i;
      i++;
      if (py[i] === '^') i++;
      if (py[i] === ']') i++;
      while (i < n && py[i] !== ']') i += py[i] === '\\' ? 2 : 1;
      out += py.slice(start, i + 1);
      i++;
    } else if (c === '(' && py[i + 1] === '?') {
      const rest = py.slice(i, i + 40);
      if (rest.startsWith('(?P<')) {
        out += '(?<';
        i += 4;
      } else if (rest.startsWith('(?P=')) {
        const close = py.indexOf(')', i);
        if (close === -1) throw new ConfigError(`${what}: unbalanced (?P=...)`);
        out += `\\k<${py.slice(i + 4, close)}>`;
        i = close + 1;
      } else if (rest.startsWith('(?(')) {
        throw new ConfigError(`${what}: conditional group (?(...)...) not supported`);
      } else if (rest.startsWith('(?#')) {
        const close = py.indexOf(')', i);
        i = close === -1 ? n : close + 1;
      } else {
        const inline = INLINE_FLAGS.exec(rest);
        if (inline !== null) {
          const letters = inline[1] ?? '';
          if (letters.includes('x')) throw new ConfigError(`${what}: verbose flag (?x) not supported`);
          if (letters.includes('i')) flags.add('i');
          if (letters.includes('m')) flags.add('m');
          i += inline[0].length;
        } else if (SCOPED_FLAGS.test(rest)) {
          throw new ConfigError(`${what}: scoped flags (?flags:...) not supported`);
        } else {
          out += '(?';
          i += 2;
        }
      }
    } else if (c === '{') {
      const q = OPEN_QUANT.exec(py.slice(i, i + 12));
      if (q !== null) {
        out += `{0,${q[1] ?? ''}}`;
        i += q[0].length;
      } else {
        out += c;
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return { source: out, flags: [...flags].sort().join('') };
}

/** Compiles a translated regex, turning a JS syntax error into a ConfigError. */
export function compilePyRegex(py: string, what: string): RegExp {
  const t = translatePyRegex(py, what);
  try {
    return new RegExp(t.source, t.flags);
  } catch (err) {
    throw new ConfigError(`${what}: invalid regex: ${(err as Error).message}`);
  }
}
