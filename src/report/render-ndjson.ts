// Renders the replay as NDJSON (#8): one `{"type":…,"data":{…}}` event per line, in log-time
// order — failure, blocked, success, ban, unban. Every key is always present (null when it
// does not apply), as in the JSON report. Pure; strings from logs stay exact, JSON escaping
// keeps them inert, plus \u escapes for characters a terminal would act on.

import { OUTCOME_BANNED, OUTCOME_BLOCKED, OUTCOME_IGNORED, OUTCOME_PROLONGED, SUCCESS, type HitStore } from '../pipeline/hit-store.js';
import type { BanEvent, EpochMs, Report } from '../types.js';
import { escapeJsonText } from './sanitize.js';
import { PIECE_CHARS, textOf } from './text-output.js';

/** Event types, in the order they sort at equal times. */
export const NDJSON_TYPES = ['unban', 'failure', 'blocked', 'success', 'ban'] as const;

/** One NDJSON event type. */
export type NdjsonType = (typeof NDJSON_TYPES)[number];

/** What the events are made of: the (windowed) replay's hits, with their outcome column. */
export interface NdjsonInput {
  hits: HitStore;
}

/** Options for `renderNdjson`. */
export interface RenderNdjsonOptions {
  /** ISO 8601 with an offset, in the zone the CLI chose. */
  formatTime: (ms: EpochMs) => string;
  /** Input path by index in the run's file list (`Hit.file`). */
  paths: readonly string[];
}

const RANK_UNBAN = NDJSON_TYPES.indexOf('unban');
const RANK_FAILURE = NDJSON_TYPES.indexOf('failure');
const RANK_BLOCKED = NDJSON_TYPES.indexOf('blocked');
const RANK_SUCCESS = NDJSON_TYPES.indexOf('success');
const RANK_BAN = NDJSON_TYPES.indexOf('ban');

/** A ban or unban event, already serialised. */
interface BanLine {
  time: EpochMs;
  rank: number;
  json: string;
}

/**
 * Renders one line per event (ending with a newline), or an empty string without events.
 * Events sort by time, then type rank (unban, failure, blocked, success, ban), then hits in
 * replay order before bans in report order. Hit lines are written from the columns, each
 * distinct id, username, jail and path serialised once; the text is what JSON.stringify of
 * `{type, data}` gives, keys in the documented order.
 */
export function renderNdjson(input: NdjsonInput, report: Report, options: RenderNdjsonOptions): string {
  return textOf(renderNdjsonPieces(input, report, options));
}

