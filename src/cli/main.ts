#!/usr/bin/env node
// Entry point: the only module that touches process (argv, env, stdio, signals, exit code).
// parse → run the command → write stdout → messages on stderr → exit code.
import { fstatSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ColorSupportLevel } from 'chalk';
import type { TextOutput } from '../report/text-output.js';
import { exitCode } from './exit-code.js';
import { formatError, formatWarning, isConfigError } from './messages.js';
import { parseArgs } from './options.js';
import { writeOutput } from './write-output.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };
// dist/cli/main.js → <package>/filters
const FILTERS_DIR = fileURLToPath(new URL('../../filters/', import.meta.url));

function colorLevel(flag: boolean | undefined): ColorSupportLevel {
  if (flag === false) return 0;
  if (flag === true) return 1;
  const env = process.env;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return 0;
  if (env['FORCE_COLOR'] === '0') return 0;
  return process.stdout.isTTY === true && env['TERM'] !== 'dumb' ? 1 : 0;
}

// Year reference for stdin: a redirected file keeps its mtime; a pipe is being collected now.
function stdinCollectionTime(): number {
  try {
    const st = fstatSync(0);
    return st.isFile() ? st.mtimeMs : Date.now();
  } catch {
    return Date.now();
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const debug = argv.includes('--debug');
  // Ctrl-C / SIGTERM (#5): until the output starts, the default action ends the process at
  // once, even inside a long synchronous step (a JS handler would wait for it), and nothing
  // is on stdout yet: output is written only when the run has finished. While it is being
  // written, the signal is held until it is complete, so stdout has the whole report or
  // nothing; a second signal stops at once.
  const abort = new AbortController();
  let deferred: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals): never => {
    abort.abort();
    process.stderr.write('banreplay: interrupted\n');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (deferred === undefined) deferred = signal;
    else stop(signal);
  };
  const writeStdout = async (text: TextOutput): Promise<void> => {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    await writeOutput(process.stdout, text);
    if (deferred !== undefined) stop(deferred);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  // A closed pipe (`banreplay … | head`, `2>&1 | head`) is not an error (EPIPE).
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  try {
    const { loadCommands } = await import('./commands/registry.js');
    const parsed = await parseArgs(argv, await loadCommands(argv), version);
    if ('help' in parsed) {
      await writeStdout(parsed.help + '\n');
      return 0;
    }
    if ('version' in parsed) {
      await writeStdout(`${parsed.version}\n`);
      return 0;
    }
    const { command, args } = parsed;
    const readsStdin = command.readsStdin(args);
    const result = await command.run(args, {
      stdin: readsStdin ? process.stdin : undefined,
      stdinMtimeMs: readsStdin ? stdinCollectionTime() : undefined,
      signal: abort.signal,
      filtersDir: FILTERS_DIR,
      colorLevel: colorLevel(command.color(args)),
      columns: process.stdout.isTTY === true ? process.stdout.columns : undefined,
      // Progress only on a terminal, never on a pipe or in cron mail (#8).
      progress: process.stderr.isTTY === true && process.env['TERM'] !== 'dumb' ? process.stderr : undefined,
    });
    for (const w of result.warnings) process.stderr.write(formatWarning(w));
    for (const p of result.problems) process.stderr.write(formatError(p, debug));
    await writeStdout(result.output);
    return exitCode({ configError: false, inputProblems: result.problems.length });
  } catch (err) {
    process.stderr.write(formatError(err, debug));
    if (isConfigError(err)) return exitCode({ configError: true, inputProblems: 0 });
    // An unexpected failure: still one line, stack only with --debug.
    return 1;
  }
}

process.exitCode = await main();
