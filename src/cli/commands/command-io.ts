// What a command receives from main.ts and hands back. Commands never touch
// `process`: stdin, colour and terminal width arrive here already decided.
import type { ColorSupportLevel } from 'chalk';

/** Inputs a command may use besides its arguments. */
export interface CommandIo {
  stdin: NodeJS.ReadableStream | undefined;
  /** Year reference for stdin (its file's mtime when redirected, else the time of the run). */
  stdinMtimeMs: number | undefined;
  signal: AbortSignal | undefined;
  /** banreplay's own `filters/` directory (embedded defaults). */
  filtersDir: string;
  colorLevel: ColorSupportLevel;
  /** Terminal width when stdout is a terminal. */
  columns: number | undefined;
}

/** What a command produced. */
export interface CommandResult {
  /** Complete text for stdout. */
  output: string;
  /** Notices for stderr that do not change the exit code. */
  warnings: string[];
  /** Inputs that could not be read (exit code 2). */
  problems: Error[];
}
