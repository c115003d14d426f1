// Pieces the operator pages share: the one-time secret box, cursor paging, forms of the
// platform API (API keys, partners, staff, OAuth apps) used both by the wizard and the pages.
import { h, field, showErrors, clearErrors } from '../common/dom.js';

/** useStyles adds the console's own stylesheet once (a link to this server: the CSP allows it). */
export function useStyles() {
  if (document.querySelector('link[data-operator]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/web/operator/operator.css', 'data-operator': true }));
}

/**
 * secretBox shows an API key once: stvos keeps only its hash, so it cannot be shown again. A copy
 * button (clipboard, or the selected text when the browser refuses) and a clear warning.
 */
export function secretBox(secret, what = 'API key') {
  const input = h('input', { class: 'secret', type: 'text', readonly: true, value: secret, name: 'secret', 'aria-label': `The new ${what}`, spellcheck: 'false' });
  const status = h('span', { class: 'muted', role: 'status' });
  const copy = h('button', {
    type: 'button', class: 'secondary',
    onclick: async () => {
      input.select();
      try {
        await navigator.clipboard.writeText(secret);
        status.textContent = 'Copied to the clipboard.';
      } catch {
        status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
      }
    },
  }, 'Copy');
  input.addEventListener('focus', () => input.select());
  return h('div', { class: 'secret-box', role: 'group', 'aria-label': `New ${what}` },
    h('p', { class: 'warning', role: 'alert' }, h('strong', {}, 'Store this key now. '),
      `It is shown only this once: stvos keeps only a hash of it. If it is lost, issue a new ${what} and revoke this one.`),
    h('div', { class: 'secret-row' }, input, copy), status);
}

/**
 * cursorPager moves through a {data, meta: {next_cursor, has_more}} list: Next follows the cursor,
 * First goes back to the start (cursors only go forward).
 */
export function cursorPager(meta, cursor, go) {
  if (!meta || (!meta.has_more && !cursor)) return null;
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    cursor ? h('button', { type: 'button', class: 'secondary small', onclick: () => go('') }, 'First page') : null,
    meta.has_more ? h('button', { type: 'button', class: 'secondary small', onclick: () => go(meta.next_cursor) }, 'Next page') : null);
}

/** submitting runs fn with the form's submit button disabled, and shows the API's errors beside the fields. */
export function onSubmit(form, fn) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const btn = form.querySelector('button[type="submit"]');
    if (btn) btn.disabled = true;
    try {
      await fn();
    } catch (err) {
      if (err.status !== 401) showErrors(form, err);
    } finally {
      if (btn) btn.disabled = false;
    }
  });
  return form;
}

/** invalid throws field errors found before calling the API, shown like the API's own. */
export function check(rules) {
  const details = rules.filter(([ok]) => !ok).map(([, f, reason]) => ({ field: f, reason }));
  if (details.length) throw Object.assign(new Error('Check the highlighted fields.'), { details });
}

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** slugify suggests a slug from a name. */
export function slugify(s) {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
}

/** staffFields are the inputs of a new partner staff account (the platform's create-partner-staff). */
export function staffFields(roles = ['owner', 'admin', 'viewer'], role = 'owner') {
  const f = {
    name: h('input', { name: 'name', required: true, maxlength: 100, autocomplete: 'off' }),
    email: h('input', { name: 'email', type: 'email', required: true, maxlength: 254, autocomplete: 'off' }),
    role: h('select', { name: 'role' }, roles.map((r) => h('option', { value: r, selected: r === role }, r))),
    password: h('input', { name: 'password', type: 'password', required: true, minlength: 10, maxlength: 128, autocomplete: 'new-password' }),
  };
  f.nodes = [
    field('Name', f.name), field('Email', f.email, 'They sign in to the partner portal with it; unique across the platform.'),
    field('Role', f.role, 'owner manages staff; admin changes the portal; viewer only reads it.'),
    field('Initial password', f.password, 'At least 10 characters. Give it to them over a separate channel; they keep it private.'),
  ];
  f.values = () => ({ name: f.name.value.trim(), email: f.email.value.trim(), role: f.role.value, password: f.password.value });
  f.check = () => {
    const v = f.values();
    check([[v.name, 'name', 'Enter their name.'], [EMAIL.test(v.email), 'email', 'Enter a valid email address.'],
      [v.password.length >= 10, 'password', 'Use at least 10 characters.']]);
    return v;
  };
  return f;
}

/** redirectList splits a textarea of redirect URIs, one a line. */
export function redirectList(text) {
  return text.split(/\s*\n\s*/).map((s) => s.trim()).filter(Boolean);
}

/** oauthFields are the inputs of a new OAuth app (public client, PKCE). */
export function oauthFields(defaultName = '') {
  const f = {
    name: h('input', { name: 'name', required: true, maxlength: 100, value: defaultName }),
    uris: h('textarea', { name: 'redirect_uris', class: 'short', required: true, placeholder: 'com.example.app:/oauth/callback\nhttps://app.example.com/callback' }),
  };
  f.nodes = [field('App name', f.name), field('Redirect URIs', f.uris, 'One a line, matched exactly; 1 to 10. Apps must use PKCE (S256).')];
  f.check = () => {
    const v = { name: f.name.value.trim(), redirect_uris: redirectList(f.uris.value) };
    check([[v.name, 'name', 'Name the app.'], [v.redirect_uris.length >= 1 && v.redirect_uris.length <= 10, 'redirect_uris', 'Enter 1 to 10 redirect URIs, one a line.']]);
    return v;
  };
  return f;
}
