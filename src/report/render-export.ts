// `--export` (#8): the would-be banned addresses as an nftables set, an ipset restore file,
// `fail2ban-client set JAIL banip …` lines or /etc/hosts.deny entries. These files are fed to
// firewalls and shells, so only ids that parse as IP addresses are written, re-serialised in
// canonical form (digits, hex, `.` and `:` only); anything else is left out and counted.

import ipaddr from 'ipaddr.js';
import type { EpochMs, Report } from '../types.js';
import { reportPeriod } from './report-digest.js';

/** Export targets. */
export const EXPORT_KINDS = ['nft', 'ipset', 'fail2ban-client', 'hosts-deny'] as const;

/** One export target. */
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** Options for `renderExport`. */
export interface RenderExportOptions {
  kind: ExportKind;
  /** Only addresses banned at least this many times (`--persistent N`); default 1. */
  minBans?: number;
  /** ISO 8601 with an offset, for the header comment. */
  formatTime: (ms: EpochMs) => string;
  /** Set/table name for nft and ipset (default `banreplay`); must be a plain identifier. */
  name?: string;
}

/** The export's addresses, split by family, each list sorted numerically. */
export interface ExportSelection {
  v4: string[];
  v6: string[];
  /** Per jail (configuration order), the selected addresses it banned. */
  byJail: Array<{ jail: string; addresses: string[] }>;
  /** Banned ids left out because they are not IP addresses. */
  skipped: number;
}

const SAFE_ADDRESS = /^[0-9A-Fa-f:.]+$/;
const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,30}$/;
const SHELL_SAFE = /^[A-Za-z0-9_.,:=+@%/-]+$/;
// fail2ban-client accepts several addresses per banip; keep lines readable.
const BANIP_PER_LINE = 20;

/** Picks the addresses to export: banned at least `minBans` times, valid IPs only. */
export function selectExport(report: Report, minBans: number): ExportSelection {
  const chosen = new Map<string, string>(); // id → canonical text
  let skipped = 0;
  for (const ip of report.ips) {
    if (ip.bans === 0 || ip.bans < minBans) continue;
    const canonical = canonicalAddress(ip.ip);
    if (canonical === undefined) skipped++;
    else chosen.set(ip.ip, canonical);
  }
  const all = [...new Set(chosen.values())];
  const v4 = all.filter((a) => !a.includes(':')).sort(compareAddresses);
  const v6 = all.filter((a) => a.includes(':')).sort(compareAddresses);
  const byJail = report.jails.map((j) => ({
    jail: j.name,
    addresses: [...new Set(j.bans.map((b) => chosen.get(b.id)).filter((a): a is string => a !== undefined))].sort(compareAddresses),
  }));
  return { v4, v6, byJail, skipped };
}

/** Renders the export file, starting with `#` comment lines naming the period and the selection. */
export function renderExport(report: Report, options: RenderExportOptions): string {
  const minBans = Math.max(1, Math.floor(options.minBans ?? 1));
  const name = options.name ?? 'banreplay';
  if (!SAFE_NAME.test(name)) throw new RangeError(`export set name must be a plain identifier: ${name}`);
  const sel = selectExport(report, minBans);
  const { from, to } = reportPeriod(report);
  const period = from === undefined || to === undefined ? 'no dated events' : `${options.formatTime(from)} to ${options.formatTime(to)}`;
  const total = sel.v4.length + sel.v6.length;
  const header = [
    `# banreplay: ${total} address${total === 1 ? '' : 'es'} banned at least ${minBans} time${minBans === 1 ? '' : 's'}, ${period}`,
  ];
  if (sel.skipped > 0) header.push(`# ${sel.skipped} banned id(s) that are not IP addresses left out`);
  const body = RENDERERS[options.kind](sel, name);
  return [...header, ...body].join('\n') + '\n';
}

const RENDERERS: Record<ExportKind, (sel: ExportSelection, name: string) => string[]> = {
  nft: (sel, name) => {
    const set = (setName: string, type: string, list: string[]): string[] => {
      if (list.length === 0) return [`  set ${setName} {`, `    type ${type}`, '  }'];
      return [`  set ${setName} {`, `    type ${type}`, '    elements = {', ...list.map((a, i) => `      ${a}${i < list.length - 1 ? ',' : ''}`), '    }', '  }'];
    };
    return [
      `# Load with: nft -f FILE; then drop them from a chain of table inet ${name}, e.g.`,
      `#   nft add chain inet ${name} input '{ type filter hook input priority -1; }'`,
      `#   nft add rule inet ${name} input ip saddr @${name}4 drop`,
      `#   nft add rule inet ${name} input ip6 saddr @${name}6 drop`,
      `table inet ${name} {`,
      ...set(`${name}4`, 'ipv4_addr', sel.v4),
      ...set(`${name}6`, 'ipv6_addr', sel.v6),
      '}',
    ];
  },
  ipset: (sel, name) => {
    const set = (setName: string, family: string, list: string[]): string[] => [
      `create ${setName} hash:ip family ${family} maxelem ${Math.max(65536, list.length)} -exist`,
      `flush ${setName}`,
      ...list.map((a) => `add ${setName} ${a} -exist`),
    ];
    return [
      `# Load with: ipset restore < FILE; then e.g. iptables -I INPUT -m set --match-set ${name}4 src -j DROP`,
      ...set(`${name}4`, 'inet', sel.v4),
      ...set(`${name}6`, 'inet6', sel.v6),
    ];
  },
  'fail2ban-client': (sel) => {
    const out: string[] = ['# Run these lines as root to ban the addresses in the live jails.'];
    for (const { jail, addresses } of sel.byJail) {
      for (let i = 0; i < addresses.length; i += BANIP_PER_LINE) {
        out.push(`fail2ban-client set ${shellWord(jail)} banip ${addresses.slice(i, i + BANIP_PER_LINE).join(' ')}`);
      }
    }
    return out;
  },
  'hosts-deny': (sel) => [
    '# Append to /etc/hosts.deny (TCP Wrappers).',
    ...sel.v4.map((a) => `ALL: ${a}`),
    ...sel.v6.map((a) => `ALL: [${a}]`),
  ],
};

/** Canonical text of an IPv4 (four decimal parts) or IPv6 address; undefined for anything else. */
export function canonicalAddress(id: string): string | undefined {
  try {
    let text: string;
    if (ipaddr.IPv4.isValidFourPartDecimal(id)) text = ipaddr.IPv4.parse(id).toString();
    else if (id.includes(':') && ipaddr.IPv6.isValid(id)) {
      const v6 = ipaddr.IPv6.parse(id);
      if (v6.zoneId !== undefined) return undefined;
      // `::ffff:192.0.2.1` is an IPv4 client seen through a dual-stack socket: ban the IPv4 address.
      text = v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toString();
    } else return undefined;
    return SAFE_ADDRESS.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

function compareAddresses(a: string, b: string): number {
  const ka = ipaddr.parse(a).toByteArray();
  const kb = ipaddr.parse(b).toByteArray();
  if (ka.length !== kb.length) return ka.length - kb.length; // IPv4 first
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// Jail names come from the admin's configuration, not from logs, but a shell line is still
// quoted unless the name is plainly safe.
function shellWord(s: string): string {
  return SHELL_SAFE.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
