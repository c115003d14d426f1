// Staff: the partner's portal accounts, managed by its owners. Add an admin or viewer with an
// initial password, change a role, remove an account. The API refuses the rest (403), and an
// owner can change neither themselves nor the last owner.
import { h, mount, field, showErrors, clearErrors, table, empty, confirm, toast, fmtDate } from '../common/dom.js';

const ROLES = {
  owner: 'Owner: everything, and manages staff',
  admin: 'Admin: generates vouchers, edits content and products',
  viewer: 'Viewer: reads the portal only',
};

export async function staffPage(ctx) {
  const { api, main, me, isOwner } = ctx;
  if (!isOwner) {
    mount(main, h('h1', {}, 'Staff'), empty('Only owners manage staff', 'Ask an owner of your organisation to add, change or remove portal accounts.'));
    return;
  }
  const listBox = h('div', { 'aria-live': 'polite', class: 'card' });

  async function load() {
    const data = await api.get('/partner/staff');
    mount(listBox, table([
      { label: 'Name', value: (s) => (s.id === me.id ? h('span', {}, s.name, ' ', h('span', { class: 'muted' }, '(you)')) : s.name) },
      { label: 'Email', value: (s) => s.email },
      { label: 'Role', value: (s) => (s.id === me.id ? s.role : roleSelect(s)) },
      { label: 'Added', value: (s) => fmtDate(s.createdAt) },
      { label: 'Actions', value: (s) => (s.id === me.id ? '—'
        : h('button', { type: 'button', class: 'danger small', 'aria-label': `Remove ${s.email}`, onclick: () => remove(s) }, 'Remove')) },
    ], data.staff, empty('Only you so far', 'Add the people who help you run the portal below.'), 'Staff'),
    data.more ? h('p', { class: 'muted' }, 'The first 200 accounts are shown.') : null);
  }

  function roleSelect(s) {
    const sel = h('select', { name: 'role', 'aria-label': `Role of ${s.email}`, class: 'compact' },
      Object.keys(ROLES).map((r) => h('option', { value: r, selected: r === s.role }, r)));
    sel.addEventListener('change', async () => {
      const role = sel.value;
      if (!await confirm(`Make ${s.email} ${role === 'owner' ? 'an owner' : `a${role === 'admin' ? 'n' : ''} ${role}`}? They will need to sign in again.`, 'Change role', false)) {
        sel.value = s.role;
        return;
      }
      try {
        await api.send('PATCH', `/partner/staff/${s.id}`, { body: { role } });
        toast(`${s.email} is now ${role}.`);
        await load();
      } catch (err) { sel.value = s.role; if (err.status !== 401) toast(err.message, 'error'); }
    });
    return sel;
  }

  async function remove(s) {
    if (!await confirm(`Remove ${s.email}? They are signed out at once and can no longer sign in.`, 'Remove')) return;
    try {
      await api.del(`/partner/staff/${s.id}`);
      toast(`${s.email} removed.`);
      await load();
    } catch (err) { if (err.status !== 401) toast(err.message, 'error'); }
  }

  const f = {
    name: h('input', { name: 'name', required: true, maxlength: 100, autocomplete: 'off' }),
    email: h('input', { name: 'email', type: 'email', required: true, maxlength: 254, autocomplete: 'off' }),
    role: h('select', { name: 'role' }, ['viewer', 'admin'].map((r) => h('option', { value: r }, ROLES[r]))),
    password: h('input', { name: 'password', type: 'password', required: true, minlength: 10, maxlength: 128, autocomplete: 'new-password' }),
  };
  const submit = h('button', { type: 'submit' }, 'Add person');
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'add-staff-h' },
    h('h2', { id: 'add-staff-h' }, 'Add a person'),
    h('div', { class: 'form-grid' }, field('Name', f.name), field('Email', f.email, 'They sign in with it.'),
      field('Role', f.role), field('Initial password', f.password, 'At least 10 characters. Tell them privately, not by the same email.')),
    submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { name: f.name.value.trim(), email: f.email.value.trim(), role: f.role.value, password: f.password.value };
    const details = [
      ...(!body.name ? [{ field: 'name', reason: 'Enter their name.' }] : []),
      ...(!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email) ? [{ field: 'email', reason: 'Enter a valid email address.' }] : []),
      ...(body.password.length < 10 ? [{ field: 'password', reason: 'Use at least 10 characters.' }] : [])];
    if (details.length) { showErrors(form, { message: 'Check the highlighted fields.', details }); return; }
    submit.disabled = true;
    try {
      const s = await api.post('/partner/staff', body);
      f.name.value = ''; f.email.value = ''; f.password.value = '';
      toast(`${s.email} can now sign in as ${s.role}.`);
      await load();
    } catch (err) {
      if (err.status !== 401) showErrors(form, err);
    } finally { submit.disabled = false; }
  });

  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Staff')),
    h('p', { class: 'muted' }, 'Who can sign in to this portal. Changing a role or removing someone signs them out at once.'),
    listBox, form);
  await load();
}
