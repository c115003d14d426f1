// Vouchers: statistics, generation (admins and owners), the list with filter and search,
// revocation, and the CSV download.
import { h, mount, field, showErrors, clearErrors, table, pager, badge, empty, confirm, toast, fmtDate, fmtNum, debounce } from '../common/dom.js';
import { setQuery } from '../common/shell.js';
import { keyHeaders, keyForm, needsKey } from './key.js';
import { downloadButton } from './download.js';

const STATUSES = ['active', 'redeemed', 'expired', 'revoked'];

export async function vouchersPage(ctx, _params, query) {
  const { api, main, canWrite } = ctx;
  const state = { status: query.get('status') || '', search: query.get('search') || '', page: Number(query.get('page')) || 1 };
  const statsBox = h('div', { class: 'grid', 'aria-label': 'Voucher statistics' });
  const listBox = h('div', {});
  const generated = h('div', {});

  const askKey = (err) => mount(main, h('h1', {}, 'Vouchers'), keyForm(() => vouchersPage(ctx, _params, query),
    err && err.code === 'TENANT_MISMATCH' ? 'The key saved in this browser belongs to another client.' : null));

  async function loadStats() {
    const s = await api.get('/partner/vouchers/stats', null, keyHeaders());
    mount(statsBox,
      stat('Total', fmtNum(s.total)), stat('Active', fmtNum(s.active)), stat('Redeemed', fmtNum(s.redeemed)),
      stat('Expired', fmtNum(s.expired)), stat('Revoked', fmtNum(s.revoked)), stat('Redemption rate', `${s.redemptionRate}%`));
  }

  async function loadList() {
    setQuery({ status: state.status, search: state.search, page: state.page > 1 ? state.page : '' });
    const data = await api.get('/partner/vouchers', { status: state.status, search: state.search, page: state.page, limit: 25 }, keyHeaders());
    const filtered = state.status || state.search;
    const none = filtered
      ? empty('No vouchers match', 'Clear the search or choose another status.')
      : empty('No vouchers yet', canWrite ? 'Generate your first codes above and hand them to your members.' : 'An admin or owner of your organisation can generate codes.');
    mount(listBox, table([
      { label: 'Code', value: (v) => h('code', {}, v.code) },
      { label: 'Status', value: (v) => badge(v.status) },
      { label: 'Expires', value: (v) => fmtDate(v.expiresAt) },
      { label: 'Created', value: (v) => fmtDate(v.createdAt) },
      { label: 'Redeemed', value: (v) => fmtDate(v.redeemedAt) },
      ...(canWrite ? [{ label: 'Actions', value: (v) => (v.status === 'active'
        ? h('button', { type: 'button', class: 'danger small', 'aria-label': `Revoke ${v.code}`, onclick: () => revoke(v) }, 'Revoke') : '') }] : []),
    ], data.vouchers, none, 'Vouchers'), pager(data.pagination, (p) => { state.page = p; loadList(); }));
  }

  async function revoke(v) {
    if (!await confirm(`Revoke ${v.code}? Nobody will be able to register with it.`, 'Revoke')) return;
    try {
      await api.del(`/partner/vouchers/${v.id}`, keyHeaders());
      toast(`${v.code} revoked.`);
      await Promise.all([loadStats(), loadList()]);
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  try {
    await loadStats();
  } catch (err) {
    if (needsKey(err)) return askKey(err);
    throw err;
  }

  const status = h('select', { name: 'status' }, h('option', { value: '' }, 'Every status'),
    STATUSES.map((s) => h('option', { value: s, selected: s === state.status }, s)));
  const search = h('input', { name: 'search', type: 'search', value: state.search, placeholder: 'Part of a code', maxlength: 64 });
  status.addEventListener('change', () => { state.status = status.value; state.page = 1; loadList(); });
  search.addEventListener('input', debounce(() => { state.search = search.value.trim(); state.page = 1; loadList(); }));

  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Vouchers'),
      downloadButton(api, 'Download CSV', '/partner/vouchers/export', () => ({ status: state.status }), keyHeaders)),
    statsBox,
    canWrite ? generateForm(api, generated, async () => { state.page = 1; await Promise.all([loadStats(), loadList()]); }) : null,
    generated,
    h('section', { 'aria-labelledby': 'list-h' }, h('h2', { id: 'list-h' }, 'All vouchers'),
      h('div', { class: 'toolbar' }, h('div', { class: 'grow' }, field('Search', search)), h('div', {}, field('Status', status))),
      listBox));
  await loadList();
}

function stat(label, value) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

function generateForm(api, out, after) {
  const quantity = h('input', { name: 'quantity', type: 'number', min: 1, max: 500, value: 20, required: true, inputmode: 'numeric' });
  const prefix = h('input', { name: 'prefix', maxlength: 12, placeholder: 'STUDIO', autocapitalize: 'characters' });
  const expires = h('input', { name: 'expiresAt', type: 'date' });
  const submit = h('button', { type: 'submit' }, 'Generate codes');
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'gen-h' },
    h('h2', { id: 'gen-h' }, 'Generate codes'),
    h('div', { class: 'form-grid' },
      field('How many', quantity, '1 to 500 at a time.'),
      field('Prefix (optional)', prefix, 'Up to 12 letters or digits; codes read PREFIX-XXXXXX.'),
      field('Expires on (optional)', expires, 'Unused codes stop working after this day.')),
    submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { quantity: Number(quantity.value) };
    if (prefix.value.trim()) body.prefix = prefix.value.trim().toUpperCase();
    if (expires.value) body.expiresAt = new Date(`${expires.value}T23:59:59`).toISOString();
    submit.disabled = true;
    submit.textContent = 'Generating…';
    try {
      const data = await api.post('/partner/vouchers', body, keyHeaders());
      const codes = data.vouchers.map((v) => v.code);
      mount(out, h('section', { class: 'card', 'aria-labelledby': 'new-h' },
        h('div', { class: 'page-head' }, h('h2', { id: 'new-h' }, `${codes.length} new codes`),
          h('button', { type: 'button', class: 'secondary small', onclick: () => navigator.clipboard.writeText(codes.join('\n')).then(() => toast('Codes copied.'), () => toast('Copy failed; select the codes instead.', 'error')) }, 'Copy all')),
        h('div', { class: 'codes', tabindex: 0, 'aria-label': 'New codes' }, codes.map((c) => h('div', {}, c)))));
      toast(`${codes.length} codes generated.`);
      await after();
    } catch (err) {
      showErrors(form, err);
    } finally {
      submit.disabled = false;
      submit.textContent = 'Generate codes';
    }
  });
  return form;
}
