// The frame every front end shares: branding, the top bar with the signed-in person, the
// navigation, and routing by the URL's fragment (#/vouchers), so one HTML shell serves all pages
// and the back button works.
import { h, mount } from './dom.js';

const HEX = /^#[0-9a-fA-F]{6}$/;

function luminance(hex) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/**
 * applyBrand sets the tenant's colours as CSS custom properties (through the CSSOM: no inline
 * style attribute, which the CSP forbids) and remembers them so the next sign-in page wears them.
 */
export function applyBrand(b, rememberAs) {
  const root = document.documentElement.style;
  if (b && HEX.test(b.primaryColor || '')) {
    root.setProperty('--brand', b.primaryColor);
    root.setProperty('--brand-ink', luminance(b.primaryColor) > 0.45 ? '#111' : '#fff');
  }
  if (b && HEX.test(b.secondaryColor || '')) root.setProperty('--brand-soft', b.secondaryColor);
  if (rememberAs && b) localStorage.setItem(rememberAs, JSON.stringify(b));
}

/** rememberedBrand is the branding last seen in this browser, if any. */
export function rememberedBrand(key) {
  try { return JSON.parse(localStorage.getItem(key)) || null; } catch { return null; }
}

/** brandMark is the logo (when it loads) and the name. */
export function brandMark(b, fallback) {
  const name = (b && b.displayName) || fallback;
  const img = b && b.logoUrl ? h('img', { src: b.logoUrl, alt: '', referrerpolicy: 'no-referrer' }) : null;
  if (img) img.addEventListener('error', () => img.remove());
  return h('div', { class: 'brand' }, img, h('span', {}, name));
}

/**
 * frame renders the page frame into #app and returns its <main>. nav is [{href, label}]; the
 * link matching the current route is marked aria-current.
 */
export function frame({ brand, appName, user, role, nav, onSignOut }) {
  const current = location.hash.split('?')[0] || '#/';
  document.querySelectorAll('.toast').forEach((t) => t.remove()); // messages belong to the page that showed them
  const main = h('main', { id: 'main', tabindex: '-1' });
  mount(document.getElementById('app'),
    h('a', { href: '#main', class: 'skip', onclick: (e) => { e.preventDefault(); main.focus(); } }, 'Skip to content'),
    h('header', { class: 'topbar' }, h('div', { class: 'topbar-inner' },
      brandMark(brand, appName),
      h('div', { class: 'who' },
        h('span', { class: 'name' }, user),
        role ? h('span', { class: 'role' }, role) : null,
        h('button', { type: 'button', class: 'secondary small', onclick: onSignOut }, 'Sign out')))),
    h('nav', { class: 'nav', 'aria-label': 'Main' }, h('ul', {}, nav.map((n) => h('li', {},
      h('a', { href: n.href, 'aria-current': current === n.href || current.startsWith(`${n.href}/`) ? 'page' : null }, n.label))))),
    main);
  return main;
}

/**
 * router calls the first route whose pattern matches the fragment's path, with the captured
 * groups and the fragment's query; it runs now and on every change of the fragment.
 */
export function router(routes, fallback) {
  const run = () => {
    const [path, qs] = (location.hash.slice(1) || '/').split('?');
    for (const [re, fn] of routes) {
      const m = re.exec(path);
      if (m) return fn(m.slice(1).map(decodeURIComponent), new URLSearchParams(qs || ''));
    }
    return fallback();
  };
  window.addEventListener('hashchange', run);
  run();
}

/** setQuery rewrites the fragment's query (filters, page) without adding a history entry. */
export function setQuery(params) {
  const [path] = (location.hash.slice(1) || '/').split('?');
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  history.replaceState(null, '', `#${path}${s ? `?${s}` : ''}`);
}
