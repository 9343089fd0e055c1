// fail2ban 1.0.2's 17 default date templates, in its order (§5.3). Order matters: each
// unanchored one also gets a preferred line-begin copy, and the copies come first.
// Pure data; building and compiling them is date-template.ts's job.

/**
 * The default datepatterns, as fail2ban writes them. Comments name the log formats each
 * one exists for, with a made-up example stamp.
 */
export const DEFAULT_PATTERNS: readonly string[] = [
  // ISO 8601 and simple dates, optional fraction and zone: 2026-11-24T21:22:07.123456+01:00,
  // 2026/11/24 21:22:07, syslog-ng 2026.11.24 21:22:07
  '%ExY(?P<_sep>[-/.])%m(?P=_sep)%d(?:T|  ?)%H:%M:%S(?:[.,]%f)?(?:\\s*%z)?',
  // classic syslog / asctime, optional weekday, fraction and trailing year: Nov 24 21:22:07
  '(?:%a )?%b %d %k:%M:%S(?:\\.%f)?(?: %ExY)?',
  // asctime with the year after the day: Tue Nov 24 2026 21:22:07
  '(?:%a )?%b %d %ExY %k:%M:%S(?:\\.%f)?',
  // day first, 4- or 2-digit year: 24/11/2026 21:22:07, 24-11-26 21:22:07
  '%d(?P<_sep>[-/])%m(?P=_sep)(?:%ExY|%Exy) %k:%M:%S',
  // Apache-style, optional zone: 24/Nov/2026:21:22:07 +0100, 24-Nov-2026 21:22:07.123
  '%d(?P<_sep>[-/])%b(?P=_sep)%ExY[ :]?%H:%M:%S(?:\\.%f)?(?: %z)?',
  // month first with a colon before the time: 11/24/2026:21:22:07
  '%m/%d/%ExY:%H:%M:%S',
  // month first with dashes: 11-24-2026 21:22:07.123
  '%m-%d-%ExY %k:%M:%S(?:\\.%f)?',
  // Unix seconds: 1795551727, [1795551727.123], audit(1795551727.123:42)
  'EPOCH',
  // time only (date = reference day, or the day before)
  '{^LN-BEG}%H:%M:%S',
  // <11/24/26@21:22:07>
  '^<%m/%d/%Exy@%H:%M:%S>',
  // compact 2-digit year: 261124 21:22:07
  '%Exy%Exm%Exd  ?%H:%M:%S',
  // 12-hour clock: Nov 24, 2026 9:22:07 PM
  '%b %d, %ExY %I:%M:%S %p',
  // Nov-24-26 21:22:07 at line start
  '^%b-%d-%Exy %k:%M:%S',
  // compact: 20261124T212207, 20261124 212207
  '%ExY%Exm%Exd(?:T|  ?)%ExH%ExM%ExS(?:[.,]%f)?(?:\\s*%z)?',
  // zone name first: CET Nov 24 21:22:07
  '(?:%Z )?(?:%a )?%b %d %k:%M:%S(?:\\.%f)?(?: %ExY)?',
  // zone offset first: +01:00 Nov 24 21:22:07
  '(?:%z )?(?:%a )?%b %d %k:%M:%S(?:\\.%f)?(?: %ExY)?',
  // daemontools TAI64N label: @4000000069248a2f00000000
  'TAI64N',
];

/** Position in the default lists (`{DEFAULT}` and `{^LN-BEG}`) of the line-begin ISO template. */
export const ISO_TEMPLATE_INDEX = 0;
/** Position in the default lists of the line-begin classic syslog template. */
export const SYSLOG_TEMPLATE_INDEX = 1;
/** Position in the default lists of the line-begin TAI64N template. */
export const TAI64N_TEMPLATE_INDEX = 13;
