// The command line: the options every replaying command shares (one table, defined
// once), the typed ReplayArgs they produce, and the parser that dispatches to the
// registered commands. No semantic checks here: resolve-config.ts owns those.
import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { CommandSpec } from './commands/command-io.js';

/** Options shared by every command that replays logs. */
export interface ReplayArgs {
  paths: string[];
  config: string | undefined;
  jail: string[];
  jails: string[];
  maxretry: number | undefined;
  findtime: string | undefined;
  bantime: string | undefined;
  ignoreip: string[];
  now: string | undefined;
  timezone: string | undefined;
  rotated: boolean;
  geoipDb: string | undefined;
  /** `--asn-db`: a GeoLite2-ASN mmdb for ASN and organisation (#6). */
  asnDb: string | undefined;
  geoip: boolean;
  color: boolean | undefined;
  counting: 'fail2ban' | 'window';
  whileBanned: 'block' | 'count';
  /** Memory of earlier bans for bantime.increment (fail2ban's dbpurgeage), overriding fail2ban.conf. */
  dbpurgeage: string | undefined;
  debug: boolean;
}

/** yargs drops a bare `-`; it travels through the parser as this placeholder. */
const STDIN_PLACEHOLDER = '\u0000stdin';

/** Adds the shared replay options to a command's yargs builder. */
export function replayOptions<T>(y: Argv<T>) {
  return y
    .option('config', {
      alias: 'c',
      type: 'string',
      describe: 'fail2ban configuration directory (jail.conf, jail.d/, filter.d/), e.g. /etc/fail2ban',
    })
    .option('jail', { alias: 'j', type: 'string', array: true, describe: 'jail to replay (repeatable); default: all enabled' })
    .option('jails', { type: 'string', array: true, describe: 'jail.local-style file layered over the jail configuration' })
    .option('maxretry', { type: 'number', describe: 'override maxretry for the selected jails' })
    .option('findtime', { type: 'string', describe: 'override findtime (600, 10m, 1h, 1d, 1w)' })
    .option('bantime', { type: 'string', describe: 'override bantime (600, 10m, 1h, 1d, 1w; -1 = permanent)' })
    .option('ignoreip', { type: 'string', array: true, describe: 'addresses/networks never counted (added to each jail\'s ignoreip)' })
    .option('now', { type: 'string', describe: 'reference time for year-less stamps (default: each file\'s mtime)' })
    .option('timezone', { alias: 'tz', type: 'string', describe: 'zone of stamps without one: IANA name or offset (default: local zone)' })
    .option('rotated', { type: 'boolean', default: true, describe: 'bring in rotated siblings of named files (--no-rotated to disable)' })
    .option('geoip-db', { type: 'string', describe: 'GeoLite2 Country/City or ASN mmdb, or "bundled" (ignores installed GeoLite2 files)' })
    .option('asn-db', { type: 'string', describe: 'GeoLite2-ASN mmdb for AS numbers and organisations, or "bundled"' })
    .option('geoip', { type: 'boolean', default: true, describe: 'look up countries and AS numbers (--no-geoip to disable)' })
    .option('color', { type: 'boolean', describe: 'force colour on or off (default: on for a terminal, off with NO_COLOR)' })
    .option('counting', { choices: ['fail2ban', 'window'] as const, default: 'fail2ban' as const, describe: 'fail2ban\'s rescaled count, or an exact sliding window' })
    .option('while-banned', { choices: ['block', 'count'] as const, default: 'block' as const, describe: 'failures during a ban: blocked (default) or counted as fail2ban does' })
    .option('dbpurgeage', { type: 'string', describe: 'how long earlier bans count for bantime.increment (default: fail2ban.conf, else 1d)' })
    .option('debug', { type: 'boolean', default: false, describe: 'print stack traces' });
}

