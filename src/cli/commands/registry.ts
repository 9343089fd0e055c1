// The ordered list of subcommands. Adding a command = a module in this folder plus one
// entry here (its name, usage, synopsis and summary copied from its spec: a test checks
// they agree); main.ts and options.ts need no change. Only the modules of commands named
// on the command line are loaded, so `banreplay --help` starts fast (#4).
import type { CommandSpec } from './command-io.js';

/** What `--help` shows of a command, and how to load the whole of it. */
export interface CommandEntry {
  name: string;
  usage: string;
  synopsis: string;
  summary: string;
  load: () => Promise<CommandSpec<unknown>>;
}

/** Every subcommand, in the order `--help` lists them. */
export const COMMAND_ENTRIES: readonly CommandEntry[] = [
  {
    name: 'audit',
    usage: 'audit [paths..]',
    synopsis: 'audit [PATH...] [options]',
    summary: 'replay logs and report the bans fail2ban would have issued',
    load: async () => (await import('./audit.js')).auditCommand as CommandSpec<unknown>,
  },
  {
    name: 'tune',
    usage: 'tune [paths..]',
    synopsis: 'tune [PATH...] [--maxretry 3,5,10] [--findtime 10m,1h,1d] [--bantime 10m,1h,1d,1w] [options]',
    summary: 'replay logs once and compare candidate maxretry/findtime/bantime settings',
    load: async () => (await import('./tune.js')).tuneCommand as CommandSpec<unknown>,
  },
  {
    name: 'timeline',
    usage: 'timeline <target> [paths..]',
    synopsis: 'timeline ADDRESS|CIDR [PATH...] [options]',
    summary: 'every failure, login, ban and blocked attempt of one address or network, in time order',
    load: async () => (await import('./timeline.js')).timelineCommand as CommandSpec<unknown>,
  },
  {
    name: 'test-filter',
    usage: 'test-filter <log> <filter> [ignoreregex]',
    synopsis: 'test-filter LOG FILTER [IGNOREREGEX] [options]',
    summary: 'count what one filter matches in a log, like fail2ban-regex (gzip and rotated sets too)',
    load: async () => (await import('./test-filter.js')).testFilterCommand as CommandSpec<unknown>,
  },
];

/**
 * The commands for parsing `argv`: fully loaded when their name appears in it, else a
 * stand-in that can only be listed (yargs builds a command's options only when it runs).
 */
export async function loadCommands(argv: readonly string[]): Promise<readonly CommandSpec<unknown>[]> {
  return Promise.all(COMMAND_ENTRIES.map((e) => (argv.includes(e.name) ? e.load() : stub(e))));
}

function stub(e: CommandEntry): CommandSpec<unknown> {
  const unloaded = (): never => {
    throw new Error(`command ${e.name} was not loaded`);
  };
  return {
    name: e.name,
    usage: e.usage,
    synopsis: e.synopsis,
    summary: e.summary,
    builder: (y) => y,
    toArgs: unloaded,
    readsStdin: unloaded,
    color: unloaded,
    run: unloaded,
  };
}
