// The JSON API client of the front ends. Pages call the same routes as any other client, with the
// surface's bearer token in the Authorization header: no cookie is ever involved, so a request
// forged by another site carries no credential (no CSRF), and every action passes the same
// authentication, tenant and role checks as the API's other clients.
//
// Tokens live in sessionStorage: they last as long as the tab and are not shared with other
// tabs or sites. A script injected into the page could read them, which is why every page is
// served with a strict Content-Security-Policy (no inline or third-party script).

/** ApiError is a refusal of the API, in either surface convention. */
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && (body.error || body)) || {};
    super(e.message || `The server answered ${status}.`);
    this.status = status;
    this.code = e.code || 'ERROR';
    this.details = e.details || [];
    this.requestId = e.requestId || e.request_id || '';
  }
}

export class Api {
  /**
   * @param {object} o
   * @param {string} o.storageKey sessionStorage key of the token set
   * @param {string} o.refreshPath route that rotates a refresh token
   * @param {boolean} o.enveloped whether answers are {"success":true,"data":...} (app, partner)
   * @param {() => void} o.onSignedOut called when the session cannot be renewed
   */
  constructor(o) {
    Object.assign(this, o);
    this.headers = {};
  }

  get tokens() {
    try { return JSON.parse(sessionStorage.getItem(this.storageKey)) || null; } catch { return null; }
  }

  set tokens(t) {
    if (t) sessionStorage.setItem(this.storageKey, JSON.stringify({ accessToken: t.accessToken, refreshToken: t.refreshToken }));
    else sessionStorage.removeItem(this.storageKey);
  }

  signOut() { this.tokens = null; }

  url(path, query) {
    const u = new URL(path, location.origin);
    for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, v);
    return u.pathname + u.search;
  }

  async send(method, path, { body, query, headers, raw } = {}, retried = false) {
    const t = this.tokens;
    const hd = { Accept: 'application/json', ...this.headers, ...headers };
    if (t && t.accessToken) hd.Authorization = `Bearer ${t.accessToken}`;
    if (body !== undefined) hd['Content-Type'] = 'application/json';
    const res = await fetch(this.url(path, query), {
      method, headers: hd, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store', redirect: 'error',
    });
    if (res.status === 401 && t && !retried && path !== this.refreshPath) {
      const b = await res.clone().json().catch(() => ({}));
      const code = (b.error || b).code;
      if (code !== 'INVALID_API_KEY' && await this.renew()) return this.send(method, path, { body, query, headers, raw }, true);
    }
    if (raw && res.ok) return res;
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (!res.ok) {
      const err = new ApiError(res.status, json);
      if (res.status === 401 && err.code !== 'INVALID_API_KEY' && path !== this.loginPath) this.expired(err);
      throw err;
    }
    return this.enveloped && json ? json.data : json;
  }

  /** renew rotates the refresh token once, for every caller waiting on it. */
  renew() {
    if (!this.renewing) {
      this.renewing = (async () => {
        const t = this.tokens;
        if (!t || !t.refreshToken) return false;
        try {
          const res = await fetch(this.refreshPath, {
            method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...this.refreshHeaders() },
            body: JSON.stringify(this.refreshBody(t.refreshToken)), credentials: 'omit',
          });
          if (!res.ok) return false;
          const j = await res.json();
          this.tokens = this.enveloped ? j.data : this.fromFlat(j);
          return true;
        } catch { return false; }
      })().finally(() => { setTimeout(() => { this.renewing = null; }, 0); });
    }
    return this.renewing;
  }

  refreshBody(refreshToken) { return { refreshToken }; }
  /** refreshHeaders are sent with the refresh (the app surface's refresh needs the client's key). */
  refreshHeaders() { return {}; }
  fromFlat(j) { return { accessToken: j.access_token, refreshToken: j.refresh_token }; }

  expired(err) {
    this.tokens = null;
    if (this.onSignedOut) this.onSignedOut(err);
  }

  get(path, query, headers) { return this.send('GET', path, { query, headers }); }
  post(path, body, headers) { return this.send('POST', path, { body, headers }); }
  put(path, body, headers) { return this.send('PUT', path, { body, headers }); }
  del(path, headers) { return this.send('DELETE', path, { headers }); }

  /**
   * download fetches a file (CSV exports), reporting progress as it streams in: onProgress gets
   * {bytes, total, rows} (total only when the server sent Content-Length; exports are streamed,
   * so usually the rows received so far are what can be shown). Then the browser saves it.
   */
  async download(path, { query, headers, onProgress } = {}) {
    const res = await this.send('GET', path, { query, headers, raw: true });
    const total = Number(res.headers.get('Content-Length')) || 0;
    const name = /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') || '')?.[1] || 'export.csv';
    const reader = res.body.getReader();
    const chunks = [];
    let bytes = 0;
    let rows = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.length;
      for (let i = 0; i < value.length; i++) if (value[i] === 10) rows++;
      if (onProgress) onProgress({ bytes, total, rows });
    }
    const blob = new Blob(chunks, { type: res.headers.get('Content-Type') || 'text/csv' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    return { name, bytes, rows: Math.max(rows - 1, 0) };
  }
}