/** Adds the `[paths..]` positional (files, directories, globs, `-`). */
export function pathsPositional<T>(y: Argv<T>) {
  return y.positional('paths', {
    type: 'string',
    array: true,
    describe: 'log files, directories, globs, or - for stdin (default: the jails\' logpath)',
  });
}

/** Reads the shared replay options out of a yargs result. */
export function readReplayArgs(a: Record<string, unknown>): ReplayArgs {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  const opt = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));
  return {
    paths: strings(a['paths']).map((p) => (p === STDIN_PLACEHOLDER ? '-' : p)),
    config: opt(a['config']),
    jail: strings(a['jail']),
    jails: strings(a['jails']),
    maxretry: a['maxretry'] as number | undefined,
    findtime: opt(a['findtime']),
    bantime: opt(a['bantime']),
    ignoreip: strings(a['ignoreip']),
    now: opt(a['now']),
    timezone: opt(a['timezone']),
    rotated: a['rotated'] !== false,
    geoipDb: opt(a['geoip-db']),
    asnDb: opt(a['asn-db']),
    geoip: a['geoip'] !== false,
    color: a['color'] as boolean | undefined,
    counting: a['counting'] === 'window' ? 'window' : 'fail2ban',
    whileBanned: a['while-banned'] === 'count' ? 'count' : 'block',
    dbpurgeage: opt(a['dbpurgeage']),
    debug: a['debug'] === true,
  };
}

/** The parsed command line: a command and its arguments, or a request for help/version. */
export type Parsed =
  | { command: CommandSpec<unknown>; args: unknown }
  | { help: string }
  | { version: string };

/** Parses argv (without node and script) against the registered commands. */
export async function parseArgs(argv: string[], commands: readonly CommandSpec<unknown>[], version: string): Promise<Parsed> {
  let out: Parsed | undefined;
  const width = Math.min(100, yargs().terminalWidth());
  let parser = yargs(argv.map((a) => (a === '-' ? STDIN_PLACEHOLDER : a)))
    .scriptName('banreplay')
    .usage('$0 <command> [options]\n\nReplay mail logs through fail2ban filters and jails, offline.');
  for (const c of commands) {
    parser = parser.command(c.usage, c.summary, (y) => c.builder(y), (a) => {
      out = { command: c, args: c.toArgs(a as Record<string, unknown>) };
    });
  }
  parser = parser
    .demandCommand(1, 'a command is required (try: banreplay audit /var/log/maillog)')
    .strict()
    .version(false)
    .option('version', { alias: 'V', type: 'boolean', describe: 'show version' })
    .help(false)
    .option('help', { alias: 'h', type: 'boolean', describe: 'show help' })
    .wrap(width)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  if (argv.includes('--version') || argv.includes('-V')) return { version };
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    const sub = argv.find((a) => !a.startsWith('-'));
    if (sub === undefined) return { help: await parser.getHelp() };
    const c = commands.find((x) => x.name === sub);
    if (c === undefined) throw new UsageError(`unknown command: ${sub}`);
    const y = c.builder(yargs([]).scriptName('banreplay').usage(`banreplay ${c.synopsis}\n\n${c.summary}`));
    return { help: await y.version(false).wrap(width).getHelp() };
  }
  skipHelpCache(parser);
  await parser.parseAsync();
  if (out === undefined) throw new UsageError('unknown command');
  return out;
}

// After running a command's handler, yargs renders the whole help text and keeps it for a
// failure message that this parser never shows (fail() throws, help is asked for above): 10-17 ms
// of every run's start-up. Through yargs internals, so checked step by step: should they
// change, the cache is simply built again.
function skipHelpCache(parser: unknown): void {
  const internals = (parser as { getInternalMethods?: () => unknown }).getInternalMethods?.() as
    | { getUsageInstance?: () => unknown }
    | undefined;
  const usage = internals?.getUsageInstance?.() as { cacheHelpMessage?: unknown } | undefined;
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = (): void => undefined;
}
