// Reads fail2ban's INI dialect (Python ConfigParser as client/configparserinc.py configures it):
// per-file parsing, [INCLUDES] before/after, `.local` companions, the `x.conf, x.d/*.conf, x.local,
// x.d/*.local` read order, and the KNOWN/<section> override memory. Values stay raw (no `%(x)s`
// expansion except for INCLUDES lists); option names are lowercased. Never prints.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { getOption } from './interpolate.js';
import { compareText } from '../compare-text.js';

/** Name of the section every other section falls back to. */
export const DEFAULT_SECTION = 'DEFAULT';
/** Name of the section holding `before` / `after` include lists. */
export const INCLUDES_SECTION = 'INCLUDES';
/** Prefix of the hidden sections remembering overwritten values (`KNOWN/<section>`). */
export const KNOWN_PREFIX = 'KNOWN/';

/** Where an option's current value was written. */
export interface OptionOrigin {
  file: string;
  line: number;
}

/** One section: lowercased option names to raw values, plus where each came from. */
export interface IniSection {
  readonly name: string;
  readonly options: Map<string, string>;
  readonly origins: Map<string, OptionOrigin>;
  /** The first file that defined this section. */
  readonly file: string;
}

/** One file parsed on its own (ConfigParser's per-file view, before merging). */
export interface ParsedIni {
  readonly file: string;
  readonly defaults: IniSection;
  /** Sections in file order; `[DEFAULT]` is not among them. */
  readonly sections: Map<string, IniSection>;
}

/** Several files merged in read order, as fail2ban's SafeConfigParserWithIncludes sees them. */
export interface IniDocument {
  readonly defaults: IniSection;
  /** Sections in first-definition order, including the hidden `KNOWN/<name>` ones. */
  readonly sections: Map<string, IniSection>;
  /** Files actually read, in order (an included file may appear twice, as in fail2ban). */
  readonly files: string[];
  /** Included or listed files that do not exist or cannot be opened; fail2ban skips them silently. */
  readonly skipped: string[];
}

// Python ConfigParser's SECTCRE / OPTCRE (the `.match` forms, so unanchored at the end).
const SECTION_RE = /^\[(.+)\]/;
const OPTION_RE = /^(.*?)\s*([=:])\s*(.*)$/;
const NON_SPACE_RE = /\S/;
const SPACE_RE = /\s/;
// configparserinc.py:130, sections like `Name?family=inet6`.
const CONDITIONAL_RE = /^(\w+)(\?.+)$/;
const LINE_SPLIT_RE = /\r\n|\r|\n/;

function newSection(name: string, file: string): IniSection {
  return { name, options: new Map(), origins: new Map(), file };
}

/** Index where an inline `;` comment starts (only after whitespace, as with inline_comment_prefixes), or -1. */
function inlineCommentStart(line: string): number {
  let index = line.indexOf(';');
  while (index >= 0) {
    if (index === 0 || SPACE_RE.test(line.charAt(index - 1))) return index;
    index = line.indexOf(';', index + 1);
  }
  return -1;
}

