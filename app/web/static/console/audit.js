// The audit log: who did what, when, in this client; newest first, filtered by action, target
// or actor.
import { h, mount, field, table, empty, fmtDateTime } from '../common/dom.js';
import { setQuery } from '../common/shell.js';
import { cursorPager, newCursor, input } from './util.js';

const ACTIONS = ['user.suspend', 'user.reinstate', 'user.update', 'user.end_session', 'user.create_admin', 'plan.created', 'plan.updated',
  'plan.deactivated', 'coupon.created', 'coupon.updated', 'coupon.deleted', 'gift_card.created', 'gift_card.redeemed', 'invoice.refunded',
  'subscription.created', 'subscription.ended'];

// details shows changes (from → to) inline and the rest of a record's details behind a disclosure.
function details(r) {
  const changes = [];
  const rest = [];
  for (const [k, v] of Object.entries(r.details || {})) {
    if (v && typeof v === 'object' && 'from' in v) changes.push(`${k}: ${JSON.stringify(v.from)} → ${JSON.stringify(v.to)}`);
    else rest.push(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
  }
  if (!changes.length && !rest.length) return '—';
  return h('div', {}, changes.length ? h('div', { class: 'json' }, changes.join('\n')) : null,
    rest.length ? h('details', {}, h('summary', {}, `${rest.length} more`), h('div', { class: 'json' }, rest.join('\n'))) : null);
}

function target(r) {
  if (r.target_kind === 'user') return h('a', { href: `#/users/${r.target_id}` }, `user ${r.target_id.slice(0, 8)}…`);
  if (r.target_kind === 'invoice') return h('a', { href: `#/invoices/${r.target_id}` }, `invoice ${r.target_id.slice(0, 8)}…`);
  return `${r.target_kind} ${String(r.target_id).slice(0, 8)}${r.target_id.length > 8 ? '…' : ''}`;
}

export async function auditPage({ api, main, me }, _params, query) {
  const state = { action: query.get('action') || '', target: query.get('target_id') || '', actor: query.get('actor_id') || '', ...newCursor() };
  const listBox = h('div', { 'aria-live': 'polite' });
  const action = input('action', { value: state.action, list: 'audit-actions', placeholder: 'Such as user.suspend', maxlength: 64 });
  const targetIn = input('target_id', { value: state.target, placeholder: 'An id', maxlength: 64 });
  const actor = input('actor_id', { value: state.actor, placeholder: 'An id', maxlength: 64 });
  const form = h('form', { class: 'toolbar', novalidate: true, role: 'search' },
    h('div', { class: 'grow' }, field('Action', action)), h('div', { class: 'grow' }, field('Target', targetIn)),
    h('div', { class: 'grow' }, field('Done by', actor)),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'secondary' }, 'Filter')),
    h('datalist', { id: 'audit-actions' }, ACTIONS.map((a) => h('option', { value: a }))));

  async function load() {
    setQuery({ action: state.action, target_id: state.target, actor_id: state.actor });
    const page = await api.get('/admin/audit-log', { action: state.action, target_id: state.target, actor_id: state.actor, cursor: state.cursor, limit: 25 });
    mount(listBox, table([
      { label: 'When', value: (r) => fmtDateTime(r.created_at) },
      { label: 'Action', value: (r) => h('code', {}, r.action) },
      { label: 'Target', value: target },
      { label: 'Done by', value: (r) => (r.actor_id === me.user.id ? 'You' : `${r.actor_kind} ${String(r.actor_id).slice(0, 8)}…`) },
      { label: 'Reason', value: (r) => r.reason || '—', wrap: true },
      { label: 'Details', value: details, wrap: true },
    ], page.data, state.action || state.target || state.actor
      ? empty('Nothing matches', 'Clear a filter to see more.')
      : empty('Nothing recorded yet', 'Admin changes (suspensions, plans, refunds…) are recorded here.'), 'Audit log'),
    cursorPager(page.meta, state, load));
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(state, { action: action.value.trim(), target: targetIn.value.trim(), actor: actor.value.trim() }, newCursor());
    load();
  });
  mount(main, h('div', { class: 'page-head' }, h('h1', {}, 'Audit log')), form, listBox);
  await load();
}
