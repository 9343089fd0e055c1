// addCoded against add: a simulator fed id codes (with the ids in JailParams.codes) gives the
// same outcomes, bans, prolongations and tallies as one fed the id texts, in every counting
// and while-banned mode, with bantime.increment, permanent bans, ignored ids, absorb()/absorbCoded() and a
// mix of both calls; banTotals and forEachBannedId agree with finish's bans.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BanMemory, compileBanTimeIncrement } from '../../../src/jail/ban-time-increment.js';
import { createJailSimulator, type JailParams } from '../../../src/jail/simulate.js';
import { mulberry32 as rng } from '../../support/mulberry32.js';

const T0 = Date.UTC(2024, 0, 1);
const IDS = Array.from({ length: 40 }, (_, i) => `198.51.100.${i}`);

function variants(): [string, (memory: BanMemory | undefined) => JailParams][] {
  const base = { name: 'j', maxretry: 3, findtime: 600, bantime: 300 } as const;
  const inc = compileBanTimeIncrement(
    { factor: 1, formula: undefined, multipliers: [1, 2, 4, 8], maxtime: undefined, rndtime: undefined, overalljails: false },
    86400,
  );
  return [
    ['fail2ban/block', () => ({ ...base, counting: 'fail2ban', whileBanned: 'block' })],
    ['fail2ban/count', () => ({ ...base, counting: 'fail2ban', whileBanned: 'count' })],
    ['window/block', () => ({ ...base, counting: 'window', whileBanned: 'block' })],
    ['window/count', () => ({ ...base, counting: 'window', whileBanned: 'count' })],
    ['permanent', () => ({ ...base, bantime: -1, counting: 'fail2ban', whileBanned: 'block' })],
    ['ignoreip', () => ({ ...base, counting: 'fail2ban', whileBanned: 'block', ignore: (id: string) => id.endsWith('.7') })],
    ['increment', (memory) => ({ ...base, counting: 'fail2ban', whileBanned: 'block', memory: memory!, increment: inc })],
  ];
}

test('addCoded gives what add gives, mode by mode, also when both are mixed', () => {
  for (const [label, make] of variants()) {
    for (const mix of [false, true]) {
      const r = rng(label.length * 31 + (mix ? 1 : 0));
      const text = createJailSimulator(make(new BanMemory()));
      const coded = createJailSimulator({ ...make(new BanMemory()), codes: IDS });
      let t = T0;
      for (let n = 0; n < 5000; n++) {
        t += Math.floor(r() * 40_000);
        const code = Math.floor(r() ** 2 * IDS.length);
        const id = IDS[code]!;
        const want = text.add(t, id);
        const got = mix && r() < 0.3 ? coded.add(t, id) : coded.addCoded(t, code);
        assert.equal(got, want, `${label}${mix ? ' (mixed)' : ''}: failure ${n}`);
        if (r() < 0.05) assert.equal(mix && r() < 0.5 ? coded.absorb(t, id) : coded.absorbCoded(t, code), text.absorb(t, id), `${label}: absorb ${n}`);
      }
      const a = text.finish();
      const b = coded.finish();
      assert.deepEqual(b, a, label);
      assert.ok(a.bans.length > 10, `${label}: enough bans (${a.bans.length})`);
      assert.deepEqual(coded.banTotals(), { events: a.bans.length, blocked: a.bans.reduce((n, x) => n + x.blocked, 0) });
      const ids: string[] = [];
      coded.forEachBannedId((id) => ids.push(id));
      assert.deepEqual(ids.sort(), a.bans.map((x) => x.id).sort());
    }
  }
});

test('addCoded refuses a code outside JailParams.codes', () => {
  const sim = createJailSimulator({ name: 'j', maxretry: 3, findtime: 600, bantime: 300, counting: 'fail2ban', whileBanned: 'block', codes: ['a'] });
  assert.throws(() => sim.addCoded(T0, 1), RangeError);
});
