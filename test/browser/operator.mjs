// The operator console's scenarios in headless Chromium (started by operator_test.go): an
// operator signs in, onboards a client through the wizard (client → API key shown once → first
// partner → its owner → OAuth app), the new key works against GET /app/strings, the client is
// suspended (the key is refused) and resumed (it works again); the API keys, partners and staff
// pages work. A partner owner adds a viewer in the portal's Staff page; the viewer signs in and
// cannot generate vouchers. Every page is photographed at laptop and phone width as operator-*.png.
import assert from 'node:assert/strict';
import { env, session } from './lib.mjs';

const BASE = env('BASE_URL');
const s = await session();
const { log, shoot } = s;
const slug = `acme-${Date.now().toString(36)}`;

/** strings calls the app surface with a client's key, as the client's app does. */
async function strings(key) {
  const r = await fetch(`${BASE}/app/strings`, { headers: { 'X-API-Key': key } });
  return { status: r.status, body: await r.json().catch(() => null) };
}

/** statusSoon polls the key's status until it is want (a suspension reaches every process through Redis pub/sub). */
async function statusSoon(key, want) {
  let got;
  for (let i = 0; i < 50; i++) {
    got = (await strings(key)).status;
    if (want(got)) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  return got;
}

try {
  log('the console is served with the strict policy and asks to sign in');
  const res = await fetch(`${BASE}/operator/`);
  assert.equal(res.status, 200);
  assert.doesNotMatch(res.headers.get('content-security-policy'), /unsafe-inline|unsafe-eval/);
  assert.match(res.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  const op = await s.newPage();
  await op.goto(`${BASE}/operator/`);
  await op.getByRole('heading', { name: 'Sign in as an operator' }).waitFor();
  await op.getByRole('button', { name: 'Sign in' }).click();
  await op.locator('.field-error:not([hidden])', { hasText: 'Enter your operator email' }).waitFor();
  await shoot(op, 'operator-signin');
  await op.getByLabel('Email').fill(env('OPERATOR_EMAIL'));
  await op.getByLabel('Password').fill('not the password');
  await op.getByRole('button', { name: 'Sign in' }).click();
  await op.locator('.form-error').waitFor();

  log('the operator signs in and sees the clients');
  await op.getByLabel('Password').fill(env('OPERATOR_PASSWORD'));
  await op.keyboard.press('Enter'); // the keyboard submits the form
  await op.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
  await op.getByRole('link', { name: 'Demo Fitness' }).first().waitFor();
  await shoot(op, 'operator-clients');

  log('wizard step 1: a wrong slug is refused beside its field, then the client is created');
  await op.getByRole('link', { name: 'Onboard a client' }).first().click();
  await op.getByRole('heading', { level: 1, name: 'Onboard a client' }).waitFor();
  await op.getByLabel('Name', { exact: true }).fill('Acme Yoga');
  assert.equal(await op.getByLabel('Slug').inputValue(), 'acme-yoga', 'the slug is suggested from the name');
  await op.getByLabel('Slug').fill('Acme Yoga!');
  await op.getByRole('button', { name: 'Create client' }).click();
  await op.locator('.field-error:not([hidden])', { hasText: 'lower-case' }).waitFor();
  assert.equal(await op.getByLabel('Slug').getAttribute('aria-invalid'), 'true');
  await shoot(op, 'operator-wizard-client');
  await op.getByLabel('Slug').fill(slug);
  await op.getByLabel('Display name').fill('Acme Yoga Studio');
  await op.getByRole('button', { name: 'Create client' }).click();

  log('wizard step 2: the API key is shown once, with a copy button and a warning');
  await op.getByRole('heading', { name: /Step 2/ }).waitFor();
  assert.equal(await op.locator('.steps li[aria-current="step"]').innerText().then((t) => t.includes('API key')), true);
  await op.getByRole('button', { name: 'Issue API key' }).click();
  await op.getByText('Store this key now.').waitFor();
  const key = await op.locator('input.secret').inputValue();
  assert.match(key, /^stv_/);
  await op.getByRole('button', { name: 'Copy' }).click();
  await op.getByText(/Copied to the clipboard|press Ctrl\+C/).waitFor();
  assert.equal(await op.getByRole('button', { name: 'Continue' }).isDisabled(), true, 'cannot go on before saying the key is stored');
  await shoot(op, 'operator-wizard-key');
  await op.getByLabel('I have stored the key somewhere safe').focus();
  await op.keyboard.press('Space');
  await op.keyboard.press('Tab');
  await op.keyboard.press('Enter'); // Continue, by keyboard

  log('the new key works against the app surface');
  const app = await strings(key);
  assert.equal(app.status, 200, JSON.stringify(app.body));
  assert.equal(app.body.success, true);

  log('wizard steps 3 to 5: partner, its owner (errors beside fields), OAuth app');
  await op.getByRole('heading', { name: /Step 3/ }).waitFor();
  assert.equal(await op.evaluate(() => document.activeElement.tagName), 'H2', 'each step moves the focus to its heading');
  await op.keyboard.press('Tab');
  await op.keyboard.type('Acme Downtown');
  assert.equal(await op.getByLabel('Partner name').inputValue(), 'Acme Downtown');
  await shoot(op, 'operator-wizard-partner');
  await op.keyboard.press('Enter');
  await op.getByRole('heading', { name: /Step 4/ }).waitFor();
  await op.getByLabel('Name', { exact: true }).fill('Olive Owner');
  await op.getByLabel('Email').fill('not-an-email');
  await op.getByLabel('Initial password').fill('short');
  await op.getByRole('button', { name: 'Create owner' }).click();
  await op.locator('.field-error:not([hidden])', { hasText: 'valid email' }).waitFor();
  await op.locator('.field-error:not([hidden])', { hasText: '10 characters' }).waitFor();
  await shoot(op, 'operator-wizard-owner');
  const ownerEmail = `owner@${slug}.local`;
  await op.getByLabel('Email').fill(ownerEmail);
  await op.getByLabel('Initial password').fill('acme-owner-pass');
  await op.getByRole('button', { name: 'Create owner' }).click();
  await op.getByRole('heading', { name: /Step 5/ }).waitFor();
  await op.getByLabel('Redirect URIs').fill('https://acme.example.com/callback\ncom.acme.yoga:/oauth/callback');
  await shoot(op, 'operator-wizard-oauth');
  await op.getByRole('button', { name: 'Register OAuth app' }).click();
  await op.getByRole('heading', { name: 'Acme Yoga is ready' }).waitFor();
  assert.equal(await op.locator('.steps li.done').count(), 5);
  await shoot(op, 'operator-wizard-done');

  log('the owner made by the wizard can sign in to the partner portal');
  const login = await fetch(`${BASE}/partner-auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: ownerEmail, password: 'acme-owner-pass' }) });
  assert.equal(login.status, 200);

  log('the client page lists the key, partner and OAuth app; suspending refuses the key, resuming restores it');
  await op.getByRole('link', { name: 'Open the client' }).click();
  await op.getByRole('heading', { level: 1, name: /Acme Yoga/ }).waitFor();
  await op.getByRole('link', { name: 'Acme Downtown', exact: true }).waitFor();
  await op.getByText('https://acme.example.com/callback').waitFor();
  await shoot(op, 'operator-client');
  await op.getByRole('button', { name: 'Suspend client' }).click();
  await op.getByRole('dialog').waitFor();
  await op.keyboard.press('Escape'); // a dialog the keyboard can leave: nothing changes
  await op.getByRole('dialog').waitFor({ state: 'detached' });
  assert.equal((await strings(key)).status, 200);
  await op.getByRole('button', { name: 'Suspend client' }).click();
  await op.getByRole('dialog').getByRole('button', { name: 'Suspend' }).click();
  await op.getByRole('button', { name: 'Resume client' }).waitFor();
  await op.getByText(/^Suspended: every API key/).waitFor();
  assert.notEqual(await statusSoon(key, (st) => st !== 200), 200, 'a suspended client\'s key is refused');
  await shoot(op, 'operator-client-suspended');
  await op.getByRole('button', { name: 'Resume client' }).click();
  await op.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
  await op.getByRole('button', { name: 'Suspend client' }).waitFor();
  assert.equal(await statusSoon(key, (st) => st === 200), 200, 'the key works again once resumed');

  log('a second key is issued (shown once) and the first revoked');
  await op.getByLabel('What the new key is for').fill('Android TV');
  await op.getByRole('button', { name: 'Issue API key' }).click();
  await op.getByText('Store this key now.').waitFor();
  const key2 = await op.locator('input.secret').inputValue();
  assert.notEqual(key2, key);
  await op.getByRole('button', { name: /^Revoke key/ }).last().click(); // newest first: the wizard's key is last
  await op.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await op.locator('.badge.revoked').waitFor();
  assert.notEqual(await statusSoon(key, (st) => st !== 200), 200, 'the revoked key is refused');
  assert.equal((await strings(key2)).status, 200, 'the second key works');
  await shoot(op, 'operator-client-keys');

  log('the partner staff page lists the owner and creates an admin');
  await op.getByRole('link', { name: 'Acme Downtown', exact: true }).click();
  await op.getByRole('heading', { level: 1, name: 'Staff of Acme Downtown' }).waitFor();
  await op.getByRole('cell', { name: ownerEmail }).waitFor();
  await op.getByLabel('Name', { exact: true }).fill('Adam Admin');
  await op.getByLabel('Email').fill(`admin@${slug}.local`);
  await op.getByLabel('Role').selectOption('admin');
  await op.getByLabel('Initial password').fill('acme-admin-pass');
  await op.getByRole('button', { name: 'Create account' }).click();
  await op.getByRole('cell', { name: `admin@${slug}.local` }).waitFor();
  await shoot(op, 'operator-partner-staff');

  log('a new partner from the client page starts with an empty staff list that says what to do');
  await op.getByRole('link', { name: 'Acme Yoga', exact: true }).click();
  await op.getByLabel('New partner\'s name').fill('Acme Uptown');
  await op.getByRole('button', { name: 'Add partner' }).click();
  await op.getByRole('heading', { level: 1, name: 'Staff of Acme Uptown' }).waitFor();
  await op.getByText('No staff yet').waitFor();
  await shoot(op, 'operator-partner-staff-empty');

  log('signing out forgets the tokens');
  await op.getByRole('button', { name: 'Sign out' }).click();
  await op.getByRole('heading', { name: 'Sign in as an operator' }).waitFor();
  assert.equal(await op.evaluate(() => sessionStorage.getItem('stvos.operator.tokens')), null);
  log('a partner owner manages staff in the portal: errors beside fields, then a viewer is added');
  const KEY = env('API_KEY');
  const portalSignIn = async (page, email, password) => {
    await page.goto(`${BASE}/portal/#key=${KEY}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
  };
  const owner = await s.newPage();
  await portalSignIn(owner, env('OWNER_EMAIL'), env('OWNER_PASSWORD'));
  await owner.getByRole('link', { name: 'Staff' }).click();
  await owner.getByRole('heading', { level: 1, name: 'Staff' }).waitFor();
  await owner.getByText('(you)').waitFor();
  await owner.getByRole('button', { name: 'Add person' }).click();
  await owner.locator('.field-error:not([hidden])', { hasText: 'Enter their name' }).waitFor();
  await owner.getByLabel('Name', { exact: true }).fill('Nia Newviewer');
  await owner.getByLabel('Email').fill(env('OWNER_EMAIL'));
  await owner.getByLabel('Initial password').fill('new-viewer-pass');
  await owner.getByRole('button', { name: 'Add person' }).click();
  await owner.locator('.form-error', { hasText: /already exists/ }).waitFor();
  await shoot(owner, 'operator-portal-staff-error');
  await owner.getByLabel('Email').fill('nia@demo-gym.local');
  await owner.getByRole('button', { name: 'Add person' }).click();
  await owner.getByRole('cell', { name: 'nia@demo-gym.local', exact: true }).waitFor();
  assert.equal(await owner.getByLabel('Role of nia@demo-gym.local').inputValue(), 'viewer');
  assert.equal(await owner.getByRole('button', { name: `Remove ${env('OWNER_EMAIL')}` }).count(), 0, 'an owner cannot remove themselves');
  await shoot(owner, 'operator-portal-staff');

  log('the new viewer signs in, sees no Staff page and cannot generate vouchers');
  const nia = await s.newPage();
  await portalSignIn(nia, 'nia@demo-gym.local', 'new-viewer-pass');
  assert.equal(await nia.getByRole('link', { name: 'Staff' }).count(), 0, 'only owners see Staff');
  await nia.goto(`${BASE}/portal/#/vouchers`);
  await nia.getByRole('heading', { level: 1, name: 'Vouchers' }).waitFor();
  await nia.locator('tbody tr').first().waitFor();
  assert.equal(await nia.getByRole('button', { name: 'Generate codes' }).count(), 0);
  const forged = await nia.evaluate(async (key) => {
    const t = JSON.parse(sessionStorage.getItem('stvos.portal.tokens'));
    const r = await fetch('/partner/vouchers', { method: 'POST', body: JSON.stringify({ quantity: 1 }),
      headers: { Authorization: `Bearer ${t.accessToken}`, 'X-API-Key': key, 'Content-Type': 'application/json' } });
    return r.status;
  }, KEY);
  assert.equal(forged, 403, 'the API refuses a viewer\'s generate');
  await nia.goto(`${BASE}/portal/#/staff`);
  await nia.getByText('Only owners manage staff').waitFor();

  log('the owner makes the viewer an admin (signing them out), then removes them');
  await owner.getByLabel('Role of nia@demo-gym.local').selectOption('admin');
  await owner.getByRole('dialog').getByRole('button', { name: 'Change role' }).click();
  await owner.getByText('nia@demo-gym.local is now admin.').waitFor();
  await owner.getByRole('button', { name: 'Remove nia@demo-gym.local' }).click();
  await owner.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await owner.getByText('nia@demo-gym.local removed.').waitFor();
  // The toast comes first; the list is read again after it: wait for the row to go.
  await owner.getByRole('cell', { name: 'nia@demo-gym.local', exact: true }).waitFor({ state: 'detached' });
  const gone = await fetch(`${BASE}/partner-auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'nia@demo-gym.local', password: 'new-viewer-pass' }) });
  assert.equal(gone.status, 401, 'a removed account cannot sign in');
} finally {
  await s.browser.close();
}
if (s.problems.length) {
  console.error(`problems in the pages:\n${s.problems.join('\n')}`);
  process.exit(1);
}
console.log('all operator scenarios passed');
