// Catalog: the categories and classes of the client's app. Categories are listed and created;
// classes are searched, created, edited (If-Match), published or hidden, and deleted.
import { h, mount, field, showErrors, clearErrors, table, badge, empty, confirm, toast, debounce, fmtDate } from '../common/dom.js';
import { cursorPager, newCursor, getTagged, input, sel, check } from './util.js';

const LEVELS = ['all', 'beginner', 'intermediate', 'advanced'];
const RATINGS = [['', 'Not rated'], 'G', 'PG', 'PG-13', 'R', 'NC-17', 'TV-Y', 'TV-G', 'TV-PG', 'TV-14', 'TV-MA'];
const FIELDS = ['category_id', 'title', 'description', 'instructor', 'duration_seconds', 'thumbnail_url', 'level', 'content_rating', 'published'];

const minutes = (s) => `${Math.round(s / 60)} min`;

export async function catalogPage({ api, main }) {
  const state = { q: '', category: '', ...newCursor() };
  const catBox = h('div', {});
  const classBox = h('div', { 'aria-live': 'polite' });
  const editBox = h('div', {});
  let categories = [];

  async function loadCategories() {
    categories = (await api.get('/admin/categories')).data;
    mount(catBox, table([
      { label: 'Category', value: (c) => h('strong', {}, c.name) },
      { label: 'Description', value: (c) => c.description || '—', wrap: true },
      { label: 'Classes', num: true, value: (c) => c.class_count },
    ], categories, empty('No categories yet', 'Add a category below; classes are filed under one.'), 'Categories'));
    const keep = catFilter.value;
    mount(catFilter, h('option', { value: '' }, 'Every category'), categories.map((c) => h('option', { value: c.id, selected: c.id === keep }, c.name)));
  }

  async function loadClasses() {
    const page = await api.get('/admin/classes', { q: state.q, category_id: state.category, cursor: state.cursor, limit: 20 });
    mount(classBox, table([
      { label: 'Title', value: (c) => h('strong', {}, c.title), wrap: true },
      { label: 'Category', value: (c) => c.category_name },
      { label: 'Instructor', value: (c) => c.instructor || '—' },
      { label: 'Length', num: true, value: (c) => minutes(c.duration_seconds) },
      { label: 'Status', value: (c) => badge(c.published ? 'published' : 'draft') },
      { label: 'Updated', value: (c) => fmtDate(c.updated_at) },
      { label: 'Actions', value: (c) => h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit ${c.title}`, onclick: () => edit(c.id) }, 'Edit'),
        h('button', { type: 'button', class: 'secondary small', 'aria-label': `${c.published ? 'Unpublish' : 'Publish'} ${c.title}`, onclick: () => publish(c) }, c.published ? 'Unpublish' : 'Publish'),
        h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${c.title}`, onclick: () => remove(c) }, 'Delete')) },
    ], page.data, state.q || state.category
      ? empty('No classes match', 'Try another word or category.')
      : empty('No classes yet', categories.length ? 'Add a class: it reaches the app once published.' : 'Add a category first, then its classes.'), 'Classes'),
    cursorPager(page.meta, state, loadClasses));
  }

  async function edit(id) {
    if (!categories.length) { toast('Add a category first.', 'error'); return; }
    const cur = id ? await getTagged(api, `/admin/classes/${id}`) : null;
    mount(editBox, classForm(api, cur, categories, async () => { mount(editBox); await Promise.all([loadClasses(), loadCategories()]); }, () => mount(editBox)));
    editBox.querySelector('input, select')?.focus();
    editBox.scrollIntoView({ block: 'start' });
  }

  async function publish(c) {
    try {
      const { body, etag } = await getTagged(api, `/admin/classes/${c.id}`);
      const next = Object.fromEntries(FIELDS.map((k) => [k, body[k] ?? undefined]));
      next.published = !body.published;
      await api.put(`/admin/classes/${c.id}`, next, { 'If-Match': etag });
      toast(next.published ? `${c.title} is in the app.` : `${c.title} is hidden from the app.`);
      await loadClasses();
    } catch (err) { toast(err.message, 'error'); }
  }

  async function remove(c) {
    if (!await confirm(`Delete ${c.title} for good? To keep it out of the app, unpublish it instead.`, 'Delete')) return;
    try {
      const { etag } = await getTagged(api, `/admin/classes/${c.id}`);
      await api.del(`/admin/classes/${c.id}`, { 'If-Match': etag });
      toast(`${c.title} deleted.`);
      await Promise.all([loadClasses(), loadCategories()]);
    } catch (err) { toast(err.message, 'error'); }
  }

  const q = h('input', { name: 'q', type: 'search', placeholder: 'Title or instructor', maxlength: 100 });
  const catFilter = h('select', { name: 'category_id' });
  q.addEventListener('input', debounce(() => { state.q = q.value.trim(); Object.assign(state, newCursor()); loadClasses(); }));
  catFilter.addEventListener('change', () => { state.category = catFilter.value; Object.assign(state, newCursor()); loadClasses(); });

  const catName = input('name', { maxlength: 100, required: true });
  const catDesc = input('description', { maxlength: 500 });
  const catForm = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'nc-h' }, h('h3', { id: 'nc-h' }, 'New category'),
    h('div', { class: 'form-grid' }, field('Name', catName), field('Description (optional)', catDesc)),
    h('button', { type: 'submit', class: 'secondary' }, 'Add category'));
  catForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(catForm);
    if (!catName.value.trim()) { showErrors(catForm, { message: 'Check the form.', details: [{ field: 'name', reason: 'Name the category.' }] }); return; }
    try {
      await api.post('/admin/categories', { name: catName.value.trim(), description: catDesc.value.trim() || undefined });
      toast(`${catName.value.trim()} added.`);
      catName.value = ''; catDesc.value = '';
      await loadCategories();
    } catch (err) { showErrors(catForm, err); }
  });

  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Catalog'), h('button', { type: 'button', onclick: () => edit(null) }, 'New class')),
    editBox,
    h('section', { 'aria-labelledby': 'cls-h' }, h('h2', { id: 'cls-h' }, 'Classes'),
      h('div', { class: 'toolbar' }, h('div', { class: 'grow' }, field('Search', q)), h('div', {}, field('Category', catFilter))), classBox),
    h('section', { 'aria-labelledby': 'cat-h' }, h('h2', { id: 'cat-h' }, 'Categories'), catBox, catForm));
  await loadCategories();
  await loadClasses();
}

