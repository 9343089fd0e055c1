// Small aggregates shared by the mail, HTML and export renderers (#8): the reported period,
// top countries and networks (ASNs), the banned addresses. Pure; no formatting, no escaping:
// every string returned is still untrusted and must go through the target's sanitiser.

import type { EpochMs, Report, ReportIp } from '../types.js';
import { compareText } from '../compare-text.js';

/** The period a report covers: the window's edges where given, else the logs' span. */
export function reportPeriod(report: Report): { from: EpochMs | undefined; to: EpochMs | undefined } {
  return {
    from: report.window?.since ?? report.span.first,
    to: report.window?.until ?? report.span.last,
  };
}

/** One row of a "top countries" or "top networks" table. */
export interface GroupRow {
  /** Country code, or `AS64500`; `?` when unknown. */
  key: string;
  /** Organisation of an ASN, when known. */
  label: string | undefined;
  addresses: number;
  /** Failures plus blocked attempts. */
  attempts: number;
  /** Addresses of the group banned at least once. */
  banned: number;
}

/** Countries of the reported addresses, most attempts first; `?` = unknown. */
export function topCountries(report: Report, limit: number): GroupRow[] {
  return groupIps(report.ips, (ip) => ({ key: ip.country ?? '?', label: undefined }), limit);
}

/** ASNs of the reported addresses, most attempts first; addresses without an ASN are left out. */
export function topAsns(report: Report, limit: number): GroupRow[] {
  return groupIps(
    report.ips.filter((ip) => ip.asn !== undefined),
    (ip) => ({ key: `AS${ip.asn ?? 0}`, label: ip.org }),
    limit,
  );
}

/** Addresses banned at least once, in the report's order (busiest first). */
export function bannedIps(report: Report): ReportIp[] {
  return report.ips.filter((ip) => ip.bans > 0);
}

/** Every ban of the report with its jail, in start order (then jail order, then address). */
export function allBans(report: Report): Array<{ jail: string; id: string; start: EpochMs; end: EpochMs | undefined; failures: number; blocked: number }> {
  const out = report.jails.flatMap((j, ji) => j.bans.map((b) => ({ ...b, jail: j.name, ji })));
  out.sort((a, b) => a.start - b.start || a.ji - b.ji || compareText(a.id, b.id));
  return out.map(({ ji: _ji, ...b }) => b);
}

function groupIps(ips: readonly ReportIp[], keyOf: (ip: ReportIp) => { key: string; label: string | undefined }, limit: number): GroupRow[] {
  const rows = new Map<string, GroupRow>();
  for (const ip of ips) {
    const { key, label } = keyOf(ip);
    let row = rows.get(key);
    if (row === undefined) rows.set(key, (row = { key, label, addresses: 0, attempts: 0, banned: 0 }));
    row.addresses++;
    row.attempts += ip.failures + ip.blocked;
    if (ip.bans > 0) row.banned++;
    row.label ??= label;
  }
  return [...rows.values()]
    .sort((a, b) => b.attempts - a.attempts || b.addresses - a.addresses || compareText(a.key, b.key))
    .slice(0, Math.max(0, limit));
}
