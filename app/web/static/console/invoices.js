// Invoices and refunds: the client's invoices by status and user, one invoice with its lines, its
// PDF and its refunds, and a refund (sent with an Idempotency-Key, so a retry never refunds twice).
import { h, mount, field, showErrors, clearErrors, table, badge, empty, toast, fmtDate, fmtDateTime } from '../common/dom.js';
import { setQuery } from '../common/shell.js';
import { cursorPager, newCursor, money, sel, input, decimal, dl, idempotencyKey } from './util.js';

const STATUSES = [['', 'Every status'], 'open', 'paid', 'uncollectible', 'void'];
const REASONS = [['requested_by_customer', 'Requested by the customer'], ['duplicate', 'Duplicate'], ['fraudulent', 'Fraudulent'],
  ['service_issue', 'Service issue'], ['goodwill', 'Goodwill']];
const UUID = /^[0-9a-f-]{36}$/i;

/** minus subtracts exact decimals given as text (the API's amounts), without binary floating point. */
function minus(a, b) {
  const digits = Math.max((String(a).split('.')[1] || '').length, (String(b).split('.')[1] || '').length);
  const units = (s) => { const [i, f = ''] = String(s).split('.'); return BigInt(i + f.padEnd(digits, '0')); };
  const r = units(a) - units(b);
  const s = (r < 0n ? -r : r).toString().padStart(digits + 1, '0');
  return `${r < 0n ? '-' : ''}${digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s}`;
}

export async function invoicesPage({ api, main }, _params, query) {
  const state = { status: query.get('status') || '', user: query.get('user_id') || '', ...newCursor() };
  const listBox = h('div', { 'aria-live': 'polite' });
  const status = sel('status', STATUSES, state.status);
  const user = input('user', { type: 'search', value: state.user, placeholder: 'Email or user id' });
  const filters = h('form', { class: 'toolbar', novalidate: true, role: 'search' },
    h('div', {}, field('Status', status)), h('div', { class: 'grow' }, field('User', user)),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'secondary' }, 'Filter')));

  async function load() {
    clearErrors(filters);
    let userID = '';
    const who = user.value.trim();
    if (who && UUID.test(who)) userID = who;
    else if (who) {
      const found = (await api.get('/admin/users', { q: who, limit: 5 })).data.filter((u) => u.email.toLowerCase() === who.toLowerCase());
      if (!found.length) {
        showErrors(filters, { message: 'Check the filter.', details: [{ field: 'user', reason: 'No user has this email; enter a whole email or a user id.' }] });
        mount(listBox);
        return;
      }
      userID = found[0].id;
    }
    setQuery({ status: state.status, user_id: userID });
    const page = await api.get('/admin/invoices', { status: state.status, user_id: userID, cursor: state.cursor, limit: 20 });
    mount(listBox, table([
      { label: 'Number', value: (i) => h('a', { href: `#/invoices/${i.id}` }, i.invoice_number) },
      { label: 'Date', value: (i) => fmtDate(i.created_at) },
      { label: 'Status', value: (i) => badge(i.status) },
      { label: 'Amount', num: true, value: (i) => money(i.amount, i.currency) },
      { label: 'Refunded', num: true, value: (i) => (Number(i.amount_refunded) ? money(i.amount_refunded, i.currency) : '—') },
      { label: 'User', value: (i) => h('a', { href: `#/users/${i.user_id}` }, 'Open user') },
    ], page.data, state.status || userID
      ? empty('No invoices match', 'Choose another status or clear the user.')
      : empty('No invoices yet', 'Invoices appear here when subscribers start or renew a plan.'), 'Invoices'),
    cursorPager(page.meta, state, load));
  }
  filters.addEventListener('submit', (e) => { e.preventDefault(); state.status = status.value; Object.assign(state, newCursor()); load(); });
  status.addEventListener('change', () => { state.status = status.value; Object.assign(state, newCursor()); load(); });

  mount(main, h('div', { class: 'page-head' }, h('h1', {}, 'Invoices')), filters, listBox);
  await load();
}

