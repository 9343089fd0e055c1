// A compact, read-only IP → (ASN, organisation) table: sorted range starts in typed arrays,
// binary-searched per lookup, built from ip-location-db's numeric CSVs and read back with no
// parsing beyond a small JSON header. Invariant: starts strictly increase; a range runs until
// the next start, and gaps are explicit entries with index 0 (unknown).
import { dottedQuad } from './dotted-quad.js';

/** Where the table's data came from, as reports show it. */
export interface AsnTableInfo {
  /** Package (or file) the data was built from. */
  source: string;
  /** Version of that package, when known. */
  version: string | undefined;
  /** `YYYY-MM-DD` date of the data, when known. */
  buildDate: string | undefined;
}

/** A loaded table. */
export interface AsnTable {
  readonly info: AsnTableInfo;
  /** ASN and organisation of a canonical address (`1.2.3.4`, `2001:db8::1`); undefined when unknown. */
  lookup(address: string): { asn: number; org: string | undefined } | undefined;
}

const MAGIC = 'BRASN001';
const V6_WORDS = 4;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

interface Header extends AsnTableInfo {
  v4: number;
  v6: number;
  asns: number;
  orgs: number;
  orgBytes: number;
}

/** The `YYYY-MM-DD` encoded in an ip-location-db version such as `2.3.2026061719`. */
export function dateFromVersion(version: string): string | undefined {
  const m = /(\d{4})(\d{2})(\d{2})\d{2}$/.exec(version);
  return m === null ? undefined : `${m[1]}-${m[2]}-${m[3]}`;
}

/**
 * Builds the binary table from ip-location-db's `asn-ipv4-num.csv` and `asn-ipv6-num.csv`
 * texts (`start,end,asn,organisation`, numbers in decimal, organisation CSV-quoted when needed).
 */
export function buildAsnTable(v4Csv: string, v6Csv: string, info: AsnTableInfo): Uint8Array {
  const asnIndex = new Map<number, number>(); // asn → index + 1
  const asnNums: number[] = [];
  const asnOrgs: number[] = [];
  const orgIndex = new Map<string, number>();
  const orgs: string[] = [];
  const indexOf = (asn: number, org: string): number => {
    let i = asnIndex.get(asn);
    if (i === undefined) {
      let o = orgIndex.get(org);
      if (o === undefined) {
        o = orgs.length;
        orgs.push(org);
        orgIndex.set(org, o);
      }
      asnNums.push(asn);
      asnOrgs.push(o);
      i = asnNums.length;
      asnIndex.set(asn, i);
    }
    return i;
  };

  const v4 = ranges(v4Csv, 1, indexOf);
  const v6 = ranges(v6Csv, V6_WORDS, indexOf);
  const orgBlob = Buffer.from(orgs.join(''), 'utf8');
  const orgOff = new Uint32Array(orgs.length + 1);
  let off = 0;
  orgs.forEach((o, i) => {
    orgOff[i] = off;
    off += Buffer.byteLength(o, 'utf8');
  });
  orgOff[orgs.length] = off;

  const header: Header = {
    ...info,
    v4: v4.idx.length,
    v6: v6.idx.length,
    asns: asnNums.length,
    orgs: orgs.length,
    orgBytes: orgBlob.length,
  };
  let head = Buffer.from(JSON.stringify(header), 'utf8');
  // Pad the header so every typed array after it starts 4-byte aligned.
  const pad = (4 - ((MAGIC.length + 4 + head.length) % 4)) % 4;
  head = Buffer.concat([head, Buffer.alloc(pad, 0x20)]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  return Buffer.concat([
    Buffer.from(MAGIC, 'latin1'),
    len,
    head,
    le(Uint32Array.from(v4.starts)),
    le(Uint32Array.from(v4.idx)),
    le(Uint32Array.from(v6.starts)),
    le(Uint32Array.from(v6.idx)),
    le(Uint32Array.from(asnNums)),
    le(Uint32Array.from(asnOrgs)),
    le(orgOff),
    orgBlob,
  ]);
}

/** Reads a table written by buildAsnTable; throws Error on anything else. */
export function readAsnTable(bytes: Uint8Array): AsnTable {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new Error('not a banreplay ASN table');
  }
  const headLen = buf.readUInt32LE(MAGIC.length);
  let pos = MAGIC.length + 4;
  const h = JSON.parse(buf.toString('utf8', pos, pos + headLen)) as Header;
  pos += headLen;
  const take = (n: number): Uint32Array => {
    const a = u32(buf, pos, n);
    pos += n * 4;
    return a;
  };
  const v4Starts = take(h.v4);
  const v4Idx = take(h.v4);
  const v6Starts = take(h.v6 * V6_WORDS);
  const v6Idx = take(h.v6);
  const asnNums = take(h.asns);
  const asnOrgs = take(h.asns);
  const orgOff = take(h.orgs + 1);
  const orgBase = pos;
  if (orgBase + h.orgBytes > buf.length) throw new Error('truncated ASN table');
  const orgCache = new Map<number, string>();
  const orgName = (o: number): string | undefined => {
    let s = orgCache.get(o);
    if (s === undefined) {
      s = buf.toString('utf8', orgBase + orgOff[o]!, orgBase + orgOff[o + 1]!);
      orgCache.set(o, s);
    }
    return s === '' ? undefined : s;
  };
  const answer = (i: number): { asn: number; org: string | undefined } | undefined => {
    if (i === 0) return undefined;
    return { asn: asnNums[i - 1]!, org: orgName(asnOrgs[i - 1]!) };
  };
  const info: AsnTableInfo = { source: h.source, version: h.version ?? undefined, buildDate: h.buildDate ?? undefined };
  return {
    info,
    lookup(address: string) {
      if (address.includes(':')) {
        const w = ipv6Words(address);
        if (w === undefined) return undefined;
        // Last start <= w, comparing 4-word big-endian keys.
        let lo = 0;
        let hi = h.v6 - 1;
        let found = -1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          if (compareWords(v6Starts, mid * V6_WORDS, w) <= 0) {
            found = mid;
            lo = mid + 1;
          } else hi = mid - 1;
        }
        return found < 0 ? undefined : answer(v6Idx[found]!);
      }
      // A canonical dotted quad, as lookupKey gives it.
      const n = dottedQuad(address);
      if (n < 0) return undefined;
      let lo = 0;
      let hi = h.v4 - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (v4Starts[mid]! <= n) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found < 0 ? undefined : answer(v4Idx[found]!);
    },
  };
}

