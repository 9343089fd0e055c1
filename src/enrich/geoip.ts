// GeoIP enrichment of reported addresses: one maxmind Reader opened once per run, one lookup
// per reported id. A missing record is a normal empty result, never an error; addresses that
// are not globally routable (private, loopback, documentation, ...) are never looked up,
// because databases still answer for them (the bundled one maps 203.0.113.5 to AU).

import { createRequire } from 'node:module';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { open } from 'maxmind';
import type { Reader, Response } from 'maxmind';
import { ConfigError } from '../errors.js';
import type { Report } from '../types.js';

/** What a database knows about one address; every field is optional. */
export interface GeoIpResult {
  /** ISO 3166-1 alpha-2 code, upper case. */
  country?: string;
  asn?: number;
  org?: string;
}

/** Which database answers, as shown in reports. */
export interface GeoIpInfo {
  /** The path given with `--geoip-db`, or the bundled package's name. */
  database: string;
  /** `YYYY-MM-DD` (UTC) from the database metadata's build epoch. */
  buildDate: string | undefined;
  /** The metadata's `database_type`, e.g. `GeoLite2-Country`. */
  type: string;
}

/** An opened GeoIP database. */
export interface GeoIp {
  readonly info: GeoIpInfo;
  /** Looks up one id; undefined for non-IP ids, non-public ranges and unknown addresses. */
  lookup(ip: string): GeoIpResult | undefined;
}

/** Display name of the database used when no `--geoip-db` is given. */
export const BUNDLED_DATABASE = '@ip-location-db/geo-whois-asn-country-mmdb';
const BUNDLED_FILE = 'geo-whois-asn-country.mmdb';

const COUNTRY_CODE = /^[A-Za-z]{2}$/;
const ASN_TEXT = /^(?:AS)?(\d{1,10})$/i;

/** Absolute path of the bundled country database (resolved through the package, not the cwd). */
export function bundledDatabasePath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve(`${BUNDLED_DATABASE}/package.json`)), BUNDLED_FILE);
}

/**
 * Opens a GeoIP database: the bundled country database by default, or an mmdb file in
 * GeoLite2 Country/City, GeoLite2 ASN or ip-location-db shape; throws ConfigError when it cannot.
 */
export async function openGeoIp(opts: { database?: string } = {}): Promise<GeoIp> {
  const file = opts.database ?? bundledDatabasePath();
  let reader: Reader<Response>;
  try {
    reader = await open<Response>(file);
  } catch (err) {
    throw new ConfigError(`cannot open GeoIP database: ${describeOpenError(err)}`, { file });
  }
  const meta = reader.metadata;
  const epoch = meta.buildEpoch instanceof Date ? meta.buildEpoch.getTime() : Number.NaN;
  const info: GeoIpInfo = {
    database: opts.database ?? BUNDLED_DATABASE,
    buildDate: Number.isFinite(epoch) ? new Date(epoch).toISOString().slice(0, 10) : undefined,
    type: typeof meta.databaseType === 'string' ? meta.databaseType : '',
  };
  // An IPv4-only tree would walk an IPv6 address's first 32 bits and answer for the wrong host.
  const ipv4Only = meta.ipVersion === 4;
  return {
    info,
    lookup(ip: string): GeoIpResult | undefined {
      const key = lookupKey(ip);
      if (key === undefined || (ipv4Only && key.includes(':'))) return undefined;
      let record: Response | null;
      try {
        record = reader.get(key);
      } catch {
        // e.g. an IPv6 address against an IPv4-only database: simply unknown.
        return undefined;
      }
      return readGeoRecord(record);
    },
  };
}

/**
 * The address to look up for an id, in canonical form, or undefined when the id is not an IP
 * or not globally routable (ipaddr.js `range()` other than `unicast`, which excludes private,
 * loopback, link-local, CGNAT, multicast, reserved and documentation ranges).
 */
export function lookupKey(id: string): string | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(id)) {
    const v4 = ipaddr.IPv4.parse(id);
    return v4.range() === 'unicast' ? v4.toString() : undefined;
  }
  if (!id.includes(':') || !ipaddr.IPv6.isValid(id)) return undefined;
  const v6 = ipaddr.IPv6.parse(id);
  // ::ffff:a.b.c.d is an IPv4 peer seen through a dual-stack socket: judge it as IPv4.
  if (v6.isIPv4MappedAddress()) {
    const v4 = v6.toIPv4Address();
    return v4.range() === 'unicast' ? v4.toString() : undefined;
  }
  // Rebuilt from its parts so a zone index (%eth0), meaningless to a database, is dropped.
  return v6.range() === 'unicast' ? new ipaddr.IPv6(v6.parts).toString() : undefined;
}

/**
 * Reads the fields banreplay uses from a database record, whatever its shape:
 * ip-location-db (`country_code`), GeoLite2 Country/City (`country.iso_code`, falling back to
 * `registered_country`), GeoLite2 ASN (`autonomous_system_number`/`_organization`) and
 * ipinfo-style (`asn: "AS123"`, `as_name`). Undefined when nothing usable is present.
 */
export function readGeoRecord(record: unknown): GeoIpResult | undefined {
  if (!isObject(record)) return undefined;
  const result: GeoIpResult = {};
  const country =
    countryCode(record['country_code']) ??
    countryCode(isObject(record['country']) ? record['country']['iso_code'] : undefined) ??
    countryCode(isObject(record['registered_country']) ? record['registered_country']['iso_code'] : undefined);
  if (country !== undefined) result.country = country;
  const asn = asNumber(record['autonomous_system_number']) ?? asNumber(record['asn']);
  if (asn !== undefined) result.asn = asn;
  const org = nonEmptyString(record['autonomous_system_organization']) ?? nonEmptyString(record['as_name']);
  if (org !== undefined) result.org = org;
  return result.country === undefined && result.asn === undefined && result.org === undefined ? undefined : result;
}

/** Returns a copy of the report with `ips[].country/asn/org` and `geoip` filled from `geo`. */
export function enrichReport(report: Report, geo: GeoIp): Report {
  return {
    ...report,
    ips: report.ips.map((entry) => {
      const found = geo.lookup(entry.ip);
      return { ...entry, country: found?.country, asn: found?.asn, org: found?.org };
    }),
    geoip: { database: geo.info.database, buildDate: geo.info.buildDate },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function countryCode(v: unknown): string | undefined {
  return typeof v === 'string' && COUNTRY_CODE.test(v) ? v.toUpperCase() : undefined;
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? v : undefined;
  if (typeof v === 'string') {
    const m = ASN_TEXT.exec(v);
    return m?.[1] !== undefined ? Number(m[1]) : undefined;
  }
  return undefined;
}

function nonEmptyString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function describeOpenError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  const message = err instanceof Error ? err.message : String(err);
  return `not a readable MaxMind DB file (${message})`;
}
