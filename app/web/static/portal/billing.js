// Billing: the members active in a calendar month (UTC), which the partner is billed by, and the
// month's CSV.
import { h, mount, field, table, empty, fmtDate, fmtMinutes, fmtNum } from '../common/dom.js';
import { setQuery } from '../common/shell.js';
import { downloadButton } from './download.js';

export async function billingPage(ctx, _params, query) {
  const { api, main } = ctx;
  const now = new Date();
  const thisMonth = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  let month = /^\d{4}-\d{2}$/.test(query.get('month') || '') ? query.get('month') : thisMonth;
  const picker = h('input', { name: 'month', type: 'month', value: month, max: thisMonth });
  const report = h('div', { 'aria-live': 'polite' });
  const parts = () => ({ year: Number(month.slice(0, 4)), month: Number(month.slice(5)) });

  async function load() {
    setQuery({ month: month !== thisMonth ? month : '' });
    const r = await api.get('/partner/billing', parts());
    const label = new Date(Date.UTC(r.year, r.month - 1, 1)).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
    mount(report,
      h('div', { class: 'grid' },
        h('div', { class: 'stat' }, h('div', { class: 'label' }, `Active members, ${label}`), h('div', { class: 'value' }, fmtNum(r.activeMembers)))),
      table([
        { label: 'Name', value: (m) => h('a', { href: `#/members/${m.id}` }, m.name || m.email) },
        { label: 'Email', value: (m) => m.email },
        { label: 'Joined', value: (m) => fmtDate(m.joinedAt) },
        { label: 'Watch time in month', num: true, value: (m) => fmtMinutes(m.watchTimeMinutes) },
      ], r.members, empty(`No active members in ${label}`, 'Members count here once they watch at least one minute of classes in the month. Choose another month, or hand out more codes.'),
      'Active members'),
      r.members.length < r.activeMembers ? h('p', { class: 'muted' }, `The first ${fmtNum(r.members.length)} are listed; the CSV has all ${fmtNum(r.activeMembers)}.`) : null);
  }
  picker.addEventListener('change', () => { if (picker.value) { month = picker.value; load(); } });

  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Billing'),
      downloadButton(api, 'Download CSV', '/partner/billing/export', parts)),
    h('p', { class: 'muted' }, 'You are billed by the members active in each calendar month (UTC): those who watched at least one minute of classes in it.'),
    h('div', { class: 'toolbar' }, h('div', {}, field('Month', picker))),
    report);
  await load();
}
