// fail2ban 1.0.2's own dovecot and postfix regexes, read at test time from an extracted
// package (BANREPLAY_F2B_DIR) — never committed — with banreplay's config loader, plus
// fail2ban's own tag expansion of them, obtained by running its Python module.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadFilter } from '../../src/config/load-filter.js';

/** One stock filter: regexes with tags, and as fail2ban expands them (usedns=no). */
export interface StockFilter {
  prefregex: string | null;
  failregex: string[];
  expanded: { prefregex: string | null; failregex: string[] };
}

const REFS = ['dovecot[mode=normal]', 'dovecot[mode=aggressive]', 'postfix[mode=more]', 'postfix[mode=auth]', 'postfix[mode=aggressive]'];
const PY_LIB = 'usr/lib/python3/dist-packages';

// Prints fail2ban's expansion (Regex._resolveHostTag plus its global-to-local flag rewrite).
const EXPAND_PY = `
import json, sys
from fail2ban.server import failregex as f
def exp(r):
    if r is None: return None
    r = f.Regex._resolveHostTag(r, useDns='no')
    if f.R_GLOB2LOCFLAGS: r = f.R_GLOB2LOCFLAGS[0].sub(f.R_GLOB2LOCFLAGS[1], r)
    return r
data = json.load(sys.stdin)
print(json.dumps({k: {'prefregex': exp(v['prefregex']), 'failregex': [exp(r) for r in v['failregex']]} for k, v in data.items()}))
`;

/** The stock filters keyed `dovecot[normal]`…, or the reason they are unavailable. */
export function loadStockMailFilters(): Record<string, StockFilter> | string {
  const root = process.env['BANREPLAY_F2B_DIR'];
  if (root === undefined || root === '') {
    return 'BANREPLAY_F2B_DIR is not set (point it at an extracted fail2ban package: apt-get download fail2ban && dpkg -x fail2ban_*.deb DIR)';
  }
  const filterDir = path.join(root, 'etc/fail2ban/filter.d');
  if (!existsSync(filterDir)) return `BANREPLAY_F2B_DIR=${root} has no etc/fail2ban/filter.d`;
  const raw: Record<string, { prefregex: string | null; failregex: string[] }> = {};
  for (const ref of REFS) {
    const def = loadFilter(ref, { filterDirs: [filterDir] });
    raw[ref.replace('mode=', '')] = { prefregex: def.prefregex ?? null, failregex: def.failregex };
  }
  const py = spawnSync('python3', ['-c', EXPAND_PY], {
    input: JSON.stringify(raw),
    env: { ...process.env, PYTHONPATH: path.join(root, PY_LIB) },
    encoding: 'utf8',
  });
  if (py.status !== 0) return `fail2ban's Python module could not run: ${py.stderr.trim().split('\n').pop() ?? ''}`;
  const expanded = JSON.parse(py.stdout) as Record<string, { prefregex: string | null; failregex: string[] }>;
  const out: Record<string, StockFilter> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = { ...v, expanded: expanded[k]! };
  return out;
}
