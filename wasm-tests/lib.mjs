// lib.mjs - what the browser tests share: serve site/ on loopback, launch
// Debian's Chromium through playwright-core, and drive the app through its
// real input path: find an ImGui item by label in the items the test hooks
// recorded, then move the mouse there and click, or press keys.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const SITE = path.join(ROOT, 'site');
export const OUT = path.join(ROOT, 'wasm-tests', 'out');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.png': 'image/png', '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf', '.otf': 'font/otf', '.css': 'text/css; charset=utf-8',
};

// The policy site/HOSTING.md asks hosts to send: the tests run under it.
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

// The same policy with a sync server's origin allowed for fetch (HOSTING.md says how).
export const cspWith = (connect) => CSP.replace("connect-src 'self'", "connect-src 'self' " + connect);

// Serves `root` on 127.0.0.1 (a random free port). Returns {url, close}.
// `csp` replaces the policy (e.g. cspWith(a sync server's origin)).
export async function serve(root = SITE, port = 0, csp = CSP) {
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404).end(); return; }
    res.writeHead(200, {'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache',
                        'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff'});
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--ignore-gpu-blocklist', ...extraArgs],
  });
}

// A fresh profile (persistent IndexedDB for its life); reopening the same dir is "the same browser, later".
export async function launchPersistent(userDataDir, options = {}) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    viewport: options.viewport || {width: 1400, height: 860},
    deviceScaleFactor: options.deviceScaleFactor || 1,
    ...(options.context || {}),   // a phone (isMobile, hasTouch), a locale and time zone
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--ignore-gpu-blocklist', ...(options.args || [])],
  });
}

// A fresh profile in `userDataDir` with the app open on `url` and the demo
// data loaded and saved, as a user starts after "Load demo data".
export async function startWithDemo(url, userDataDir) {
  const ctx = await launchPersistent(userDataDir);
  const page = await ctx.newPage();
  const app = await App.open(page, url);
  await app.click('Load demo data');
  await app.waitState((x) => !x.demo_running && !x.first_run, 'demo data', 120000);
  await app.waitSaved();
  return { ctx, page, app };
}

// The app as a test drives it.
// A benchmark's browser on the benchmark-size database: CRM_BENCH_PROFILE=DIR
// keeps the profile (and its database) for another run, CRM_BENCH_PORT=N the
// origin it belongs to. The database is made in the page through the welcome
// dialog, as a user loads demo data, unless the profile has one; returns once
// it is saved. close() ends the browser and the server, and drops a profile
// that was not asked to be kept.
export async function benchSession(name, contacts) {
  const srv = await serve(undefined, Number(process.env.CRM_BENCH_PORT || 0));
  const keep = process.env.CRM_BENCH_PROFILE;
  const dir = keep || fs.mkdtempSync(path.join(os.tmpdir(), `crm-bench-${name}-`));
  const ctx = await launchPersistent(dir);
  const page = await ctx.newPage();
  // A kept profile may hold an older build in its service worker's cache: measure this one.
  await (await ctx.newCDPSession(page)).send('Storage.clearDataForOrigin', { origin: srv.url.replace(/\/$/, ''), storageTypes: 'cache_storage,service_workers' });
  const app = new App(page);
  page.on('pageerror', (e) => console.log('  [page error]', e.message));
  await page.goto(srv.url);
  await app.ready(10 * 60 * 1000);   // a kept benchmark-size database takes a while to open (issue 11)
  if ((await app.state()).first_run) {
    await app.click(`${contacts} contacts`).catch(() => {});
    await app.click('Load demo data');
    await app.waitState((x) => !x.demo_running && !x.first_run, 'demo data', 60 * 60 * 1000);
  }
  // Measured with nothing else running: the first save of a fresh database is long.
  await app.waitState((x) => x.save && x.save.state === 'saved', 'the save', 60 * 60 * 1000);
  await app.settle(500);
  const close = async () => {
    await ctx.close();
    await srv.close();
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  };
  return { ctx, page, app, close };
}

export class App {
  constructor(page) { this.page = page; this.dpr = 1; }

  static async open(page, url) {
    const app = new App(page);
    page.on('pageerror', (e) => console.log('  [page error]', e.message));
    await page.goto(url);
    await app.ready();
    return app;
  }

