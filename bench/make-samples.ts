// Generates samples/: a rotated Postfix + Dovecot log set (maillog, maillog.1,
// maillog.2.gz, maillog.3.gz) from the seeded model in bench/corpus/. With
// --history-weeks N it also writes N older weekly archives (maillog.4.gz, ...)
// for the benchmark corpus (bench/make-corpus.ts); the four files stay the same.
// Same --seed and --scale, same bytes; no Math.random, no wall clock. Sets each
// file's mtime to its last line + 3 minutes, like a real rotated log.

// Usage: npx tsc -p test/tsconfig.json && node build/bench/make-samples.js [--out samples] [--scale N] [--seed S]
//        [--history-weeks N] [--gzip-level 1-9]
//
// Why the time stamps look the way they do. The set spans 2025-12-21 to
// 2026-01-15, across New Year. Classic syslog stamps carry no year; banreplay
// (like fail2ban) takes it from a reference time, by default the file's mtime,
// and moves a stamp more than a day after the reference into the previous year.
// git does not keep mtimes: on a fresh clone every file's mtime is the clone
// time. A New Year crossing inside a year-less file would then come out wrong
// as soon as the clone is made in a later year (Dec 31 and Jan 1 would both be
// given the clone's year or the one before, depending on the day). So:
//   - maillog.3.gz and maillog.2.gz (2025-12-21 .. 2026-01-04, including New
//     Year's Eve) use rsyslog's RFC 3339 stamps: full year and UTC offset, so
//     they are right whatever the reference;
//   - maillog.1 and maillog (2026-01-04 .. 2026-01-15) use classic stamps,
//     all in January 2026: correct for any reference from 2026-01-15 up to
//     2027-01-03 (mtime kept, or a clone made during that period). Later on,
//     or to make a run reproducible, pass the collection time explicitly:
//     `--now 2026-01-15T14:33:00Z` (and `--timezone UTC`: the server logs UTC).
// The log format switch on 2026-01-04 is told as a server migration (newer
// Dovecot and Postfix wording from then on), which also puts both generations
// of the log formats into one sample set.

import { createWriteStream, mkdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Prng } from './corpus/prng.js';
import { formatStamp, type StampStyle } from './corpus/format-stamp.js';
import {
  MIGRATION_MS, SERVER_HOST, STORY_END_MS, STORY_START_MS,
  buildModel, describeStory, generateBackground, generateHistoryAttacks, generateStory, type LogEvent,
} from './corpus/mail-model.js';

/** One file of the rotated set and the slice of time it holds. */
interface FileSpec {
  name: string;
  start: number;
  end: number;
  stamp: StampStyle;
  /** Number of gzip members (0 = plain text). */
  gzipMembers: number;
  /** 0 for the story files; k for the k-th week before the story (background and attacks only). */
  history?: number;
}

// Weekly rotation, Sundays at 06:25 UTC (Debian's cron.daily time).
const ROTATIONS = [
  STORY_START_MS,
  Date.UTC(2025, 11, 28, 6, 25, 0),
  MIGRATION_MS,
  Date.UTC(2026, 0, 11, 6, 25, 0),
  STORY_END_MS,
];

const FILES: readonly FileSpec[] = [
  // The oldest archive was compressed in two goes, as `gzip -c >> file` does:
  // a two-member gzip stream, which readers must follow to the end.
  { name: 'maillog.3.gz', start: ROTATIONS[0]!, end: ROTATIONS[1]!, stamp: 'rfc3339', gzipMembers: 2 },
  { name: 'maillog.2.gz', start: ROTATIONS[1]!, end: ROTATIONS[2]!, stamp: 'rfc3339', gzipMembers: 1 },
  { name: 'maillog.1', start: ROTATIONS[2]!, end: ROTATIONS[3]!, stamp: 'classic', gzipMembers: 0 },
  { name: 'maillog', start: ROTATIONS[3]!, end: ROTATIONS[4]!, stamp: 'classic', gzipMembers: 0 },
];

const MTIME_LAG_MS = 3 * 60_000;
const WEEK_MS = 7 * 86_400_000;

/** The k-th weekly archive before the story (k = 1 is the newest of them). */
function historyFile(k: number): FileSpec {
  const end = STORY_START_MS - (k - 1) * WEEK_MS;
  return { name: `maillog.${3 + k}.gz`, start: end - WEEK_MS, end, stamp: 'rfc3339', gzipMembers: 1, history: k };
}

interface Args {
  out: string;
  scale: number;
  seed: string;
  historyWeeks: number;
  gzipLevel: number;
}

