// Many distinct attackers (#5): memory grows with distinct addresses, by a bounded amount per
// address (README "Limits": about 1.2 KB each beyond the ~30 bytes of each hit, measured with
// a million), and the table report stays linear in its rows (a quadratic layout, as cli-table3
// had, took over a minute for 20,000 bans).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BASE, cli, parseJson, saslLine, stamp, tempDir } from './support.js';

let dir = '';
let cleanup = (): void => undefined;
before(() => ({ dir, cleanup } = tempDir()));
after(() => cleanup());

function addresses(name: string, count: number, perAddress: number): string {
  const p = path.join(dir, name);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const ip = `${11 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.7`;
    for (let k = 0; k < perAddress; k++) lines.push(saslLine(ip, stamp(Math.floor((i * 3600) / count) + k * 20)));
  }
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

describe('many distinct addresses', () => {
  it('60,000 addresses, one failure each: every one reported, under 8 KB of memory per address', () => {
    const few = addresses('few.log', 1_000, 1);
    const many = addresses('many.log', 60_000, 1);
    const base = cli(['audit', few, '--no-rotated', ...BASE, '--format', 'json'], { measureRss: true });
    const r = cli(['audit', many, '--no-rotated', ...BASE, '--format', 'json'], { measureRss: true });
    assert.equal(r.status, 0, r.stderr);
    const j = parseJson(r);
    assert.equal(j.ips.length, 60_000);
    assert.equal(j.stats.failures, 60_000);
    const perAddress = ((r.maxRss ?? 0) - (base.maxRss ?? 0)) / 59_000;
    assert.ok(perAddress < 8 * 1024, `${Math.round(perAddress)} bytes per address`);
  });

  it('20,000 banned addresses: the table report is printed in seconds, every ban listed', () => {
    const p = addresses('banned.log', 20_000, 5);
    const started = Date.now();
    const r = cli(['audit', p, '--no-rotated', ...BASE, '--jail', 'postfix-sasl'], { timeoutMs: 60_000 });
    const took = Date.now() - started;
    assert.equal(r.status, 0, `${r.stderr} (signal ${r.signal}, ${took} ms)`);
    assert.match(r.stdout, /20,?000 addresses, 20,?000 bans/);
    assert.equal(r.stdout.split('\n').filter((l) => /^ {2}\d+\.\d+\.\d+\.7 /.test(l)).length, 20_000);
    assert.ok(took < 45_000, `took ${took} ms`);
  });
});