  async ready(timeout = 60000) {
    await this.page.waitForFunction(() => window.crmReady === true || window.crmFatal, null, {timeout});
    const fatal = await this.page.evaluate(() => window.crmFatal);
    if (fatal) throw new Error('the app did not start: ' + fatal);
    await this.page.evaluate(() => window.crmTest.enable());
    this.dpr = await this.page.evaluate(() => window.devicePixelRatio);
    await this.settle();
  }

  state() { return this.page.evaluate(() => window.crmTest.state()); }

  // Waits until ImGui has taken in every queued input event (it trickles
  // fast input over several frames), then lets it draw a little.
  async drained(ms = 50) {
    await this.page.waitForFunction(() => window.crmTest.pending() === 0, null, {timeout: 20000, polling: 16});
    await this.page.waitForTimeout(ms);
    // Then until the loop pauses, which it does once two frames come out the
    // same: the items read next are those of the settled picture. Busy work
    // (demo data, an import, a save) keeps it drawing: stop waiting after 4 s.
    await this.page.waitForFunction(() => window.crmTest.paused(), null, {timeout: 4000, polling: 16}).catch(() => {});
  }

  // Frames drawn over `ms` with no input, once the app has settled (saved,
  // and a notice's 4 s gone - its timer draws the frame that removes it): an
  // idle app draws none (a tab left open must not cost battery).
  async idleFrames(ms = 2000) {
    await this.waitSaved();
    await this.waitState((x) => !x.notice, 'the notice to go', 10000);
    await this.page.waitForTimeout(300);
    await this.drained();
    const f0 = await this.page.evaluate(() => window.crmTest.frames());
    await this.page.waitForTimeout(ms);
    return (await this.page.evaluate(() => window.crmTest.frames())) - f0;
  }

  // Lets the app draw a few frames without moving anything.
  async settle(ms = 120) {
    await this.drained(ms);
  }

  async items() { return this.page.evaluate(() => window.crmTest.items()); }

  // The item whose label matches (a string matches the visible part before "##", or the whole label).
  async find(label, { timeout = 8000, window: win } = {}) {
    const until = Date.now() + timeout;
    let prev = null;
    for (;;) {
      const items = await this.items();
      const hit = items.filter((i) => {
        const visible = i.label.split('##')[0];
        const ok = label instanceof RegExp ? label.test(i.label) : visible === label || i.label === label;
        return ok && (!win || i.window.includes(win));
      }).pop();   // the last drawn is on top (popups come after the main window)
      // A window's first frame may place items before it is sized: take a
      // position only once two frames agree on it.
      if (hit && prev && prev.x === hit.x && prev.y === hit.y && prev.w === hit.w) return hit;
      prev = hit;
      if (hit) { await this.settle(40); continue; }
      if (Date.now() > until) {
        const labels = [...new Set(items.map((i) => i.label))].slice(0, 200).join(' | ');
        throw new Error(`no item labelled ${label} on screen; items: ${labels}`);
      }
      await this.settle(60);
    }
  }

  // Scrolls the content with the mouse wheel (over `at`, CSS pixels) until an
  // item labelled `label` shows, as a user scrolls down a long page.
  async scrollTo(label, { at = { x: 800, y: 600 }, steps = 40 } = {}) {
    await this.page.mouse.move(at.x, at.y);
    for (let i = 0; i < steps; i++) {
      if (await this.has(label)) return this.find(label);
      await this.page.mouse.wheel(0, 300);
      await this.drained(60);
    }
    return this.find(label, { timeout: 1000 });
  }

  // Clicks `label` and saves the download it starts into `dir`; returns the file's path.
  async download(label, dir) {
    const [dl] = await Promise.all([this.page.waitForEvent('download', { timeout: 30000 }), this.click(label)]);
    const file = path.join(dir, dl.suggestedFilename());
    await dl.saveAs(file);
    return file;
  }

  async has(label) {
    const items = await this.items();
    return items.some((i) => (label instanceof RegExp ? label.test(i.label) : i.label.split('##')[0] === label || i.label === label));
  }

  // Clicks the middle of an item with the real mouse (CSS pixels = device pixels / dpr).
  async click(label, opts = {}) {
    const it = await this.find(label, opts);
    // Near the left of wide items (a table row spans columns whose borders are resize handles).
    const x = (it.x + Math.min(it.w / 2, opts.dx ?? 60 * this.dpr)) / this.dpr, y = (it.y + it.h / 2) / this.dpr;
    await this.page.mouse.move(x, y);
    await this.page.waitForTimeout(30);
    await this.page.mouse.down();
    await this.page.waitForTimeout(30);
    await this.page.mouse.up();
    await this.drained(80);
    return it;
  }

