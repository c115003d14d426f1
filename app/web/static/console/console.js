// The client's admin console: the client's admins (users with role admin, who sign in like its
// subscribers) manage users, plans, coupons, gift cards, invoices and refunds, the catalog and
// read the audit log, through the subscriber surface's /admin routes.
import { Api, ApiError } from '../common/api.js';
import { h, mount, field, showErrors, signInForm } from '../common/dom.js';
import { applyBrand, rememberedBrand, brandMark, frame, router } from '../common/shell.js';
import { takeKeyFromURL, apiKey, setApiKey } from './key.js';
import { usersPage, userPage } from './users.js';
import { plansPage } from './plans.js';
import { couponsPage } from './coupons.js';
import { giftCardsPage } from './giftcards.js';
import { invoicesPage, invoicePage } from './invoices.js';
import { catalogPage } from './catalog.js';
import { auditPage } from './audit.js';

const BRAND_KEY = 'stvos.console.brand';
document.head.append(h('link', { rel: 'stylesheet', href: new URL('console.css', import.meta.url).pathname }));
const APP = 'Admin console';

// Admin routes answer flat JSON; sign-in and refresh are the app surface's (enveloped, with the key).
class ConsoleApi extends Api {
  refreshHeaders() { return { 'X-API-Key': apiKey() }; }
  fromFlat(j) { const d = (j && j.data) || {}; return { accessToken: d.accessToken, refreshToken: d.refreshToken }; }
}

const api = new ConsoleApi({
  storageKey: 'stvos.console.tokens', refreshPath: '/auth/refresh', loginPath: '/auth/login', enveloped: false,
  onSignedOut: () => showSignIn('Your session has ended; please sign in again.'),
});

let me = null;

