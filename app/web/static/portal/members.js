// Members: people who registered with the partner's codes; search, filter, sort, a member's
// detail with viewing history, and the CSV download.
import { h, mount, field, table, pager, badge, empty, fmtDate, fmtDateTime, fmtMinutes, fmtNum, debounce } from '../common/dom.js';
import { setQuery } from '../common/shell.js';
import { downloadButton } from './download.js';

const SORTS = [
  ['-joinedAt', 'Newest members'], ['joinedAt', 'Oldest members'], ['name', 'Name A–Z'], ['-name', 'Name Z–A'],
  ['-watchTime', 'Most watch time'], ['watchTime', 'Least watch time'], ['-lastWatchedAt', 'Watched most recently'],
];

export async function membersPage(ctx, _params, query) {
  const { api, main } = ctx;
  const state = { search: query.get('search') || '', status: query.get('status') || '', sort: query.get('sort') || '-joinedAt', page: Number(query.get('page')) || 1 };
  const listBox = h('div', { 'aria-live': 'polite' });

  async function load() {
    setQuery({ search: state.search, status: state.status, sort: state.sort !== '-joinedAt' ? state.sort : '', page: state.page > 1 ? state.page : '' });
    const data = await api.get('/partner/members', { search: state.search, status: state.status, sort: state.sort, page: state.page, limit: 25 });
    const none = state.search || state.status
      ? empty('No members match', 'Clear the search or choose another status.')
      : empty('No members yet', 'Members appear here once they register in the app with one of your voucher codes.',
        h('a', { class: 'button', href: '#/vouchers' }, 'Go to vouchers'));
    mount(listBox, table([
      { label: 'Name', value: (m) => h('a', { href: `#/members/${m.id}` }, m.name || m.email) },
      { label: 'Email', value: (m) => m.email },
      { label: 'Status', value: (m) => badge(m.status) },
      { label: 'Joined', value: (m) => fmtDate(m.joinedAt) },
      { label: 'Watch time', num: true, value: (m) => fmtMinutes(m.totalWatchTimeMinutes) },
      { label: 'Classes', num: true, value: (m) => fmtNum(m.classesWatched) },
      { label: 'Last watched', value: (m) => fmtDate(m.lastWatchedAt) },
    ], data.members, none, 'Members'), pager(data.pagination, (p) => { state.page = p; load(); }));
  }

  const search = h('input', { name: 'search', type: 'search', value: state.search, placeholder: 'Name or email', maxlength: 100 });
  const status = h('select', { name: 'status' }, h('option', { value: '' }, 'Everyone'),
    h('option', { value: 'active', selected: state.status === 'active' }, 'Active (last 30 days)'),
    h('option', { value: 'inactive', selected: state.status === 'inactive' }, 'Inactive'));
  const sort = h('select', { name: 'sort' }, SORTS.map(([v, l]) => h('option', { value: v, selected: v === state.sort }, l)));
  search.addEventListener('input', debounce(() => { state.search = search.value.trim(); state.page = 1; load(); }));
  status.addEventListener('change', () => { state.status = status.value; state.page = 1; load(); });
  sort.addEventListener('change', () => { state.sort = sort.value; state.page = 1; load(); });

  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Members'),
      downloadButton(api, 'Download CSV', '/partner/members/export', () => ({ search: state.search, status: state.status }))),
    h('p', { class: 'muted' }, 'A member is active when they watched at least one minute of classes in the last 30 days.'),
    h('div', { class: 'toolbar' }, h('div', { class: 'grow' }, field('Search', search)), h('div', {}, field('Status', status)), h('div', {}, field('Sort by', sort))),
    listBox);
  await load();
}

export async function memberPage(ctx, [id]) {
  const { api, main } = ctx;
  const m = await api.get(`/partner/members/${id}`);
  document.title = `${m.name || m.email} · Members`;
  mount(main,
    h('p', {}, h('a', { href: '#/members' }, '← All members')),
    h('div', { class: 'page-head' }, h('h1', {}, m.name || m.email), h('div', { class: 'row-actions' }, badge(m.status), m.accountStatus !== 'active' ? badge(m.accountStatus) : null)),
    h('p', { class: 'muted' }, `${m.email} · joined ${fmtDate(m.joinedAt)}${m.voucherCode ? ` with ${m.voucherCode}` : ''}`),
    h('div', { class: 'grid' },
      stat('Watch time', fmtMinutes(m.totalWatchTimeMinutes)), stat('Classes watched', fmtNum(m.classesWatched)),
      stat('Classes completed', fmtNum(m.classesCompleted)), stat('Last watched', fmtDate(m.lastWatchedAt))),
    h('h2', {}, 'Viewing history'),
    table([
      { label: 'Class', value: (v) => v.classTitle },
      { label: 'Category', value: (v) => v.category || '—' },
      { label: 'Watched', value: (v) => fmtDateTime(v.watchedAt) },
      { label: 'Minutes', num: true, value: (v) => fmtNum(v.watchedMinutes) },
      { label: 'Completed', value: (v) => (v.completed ? badge('ok') : '—') },
    ], m.viewingHistory, empty('Nothing watched yet', 'Classes this member watches will show here.'), 'Viewing history'));
}

function stat(label, value) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}
