// A partner's staff, as an operator sees them: list and create portal accounts (the owner
// manages the rest in the partner portal).
import { h, mount, table, empty, toast, fmtDate } from '../common/dom.js';
import { useStyles, cursorPager, onSubmit, staffFields } from './parts.js';

export async function staffPage(ctx, [tenantID, partnerID]) {
  useStyles();
  const { api, main } = ctx;
  const [t, ps] = await Promise.all([api.get(`/platform/tenants/${tenantID}`), api.get(`/platform/tenants/${tenantID}/partners`, { limit: 100 })]);
  const p = ps.data.find((x) => x.id === partnerID) || { id: partnerID, name: 'Partner', status: '' };
  document.title = `${p.name} · Operator console`;
  const list = h('div', { 'aria-live': 'polite' });
  async function load(cursor = '') {
    const res = await api.get(`/platform/partners/${partnerID}/staff`, { cursor, limit: 50 });
    mount(list, table([
      { label: 'Name', value: (s) => s.name },
      { label: 'Email', value: (s) => s.email },
      { label: 'Role', value: (s) => h('span', { class: `badge role-${s.role}` }, s.role) },
      { label: 'Created', value: (s) => fmtDate(s.created_at) },
    ], res.data, empty('No staff yet', `${p.name} cannot use the partner portal until it has an owner: create one below.`), 'Staff'),
    cursorPager(res.meta, cursor, load));
    return res.data;
  }
  const staff = await load();
  const f = staffFields(['owner', 'admin', 'viewer'], staff.some((s) => s.role === 'owner') ? 'admin' : 'owner');
  const form = onSubmit(h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'new-staff-h' },
    h('h2', { id: 'new-staff-h' }, 'Create a staff account'), h('div', { class: 'form-grid' }, f.nodes),
    h('button', { type: 'submit' }, 'Create account')), async () => {
    const s = await api.post(`/platform/partners/${partnerID}/staff`, f.check());
    f.name.value = ''; f.email.value = ''; f.password.value = '';
    toast(`${s.email} can now sign in to the partner portal.`);
    await load();
  });
  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Clients'), ' / ', h('a', { href: `#/clients/${t.id}` }, t.name), ' / ', p.name),
    h('div', { class: 'page-head' }, h('h1', {}, `Staff of ${p.name}`)),
    h('p', { class: 'muted' }, 'Partner staff sign in to the partner portal. Owners can add and remove the others themselves.'),
    h('div', { class: 'card' }, list), form);
}