function parseArgs(argv: readonly string[]): Args | 'usage' {
  const args: Args = { out: 'samples', scale: 1, seed: '2026', historyWeeks: 0, gzipLevel: 9 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [key, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${key} needs a value`);
      return v;
    };
    if (key === '--help' || key === '-h') return 'usage';
    else if (key === '--out') args.out = value();
    else if (key === '--seed') args.seed = value();
    else if (key === '--scale') {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) throw new Error('--scale must be a positive number');
      args.scale = n;
    } else if (key === '--history-weeks') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new Error('--history-weeks must be a non-negative integer');
      args.historyWeeks = n;
    } else if (key === '--gzip-level') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 9) throw new Error('--gzip-level must be 1..9');
      args.gzipLevel = n;
    } else throw new Error(`unknown option ${a}`);
  }
  return args;
}

// Lines are formatted chunk by chunk while writing, so that a large --scale
// does not hold every formatted line of a file in memory at once.
function* chunks(events: readonly LogEvent[], stamp: StampStyle, from: number, to: number): Generator<string> {
  const STEP = 20_000;
  for (let i = from; i < to; i += STEP) {
    let text = '';
    for (let j = i; j < Math.min(to, i + STEP); j++) {
      const e = events[j]!;
      text += `${formatStamp(e.t, stamp)} ${SERVER_HOST} ${e.src}: ${e.msg}\n`;
    }
    yield text;
  }
}

async function writeFileSpec(path: string, events: readonly LogEvent[], spec: FileSpec, level: number): Promise<void> {
  if (spec.gzipMembers === 0) {
    await pipeline(Readable.from(chunks(events, spec.stamp, 0, events.length)), createWriteStream(path));
    return;
  }
  for (let m = 0; m < spec.gzipMembers; m++) {
    const from = Math.floor((events.length * m) / spec.gzipMembers);
    const to = Math.floor((events.length * (m + 1)) / spec.gzipMembers);
    await pipeline(
      Readable.from(chunks(events, spec.stamp, from, to)),
      createGzip({ level }),
      createWriteStream(path, { flags: m === 0 ? 'w' : 'a' }),
    );
  }
}

async function main(): Promise<number> {
  let args: Args | 'usage';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`make-samples: ${(err as Error).message}\n`);
    return 1;
  }
  if (args === 'usage') {
    process.stdout.write('usage: node build/bench/make-samples.js [--out DIR] [--scale N] [--seed S] [--history-weeks N] [--gzip-level L]\n');
    return 0;
  }
  const rng = new Prng(args.seed);
  const model = buildModel(rng, args.scale);
  const story: LogEvent[] = [];
  generateStory(model, rng, (t, src, msg) => story.push({ t, src, msg }));

  mkdirSync(args.out, { recursive: true });
  let total = 0;
  let collected = STORY_END_MS;
  const report: string[] = [];
  // Oldest first, so `collected` ends as the live file's mtime.
  const history = Array.from({ length: args.historyWeeks }, (_, i) => historyFile(args.historyWeeks - i));
  for (const spec of [...history, ...FILES]) {
    const f = FILES.indexOf(spec);
    const events: LogEvent[] = [];
    const push = (t: number, src: string, msg: string): void => {
      events.push({ t, src, msg });
    };
    if (spec.history === undefined) {
      for (const e of story) if (e.t >= spec.start && e.t < spec.end) events.push(e);
      generateBackground(model, rng.fork(`background/${f}`), spec.start, spec.end, push);
    } else {
      // Own streams per week: the story files come out the same whatever --history-weeks is.
      generateBackground(model, rng.fork(`history/${spec.history}/background`), spec.start, spec.end, push);
      generateHistoryAttacks(model, rng.fork(`history/${spec.history}/attacks`), spec.start, spec.end, push);
    }
    events.sort((a, b) => a.t - b.t); // stable: equal times keep emission order
    const path = join(args.out, spec.name);
    await writeFileSpec(path, events, spec, args.gzipLevel);
    const first = events[0]?.t ?? spec.start;
    const last = events[events.length - 1]?.t ?? spec.start;
    const mtime = new Date(last + MTIME_LAG_MS);
    utimesSync(path, mtime, mtime);
    collected = mtime.getTime();
    total += events.length;
    report.push(`  ${spec.name.padEnd(13)} ${String(events.length).padStart(8)} lines ${String(statSync(path).size).padStart(10)} bytes  ` +
      `${new Date(first).toISOString()} .. ${new Date(last).toISOString()}  ${spec.stamp}${spec.gzipMembers > 1 ? `, ${spec.gzipMembers} gzip members` : ''}  mtime ${mtime.toISOString()}`);
  }
  const now = new Date(Math.ceil(collected / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
  process.stdout.write([
    `make-samples: seed ${args.seed}, scale ${args.scale}${args.historyWeeks > 0 ? `, ${args.historyWeeks} history week(s)` : ''}, ${total} lines in ${args.out}/`,
    ...report,
    'story (UTC):',
    ...describeStory(model).map((s) => `  ${s}`),
    'reproducible audit, independent of file mtimes:',
    `  banreplay audit ${args.out}/ --now ${now} --timezone UTC`,
    '',
  ].join('\n'));
  return 0;
}

main().then((code) => {
  process.exitCode = code;
}, (err: unknown) => {
  process.stderr.write(`make-samples: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