// ---- building ------------------------------------------------------------------------------

/** Sorted, gap-filled range starts (each `words` 32-bit words, big-endian) and their indices. */
function ranges(
  csv: string,
  words: number,
  indexOf: (asn: number, org: string) => number,
): { starts: number[]; idx: number[] } {
  const rows: Array<{ start: bigint; end: bigint; i: number }> = [];
  let at = 0;
  while (at < csv.length) {
    let nl = csv.indexOf('\n', at);
    if (nl < 0) nl = csv.length;
    const line = csv.charCodeAt(nl - 1) === 13 ? csv.slice(at, nl - 1) : csv.slice(at, nl);
    at = nl + 1;
    if (line === '') continue;
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    const c = line.indexOf(',', b + 1);
    if (a < 0 || b < 0 || c < 0) continue;
    const asn = Number(line.slice(b + 1, c));
    if (!Number.isSafeInteger(asn) || asn <= 0 || asn > 0xffffffff) continue;
    rows.push({ start: BigInt(line.slice(0, a)), end: BigInt(line.slice(a + 1, b)), i: indexOf(asn, unquote(line.slice(c + 1))) });
  }
  rows.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  const starts: number[] = [];
  const idx: number[] = [];
  const push = (start: bigint, i: number): void => {
    for (let w = words - 1; w >= 0; w--) starts.push(Number((start >> BigInt(w * 32)) & 0xffffffffn));
    idx.push(i);
  };
  let next = 0n; // first address not covered yet
  let lastIdx = -1;
  for (const r of rows) {
    let start = r.start;
    if (r.end < next) continue; // wholly inside the previous range
    if (start < next) start = next; // overlap: the earlier range keeps its addresses
    if (start > next) {
      push(next, 0);
      lastIdx = 0;
    }
    if (r.i !== lastIdx) {
      push(start, r.i);
      lastIdx = r.i;
    }
    next = r.end + 1n;
  }
  const top = 1n << BigInt(words * 32);
  if (next < top) push(next, 0);
  return { starts, idx };
}

/** The value of one CSV field (RFC 4180 quoting). */
function unquote(field: string): string {
  if (field.startsWith('"') && field.endsWith('"') && field.length >= 2) return field.slice(1, -1).replaceAll('""', '"');
  return field;
}

function le(a: Uint32Array): Buffer {
  const b = Buffer.alloc(a.length * 4);
  for (let i = 0; i < a.length; i++) b.writeUInt32LE(a[i]!, i * 4);
  return b;
}

// ---- reading -------------------------------------------------------------------------------

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function u32(buf: Buffer, pos: number, n: number): Uint32Array {
  if (pos + n * 4 > buf.length) throw new Error('truncated ASN table');
  const abs = buf.byteOffset + pos;
  // A view costs nothing; copy only when alignment or byte order forbid one.
  if (LITTLE_ENDIAN && abs % 4 === 0) return new Uint32Array(buf.buffer, abs, n);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = buf.readUInt32LE(pos + i * 4);
  return out;
}

function compareWords(starts: Uint32Array, at: number, w: readonly number[]): number {
  for (let k = 0; k < V6_WORDS; k++) {
    const d = starts[at + k]! - w[k]!;
    if (d !== 0) return d;
  }
  return 0;
}


/** A canonical or compressed IPv6 address (no zone, no embedded IPv4) as four 32-bit words. */
function ipv6Words(address: string): number[] | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!HEX_GROUP.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  const w: number[] = [];
  for (let k = 0; k < 8; k += 2) w.push(all[k]! * 65536 + all[k + 1]!);
  return w;
}
