// Attempted usernames across all failure lines: attempts, distinct addresses, first and
// last seen. The base64 SASL LOGIN prompts some logs print in place of a name are not
// usernames. A line matched by several jails counts once.
import type { Hit, ReportUsername } from '../types.js';

// base64 of "Username:" and "Password:": what `SASL LOGIN authentication failed` prints.
const SASL_PROMPTS = new Set(['VXNlcm5hbWU6', 'UGFzc3dvcmQ6', 'dXNlcm5hbWU6', 'cGFzc3dvcmQ6']);

/** True when a captured value is worth reporting as an attempted username. */
export function isUsername(value: string): boolean {
  return value !== '' && !SASL_PROMPTS.has(value);
}

/** Aggregates failure hits (time-ordered) into username rows, most attempted first. */
export function countUsernames(hits: readonly Hit[]): ReportUsername[] {
  const rows = new Map<string, ReportUsername & { idSet: Set<string> }>();
  const seenLines = new Set<string>();
  for (const h of hits) {
    if (h.kind !== 'failure' || h.user === undefined || !isUsername(h.user)) continue;
    const key = `${h.file}:${h.line}`;
    if (seenLines.has(key)) continue;
    seenLines.add(key);
    let row = rows.get(h.user);
    if (row === undefined) {
      row = { name: h.user, attempts: 0, ips: 0, first: h.time, last: h.time, idSet: new Set() };
      rows.set(h.user, row);
    }
    row.attempts++;
    row.idSet.add(h.id);
    if (h.time < row.first) row.first = h.time;
    if (h.time > row.last) row.last = h.time;
  }
  return [...rows.values()]
    .map(({ idSet, ...r }) => ({ ...r, ips: idSet.size }))
    .sort((a, b) => b.attempts - a.attempts || b.ips - a.ips || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