  // Taps the middle of an item with a finger (the page's touch events; CSS pixels).
  async tap(label, opts = {}) {
    const it = await this.find(label, opts);
    const x = (it.x + Math.min(it.w / 2, opts.dx ?? 60 * this.dpr)) / this.dpr, y = (it.y + it.h / 2) / this.dpr;
    await this.page.touchscreen.tap(x, y);
    await this.drained(80);
    return it;
  }

  // A finger on the screen through CDP: held (a long press) or moved (a drag).
  // holdMs: held still before moving (a long press); restMs: held still at the end before lifting.
  async touch(points, { holdMs = 0, stepMs = 16, restMs = 0 } = {}) {
    const cdp = this.cdp || (this.cdp = await this.page.context().newCDPSession(this.page));
    // Each event carries the time the finger was there, as a touch screen's
    // do: a page busy drawing (software GL at 3x here) takes them late, but a
    // swipe of 16 ms steps is still one to the page.
    let at = Date.now() / 1000;
    const [x0, y0] = points[0];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: x0, y: y0 }], timestamp: at });
    if (holdMs) { await this.page.waitForTimeout(holdMs); at = Date.now() / 1000; }
    for (const [x, y] of points.slice(1)) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y }], timestamp: at += stepMs / 1000 });
      await this.page.waitForTimeout(stepMs);
    }
    if (restMs) await this.page.waitForTimeout(restMs);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [], timestamp: at += (restMs || stepMs) / 1000 });
  }

  // Clicks a text field and types into it (select-all first, so it replaces).
  async fill(label, text, opts = {}) {
    await this.click(label, opts);
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Backspace');
    await this.page.keyboard.type(text, {delay: 15});
    await this.drained(60);
  }

  async key(k) {
    await this.page.keyboard.press(k);
    await this.drained(80);
  }

  async waitState(pred, what, timeout = 15000) {
    const until = Date.now() + timeout;
    let s;
    for (;;) {
      s = await this.state();
      // A part of the state still loading is null (a database opened on demand): not yet.
      let ok = false;
      try { ok = pred(s); } catch (e) { if (!(e instanceof TypeError)) throw e; }
      if (ok) return s;
      if (Date.now() > until) {
        const shot = await this.screenshot('failed-' + what.replace(/[^a-z0-9]+/gi, '-') + '.png').catch(() => '');
        throw new Error(`timed out waiting for ${what} (screenshot ${shot}); state: ${JSON.stringify(s).slice(0, 600)}`);
      }
      await this.settle(80);
    }
  }

  async waitSaved() { return this.waitState((s) => s.save && s.save.state === 'saved' && !s.changes_waiting, 'the save'); }

  async screenshot(name) {
    fs.mkdirSync(OUT, { recursive: true });
    const file = path.join(OUT, name);
    await this.page.screenshot({ path: file });
    return file;
  }
}

// A tiny test runner: named steps, a real closing line.
export async function run(tests) {
  let passed = 0, failed = 0;
  const only = process.argv[2];
  for (const [name, fn] of tests) {
    if (only && !name.includes(only)) continue;
    const t0 = Date.now();
    try {
      await fn();
      passed++;
      console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}

// Chromium's accessibility tree over CDP, as a screen reader gets it: [{role, name}].
export async function axTree(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  return nodes.filter((n) => !n.ignored).map((n) => ({ role: n.role && n.role.value, name: (n.name && n.name.value) || '' }));
}

export const INTERACTIVE = new Set(['button', 'link', 'textbox', 'checkbox', 'combobox', 'tab', 'menuitem', 'menuitemcheckbox',
                             'option', 'row', 'radio', 'slider', 'spinbutton', 'switch']);
// Interactive nodes without a name, as "a ROLE with no name" at `where`.
export async function unnamed(page, where) {
  const nodes = await axTree(page);
  const items = nodes.filter((n) => INTERACTIVE.has(n.role));
  return { items: items.length, nodes: nodes.length, bad: items.filter((n) => !n.name.trim()).map((n) => `${where}: a ${n.role} with no name`) };
}

export function assert(cond, msg) { if (!cond) throw new Error('assertion failed: ' + msg); }
export function eq(a, b, msg) { if (a !== b) throw new Error(`${msg}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`); }
