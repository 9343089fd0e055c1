// Tests for GeoIP enrichment: the bundled database on stable well-known addresses, ranges
// that are never looked up, record shapes of other databases (through tiny mmdb files this
// test writes itself), open errors, and enrichReport.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUNDLED_ASN } from '../../../src/enrich/bundled-asn.js';
import {
  BUNDLED_DATABASE,
  bundledDatabasePath,
  enrichReport,
  lookupKey,
  openGeoIp,
  readGeoRecord,
  settleGeoIp,
} from '../../../src/enrich/geoip.js';
import { BUNDLED_KEYWORD, checkGeoIpFiles } from '../../../src/enrich/check-geoip-files.js';
import { StringTable } from '../../../src/pipeline/hit-store.js';
import type { GeoIp } from '../../../src/enrich/geoip.js';
import { ConfigError } from '../../../src/errors.js';
import type { Report, ReportIp } from '../../../src/types.js';

// ---- a minimal MaxMind DB writer (IPv4 tree, 24-bit records), enough to exercise shapes ----

type Value = string | number | bigint | Value[] | { [k: string]: Value };

function encode(v: Value): Buffer {
  const ctrl = (type: number, size: number): Buffer => {
    if (size >= 29 + 256) throw new Error('test writer: size too large');
    const [low, extra] = size < 29 ? [size, []] : [29, [size - 29]];
    // Extended types put their type byte right after the control byte, before extra size bytes.
    return Buffer.from(type <= 7 ? [(type << 5) | low, ...extra] : [low, type - 7, ...extra]);
  };
  const uint = (type: number, n: bigint): Buffer => {
    const bytes: number[] = [];
    for (let x = n; x > 0n; x >>= 8n) bytes.unshift(Number(x & 0xffn));
    return Buffer.concat([ctrl(type, bytes.length), Buffer.from(bytes)]);
  };
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([ctrl(2, b.length), b]);
  }
  if (typeof v === 'number') return uint(6, BigInt(v)); // uint32
  if (typeof v === 'bigint') return uint(9, v); // uint64
  if (Array.isArray(v)) return Buffer.concat([ctrl(11, v.length), ...v.map(encode)]);
  const entries = Object.entries(v);
  return Buffer.concat([ctrl(7, entries.length), ...entries.flatMap(([k, x]) => [encode(k), encode(x)])]);
}

function writeMmdb(file: string, type: string, networks: Array<[cidr: string, data: Value]>, buildEpoch = 1_700_000_000n): void {
  type Slot = { node: number } | { data: number } | undefined;
  const nodes: Array<[Slot, Slot]> = [[undefined, undefined]];
  const data: Buffer[] = [];
  let dataSize = 0;
  for (const [cidr, value] of networks) {
    const [addr = '', len = '32'] = cidr.split('/');
    const bits = addr.split('.').reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
    const prefix = Number(len);
    let node = 0;
    for (let depth = 0; depth < prefix; depth++) {
      const bit = Number((bits >> BigInt(31 - depth)) & 1n);
      const here = nodes[node]!;
      if (depth === prefix - 1) {
        here[bit] = { data: dataSize };
      } else {
        const next = here[bit];
        if (next === undefined || !('node' in next)) {
          nodes.push([undefined, undefined]);
          here[bit] = { node: nodes.length - 1 };
        }
        node = (here[bit] as { node: number }).node;
      }
    }
    const enc = encode(value);
    data.push(enc);
    dataSize += enc.length;
  }
  const n = nodes.length;
  const tree = Buffer.alloc(n * 6);
  const rec = (s: Slot): number => (s === undefined ? n : 'node' in s ? s.node : n + 16 + s.data);
  nodes.forEach(([l, r], i) => {
    tree.writeUIntBE(rec(l), i * 6, 3);
    tree.writeUIntBE(rec(r), i * 6 + 3, 3);
  });
  const metadata = encode({
    node_count: n,
    record_size: 24,
    ip_version: 4,
    database_type: type,
    languages: [],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: buildEpoch,
    description: {},
  });
  const marker = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com')]);
  writeFileSync(file, Buffer.concat([tree, Buffer.alloc(16), ...data, marker, metadata]));
}

// ---- fixtures ----------------------------------------------------------------------------------

