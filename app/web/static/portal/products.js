// Products: the partner's store items shown in the client's app. Create, edit (with an image
// preview), reorder (sort order), deactivate (archive) and delete.
import { h, mount, field, showErrors, clearErrors, table, badge, empty, confirm, toast } from '../common/dom.js';

export async function productsPage(ctx) {
  const { api, main, canWrite } = ctx;
  const listBox = h('div', {});
  const editBox = h('div', {});
  let products = [];

  async function load() {
    const data = await api.get('/partner/products', { sort: 'sort_order', limit: 50 });
    products = data.products;
    mount(listBox, table([
      { label: 'Image', value: (p) => thumb(p.image) },
      { label: 'Name', value: (p) => h('strong', {}, p.name), wrap: true },
      { label: 'Type', value: (p) => p.productType || '—' },
      { label: 'Price', num: true, value: (p) => (p.price ? `${p.price} ${p.currency}` : '—') },
      { label: 'Status', value: (p) => badge(p.status) },
      ...(canWrite ? [{ label: 'Actions', value: (p) => actions(p) }] : []),
    ], products, empty('No products yet', canWrite ? 'Add your first product: it reaches the app once its status is active.' : 'An admin or owner can add products.'), 'Products'),
    products.length > 50 ? h('p', { class: 'muted' }, 'The first 50 are shown.') : null);
  }

  function actions(p) {
    const i = products.indexOf(p);
    return h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'secondary small', 'aria-label': `Move ${p.name} up`, disabled: i === 0, onclick: () => move(i, -1) }, '↑'),
      h('button', { type: 'button', class: 'secondary small', 'aria-label': `Move ${p.name} down`, disabled: i === products.length - 1, onclick: () => move(i, 1) }, '↓'),
      h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit ${p.name}`, onclick: () => edit(p) }, 'Edit'),
      p.status === 'active'
        ? h('button', { type: 'button', class: 'secondary small', 'aria-label': `Deactivate ${p.name}`, onclick: () => setStatus(p, 'archived') }, 'Deactivate')
        : h('button', { type: 'button', class: 'secondary small', 'aria-label': `Activate ${p.name}`, onclick: () => setStatus(p, 'active') }, 'Activate'),
      h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${p.name}`, onclick: () => remove(p) }, 'Delete'));
  }

  // move swaps a product with its neighbour and renumbers the list (0, 10, 20...), sending only
  // the products whose sort order changed.
  async function move(i, by) {
    const order = products.slice();
    [order[i], order[i + by]] = [order[i + by], order[i]];
    try {
      await Promise.all(order.map((p, n) => (p.sortOrder === n * 10 ? null : api.put(`/partner/products/${p.id}`, { sortOrder: n * 10 }))));
      await load();
      listBox.querySelectorAll('tbody tr')[i + by]?.querySelector('button')?.focus();
    } catch (err) { toast(err.message, 'error'); }
  }

  async function setStatus(p, status) {
    try {
      await api.put(`/partner/products/${p.id}`, { status });
      toast(status === 'active' ? `${p.name} is in the app.` : `${p.name} is out of the app.`);
      await load();
    } catch (err) { toast(err.message, 'error'); }
  }

  async function remove(p) {
    if (!await confirm(`Delete ${p.name} for good? To keep it, deactivate it instead.`, 'Delete')) return;
    try {
      await api.del(`/partner/products/${p.id}`);
      toast(`${p.name} deleted.`);
      await load();
    } catch (err) { toast(err.message, 'error'); }
  }

  function edit(p) {
    mount(editBox, productForm(api, p, products, async () => { mount(editBox); await load(); }, () => mount(editBox)));
    editBox.querySelector('input')?.focus();
  }

  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Products'),
      canWrite ? h('button', { type: 'button', onclick: () => edit(null) }, 'Add product') : null),
    h('p', { class: 'muted' }, 'Active products appear in the store section of your client\'s app, in this order.'),
    editBox, listBox);
  await load();
}