/** appCall calls the app surface (enveloped answers) with the client's key. */
async function appCall(method, path, body) {
  const res = await fetch(path, {
    method, credentials: 'omit', cache: 'no-store',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-API-Key': apiKey() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const j = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, j);
  return j && j.data;
}

async function loadBrand() {
  if (!apiKey()) return rememberedBrand(BRAND_KEY);
  try {
    const b = await appCall('GET', '/app/branding');
    applyBrand(b, BRAND_KEY);
    return b;
  } catch {
    return rememberedBrand(BRAND_KEY);
  }
}

async function showSignIn(notice) {
  me = null;
  const remembered = rememberedBrand(BRAND_KEY);
  applyBrand(remembered);
  document.title = `Sign in · ${APP}`;
  const key = h('input', { name: 'apiKey', autocomplete: 'off', spellcheck: 'false', placeholder: 'stv_…' });
  const keyField = field('Client app key', key, 'The key of your app, from the console link your provider gave you; remembered in this browser.');
  keyField.hidden = !!apiKey();
  const changeKey = h('button', { type: 'button', class: 'link', hidden: !apiKey(), onclick: () => { keyField.hidden = false; changeKey.hidden = true; key.focus(); } }, 'Use another client\'s key');
  const { form, email } = signInForm({
    notice, extra: [keyField],
    check: () => (!apiKey() && !key.value.trim()
      ? [{ field: 'apiKey', reason: 'Enter your app key: open the console link your provider gave you, or paste the key here.' }] : []),
    login: async (address, password) => {
      if (key.value.trim()) setApiKey(key.value.trim());
      api.tokens = await appCall('POST', '/auth/login', { email: address, password });
      await start();
    },
    onError: (err, form) => {
      if (err.code === 'INVALID_API_KEY' || err.code === 'TENANT_SUSPENDED') {
        keyField.hidden = false;
        showErrors(form, { message: err.message, details: [{ field: 'apiKey', reason: 'This key is not valid: check the console link or ask your provider for it.' }] });
      } else showErrors(form, err);
    },
  });
  mount(document.getElementById('app'), h('div', { class: 'signin' }, h('main', { class: 'card' },
    brandMark(remembered, APP),
    h('h1', {}, 'Sign in to the admin console'),
    form, changeKey,
    h('p', { class: 'muted' }, 'Sign in with the email and password of your account in the app. Only the client\'s admins can use the console.'))));
  email.focus();
  const b = await loadBrand();
  if (b && !me) { const mark = document.querySelector('.signin .brand'); if (mark) mark.replaceWith(brandMark(b, APP)); }
}

async function signOut(notice) {
  try { if (api.tokens) await fetch('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${api.tokens.accessToken}`, 'X-API-Key': apiKey() }, credentials: 'omit' }); } catch { /* the tokens are forgotten anyway */ }
  api.signOut();
  showSignIn(notice);
}

function notAdmin(user, brand) {
  document.title = `Not an admin · ${APP}`;
  mount(document.getElementById('app'), h('div', { class: 'signin' }, h('main', { class: 'card' },
    brandMark(brand, APP),
    h('h1', {}, 'This account is not an admin'),
    h('p', {}, `${user.email} is signed in, but only the client's admins can use the console. Ask an admin to give your account the admin role, or sign in with another account.`),
    h('button', { type: 'button', onclick: () => signOut('You have signed out.') }, 'Sign out'))));
}

const NAV = [
  { href: '#/', label: 'Users' },
  { href: '#/plans', label: 'Plans' },
  { href: '#/coupons', label: 'Coupons' },
  { href: '#/gift-cards', label: 'Gift cards' },
  { href: '#/invoices', label: 'Invoices' },
  { href: '#/catalog', label: 'Catalog' },
  { href: '#/audit', label: 'Audit log' },
];

function page(render) {
  return async (params, query) => {
    if (!me) return;
    const current = location.hash.split('?')[0] || '#/';
    const nav = NAV.map((n) => ({ ...n }));
    const main = frame({
      brand: me.brand, appName: APP, user: me.user.display_name || me.user.email, role: me.user.roles.includes('superadmin') ? 'superadmin' : 'admin',
      nav, onSignOut: () => signOut('You have signed out.'),
    });
    // Users' detail pages belong to the Users tab.
    if (current.startsWith('#/users/')) document.querySelector('.nav a[href="#/"]')?.setAttribute('aria-current', 'page');
    const ctx = { api, me, main };
    try {
      await render(ctx, params, query);
    } catch (err) {
      if (err.status === 401) return;
      mount(main, h('div', { class: 'card' }, h('h1', {}, err.status === 404 ? 'Not found' : 'Something went wrong'),
        h('p', { role: 'alert' }, err.message), err.requestId ? h('p', { class: 'muted' }, `Request id: ${err.requestId}`) : null,
        h('p', {}, h('a', { href: '#/' }, 'Back to users'))));
    }
  };
}

let routed = false;

async function start() {
  let user;
  try {
    user = await api.get('/users/me');
  } catch (err) {
    if (err.status !== 401) showSignIn(err.message);
    return;
  }
  const brand = await loadBrand();
  if (!user.roles.includes('admin') && !user.roles.includes('superadmin')) { me = null; notAdmin(user, brand); return; }
  me = { user, brand };
  document.title = `${(brand && brand.displayName) || 'Client'} · ${APP}`;
  if (routed) { window.dispatchEvent(new HashChangeEvent('hashchange')); return; }
  routed = true;
  const id = '([0-9a-f-]{36})';
  router([
    [/^\/$/, page(usersPage)],
    [new RegExp(`^/users/${id}$`), page(userPage)],
    [/^\/plans$/, page(plansPage)],
    [/^\/coupons$/, page(couponsPage)],
    [/^\/gift-cards$/, page(giftCardsPage)],
    [/^\/invoices$/, page(invoicesPage)],
    [new RegExp(`^/invoices/${id}$`), page(invoicePage)],
    [/^\/catalog$/, page(catalogPage)],
    [/^\/audit$/, page(auditPage)],
  ], () => { location.hash = '#/'; });
}

// A link with a key may also be opened in a tab showing the console already.
window.addEventListener('hashchange', () => { if (takeKeyFromURL() && !me) showSignIn(); });
takeKeyFromURL();
if (api.tokens) start();
else showSignIn();
