// fail2ban's compile-time tag expansion (server/failregex.py `Regex._resolveHostTag`)
// and its rewrite of `((?i)x)` into `(?i:x)`. Output is still Python syntax; the
// expansions below are fail2ban's own regexes, reproduced verbatim because ids,
// groups and the "No failure-id group" rule depend on their exact shape.

const IP4 = String.raw`(?:\d{1,3}\.){3}\d{1,3}`;
const IP6 = String.raw`(?:[0-9a-fA-F]{1,4}::?|::){1,7}(?:[0-9a-fA-F]{1,4}|(?<=:):)`;
const R_IP4 = String.raw`(?:::f{4,6}:)?(?P<ip4>${IP4})`;
const R_IP6 = String.raw`(?P<ip6>${IP6})`;
const R_DNS = String.raw`(?P<dns>[\w\-.^_]*\w)`;
const R_CIDR = String.raw`(?P<cidr>\d+)`;
const R_ADDR = String.raw`\[?(?:${R_IP4}|${R_IP6})\]?`;
const R_HOST = `(?:${R_ADDR}|${R_DNS})`;
const R_SUBNET = String.raw`\[?(?:${R_IP4}|${R_IP6})(?:/${R_CIDR})?\]?`;

// Static replacements (RH4TAG).
const STATIC_TAGS: ReadonlyMap<string, string> = new Map([
  ['IP4', R_IP4], ['F-IP4/', R_IP4],
  ['IP6', R_IP6], ['F-IP6/', R_IP6],
  ['ADDR', R_ADDR], ['F-ADDR/', R_ADDR],
  ['CIDR', R_CIDR], ['F-CIDR/', R_CIDR],
  ['SUBNET', R_SUBNET], ['F-SUBNET/', R_SUBNET],
  ['DNS', R_DNS], ['F-DNS/', R_DNS],
  ['F-ID/', String.raw`(?P<fid>\S+)`],
  ['F-PORT/', String.raw`(?P<fport>\w+)`],
]);

// Python's FTAG_CRE `</?[\w\-]+/?>` and FCUSTNAME_CRE; \w is Unicode in Python.
const FTAG = /<\/?[\p{L}\p{N}_\-]+\/?>/gu;
const FCUSTNAME = /^(\/?)F-([A-Z0-9_-]+)$/;
const GLOB2LOC = /(?<!\\)\((?:\?:)?(\(\?[a-z]+)\)/g;

/** Maps a custom tag name to its group name (`ID` → `fid`, `PORT` → `fport`, else lowercase). */
export function mapTagToGroup(tag: string): string {
  const t = tag.toLowerCase();
  return t === 'id' ? 'fid' : t === 'port' ? 'fport' : t;
}

/** Normalises a `usedns` value the way Filter.setUseDns does (unknown → `no`). */
export function normalizeUseDns(value: string): 'yes' | 'warn' | 'no' | 'raw' {
  const v = value.toLowerCase();
  return v === 'yes' || v === 'warn' || v === 'raw' ? v : 'no';
}

/** Expands fail2ban tags (`<HOST>`, `<F-USER>…</F-USER>`, `<SKIPLINES>`, ...) into Python regex syntax. */
export function expandTags(regex: string, opts: { usedns: string }): string {
  const useDns = normalizeUseDns(opts.usedns);
  const openTags = new Set<string>();
  let skipLines = 0;
  return regex.replace(FTAG, (tag) => {
    const tn = tag.slice(1, -1);
    if (tn === 'HOST') return useDns !== 'no' ? R_HOST : R_ADDR;
    if (tn === 'SKIPLINES') return String.raw`\n(?P<skiplines${skipLines++}>(?:(?:.*\n)*?))`;
    const fixed = STATIC_TAGS.get(tn);
    if (fixed !== undefined) return fixed;
    const m = FCUSTNAME.exec(tn);
    if (m === null) return tag;
    const name = m[2]!;
    if (m[1] === '/') {
      // A closing tag that was never opened stays literal (failregex.py:204-209).
      return openTags.has(name) ? ')' : tag;
    }
    openTags.add(name);
    return `(?P<${mapTagToGroup(name)}>`;
  });
}

/** fail2ban's R_GLOB2LOCFLAGS: `((?i)x)` and `(?:(?i)x)` become the scoped `(?i:x)`. */
export function scopeInlineFlags(regex: string): string {
  return regex.replace(GLOB2LOC, '$1:');
}
