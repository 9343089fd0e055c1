// Shared data shapes that cross module boundaries: hits, jail specs, bans, the report.
// Times are epoch milliseconds (UTC) taken from the logs, never from the wall clock.
// Keep this file free of logic; each stage owns its internal types.

/** Milliseconds since the Unix epoch, always derived from log time. */
export type EpochMs = number;

/** A log input: a path on disk, or `-` for standard input. */
export interface SourceFile {
  /** Path as given or discovered; `-` means stdin. */
  path: string;
  /** Modification time, the reference "collection time" for year-less stamps. */
  mtimeMs: number | undefined;
  /** Size in bytes when known (used for progress and worker decisions). */
  size: number | undefined;
  /**
   * Jails (indices into the run's jail list) that read this file; undefined = all.
   * Set when inputs come from each jail's own `logpath`.
   */
  jails?: readonly number[];
}

/** How a filter match is classified. */
export type HitKind = 'failure' | 'success';

/** One matched line, as produced by scanning a file. */
export interface Hit {
  /** Index into the run's jail list. */
  jail: number;
  kind: HitKind;
  /** Failure id: the normalised IP address (or F-ID value when no IP). */
  id: string;
  /** Parsed log time. */
  time: EpochMs;
  /** Captured username, when the filter has one. */
  user: string | undefined;
  /** Index into the run's file list. */
  file: number;
  /** 1-based line number within the decoded file. */
  line: number;
}

/** Counting algorithm: fail2ban's rescaled ticket, or an exact sliding window. */
export type CountingMode = 'fail2ban' | 'window';

/** What happens to failures while the id is banned. */
export type WhileBannedMode = 'block' | 'count';

/** A jail as banreplay simulates it (times in seconds, as fail2ban writes them). */
export interface JailSpec {
  name: string;
  enabled: boolean;
  /** Filter reference exactly as configured, e.g. `postfix[mode=auth]`. */
  filter: string;
  maxretry: number;
  /** Seconds. */
  findtime: number;
  /** Seconds; -1 means permanent. */
  bantime: number;
  /** Raw ignoreip entries (addresses, CIDR, dotted masks). */
  ignoreip: string[];
  /** Raw logpath entries (globs allowed). */
  logpath: string[];
  /** Zone for stamps without one (fail2ban `logtimezone`). */
  logtimezone: string | undefined;
  /** Jail-level datepattern override. */
  datepattern: string | undefined;
  /** Jail-level overrides of filter options (failregex, ignoreregex, ...), already interpolated. */
  filterOverrides: Record<string, string>;
  /** Source of the definition, for messages. */
  source: string;
}

/** One simulated ban. */
export interface BanEvent {
  jail: string;
  id: string;
  start: EpochMs;
  /** undefined = permanent ban. */
  end: EpochMs | undefined;
  /** The ticket's retry count when the ban fired. */
  failures: number;
  /** Failures seen while this ban was active (blocked, or counted and prolonging). */
  blocked: number;
}

/** Per-line oddities and volumes for one file. */
export interface FileStats {
  path: string;
  lines: number;
  /** Lines passing the pre-check that had no parseable time. */
  noTime: number;
  /** Lines longer than the line limit, skipped. */
  overlong: number;
  first: EpochMs | undefined;
  last: EpochMs | undefined;
  gzip: boolean;
  /** Human-readable problems (truncated gzip, backwards jumps, ...). */
  warnings: string[];
}

/**
 * A filter after fail2ban's config reading and `<tag>` substitution, before regex
 * compilation: the strings still contain `<HOST>`, `<F-USER>`... and Python syntax.
 */
export interface FilterDefinition {
  /** Filter name, e.g. `postfix` (or the file stem when given as a path). */
  name: string;
  /** The main `.conf` file, for messages. */
  file: string;
  prefregex: string | undefined;
  /** One regex per entry, empty lines dropped. */
  failregex: string[];
  ignoreregex: string[];
  /** banreplay extension key: successful logins (fail2ban ignores unknown keys). */
  successregex: string[];
  /** Raw datepattern (possibly several lines), undefined = fail2ban's default templates. */
  datepattern: string | undefined;
  /** fail2ban `maxlines`, default 1. */
  maxlines: number;
  /** fail2ban `usedns`; banreplay's default is `no`. */
  usedns: string;
  /** Every resolved option, for diagnostics (`test-filter -v`). */
  options: Record<string, string>;
}

/** Per-jail section of the report. */
export interface ReportJail {
  name: string;
  filter: string;
  maxretry: number;
  findtime: number;
  bantime: number;
  /** Failures matched by this jail's filter (before ignoreip). */
  failures: number;
  /** Distinct ids with at least one failure. */
  ids: number;
  bans: BanEvent[];
}

/** Per-address summary across jails. */
export interface ReportIp {
  ip: string;
  country: string | undefined;
  asn: number | undefined;
  org: string | undefined;
  /** Failures counted towards bans. */
  failures: number;
  /** Attempts made while banned (would not have reached the server). */
  blocked: number;
  /** Number of bans across jails. */
  bans: number;
  jails: string[];
  firstBan: EpochMs | undefined;
  lastBan: EpochMs | undefined;
  first: EpochMs;
  last: EpochMs;
  /** Most tried usernames first. */
  usernames: string[];
}

/** An attempted username across all addresses. */
export interface ReportUsername {
  name: string;
  attempts: number;
  /** Distinct addresses that tried it. */
  ips: number;
  first: EpochMs;
  last: EpochMs;
}

/** Everything a renderer needs; renderers are pure functions of it. */
export interface Report {
  /** JSON schema version. */
  schema: 1;
  files: FileStats[];
  span: { first: EpochMs | undefined; last: EpochMs | undefined };
  jails: ReportJail[];
  /** Most attempts (failures + blocked) first, then most bans. */
  ips: ReportIp[];
  usernames: ReportUsername[];
  stats: {
    files: number;
    lines: number;
    noTime: number;
    overlong: number;
    failures: number;
    successes: number;
    bannedIps: number;
    banEvents: number;
    blocked: number;
  };
  /** Which GeoIP database answered, if any. */
  geoip: { database: string; buildDate: string | undefined } | undefined;
}
