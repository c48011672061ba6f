// The status page: polls api/status every 2 s (api/catalog only when the catalogue's version changed) and updates the
// tables in place. Everything shown comes from MCP servers and clients, so it is set as text, never as markup.
'use strict';

(() => {
  const POLL_MS = 2000;
  const WAIT_FOR_CREDENTIAL_MS = 10000; // while the API refuses us, no need to ask every 2 s
  const HIDDEN_MS = 30000;               // a background tab polls rarely; it catches up when shown
  const TIMEOUT_MS = 5000;
  const MAX_ROWS = 1000;                 // a very large catalogue is searched, not scrolled
  const TOKEN_KEY = 'camel-mcp-gateway.token';
  const $ = (id) => document.getElementById(id);

  let token = readToken();
  let catalogVersion = null;
  let catalogItems = [];
  let kindFilter = 'all';
  let lastOk = null;
  let timer = null;
  let inFlight = false;
  let waitingForCredential = false;

  class HttpError extends Error {
    constructor(status, challenge, detail) {
      super(`HTTP ${status}`);
      this.status = status;
      this.challenge = challenge;
      this.detail = detail;
    }
  }

  function readToken() {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null; // storage disabled: the credential lives as long as the page
    }
  }

  function storeToken(value) {
    token = value;
    try {
      if (value) {
        sessionStorage.setItem(TOKEN_KEY, value);
      } else {
        sessionStorage.removeItem(TOKEN_KEY);
      }
    } catch {
      // kept in memory only
    }
  }

  async function getJson(path) {
    const headers = { Accept: 'application/json' };
    if (token) {
      headers.Authorization = `Bearer ${token}`;
    }
    const res = await fetch(path, { headers, cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) {
      let detail = '';
      try {
        const problem = await res.json();
        detail = problem.detail || problem.title || '';
      } catch {
        // not problem+json: the status says enough
      }
      throw new HttpError(res.status, res.headers.get('WWW-Authenticate') || '', detail);
    }
    return res.json();
  }

  async function poll() {
    clearTimeout(timer);
    if (inFlight) {
      return;
    }
    inFlight = true;
    try {
      const status = await getJson('api/status');
      if (status.catalog && status.catalog.version !== catalogVersion) {
        setCatalog(await getJson('api/catalog'));
      }
      render(status);
      connected();
    } catch (e) {
      problem(e);
    } finally {
      inFlight = false;
      const wait = document.hidden ? HIDDEN_MS : waitingForCredential ? WAIT_FOR_CREDENTIAL_MS : POLL_MS;
      timer = setTimeout(poll, wait);
    }
  }

  // ---- building blocks -----------------------------------------------------------------------------------------

  /** An element with text (never markup), a class and attributes; children appended. */
  function el(tag, props = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined) {
        continue;
      }
      if (k === 'text') {
        e.textContent = v;
      } else if (k === 'class') {
        e.className = v;
      } else {
        e.setAttribute(k, v);
      }
    }
    for (const c of children) {
      if (c !== null && c !== undefined) {
        e.append(c);
      }
    }
    return e;
  }

  /**
   * Updates a table body to these items in place: rows are keyed, and a row whose data did not change is kept as it
   * is (a text selection in it survives the next poll); only moved, new and changed rows touch the DOM.
   */
  function updateRows(tbody, items, keyOf, build) {
    const existing = new Map([...tbody.children].map((tr) => [tr.dataset.key, tr]));
    const rows = items.map((item) => {
      const key = keyOf(item);
      const sig = JSON.stringify(item);
      let tr = existing.get(key);
      if (!tr || tr.dataset.sig !== sig) {
        tr = build(item);
        tr.dataset.key = key;
        tr.dataset.sig = sig;
      }
      return tr;
    });
    rows.forEach((tr, i) => {
      if (tbody.children[i] !== tr) {
        tbody.insertBefore(tr, tbody.children[i] || null);
      }
    });
    while (tbody.children.length > rows.length) {
      tbody.lastElementChild.remove();
    }
  }

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
  }

  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return `${s} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min`;
    if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
    return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
  }

  /** A span saying how long ago {@code iso} was, kept current by refreshTimes (relative to the gateway's clock). */
  function ago(iso, suffix = ' ago') {
    if (!iso) {
      return el('span', { class: 'muted', text: '—' });
    }
    return el('span', { 'data-since': iso, 'data-suffix': suffix, title: new Date(iso).toLocaleString() });
  }

  function refreshTimes(serverNow) {
    for (const e of document.querySelectorAll('[data-since]')) {
      e.textContent = duration((serverNow - Date.parse(e.dataset.since)) / 1000) + e.dataset.suffix;
    }
  }

  function clock(date) {
    return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  // ---- rendering -----------------------------------------------------------------------------------------------

  function render(status) {
    const g = status.gateway || {};
    $('gateway-version').textContent = [g.version && `v${g.version}`, g.store].filter(Boolean).join(' · ');
    const servers = status.servers || [];
    const ready = servers.filter((s) => s.ready).length;
    $('sum-servers').textContent = `${ready} / ${servers.length}`;
    const c = status.catalog || {};
    $('sum-tools').textContent = c.tools ?? '–';
    $('sum-prompts').textContent = c.prompts ?? '–';
    $('sum-resources').textContent = (c.resources ?? 0) + (c.resourceTemplates ?? 0);
    $('sum-sessions').textContent = status.sessions?.count ?? '?';
    renderServers(servers);
    renderSessions(status.sessions || {});
    refreshTimes(Date.parse(status.generatedAt) || Date.now());
  }

  function renderServers(servers) {
    $('servers-empty').hidden = servers.length > 0;
    updateRows($('servers').tBodies[0], servers, (s) => s.name, serverRow);
  }

  function serverRow(s) {
    const ready = s.ready;
    const pending = s.reason === 'Pending';
    const status = el('td', { class: 'status' },
      el('span', { class: `badge ${ready ? 'ok' : pending ? 'warn' : 'bad'}`, text: ready ? 'Ready' : s.reason }));
    const notes = [];
    if (!ready && s.message && s.message !== s.lastError) { // the last error has a column of its own
      notes.push(s.message);
    }
    if (s.conflicts?.length) notes.push(plural(s.conflicts.length, 'name conflict'));
    if (s.skippedTools?.length) notes.push(`${plural(s.skippedTools.length, 'tool')} with an invalid name skipped`);
    if (s.filteredTools?.length) notes.push(`${plural(s.filteredTools.length, 'tool')} filtered out`);
    if (notes.length) {
      status.append(el('span', { class: 'sub', text: notes.join(' · '), title: [s.message, ...(s.conflicts || [])].join('\n') }));
    }

    const more = [];
    if (s.prompts) more.push(plural(s.prompts, 'prompt'));
    if (s.resources || s.resourceTemplates) more.push(plural(s.resources + s.resourceTemplates, 'resource'));
    const tools = el('td', { class: 'num tools' }, el('span', { class: 'count', text: String(s.tools ?? 0) }),
      more.length ? el('span', { class: 'sub', text: more.join(' · ') }) : null);

    const b = s.breaker;
    const breakerClass = !b ? 'none' : b.state === 'CLOSED' ? 'ok' : b.state === 'OPEN' ? 'bad' : 'warn';
    const breakerTitle = b ? `failure rate ${b.failureRate ?? '–'} % (threshold ${b.failureRateThreshold} %), `
      + `${b.failedCalls} failed of ${b.bufferedCalls} calls, ${b.notPermittedCalls} refused` : 'no call yet';
    const breaker = el('td', { class: 'breaker' },
      el('span', { class: `badge ${breakerClass}`, text: b ? b.state : 'no calls', title: breakerTitle }));

    const lastError = s.lastError
      ? el('td', { class: 'error last-error' }, el('span', { class: 'clip', text: s.lastError, title: s.lastError }),
        el('span', { class: 'sub' }, ago(s.lastErrorAt)))
      : el('td', { class: 'last-error' }, el('span', { class: 'muted', text: '—' }));

    return el('tr', { 'data-server': s.name, class: ready ? 'ready' : 'not-ready' },
      el('td', {}, el('strong', { text: s.name }), el('span', { class: 'sub mono', text: s.url })),
      el('td', {}, s.prefix ? el('code', { text: s.prefix }) : el('span', { class: 'muted', text: '(none)' })),
      status,
      el('td', { class: 'nowrap' }, s.protocolVersion || el('span', { class: 'muted', text: '—' })),
      tools,
      breaker,
      lastError,
      el('td', { class: 'nowrap' }, ago(s.checkedAt)));
  }

  function setCatalog(listing) {
    catalogVersion = listing.version;
    const items = [];
    const add = (kind, list) => (list || []).forEach((e) => items.push({ kind, ...e }));
    add('tool', listing.tools);
    add('prompt', listing.prompts);
    add('resource', listing.resources);
    add('template', listing.resourceTemplates);
    for (const i of items) {
      i.haystack = [i.name, i.title, i.description, i.server, i.uri].filter(Boolean).join('\n').toLowerCase();
    }
    catalogItems = items;
    const counts = { all: items.length };
    items.forEach((i) => { counts[i.kind] = (counts[i.kind] || 0) + 1; });
    for (const button of document.querySelectorAll('.kind')) {
      const label = { all: 'All', tool: 'Tools', prompt: 'Prompts', resource: 'Resources', template: 'Templates' }[button.dataset.kind];
      button.textContent = `${label} ${counts[button.dataset.kind] || 0}`;
    }
    renderCatalog();
  }

  function renderCatalog() {
    const terms = $('search').value.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = catalogItems.filter((i) => (kindFilter === 'all' || i.kind === kindFilter)
      && terms.every((t) => i.haystack.includes(t)));
    const rows = shown.slice(0, MAX_ROWS).map(({ haystack, ...item }) => item);
    updateRows($('catalog').tBodies[0], rows, (i) => `${i.kind}\n${i.server}\n${i.uri || i.name}`, catalogRow);
    const total = catalogItems.length;
    $('catalog-count').textContent = shown.length === total ? plural(total, 'item')
      : `${shown.length} of ${total} shown` + (shown.length > MAX_ROWS ? ` (first ${MAX_ROWS} listed)` : '');
    const empty = $('catalog-empty');
    empty.hidden = shown.length > 0;
    empty.textContent = total === 0 ? 'The catalogue is empty: no ready server lists anything yet.'
      : `Nothing matches “${$('search').value.trim()}”.`;
  }

  function catalogRow(i) {
    const name = el('td', { class: 'name' }, el('code', { text: i.name || i.uri }));
    if (i.uri && i.name) {
      name.append(el('span', { class: 'sub mono', text: i.uri }));
    }
    const text = el('td', {});
    if (i.title) {
      text.append(el('strong', { text: i.title }));
    }
    if (i.description) {
      text.append(el('span', { class: i.title ? 'sub clip' : 'clip', text: i.description, title: i.description }));
    }
    if (!i.title && !i.description) {
      text.append(el('span', { class: 'muted', text: '—' }));
    }
    return el('tr', { 'data-kind': i.kind },
      el('td', {}, el('span', { class: `badge kind-${i.kind}`, text: i.kind })),
      name, text, el('td', { class: 'server', text: i.server }));
  }

  function renderSessions(s) {
    const count = s.count ?? '?';
    let scope = s.shared
      ? `${count} open in ${s.store} (all replicas) · listed: this replica's ${s.local}`
      : `${count} open on this replica`;
    if (s.listed && s.listed.length < s.local) {
      scope += ` (newest ${s.listed.length})`;
    }
    if (s.error) {
      scope += ` · ${s.error}`;
    }
    $('sessions-scope').textContent = `· ${scope}`;
    const listed = s.listed || [];
    $('sessions-empty').hidden = listed.length > 0;
    // the age is worked out from createdAt, so an unchanged session keeps its row
    const rows = listed.map(({ ageSeconds, ...rest }) => rest);
    updateRows($('sessions').tBodies[0], rows, (x) => `${x.id}\n${x.createdAt}`, (x) => el('tr', {},
      el('td', {}, el('code', { text: x.id, title: 'the first characters of the session id' })),
      el('td', { class: 'nowrap', text: x.protocolVersion || '—' }),
      el('td', { text: x.client || '—' }),
      el('td', {}, x.identity ? el('code', { text: x.identity }) : el('span', { class: 'muted', text: 'anonymous' })),
      el('td', { class: 'num' }, ago(x.createdAt, ''))));
  }

  // ---- connection state ----------------------------------------------------------------------------------------

  function connected() {
    lastOk = new Date();
    waitingForCredential = false;
    $('banner').hidden = true;
    $('auth-form').hidden = true;
    $('content').classList.remove('stale');
    $('live-dot').className = 'dot ok';
    $('last-updated').textContent = `Last updated ${clock(lastOk)}`;
    $('forget-token').hidden = !token;
  }

  function problem(e) {
    const banner = $('banner');
    const scope = (e.challenge || '').match(/scope="([^"]*)"/)?.[1] || 'admin';
    let text;
    waitingForCredential = e instanceof HttpError && (e.status === 401 || e.status === 403);
    if (e instanceof HttpError && e.status === 401) {
      const why = (e.challenge || '').match(/error_description="([^"]*)"/)?.[1] || e.detail;
      text = token
        ? `The gateway refused this credential (${why || 'not valid'}): paste another API key or bearer token with the scope ${scope}.`
        : `The gateway's status data needs a credential with the scope ${scope}: paste an API key or a bearer token.`;
    } else if (e instanceof HttpError && e.status === 403) {
      text = `This credential lacks the scope ${scope} that the status data needs: paste another API key or bearer token.`;
    } else if (e instanceof HttpError) {
      text = `The gateway answered HTTP ${e.status}${e.detail ? `: ${e.detail}` : ''}. Retrying every ${POLL_MS / 1000} s.`;
    } else {
      const why = e && e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s`
        : e instanceof SyntaxError ? 'its answer is not JSON' : 'the connection failed';
      text = `Cannot reach the gateway (${why}). Retrying every ${POLL_MS / 1000} s`
        + (lastOk ? `; the data below is from ${clock(lastOk)}.` : '.');
    }
    $('banner-text').textContent = text;
    banner.classList.toggle('auth-needed', waitingForCredential);
    banner.hidden = false;
    $('auth-form').hidden = !waitingForCredential;
    $('forget-token').hidden = !token;
    $('content').classList.toggle('stale', lastOk !== null);
    $('live-dot').className = 'dot bad';
    $('last-updated').textContent = lastOk ? `Last updated ${clock(lastOk)}` : 'Not connected';
  }

  // ---- wiring --------------------------------------------------------------------------------------------------

  $('auth-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('token').value.trim();
    if (!value) {
      return;
    }
    $('token').value = '';
    storeToken(value);
    catalogVersion = null;
    poll();
  });

  $('forget-token').addEventListener('click', () => {
    storeToken(null);
    catalogVersion = null;
    poll();
  });

  $('search').addEventListener('input', renderCatalog);

  for (const button of document.querySelectorAll('.kind')) {
    button.addEventListener('click', () => {
      kindFilter = button.dataset.kind;
      for (const b of document.querySelectorAll('.kind')) {
        b.classList.toggle('active', b === button);
      }
      renderCatalog();
    });
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) {
      poll();
    }
  });

  poll();
})();