function classForm(api, cur, categories, saved, cancel) {
  const c = cur ? cur.body : { category_id: categories[0].id, level: 'all', duration_seconds: 1800, published: false };
  const f = {
    title: input('title', { maxlength: 200, required: true, value: c.title || '' }),
    category_id: sel('category_id', categories.map((x) => [x.id, x.name]), c.category_id),
    instructor: input('instructor', { maxlength: 100, value: c.instructor || '' }),
    duration: input('duration_seconds', { type: 'number', min: 1, max: 1440, value: Math.round((c.duration_seconds || 60) / 60), inputmode: 'numeric' }),
    level: sel('level', LEVELS, c.level),
    content_rating: sel('content_rating', RATINGS, c.content_rating || ''),
    thumbnail_url: input('thumbnail_url', { type: 'url', maxlength: 2048, placeholder: 'https://…', value: c.thumbnail_url || '' }),
    description: h('textarea', { name: 'description', maxlength: 5000, class: 'short' }),
    published: check('published', c.published),
  };
  f.description.value = c.description || '';
  const title = cur ? `Edit ${c.title}` : 'New class';
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': title }, h('h2', {}, title),
    h('div', { class: 'form-grid' },
      field('Title', f.title), field('Category', f.category_id), field('Instructor', f.instructor),
      field('Length (minutes)', f.duration), field('Level', f.level), field('Content rating', f.content_rating, 'Profiles see only classes within their limit.')),
    field('Thumbnail address', f.thumbnail_url), field('Description', f.description), field('Published: shown in the app', f.published),
    h('div', { class: 'row-actions' }, h('button', { type: 'submit' }, cur ? 'Save class' : 'Create class'), h('button', { type: 'button', class: 'secondary', onclick: cancel }, 'Cancel')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = {
      title: f.title.value.trim(), category_id: f.category_id.value, instructor: f.instructor.value.trim() || undefined,
      duration_seconds: Math.round(Number(f.duration.value) * 60), level: f.level.value, content_rating: f.content_rating.value || undefined,
      thumbnail_url: f.thumbnail_url.value.trim() || undefined, description: f.description.value.trim() || undefined, published: f.published.checked,
    };
    try {
      if (cur) await api.put(`/admin/classes/${c.id}`, body, { 'If-Match': cur.etag });
      else await api.post('/admin/classes', body);
      toast(cur ? 'Class saved.' : `${body.title} is created.`);
      await saved();
    } catch (err) {
      if (err.status === 412) err.message = 'Someone changed this class since you opened it: cancel and edit it again.';
      showErrors(form, err);
    }
  });
  return form;
}
