// A seeded corpus of repeat offenders for the differential test: addresses that come back in
// bursts over ten days, against dovecot and postfix SMTP AUTH, so that bantime.increment, the
// known-bad boost, overalljails and the fading ban memory (dbpurgeage) all come into play.
// Written as a rotated set (mail.log.2.gz, mail.log.1, mail.log) with RFC 3339 stamps.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Prng } from '../../bench/corpus/prng.js';

const T0 = Date.UTC(2026, 2, 1, 0, 0, 0);
const DAY = 86_400_000;
const SPAN = 10 * DAY;

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', '+00:00');
}

function line(ms: number, ip: string, dovecot: boolean, n: number): string {
  return dovecot
    ? `${stamp(ms)} mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<u${n % 7}>, method=PLAIN, rip=${ip}, lip=192.0.2.1, TLS, session=<s${n}>`
    : `${stamp(ms)} mx postfix/submission/smtpd[${1000 + (n % 9000)}]: warning: unknown[${ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6`;
}

/** Writes the corpus into `dir`; returns the number of lines. */
export function writeBurstCorpus(dir: string, seed: string): number {
  const rng = new Prng(seed);
  const events: { t: number; text: string }[] = [];
  let n = 0;
  for (let a = 0; a < 24; a++) {
    const ip = `198.51.100.${10 + a}`;
    let t = T0 + Math.floor(rng.next() * 2 * DAY);
    while (t < T0 + SPAN) {
      const burst = 1 + Math.floor(rng.next() * 7);
      for (let k = 0; k < burst; k++) {
        t += 1000 * (5 + Math.floor(rng.next() * 85));
        events.push({ t, text: line(t, ip, rng.next() < 0.6, n++) });
      }
      const r = rng.next();
      const gap = r < 0.4 ? 5 * 60_000 + rng.next() * 25 * 60_000 : r < 0.75 ? 3_600_000 + rng.next() * 5 * 3_600_000 : DAY / 2 + rng.next() * 2.5 * DAY;
      t += Math.floor(gap / 1000) * 1000;
    }
  }
  events.sort((x, y) => x.t - y.t);
  const cut1 = T0 + 4 * DAY;
  const cut2 = T0 + 7 * DAY;
  const text = (from: number, to: number): string =>
    events.filter((e) => e.t >= from && e.t < to).map((e) => e.text + '\n').join('');
  writeFileSync(path.join(dir, 'mail.log.2.gz'), gzipSync(text(-Infinity, cut1)));
  writeFileSync(path.join(dir, 'mail.log.1'), text(cut1, cut2));
  writeFileSync(path.join(dir, 'mail.log'), text(cut2, Infinity));
  return events.length;
}
