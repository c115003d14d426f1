// Clients: the list, and a client's page (details, suspend and resume, API keys, partners, OAuth apps).
import { h, mount, field, table, badge, empty, confirm, toast, fmtDate, fmtDateTime } from '../common/dom.js';
import { setQuery } from '../common/shell.js';
import { useStyles, secretBox, cursorPager, onSubmit, check, oauthFields } from './parts.js';

export async function clientsPage(ctx, _params, query) {
  useStyles();
  const { api, main } = ctx;
  const listBox = h('div', { 'aria-live': 'polite' });
  async function load(cursor) {
    setQuery({ cursor });
    const res = await api.get('/platform/tenants', { cursor, limit: 25 });
    mount(listBox, table([
      { label: 'Client', value: (t) => h('a', { href: `#/clients/${t.id}` }, t.name) },
      { label: 'Slug', value: (t) => h('code', {}, t.slug) },
      { label: 'Status', value: (t) => badge(t.status) },
      { label: 'Created', value: (t) => fmtDate(t.created_at) },
    ], res.data, empty('No clients yet', 'Onboard the first white-label client: the wizard creates it with its API key, first partner and OAuth app.',
      h('a', { class: 'button', href: '#/onboard' }, 'Onboard a client')), 'Clients'),
    cursorPager(res.meta, cursor, load));
  }
  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Clients'), h('a', { class: 'button', href: '#/onboard' }, 'Onboard a client')),
    h('p', { class: 'muted' }, 'Every white-label client on this platform. Open one to suspend it, or to manage its keys, partners and apps.'),
    listBox);
  await load(query.get('cursor') || '');
}

export async function clientPage(ctx, [id]) {
  useStyles();
  const { api, main } = ctx;
  const t = await api.get(`/platform/tenants/${id}`);
  document.title = `${t.name} · Operator console`;
  const head = h('div', {});
  const statusBtn = () => (t.status === 'active'
    ? h('button', { type: 'button', class: 'danger', onclick: () => setStatus('suspended') }, 'Suspend client')
    : h('button', { type: 'button', onclick: () => setStatus('active') }, 'Resume client'));

  function renderHead() {
    const b = t.branding || {};
    mount(head,
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Clients'), ' / ', t.name),
      h('div', { class: 'page-head' }, h('h1', {}, t.name, ' ', badge(t.status)), statusBtn()),
      t.status === 'suspended' ? h('p', { class: 'form-error', role: 'status' },
        'Suspended: every API key, token and portal sign-in of this client is refused until it is resumed.') : null,
      h('div', { class: 'card' }, h('dl', { class: 'facts' },
        h('dt', {}, 'Slug'), h('dd', {}, h('code', {}, t.slug)),
        h('dt', {}, 'Client id'), h('dd', {}, h('code', {}, t.id)),
        h('dt', {}, 'Display name'), h('dd', {}, b.display_name || t.name),
        h('dt', {}, 'Colours'), h('dd', {}, swatch(b.primary_color), ' ', swatch(b.secondary_color)),
        h('dt', {}, 'Created'), h('dd', {}, fmtDateTime(t.created_at)))));
  }

  async function setStatus(status) {
    const q = status === 'suspended'
      ? `Suspend ${t.name}? Its apps, partners and users are refused at once, until you resume it.`
      : `Resume ${t.name}? Its apps, partners and users can sign in again.`;
    if (!await confirm(q, status === 'suspended' ? 'Suspend' : 'Resume', status === 'suspended')) return;
    try {
      Object.assign(t, await api.send('PATCH', `/platform/tenants/${id}`, { body: { status } }));
      toast(status === 'suspended' ? `${t.name} is suspended.` : `${t.name} is active again.`);
      renderHead();
      head.querySelector('h1')?.focus?.();
    } catch (err) { if (err.status !== 401) toast(err.message, 'error'); }
  }

  renderHead();
  const keys = h('section', { class: 'card', 'aria-labelledby': 'keys-h' });
  const partners = h('section', { class: 'card', 'aria-labelledby': 'partners-h' });
  const apps = h('section', { class: 'card', 'aria-labelledby': 'apps-h' });
  mount(main, head, keys, partners, apps);
  await Promise.all([keysSection(api, t, keys), partnersSection(api, t, partners), appsSection(api, t, apps)]);
}

