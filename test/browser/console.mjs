// The client's admin console in headless Chromium (started by console_test.go, which sets the
// environment): a subscriber who is not an admin gets the "not an admin" page and a 403 from the
// API; the admin signs in, finds a user, suspends them with a reason (their app sign-in then
// answers ACCOUNT_SUSPENDED), reinstates them, creates and edits a plan, creates a coupon and
// gift cards, lists invoices and refunds one, edits the catalog and finds the suspension in the
// audit log. Every page is photographed at laptop and phone width (console-*.png).
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';

const env = (k) => { const v = process.env[k]; if (!v) throw new Error(`${k} is not set`); return v; };
const BASE = env('BASE_URL');
const KEY = env('API_KEY');
const SHOTS = env('SCREENSHOT_DIR');
const ADMIN = [env('ADMIN_EMAIL'), env('ADMIN_PASSWORD')];
const MEMBER = [env('MEMBER_EMAIL'), env('MEMBER_PASSWORD')];
const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

const browser = await chromium.launch({
  executablePath: env('CHROMIUM'),
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const problems = [];
let step = '';
const log = (s) => { step = s; console.log(`• ${s}`); };

async function newPage() {
  const context = await browser.newContext({ viewport: LAPTOP, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('console', (m) => {
    const expected = /Failed to load resource: the server responded with a status of (40[1349]|412|422)/.test(m.text());
    if (m.type() === 'error' && !expected) problems.push(`${step}: console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${step}: page error: ${e.message}`));
  return page;
}

/** shoot photographs the page at laptop and phone width. */
async function shoot(page, name) {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: path.join(SHOTS, `console-${name}-laptop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(SHOTS, `console-${name}-phone.png`), fullPage: true });
  await page.setViewportSize(LAPTOP);
  await page.waitForTimeout(100);
}

async function signIn(page, [email, password]) {
  await page.goto(`${BASE}/console/#key=${KEY}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function go(page, hash, heading) {
  await page.goto(`${BASE}/console/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** appLogin signs in at the app surface, as the client's app does. */
async function appLogin([email, password]) {
  const r = await fetch(`${BASE}/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-API-Key': KEY }, body: JSON.stringify({ email, password }),
  });
  return { status: r.status, body: await r.json() };
}

/** api calls the API from inside the page with the page's own token, as its scripts do. */
function api(page, method, url, body) {
  return page.evaluate(async ([method, url, body]) => {
    const t = JSON.parse(sessionStorage.getItem('stvos.console.tokens'));
    const r = await fetch(url, { method, headers: { Authorization: `Bearer ${t.accessToken}`, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, url, body]);
}

try {
log('the console is served with the strict policy');
const res = await fetch(`${BASE}/console/`);
assert.match(res.headers.get('content-security-policy'), /script-src 'self';.*frame-ancestors 'none'/);
assert.doesNotMatch(res.headers.get('content-security-policy'), /unsafe-inline|unsafe-eval/);
assert.equal(res.headers.get('x-frame-options'), 'DENY');

log('the sign-in page wears the client\'s branding and explains missing fields');
const page = await newPage();
await page.goto(`${BASE}/console/#key=${KEY}`);
await page.getByRole('heading', { name: 'Sign in to the admin console' }).waitFor();
assert.equal(new URL(page.url()).hash, '#/', 'the key leaves the address bar');
await page.locator('.signin .brand', { hasText: 'Demo Fitness' }).waitFor();
assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()), '#0f766e');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.locator('.field-error:not([hidden])', { hasText: 'Enter your email' }).waitFor();
await shoot(page, 'signin');
await page.getByLabel('Email').fill(ADMIN[0]);
await page.getByLabel('Password').fill('wrong password');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.locator('.form-error').waitFor();

log('a subscriber who is not an admin gets the not-an-admin page, and the API refuses them');
await signIn(page, MEMBER);
await page.getByRole('heading', { name: 'This account is not an admin' }).waitFor();
assert.equal((await api(page, 'GET', '/admin/users')).status, 403);
await shoot(page, 'not-admin');
await page.getByRole('button', { name: 'Sign out' }).click();
await page.getByRole('heading', { name: 'Sign in to the admin console' }).waitFor();

log('the admin signs in and finds the member');
await signIn(page, ADMIN);
await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
await page.locator('tbody tr').first().waitFor();
await shoot(page, 'users');
await page.getByLabel('Search').fill(MEMBER[0]);
await page.waitForFunction((e) => [...document.querySelectorAll('tbody tr')].length === 1 && document.querySelector('tbody tr').innerText.includes(e), MEMBER[0]);
await page.locator('tbody tr a').first().click();
await page.getByRole('heading', { name: 'Signed-in devices' }).waitFor();
await page.getByRole('heading', { name: 'Subscription' }).waitFor();

log('the admin suspends the member with a reason; the member\'s app sign-in is refused');
await page.getByRole('button', { name: 'Suspend user' }).click();
await page.locator('.field-error:not([hidden])', { hasText: 'Say why' }).waitFor();
await shoot(page, 'user');
await page.getByLabel('Reason').fill('Chargeback on the card');
await page.getByRole('button', { name: 'Suspend user' }).click();
await page.getByRole('dialog').getByRole('button', { name: 'Suspend' }).click();
await page.getByRole('heading', { name: 'Suspended' }).waitFor();
await page.locator('.page-head .badge.suspended').waitFor();
await page.getByText('Chargeback on the card').waitFor(); // the reason, from the audit log
const refused = await appLogin(MEMBER);
assert.equal(refused.status, 403, JSON.stringify(refused.body));
assert.equal(refused.body.error.code, 'ACCOUNT_SUSPENDED');
await shoot(page, 'user-suspended');

log('the admin reinstates the member, who can sign in again');
await page.getByRole('button', { name: 'Reinstate' }).click();
await page.locator('.page-head .badge.active').waitFor();
assert.equal((await appLogin(MEMBER)).status, 200);
await page.reload();
await page.locator('tbody tr', { hasText: /HeadlessChrome|node|undici|Unknown device/ }).first().waitFor();
const sessions = await page.getByRole('button', { name: /^Sign out .* signed in/ }).count();
assert.ok(sessions >= 1, 'the new sign-in is listed');
await page.getByRole('button', { name: /^Sign out .* signed in/ }).first().click();
await page.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
await page.getByRole('status').filter({ hasText: 'The device was signed out.' }).waitFor();
await page.waitForFunction((n) => document.querySelectorAll('button[aria-label^="Sign out "]').length === n - 1, sessions);

log('the admin creates a plan (a bad price is explained beside its field) and edits it');
await go(page, '#/plans', 'Plans');
await page.locator('tbody tr').first().waitFor();
await page.getByRole('button', { name: 'New plan' }).click();
await page.getByLabel('Name').fill('Browser Plan');
await page.getByLabel('Price').fill('12.345');
await page.getByRole('button', { name: 'Create plan' }).click();
await page.locator('.field-error:not([hidden])').first().waitFor();
await page.getByLabel('Price').fill('12.50');
await page.getByRole('button', { name: 'Create plan' }).click();
await page.locator('tbody tr', { hasText: 'Browser Plan' }).waitFor();
await page.getByRole('button', { name: 'Edit Browser Plan' }).click();
await page.getByLabel('Price').fill('13.00');
await page.getByRole('button', { name: 'Save plan' }).click();
await page.locator('tbody tr', { hasText: 'Browser Plan' }).filter({ hasText: '13.00 USD' }).waitFor();
await page.getByRole('button', { name: 'Deactivate Browser Plan' }).click();
await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
await page.locator('tbody tr', { hasText: 'Browser Plan' }).locator('.badge.inactive').waitFor();
await shoot(page, 'plans');

log('coupons and gift cards');
await go(page, '#/coupons', 'Coupons');
await page.locator('tbody tr', { hasText: 'WELCOME20' }).waitFor();
await page.getByRole('button', { name: 'New coupon' }).click();
await page.getByLabel('Code', { exact: true }).fill('browser10');
await page.getByLabel('Value').fill('10');
await page.getByRole('button', { name: 'Create coupon' }).click();
await page.locator('tbody tr', { hasText: 'BROWSER10' }).waitFor();
await page.getByRole('button', { name: 'Edit BROWSER10' }).click();
await page.getByLabel('Status').selectOption('disabled');
await page.getByRole('button', { name: 'Save coupon' }).click();
await page.locator('tbody tr', { hasText: 'BROWSER10' }).locator('.badge.disabled').waitFor();
await shoot(page, 'coupons');
await go(page, '#/gift-cards', 'Gift cards');
await page.getByLabel('How many').fill('25');
await page.getByLabel('Value of each').fill('10.00');
await page.getByRole('button', { name: 'Create gift cards' }).click();
await page.getByRole('heading', { name: '25 new gift cards' }).waitFor();
assert.equal(await page.locator('tbody tr').count(), 25);
const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
assert.match(dl.suggestedFilename(), /^gift-cards-.*\.csv$/);
await shoot(page, 'gift-cards');

log('invoices: the list, one invoice with its lines, and a refund');
await go(page, '#/invoices', 'Invoices');
await page.locator('tbody tr').first().waitFor();
await page.getByLabel('Status').selectOption('paid');
await page.waitForFunction(() => location.hash.includes('status=paid'));
await page.locator('tbody tr').first().waitFor();
await shoot(page, 'invoices');
await page.locator('tbody tr a').first().click();
await page.getByRole('heading', { name: 'Lines' }).waitFor();
const before = await page.locator('section[aria-labelledby="ref-h"] tbody tr').count();
await page.getByLabel(/^Amount/).fill('1.00');
await page.getByLabel('Notes (optional)').fill('Browser test goodwill');
await page.getByRole('button', { name: 'Issue refund' }).click();
await page.locator('section[aria-labelledby="ref-h"] tbody tr', { hasText: 'Browser test goodwill' }).waitFor();
assert.equal(await page.locator('section[aria-labelledby="ref-h"] tbody tr').count(), before + 1);
await page.getByLabel(/^Amount/).fill('100000');
await page.getByRole('button', { name: 'Issue refund' }).click();
await page.locator('.form-error, .field-error:not([hidden])').first().waitFor();
await shoot(page, 'invoice');

log('the catalog: a category and a class, published');
await go(page, '#/catalog', 'Catalog');
await page.locator('tbody tr').first().waitFor();
await page.getByLabel('Name').fill('Browser Category');
await page.getByRole('button', { name: 'Add category' }).click();
await page.locator('tbody tr', { hasText: 'Browser Category' }).waitFor();
await page.getByRole('button', { name: 'New class' }).click();
await page.getByLabel('Title').fill('Browser Stretch');
await page.getByRole('form', { name: 'New class' }).getByLabel('Category').selectOption({ label: 'Browser Category' });
await page.getByRole('button', { name: 'Create class' }).click();
await page.getByLabel('Search').fill('Browser Stretch');
await page.locator('tbody tr', { hasText: 'Browser Stretch' }).locator('.badge.draft').waitFor();
await page.getByRole('button', { name: 'Publish Browser Stretch' }).click();
await page.locator('tbody tr', { hasText: 'Browser Stretch' }).locator('.badge.published').waitFor();
await page.getByLabel('Search').fill('');
await page.waitForTimeout(500);
await shoot(page, 'catalog');

log('the audit log shows the suspension with its reason');
await go(page, '#/audit', 'Audit log');
await page.locator('tbody tr').first().waitFor();
await page.getByLabel('Action').fill('user.suspend');
await page.getByRole('button', { name: 'Filter' }).click();
await page.locator('tbody tr', { hasText: 'Chargeback on the card' }).waitFor();
await page.getByLabel('Action').fill('');
await page.getByRole('button', { name: 'Filter' }).click();
await page.locator('tbody tr', { hasText: 'user.reinstate' }).first().waitFor();
await shoot(page, 'audit');

log('signing out ends the session in the page');
await page.getByRole('button', { name: 'Sign out' }).click();
await page.getByRole('heading', { name: 'Sign in to the admin console' }).waitFor();
assert.equal(await page.evaluate(() => sessionStorage.getItem('stvos.console.tokens')), null);
} catch (err) {
  // What the page showed when a step failed, to read with the error.
  for (const c of browser.contexts()) for (const p of c.pages()) {
    await p.screenshot({ path: path.join(SHOTS, 'console-failure.png'), fullPage: true }).catch(() => {});
    console.error(`the page at ${p.url()} says: ${(await p.locator('main').innerText().catch(() => '')).slice(0, 2000)}`);
  }
  throw err;
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(`problems in the pages:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`all console scenarios passed; screenshots in ${SHOTS}`);