function reportWith(ips: string[]): Report {
  const ip = (addr: string): ReportIp => ({
    ip: addr,
    country: 'ZZ',
    asn: undefined,
    org: undefined,
    failures: 1,
    blocked: 0,
    bans: 0,
    jails: ['j'],
    firstBan: undefined,
    lastBan: undefined,
    first: Date.UTC(2024, 0, 1),
    last: Date.UTC(2024, 0, 1),
    usernames: [],
  });
  return {
    schema: 1,
    files: [],
    span: { first: undefined, last: undefined },
    jails: [],
    ips: ips.map(ip),
    usernames: [],
    stats: { files: 0, lines: 0, noTime: 0, overlong: 0, failures: 0, successes: 0, bannedIps: 0, banEvents: 0, blocked: 0 },
    geoip: undefined,
  };
}

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'banreplay-geoip-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

// ---- the bundled database --------------------------------------------------------------------

describe('openGeoIp with the bundled database', () => {
  let geo: GeoIp;
  before(async () => {
    geo = await openGeoIp({ searchDirs: [] });
  });

  it('answers for stable, well-known public addresses', () => {
    // Resolvers and national carriers whose allocation has not moved in decades.
    // Country from the bundled mmdb, ASN and organisation from the bundled ASN table.
    assert.deepEqual(geo.lookup('8.8.8.8'), { country: 'US', asn: 15169, org: 'Google LLC' }); // Google Public DNS
    assert.deepEqual(geo.lookup('2001:4860:4860::8888'), { country: 'US', asn: 15169, org: 'Google LLC' }); // same, IPv6
    assert.equal(geo.lookup('1.1.1.1')?.asn, 13335); // Cloudflare
    assert.equal(geo.lookup('1.1.1.1')?.country, 'AU'); // APNIC-registered (research prefix)
    assert.equal(geo.lookup('194.25.0.60')?.country, 'DE'); // Deutsche Telekom resolver
    assert.equal(geo.lookup('200.160.0.8')?.country, 'BR'); // NIC.br
    assert.equal(geo.lookup('61.135.169.121')?.country, 'CN'); // China Unicom Beijing
  });

  it('hands out one shared object per distinct answer', () => {
    // Callers keep one answer per address: a million addresses, a few thousand answers.
    assert.equal(geo.lookup('8.8.8.8'), geo.lookup('8.8.4.4'));
    assert.equal(geo.lookup('8.8.8.8'), geo.lookup('2001:4860:4860::8888'));
    assert.notEqual(geo.lookup('8.8.8.8'), geo.lookup('1.1.1.1'));
  });

  it('judges an IPv4-mapped IPv6 address as its IPv4 address', () => {
    assert.equal(geo.lookup('::ffff:8.8.8.8')?.country, 'US');
    assert.equal(geo.lookup('::ffff:192.168.1.1'), undefined);
  });

  it('never looks up documentation, private and other special ranges', () => {
    // The database itself answers for some of these (203.0.113.0/24 → AU), hence the guard.
    for (const addr of [
      '192.0.2.1',
      '198.51.100.7',
      '203.0.113.5',
      '2001:db8::1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '::1',
      '169.254.1.1',
      'fe80::1',
      'fe80::1%eth0',
      '100.64.0.1',
      '224.0.0.1',
      'ff02::1',
      'fc00::1',
      '0.0.0.0',
      '::',
      '255.255.255.255',
      '240.0.0.1',
    ]) {
      assert.equal(geo.lookup(addr), undefined, addr);
    }
  });

  it('returns undefined for ids that are not IP addresses', () => {
    for (const id of ['', 'mail.example.com', 'user@example.com', '8.8.8', '8.8.8.8.8', '08.8.8.8', '0x08080808', '8.8.8.8/32', '[::1]']) {
      assert.equal(geo.lookup(id), undefined, id);
    }
  });

  it('describes the database from its metadata', () => {
    assert.equal(geo.info.database, BUNDLED_DATABASE);
    assert.match(geo.info.buildDate ?? '', /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(geo.info.type, 'country ipvAll');
  });

  it('opens the same file when given its path explicitly', async () => {
    const explicit = await openGeoIp({ database: bundledDatabasePath(), searchDirs: [], asn: false });
    assert.equal(explicit.info.database, bundledDatabasePath());
    assert.equal(explicit.info.buildDate, geo.info.buildDate);
    assert.equal(explicit.asnInfo, undefined);
    assert.deepEqual(explicit.lookup('8.8.8.8'), { country: 'US' });
  });

  it('enriches every address of a report and records the database', () => {
    const report = reportWith(['8.8.8.8', '192.0.2.1', 'not-an-ip']);
    const enriched = enrichReport(report, geo);
    assert.deepEqual(
      enriched.ips.map((i) => [i.ip, i.country, i.asn, i.org]),
      [
        ['8.8.8.8', 'US', 15169, 'Google LLC'],
        ['192.0.2.1', undefined, undefined, undefined],
        ['not-an-ip', undefined, undefined, undefined],
      ],
    );
    assert.deepEqual(enriched.geoip, {
      database: BUNDLED_DATABASE,
      buildDate: geo.info.buildDate,
      asn: { database: BUNDLED_ASN, buildDate: geo.asnInfo?.buildDate },
    });
    assert.match(geo.asnInfo?.buildDate ?? '', /^\d{4}-\d{2}-\d{2}$/);
    // The input report is left as it was.
    assert.equal(report.ips[0]?.country, 'ZZ');
    assert.equal(report.geoip, undefined);
  });
});

// ---- other database shapes ------------------------------------------------------------------

describe('openGeoIp with other database shapes', () => {
  it('reads GeoLite2 Country/City records (country.iso_code, registered_country fallback)', async () => {
    const file = path.join(dir, 'city.mmdb');
    writeMmdb(file, 'GeoLite2-City', [
      ['81.2.69.0/24', { city: { names: { en: 'London' } }, country: { iso_code: 'GB', names: { en: 'United Kingdom' } } }],
      ['2.125.160.0/24', { registered_country: { iso_code: 'de' } }],
      ['5.6.7.0/24', { city: { names: { en: 'Nowhere' } } }],
    ], 1_718_236_800n);
    const geo = await openGeoIp({ database: file, searchDirs: [], asn: false });
    assert.deepEqual(geo.lookup('81.2.69.160'), { country: 'GB' });
    assert.deepEqual(geo.lookup('2.125.160.216'), { country: 'DE' });
    assert.equal(geo.lookup('5.6.7.8'), undefined, 'a record without usable fields');
    assert.equal(geo.lookup('9.9.9.9'), undefined, 'an address the database does not know');
    assert.equal(geo.lookup('2001:4860:4860::8888'), undefined, 'IPv6 against an IPv4-only tree');
    assert.deepEqual(geo.info, { database: file, buildDate: '2024-06-13', type: 'GeoLite2-City' });
  });

  it('reads GeoLite2 ASN records', async () => {
    const file = path.join(dir, 'asn.mmdb');
    writeMmdb(file, 'GeoLite2-ASN', [
      ['1.128.0.0/11', { autonomous_system_number: 1221, autonomous_system_organization: 'Telstra Limited' }],
    ]);
    const geo = await openGeoIp({ database: file, searchDirs: [] });
    // An ASN database given as --geoip-db answers ASNs itself; no second ASN source.
    assert.deepEqual(geo.lookup('1.128.0.1'), { asn: 1221, org: 'Telstra Limited' });
    assert.equal(geo.asnInfo?.database, file);
    const enriched = enrichReport(reportWith(['1.128.0.1']), geo);
    assert.deepEqual([enriched.ips[0]?.country, enriched.ips[0]?.asn, enriched.ips[0]?.org], [undefined, 1221, 'Telstra Limited']);
  });
});

describe('readGeoRecord', () => {
  it('reads each known shape', () => {
    assert.deepEqual(readGeoRecord({ country_code: 'us' }), { country: 'US' });
    assert.deepEqual(readGeoRecord({ country: { iso_code: 'FR' }, registered_country: { iso_code: 'DE' } }), { country: 'FR' });
    assert.deepEqual(readGeoRecord({ asn: 'AS15169', as_name: 'Google LLC', country_code: 'US' }), {
      country: 'US',
      asn: 15169,
      org: 'Google LLC',
    });
  });

  it('ignores malformed fields instead of passing them on', () => {
    assert.equal(readGeoRecord(null), undefined);
    assert.equal(readGeoRecord('US'), undefined);
    assert.equal(readGeoRecord([]), undefined);
    assert.equal(readGeoRecord({ country_code: 'United States', asn: 'none', autonomous_system_number: -3 }), undefined);
    assert.equal(readGeoRecord({ country: 'US' }), undefined, 'a bare country string is a name, not a code');
  });
});

describe('lookupKey', () => {
  it('canonicalises addresses and drops zone indexes', () => {
    assert.equal(lookupKey('8.8.8.8'), '8.8.8.8');
    assert.equal(lookupKey('2001:4860:4860:0:0:0:0:8888'), '2001:4860:4860::8888');
    assert.equal(lookupKey('2001:4860:4860::8888%eth0'), '2001:4860:4860::8888');
    assert.equal(lookupKey('::ffff:8.8.4.4'), '8.8.4.4');
  });
});

describe('settleGeoIp', () => {
  it('answers for a table of ids as the open databases did, then closes them', async () => {
    const geo = await openGeoIp({ searchDirs: [] });
    const ids = new StringTable(true);
    const all = ['8.8.8.8', '2001:4860:4860::8888', '192.0.2.1', 'mail.example.org', '1.1.1.1', '8.8.4.4'];
    for (const id of all) ids.intern(id);
    const expected = all.map((id) => geo.lookup(id));
    const settled = settleGeoIp(geo, ids);
    assert.throws(() => geo.lookup('8.8.8.8'), /after close/, 'the databases are let go');
    assert.deepEqual(all.map((id) => settled.lookup(id)), expected);
    assert.equal(settled.lookup('8.8.8.8'), settled.lookup('8.8.4.4'), 'answers stay shared');
    assert.equal(settled.lookup('9.9.9.9'), undefined, 'an id outside the table has no answer');
    assert.deepEqual([settled.info.database, settled.asnInfo?.database], [BUNDLED_DATABASE, BUNDLED_ASN]);
  });
});

describe('checkGeoIpFiles', () => {
  it('fails as opening would for a named database that cannot be read, and reads nothing else', async () => {
    const missing = path.join(dir, 'missing.mmdb');
    await assert.rejects(checkGeoIpFiles({ database: missing }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.file, missing);
      assert.match(err.message, /cannot open GeoIP database: no such file/);
      return true;
    });
    await assert.rejects(checkGeoIpFiles({ asnDatabase: dir }), /cannot open GeoIP database: is a directory/);
    // Not a database is only found out by opening it; the bundled keyword names no file.
    const notDb = path.join(dir, 'not-a-db.mmdb');
    writeFileSync(notDb, 'plain text\n');
    await checkGeoIpFiles({ database: notDb, asnDatabase: BUNDLED_KEYWORD });
    await checkGeoIpFiles({});
  });
});

