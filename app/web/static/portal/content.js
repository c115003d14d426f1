// Content strings: the client's HTML pages (About us, privacy policy...) that its apps show, with
// an editor and a live preview sanitized in the browser; the server sanitizes again on save and
// the page then shows what was stored.
import { h, mount, field, showErrors, clearErrors, toast, empty } from '../common/dom.js';
import { sanitize } from '../common/sanitize.js';

const NAMES = { st_aboutus: 'About us', st_privacypolicy: 'Privacy policy', st_terms: 'Terms of use' };
const label = (k) => NAMES[k] || k.replace(/^st_/, '').replace(/_/g, ' ');

export async function contentPage(ctx, _params, query) {
  const { api, main, canWrite } = ctx;
  let strings = await api.get('/partner/strings');
  let key = query.get('key') && strings[query.get('key')] !== undefined ? query.get('key') : Object.keys(strings).sort()[0];

  const picker = h('select', { name: 'key' });
  const editor = h('textarea', { name: 'value', spellcheck: 'true', readonly: !canWrite });
  const preview = h('div', { class: 'preview', 'aria-live': 'polite', 'aria-label': 'Preview' });
  const note = h('p', { class: 'muted', role: 'status' });
  const render = () => mount(preview, sanitize(editor.value));
  const fill = () => {
    mount(picker, Object.keys(strings).sort().map((k) => h('option', { value: k, selected: k === key }, label(k))));
    editor.value = key ? strings[key] : '';
    render();
  };
  picker.addEventListener('change', () => { key = picker.value; fill(); });
  editor.addEventListener('input', render);

  const form = h('form', { novalidate: true },
    h('div', { class: 'toolbar' }, h('div', { class: 'grow' }, field('Page', picker))),
    h('div', { class: 'grid-2' },
      field(canWrite ? 'HTML' : 'HTML (read only)', editor, 'Headings, paragraphs, lists, tables, images (https) and links stay; scripts, styles and forms are removed.'),
      h('div', { class: 'field' }, h('div', { class: 'label' }, h('strong', {}, 'Preview')), preview)),
    canWrite ? h('div', { class: 'row-actions' }, h('button', { type: 'submit' }, 'Save'), note) : note);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      const sent = editor.value;
      strings = await api.put('/partner/strings', { [key]: sent });
      fill();
      note.textContent = strings[key] === sent ? 'Saved.' : 'Saved. Parts the apps may not show were removed: the editor shows what was stored.';
      toast('Saved.');
    } catch (err) {
      showErrors(form, { ...err, message: err.message, details: (err.details || []).map((d) => ({ ...d, field: d.field && d.field.startsWith(key) ? 'value' : d.field })) });
    }
  });

  const addForm = canWrite ? newPageForm((k) => { strings = { ...strings, [k]: '' }; key = k; fill(); editor.focus(); }, () => strings) : null;
  mount(main, h('h1', {}, 'Content'),
    h('p', { class: 'muted' }, 'These pages are shown in your client\'s app. Changes reach the app as soon as they are saved.'),
    Object.keys(strings).length ? form : empty('No pages yet', canWrite ? 'Add a page below, such as st_aboutus.' : 'An admin or owner can add pages.'),
    addForm);
  if (Object.keys(strings).length) fill();
}

function newPageForm(add, current) {
  const input = h('input', { name: 'key', placeholder: 'st_faq', pattern: '^st_[a-z0-9_]{1,60}$' });
  const form = h('form', { class: 'card', novalidate: true }, h('h2', {}, 'Add a page'),
    field('Key', input, 'st_ then lower-case letters, digits or _.'), h('button', { type: 'submit', class: 'secondary' }, 'Add'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const k = input.value.trim();
    if (!/^st_[a-z0-9_]{1,60}$/.test(k) || current()[k] !== undefined) {
      showErrors(form, { message: 'Choose another key.', details: [{ field: 'key', reason: current()[k] !== undefined ? 'This page exists already.' : 'Use st_ then lower-case letters, digits or _.' }] });
      return;
    }
    input.value = '';
    add(k);
  });
  return form;
}
