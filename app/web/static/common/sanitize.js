// sanitize turns untrusted HTML into DOM nodes built from a strict allowlist of elements and
// attributes, for previews. The HTML is parsed in an inert document (DOMParser: nothing runs,
// nothing loads), then only allowed elements are rebuilt in this document with createElement;
// everything else is dropped (script, style, iframe, form...) or unwrapped to its text. Links
// keep only http(s) and mailto targets, images only https (or same-origin) sources. The server
// sanitizes again when the HTML is saved: this preview only shows what will survive.

const ALLOWED = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'strong', 'b', 'em', 'i', 'u',
  's', 'small', 'sub', 'sup', 'blockquote', 'code', 'pre', 'span', 'div', 'a', 'img', 'table', 'thead', 'tbody', 'tfoot',
  'tr', 'th', 'td', 'caption', 'dl', 'dt', 'dd']);
const DROP = new Set(['script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'input', 'button', 'select',
  'textarea', 'link', 'meta', 'base', 'svg', 'math', 'template', 'noscript', 'video', 'audio', 'source', 'title', 'head']);
const ATTRS = { a: ['href', 'title'], img: ['src', 'alt', 'title', 'width', 'height'], th: ['colspan', 'rowspan'], td: ['colspan', 'rowspan'], ol: ['start'] };

function safeURL(value, kinds) {
  try {
    const u = new URL(value, location.origin);
    return kinds.includes(u.protocol) ? u.href : null;
  } catch { return null; }
}

function rebuild(node, out) {
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) { out.append(document.createTextNode(child.data)); continue; }
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const tag = child.localName;
    if (DROP.has(tag)) continue;
    if (!ALLOWED.has(tag)) { rebuild(child, out); continue; }
    const el = document.createElement(tag);
    for (const name of ATTRS[tag] || []) {
      const v = child.getAttribute(name);
      if (v === null) continue;
      if (name === 'href') {
        const u = safeURL(v, ['http:', 'https:', 'mailto:']);
        if (u) { el.setAttribute('href', u); el.setAttribute('rel', 'noopener noreferrer nofollow'); el.setAttribute('target', '_blank'); }
      } else if (name === 'src') {
        const u = safeURL(v, ['https:']);
        if (u) el.setAttribute('src', u);
      } else if (/^\d+$/.test(v) || name === 'alt' || name === 'title') el.setAttribute(name, v);
    }
    if (tag === 'img' && !el.hasAttribute('src')) continue; // an image with no safe source shows nothing
    rebuild(child, el);
    out.append(el);
  }
  return out;
}

/** sanitize returns a DocumentFragment of the allowed parts of html. */
export function sanitize(html) {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  return rebuild(doc.body, document.createDocumentFragment());
}
