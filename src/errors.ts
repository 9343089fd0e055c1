// Typed errors raised by the core. The CLI turns them into one-line messages;
// nothing here prints or exits. ConfigError happens before any log byte is read,
// SourceError concerns one input file and never aborts the run.

/** A problem in a filter or jail file, or in an option value. */
export class ConfigError extends Error {
  readonly file: string | undefined;
  readonly section: string | undefined;
  readonly key: string | undefined;

  constructor(message: string, where: { file?: string; section?: string; key?: string } = {}) {
    super(formatWhere(where) + message);
    this.name = 'ConfigError';
    this.file = where.file;
    this.section = where.section;
    this.key = where.key;
  }
}

/** A command-line mistake: printed with a hint to --help, exit code 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A problem reading one input (missing, unreadable, corrupt gzip, ...). */
export class SourceError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.name = 'SourceError';
    this.path = path;
  }
}

function formatWhere(where: { file?: string; section?: string; key?: string }): string {
  const parts: string[] = [];
  if (where.file !== undefined) parts.push(where.file);
  if (where.section !== undefined) parts.push(`[${where.section}]`);
  if (where.key !== undefined) parts.push(`${where.key}:`);
  else if (parts.length > 0) parts[parts.length - 1] += ':';
  return parts.length > 0 ? parts.join(' ') + ' ' : '';
}
