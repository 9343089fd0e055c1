// Real-browser test of the HTML report (issue 8): Debian's Chromium, headless and offline,
// loads the file from disk; no console error, no request besides the file, the charts are
// drawn, the bans table sorts and filters, hostile usernames stay text, the mail's HTML part
// (no script) still shows its tables and charts; a screenshot lands in a temporary directory.
// Skipped, loudly, only where no Chromium binary exists (.ci/run installs Debian's chromium).

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { BrowserContext, Page } from 'playwright-core';
import { runCli } from '../support/run-cli.js';

const CANDIDATES = [process.env['CHROMIUM_PATH'] ?? '', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const CHROMIUM = CANDIDATES.find((p) => p !== '' && existsSync(p));
// The flags this machine kind needs to run Chromium as root, offline, with a fresh profile.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SAMPLES = ['audit', 'samples/', '--now', '2026-01-15T14:33:00Z', '--timezone', 'UTC'];
// Evaluated in the page (a string: the test build has no DOM types): the script has run.
const READY = "document.documentElement.getAttribute('data-ready') === '1'";

/** The part of a table row the checks read (DOM types are not part of this build). */
interface Row {
  hidden: boolean;
  cells: ArrayLike<{ textContent: string | null }>;
}

if (CHROMIUM === undefined) {
  process.stderr.write(
    '\n!!! test/browser: SKIPPED — no Chromium found (' + CANDIDATES.filter((c) => c !== '').join(', ') + ').\n' +
      '!!! Install it with `apt-get install -y chromium` (as .ci/run does) to run the real-browser test of the HTML report.\n\n',
  );
}

describe('HTML report in Chromium (issue 8)', { skip: CHROMIUM === undefined ? 'Chromium is not installed' : false }, () => {
  let dir = '';
  let context: BrowserContext;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'banreplay-browser-'));
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM!,
      headless: true,
      args: FLAGS,
      offline: true,
      viewport: { width: 1200, height: 900 },
    });
  });

  after(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a file and collects console errors, page errors, dialogs and requests. */
  async function open(file: string): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    const url = pathToFileURL(file).href;
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (r.url() !== url) problems.push(`request: ${r.url()}`);
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems };
  }

  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it('loads from disk offline, draws the charts, sorts and filters; screenshot taken', async (t) => {
    const r = runCli([...SAMPLES, '--format', 'html']);
    assert.equal(r.status, 0, r.stderr);
    const { page, problems } = await open(write('report.html', r.stdout));
    await page.waitForFunction(READY, undefined, { timeout: 5000 });

    const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((s) => ({ bars: s.querySelectorAll('rect').length, width: s.getBoundingClientRect().width })));
    assert.equal(charts.length, 4, 'one chart per jail');
    for (const c of charts) {
      assert.ok(c.bars > 3, 'bars drawn');
      assert.ok(c.width > 500, 'chart laid out');
    }
    assert.ok((await page.$$('svg.chart rect.ban')).length > 0, 'ban periods marked');

    const rows = (): Promise<string[][]> =>
      page.$$eval('#bans-table tbody tr', (trs) =>
        (trs as unknown as Row[]).filter((tr) => !tr.hidden).map((tr) => Array.from(tr.cells, (c) => c.textContent ?? '')),
      );
    const before = await rows();
    assert.equal(before.length, 54);
    const headers = await page.$$eval('#bans-table thead th', (ths) => ths.map((th) => th.textContent ?? ''));
    const bansCol = headers.indexOf('Bans');
    assert.ok(bansCol > 0);
    await page.click('#bans-table thead th:nth-child(' + (bansCol + 1) + ') button');
    const ascending = (await rows()).map((r) => Number(r[bansCol]));
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
    await page.click('#bans-table thead th:nth-child(' + (bansCol + 1) + ') button');
    const descending = (await rows()).map((r) => Number(r[bansCol]));
    assert.deepEqual(descending, [...descending].sort((a, b) => b - a));
    assert.equal(await page.getAttribute(`#bans-table thead th:nth-child(${bansCol + 1})`, 'aria-sort'), 'descending');

    await page.fill('input.filter', 'VN');
    const filtered = await rows();
    assert.ok(filtered.length > 0 && filtered.length < 54, `${filtered.length} rows`);
    for (const row of filtered) assert.ok(row.join(' ').toLowerCase().includes('vn'));
    await page.fill('input.filter', '');

    // Kept after the run (overwritten by the next one) so that a human can look at it.
    const shot = path.join(tmpdir(), 'banreplay-html-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 20_000, 'screenshot written');
    t.diagnostic(`screenshot: ${shot} (${statSync(shot).size} bytes)`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('shows the mail HTML part (no script) with its tables and charts', async () => {
    const r = runCli([...SAMPLES, '--format', 'email']);
    assert.equal(r.status, 0, r.stderr);
    const mail = await simpleParser(r.stdout);
    const { page, problems } = await open(write('mail.html', String(mail.html)));
    assert.equal(await page.$$eval('script', (s) => s.length), 0);
    assert.equal((await page.$$('svg.chart')).length, 4);
    assert.equal((await page.$$('#bans-table tbody tr')).length, 54);
    assert.ok((await page.textContent('#summary'))?.includes('would-be bans'));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('keeps hostile usernames as text: no dialog, no injected element', async () => {
    const users = ['<img src=x onerror=alert(1)>', '</script><script>alert(2)</script>', '"><svg onload=alert(3)>', '\u001b[31mred'];
    const log = users
      .flatMap((u, i) =>
        Array.from({ length: 6 }, (_, k) => `Jan 10 10:${String(i).padStart(2, '0')}:${String(k * 5).padStart(2, '0')} mx postfix/smtpd[1]: warning: unknown[203.0.113.${50 + i}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=${u}`),
      )
      .join('\n');
    const r = runCli(['audit', '-', '--jail', 'postfix-sasl', '--now', '2026-01-15T00:00:00Z', '--no-geoip', '--format', 'html'], { stdin: Buffer.from(log + '\n') });
    assert.equal(r.status, 0, r.stderr);
    const { page, problems } = await open(write('hostile.html', r.stdout));
    await page.waitForFunction(READY, undefined, { timeout: 5000 });
    assert.equal(await page.$$eval('img', (x) => x.length), 0);
    assert.equal(await page.$$eval('script', (x) => x.length), 1);
    assert.equal(await page.$$eval('svg[onload]', (x) => x.length), 0);
    const names = await page.$$eval('#usernames tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
    for (const u of users.slice(0, 3)) assert.ok(names.includes(u), u);
    assert.ok(names.includes('[31mred'));
    assert.deepEqual(problems, []);
    await page.close();
  });
});
