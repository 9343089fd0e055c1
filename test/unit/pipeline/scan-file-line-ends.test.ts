// scanFile matches a line sliced with its own "\n" (LF files) and one given a "\n" (CRLF,
// UTF-8 and final lines) alike: the same hits and kept lines, whichever way a line ends, with
// the date at the start of the line or after blanks ({^LN-BEG} allows up to two).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { readReplayArgs } from '../../../src/cli/options.js';
import { resolveAuditConfig } from '../../../src/cli/resolve-config.js';
import { scanFile } from '../../../src/pipeline/scan-file.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FILTERS = path.join(ROOT, 'filters');
const SAMPLE = readFileSync(path.join(ROOT, 'samples', 'maillog'), 'utf8');

const tmp = mkdtempSync(path.join(tmpdir(), 'banreplay-line-ends-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const config = resolveAuditConfig(readReplayArgs({ paths: [tmp], now: '2026-01-15T14:33:00Z', timezone: 'UTC' }), FILTERS);

// Hits of `text` written as a file: rows as objects (raw lines kept) and the line count.
async function hitsOf(name: string, text: string, scan = config.scan) {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  const st = statSync(p);
  const r = await scanFile({ path: p, mtimeMs: st.mtimeMs, size: st.size }, 0, {
    ...scan,
    keepText: true,
    stdin: undefined,
    signal: undefined,
  });
  return { hits: r.hits, lines: r.stats.lines };
}

function rows(file: Awaited<ReturnType<typeof hitsOf>>['hits']) {
  const h = HitStore.adopt(file);
  const out = [];
  for (let i = 0; i < h.length; i++) {
    out.push({ jail: h.jail[i], kind: h.kind[i], id: h.ids.values[h.id[i]!], user: h.user[i] === 0 ? undefined : h.users.values[h.user[i]! - 1], time: h.time[i], line: h.line[i], text: h.texts?.get(i) });
  }
  return out;
}

const lines = SAMPLE.trimEnd().split('\n');
const variants = (body: string[]): Record<string, string> => ({
  lf: body.join('\n') + '\n',
  'lf, no final newline': body.join('\n'),
  crlf: body.join('\r\n') + '\r\n',
  mixed: body.map((l, i) => l + (i % 2 === 0 ? '\r\n' : '\n')).join(''),
});

describe('scanFile and line ends (#4)', () => {
  it('gives the same hits and kept lines for LF, CRLF, mixed and unterminated files', async () => {
    for (const [label, body] of [['date first', lines], ['date after leading blanks', lines.map((l) => '  ' + l)]] as const) {
      const results: [string, ReturnType<typeof rows>][] = [];
      for (const [name, text] of Object.entries(variants(body))) {
        const r = await hitsOf(`${label}-${name}.log`.replaceAll(' ', '_'), text);
        assert.equal(r.lines, lines.length, `${label}, ${name}: line count`);
        results.push([name, rows(r.hits)]);
      }
      const [, want] = results[0]!;
      assert.ok(want.length > 100, `${label}: the sample gives hits`);
      assert.ok(want.every((h) => h.text !== undefined && !h.text.includes('\n') && !h.text.includes('\r')), `${label}: kept lines are bare`);
      for (const [name, got] of results.slice(1)) assert.deepEqual(got, want, `${label}: ${name} as LF`);
    }
  });

  it('finds the indented lines as the plain ones (the date cut out after the blanks)', async () => {
    const plain = rows((await hitsOf('plain.log', lines.join('\n') + '\n')).hits);
    const tagged = rows((await hitsOf('tagged.log', lines.map((l) => '  ' + l).join('\n') + '\n')).hits);
    assert.deepEqual(
      tagged.map(({ text: _t, ...h }) => h),
      plain.map(({ text: _t, ...h }) => h),
    );
  });

  it('hands the failregex the line with its date cut out and a newline after it, whichever way it ended', async () => {
    // A failregex that needs the "\n" fail2ban appends to the line.
    const dir = path.join(tmp, 'newline-config');
    mkdirSync(path.join(dir, 'filter.d'), { recursive: true });
    writeFileSync(path.join(dir, 'jail.conf'), '[nl]\nenabled = true\nfilter = nl\n');
    writeFileSync(path.join(dir, 'filter.d', 'nl.conf'), '[Definition]\nfailregex = ^\\s*x from <HOST>\\n\n');
    const nl = resolveAuditConfig(readReplayArgs({ paths: [tmp], config: dir, now: '2026-01-15T14:33:00Z', timezone: 'UTC' }), FILTERS);
    const body = ['Jan 11 06:43:31 x from 192.0.2.1', '  Jan 11 06:43:32 x from 192.0.2.2', 'Jan 11 06:43:33 x from 192.0.2.3 y'];
    for (const [name, text] of Object.entries(variants(body))) {
      const got = rows((await hitsOf(`nl-${name}.log`.replaceAll(' ', '_').replaceAll(',', ''), text, nl.scan)).hits);
      assert.deepEqual(got.map((h) => [h.line, h.id]), [[1, '192.0.2.1'], [2, '192.0.2.2']], name);
    }
  });
});
