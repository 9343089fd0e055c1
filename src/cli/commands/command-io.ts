// What a command receives from main.ts and hands back. Commands never touch
// `process`: stdin, colour and terminal width arrive here already decided.
import type { ColorSupportLevel } from 'chalk';
import type { Argv } from 'yargs';
import type { TextOutput } from '../../report/text-output.js';

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
  /** stderr when it is a terminal: where long runs draw their progress line (#8). */
  progress?: { write(text: string): unknown; columns?: number | undefined } | undefined;
}

/** What a command produced. */
export interface CommandResult {
  /** Complete text for stdout, whole or in pieces written as they are produced. */
  output: TextOutput;
  /** Notices for stderr that do not change the exit code. */
  warnings: string[];
  /** Inputs that could not be read (exit code 2). */
  problems: Error[];
}

/** One subcommand: its yargs declaration, its typed arguments and its run function. */
export interface CommandSpec<A> {
  /** Name as typed, e.g. `audit`. */
  name: string;
  /** yargs command string, e.g. `audit [paths..]`. */
  usage: string;
  /** Human synopsis for `banreplay NAME --help`, e.g. `audit [PATH...] [options]`. */
  synopsis: string;
  summary: string;
  // yargs' builder generics are not worth threading through a registry.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  builder: (y: Argv<any>) => Argv<any>;
  toArgs: (a: Record<string, unknown>) => A;
  /** True when the command will read standard input. */
  readsStdin: (args: A) => boolean;
  /** Whether `--color` was forced on or off. */
  color: (args: A) => boolean | undefined;
  run: (args: A, io: CommandIo) => Promise<CommandResult>;
}