export async function invoicePage({ api, main }, [id]) {
  const inv = await api.get(`/admin/invoices/${id}`);
  const refundsBox = h('div', {});
  document.title = `${inv.invoice_number} · Admin console`;
  const refundable = minus(inv.amount_paid, inv.amount_refunded);

  async function loadRefunds() {
    const r = await api.get(`/admin/invoices/${id}/refunds`);
    mount(refundsBox, table([
      { label: 'Date', value: (x) => fmtDateTime(x.created_at) },
      { label: 'Amount', num: true, value: (x) => money(x.amount, x.currency) },
      { label: 'To balance', num: true, value: (x) => money(x.to_balance, x.currency) },
      { label: 'Reason', value: (x) => (Object.fromEntries(REASONS)[x.reason] || x.reason) },
      { label: 'Status', value: (x) => badge(x.status) },
      { label: 'Notes', value: (x) => x.notes || '—', wrap: true },
    ], r.data, empty('No refunds', Number(refundable) > 0 ? 'Issue one below when a subscriber should get money back.' : 'Nothing of this invoice was paid, so nothing can be refunded.'), 'Refunds'));
  }

  const pdf = h('button', { type: 'button', class: 'secondary' }, 'Download PDF');
  const pdfStatus = h('span', { class: 'progress', role: 'status' });
  pdf.addEventListener('click', async () => {
    pdf.disabled = true;
    mount(pdfStatus, h('progress', {}), 'Preparing…');
    try {
      const r = await api.download(`/admin/invoices/${id}/pdf`);
      mount(pdfStatus, `${r.name} saved.`);
    } catch (err) { mount(pdfStatus); toast(err.message, 'error'); } finally { pdf.disabled = false; }
  });

  mount(main,
    h('p', {}, h('a', { href: '#/invoices' }, '← Invoices')),
    h('div', { class: 'page-head' }, h('div', { class: 'title' }, h('h1', {}, `Invoice ${inv.invoice_number}`), badge(inv.status)),
      h('div', { class: 'row-actions' }, pdf, pdfStatus)),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card', 'aria-label': 'Details' }, dl([
        ['User', h('a', { href: `#/users/${inv.user_id}` }, 'Open user')],
        ['Reason', inv.billing_reason.replaceAll('_', ' ')],
        ['Period', inv.period_start ? `${fmtDate(inv.period_start)} – ${fmtDate(inv.period_end)}` : '—'],
        ['Due', fmtDate(inv.due_date)], ['Paid', fmtDateTime(inv.paid_at)], ['Charge attempts', inv.attempt_count],
      ])),
      h('section', { class: 'card totals', 'aria-label': 'Totals' }, dl([
        ['Subtotal', money(inv.subtotal, inv.currency)], ['Discount', money(inv.discount_amount, inv.currency)],
        [`Tax (${inv.tax_rate}%)`, money(inv.tax_amount, inv.currency)], ['Total', h('strong', {}, money(inv.amount, inv.currency))],
        ['Paid', money(inv.amount_paid, inv.currency)], ['Refunded', money(inv.amount_refunded, inv.currency)], ['Due', money(inv.amount_due, inv.currency)],
      ]))),
    h('section', { 'aria-labelledby': 'lines-h' }, h('h2', { id: 'lines-h' }, 'Lines'), h('div', { class: 'lines' }, table([
      { label: 'Description', value: (l) => l.description, wrap: true },
      { label: 'Period', value: (l) => (l.period_start ? `${fmtDate(l.period_start)} – ${fmtDate(l.period_end)}` : '—') },
      { label: 'Qty', num: true, value: (l) => l.quantity },
      { label: 'Unit', num: true, value: (l) => money(l.unit_amount, inv.currency) },
      { label: 'Amount', num: true, value: (l) => money(l.amount, inv.currency) },
    ], inv.line_items || [], empty('No lines', 'This invoice has no line items.'), 'Lines'))),
    h('section', { 'aria-labelledby': 'ref-h' }, h('h2', { id: 'ref-h' }, 'Refunds'), refundsBox),
    Number(refundable) > 0 ? refundForm(api, inv, refundable, async () => { await invoicePage({ api, main }, [id]); }) : null);
  await loadRefunds();
}

function refundForm(api, inv, refundable, done) {
  const amount = input('amount', { inputmode: 'decimal', value: refundable });
  const reason = sel('reason', REASONS, 'requested_by_customer');
  const notes = input('notes', { maxlength: 500 });
  const submit = h('button', { type: 'submit', class: 'danger' }, 'Issue refund');
  // One key per refund the admin means to make: a retry of the same submission is replayed, not repeated.
  let key = idempotencyKey();
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'rf-h' }, h('h2', { id: 'rf-h' }, 'Issue a refund'),
    h('div', { class: 'form-grid' },
      field(`Amount (${inv.currency})`, amount, `At most ${money(refundable, inv.currency)}: what was paid and not refunded yet.`), field('Reason', reason), field('Notes (optional)', notes)),
    submit);
  const changed = () => { key = idempotencyKey(); };
  [amount, reason, notes].forEach((el) => el.addEventListener('input', changed));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { amount: decimal(amount.value), reason: reason.value, notes: notes.value.trim() || undefined };
    if (body.amount === undefined) { showErrors(form, { message: 'Check the form.', details: [{ field: 'amount', reason: 'Enter an amount such as 4.99.' }] }); return; }
    submit.disabled = true;
    submit.textContent = 'Refunding…';
    try {
      await api.post(`/admin/invoices/${inv.id}/refunds`, body, { 'Idempotency-Key': key });
      toast(`${money(body.amount, inv.currency)} refunded.`);
      await done();
    } catch (err) {
      showErrors(form, err);
      submit.disabled = false;
      submit.textContent = 'Issue refund';
    }
  });
  return form;
}
