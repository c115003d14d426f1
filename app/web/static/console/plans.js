// Plans: what subscribers can choose. List, create, edit (with If-Match, so two admins never
// overwrite each other's change unseen) and deactivate (new subscriptions stop; existing go on).
import { h, mount, field, showErrors, clearErrors, table, badge, empty, confirm, toast } from '../common/dom.js';
import { cursorPager, newCursor, getTagged, money, input, sel, check, decimal } from './util.js';

const CYCLES = [['monthly', 'Monthly'], ['quarterly', 'Quarterly'], ['semi_annual', 'Every six months'], ['annual', 'Annual']];
const QUALITIES = ['SD', 'HD', 'FHD', 'UHD_4K', 'UHD_8K'];

export async function plansPage({ api, main }) {
  const state = newCursor();
  const listBox = h('div', {});
  const editBox = h('div', {});

  async function load() {
    const page = await api.get('/admin/plans', { cursor: state.cursor, limit: 20 });
    mount(listBox, table([
      { label: 'Name', value: (p) => h('strong', {}, p.name), wrap: true },
      { label: 'Price', num: true, value: (p) => money(p.price, p.currency) },
      { label: 'Cycle', value: (p) => Object.fromEntries(CYCLES)[p.billing_cycle] || p.billing_cycle },
      { label: 'Streams', num: true, value: (p) => p.max_concurrent_streams },
      { label: 'Quality', value: (p) => p.max_quality },
      { label: 'Trial', num: true, value: (p) => (p.trial_days ? `${p.trial_days} days` : '—') },
      { label: 'Status', value: (p) => badge(p.is_active ? 'active' : 'inactive') },
      { label: 'Actions', value: (p) => h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit ${p.name}`, onclick: () => edit(p.id) }, 'Edit'),
        p.is_active ? h('button', { type: 'button', class: 'danger small', 'aria-label': `Deactivate ${p.name}`, onclick: () => deactivate(p) }, 'Deactivate') : null) },
    ], page.data, empty('No plans yet', 'Create a plan so subscribers can choose it in the app.',
      h('button', { type: 'button', onclick: () => edit(null) }, 'Create a plan')), 'Plans'),
    cursorPager(page.meta, state, load));
  }

  async function edit(id) {
    const cur = id ? await getTagged(api, `/admin/plans/${id}`) : null;
    mount(editBox, planForm(api, cur, async () => { mount(editBox); await load(); }, () => mount(editBox)));
    editBox.querySelector('input')?.focus();
    editBox.scrollIntoView({ block: 'start' });
  }

  async function deactivate(p) {
    if (!await confirm(`Deactivate ${p.name}? Nobody new can subscribe to it; current subscribers keep it.`, 'Deactivate')) return;
    try {
      const { etag } = await getTagged(api, `/admin/plans/${p.id}`);
      await api.del(`/admin/plans/${p.id}`, { 'If-Match': etag });
      toast(`${p.name} is deactivated.`);
      await load();
    } catch (err) { toast(err.message, 'error'); }
  }

  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Plans'), h('button', { type: 'button', onclick: () => edit(null) }, 'New plan')),
    h('p', { class: 'muted' }, 'Active plans are offered in your app. Changing a plan reaches existing subscribers at their next renewal.'),
    editBox, listBox);
  await load();
}

function planForm(api, cur, saved, cancel) {
  const p = cur ? cur.body : { currency: 'USD', billing_cycle: 'monthly', max_profiles: 1, max_concurrent_streams: 1, max_devices: 2,
    max_quality: 'HD', trial_days: 0, is_active: true };
  const num = (name, min, max) => input(name, { type: 'number', min, max, value: p[name] ?? '', inputmode: 'numeric' });
  const f = {
    name: input('name', { required: true, maxlength: 100, value: p.name || '' }),
    description: h('textarea', { name: 'description', maxlength: 500, class: 'short' }),
    price: input('price', { inputmode: 'decimal', value: p.price ?? '', placeholder: '9.99' }),
    currency: input('currency', { maxlength: 3, value: p.currency, autocapitalize: 'characters' }),
    billing_cycle: sel('billing_cycle', CYCLES, p.billing_cycle),
    max_profiles: num('max_profiles', 1, 6),
    max_concurrent_streams: num('max_concurrent_streams', 1, 8),
    max_devices: num('max_devices', 1, 20),
    max_quality: sel('max_quality', QUALITIES, p.max_quality),
    trial_days: num('trial_days', 0, 3650),
    has_downloads: check('has_downloads', p.has_downloads),
    has_ads: check('has_ads', p.has_ads),
    has_hdr: check('has_hdr', p.has_hdr),
    has_dolby_atmos: check('has_dolby_atmos', p.has_dolby_atmos),
    is_active: check('is_active', p.is_active),
  };
  f.description.value = p.description || '';
  const title = cur ? `Edit ${p.name}` : 'New plan';
  const submit = h('button', { type: 'submit' }, cur ? 'Save plan' : 'Create plan');
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': title },
    h('h2', {}, title),
    h('div', { class: 'form-grid' },
      field('Name', f.name), field('Price', f.price, 'Per billing cycle, exact: 9.99'), field('Currency', f.currency, 'ISO code such as USD.'),
      field('Billing cycle', f.billing_cycle), field('Profiles', f.max_profiles, '1 to 6.'), field('Simultaneous streams', f.max_concurrent_streams, '1 to 8.'),
      field('Devices', f.max_devices, '1 to 20.'), field('Best quality', f.max_quality), field('Free trial (days)', f.trial_days, '0 for none.')),
    field('Description', f.description),
    h('fieldset', {}, h('legend', {}, 'Includes'), h('div', { class: 'checks' },
      field('Downloads', f.has_downloads), field('Ads', f.has_ads), field('HDR', f.has_hdr), field('Dolby Atmos', f.has_dolby_atmos),
      field('Active: offered to new subscribers', f.is_active))),
    h('div', { class: 'row-actions' }, submit, h('button', { type: 'button', class: 'secondary', onclick: cancel }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = {
      name: f.name.value.trim(), description: f.description.value.trim(), price: decimal(f.price.value),
      currency: f.currency.value.trim().toUpperCase(), billing_cycle: f.billing_cycle.value,
      max_profiles: Number(f.max_profiles.value), max_concurrent_streams: Number(f.max_concurrent_streams.value),
      max_devices: Number(f.max_devices.value), max_quality: f.max_quality.value, trial_days: Number(f.trial_days.value) || 0,
      has_downloads: f.has_downloads.checked, has_ads: f.has_ads.checked, has_hdr: f.has_hdr.checked,
      has_dolby_atmos: f.has_dolby_atmos.checked, is_active: f.is_active.checked,
    };
    if (cur && cur.body.allow_download_count !== null && body.has_downloads) body.allow_download_count = cur.body.allow_download_count;
    if (body.price === undefined) { showErrors(form, { message: 'Check the form.', details: [{ field: 'price', reason: 'Enter a price such as 9.99.' }] }); return; }
    submit.disabled = true;
    try {
      if (cur) await api.put(`/admin/plans/${p.id}`, body, { 'If-Match': cur.etag });
      else await api.post('/admin/plans', body);
      toast(cur ? 'Plan saved.' : `${body.name} is created.`);
      await saved();
    } catch (err) {
      if (err.status === 412) err.message = 'Someone changed this plan since you opened it: cancel and edit it again to see their change.';
      showErrors(form, err);
    } finally { submit.disabled = false; }
  });
  return form;
}
