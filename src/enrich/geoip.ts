// GeoIP enrichment: a country source (bundled mmdb, `--geoip-db`, or a GeoLite2 file found in
// the geoipupdate directories) and an ASN source (bundled ip-location-db table, `--asn-db`, or a
// found GeoLite2-ASN), each opened once per run. A missing record is a normal empty result; non-
// public addresses are never looked up, since databases still answer for them (203.0.113.5 → AU).

import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { open } from 'maxmind';
import type { Reader, Response } from 'maxmind';
import type { Report } from '../types.js';
import type { AsnTable } from './asn-table.js';
import { BUNDLED_ASN, loadBundledAsn } from './bundled-asn.js';
import { BUNDLED_KEYWORD, cannotOpen } from './check-geoip-files.js';
import { describeGeoIp, type GeoIpDescription } from './describe-geoip.js';
import { dottedQuad, isUnicastQuad } from './dotted-quad.js';

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

/** The opened GeoIP sources. */
export interface GeoIp {
  /** The country database (or the one `--geoip-db` named, whatever its type). */
  readonly info: GeoIpInfo;
  /** The database that answers ASN and organisation; undefined when ASN lookups are off. */
  readonly asnInfo: GeoIpInfo | undefined;
  /** Problems with automatically found databases (each was skipped). */
  readonly warnings: readonly string[];
  /**
   * Looks up one id; undefined for non-IP ids, non-public ranges and unknown addresses.
   * Equal answers are one shared object: never modify it.
   */
  lookup(ip: string): Readonly<GeoIpResult> | undefined;
  /** Lets go of the databases (tens of MB for the bundled ones); `lookup` throws afterwards. */
  close(): void;
}

/** Options of openGeoIp. */
export interface OpenGeoIpOptions {
  /** `--geoip-db`: a GeoLite2 Country/City, GeoLite2 ASN or ip-location-db mmdb, or BUNDLED_KEYWORD. */
  database?: string | undefined;
  /** `--asn-db`: a GeoLite2-ASN mmdb, or BUNDLED_KEYWORD. */
  asnDatabase?: string | undefined;
  /** Directories searched for GeoLite2 files when no path is given (default GEOIP_DIRS). */
  searchDirs?: readonly string[];
  /** Look up ASN and organisation (default true). */
  asn?: boolean;
}

/** Display name of the database used when no `--geoip-db` is given. */
export const BUNDLED_DATABASE = '@ip-location-db/geo-whois-asn-country-mmdb';
const BUNDLED_FILE = 'geo-whois-asn-country.mmdb';

/** Where geoipupdate puts GeoLite2 databases (Debian/Ubuntu, then the upstream default). */
export const GEOIP_DIRS: readonly string[] = ['/usr/share/GeoIP', '/var/lib/GeoIP'];
// Country first: smaller and enough; City carries the same country fields.
const COUNTRY_FILES = ['GeoLite2-Country.mmdb', 'GeoLite2-City.mmdb'];
const ASN_FILES = ['GeoLite2-ASN.mmdb'];
// `database_type` of an mmdb that answers ASNs (GeoLite2-ASN, GeoIP2-ISP has them too).
const ASN_TYPE = /asn|isp/i;

const COUNTRY_CODE = /^[A-Za-z]{2}$/;
const ASN_TEXT = /^(?:AS)?(\d{1,10})$/i;

/** Absolute path of the bundled country database (resolved through the package, not the cwd). */
export function bundledDatabasePath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve(`${BUNDLED_DATABASE}/package.json`)), BUNDLED_FILE);
}

/**
 * Opens the GeoIP sources: for countries `database`, else the first GeoLite2 Country/City file in
 * `searchDirs`, else the bundled database; for ASNs `asnDatabase`, else `database` when it is an
 * ASN database, else a GeoLite2-ASN file in `searchDirs`, else the bundled ASN table. Throws
 * ConfigError when a named file cannot be opened; a found one that cannot is skipped with a warning.
 */
