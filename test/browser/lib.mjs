// Helpers the browser scenarios share: the browser, pages that collect console errors, and
// screenshots at laptop and phone width.
import path from 'node:path';
import { chromium } from 'playwright-core';

export const env = (k) => { const v = process.env[k]; if (!v) throw new Error(`${k} is not set`); return v; };
export const LAPTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** session starts Chromium and returns helpers bound to it; problems collects page errors. */
export async function session() {
  const browser = await chromium.launch({
    executablePath: env('CHROMIUM'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const s = {
    browser, problems, step: '',
    log(msg) { s.step = msg; console.log(`• ${msg}`); },
    async newPage() {
      const context = await browser.newContext({ viewport: LAPTOP });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env('BASE_URL') });
      const page = await context.newPage();
      page.setDefaultTimeout(15000);
      page.on('console', (m) => {
        const expected = /Failed to load resource: the server responded with a status of (40[134]|409|422)/.test(m.text());
        if (m.type() === 'error' && !expected) problems.push(`${s.step}: console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`${s.step}: page error: ${e.message}`));
      return page;
    },
    /** shoot photographs the page at laptop and phone width. */
    async shoot(page, name) {
      const dir = env('SCREENSHOT_DIR');
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(dir, `${name}-laptop.png`), fullPage: true });
      await page.setViewportSize(PHONE);
      await page.waitForTimeout(250);
      await page.screenshot({ path: path.join(dir, `${name}-phone.png`), fullPage: true });
      await page.setViewportSize(LAPTOP);
      await page.waitForTimeout(100);
    },
  };
  return s;
}
