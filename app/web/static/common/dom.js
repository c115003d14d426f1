// Small DOM helpers shared by the front ends. Text always goes in as text (never innerHTML), so
// data from the API can never become markup.

/** h builds an element: h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** mount replaces the children of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let fieldSeq = 0;

/** field is a labelled input with a place for its error; the input's name is the API field. */
export function field(label, input, hint) {
  const id = input.id || `f${++fieldSeq}`;
  input.id = id;
  const err = h('div', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
  const hintEl = hint ? h('div', { class: 'hint', id: `${id}-hint` }, hint) : null;
  input.setAttribute('aria-describedby', [hintEl && `${id}-hint`, `${id}-error`].filter(Boolean).join(' '));
  const wrap = h('div', { class: input.type === 'checkbox' ? 'field inline' : 'field' });
  if (input.type === 'checkbox') wrap.append(input, h('label', { for: id }, label));
  else wrap.append(h('label', { for: id }, label), input);
  if (hintEl) wrap.append(hintEl);
  wrap.append(err);
  return wrap;
}

/** clearErrors removes every error shown in a form. */
export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => { e.hidden = true; e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  form.querySelectorAll('.form-error').forEach((e) => e.remove());
}

/**
 * showErrors puts the API's field errors beside their inputs (matched by name: "quantity",
 * "body.quantity" and "query.search" all reach the input named quantity or search), and the
 * rest at the top of the form. The first faulty input gets the focus.
 */
export function showErrors(form, err) {
  clearErrors(form);
  const rest = [];
  let first = null;
  for (const d of err.details || []) {
    const name = String(d.field || '').replace(/^(body|query|path)\./, '');
    const input = name && form.querySelector(`[name="${CSS.escape(name)}"]`);
    const box = input && form.querySelector(`#${CSS.escape(input.id)}-error`);
    if (box) {
      box.textContent = d.reason;
      box.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      first = first || input;
    } else rest.push(d.field ? `${d.field}: ${d.reason}` : d.reason);
  }
  if (!first || rest.length) {
    const msg = rest.length ? `${err.message} ${rest.join('; ')}` : err.message;
    form.prepend(h('div', { class: 'form-error', role: 'alert' }, msg));
  }
  (first || form.querySelector('.form-error'))?.focus?.();
}

/** toast shows a short message for a few seconds. */
export function toast(message, kind = '') {
  const t = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  document.body.append(t);
  setTimeout(() => t.remove(), 4000);
}

/** confirm asks a question in a native, keyboard-accessible dialog; resolves true or false. */
export function confirm(question, yes = 'Confirm', danger = true) {
  return new Promise((resolve) => {
    const dlg = h('dialog', { 'aria-label': question });
    const done = (v) => { dlg.close(); dlg.remove(); resolve(v); };
    dlg.append(h('p', {}, question), h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => done(false) }, 'Cancel'),
      h('button', { type: 'button', class: danger ? 'danger' : '', onclick: () => done(true) }, yes)));
    dlg.addEventListener('cancel', () => done(false));
    document.body.append(dlg);
    dlg.showModal();
  });
}

/** empty says there is nothing yet, and what to do next. */
export function empty(title, next, ...actions) {
  return h('div', { class: 'empty' }, h('strong', {}, title), h('p', {}, next), actions.length ? h('div', { class: 'row-actions' }, actions) : null);
}

/**
 * table renders rows with columns {label, value(row) → node|text, num?, wrap?}; empty is shown
 * instead when there are no rows.
 */
export function table(columns, rows, emptyNode, caption) {
  if (!rows.length) return emptyNode;
  return h('div', { class: 'table-wrap' }, h('table', {},
    caption ? h('caption', { class: 'sr-only' }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : '' }, c.label)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: [c.num && 'num', c.wrap && 'wrap'].filter(Boolean).join(' ') }, c.value(r))))))));
}

/** pager moves between pages of a {page, totalPages, total} pagination. */
export function pager(p, go) {
  if (!p || p.totalPages <= 1) return p ? h('p', { class: 'muted pager' }, `${p.total} in all`) : null;
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    h('span', { class: 'muted' }, `Page ${p.page} of ${p.totalPages} (${p.total} in all)`),
    h('button', { type: 'button', class: 'secondary small', disabled: p.page <= 1, onclick: () => go(p.page - 1) }, 'Previous'),
    h('button', { type: 'button', class: 'secondary small', disabled: p.page >= p.totalPages, onclick: () => go(p.page + 1) }, 'Next'));
}

export const badge = (s) => h('span', { class: `badge ${s}` }, s);

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const numFmt = new Intl.NumberFormat();

export const fmtDate = (s) => (s ? dateFmt.format(new Date(s)) : '—');
export const fmtDateTime = (s) => (s ? dateTimeFmt.format(new Date(s)) : '—');
export const fmtNum = (n) => numFmt.format(n ?? 0);
export function fmtMinutes(m) {
  m = m || 0;
  if (m < 60) return `${m} min`;
  const hrs = Math.floor(m / 60);
  return `${numFmt.format(hrs)} h ${m % 60} min`;
}

/** debounce runs fn once input has paused. */
export function debounce(fn, ms = 300) {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

/**
 * signInForm is the sign-in form of every web app: email and password (and the app's extra
 * fields), missing ones named beside their field, the button disabled while login runs. check
 * answers more field errors before login; login(email, password) signs in, and its errors show
 * in the form (or through onError, which may show them its own way).
 */
export function signInForm({ notice, email = '', emailHint = 'Enter your email.', extra = [], check, login, onError }) {
  const emailInput = h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true, value: email });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { novalidate: true },
    notice ? h('p', { class: 'form-error', role: 'status' }, notice) : null,
    field('Email', emailInput), field('Password', password), ...extra, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const details = [];
    if (!emailInput.value) details.push({ field: 'email', reason: emailHint });
    if (!password.value) details.push({ field: 'password', reason: 'Enter your password.' });
    const more = check ? check() : [];
    if (details.length || more.length) {
      showErrors(form, { message: more.length ? 'Check the form.' : 'Enter your email and password.', details: [...details, ...more] });
      return;
    }
    submit.disabled = true;
    try {
      await login(emailInput.value.trim(), password.value);
    } catch (err) {
      if (onError) onError(err, form); else showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  return { form, email: emailInput, password };
}
