/* global window, document, location, history, sessionStorage, fetch, URLSearchParams, setInterval */
// Staff pages' sign-in (issue 13): one script, served from the engine (CSP 'self'), so every page
// calls the API the same way. A person signs in with a session cookie (HttpOnly: this script never
// sees it); state-changing requests carry the CSRF token from /auth/me in a header. Service and
// kiosk screens may still open a page with a staff token in the link's fragment (#token=…), moved
// to this tab's session storage and wiped from the address bar; then the token is sent instead.
(() => {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) { sessionStorage.setItem('callchart.staffToken', fromLink); history.replaceState(null, '', location.pathname); }
  const token = sessionStorage.getItem('callchart.staffToken') ?? '';
  const here = () => location.pathname;
  let me = null;
  let csrfToken = '';

  /** To the sign-in page, coming back here afterwards. */
  function toSignIn(reason) {
    const query = new URLSearchParams({ returnTo: here() });
    if (reason) query.set('reason', reason);
    location.assign(`/sign-in?${query}`);
  }

  /** To the step-up prompt for `purpose`, coming back here afterwards. */
  function toStepUp(purpose) {
    location.assign(`/sign-in?${new URLSearchParams({ stepUp: purpose, returnTo: here() })}`);
  }

  /**
   * One API call: the token if this tab has one, else the session cookie (+ CSRF header). A lost
   * session sends the page to sign-in; a refusal that needs re-authentication throws with its code
   * so the page can offer the step-up.
   */
  async function api(method, path, body) {
    const headers = { ...(body ? { 'content-type': 'application/json' } : {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    else if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
    const response = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store', ...(body ? { body: JSON.stringify(body) } : {}) });
    const json = await response.json().catch(() => ({}));
    const code = json.error?.code ?? String(response.status);
    if (response.status === 401 && !token && code !== 'STEP_UP_REQUIRED') { toSignIn('expired'); throw Object.assign(new Error('signed out'), { code }); }
    if (!response.ok) throw Object.assign(new Error(json.error?.message ?? `HTTP ${response.status}`), { code, fields: json.error?.detail?.fields ?? [] });
    return json;
  }

  /** Minutes before the idle sign-out that the warning shows. */
  const warnMinutes = 2;
  let idleExpiresAt = 0;
  let lastActivity = Date.now();
  function banner() {
    let node = document.getElementById('idle-warning');
    if (!node) {
      node = document.createElement('div');
      node.id = 'idle-warning';
      node.setAttribute('role', 'alert');
      node.hidden = true;
      const text = document.createElement('span');
      const stay = document.createElement('button');
      stay.type = 'button';
      stay.textContent = 'Stay signed in';
      stay.addEventListener('click', () => void refresh());
      node.append(text, ' ', stay);
      document.body.prepend(node);
    }
    return node;
  }
  /** Reads the session (and renews its idle timer, as any request does). */
  async function refresh() {
    const response = await fetch('/auth/me', { credentials: 'same-origin', cache: 'no-store' });
    if (response.status === 401) { toSignIn('expired'); return null; }
    if (!response.ok) return me;
    me = await response.json();
    csrfToken = me.csrfToken ?? csrfToken;
    idleExpiresAt = Date.parse(me.session?.idleExpiresAt ?? '') || 0;
    lastActivity = Date.now();
    banner().hidden = true;
    return me;
  }
  // The warning counts down on this screen's clock; the server's idle timer is the one that counts.
  function watchIdle() {
    if (!idleExpiresAt) return;
    const left = idleExpiresAt - Date.now();
    const node = banner();
    if (left <= 0) { void refresh(); return; }
    if (left <= warnMinutes * 60_000) {
      node.hidden = false;
      node.firstChild.textContent = `You will be signed out in ${Math.max(1, Math.ceil(left / 60_000))} min because nothing happened here.`;
    } else {
      node.hidden = true;
    }
  }
  /** Signs out of this browser (the server ends the session), then to the sign-in page. */
  async function signOut() {
    await fetch('/auth/sign-out', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': csrfToken } }).catch(() => undefined);
    location.assign('/sign-in?reason=signed-out');
  }

  /**
   * Starts the page's session: with a token, nothing to do; otherwise the signed-in person (or to
   * sign-in). Puts "name (role) · Sign out" into `#viewer`.
   */
  async function start() {
    if (token) return { via: 'token' };
    const person = await refresh();
    if (!person) return null;
    const viewer = document.getElementById('viewer');
    if (viewer) {
      const out = document.createElement('button');
      out.type = 'button'; out.id = 'sign-out'; out.textContent = 'Sign out';
      out.addEventListener('click', () => void signOut());
      viewer.replaceChildren(` · ${person.user?.displayName ?? person.user?.userName ?? ''} (${person.user?.role ?? ''}) `, out);
    }
    setInterval(watchIdle, 15_000);
    // Work on the page (typing, clicking) is activity the server does not see: renew before the warning.
    for (const type of ['keydown', 'click']) document.addEventListener(type, () => { if (Date.now() - lastActivity > 60_000) void refresh(); }, { passive: true });
    return { via: 'session', person };
  }

  window.callchartSession = { token, api, start, refresh, signOut, toSignIn, toStepUp, get me() { return me; } };
})();