function thumb(src) {
  if (!src) return h('span', { class: 'thumb', 'aria-hidden': 'true' });
  const img = h('img', { class: 'thumb', src, alt: '', referrerpolicy: 'no-referrer', loading: 'lazy' });
  img.addEventListener('error', () => img.replaceWith(h('span', { class: 'thumb', 'aria-hidden': 'true' })));
  return img;
}

function productForm(api, p, all, saved, cancel) {
  const v = p || { currency: 'USD', status: 'draft', featured: false, sortOrder: all.length ? Math.max(...all.map((x) => x.sortOrder)) + 10 : 0 };
  const input = (name, attrs = {}) => h('input', { name, value: v[name] ?? '', ...attrs });
  const f = {
    name: input('name', { required: true, maxlength: 200 }),
    description: h('textarea', { name: 'description', maxlength: 5000, class: 'short' }),
    image: input('image', { type: 'url', placeholder: 'https://…' }),
    price: input('price', { inputmode: 'decimal', placeholder: '29.99' }),
    currency: input('currency', { maxlength: 3 }),
    externalUrl: input('externalUrl', { type: 'url', placeholder: 'https://…' }),
    productType: input('productType', { maxlength: 60, placeholder: 'Supplements' }),
    status: h('select', { name: 'status' }, ['draft', 'active', 'archived'].map((s) => h('option', { value: s, selected: s === v.status }, s))),
    sortOrder: input('sortOrder', { type: 'number' }),
    featured: h('input', { name: 'featured', type: 'checkbox', checked: v.featured }),
  };
  f.description.value = v.description || '';
  const preview = h('img', { class: 'image-preview', alt: 'Image preview', referrerpolicy: 'no-referrer' });
  const previewNote = h('p', { class: 'muted', role: 'status' });
  const showPreview = () => {
    const url = f.image.value.trim();
    if (/^https:\/\/\S+$/.test(url)) { preview.src = url; preview.hidden = false; previewNote.textContent = ''; } else {
      preview.removeAttribute('src'); preview.hidden = true;
      previewNote.textContent = url ? 'The image must be an https address.' : 'No image: add an https address to show one.';
    }
  };
  preview.addEventListener('error', () => { preview.hidden = true; previewNote.textContent = 'This image could not be loaded.'; });
  f.image.addEventListener('input', showPreview);

  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'pf-h' },
    h('h2', { id: 'pf-h' }, p ? `Edit ${p.name}` : 'New product'),
    h('div', { class: 'form-grid' },
      field('Name', f.name), field('Product type', f.productType), field('Price', f.price, 'Leave empty to show no price.'),
      field('Currency', f.currency, 'ISO code such as USD or EUR.'), field('Status', f.status, 'Only active products reach the app.'),
      field('Sort order', f.sortOrder, 'Lowest first.')),
    field('Description', f.description),
    h('div', { class: 'form-grid' },
      h('div', {}, field('Image address', f.image), field('Buy link', f.externalUrl), field('Featured', f.featured)),
      h('div', {}, preview, previewNote)),
    h('div', { class: 'row-actions' }, h('button', { type: 'submit' }, p ? 'Save changes' : 'Create product'),
      h('button', { type: 'button', class: 'secondary', onclick: cancel }, 'Cancel')));
  showPreview();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = {
      name: f.name.value.trim(), description: f.description.value, image: f.image.value.trim(), price: f.price.value.trim(),
      currency: f.currency.value.trim().toUpperCase() || 'USD', externalUrl: f.externalUrl.value.trim(), productType: f.productType.value.trim(),
      status: f.status.value, featured: f.featured.checked, sortOrder: Number(f.sortOrder.value) || 0,
    };
    if (!body.name) { showErrors(form, { message: 'Check the form.', details: [{ field: 'name', reason: 'Give the product a name.' }] }); return; }
    try {
      if (p) await api.put(`/partner/products/${p.id}`, body);
      else await api.post('/partner/products', body);
      toast(p ? 'Product saved.' : 'Product created.');
      await saved();
    } catch (err) { showErrors(form, err); }
  });
  return form;
}
