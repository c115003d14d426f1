// Coupons: discount codes subscribers enter when they subscribe. List, create, edit what may
// change (status, limit, end, description) and delete.
import { h, mount, field, showErrors, clearErrors, table, badge, empty, confirm, toast, fmtDate, fmtNum } from '../common/dom.js';
import { cursorPager, newCursor, getTagged, money, input, sel, decimal, dateTime, localValue } from './util.js';

const TYPES = [['percent', 'Percent off'], ['fixed_amount', 'Amount off'], ['free_trial_days', 'Free trial days']];

function discount(c) {
  if (c.discount_type === 'percent') return `${c.discount_value}% off`;
  if (c.discount_type === 'fixed_amount') return `${money(c.discount_value, c.currency)} off`;
  return `${c.discount_value} free days`;
}

export async function couponsPage({ api, main }) {
  const state = newCursor();
  const listBox = h('div', {});
  const editBox = h('div', {});

  async function load() {
    const page = await api.get('/admin/coupons', { cursor: state.cursor, limit: 20 });
    mount(listBox, table([
      { label: 'Code', value: (c) => h('code', {}, c.code) },
      { label: 'Discount', value: discount },
      { label: 'Used', num: true, value: (c) => `${fmtNum(c.redemption_count)}${c.max_redemptions ? ` / ${fmtNum(c.max_redemptions)}` : ''}` },
      { label: 'Valid', value: (c) => `${fmtDate(c.valid_from)} – ${c.valid_until ? fmtDate(c.valid_until) : 'no end'}` },
      { label: 'Status', value: (c) => badge(c.status) },
      { label: 'Actions', value: (c) => h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit ${c.code}`, onclick: () => edit(c.id) }, 'Edit'),
        h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${c.code}`, onclick: () => remove(c) }, 'Delete')) },
    ], page.data, empty('No coupons yet', 'Create a coupon and share its code with the people it is for.',
      h('button', { type: 'button', onclick: () => edit(null) }, 'Create a coupon')), 'Coupons'),
    cursorPager(page.meta, state, load));
  }

  async function edit(id) {
    const cur = id ? await getTagged(api, `/admin/coupons/${id}`) : null;
    mount(editBox, (cur ? editForm : createForm)(api, cur, async () => { mount(editBox); await load(); }, () => mount(editBox)));
    editBox.querySelector('input, select')?.focus();
  }

  async function remove(c) {
    if (!await confirm(`Delete the coupon ${c.code}? Its code stops working. To pause it, edit it and disable it instead.`, 'Delete')) return;
    try {
      const { etag } = await getTagged(api, `/admin/coupons/${c.id}`);
      await api.del(`/admin/coupons/${c.id}`, { 'If-Match': etag });
      toast(`${c.code} deleted.`);
      await load();
    } catch (err) { toast(err.message, 'error'); }
  }

  mount(main, h('div', { class: 'page-head' }, h('h1', {}, 'Coupons'), h('button', { type: 'button', onclick: () => edit(null) }, 'New coupon')),
    editBox, listBox);
  await load();
}

function createForm(api, _cur, saved, cancel) {
  const f = {
    code: input('code', { maxlength: 50, autocapitalize: 'characters', placeholder: 'SPRING20', required: true }),
    discount_type: sel('discount_type', TYPES, 'percent'),
    discount_value: input('discount_value', { inputmode: 'decimal', placeholder: '20' }),
    currency: input('currency', { maxlength: 3, placeholder: 'USD' }),
    max_redemptions: input('max_redemptions', { type: 'number', min: 1, placeholder: 'Unlimited' }),
    max_redemptions_per_user: input('max_redemptions_per_user', { type: 'number', min: 1, value: 1 }),
    valid_from: input('valid_from', { type: 'datetime-local', value: localValue(new Date().toISOString()) }),
    valid_until: input('valid_until', { type: 'datetime-local' }),
    description: input('description', { maxlength: 500 }),
  };
  const currencyField = field('Currency', f.currency, 'For an amount off only.');
  const sync = () => { currencyField.hidden = f.discount_type.value !== 'fixed_amount'; };
  f.discount_type.addEventListener('change', sync);
  sync();
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'New coupon' }, h('h2', {}, 'New coupon'),
    h('div', { class: 'form-grid' },
      field('Code', f.code, 'Capital letters, digits, - and _.'), field('Type', f.discount_type),
      field('Value', f.discount_value, 'Percent (1–100), amount, or days.'), currencyField,
      field('Uses in all', f.max_redemptions, 'Leave empty for no limit.'), field('Uses per person', f.max_redemptions_per_user),
      field('Valid from', f.valid_from), field('Valid until (optional)', f.valid_until)),
    field('Description (optional)', f.description),
    h('div', { class: 'row-actions' }, h('button', { type: 'submit' }, 'Create coupon'), h('button', { type: 'button', class: 'secondary', onclick: cancel }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = {
      code: f.code.value.trim().toUpperCase(), discount_type: f.discount_type.value, discount_value: decimal(f.discount_value.value),
      valid_from: dateTime(f.valid_from.value) || new Date().toISOString(), valid_until: dateTime(f.valid_until.value),
      max_redemptions_per_user: Number(f.max_redemptions_per_user.value) || 1, description: f.description.value.trim() || undefined, status: 'active',
    };
    if (f.max_redemptions.value) body.max_redemptions = Number(f.max_redemptions.value);
    if (body.discount_type === 'fixed_amount') body.currency = f.currency.value.trim().toUpperCase();
    if (body.discount_value === undefined) { showErrors(form, { message: 'Check the form.', details: [{ field: 'discount_value', reason: 'Enter a number such as 20.' }] }); return; }
    try {
      await api.post('/admin/coupons', body);
      toast(`${body.code} is created.`);
      await saved();
    } catch (err) { showErrors(form, err); }
  });
  return form;
}

function editForm(api, { body: c, etag }, saved, cancel) {
  const f = {
    status: sel('status', ['active', 'disabled'], c.status === 'disabled' ? 'disabled' : 'active'),
    max_redemptions: input('max_redemptions', { type: 'number', min: Math.max(1, c.redemption_count), value: c.max_redemptions ?? '' }),
    valid_until: input('valid_until', { type: 'datetime-local', value: localValue(c.valid_until) }),
    description: input('description', { maxlength: 500, value: c.description }),
  };
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': `Edit ${c.code}` }, h('h2', {}, `Edit ${c.code}`),
    h('p', { class: 'muted' }, `${discount(c)}. The code and discount never change; create another coupon for a different one.`),
    h('div', { class: 'form-grid' },
      field('Status', f.status, 'Disabled codes are refused.'), field('Uses in all', f.max_redemptions, `Used ${c.redemption_count} times so far.`),
      field('Valid until', f.valid_until)),
    field('Description', f.description),
    h('div', { class: 'row-actions' }, h('button', { type: 'submit' }, 'Save coupon'), h('button', { type: 'button', class: 'secondary', onclick: cancel }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { status: f.status.value, description: f.description.value.trim() };
    if (f.max_redemptions.value) body.max_redemptions = Number(f.max_redemptions.value);
    if (f.valid_until.value) body.valid_until = dateTime(f.valid_until.value);
    try {
      await api.send('PATCH', `/admin/coupons/${c.id}`, { body, headers: { 'If-Match': etag } });
      toast('Coupon saved.');
      await saved();
    } catch (err) { showErrors(form, err); }
  });
  return form;
}