function swatch(c) {
  if (!/^#[0-9a-fA-F]{6}$/.test(c || '')) return '—';
  const s = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  s.style.setProperty('--swatch', c); // CSSOM, which the CSP allows
  return h('span', {}, s, ' ', h('code', {}, c));
}

async function keysSection(api, t, box) {
  const list = h('div', {});
  const issued = h('div', {});
  async function load() {
    const res = await api.get(`/platform/tenants/${t.id}/api-keys`);
    mount(list, table([
      { label: 'Name', value: (k) => k.name || '—' },
      { label: 'Key', value: (k) => h('code', {}, `${k.prefix}…`) },
      { label: 'Status', value: (k) => badge(k.status) },
      { label: 'Created', value: (k) => fmtDate(k.created_at) },
      { label: 'Last used', value: (k) => fmtDateTime(k.last_used_at) },
      { label: 'Actions', value: (k) => (k.status === 'active'
        ? h('button', { type: 'button', class: 'danger small', 'aria-label': `Revoke key ${k.prefix}`, onclick: () => revoke(k) }, 'Revoke') : '—') },
    ], res.data, empty('No API keys', `${t.name}'s apps need a key to call stvos: issue one below.`), 'API keys'));
  }
  async function revoke(k) {
    if (!await confirm(`Revoke key ${k.prefix}…? Apps still sending it are refused from their next request.`, 'Revoke')) return;
    try {
      await api.del(`/platform/tenants/${t.id}/api-keys/${k.id}`);
      toast(`Key ${k.prefix}… revoked.`);
      mount(issued);
      await load();
    } catch (err) { if (err.status !== 401) toast(err.message, 'error'); }
  }
  const name = h('input', { name: 'name', maxlength: 100, placeholder: 'iOS app' });
  const form = onSubmit(h('form', { class: 'inline-form', novalidate: true },
    field('What the new key is for', name), h('button', { type: 'submit' }, 'Issue API key')), async () => {
    const k = await api.post(`/platform/tenants/${t.id}/api-keys`, { name: name.value.trim() });
    name.value = '';
    mount(issued, secretBox(k.key));
    await load();
    issued.querySelector('.secret')?.focus();
  });
  mount(box, h('h2', { id: 'keys-h' }, 'API keys'),
    h('p', { class: 'muted' }, 'Apps send a key as X-API-Key. A new key is shown once; revoke a key when an app no longer needs it.'),
    issued, list, form);
  await load();
}

async function partnersSection(api, t, box) {
  const list = h('div', {});
  let cursor = '';
  async function load(c = cursor) {
    cursor = c;
    const res = await api.get(`/platform/tenants/${t.id}/partners`, { cursor, limit: 25 });
    mount(list, table([
      { label: 'Partner', value: (p) => h('a', { href: `#/clients/${t.id}/partners/${p.id}` }, p.name) },
      { label: 'Status', value: (p) => badge(p.status) },
      { label: 'Created', value: (p) => fmtDate(p.created_at) },
    ], res.data, empty('No partners yet', 'Add the first gym, employer or reseller below, then give it an owner.'), 'Partners'),
    cursorPager(res.meta, cursor, load));
  }
  const name = h('input', { name: 'name', maxlength: 100, required: true });
  const form = onSubmit(h('form', { class: 'inline-form', novalidate: true },
    field('New partner\'s name', name), h('button', { type: 'submit' }, 'Add partner')), async () => {
    check([[name.value.trim(), 'name', 'Name the partner.']]);
    const p = await api.post(`/platform/tenants/${t.id}/partners`, { name: name.value.trim() });
    name.value = '';
    toast(`${p.name} added: now give it an owner.`);
    location.hash = `#/clients/${t.id}/partners/${p.id}`;
  });
  mount(box, h('h2', { id: 'partners-h' }, 'Partners'),
    h('p', { class: 'muted' }, 'Partners hand out access with voucher codes and use the partner portal. Open one to manage its staff.'), list, form);
  await load('');
}

async function appsSection(api, t, box) {
  const list = h('div', {});
  async function load() {
    const res = await api.get(`/platform/tenants/${t.id}/oauth-clients`);
    mount(list, table([
      { label: 'App', value: (c) => c.name },
      { label: 'Client id', value: (c) => h('code', {}, c.client_id) },
      { label: 'Redirect URIs', wrap: true, value: (c) => h('ul', { class: 'plain' }, c.redirect_uris.map((u) => h('li', {}, h('code', {}, u)))) },
      { label: 'Created', value: (c) => fmtDate(c.created_at) },
    ], res.data, empty('No OAuth apps', 'Register one below if the client\'s apps sign subscribers in with OAuth (PKCE or the TV device flow).'), 'OAuth apps'));
  }
  const f = oauthFields();
  const form = onSubmit(h('form', { novalidate: true }, h('h3', {}, 'Register an OAuth app'), h('div', { class: 'form-grid' }, f.nodes),
    h('button', { type: 'submit' }, 'Register OAuth app')), async () => {
    const c = await api.post(`/platform/tenants/${t.id}/oauth-clients`, f.check());
    f.name.value = ''; f.uris.value = '';
    toast(`${c.name} registered.`);
    await load();
  });
  mount(box, h('h2', { id: 'apps-h' }, 'OAuth apps'), list, form);
  await load();
}
