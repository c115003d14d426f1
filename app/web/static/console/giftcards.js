// Gift cards: create up to 500 at once and hand out their codes (shown, copied or saved as CSV).
// The API lists no gift cards afterwards, so the codes are shown once here: save them.
import { h, mount, field, showErrors, clearErrors, table, badge, toast, fmtDate, empty } from '../common/dom.js';
import { input, decimal, money } from './util.js';

export async function giftCardsPage({ api, main }) {
  const out = h('div', {});
  const f = {
    quantity: input('quantity', { type: 'number', min: 1, max: 500, value: 10, inputmode: 'numeric', required: true }),
    initial_value: input('initial_value', { inputmode: 'decimal', placeholder: '25.00', required: true }),
    currency: input('currency', { maxlength: 3, value: 'USD' }),
    expires_at: input('expires_at', { type: 'date' }),
  };
  const submit = h('button', { type: 'submit' }, 'Create gift cards');
  const progress = h('div', { class: 'progress', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'gc-h' }, h('h2', { id: 'gc-h' }, 'Create gift cards'),
    h('div', { class: 'form-grid' },
      field('How many', f.quantity, '1 to 500 at a time, all or none.'), field('Value of each', f.initial_value, 'Exact, such as 25.00.'),
      field('Currency', f.currency, 'ISO code such as USD.'), field('Expires on (optional)', f.expires_at, 'Unredeemed cards stop working after this day.')),
    h('div', { class: 'row-actions' }, submit, progress));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { quantity: Number(f.quantity.value), initial_value: decimal(f.initial_value.value), currency: f.currency.value.trim().toUpperCase() };
    if (f.expires_at.value) body.expires_at = new Date(`${f.expires_at.value}T23:59:59`).toISOString();
    if (body.initial_value === undefined) { showErrors(form, { message: 'Check the form.', details: [{ field: 'initial_value', reason: 'Enter a value such as 25.00.' }] }); return; }
    submit.disabled = true;
    mount(progress, h('progress', {}), `Creating ${body.quantity} cards…`);
    try {
      const res = await api.post('/admin/gift-cards', body);
      mount(progress);
      show(res.data);
      toast(`${res.data.length} gift cards created.`);
    } catch (err) { mount(progress); showErrors(form, err); } finally { submit.disabled = false; }
  });

  function show(cards) {
    const codes = cards.map((c) => c.code);
    const csv = ['code,initial_value,currency,expires_at', ...cards.map((c) => [c.code, c.initial_value, c.currency, c.expires_at || ''].join(','))].join('\n');
    const save = () => {
      const a = h('a', { href: URL.createObjectURL(new Blob([`${csv}\n`], { type: 'text/csv' })), download: `gift-cards-${new Date().toISOString().slice(0, 10)}.csv` });
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    };
    mount(out, h('section', { class: 'card', 'aria-labelledby': 'new-h' },
      h('div', { class: 'page-head' }, h('h2', { id: 'new-h' }, `${cards.length} new gift cards`),
        h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'secondary small', onclick: () => navigator.clipboard.writeText(codes.join('\n')).then(() => toast('Codes copied.'), () => toast('Copy failed; select the codes instead.', 'error')) }, 'Copy all'),
          h('button', { type: 'button', class: 'secondary small', onclick: save }, 'Download CSV'))),
      h('p', { class: 'muted' }, 'Save these codes now: for their safety they are not listed again.'),
      table([
        { label: 'Code', value: (c) => h('code', {}, c.code) },
        { label: 'Value', num: true, value: (c) => money(c.initial_value, c.currency) },
        { label: 'Status', value: (c) => badge(c.status) },
        { label: 'Expires', value: (c) => fmtDate(c.expires_at) },
      ], cards, null, 'New gift cards')));
  }

  mount(main, h('div', { class: 'page-head' }, h('h1', {}, 'Gift cards')),
    h('p', { class: 'muted' }, 'Subscribers redeem a gift card in the app; its value goes to their account balance and pays their next invoices.'),
    form, out);
  mount(out, empty('No new cards yet', 'Create cards above; their codes appear here to copy or download.'));
}
