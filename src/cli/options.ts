// The command line: one yargs table of options shared by every subcommand, and the
// typed RawArgs it produces. No validation beyond types here; resolve-config.ts
// turns RawArgs into a RunConfig and owns every semantic check.
import yargs, { type Argv } from 'yargs';

/** Output formats of `audit`. */
export const FORMATS = ['table', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** Parsed argv, before any file is touched. */
export interface RawArgs {
  command: 'audit';
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
  format: Format;
  geoipDb: string | undefined;
  geoip: boolean;
  color: boolean | undefined;
  top: number;
  counting: 'fail2ban' | 'window';
  whileBanned: 'block' | 'count';
  debug: boolean;
}

const STDIN_PLACEHOLDER = '\u0000stdin';

function commonOptions<T>(y: Argv<T>) {
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
    .option('format', { alias: 'f', choices: FORMATS, default: 'table' as Format, describe: 'output format' })
    .option('geoip-db', { type: 'string', describe: 'GeoLite2 Country/City or ASN mmdb instead of the bundled database' })
    .option('geoip', { type: 'boolean', default: true, describe: 'look up countries (--no-geoip to disable)' })
    .option('color', { type: 'boolean', describe: 'force colour on or off (default: on for a terminal, off with NO_COLOR)' })
    .option('top', { type: 'number', default: 15, describe: 'rows in the top-username list' })
    .option('counting', { choices: ['fail2ban', 'window'] as const, default: 'fail2ban' as const, describe: 'fail2ban\'s rescaled count, or an exact sliding window' })
    .option('while-banned', { choices: ['block', 'count'] as const, default: 'block' as const, describe: 'failures during a ban: blocked (default) or counted as fail2ban does' })
    .option('debug', { type: 'boolean', default: false, describe: 'print stack traces' });
}

/** Parses argv (without node and script) into RawArgs; throws a usage error string on failure. */
export async function parseArgs(argv: string[], version: string): Promise<RawArgs | { help: string } | { version: string }> {
  let out: RawArgs | { help: string } | { version: string } | undefined;
  // yargs drops a bare `-`; carry it through as a placeholder and restore it below.
  const parser = yargs(argv.map((a) => (a === '-' ? STDIN_PLACEHOLDER : a)))
    .scriptName('banreplay')
    .usage('$0 <command> [options]\n\nReplay mail logs through fail2ban filters and jails, offline.')
    .command(
      ['audit [paths..]'],
      'replay logs and report the bans fail2ban would have issued',
      (y) =>
        commonOptions(y).positional('paths', {
          type: 'string',
          array: true,
          describe: 'log files, directories, globs, or - for stdin (default: the jails\' logpath)',
        }),
      (a) => {
        out = {
          command: 'audit',
          paths: (a.paths ?? []).map((p) => (String(p) === STDIN_PLACEHOLDER ? '-' : String(p))),
          config: a.config,
          jail: a.jail ?? [],
          jails: a.jails ?? [],
          maxretry: a.maxretry,
          findtime: a.findtime,
          bantime: a.bantime,
          ignoreip: a.ignoreip ?? [],
          now: a.now,
          timezone: a.timezone,
          rotated: a.rotated,
          format: a.format,
          geoipDb: a['geoip-db'],
          geoip: a.geoip,
          color: a.color,
          top: a.top,
          counting: a.counting,
          whileBanned: a['while-banned'],
          debug: a.debug,
        };
      },
    )
    .demandCommand(1, 'banreplay: a command is required (try: banreplay audit /var/log/maillog)')
    .strict()
    .version(false)
    .option('version', { alias: 'V', type: 'boolean', describe: 'show version' })
    .help(false)
    .option('help', { alias: 'h', type: 'boolean', describe: 'show help' })
    .wrap(Math.min(100, yargs().terminalWidth()))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  if (argv.includes('--version') || argv.includes('-V')) return { version };
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    const sub = argv.find((a) => !a.startsWith('-'));
    return { help: sub === undefined ? await parser.getHelp() : await subcommandHelp(sub) };
  }
  await parser.parseAsync();
  if (out === undefined) throw new UsageError('unknown command');
  return out;
}

async function subcommandHelp(sub: string): Promise<string> {
  if (sub !== 'audit') throw new UsageError(`unknown command: ${sub}`);
  const y = commonOptions(
    yargs([])
      .scriptName('banreplay')
      .usage('banreplay audit [PATH...] [options]\n\nReplay logs and report the bans fail2ban would have issued.'),
  )
    .version(false)
    .wrap(Math.min(100, yargs().terminalWidth()));
  return y.getHelp();
}

/** A command-line mistake: printed with a hint to --help, exit code 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