/** renderNdjson's text in pieces of about PIECE_CHARS, produced as they are written. */
export function* renderNdjsonPieces(input: NdjsonInput, report: Report, options: RenderNdjsonOptions): Generator<string> {
  const { formatTime, paths } = options;
  const hits = input.hits;
  const n = hits.length;
  const { time, jail, kind, id, user, file, line, outcome } = hits;
  const ranks = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = outcome[i]!;
    ranks[i] = kind[i] === SUCCESS ? RANK_SUCCESS : o === OUTCOME_BLOCKED || o === OUTCOME_PROLONGED ? RANK_BLOCKED : RANK_FAILURE;
  }
  const order = hitOrder(time, ranks, n);

  const bans = banLines(report, formatTime);

  const jailJson = report.jails.map((j) => JSON.stringify(j.name));
  const idJson = new Array<string | undefined>(hits.ids.size);
  const userJson = new Array<string | undefined>(hits.users.size + 1);
  userJson[0] = 'null';
  const fileJson: (string | undefined)[] = [];
  let lastMs = NaN;
  let lastTime = '';
  const hitLine = (i: number): string => {
    const t = time[i]!;
    if (t !== lastMs) {
      lastMs = t;
      lastTime = JSON.stringify(formatTime(t));
    }
    const idc = id[i]!;
    const ip = (idJson[idc] ??= JSON.stringify(hits.ids.values[idc]));
    const u = user[i]!;
    const who = (userJson[u] ??= JSON.stringify(hits.users.values[u - 1]));
    const f = file[i]!;
    const path = (fileJson[f] ??= paths[f] === undefined ? 'null' : JSON.stringify(paths[f]));
    const rank = ranks[i]!;
    const o = outcome[i]!;
    let head: string;
    let extra: string;
    if (rank === RANK_SUCCESS) {
      head = '{"type":"success","data":{"time":';
      extra = '';
    } else if (rank === RANK_BLOCKED) {
      head = '{"type":"blocked","data":{"time":';
      extra = o === OUTCOME_PROLONGED ? ',"prolonged":true' : ',"prolonged":false';
    } else {
      head = '{"type":"failure","data":{"time":';
      extra = o === OUTCOME_BANNED ? ',"outcome":"banned"' : o === OUTCOME_IGNORED ? ',"outcome":"ignored"' : ',"outcome":"counted"';
    }
    return `${head}${lastTime},"jail":${jailJson[jail[i]!] ?? 'null'},"ip":${ip},"user":${who}${extra},"file":${path},"line":${line[i]!}}}\n`;
  };

  // Merge the ordered hits with the ordered ban lines; at equal times ranks never tie.
  let out = '';
  let b = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const t = time[i]!;
    const r = ranks[i]!;
    while (b < bans.length && (bans[b]!.time < t || (bans[b]!.time === t && bans[b]!.rank < r))) out += bans[b++]!.json;
    out += hitLine(i);
    if (out.length >= PIECE_CHARS) {
      yield escapeJsonText(out);
      out = '';
    }
  }
  while (b < bans.length) out += bans[b++]!.json;
  if (out !== '') yield escapeJsonText(out);
}

/**
 * Hit rows by (time, rank, row). The replay's hits are nearly always in time order: then
 * only runs of equal times are reordered by rank (stably); otherwise a full index sort.
 */
function hitOrder(time: Float64Array, ranks: Uint8Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (time[i]! < time[i - 1]!) {
      sorted = false;
      break;
    }
  }
  if (!sorted) {
    const rows = Array.from({ length: n }, (_, i) => i);
    rows.sort((a, b) => time[a]! - time[b]! || ranks[a]! - ranks[b]! || a - b);
    order.set(rows);
    return order;
  }
  let k = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    let mixed = false;
    while (end < n && time[end] === time[start]) {
      if (ranks[end] !== ranks[start]) mixed = true;
      end++;
    }
    if (!mixed) {
      for (let i = start; i < end; i++) order[k++] = i;
    } else {
      for (const r of [RANK_FAILURE, RANK_BLOCKED, RANK_SUCCESS]) for (let i = start; i < end; i++) if (ranks[i] === r) order[k++] = i;
    }
    start = end;
  }
  return order;
}

/** Ban and unban lines of the report's jails, in (time, rank, report order): the sort is stable. */
function banLines(report: Report, formatTime: (ms: EpochMs) => string): BanLine[] {
  const window = report.window;
  const inside = (t: EpochMs): boolean =>
    (window?.since === undefined || t >= window.since) && (window?.until === undefined || t < window.until);
  const time = (ms: EpochMs | undefined): string | null => (ms === undefined ? null : formatTime(ms));
  const lines: BanLine[] = [];
  for (const j of report.jails) {
    for (const b of j.bans as BanEvent[]) {
      const ban = { time: formatTime(b.start), jail: j.name, ip: b.id, end: time(b.end), failures: b.failures, blocked: b.blocked };
      lines.push({ time: b.start, rank: RANK_BAN, json: JSON.stringify({ type: 'ban', data: ban }) + '\n' });
      if (b.end !== undefined && inside(b.end)) {
        const unban = { time: formatTime(b.end), jail: j.name, ip: b.id, start: formatTime(b.start) };
        lines.push({ time: b.end, rank: RANK_UNBAN, json: JSON.stringify({ type: 'unban', data: unban }) + '\n' });
      }
    }
  }
  return lines.sort((a, b) => a.time - b.time || a.rank - b.rank);
}
