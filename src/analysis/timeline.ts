// `banreplay timeline`: every event of one address or network from an ordinary replay, in time
// order: failures (or attempts blocked during a ban), successful logins, simulated bans and
// their ends. Pure; the raw lines come in `hits.texts` (ScanContext.keepTextIn), GeoIP from the
// lookup passed in. A line matched by several jails is one event naming every jail.
import { describeGeoIp } from '../enrich/describe-geoip.js';
import type { AddressTarget } from '../pipeline/address-target.js';
import { OUTCOME_BLOCKED, OUTCOME_PROLONGED, SUCCESS } from '../pipeline/hit-store.js';
import type { ReplayOutcome } from '../pipeline/replay.js';
import type { EpochMs, JailSpec, TimelineAddress, TimelineEvent, TimelineReport } from '../types.js';
import type { ReportGeo } from './build-report.js';
import { filesSpan } from './files-span.js';
import { compareText } from '../compare-text.js';

/** Options of buildTimeline. */
export interface BuildTimelineOptions {
  /** Path of each input by its index in the run's file list (Hit.file). */
  paths: readonly string[];
  geo?: ReportGeo | undefined;
}

/** Builds the timeline of `target` from a finished replay over `jails`. */
export function buildTimeline(
  outcome: ReplayOutcome,
  jails: readonly JailSpec[],
  target: AddressTarget,
  opts: BuildTimelineOptions,
): TimelineReport {
  const { hits, results } = outcome;
  const { time, jail: jailCol, kind, id, user, file, line, outcome: outcomeCol } = hits;
  const idValues = hits.ids.values;
  // Events sort by time, then: ban ends, log lines in replay order, ban starts (a ban starts
  // with the failure that triggers it, so it comes right after that line).
  const keyed: Array<{ ev: TimelineEvent; rank: number; seq: number }> = [];
  const perIp = new Map<string, TimelineAddress>();
  const addr = (ip: string, time: EpochMs): TimelineAddress => {
    let a = perIp.get(ip);
    if (a === undefined) {
      a = { ip, country: undefined, asn: undefined, org: undefined, failures: 0, blocked: 0, successes: 0, bans: 0, first: time, last: time };
      perIp.set(ip, a);
    }
    if (time < a.first) a.first = time;
    if (time > a.last) a.last = time;
    return a;
  };
  // The target is asked once per distinct id: 0 = not yet, 1 = inside, 2 = outside.
  const inside = new Uint8Array(hits.ids.size);

  let current: { file: number; line: number; ev: TimelineEvent } | undefined;
  for (let i = 0; i < hits.length; i++) {
    const code = id[i]!;
    let m = inside[code]!;
    if (m === 0) inside[code] = m = target.matches(idValues[code]!) ? 1 : 2;
    if (m !== 1) continue;
    const ip = idValues[code]!;
    const t = time[i]!;
    const o = outcomeCol[i]!;
    const blocked = o === OUTCOME_BLOCKED || o === OUTCOME_PROLONGED;
    const j = jailCol[i]!;
    const jail = jails[j]?.name ?? String(j);
    if (current !== undefined && current.file === file[i] && current.line === line[i]) {
      // The same line through another jail: one event, every jail named.
      if (!current.ev.jails.includes(jail)) current.ev.jails.push(jail);
      if (blocked && current.ev.kind === 'failure') {
        current.ev.kind = 'blocked';
        const a = addr(ip, t);
        a.failures--;
        a.blocked++;
      }
      continue;
    }
    const text = hits.texts?.get(i);
    const evKind: TimelineEvent['kind'] = kind[i] === SUCCESS ? 'success' : blocked ? 'blocked' : 'failure';
    const u = user[i]!;
    const ev: TimelineEvent = {
      time: t,
      kind: evKind,
      ip,
      jails: [jail],
      service: text === undefined ? undefined : serviceOf(text),
      user: u === 0 ? undefined : hits.users.values[u - 1],
      file: opts.paths[file[i]!],
      line: line[i]!,
      text,
      failures: undefined,
      end: undefined,
      blocked: undefined,
    };
    const a = addr(ip, t);
    if (evKind === 'success') a.successes++;
    else if (evKind === 'blocked') a.blocked++;
    else a.failures++;
    current = { file: file[i]!, line: line[i]!, ev };
    keyed.push({ ev, rank: 1, seq: keyed.length });
  }

  results.forEach((r, j) => {
    for (const b of r.bans) {
      if (!target.matches(b.id)) continue;
      const jail = jails[j]?.name ?? b.jail;
      addr(b.id, b.start).bans++;
      const base = { ip: b.id, jails: [jail], service: undefined, user: undefined, file: undefined, line: undefined, text: undefined };
      keyed.push({
        ev: { ...base, time: b.start, kind: 'ban', failures: b.failures, end: b.end, blocked: b.blocked },
        rank: 2,
        seq: keyed.length,
      });
      if (b.end !== undefined) {
        keyed.push({
          ev: { ...base, time: b.end, kind: 'unban', failures: undefined, end: undefined, blocked: undefined },
          rank: 0,
          seq: keyed.length,
        });
      }
    }
  });
  keyed.sort((x, y) => x.ev.time - y.ev.time || x.rank - y.rank || x.seq - y.seq);

  const geo = opts.geo;
  const addresses = [...perIp.values()].map((a) => {
    const where = geo?.lookup(a.ip);
    return { ...a, country: where?.country, asn: where?.asn, org: where?.org };
  });
  addresses.sort(
    (x, y) =>
      y.failures + y.blocked + y.successes - (x.failures + x.blocked + x.successes) ||
      y.bans - x.bans ||
      x.first - y.first ||
      compareText(x.ip, y.ip),
  );

  const { first, last } = filesSpan(outcome.files);
  return {
    target: target.label,
    files: outcome.files,
    span: { first, last },
    addresses,
    events: keyed.map((k) => k.ev),
    geoip: geo === undefined ? undefined : describeGeoIp(geo),
  };
}

// `host prog[pid]: ` or `host prog: ` after the stamp; a program name starts with a letter, so
// neither a clock (`07:01:58`) nor an ISO stamp is taken for one.
const SYSLOG_TAG = /(?:^|\s)([A-Za-z][\w./-]*)(?:\[\d+\])?: /;
// dovecot's own sub-process after its tag: `imap-login:`, `auth:`, `auth-worker(123):`.
const DOVECOT_PROCESS = /^([a-z][a-z0-9-]*)(?:\([^)]*\))?: /;

/** The program that wrote a syslog line (`postfix/submission/smtpd`, `dovecot/imap-login`). */
export function serviceOf(text: string): string | undefined {
  const m = SYSLOG_TAG.exec(text);
  if (m === null) return undefined;
  const prog = m[1]!;
  if (prog.startsWith('dovecot')) {
    const rest = text.slice(m.index + m[0].length);
    const sub = DOVECOT_PROCESS.exec(rest);
    if (sub !== null) return `${prog}/${sub[1]}`;
  }
  return prog;
}
