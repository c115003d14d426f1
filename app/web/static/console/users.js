// Users: search and list the client's users; a user's detail with their subscription and
// signed-in devices; suspend with a reason, reinstate, sign a device out.
import { h, mount, field, showErrors, clearErrors, table, badge, empty, confirm, toast, debounce, fmtDate, fmtDateTime } from '../common/dom.js';
import { setQuery } from '../common/shell.js';
import { cursorPager, newCursor, getTagged, money, sel, dl } from './util.js';

export async function usersPage({ api, main }, _params, query) {
  const state = { q: query.get('q') || '', status: query.get('status') || '', role: query.get('role') || '', ...newCursor() };
  const listBox = h('div', { 'aria-live': 'polite' });

  async function load() {
    setQuery({ q: state.q, status: state.status, role: state.role });
    const page = await api.get('/admin/users', { q: state.q, status: state.status, role: state.role, cursor: state.cursor, limit: 20 });
    const filtered = state.q || state.status || state.role;
    mount(listBox, table([
      { label: 'Name', value: (u) => h('a', { href: `#/users/${u.id}` }, u.display_name || u.email), wrap: true },
      { label: 'Email', value: (u) => u.email },
      { label: 'Status', value: (u) => badge(u.status) },
      { label: 'Roles', value: (u) => u.roles.join(', ') },
      { label: 'Joined', value: (u) => fmtDate(u.created_at) },
      { label: 'Last sign-in', value: (u) => fmtDateTime(u.last_login_at) },
    ], page.data, filtered
      ? empty('No users match', 'Try part of the name or email, or clear the filters.')
      : empty('No users yet', 'People appear here once they register in your app.'), 'Users'),
    cursorPager(page.meta, state, load));
  }

  const q = h('input', { name: 'q', type: 'search', value: state.q, placeholder: 'Name or email', maxlength: 200 });
  const status = sel('status', [['', 'Every status'], 'active', 'suspended'], state.status);
  const role = sel('role', [['', 'Every role'], 'subscriber', 'admin', 'partner'], state.role);
  const reset = () => { Object.assign(state, newCursor()); load(); };
  q.addEventListener('input', debounce(() => { state.q = q.value.trim(); reset(); }));
  status.addEventListener('change', () => { state.status = status.value; reset(); });
  role.addEventListener('change', () => { state.role = role.value; reset(); });
  mount(main, h('div', { class: 'page-head' }, h('h1', {}, 'Users')),
    h('div', { class: 'toolbar' }, h('div', { class: 'grow' }, field('Search', q)), h('div', {}, field('Status', status)), h('div', {}, field('Role', role))),
    listBox);
  await load();
}

