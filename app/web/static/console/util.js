// Helpers of the console's pages: cursor pagination, ETags for If-Match, money and forms.
import { h, field } from '../common/dom.js';

/**
 * cursorPager moves through a cursor-paginated list ({data, meta: {next_cursor, has_more}}):
 * state.cursor is the page shown, state.back the cursors of the pages before it.
 */
export function cursorPager(meta, state, reload) {
  const hasPrev = state.back.length > 0;
  if (!meta || (!meta.has_more && !hasPrev)) return null;
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    h('span', { class: 'muted' }, `Page ${state.back.length + 1}`),
    h('button', { type: 'button', class: 'secondary small', disabled: !hasPrev,
      onclick: () => { state.cursor = state.back.pop() || ''; reload(); } }, 'Previous'),
    h('button', { type: 'button', class: 'secondary small', disabled: !meta.has_more,
      onclick: () => { state.back.push(state.cursor); state.cursor = meta.next_cursor; reload(); } }, 'Next'));
}

export const newCursor = () => ({ cursor: '', back: [] });

/** getTagged reads a resource with its ETag, for an If-Match on the next change. */
export async function getTagged(api, path) {
  const res = await api.send('GET', path, { raw: true });
  return { body: await res.json(), etag: res.headers.get('ETag') || '' };
}

const digitsOf = {};
/** currencyDigits is how many minor digits a currency shows (2 for USD, 0 for JPY). */
function currencyDigits(c) {
  if (!(c in digitsOf)) {
    try { digitsOf[c] = new Intl.NumberFormat('en', { style: 'currency', currency: c }).resolvedOptions().maximumFractionDigits; } catch { digitsOf[c] = 2; }
  }
  return digitsOf[c];
}

/**
 * money shows an amount with its currency's minor digits ("99.00 USD"): the API sends exact JSON
 * numbers, which JSON.parse reads without their trailing zeros; they are only shown, never
 * computed with.
 */
export function money(amount, currency) {
  if (amount === null || amount === undefined || amount === '') return '—';
  return currency ? `${Number(amount).toFixed(currencyDigits(currency))} ${currency}` : String(amount);
}

/** input builds a named input; sel a select of [value, label] or values. */
export const input = (name, attrs = {}) => h('input', { name, ...attrs });
export const sel = (name, options, value) => h('select', { name },
  options.map((o) => { const [v, l] = Array.isArray(o) ? o : [o, o]; return h('option', { value: v, selected: v === value }, l); }));
export const check = (name, checked) => h('input', { name, type: 'checkbox', checked });

/** decimal reads a decimal input as a JSON number, or undefined when it is not one (the API then says why). */
export function decimal(v) {
  const s = String(v).trim();
  return /^\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
}

/** dateTime turns a datetime-local value into RFC 3339, or undefined when empty. */
export const dateTime = (v) => (v ? new Date(v).toISOString() : undefined);
/** localValue turns RFC 3339 into a datetime-local value. */
export function localValue(s) {
  if (!s) return '';
  const d = new Date(s);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** idempotencyKey is a fresh key for one request and its retries. */
export const idempotencyKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

/** dl is a description list of [label, value] pairs. */
export const dl = (pairs) => h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));

export { field };
