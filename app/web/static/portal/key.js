// The client's API key, which the partner API's voucher routes need beside the staff token
// (ROUTES.md §2). stvos keeps only a hash of every key, so the server cannot hand one to the
// page: the client gives its partners the portal link with the key in the URL's fragment
// (/portal/#key=stv_...), which browsers never send to a server nor put in a Referer. The page
// keeps it in localStorage, so it is given once per browser, and asks for it when it is missing
// or belongs to another client. The key identifies the client's apps (it is inside every copy
// of their mobile app); it grants nothing without a staff token on these routes.
import { h, field, clearErrors } from '../common/dom.js';

const KEY = 'stvos.portal.apiKey';

/** takeKeyFromURL keeps a key passed in the fragment and removes it from the address bar. */
export function takeKeyFromURL() {
  const m = /^#key=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!m) return;
  localStorage.setItem(KEY, m[1]);
  history.replaceState(null, '', `${location.pathname}#/`);
}

// A link with a key may also be opened in a tab showing the portal already.
window.addEventListener('hashchange', takeKeyFromURL);

export const clientKey = () => localStorage.getItem(KEY) || '';

/** keyHeaders are the headers of a voucher route. */
export const keyHeaders = () => ({ 'X-API-Key': clientKey() });

/** needsKey reports whether an API error means the page lacks the right key. */
export const needsKey = (err) => err && (err.code === 'INVALID_API_KEY' || err.code === 'TENANT_MISMATCH');

/** keyForm asks for the client's key, then calls done. */
export function keyForm(done, problem) {
  const input = h('input', { name: 'apiKey', autocomplete: 'off', spellcheck: 'false', placeholder: 'stv_…', required: true });
  const form = h('form', { class: 'card', novalidate: true },
    h('h2', {}, 'Voucher tools need your client\'s app key'),
    h('p', {}, 'Vouchers are managed with the key of the app your members use. It came with your portal link; ask the app\'s owner if you do not have it. It is kept in this browser only.'),
    problem ? h('p', { class: 'form-error', role: 'alert' }, problem) : null,
    field('App key', input), h('button', { type: 'submit' }, 'Save key'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const v = input.value.trim();
    if (!/^stv_[a-z2-7]{8}_[A-Za-z0-9_-]{20,}$/.test(v)) {
      const box = form.querySelector('.field-error');
      box.textContent = 'This does not look like an app key: it starts with stv_.';
      box.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    localStorage.setItem(KEY, v);
    done();
  });
  return form;
}