export async function userPage({ api, main, me }, [id]) {
  const { body: u, etag } = await getTagged(api, `/admin/users/${id}`);
  const sessionsBox = h('div', {});
  const subBox = h('div', {});
  document.title = `${u.display_name || u.email} · Admin console`;

  async function loadSessions() {
    const s = await api.get(`/admin/users/${id}/sessions`);
    mount(sessionsBox, table([
      { label: 'Device', value: (x) => x.device || 'Unknown device', wrap: true },
      { label: 'Address', value: (x) => x.ip_address || '—' },
      { label: 'Signed in', value: (x) => fmtDateTime(x.created_at) },
      { label: 'Last used', value: (x) => fmtDateTime(x.last_used_at) },
      { label: 'Actions', value: (x) => (x.current ? h('span', { class: 'muted' }, 'This console') : h('button', {
        type: 'button', class: 'danger small', 'aria-label': `Sign out ${x.device || 'device'} signed in ${fmtDateTime(x.created_at)}`,
        onclick: () => endSession(x),
      }, 'Sign out')) },
    ], s.data, empty('Not signed in anywhere', 'The user\'s devices appear here when they sign in to the app.'), 'Signed-in devices'));
  }

  async function endSession(x) {
    if (!await confirm(`Sign this device out (${x.device || 'unknown device'})? The user will have to sign in again on it.`, 'Sign out')) return;
    try {
      await api.del(`/admin/users/${id}/sessions/${x.id}`);
      toast('The device was signed out.');
      await loadSessions();
    } catch (err) { toast(err.message, 'error'); }
  }

  async function loadSubscription() {
    try {
      const s = await api.get(`/admin/users/${id}/subscription`);
      mount(subBox, dl([
        ['Plan', `${s.plan.name} (${money(s.plan.price, s.plan.currency)} ${s.plan.billing_cycle.replace('_', ' ')})`],
        ['Status', badge(s.status)],
        ['Current period', `${fmtDate(s.current_period_start)} – ${fmtDate(s.current_period_end)}`],
        ['Next billing', fmtDate(s.next_billing_date)],
        ['Renews', s.cancel_at_period_end ? 'No: cancels at the period\'s end' : (s.auto_renew ? 'Yes' : 'No')],
        s.payment_method_last4 ? ['Card', `•••• ${s.payment_method_last4}`] : null,
      ]));
    } catch (err) {
      if (err.status !== 404) throw err;
      mount(subBox, empty('No subscription', 'This user has not subscribed to a plan.'));
    }
  }

  const self = me.user.id === u.id;
  let statusBox;
  if (u.status === 'suspended') {
    const reinstate = h('button', { type: 'button' }, 'Reinstate');
    reinstate.addEventListener('click', async () => {
      reinstate.disabled = true;
      try {
        await api.post(`/admin/users/${id}/reinstate`, {}, { 'If-Match': etag });
        toast(`${u.email} is reinstated and can sign in again.`);
        await userPage({ api, main, me }, [id]);
      } catch (err) { toast(err.message, 'error'); reinstate.disabled = false; }
    });
    // The reason is kept in the audit log: show the latest suspension's.
    const why = h('p', {});
    api.get('/admin/audit-log', { action: 'user.suspend', target_id: id, limit: 1 }).then((a) => {
      const r = a.data[0];
      if (r) mount(why, h('strong', {}, 'Reason: '), r.reason || '—', h('span', { class: 'muted' }, ` (${fmtDateTime(r.created_at)})`));
    }, () => {});
    statusBox = h('section', { class: 'card', 'aria-labelledby': 'st-h' }, h('h2', { id: 'st-h' }, 'Suspended'), why,
      h('p', {}, 'This user cannot sign in or watch. Reinstating lets them sign in again.'), reinstate);
  } else if (!self) {
    const reason = h('textarea', { name: 'reason', class: 'short', maxlength: 500, required: true });
    const submit = h('button', { type: 'submit', class: 'danger' }, 'Suspend user');
    const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'susp-h' },
      h('h2', { id: 'susp-h' }, 'Suspend'),
      h('p', { class: 'muted' }, 'Suspending signs the user out everywhere at once and refuses their sign-in until reinstated.'),
      field('Reason', reason, 'Required; kept in the audit log.'), submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      if (!reason.value.trim()) { showErrors(form, { message: 'Check the form.', details: [{ field: 'reason', reason: 'Say why the user is suspended.' }] }); return; }
      if (!await confirm(`Suspend ${u.email}? They are signed out everywhere at once.`, 'Suspend')) return;
      submit.disabled = true;
      try {
        await api.post(`/admin/users/${id}/suspend`, { reason: reason.value.trim() }, { 'If-Match': etag });
        toast(`${u.email} is suspended.`);
        await userPage({ api, main, me }, [id]);
      } catch (err) { showErrors(form, err); submit.disabled = false; }
    });
    statusBox = form;
  }

  mount(main,
    h('p', {}, h('a', { href: '#/' }, '← Users')),
    h('div', { class: 'page-head' }, h('div', { class: 'title' }, h('h1', {}, u.display_name || u.email), badge(u.status))),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card', 'aria-labelledby': 'acc-h' }, h('h2', { id: 'acc-h' }, 'Account'), dl([
        ['Email', `${u.email}${u.email_verified ? '' : ' (not verified)'}`],
        ['Roles', u.roles.join(', ')],
        ['Country', u.country_code || '—'],
        ['Joined', fmtDate(u.created_at)],
        ['Last sign-in', fmtDateTime(u.last_login_at)],
        ['Id', h('code', {}, u.id)],
      ]), h('p', {}, h('a', { href: `#/invoices?user_id=${u.id}` }, 'Invoices of this user'), ' · ',
        h('a', { href: `#/audit?target_id=${u.id}` }, 'Audit log of this user'))),
      h('section', { class: 'card', 'aria-labelledby': 'sub-h' }, h('h2', { id: 'sub-h' }, 'Subscription'), subBox)),
    statusBox,
    h('section', { 'aria-labelledby': 'sess-h' }, h('h2', { id: 'sess-h' }, 'Signed-in devices'), sessionsBox));
  await Promise.all([loadSessions(), loadSubscription()]);
}
