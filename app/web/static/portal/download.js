// A CSV download button that shows its progress: exports are streamed row by row, so the rows
// received so far are counted as they arrive (and the share of Content-Length, when sent).
import { h, mount, toast, fmtNum } from '../common/dom.js';

export function downloadButton(api, label, path, query, headers) {
  const status = h('span', { class: 'progress', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'secondary' }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    const bar = h('progress', { max: 100 });
    const text = h('span', {}, 'Preparing…');
    mount(status, bar, text);
    try {
      const r = await api.download(path, {
        query: query(), headers: headers ? headers() : undefined,
        onProgress: ({ bytes, total, rows }) => {
          if (total) bar.value = Math.round((bytes / total) * 100);
          else bar.removeAttribute('value');
          text.textContent = `${fmtNum(Math.max(rows - 1, 0))} rows received…`;
        },
      });
      mount(status, `${r.name}: ${fmtNum(r.rows)} rows`);
    } catch (err) {
      mount(status);
      toast(err.message, 'error');
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'row-actions' }, button, status);
}
