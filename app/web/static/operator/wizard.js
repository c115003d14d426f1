// The onboarding wizard: create a client → issue its API key (shown once) → its first partner →
// the partner's owner (partner staff) → an OAuth app. Each step calls the platform API; the
// progress list shows where the operator is, and errors appear beside the fields.
import { h, mount, field } from '../common/dom.js';
import { useStyles, secretBox, onSubmit, check, slugify, SLUG, staffFields, oauthFields } from './parts.js';

const STEPS = ['Client', 'API key', 'First partner', 'Partner owner', 'OAuth app', 'Done'];

export async function wizardPage(ctx) {
  useStyles();
  const { api, main } = ctx;
  const state = { step: 0, tenant: null, key: null, partner: null, owner: null, oauth: null };
  const body = h('div', {});

  function progress() {
    return h('ol', { class: 'steps', 'aria-label': 'Onboarding progress' }, STEPS.map((s, i) => h('li', {
      class: i < state.step ? 'done' : i === state.step ? 'current' : '',
      'aria-current': i === state.step ? 'step' : null,
    }, h('span', { class: 'n', 'aria-hidden': 'true' }, i < state.step ? '✓' : String(i + 1)),
    h('span', { class: 'sr-only' }, i < state.step ? 'Done: ' : i === state.step ? 'Current: ' : 'To do: '), s)));
  }

  function show(card) {
    mount(body, progress(), card);
    const first = card.querySelector('input:not([readonly]), textarea, select, button');
    const heading = card.querySelector('h2');
    if (heading) { heading.tabIndex = -1; heading.focus(); } else first?.focus();
  }

  function next() { state.step++; render(); }

  function render() {
    [clientStep, keyStep, partnerStep, ownerStep, oauthStep, doneStep][state.step]();
  }

  function clientStep() {
    const name = h('input', { name: 'name', required: true, maxlength: 100 });
    const slug = h('input', { name: 'slug', required: true, maxlength: 63, pattern: SLUG.source, spellcheck: 'false' });
    const display = h('input', { name: 'branding.display_name', maxlength: 100 });
    const primary = h('input', { name: 'branding.primary_color', type: 'color', value: '#1b5fb5' });
    const secondary = h('input', { name: 'branding.secondary_color', type: 'color', value: '#eef3fa' });
    const logo = h('input', { name: 'branding.logo_url', type: 'url', placeholder: 'https://…', maxlength: 2048 });
    let slugTouched = false;
    slug.addEventListener('input', () => { slugTouched = true; });
    name.addEventListener('input', () => { if (!slugTouched) slug.value = slugify(name.value); });
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'wz-h' },
      h('h2', { id: 'wz-h' }, 'Step 1: the client'),
      h('p', { class: 'muted' }, 'A client is one white-label app: its own users, catalog, plans, partners and keys.'),
      h('div', { class: 'form-grid' },
        field('Name', name), field('Slug', slug, 'Lower-case letters, digits and dashes; unique; used in links.'),
        field('Display name', display, 'Shown in the apps; the name when empty.')),
      h('h3', {}, 'Branding'),
      h('div', { class: 'form-grid' },
        field('Logo address', logo, 'An https URL (optional).'), field('Primary colour', primary), field('Secondary colour', secondary)),
      h('div', { class: 'row-actions' }, h('button', { type: 'submit' }, 'Create client')));
    onSubmit(form, async () => {
      const b = { name: name.value.trim(), slug: slug.value.trim() };
      check([[b.name, 'name', 'Name the client.'], [SLUG.test(b.slug), 'slug', 'Use lower-case letters, digits and dashes (not at either end).'],
        [!logo.value.trim() || /^https:\/\/\S+$/.test(logo.value.trim()), 'branding.logo_url', 'The logo must be an https address.']]);
      b.branding = { display_name: display.value.trim() || undefined, primary_color: primary.value, secondary_color: secondary.value, logo_url: logo.value.trim() || undefined };
      state.tenant = await api.post('/platform/tenants', b);
      next();
    });
    show(form);
  }

  function keyStep() {
    const t = state.tenant;
    const name = h('input', { name: 'name', maxlength: 100, value: 'Mobile and TV apps' });
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'wz-h' },
      h('h2', { id: 'wz-h' }, `Step 2: an API key for ${t.name}`),
      h('p', { class: 'muted' }, 'The client\'s apps send this key as X-API-Key on every call. It reaches only the app surface by itself.'),
      field('What the key is for', name),
      h('div', { class: 'row-actions' }, h('button', { type: 'submit' }, 'Issue API key')));
    onSubmit(form, async () => {
      state.key = await api.post(`/platform/tenants/${t.id}/api-keys`, { name: name.value.trim() });
      const stored = h('input', { type: 'checkbox', name: 'stored' });
      const cont = h('button', { type: 'button', disabled: true, onclick: next }, 'Continue');
      stored.addEventListener('change', () => { cont.disabled = !stored.checked; });
      show(h('div', { class: 'card', 'aria-labelledby': 'wz-h' },
        h('h2', { id: 'wz-h' }, `Step 2: the API key of ${t.name}`),
        secretBox(state.key.key),
        h('p', { class: 'muted' }, `Key ${state.key.prefix}… (“${state.key.name || 'unnamed'}”). Give it to the client's app developers through a secure channel.`),
        field('I have stored the key somewhere safe', stored),
        h('div', { class: 'row-actions' }, cont)));
    });
    show(form);
  }

  function partnerStep() {
    const t = state.tenant;
    const name = h('input', { name: 'name', required: true, maxlength: 100 });
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'wz-h' },
      h('h2', { id: 'wz-h' }, 'Step 3: the first partner'),
      h('p', { class: 'muted' }, `A partner (a gym, an employer, a reseller) hands out access to ${t.name} with voucher codes and sees its members in the partner portal.`),
      field('Partner name', name),
      h('div', { class: 'row-actions' }, h('button', { type: 'submit' }, 'Create partner'),
        h('button', { type: 'button', class: 'secondary', onclick: () => { state.step = 4; render(); } }, 'Skip: no partner yet')));
    onSubmit(form, async () => {
      check([[name.value.trim(), 'name', 'Name the partner.']]);
      state.partner = await api.post(`/platform/tenants/${t.id}/partners`, { name: name.value.trim() });
      next();
    });
    show(form);
  }

  function ownerStep() {
    const f = staffFields(['owner'], 'owner');
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'wz-h' },
      h('h2', { id: 'wz-h' }, `Step 4: the owner of ${state.partner.name}`),
      h('p', { class: 'muted' }, 'The owner signs in to the partner portal and adds the rest of the partner\'s staff.'),
      h('div', { class: 'form-grid' }, f.nodes),
      h('div', { class: 'row-actions' }, h('button', { type: 'submit' }, 'Create owner')));
    onSubmit(form, async () => {
      state.owner = await api.post(`/platform/partners/${state.partner.id}/staff`, f.check());
      next();
    });
    show(form);
  }

  function oauthStep() {
    const f = oauthFields(`${state.tenant.name} app`);
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'wz-h' },
      h('h2', { id: 'wz-h' }, 'Step 5: an OAuth app'),
      h('p', { class: 'muted' }, 'Apps that sign subscribers in with OAuth (authorization code with PKCE, or the TV device flow) need a registered client with its redirect URIs.'),
      f.nodes,
      h('div', { class: 'row-actions' }, h('button', { type: 'submit' }, 'Register OAuth app'),
        h('button', { type: 'button', class: 'secondary', onclick: next }, 'Skip: add it later')));
    onSubmit(form, async () => {
      state.oauth = await api.post(`/platform/tenants/${state.tenant.id}/oauth-clients`, f.check());
      next();
    });
    show(form);
  }

  function doneStep() {
    const t = state.tenant;
    const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
    show(h('div', { class: 'card', 'aria-labelledby': 'wz-h' },
      h('h2', { id: 'wz-h' }, `${t.name} is ready`),
      h('dl', { class: 'facts' },
        row('Client', `${t.name} (${t.slug})`),
        row('API key', state.key ? `${state.key.prefix}… issued` : '—'),
        row('Partner', state.partner ? state.partner.name : 'none yet'),
        row('Partner owner', state.owner ? state.owner.email : 'none yet'),
        row('OAuth app', state.oauth ? h('code', {}, state.oauth.client_id) : 'none yet')),
      h('p', {}, state.owner ? `Send ${state.owner.email} the partner portal link with the client's app key in it: ${location.origin}/portal/#key=<the key>.` : 'Add a partner and its owner from the client\'s page.'),
      h('div', { class: 'row-actions' },
        h('a', { class: 'button', href: `#/clients/${t.id}` }, 'Open the client'),
        h('a', { class: 'button secondary', href: '#/onboard', onclick: (e) => { e.preventDefault(); wizardPage(ctx); } }, 'Onboard another client'))));
  }

  mount(main, h('div', { class: 'page-head' }, h('h1', {}, 'Onboard a client')),
    h('p', { class: 'muted' }, 'Five short steps. A step done stays done: if you leave, finish the rest from the client\'s page.'),
    body);
  render();
}
