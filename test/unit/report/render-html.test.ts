// Tests for the HTML report (#8): one self-contained document (no URL to fetch), a CSP whose
// hashes match the inline style and script, sections present only with data, charts from the
// failure series, and hostile log text escaped everywhere. The browser test loads it for real.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildFailureSeries, chooseBucket, MAX_BUCKETS } from '../../../src/report/failure-series.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import { renderHtml } from '../../../src/report/render-html.js';
import type { Hit } from '../../../src/types.js';
import { hostileReport, iso, t } from './hostile-report.js';

function series() {
  const hits: Hit[] = [];
  for (let i = 0; i < 30; i++) hits.push({ jail: i % 2, kind: 'failure', id: '203.0.113.7', time: t(10, 4, i), user: undefined, file: 0, line: i + 1 });
  hits.push({ jail: 0, kind: 'success', id: '203.0.113.7', time: t(10, 4, 40), user: 'alice', file: 0, line: 99 });
  const outcomes = hits.map((h, i) => (h.kind === 'success' ? undefined : i % 5 === 0 ? ('blocked' as const) : ('counted' as const)));
  return buildFailureSeries({ hits: HitStore.from(hits, outcomes) }, 2, t(10, 0), t(11, 0));
}

const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('base64');

describe('renderHtml', () => {
  const html = renderHtml(hostileReport(), { formatTime: iso, series: series(), host: 'mx1.example.org', version: '1.2.3' });

  it('is one document whose CSP hashes match its inline style and script', () => {
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    assert.ok(html.endsWith('</html>\n'));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    assert.ok(csp.includes(`style-src 'sha256-${sha(style)}'`));
    assert.ok(csp.includes(`script-src 'sha256-${sha(script)}'`));
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.equal(html.match(/<style/g)?.length, 1);
  });

  it('references nothing outside itself', () => {
    // Every tag of the document (escaped log text never contains a `<`).
    const tags = html.match(/<[^>]*>/g) ?? [];
    assert.ok(tags.length > 100);
    for (const tag of tags) {
      assert.doesNotMatch(tag, /\s(?:src|href|action|srcset|poster|data|background)=/i, tag);
      assert.doesNotMatch(tag, /\sstyle=/i, `no style attribute (the CSP would block it): ${tag}`);
      assert.doesNotMatch(tag, /\son[a-z]+=/i, `no inline event handler: ${tag}`);
    }
    assert.doesNotMatch(html, /url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)(?!evil\.example)/i);
  });

  it('escapes hostile log text everywhere', () => {
    assert.ok(!html.includes('<script>alert'));
    assert.ok(!html.includes('<img'));
    assert.ok(!html.includes('<svg onload'));
    assert.ok(!html.includes('<b>warn') && !html.includes('<b>alice'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('Example &lt;Net&gt; &amp; &quot;Co&quot;'));
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(html, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    assert.ok(html.length < 200_000, 'a 10 kB username is cut, not repeated');
  });

  it('has the summary, charts, sortable bans, usernames, origins, collateral and below-the-radar sections', () => {
    for (const id of ['summary', 'collateral', 'timeline', 'bans', 'usernames', 'origins', 'below-radar', 'inputs']) {
      assert.ok(html.includes(`<section id="${id}"`), id);
    }
    assert.equal(html.match(/<svg class="chart"/g)?.length, 2);
    assert.match(html, /<table id="bans-table" class="sortable" data-filter>/);
    assert.match(html, /<title>banreplay report — mx1\.example\.org — /);
    // The permanent ban is shaded up to the end of the chart.
    assert.match(html, /class="ban"/);
    assert.ok(html.indexOf('id="collateral"') < html.indexOf('id="bans"'), 'collateral comes first');
  });

  it('leaves out sections without data and works without script', () => {
    const r = hostileReport();
    delete r.collateral;
    delete r.belowRadar;
    const plain = renderHtml(r, { formatTime: iso, script: false, maxRows: 1 });
    assert.ok(!plain.includes('id="collateral"'));
    assert.ok(!plain.includes('id="below-radar"'));
    assert.ok(!plain.includes('<script'));
    assert.match(plain, /script-src 'none'/);
    assert.match(plain, /No dated failures to chart/);
    assert.match(plain, /2 more addresses not shown here/);
  });
});

describe('buildFailureSeries', () => {
  it('buckets failures per jail, blocked ones apart, successes left out', () => {
    const s = series()!;
    assert.equal(s.bucketMs, 15 * 60_000);
    assert.equal(s.jails.length, 2);
    const total = (a: number[]): number => a.reduce((x, y) => x + y, 0);
    assert.equal(total(s.jails[0]!.failures) + total(s.jails[1]!.failures), 30);
    assert.equal(total(s.jails[0]!.blocked), 3);
    assert.equal(s.jails[0]!.failures[16], 8); // 04:00-04:15 is bucket 16: minutes 0, 2, …, 14
    assert.equal(s.jails[0]!.failures[17], 7);
  });

  it('never makes more than MAX_BUCKETS buckets', () => {
    for (const span of [60_000, 3_600_000, 86_400_000, 30 * 86_400_000, 400 * 86_400_000]) {
      const from = Date.UTC(2026, 0, 1, 0, 7);
      const b = chooseBucket(from, from + span);
      assert.ok(Math.floor((from + span) / b) - Math.floor(from / b) + 1 <= MAX_BUCKETS, String(span));
    }
  });
});