export async function openGeoIp(opts: OpenGeoIpOptions = {}): Promise<GeoIp> {
  const warnings: string[] = [];
  const dirs = opts.searchDirs ?? GEOIP_DIRS;
  const wantAsn = opts.asn !== false;
  // BUNDLED_KEYWORD: the bundled data, whatever is installed; `--geoip-db bundled` alone means
  // all of it, ASN too.
  const database = opts.database === BUNDLED_KEYWORD ? undefined : opts.database;
  const asnChoice = opts.asnDatabase ?? (opts.database === BUNDLED_KEYWORD ? BUNDLED_KEYWORD : undefined);
  const asnDatabase = asnChoice === BUNDLED_KEYWORD ? undefined : asnChoice;
  const [found, foundAsn] = await Promise.all([
    opts.database === undefined ? findFirst(dirs, COUNTRY_FILES) : undefined,
    wantAsn && asnChoice === undefined ? findFirst(dirs, ASN_FILES) : undefined,
  ]);

  let country: MmdbSource | undefined;
  if (database !== undefined) country = await openMmdb(database, database);
  else if (found !== undefined) {
    country = await openMmdb(found, found).catch((err: unknown) => {
      warnings.push(`${found}: ${err instanceof Error ? err.message : String(err)}; using the bundled database`);
      return undefined;
    });
  }
  country ??= await openMmdb(bundledDatabasePath(), BUNDLED_DATABASE);

  let asn: Source | undefined;
  if (wantAsn) {
    if (asnDatabase !== undefined) asn = await openMmdb(asnDatabase, asnDatabase);
    else if (asnChoice === undefined && ASN_TYPE.test(country.info.type)) asn = country;
    else if (foundAsn !== undefined) {
      asn = await openMmdb(foundAsn, foundAsn).catch((err: unknown) => {
        warnings.push(`${foundAsn}: ${err instanceof Error ? err.message : String(err)}; using the bundled ASN data`);
        return undefined;
      });
    }
    asn ??= tableSource(await loadBundledAsn());
  }

  let countrySource: Source | undefined = country;
  let asnSource = asn;
  // An explicitly chosen ASN source (the bundled one too) wins over ASN fields of the country database.
  const asnFirst = asnChoice !== undefined;
  // Equal answers are one shared object: callers keep one per address, and a million
  // addresses have a few thousand distinct (country, ASN, organisation) answers.
  const answers = new Map<string, GeoIpResult>();
  const shared = (r: GeoIpResult | undefined): GeoIpResult | undefined => {
    if (r === undefined) return undefined;
    const k = `${r.country ?? ''}\n${r.asn ?? ''}\n${r.org ?? ''}`;
    const known = answers.get(k);
    if (known !== undefined) return known;
    answers.set(k, r);
    return r;
  };
  return {
    info: countrySource.info,
    asnInfo: asnSource?.info,
    warnings,
    lookup(ip: string): GeoIpResult | undefined {
      if (countrySource === undefined) throw new Error('GeoIP lookup after close()');
      const key = lookupKey(ip);
      if (key === undefined) return undefined;
      const c = countrySource.get(key);
      if (asnSource === undefined || asnSource === countrySource) return shared(c);
      const a = asnSource.get(key);
      const useA = a?.asn !== undefined && (asnFirst || c?.asn === undefined);
      const result: GeoIpResult = {};
      if (c?.country !== undefined) result.country = c.country;
      const from = useA ? a : c;
      if (from?.asn !== undefined) result.asn = from.asn;
      if (from?.org !== undefined) result.org = from.org;
      return result.country === undefined && result.asn === undefined && result.org === undefined ? undefined : shared(result);
    },
    close(): void {
      countrySource = undefined;
      asnSource = undefined;
    },
  };
}

/** A table of ids as `settleGeoIp` reads it (a HitStore's StringTable fits). */
export interface IdTable {
  readonly values: readonly string[];
  /** The index of an id in `values`, or -1. */
  find(id: string): number;
}

