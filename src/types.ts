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
  /**
   * For messages about one option: the file that set it, when that is not `source` (a
   * `jail.local` that overrides the `filter` of a jail defined in `jail.conf`).
   */
  optionSources?: Readonly<Record<string, string>>;
  /** fail2ban `backend` (`auto`, `polling`, `systemd`, ...); `systemd*` jails read the journal, not files. */
  backend?: string;
  /** The `bantime.*` options when `bantime.increment` is on; absent when it is off. */
  banTimeIncrement?: BanTimeIncrementSpec;
}

/** fail2ban's `bantime.increment` settings of one jail (semantics §7.7; times in seconds). */
export interface BanTimeIncrementSpec {
  /** `bantime.factor`, evaluated (default 1). */
  factor: number;
  /** `bantime.formula` as written; undefined = fail2ban's default formula. */
  formula: string | undefined;
  /** `bantime.multipliers`; empty = the formula is used. */
  multipliers: number[];
  /** `bantime.maxtime`: cap of an increased ban. */
  maxtime: number | undefined;
  /** `bantime.rndtime`: reported and ignored, so that the replay stays deterministic. */
  rndtime: number | undefined;
  /** `bantime.overalljails`: earlier bans of the address in every jail count. */
  overalljails: boolean;
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
  /** `[INCLUDES]` entries that do not exist (fail2ban skips them; banreplay warns, #5). */
  missingIncludes?: string[];
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

/** An address and what GeoIP/ASN data know of it (undefined: not known). */
export interface AddressWhere {
  ip: string;
  country: string | undefined;
  asn: number | undefined;
  org: string | undefined;
}

/** Per-address summary across jails. */
export interface ReportIp extends AddressWhere {
  /** Failures counted towards bans. */
  failures: number;
  /** Attempts made while banned (would not have reached the server). */
  blocked: number;
  /** Number of bans across jails. */
  bans: number;
  /** Jails that saw the address, in jail order; shared by every address with the same set. */
  jails: readonly string[];
  firstBan: EpochMs | undefined;
  lastBan: EpochMs | undefined;
  first: EpochMs;
  last: EpochMs;
  /** Most tried usernames first. */
  usernames: readonly string[];
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
  geoip: { database: string; buildDate: string | undefined; asn?: ReportDatabase | undefined } | undefined;
  /**
   * Would-be bans of addresses that also logged in successfully (before or after the ban); most
   * logins refused during a ban first. Shown first when not empty. Absent only in reports built
   * without forensics (renderers treat absent as empty, here and below).
   */
  collateral?: ReportCollateral[];
  /** Successful logins that look like a compromised account, in time order. */
  compromises?: ReportCompromise[];
  /**
   * Attempted usernames, normalised (lower case) and grouped by local part; existing accounts
   * (seen with a successful login) first, then by attempts.
   */
  accounts?: ReportAccount[];
  /** Failures from addresses that were never banned, grouped; see ReportBelowRadar. */
  belowRadar?: ReportBelowRadar;
  /**
   * The reporting window (`--since`/`--until`, half-open) when one was given: only events
   * inside it are reported, though the replay read history before it. See #8.
   */
  window?: { since: EpochMs | undefined; until: EpochMs | undefined };
}

/** A database that answered lookups, as reports show it. */
export interface ReportDatabase {
  /** A path given on the command line or found on the system, or a bundled package's name. */
  database: string;
  /** `YYYY-MM-DD` build date of its data, when known. */
  buildDate: string | undefined;
}

/**
 * A would-be ban of an address that also logged in successfully, before or after the ban:
 * "this ban would have locked out alice from her phone".
 */
export interface ReportCollateral extends AddressWhere {
  /** Accounts that logged in successfully from the address, most logins first. */
  users: string[];
  /** Successful logins from the address (a line matched by several filters counts once). */
  logins: number;
  firstSuccess: EpochMs;
  lastSuccess: EpochMs;
  /** Successful logins that fell inside one of its bans: fail2ban would have refused them. */
  loginsDuringBan: number;
  /** Jails that would have banned it, in configuration order. */
  jails: string[];
  bans: number;
  firstBan: EpochMs;
  lastBan: EpochMs;
  /** Failures from the address counted towards bans. */
  failures: number;
  /** Usernames its failures used, most tried first (capped). */
  failedUsers: string[];
}

/**
 * Why a successful login looks like a compromise: `failed-other-accounts` = the address had
 * failed with other accounts before; `failed-this-account` = it had failed with this account
 * and had never logged in as it before those failures; `after-burst` = the account had a burst
 * of failures from other addresses shortly before and the address was new for it.
 */
export type CompromiseReason = 'failed-other-accounts' | 'failed-this-account' | 'after-burst';

/** A successful login that may be an attacker's (first suspicious login per account and address). */
export interface ReportCompromise extends AddressWhere {
  /** The account, exactly as logged on the successful login. */
  user: string;
  /** The first suspicious successful login. */
  time: EpochMs;
  /** Successful logins as `user` from `ip`, from `time` on. */
  logins: number;
  lastLogin: EpochMs;
  /** At least one; in the order of CompromiseReason. */
  reasons: CompromiseReason[];
  /** Failures from `ip` before `time`, any account. */
  priorFailures: number;
  /** Usernames `ip` failed with before `time`, most tried first (capped). */
  priorUsers: string[];
  /** Failures on the account from other addresses in the burst window before `time`. */
  burstFailures: number;
  /** Distinct other addresses behind those failures. */
  burstIps: number;
  /** The address was banned at least once (any jail, any time). */
  banned: boolean;
  /** The login fell inside one of the address's would-be bans: fail2ban would have stopped it. */
  duringBan: boolean;
}

/** One normalised username inside a ReportAccount group. */
export interface ReportAccountName {
  /** Lower-cased username; `user` and `user@domain` are different names. */
  name: string;
  /** Spellings as logged (case variants), most used first (capped). */
  spellings: string[];
  /** Seen with a successful login. */
  exists: boolean;
  /** Failed attempts (a line matched by several jails counts once). */
  attempts: number;
  /** Distinct addresses that failed with it. */
  ips: number;
  /** Country codes of those addresses, most addresses first; empty without GeoIP. */
  countries: string[];
  /** First and last failed attempt; undefined when the name only ever logged in. */
  first: EpochMs | undefined;
  last: EpochMs | undefined;
  /** Successful logins. */
  logins: number;
  lastLogin: EpochMs | undefined;
}

/** Attempted usernames sharing a local part (`alice`, `Alice@example.org`), with their totals. */
export interface ReportAccount {
  /** Lower-cased local part (the text before the last `@`). */
  key: string;
  /** Some name of the group logged in successfully: an existing account. */
  exists: boolean;
  attempts: number;
  ips: number;
  countries: string[];
  first: EpochMs;
  last: EpochMs;
  logins: number;
  /** Names of the group, those with failed attempts first, then by attempts. */
  names: ReportAccountName[];
}

/** What a jail keyed on a whole group (network, ASN, username) would have done with the same thresholds. */
export interface ReportGroupVerdict {
  /** Jails whose thresholds would have banned the group, in configuration order. */
  jails: string[];
  bans: number;
  firstBan: EpochMs | undefined;
  /** Attempts that would have arrived while the group was banned. */
  blocked: number;
  /** Distinct addresses with at least one blocked attempt. */
  addresses: number;
}

/** Failures of never-banned addresses sharing a /24 (IPv4) or /64 (IPv6), an ASN or a username. */
export interface ReportRadarGroup {
  kind: 'net' | 'asn' | 'username';
  /** `203.0.113.0/24`, `2001:db8:1:2::/64`, `AS64500`, or the username (normalised). */
  key: string;
  /** The group's ASN and organisation: the ASN itself, or that of a network when all agree. */
  asn: number | undefined;
  org: string | undefined;
  /** Country codes, most addresses first. */
  countries: string[];
  /** Never-banned addresses with failures in the group. */
  addresses: number;
  attempts: number;
  /** Largest number of attempts from one address. */
  maxPerAddress: number;
  /** Distinct /24 or /64 networks. */
  networks: number;
  /** Most attempted usernames first (capped). */
  usernames: string[];
  distinctUsernames: number;
  first: EpochMs;
  last: EpochMs;
  /** A jail keyed on this group with each jail's thresholds. */
  caught: ReportGroupVerdict;
}

/** Attacks that per-address bans missed: failures from addresses that were never banned. */
export interface ReportBelowRadar {
  /** Failures from never-banned addresses (ignoreip excluded). */
  failures: number;
  /** Never-banned addresses with at least one failure. */
  addresses: number;
  /** /24 and /64 networks with several such addresses, most attempts first. */
  networks: ReportRadarGroup[];
  /** ASNs with several such addresses, most attempts first. */
  asns: ReportRadarGroup[];
  /** Password spraying: one username tried from many such addresses, most addresses first. */
  spraying: ReportRadarGroup[];
}

/** What happened in one event of a timeline. */
export type TimelineEventKind = 'failure' | 'blocked' | 'success' | 'ban' | 'unban';

/** One event of `banreplay timeline`. */
export interface TimelineEvent {
  time: EpochMs;
  kind: TimelineEventKind;
  ip: string;
  /** Jails the line matched (failures), or the ban's jail. */
  jails: string[];
  /** Program from the syslog tag (`postfix/submission/smtpd`, `dovecot/imap-login`), when found. */
  service: string | undefined;
  user: string | undefined;
  /** Input path, line number and raw text for log lines; undefined for ban events. */
  file: string | undefined;
  line: number | undefined;
  text: string | undefined;
  /** For `ban`: the failure count that triggered it; for `unban`: undefined. */
  failures: number | undefined;
  /** For `ban`: when it ends (undefined = permanent) and the attempts it blocked. */
  end: EpochMs | undefined;
  blocked: number | undefined;
}

/** An address of a timeline with what GeoIP knows and its totals. */
export interface TimelineAddress extends AddressWhere {
  failures: number;
  blocked: number;
  successes: number;
  bans: number;
  first: EpochMs;
  last: EpochMs;
}

/** Everything `banreplay timeline` prints. */
export interface TimelineReport {
  /** The address or network asked for, normalised (`203.0.113.7`, `203.0.113.0/24`). */
  target: string;
  files: FileStats[];
  span: { first: EpochMs | undefined; last: EpochMs | undefined };
  /** Addresses with at least one event, most events first. */
  addresses: TimelineAddress[];
  /** In time order; at equal times a ban's end first, then log lines, then a ban (after its trigger). */
  events: TimelineEvent[];
  geoip: Report['geoip'];
}