describe('openGeoIp errors', () => {
  it('reports a missing file as a ConfigError naming it', async () => {
    const file = path.join(dir, 'missing.mmdb');
    await assert.rejects(openGeoIp({ database: file, searchDirs: [] }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.file, file);
      assert.match(err.message, /cannot open GeoIP database: no such file/);
      return true;
    });
  });

  it('reports a file that is not an mmdb as a ConfigError', async () => {
    const file = path.join(dir, 'not.mmdb');
    writeFileSync(file, 'this is a CSV, not a database\n1.0.0.0,1.0.0.255,AU\n');
    await assert.rejects(openGeoIp({ database: file, searchDirs: [] }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /not a readable MaxMind DB file/);
      return true;
    });
  });

  it('reports a directory as a ConfigError', async () => {
    await assert.rejects(openGeoIp({ database: dir, searchDirs: [] }), ConfigError);
    await assert.rejects(openGeoIp({ asnDatabase: path.join(dir, 'nope.mmdb'), searchDirs: [] }), ConfigError);
  });
});

// ---- ASN sources and geoipupdate directories (issue #6) --------------------------------------

describe('openGeoIp ASN sources', () => {
  it('takes --asn-db over the bundled ASN data and over ASN fields of the country database', async () => {
    const asnFile = path.join(dir, 'explicit-asn.mmdb');
    writeMmdb(asnFile, 'GeoLite2-ASN', [['8.8.8.0/24', { autonomous_system_number: 64500, autonomous_system_organization: 'Test AS' }]], 1_718_236_800n);
    const geo = await openGeoIp({ asnDatabase: asnFile, searchDirs: [] });
    assert.deepEqual(geo.lookup('8.8.8.8'), { country: 'US', asn: 64500, org: 'Test AS' });
    assert.equal(geo.lookup('1.1.1.1')?.asn, undefined, 'the named database does not know it');
    assert.deepEqual(geo.asnInfo, { database: asnFile, buildDate: '2024-06-13', type: 'GeoLite2-ASN' });
  });

  it('uses GeoLite2 files found in the geoipupdate directories, first directory first', async () => {
    const a = path.join(dir, 'geoip-a');
    const b = path.join(dir, 'geoip-b');
    mkdirSync(a);
    mkdirSync(b);
    writeMmdb(path.join(b, 'GeoLite2-City.mmdb'), 'GeoLite2-City', [['8.8.8.0/24', { country: { iso_code: 'NZ' } }]], 1_718_236_800n);
    writeMmdb(path.join(b, 'GeoLite2-ASN.mmdb'), 'GeoLite2-ASN', [['8.8.8.0/24', { autonomous_system_number: 64501, autonomous_system_organization: 'Found AS' }]]);
    writeMmdb(path.join(a, 'GeoLite2-Country.mmdb'), 'GeoLite2-Country', [['8.8.8.0/24', { country: { iso_code: 'CA' } }]], 1_718_236_800n);
    const geo = await openGeoIp({ searchDirs: [a, b] });
    assert.deepEqual(geo.lookup('8.8.8.8'), { country: 'CA', asn: 64501, org: 'Found AS' });
    assert.equal(geo.info.database, path.join(a, 'GeoLite2-Country.mmdb'));
    assert.equal(geo.info.buildDate, '2024-06-13');
    assert.equal(geo.asnInfo?.database, path.join(b, 'GeoLite2-ASN.mmdb'));
    assert.deepEqual(geo.warnings, []);
    // --geoip-db wins over a found country database; the found ASN database still answers.
    const named = await openGeoIp({ database: bundledDatabasePath(), searchDirs: [a, b] });
    assert.deepEqual(named.lookup('8.8.8.8'), { country: 'US', asn: 64501, org: 'Found AS' });
    // "bundled": the bundled data for both, whatever is installed; for ASN only with --asn-db.
    const bundled = await openGeoIp({ database: BUNDLED_KEYWORD, searchDirs: [a, b] });
    assert.deepEqual(bundled.lookup('8.8.8.8'), { country: 'US', asn: 15169, org: 'Google LLC' });
    assert.equal(bundled.info.database, BUNDLED_DATABASE);
    assert.equal(bundled.asnInfo?.database, BUNDLED_ASN);
    const bundledAsn = await openGeoIp({ asnDatabase: BUNDLED_KEYWORD, searchDirs: [a, b] });
    assert.deepEqual(bundledAsn.lookup('8.8.8.8'), { country: 'CA', asn: 15169, org: 'Google LLC' });
    assert.equal(bundledAsn.info.database, path.join(a, 'GeoLite2-Country.mmdb'));
  });

  it('skips a found database that cannot be read, with a warning, and falls back to the bundled data', async () => {
    const c = path.join(dir, 'geoip-c');
    mkdirSync(c);
    writeFileSync(path.join(c, 'GeoLite2-Country.mmdb'), 'not a database');
    writeFileSync(path.join(c, 'GeoLite2-ASN.mmdb'), 'not one either');
    const geo = await openGeoIp({ searchDirs: [c] });
    assert.equal(geo.info.database, BUNDLED_DATABASE);
    assert.equal(geo.asnInfo?.database, BUNDLED_ASN);
    assert.equal(geo.warnings.length, 2);
    assert.match(geo.warnings[0]!, /GeoLite2-Country\.mmdb: .*not a readable MaxMind DB file.*using the bundled database/);
    assert.deepEqual(geo.lookup('8.8.8.8'), { country: 'US', asn: 15169, org: 'Google LLC' });
  });

  it('looks nothing up for non-public addresses, in either source', async () => {
    const geo = await openGeoIp({ searchDirs: [] });
    for (const addr of ['192.0.2.1', '10.0.0.1', '2001:db8::1', 'fe80::1']) assert.equal(geo.lookup(addr), undefined, addr);
  });
});
