// The client's app key (X-API-Key). Admins sign in like the client's subscribers, at the app
// surface's POST /auth/login, which needs the key to know which client they belong to. stvos
// keeps only a hash of every key, so the server cannot hand one to the page: the client's console
// link carries it in the URL's fragment (/console/#key=stv_...), which browsers never send to a
// server nor put in a Referer. The page keeps it in localStorage (given once per browser) and
// asks for it on the sign-in page when it is missing. The key only names the client: it is inside
// every copy of the client's app and grants nothing on the admin routes without an admin's token.
const KEY = 'stvos.console.apiKey';

/** takeKeyFromURL keeps a key passed in the fragment and removes it from the address bar. */
export function takeKeyFromURL() {
  const m = /^#key=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!m) return false;
  localStorage.setItem(KEY, m[1]);
  history.replaceState(null, '', `${location.pathname}#/`);
  return true;
}

export const apiKey = () => localStorage.getItem(KEY) || '';
export function setApiKey(k) {
  if (k) localStorage.setItem(KEY, k);
  else localStorage.removeItem(KEY);
}
