// One-line `banreplay: …` messages for stderr. Anything derived from input (paths,
// regexes, log text inside error messages) is stripped of control characters, and
// stack traces appear only with --debug.
import { forTerminal } from '../report/sanitize.js';
import { ConfigError } from '../errors.js';
import { UsageError } from '../errors.js';

/** Formats an error as one stderr line (plus the stack with `debug`). */
export function formatError(err: unknown, debug: boolean): string {
  const text = err instanceof Error ? err.message : String(err);
  let line = `banreplay: ${forTerminal(text.replace(/\s*\n\s*/g, ' '))}`;
  if (err instanceof UsageError || err instanceof ConfigError) line += '\nbanreplay: see banreplay --help';
  if (debug && err instanceof Error && err.stack !== undefined) line += `\n${err.stack}`;
  return line + '\n';
}

/** Formats a warning line. */
export function formatWarning(text: string): string {
  return `banreplay: warning: ${forTerminal(text.replace(/\s*\n\s*/g, ' '))}\n`;
}

/** True for errors raised while resolving arguments and configuration (exit code 1). */
export function isConfigError(err: unknown): boolean {
  return err instanceof UsageError || err instanceof ConfigError || isYargsError(err);
}

function isYargsError(err: unknown): boolean {
  return err instanceof Error && err.name === 'YError';
}
