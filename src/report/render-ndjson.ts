// Renders the replay as NDJSON (#8): one `{"type":…,"data":{…}}` event per line, in log-time
// order — failure, blocked, success, ban, unban. Every key is always present (null when it
// does not apply), as in the JSON report. Pure; strings from logs stay exact, JSON escaping
// keeps them inert, plus \u escapes for characters a terminal would act on.

import type { Outcome } from '../jail/simulate.js';
import type { BanEvent, EpochMs, Hit, Report } from '../types.js';
import { escapeJsonText } from './sanitize.js';

/** Event types, in the order they sort at equal times. */
export const NDJSON_TYPES = ['unban', 'failure', 'blocked', 'success', 'ban'] as const;

/** One NDJSON event type. */
export type NdjsonType = (typeof NDJSON_TYPES)[number];

/** What the events are made of: the (windowed) replay, parallel hits and outcomes. */
export interface NdjsonInput {
  hits: readonly Hit[];
  outcomes: readonly (Outcome | undefined)[];
}

/** Options for `renderNdjson`. */
export interface RenderNdjsonOptions {
  /** ISO 8601 with an offset, in the zone the CLI chose. */
  formatTime: (ms: EpochMs) => string;
  /** Input path by index in the run's file list (`Hit.file`). */
  paths: readonly string[];
}


/** Renders one line per event (ending with a newline), or an empty string without events. */
export function renderNdjson(input: NdjsonInput, report: Report, options: RenderNdjsonOptions): string {
  const { formatTime, paths } = options;
  const time = (ms: EpochMs | undefined): string | null => (ms === undefined ? null : formatTime(ms));
  const jailNames = report.jails.map((j) => j.name);
  const events: Array<{ time: EpochMs; rank: number; seq: number; type: NdjsonType; data: Record<string, unknown> }> = [];
  const rank = (t: NdjsonType): number => NDJSON_TYPES.indexOf(t);
  const window = report.window;
  const inside = (t: EpochMs): boolean =>
    (window?.since === undefined || t >= window.since) && (window?.until === undefined || t < window.until);

  input.hits.forEach((h, i) => {
    const o = input.outcomes[i];
    const type: NdjsonType = h.kind === 'success' ? 'success' : o === 'blocked' || o === 'prolonged' ? 'blocked' : 'failure';
    const data: Record<string, unknown> = {
      time: formatTime(h.time),
      jail: jailNames[h.jail] ?? null,
      ip: h.id,
      user: h.user ?? null,
    };
    if (type === 'failure') data['outcome'] = o === 'banned' ? 'banned' : o === 'ignored' ? 'ignored' : 'counted';
    if (type === 'blocked') data['prolonged'] = o === 'prolonged';
    data['file'] = paths[h.file] ?? null;
    data['line'] = h.line;
    events.push({ time: h.time, rank: rank(type), seq: i, type, data });
  });

  let seq = input.hits.length;
  for (const j of report.jails) {
    for (const b of j.bans as BanEvent[]) {
      events.push({
        time: b.start,
        rank: rank('ban'),
        seq: seq++,
        type: 'ban',
        data: { time: formatTime(b.start), jail: j.name, ip: b.id, end: time(b.end), failures: b.failures, blocked: b.blocked },
      });
      if (b.end !== undefined && inside(b.end)) {
        events.push({
          time: b.end,
          rank: rank('unban'),
          seq: seq++,
          type: 'unban',
          data: { time: formatTime(b.end), jail: j.name, ip: b.id, start: formatTime(b.start) },
        });
      }
    }
  }
  events.sort((a, b) => a.time - b.time || a.rank - b.rank || a.seq - b.seq);
  let out = '';
  for (const e of events) out += JSON.stringify({ type: e.type, data: e.data }) + '\n';
  return escapeJsonText(out);
}