/** `geo`'s description plus the answers it gave for a fixed table of ids. */
export interface SettledGeoIp extends GeoIpDescription {
  /** The answer for an id of the table (shared objects, as GeoIp.lookup's); undefined for any other id. */
  lookup(ip: string): Readonly<GeoIpResult> | undefined;
}

/**
 * Looks every id of `ids` up once and closes `geo`: a report is then built from those answers
 * alone, without the databases in memory (the bundled ones take ~25 MB, a tenth of an audit's
 * peak RSS on the bench corpus, #4).
 */
export function settleGeoIp(geo: GeoIp, ids: IdTable): SettledGeoIp {
  const answers = ids.values.map((id) => geo.lookup(id));
  geo.close();
  return {
    info: geo.info,
    asnInfo: geo.asnInfo,
    lookup: (ip) => {
      const code = ids.find(ip);
      return code < 0 ? undefined : answers[code];
    },
  };
}

/** One opened database behind a common lookup on canonical keys. */
interface Source {
  info: GeoIpInfo;
  get(key: string): GeoIpResult | undefined;
}
interface MmdbSource extends Source {
  reader: Reader<Response>;
}

async function openMmdb(file: string, name: string): Promise<MmdbSource> {
  let reader: Reader<Response>;
  try {
    reader = await open<Response>(file);
  } catch (err) {
    throw cannotOpen(file, err);
  }
  const meta = reader.metadata;
  const epoch = meta.buildEpoch instanceof Date ? meta.buildEpoch.getTime() : Number.NaN;
  const info: GeoIpInfo = {
    database: name,
    buildDate: Number.isFinite(epoch) ? new Date(epoch).toISOString().slice(0, 10) : undefined,
    type: typeof meta.databaseType === 'string' ? meta.databaseType : '',
  };
  // An IPv4-only tree would walk an IPv6 address's first 32 bits and answer for the wrong host.
  const ipv4Only = meta.ipVersion === 4;
  return {
    info,
    reader,
    get(key: string): GeoIpResult | undefined {
      if (ipv4Only && key.includes(':')) return undefined;
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

function tableSource(table: AsnTable): Source {
  return {
    info: { database: BUNDLED_ASN, buildDate: table.info.buildDate, type: 'asn' },
    get(key: string): GeoIpResult | undefined {
      const r = table.lookup(key);
      if (r === undefined) return undefined;
      return r.org === undefined ? { asn: r.asn } : { asn: r.asn, org: r.org };
    },
  };
}

/** The first `dir/name` that is a regular file, directories in order, names in order. */
async function findFirst(dirs: readonly string[], names: readonly string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    for (const name of names) {
      const file = path.join(dir, name);
      const st = await stat(file).catch(() => undefined);
      if (st?.isFile() === true) return file;
    }
  }
  return undefined;
}

/**
 * The address to look up for an id, in canonical form, or undefined when the id is not an IP
 * or not globally routable (ipaddr.js `range()` other than `unicast`, which excludes private,
 * loopback, link-local, CGNAT, multicast, reserved and documentation ranges).
 */
export function lookupKey(id: string): string | undefined {
  // A dotted quad is its own canonical form: no ipaddr.js parsing for nearly every id (#4).
  const q = dottedQuad(id);
  if (q >= 0) return isUnicastQuad(q) ? id : undefined;
  // (dottedQuad reads exactly ipaddr.js's four-part decimal form: no other IPv4 spelling is an id.)
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

/**
 * Returns a copy of the report with the country, ASN and organisation of every address it
 * lists (`ips`, `collateral`, `compromises`) filled from `geo`, and `geoip` naming the databases.
 */
export function enrichReport(report: Report, geo: GeoIp): Report {
  const fill = <T extends { ip: string }>(entry: T): T => {
    const found = geo.lookup(entry.ip);
    return { ...entry, country: found?.country, asn: found?.asn, org: found?.org };
  };
  const out: Report = { ...report, ips: report.ips.map(fill), geoip: describeGeoIp(geo) };
  if (report.collateral !== undefined) out.collateral = report.collateral.map(fill);
  if (report.compromises !== undefined) out.compromises = report.compromises.map(fill);
  return out;
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