/** Parses one file's text exactly like Python's `RawConfigParser._read` (strict, empty lines kept in values). */
export function parseIni(text: string, file: string): ParsedIni {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const defaults = newSection(DEFAULT_SECTION, file);
  const sections = new Map<string, IniSection>();
  // Values are collected as line lists and joined at the end (`'\n'.join(v).rstrip()`).
  const pending = new Map<IniSection, Map<string, string[]>>();
  const added = new Set<string>();
  let cur: IniSection | undefined;
  let curLines: Map<string, string[]> | undefined;
  let sectName = '';
  let optName: string | undefined;
  let indentLevel = 0;

  const lines = text.split(LINE_SPLIT_RE);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const lineNo = i + 1;
    let commentStart = inlineCommentStart(line);
    const stripped = line.trim();
    if (stripped.startsWith('#') || stripped.startsWith(';')) commentStart = 0;
    const value = (commentStart >= 0 ? line.slice(0, commentStart) : line).trim();
    if (value === '') {
      // An empty line belongs to the current value (it may continue below); a comment line does not.
      if (commentStart < 0 && curLines !== undefined && optName !== undefined) curLines.get(optName)?.push('');
      continue;
    }
    const curIndent = NON_SPACE_RE.exec(line)?.index ?? 0;
    if (curLines !== undefined && optName !== undefined && curIndent > indentLevel) {
      curLines.get(optName)?.push(value);
      continue;
    }
    indentLevel = curIndent;
    const header = SECTION_RE.exec(value);
    if (header) {
      sectName = header[1] ?? '';
      if (sectName === DEFAULT_SECTION) {
        cur = defaults;
      } else {
        if (added.has(sectName)) {
          throw new ConfigError(`line ${lineNo}: section [${sectName}] appears twice in this file`, { file });
        }
        added.add(sectName);
        cur = newSection(sectName, file);
        sections.set(sectName, cur);
      }
      curLines = pending.get(cur);
      if (curLines === undefined) {
        curLines = new Map();
        pending.set(cur, curLines);
      }
      optName = undefined;
      continue;
    }
    if (cur === undefined || curLines === undefined) {
      throw new ConfigError(`line ${lineNo}: option outside any [section]: ${JSON.stringify(stripped)}`, { file });
    }
    const opt = OPTION_RE.exec(value);
    if (!opt) {
      throw new ConfigError(
        `line ${lineNo}: expected 'name = value' or an indented continuation line, got ${JSON.stringify(stripped)}`,
        { file, section: sectName },
      );
    }
    const rawName = opt[1] ?? '';
    if (rawName === '') {
      throw new ConfigError(`line ${lineNo}: option without a name: ${JSON.stringify(stripped)}`, {
        file,
        section: sectName,
      });
    }
    const name = rawName.trimEnd().toLowerCase();
    const dupKey = `${sectName}\u0000${name}`;
    if (added.has(dupKey)) {
      throw new ConfigError(`line ${lineNo}: option set twice in the same section of this file`, {
        file,
        section: sectName,
        key: name,
      });
    }
    added.add(dupKey);
    curLines.set(name, [(opt[3] ?? '').trim()]);
    cur.origins.set(name, { file, line: lineNo });
    optName = name;
  }

  for (const [section, values] of pending) {
    for (const [name, parts] of values) section.options.set(name, parts.join('\n').trimEnd());
  }
  return { file, defaults, sections };
}

/** Loads and parses one file; `undefined` when it does not exist or cannot be opened (fail2ban skips those). */
function loadParsed(file: string, cache: Map<string, ParsedIni | undefined>): ParsedIni | undefined {
  if (cache.has(file)) return cache.get(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    cache.set(file, undefined);
    return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError('not valid UTF-8', { file });
  }
  const parsed = parseIni(text, file);
  cache.set(file, parsed);
  return parsed;
}

/** Python's `os.path.splitext(f)[0]` (a leading dot of the base name is not an extension). */
function stripExtension(file: string): string {
  const ext = extname(file);
  return ext === '' ? file : file.slice(0, file.length - ext.length);
}

/** True when `path` exists and is a regular file (following symlinks). */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `_expandConfFilesWithLocal`: each file is followed by its `.local` companion unless already listed. */
function expandWithLocal(files: string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    out.push(file);
    const local = stripExtension(file) + '.local';
    if (!files.includes(local) && isFile(local)) out.push(local);
  }
  return out;
}

interface ReadState {
  cache: Map<string, ParsedIni | undefined>;
  skipped: string[];
}

/** `_getIncludes`: the files to read for `files`, with before/after includes expanded recursively. */
function expandIncludes(files: string[], seen: readonly string[], state: ReadState): string[] {
  const out: string[] = [];
  for (const file of expandWithLocal(files)) out.push(...includesOf(file, seen, state));
  return out;
}

/** `__getIncludesUncached`: before-files, the file itself, after-files; `seen` holds the ancestors. */
function includesOf(resource: string, seen: readonly string[], state: ReadState): string[] {
  const parsed = loadParsed(resource, state.cache);
  if (parsed === undefined) {
    state.skipped.push(resource);
    return [];
  }
  const lists: Record<'before' | 'after', string[]> = { before: [], after: [] };
  const includes = parsed.sections.get(INCLUDES_SECTION);
  if (includes !== undefined) {
    const single = documentOf(parsed);
    for (const which of ['before', 'after'] as const) {
      if (!includes.options.has(which)) continue;
      const value = getOption(single, INCLUDES_SECTION, which) ?? '';
      for (const entry of value.split('\n')) {
        if (entry === '') continue;
        const target = isAbsolute(entry) ? entry : join(dirname(resource), entry);
        if (seen.includes(target)) continue;
        lists[which].push(...expandIncludes([target], [...seen, resource], state));
      }
    }
  }
  return [...lists.before, resource, ...lists.after];
}

