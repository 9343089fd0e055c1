// Tests for the compact ASN table (issue #6): CSV → binary → lookups, gaps and overlaps,
// IPv6 keys, quoted organisations, the header, and the bundled table built from the package.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAsnTable, dateFromVersion, readAsnTable } from '../../../src/enrich/asn-table.js';
import { BUNDLED_ASN, buildBundledAsnTable, loadBundledAsn } from '../../../src/enrich/bundled-asn.js';

const ip4 = (s: string): number => s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const ip6 = (s: string): bigint => {
  const [head = '', tail = ''] = s.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
};

const V4 = [
  `${ip4('1.0.0.0')},${ip4('1.0.0.255')},13335,"Cloudflare, Inc."`,
  `${ip4('1.0.4.0')},${ip4('1.0.7.255')},38803,Gtelecom Pty Ltd`,
  // Overlaps the next range: the earlier range keeps its addresses.
  `${ip4('5.0.0.0')},${ip4('5.0.1.255')},64500,"Quoted ""Name"""`,
  `${ip4('5.0.1.0')},${ip4('5.0.2.255')},64501,Second`,
  `${ip4('255.255.255.0')},${ip4('255.255.255.255')},64502,Top`,
].join('\n');
const V6 = [
  `${ip6('2001:4860::')},${ip6('2001:4860:ffff:ffff:ffff:ffff:ffff:ffff')},15169,Google LLC`,
  `${ip6('2a03:2880::')},${ip6('2a03:2880:ffff:ffff:ffff:ffff:ffff:ffff')},32934,"Facebook, Inc."`,
].join('\r\n') + '\r\n';

describe('asn table', () => {
  const table = readAsnTable(buildAsnTable(V4, V6, { source: 'test', version: '1.0.2026010203', buildDate: '2026-01-02' }));

  it('answers inside ranges and nothing in gaps', () => {
    assert.deepEqual(table.lookup('1.0.0.0'), { asn: 13335, org: 'Cloudflare, Inc.' });
    assert.deepEqual(table.lookup('1.0.0.255'), { asn: 13335, org: 'Cloudflare, Inc.' });
    assert.equal(table.lookup('1.0.1.0'), undefined);
    assert.deepEqual(table.lookup('1.0.7.255'), { asn: 38803, org: 'Gtelecom Pty Ltd' });
    assert.equal(table.lookup('1.0.8.0'), undefined);
    assert.equal(table.lookup('0.0.0.1'), undefined);
    assert.deepEqual(table.lookup('255.255.255.255'), { asn: 64502, org: 'Top' });
  });

  it('resolves overlaps in favour of the earlier range and unquotes CSV fields', () => {
    assert.deepEqual(table.lookup('5.0.1.7'), { asn: 64500, org: 'Quoted "Name"' });
    assert.deepEqual(table.lookup('5.0.2.7'), { asn: 64501, org: 'Second' });
  });

  it('answers IPv6 addresses, compressed or not', () => {
    assert.deepEqual(table.lookup('2001:4860:4860::8888'), { asn: 15169, org: 'Google LLC' });
    assert.deepEqual(table.lookup('2001:4860:0:0:0:0:0:1'), { asn: 15169, org: 'Google LLC' });
    assert.equal(table.lookup('2001:4861::1')?.asn, undefined);
    assert.equal(table.lookup('2a03:2880:f003:c07:face:b00c::2')?.asn, 32934);
    assert.equal(table.lookup('::1'), undefined);
  });

  it('rejects what is not an address', () => {
    for (const bad of ['', 'x', '1.2.3', '1.2.3.256', '1.2.3.4.5', '2001:::1', '1:2:3:4:5:6:7:8:9', 'g::1']) {
      assert.equal(table.lookup(bad), undefined, bad);
    }
  });

  it('carries its source in the header and refuses other files', () => {
    assert.deepEqual(table.info, { source: 'test', version: '1.0.2026010203', buildDate: '2026-01-02' });
    assert.throws(() => readAsnTable(Buffer.from('MaxMind.com')), /not a banreplay ASN table/);
    const bytes = buildAsnTable(V4, V6, { source: 't', version: undefined, buildDate: undefined });
    assert.throws(() => readAsnTable(bytes.subarray(0, bytes.length - 10)), /truncated/);
  });

  it('reads a table that is not 4-byte aligned in memory', () => {
    const bytes = buildAsnTable(V4, V6, { source: 't', version: undefined, buildDate: undefined });
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    assert.equal(readAsnTable(shifted).lookup('1.0.0.9')?.asn, 13335);
  });

  it('reads the data date out of an ip-location-db version', () => {
    assert.equal(dateFromVersion('2.3.2026061719'), '2026-06-17');
    assert.equal(dateFromVersion('1.0.0'), undefined);
  });
});

describe('bundled asn table', () => {
  it('is built from the installed package and answers for well-known networks', async () => {
    const built = readAsnTable(buildBundledAsnTable());
    assert.equal(built.info.source, BUNDLED_ASN);
    assert.match(built.info.buildDate ?? '', /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(built.lookup('8.8.8.8')?.asn, 15169);
    assert.equal(built.lookup('2001:4860:4860::8888')?.asn, 15169);
    // The loader gives the same answers, from dist/data when built there, else from the CSVs.
    const loaded = await loadBundledAsn();
    assert.deepEqual(loaded.lookup('1.1.1.1'), built.lookup('1.1.1.1'));
    assert.equal(loaded.info.buildDate, built.info.buildDate);
  });
});
