import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { reportPage } from '../../src/cli/report-html';
import { readEmfDocuments } from '../../src/cli/report-input';
import { summarise } from '../../src/cli/report-summary';
import { FIXTURE, fixtureLog } from './report-fixture';

// Debian's chromium, which `npm test` installs first when it is missing
// (scripts/ensure-chromium.mjs); the test is never skipped.
const CHROMIUM = '/usr/bin/chromium';
const OUT = path.resolve(__dirname, '../../build/report-page');

jest.setTimeout(60_000);

describe('the report page', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads on its own, shows the figures and charts, and is captured', async () => {
    mkdirSync(OUT, { recursive: true });
    const file = path.join(OUT, 'report.html');
    writeFileSync(file, reportPage(summarise(readEmfDocuments(fixtureLog()))));
    const page = await browser.newPage({
      viewport: { width: 1200, height: 900 },
    });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        problems.push(`console ${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error}`));
    page.on('requestfailed', (request) =>
      problems.push(`request failed: ${request.url()}`),
    );
    page.on('request', (request) => requests.push(request.url()));

    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const tile = (metric: string) =>
      page.textContent(`[data-metric="${metric}"] .value`);
    const invocationRow = await page.$$eval(
      '[data-table="durations"] tr',
      (rows) =>
        rows
          .map((row) => [...row.children].map((cell) => cell.textContent))
          .find((cells) => cells[0] === 'Invocation'),
    );
    const spans = await page.$$eval('svg.timeline rect.span', (r) => r.length);
    const charts = await page.$$eval(
      'svg.distribution rect.bar',
      (r) => r.length,
    );
    const screenshot = path.join(OUT, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });

    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(await page.title()).toBe('Lifecycle report: orders');
    expect(await tile('invocations')).toBe(String(FIXTURE.invocations));
    expect(await tile('cold-start-rate')).toBe('20.0%');
    expect(await tile('connection-reuse')).toBe(FIXTURE.reuseRate);
    expect(await tile('lazy-hit-rate')).toBe(FIXTURE.lazyHitRate);
    expect(await tile('init-p50')).toBe('80 ms');
    expect(invocationRow).toEqual([
      'Invocation',
      '10',
      '5 ms',
      '9 ms',
      '10 ms',
      '10 ms',
    ]);
    expect(spans).toBe(13);
    expect(charts).toBeGreaterThan(0);
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  });
});
