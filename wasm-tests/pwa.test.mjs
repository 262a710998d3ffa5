// pwa.test.mjs - installable, offline, static: the manifest passes
// Chromium's installability check, the page runs under the documented
// Content-Security-Policy with no violation, the app starts with no network
// (service worker) with its data, works from a sub-path, and a new version is
// offered as "Update available" instead of switching under the user.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launchPersistent, App, run, assert, eq, SITE } from './lib.mjs';

const profiles = [];
function profile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-pwa-'));
  profiles.push(dir);
  return dir;
}

const tests = [
  ['installable: the manifest and icons pass Chromium\'s installability check; no CSP violation', async () => {
    const srv = await serve();
    const ctx = await launchPersistent(profile());
    const page = await ctx.newPage();
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text()); });
    const app = await App.open(page, srv.url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
    const cdp = await ctx.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    eq(JSON.stringify(installabilityErrors), '[]', 'installability errors');
    const manifest = await (await page.request.get(srv.url + 'manifest.webmanifest')).json();
    eq(manifest.display, 'standalone', 'display');
    for (const icon of manifest.icons.filter((i) => i.type === 'image/png')) {
      const res = await page.request.get(srv.url + icon.src);
      assert(res.ok(), icon.src + ' is served');
      const buf = await res.body();
      const [w, h] = [buf.readUInt32BE(16), buf.readUInt32BE(20)];
      eq(`${w}x${h}`, icon.sizes, icon.src + ' has the size the manifest says');
    }
    await app.click('Start empty');
    eq(violations.length, 0, 'CSP violations: ' + violations.join(' | '));
    await ctx.close();
    await srv.close();
  }],

  ['offline: after one visit the app starts with no network, with its data', async () => {
    const srv = await serve();
    const dir = profile();
    let ctx = await launchPersistent(dir);
    let page = await ctx.newPage();
    let app = await App.open(page, srv.url);
    await app.click('Start empty');
    await app.click('New contact');
    await app.fill('##Last name', 'Offline-Test', { window: 'edit' });
    await app.key('Enter');
    await app.waitState((x) => x.record && x.record.title === 'Offline-Test', 'the contact');
    await app.waitSaved();
    await page.waitForFunction(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return reg && reg.active && navigator.serviceWorker.controller !== null;
    }, null, { timeout: 20000 });
    await ctx.setOffline(true);
    await srv.close();   // and the server is gone too
    await page.reload();
    await app.ready();
    const s = await app.state();
    eq(s.contacts, 1, 'contacts offline');
    await app.fill('##search', 'offline');
    await app.waitState((x) => x.list && x.list.count === 1, 'search offline');
    await app.screenshot('offline.png');
    await ctx.close();
  }],

  ['static hosting under a sub-path: every URL is relative', async () => {
    // Serve a folder whose only content is site/ under /apps/crm/.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-host-'));
    fs.mkdirSync(path.join(root, 'apps'), { recursive: true });
    fs.cpSync(SITE, path.join(root, 'apps', 'crm'), { recursive: true });
    const srv = await serve(root);
    const ctx = await launchPersistent(profile());
    const page = await ctx.newPage();
    const failed = [];
    page.on('response', (r) => { if (r.status() >= 400) failed.push(r.status() + ' ' + r.url()); });
    const app = await App.open(page, srv.url + 'apps/crm/');
    await app.click('Start empty');
    eq(failed.join(', '), '', 'failed requests');
    await ctx.close();
    await srv.close();
    fs.rmSync(root, { recursive: true, force: true });
  }],

  ['a new version is offered in the app ("Update available") and taken only on Reload, data kept', async () => {
    // A copy of the site we can change, served on a fixed origin across versions.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-site-'));
    fs.cpSync(SITE, root, { recursive: true });
    const srv = await serve(root);
    const ctx = await launchPersistent(profile());
    const page = await ctx.newPage();
    const app = await App.open(page, srv.url);
    await app.click('Start empty');
    await app.click('New contact');
    await app.fill('##Last name', 'Before-Update', { window: 'edit' });
    await app.key('Enter');
    await app.waitSaved();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20000 });
    // Publish "version 2": a changed shell and a new asset list.
    const assets = path.join(root, 'sw-assets.js');
    fs.writeFileSync(assets, fs.readFileSync(assets, 'utf8').replace(/CRM_VERSION = '([0-9a-f]+)'/, "CRM_VERSION = '$1-v2'"));
    await page.evaluate(() => window.crmServiceWorker.update());
    await app.waitState((x) => x.update_available, 'the update offer', 20000);
    await app.find('Reload');   // the status bar offers it
    const url = page.url();
    const reload = await app.find('Reload');
    const loaded = page.waitForEvent('load', { timeout: 30000 });
    await page.mouse.click((reload.x + reload.w / 2) / app.dpr, (reload.y + reload.h / 2) / app.dpr);
    await loaded;   // the page reloaded into the new version
    const after = new App(page);
    await after.ready();
    const s = await after.state();
    eq(s.contacts, 1, 'data after the update');
    assert(!s.update_available, 'running the new version');
    eq(page.url(), url, 'same page');
    await ctx.close();
    await srv.close();
    fs.rmSync(root, { recursive: true, force: true });
  }],
];

const failedCount = await run(tests);
for (const d of profiles) fs.rmSync(d, { recursive: true, force: true });
process.exit(failedCount ? 1 : 0);
