// The ordered list of subcommands. Adding a command = a module in this folder plus one
// line here; main.ts and options.ts need no change.
import { auditCommand } from './audit.js';
import type { CommandSpec } from './command-io.js';

/** Every subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly CommandSpec<unknown>[] = [auditCommand as CommandSpec<unknown>];
