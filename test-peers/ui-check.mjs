// The status page (/ui/) in real headless Chromium: Debian's /usr/bin/chromium driven by playwright-core (no browser
// download). Run by StatusPageBrowserTest, which starts the gateway and says what the page must show:
//
//   node ui-check.mjs <page URL> <screenshot path> <expectations JSON>
//   expectations: {"servers": {"name": toolCount, ...}, "search": "term", "matches": ["exposed name", ...],
//                  "clients": ["name version", ...], "down": "server name"}
//
// It prints one JSON line per step; {"await": "sessions"} and {"await": "down"} ask the test to cause that change while
// the page stays open (the page must show it without a reload); the last line is {"ok": true, ...} or
// {"ok": false, "error": "..."} (exit code 1).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const TIMEOUT = 20000;
const [url, screenshot, expectationsJson] = process.argv.slice(2);
const say = (line) => console.log(JSON.stringify(line));

if (!url || !screenshot || !expectationsJson) {
  say({ ok: false, error: 'usage: node ui-check.mjs <page URL> <screenshot path> <expectations JSON>' });
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  say({ ok: false, error: `${CHROMIUM} is missing: install Debian's Chromium with 'apt-get install chromium'` });
  process.exit(1);
}
const expected = JSON.parse(expectationsJson);
// whatever hangs, the test gets an answer
setTimeout(() => {
  say({ ok: false, error: 'ui-check did not finish within 120 s' });
  process.exit(1);
}, 120000).unref();

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let page;
try {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, colorScheme: 'light' });
  page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // a refused or aborted fetch is logged by Chromium itself; the banner tests provoke some
    if (m.type() === 'error' && !/Failed to load resource|net::ERR_FAILED/.test(m.text())) {
      pageErrors.push(m.text());
    }
  });
  let loads = 0;
  page.on('load', () => loads++);

  /** Waits until {@code predicate} (run in the page, with {@code arg}) is true; fails naming {@code what}. */
  async function until(what, predicate, arg) {
    try {
      await page.waitForFunction(predicate, arg, { timeout: TIMEOUT, polling: 100 });
    } catch {
      const shown = await page.evaluate(() => document.querySelector('main').innerText.slice(0, 3000));
      throw new Error(`${what}: not shown within ${TIMEOUT} ms; the page shows:\n${shown}`);
    }
    say({ step: what });
  }

  await page.goto(url, { waitUntil: 'load' });

  // 1. every server ready, with its tool count
  await until('servers ready with their tool counts', (servers) => Object.entries(servers).every(([name, tools]) => {
    const row = document.querySelector(`#servers tbody tr[data-server="${name}"]`);
    return row && row.querySelector('.status').textContent.includes('Ready')
      && row.querySelector('.tools .count').textContent === String(tools);
  }), expected.servers);
  await until('last updated shown', () => /^Last updated /.test(document.getElementById('last-updated').textContent));
  // a reload would lose this: the live changes below must arrive in this very document
  await page.evaluate(() => { window.sameDocument = true; });

  // 2. the search box filters the catalogue (client-side), and clearing it shows everything again
  const total = await page.evaluate(() => document.querySelectorAll('#catalog tbody tr').length);
  await page.fill('#search', expected.search);
  await until(`catalogue filtered by "${expected.search}"`, (matches) => {
    const names = [...document.querySelectorAll('#catalog tbody tr .name code')].map((e) => e.textContent);
    return JSON.stringify(names) === JSON.stringify(matches);
  }, expected.matches);
  await until('filtered count shown', (n) => document.getElementById('catalog-count').textContent.startsWith(`${n} of `),
    expected.matches.length);
  await page.fill('#search', '');
  await until('whole catalogue shown again', (n) => document.querySelectorAll('#catalog tbody tr').length === n, total);

  // 3. live: sessions the test opens now appear, without a reload
  say({ await: 'sessions' });
  await until('new sessions listed', (clients) => {
    const shown = [...document.querySelectorAll('#sessions tbody tr')].map((tr) => tr.children[2].textContent);
    return clients.every((c) => shown.includes(c))
      && document.getElementById('sum-sessions').textContent === String(clients.length);
  }, expected.clients);

  // 4. live: a server the test stops is shown not ready, with its last error
  say({ await: 'down' });
  await until(`${expected.down} shown not ready with its last error`, (name) => {
    const row = document.querySelector(`#servers tbody tr[data-server="${name}"]`);
    const error = row && row.querySelector('.last-error').textContent;
    return row && !row.querySelector('.status').textContent.includes('Ready') && error && error !== '—';
  }, expected.down);
  await until('breaker state of the called server', () =>
    [...document.querySelectorAll('#servers tbody .breaker')].some((b) => b.textContent === 'CLOSED'));
  if (!(await page.evaluate(() => window.sameDocument === true)) || loads !== 1) {
    throw new Error(`the page was reloaded (${loads} loads): the changes must arrive in place`);
  }

  await page.locator('#search').blur(); // no focus ring in the README's picture
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  say({ step: 'screenshot', path: screenshot });

  // 5. the banners: the gateway unreachable, then a credential asked for, pasted, and sent
  await page.route('**/api/status', (route) => route.abort('connectionrefused'));
  await until('unreachable banner', () => !document.getElementById('banner').hidden
    && document.getElementById('banner-text').textContent.startsWith('Cannot reach the gateway')
    && document.getElementById('content').classList.contains('stale'));
  await page.unroute('**/api/status');
  const sent = [];
  await page.route('**/api/status', (route) => {
    const authorization = route.request().headers().authorization;
    sent.push(authorization || null);
    if (authorization === 'Bearer pasted-token') {
      return route.continue();
    }
    return route.fulfill({
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer resource_metadata="http://x/.well-known/oauth-protected-resource", scope="mcp:admin"' },
      contentType: 'application/problem+json',
      body: '{"type":"about:blank","title":"Unauthorized","status":401}',
    });
  });
  await until('credential asked for', () => !document.getElementById('auth-form').hidden
    && document.getElementById('banner-text').textContent.includes('mcp:admin'));
  await page.fill('#token', 'pasted-token');
  await page.click('#auth-form button[type=submit]');
  await until('banner gone once the credential is sent', () => document.getElementById('banner').hidden);
  if (!sent.includes('Bearer pasted-token')) {
    throw new Error(`the pasted credential was not sent as a bearer token: ${JSON.stringify(sent)}`);
  }
  const kept = await page.evaluate(() => sessionStorage.getItem('camel-mcp-gateway.token'));
  if (kept !== 'pasted-token') {
    throw new Error(`the credential is not kept in sessionStorage: ${kept}`);
  }
  if (pageErrors.length) {
    throw new Error(`errors in the page: ${pageErrors.join('; ')}`);
  }
  say({ ok: true, screenshot, catalogue: total });
} catch (e) {
  if (page) {
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-failure.png'), fullPage: true }).catch(() => {});
  }
  say({ ok: false, error: e.message });
  process.exitCode = 1;
} finally {
  await browser.close();
}
