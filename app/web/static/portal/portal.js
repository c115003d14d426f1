// The partner portal: partner staff (owner, admin, viewer) sign in and manage their partner's
// vouchers, members, billing, content strings and products, through the partner JSON API.
import { Api } from '../common/api.js';
import { h, mount, signInForm } from '../common/dom.js';
import { applyBrand, rememberedBrand, brandMark, frame, router } from '../common/shell.js';
import { takeKeyFromURL } from './key.js';
import { dashboardPage } from './dashboard.js';
import { vouchersPage } from './vouchers.js';
import { membersPage, memberPage } from './members.js';
import { billingPage } from './billing.js';
import { contentPage } from './content.js';
import { productsPage } from './products.js';
import { staffPage } from './staff.js';

const BRAND_KEY = 'stvos.portal.brand';

const api = new Api({
  storageKey: 'stvos.portal.tokens', refreshPath: '/partner-auth/refresh', loginPath: '/partner-auth/login', enveloped: true,
  onSignedOut: () => showSignIn('Your session has ended; please sign in again.'),
});

let me = null;

function showSignIn(notice) {
  me = null;
  const brand = rememberedBrand(BRAND_KEY);
  applyBrand(brand);
  document.title = 'Sign in · Partner portal';
  const { form, email } = signInForm({
    notice, emailHint: 'Enter the email you were invited with.',
    login: async (address, password) => {
      api.tokens = await api.post('/partner-auth/login', { email: address, password });
      await start();
    },
  });
  mount(document.getElementById('app'), h('div', { class: 'signin' }, h('main', { class: 'card' },
    brandMark(brand, 'Partner portal'),
    h('h1', {}, 'Sign in to your partner portal'),
    form,
    h('p', { class: 'muted' }, 'Forgot your password? Ask your organisation\'s portal owner.'))));
  email.focus();
}

function nav() {
  return [
    { href: '#/', label: 'Dashboard' },
    { href: '#/vouchers', label: 'Vouchers' },
    { href: '#/members', label: 'Members' },
    { href: '#/billing', label: 'Billing' },
    { href: '#/content', label: 'Content' },
    { href: '#/products', label: 'Products' },
    ...(me.role === 'owner' ? [{ href: '#/staff', label: 'Staff' }] : []),
  ];
}

function page(render) {
  return async (params, query) => {
    if (!me) return;
    const main = frame({
      brand: me.client.branding, appName: me.partner.name, user: `${me.name || me.email} · ${me.partner.name}`, role: me.role, nav: nav(),
      onSignOut: () => { api.signOut(); showSignIn('You have signed out.'); },
    });
    const ctx = { api, me, main, canWrite: me.role !== 'viewer', isOwner: me.role === 'owner' };
    try {
      await render(ctx, params, query);
    } catch (err) {
      if (err.status === 401) return;
      mount(main, h('div', { class: 'card' }, h('h1', {}, 'Something went wrong'),
        h('p', { role: 'alert' }, err.message), err.requestId ? h('p', { class: 'muted' }, `Request id: ${err.requestId}`) : null));
    }
  };
}

let routed = false;

async function start() {
  try {
    me = await api.get('/partner-auth/me');
  } catch (err) {
    if (err.status !== 401) showSignIn(err.message);
    return;
  }
  applyBrand(me.client.branding, BRAND_KEY);
  document.title = `${me.partner.name} · Partner portal`;
  if (routed) { window.dispatchEvent(new HashChangeEvent('hashchange')); return; }
  routed = true;
  router([
    [/^\/$/, page(dashboardPage)],
    [/^\/vouchers$/, page(vouchersPage)],
    [/^\/members$/, page(membersPage)],
    [/^\/members\/([0-9a-f-]{36})$/, page(memberPage)],
    [/^\/billing$/, page(billingPage)],
    [/^\/content$/, page(contentPage)],
    [/^\/products$/, page(productsPage)],
    [/^\/staff$/, page(staffPage)],
  ], () => { location.hash = '#/'; });
}

takeKeyFromURL();
if (api.tokens) start();
else showSignIn();
