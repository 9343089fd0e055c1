// A small shell-style glob expander for input paths and jail `logpath` entries:
// `*`, `?`, `[...]` (with `!`/`^` negation) within one path segment, `**` across
// directories, `\` escapes. Like the shell, wildcards never match a leading `.`.
// Yields only non-directories; unreadable directories are skipped, as the shell does.
import { lstat, readdir, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { compareText } from '../compare-text.js';

/** True when `path` contains an unescaped glob wildcard (`*`, `?` or `[`). */
export function hasGlobMagic(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

type Segment = { kind: 'literal'; text: string } | { kind: 'pattern'; re: RegExp } | { kind: 'globstar' };

/** Compiles one path segment (no `/`) into an anchored RegExp. */
export function compileSegment(segment: string): RegExp {
  let src = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '\\' && i + 1 < segment.length) {
      src += escapeRegExp(segment[++i] as string);
    } else if (c === '*') {
      src += '[^/]*';
    } else if (c === '?') {
      src += '[^/]';
    } else if (c === '[') {
      const cls = readClass(segment, i);
      if (cls === undefined) src += '\\[';
      else {
        src += cls.source;
        i = cls.end;
      }
    } else {
      src += escapeRegExp(c);
    }
  }
  // Shell rule: a wildcard at the start of a name does not match a leading dot.
  const hidden = segment.startsWith('.') ? '' : '(?!\\.)';
  return new RegExp(`^${hidden}${src}$`, 's');
}

// Reads a bracket expression starting at `start` (the `[`); undefined when unterminated,
// in which case the `[` is literal, as in the shell.
function readClass(segment: string, start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (segment[i] === '!' || segment[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  // A `]` right after the opening (or the negation) is a member, not the end.
  let first = true;
  for (; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === ']' && !first) return { source: `[${negate ? '^/' : ''}${body}]`, end: i };
    first = false;
    if (c === '\\' && i + 1 < segment.length) body += '\\' + (segment[++i] as string);
    else if (c === '-') body += '-';
    else body += c === '^' || c === '[' || c === ']' ? '\\' + c : c;
  }
  return undefined;
}

// Char loops rather than global regexes: the project keeps g/y flags out of its code.
const REGEXP_SPECIAL = new Set('.*+?^${}()|[]\\/');

function escapeRegExp(text: string): string {
  let out = '';
  for (const c of text) out += REGEXP_SPECIAL.has(c) ? '\\' + c : c;
  return out;
}

function unescapeLiteral(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) out += text[++i] as string;
    else out += c;
  }
  return out;
}

function compilePattern(parts: string[]): Segment[] {
  return parts.map((part): Segment => {
    if (part === '**') return { kind: 'globstar' };
    if (hasGlobMagic(part)) return { kind: 'pattern', re: compileSegment(part) };
    return { kind: 'literal', text: unescapeLiteral(part) };
  });
}

/** Expands a glob pattern into matching non-directory paths, sorted; [] when none match. */
export async function expandGlob(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p) => p.length > 0);
  // The literal prefix is the directory the walk starts from.
  let first = 0;
  while (first < parts.length && !hasGlobMagic(parts[first] as string)) first++;
  const prefix = parts.slice(0, first).map(unescapeLiteral);
  const base = absolute ? '/' + prefix.join('/') : prefix.join('/');
  const segments = compilePattern(parts.slice(first));
  const out = new Set<string>();
  await walk(base, segments, 0, out);
  return [...out].sort();
}

async function walk(dir: string, segments: Segment[], i: number, out: Set<string>): Promise<void> {
  const seg = segments[i];
  if (seg === undefined) return;
  const last = i === segments.length - 1;
  if (seg.kind === 'globstar') {
    // `**` matches zero directories…
    if (last) await collectAll(dir, out);
    else await walk(dir, segments, i + 1, out);
    // …or one more level; symlinked directories are not followed, so no loops.
    for (const entry of await listDir(dir)) {
      if (entry.name.startsWith('.') || !entry.isDirectory()) continue;
      await walk(joinPath(dir, entry.name), segments, i, out);
    }
    return;
  }
  if (seg.kind === 'literal') {
    const path = joinPath(dir, seg.text);
    if (last) {
      if (await isNonDirectory(path)) out.add(path);
    } else if (await isDirectory(path)) {
      await walk(path, segments, i + 1, out);
    }
    return;
  }
  for (const entry of await listDir(dir)) {
    if (!seg.re.test(entry.name)) continue;
    const path = joinPath(dir, entry.name);
    if (last) {
      if (await isNonDirectory(path)) out.add(path);
    } else if (await isDirectory(path)) {
      await walk(path, segments, i + 1, out);
    }
  }
}

// `**` as the final segment: every non-hidden non-directory below `dir`.
async function collectAll(dir: string, out: Set<string>): Promise<void> {
  for (const entry of await listDir(dir)) {
    if (entry.name.startsWith('.')) continue;
    const path = joinPath(dir, entry.name);
    if (entry.isDirectory()) await collectAll(path, out);
    else if (await isNonDirectory(path)) out.add(path);
  }
}

async function listDir(dir: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(dir === '' ? '.' : dir, { withFileTypes: true });
    return entries.sort((a, b) => compareText(a.name, b.name));
  } catch {
    return [];
  }
}

// Entries that cannot be stat'ed (dangling links, loops) still count as matches so
// that the caller reports them with their cause instead of dropping them silently.
async function isNonDirectory(path: string): Promise<boolean> {
  try {
    return !(await stat(path)).isDirectory();
  } catch (err) {
    return (err as { code?: unknown }).code !== 'ENOENT' || (await isDanglingLink(path));
  }
}

async function isDanglingLink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function joinPath(dir: string, name: string): string {
  return dir === '' ? name : join(dir, name);
}
