// The operator console: platform operators sign in (POST /platform/auth/login), onboard
// white-label clients through a wizard, suspend and resume them, and manage their API keys,
// partners, partner staff and OAuth apps, through the platform JSON API (flat, snake_case).
import { Api } from '../common/api.js';
import { h, mount, signInForm } from '../common/dom.js';
import { frame, router } from '../common/shell.js';
import { clientsPage, clientPage } from './clients.js';
import { wizardPage } from './wizard.js';
import { staffPage } from './staff.js';

const api = new Api({
  storageKey: 'stvos.operator.tokens', refreshPath: '/platform/auth/refresh', loginPath: '/platform/auth/login', enveloped: false,
  onSignedOut: () => showSignIn('Your session has ended; please sign in again.'),
});
// The platform surface names the refresh token in snake_case.
api.refreshBody = (refreshToken) => ({ refresh_token: refreshToken });

const EMAIL_KEY = 'stvos.operator.email';
let signedIn = false;

function showSignIn(notice) {
  signedIn = false;
  document.title = 'Sign in · Operator console';
  const { form, email, password } = signInForm({
    notice, email: sessionStorage.getItem(EMAIL_KEY) || '', emailHint: 'Enter your operator email.',
    login: async (address, password) => {
      api.tokens = api.fromFlat(await api.post('/platform/auth/login', { email: address, password }));
      sessionStorage.setItem(EMAIL_KEY, address);
      start();
    },
  });
  mount(document.getElementById('app'), h('div', { class: 'signin' }, h('main', { class: 'card' },
    h('div', { class: 'brand' }, h('span', {}, 'stvos operator console')),
    h('h1', {}, 'Sign in as an operator'),
    form,
    h('p', { class: 'muted' }, 'Operator accounts are created with stvos bootstrap; ask another operator if you are locked out.'))));
  (email.value ? password : email).focus();
}

const nav = [
  { href: '#/', label: 'Clients' },
  { href: '#/onboard', label: 'Onboard a client' },
];

function page(render) {
  return async (params, query) => {
    if (!signedIn) return;
    const main = frame({
      brand: null, appName: 'stvos operator', user: sessionStorage.getItem(EMAIL_KEY) || 'Operator', role: 'operator', nav,
      onSignOut: () => { api.signOut(); showSignIn('You have signed out.'); },
    });
    try {
      await render({ api, main }, params, query);
    } catch (err) {
      if (err.status === 401) return;
      mount(main, h('div', { class: 'card' }, h('h1', {}, 'Something went wrong'),
        h('p', { role: 'alert' }, err.message), err.requestId ? h('p', { class: 'muted' }, `Request id: ${err.requestId}`) : null,
        h('a', { href: '#/' }, 'Back to the clients')));
    }
  };
}

let routed = false;

function start() {
  signedIn = true;
  document.title = 'Operator console';
  if (routed) { window.dispatchEvent(new HashChangeEvent('hashchange')); return; }
  routed = true;
  const id = '([0-9a-f-]{36})';
  router([
    [/^\/$/, page(clientsPage)],
    [/^\/onboard$/, page(wizardPage)],
    [new RegExp(`^/clients/${id}$`), page(clientPage)],
    [new RegExp(`^/clients/${id}/partners/${id}$`), page(staffPage)],
  ], () => { location.hash = '#/'; });
}

if (api.tokens) start();
else showSignIn();