/** A document holding just one parsed file (fail2ban interpolates INCLUDES within the file alone). */
function documentOf(parsed: ParsedIni): IniDocument {
  return { defaults: parsed.defaults, sections: parsed.sections, files: [parsed.file], skipped: [] };
}

/** Merges one file into `doc`: DEFAULT is updated, sections overlaid, overwritten values kept in KNOWN/<name>. */
function mergeInto(doc: IniDocument, parsed: ParsedIni): void {
  for (const [key, value] of parsed.defaults.options) {
    doc.defaults.options.set(key, value);
    const origin = parsed.defaults.origins.get(key);
    if (origin) doc.defaults.origins.set(key, origin);
  }
  for (const [rawName, section] of parsed.sections) {
    let name = rawName;
    let suffix = '';
    const cond = CONDITIONAL_RE.exec(rawName);
    if (cond) {
      // Conditional sections merge into their base section with `key?cond` option names.
      name = cond[1] ?? rawName;
      suffix = cond[2] ?? '';
    }
    const existing = doc.sections.get(name);
    if (existing === undefined) {
      const copy = newSection(name, parsed.file);
      for (const [key, value] of section.options) {
        copy.options.set(key + suffix, value);
        const origin = section.origins.get(key);
        if (origin) copy.origins.set(key + suffix, origin);
      }
      doc.sections.set(name, copy);
      continue;
    }
    const knownName = KNOWN_PREFIX + name;
    let known = doc.sections.get(knownName);
    if (known === undefined) {
      known = newSection(knownName, parsed.file);
      doc.sections.set(knownName, known);
    }
    for (const key of section.options.keys()) {
      const previous = existing.options.get(key + suffix);
      if (previous === undefined) continue;
      known.options.set(key + suffix, previous);
      const origin = existing.origins.get(key + suffix);
      if (origin) known.origins.set(key + suffix, origin);
    }
    for (const [key, value] of section.options) {
      existing.options.set(key + suffix, value);
      const origin = section.origins.get(key);
      if (origin) existing.origins.set(key + suffix, origin);
    }
  }
}

/** Merges already parsed files in read order (DEFAULT updated, sections overlaid, KNOWN/ memory kept). */
export function mergeIni(parsedFiles: readonly ParsedIni[]): IniDocument {
  const doc: IniDocument = {
    defaults: newSection(DEFAULT_SECTION, parsedFiles[0]?.file ?? ''),
    sections: new Map(),
    files: [],
    skipped: [],
  };
  for (const parsed of parsedFiles) {
    doc.files.push(parsed.file);
    mergeInto(doc, parsed);
  }
  return doc;
}

/**
 * Reads `files` in order with fail2ban's include rules (each file's `.local`, `[INCLUDES]` before/after
 * relative to the including file, loop protection) and merges them; missing files are skipped.
 */
export function readConfigFiles(files: string[]): IniDocument {
  const state: ReadState = { cache: new Map(), skipped: [] };
  const parsed: ParsedIni[] = [];
  for (const file of expandIncludes(files, [], state)) {
    const p = loadParsed(file, state.cache);
    if (p !== undefined) parsed.push(p);
  }
  const doc = mergeIni(parsed);
  doc.skipped.push(...state.skipped);
  return doc;
}

function sortedMatches(dir: string, suffix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith('.') && n.endsWith(suffix))
    .map((n) => join(dir, n))
    .filter(isFile)
    .sort(compareText);
}

/**
 * The existing files fail2ban reads for a config name such as `filter.d/dovecot` (given as a path
 * without extension): `x.conf`, `x.d/*.conf` sorted, `x.local`, `x.d/*.local` sorted.
 */
export function configFilesFor(base: string): string[] {
  const dDir = base + '.d';
  const candidates = [
    base + '.conf',
    ...sortedMatches(dDir, '.conf'),
    base + '.local',
    ...sortedMatches(dDir, '.local'),
  ];
  return candidates.filter(isFile);
}

/** The base name of a config file without its extension (`/x/filter.d/postfix.conf` → `postfix`). */
export function configStem(file: string): string {
  return stripExtension(basename(file));
}
