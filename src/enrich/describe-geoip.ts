// How a report names the GeoIP databases that answered. Kept apart from geoip.ts so the
// analysis can use it without loading the maxmind reader.
import type { Report, ReportDatabase } from '../types.js';

/** What `describeGeoIp` needs of an opened GeoIp. */
export interface GeoIpDescription {
  info: ReportDatabase;
  asnInfo: ReportDatabase | undefined;
}

/** The `geoip` field of a report for these databases. */
export function describeGeoIp(geo: GeoIpDescription): NonNullable<Report['geoip']> {
  const db = (i: ReportDatabase): ReportDatabase => ({ database: i.database, buildDate: i.buildDate });
  return geo.asnInfo === undefined ? db(geo.info) : { ...db(geo.info), asn: db(geo.asnInfo) };
}
