// sync.test.mjs - sync in real Chromium: two browser profiles as two devices
// of one team, joined to a workspace on a crm-server started by the test
// (with its CORS and the site's CSP allowing it), through the invite link.
// Both edit while offline (context.setOffline), come back online and end
// with the same data, the lost edit shown in History; a third profile joins
// through the snapshot (the workspace holds a demo CRM pushed by the crm
// CLI) with its progress; a reload keeps everything. Prints "N passed, M failed".
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, serve, cspWith, launchPersistent, App, run, assert, eq, axTree, unnamed } from './lib.mjs';

const BIN = path.join(ROOT, 'build', 'native');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-sync-'));

// crm-server on a free loopback port: resolves with its address.
function startServer(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(path.join(BIN, 'crm-server'), [...args, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) resolve({ url: m[1], proc: p });
    });
    p.on('exit', (code) => reject(new Error('crm-server exited ' + code + ': ' + out)));
  });
}

const data = path.join(work, 'server');
const admin = (...a) => execFileSync(path.join(BIN, 'crm-server'), ['--data', data, ...a], { encoding: 'utf8' });
admin('workspace', 'create', 'Team');

// The site first (the server's CORS names it), then the server (the site's CSP names it).
const placeholder = await serve();
const siteOrigin = placeholder.url.replace(/\/$/, '');
await placeholder.close();
const server = await startServer(['--data', data, '--allow-origin', siteOrigin]);
const site = await serve(undefined, Number(new URL(siteOrigin).port), cspWith(server.url));

const tok = admin('token', 'create', 'Team', '--server', server.url, '--app', site.url, '--label', 'browser tests');
const token = tok.match(/^token: (\S+)/m)[1];
const invite = tok.match(/^invite: (\S+)/m)[1];
assert(invite.startsWith(site.url + '#join='), 'the invite opens the app');

// A demo CRM pushed by the CLI: a new device joins it through the snapshot.
const seed = path.join(work, 'seed.db');
execFileSync(path.join(BIN, 'crm'), ['--db', seed, 'demo', '--contacts', '1000'], { encoding: 'utf8' });
const pushed = execFileSync(path.join(BIN, 'crm'), ['--db', seed, 'sync', '--server', server.url, '--token', token], { encoding: 'utf8' });
assert(/synced with workspace Team/.test(pushed), 'the CLI pushed the demo data: ' + pushed);
const seedContacts = 1000;

let n = 0;
async function device(name) {
  const dir = path.join(work, 'profile-' + name + '-' + (n++));
  const ctx = await launchPersistent(dir);
  const page = await ctx.newPage();
  const app = await App.open(page, invite);
  return { ctx, page, app, dir };
}

async function join(app) {
  const s0 = await app.waitState((x) => x.sync && x.sync.offer, 'the invite dialog');
  assert(!s0.first_run || s0.sync.offer, 'the invite comes before the welcome');
  // A screen reader gets the dialog's every item named.
  await app.find('Join', { window: 'Join a workspace' });
  await app.settle(200);
  const r = await unnamed(app.page, 'the join dialog');
  assert(!r.bad.length, `the join dialog to a screen reader: ${r.bad.join('; ')}`);
  const tree = await axTree(app.page);
  assert(tree.some((x) => x.role === 'dialog' && x.name === 'Join a workspace'), 'a dialog named Join a workspace');
  for (const b of ['Join', 'Not now']) assert(tree.some((x) => x.role === 'button' && x.name === b), `its ${b} button`);
  await app.click('Join', { window: 'Join a workspace' });
  return app.waitState((x) => x.sync.state === 'done' && x.contacts >= seedContacts, 'joined and synced', 180000);
}

async function syncNow(app) {
  await app.click('Settings');
  await app.click('Sync');
  const before = (await app.state()).sync.last_synced;
  await app.click('Sync now');
  return app.waitState((x) => x.sync.state !== 'running' && x.sync.last_synced !== before, 'a sync round', 60000);
}

async function openContact(app, query, title) {
  await app.click('Contacts');
  await app.fill('##search', query);
  await app.waitState((x) => x.list && x.list.count === 1, 'the contact ' + title);
  await app.click(title);
  return app.waitState((x) => x.record && x.record.title === title, 'its record');
}

const tests = [
  ['two devices edit the same contact offline, come back online and converge; the lost edit is in History; a third joins by snapshot', async () => {
    const A = await device('a');
    let s = await join(A.app);
    assert(s.sync.snapshot, 'device A joined through the snapshot');
    eq(s.sync.workspace, 'Team', 'workspace name');
    await A.app.screenshot('sync-joined.png');

    // A rep's calendar as a link: made in Settings > Sync, published by a sync,
    // read by a calendar app (here fetch) without a token.
    await A.app.click('Settings');
    await A.app.click('Sync');
    await A.app.click('Feed owner');
    await A.app.drained(150);
    const rep = (await A.app.items()).find((i) => i.window.includes('##Combo') && i.label !== '- none -' && !i.label.startsWith('##'));
    assert(rep, 'a rep to choose');
    await A.app.click(rep.label, { window: '##Combo' });
    await A.app.click('Create link');
    s = await A.app.waitState((x) => x.sync.feeds.length === 1 && x.sync.feeds[0].includes('/v1/calendar/'), 'the calendar link');
    const feed = s.sync.feeds[0];
    await A.app.settle(200);
    const ax = await unnamed(A.page, 'Settings > Sync, joined, with a calendar link');
    assert(!ax.bad.length, 'every item of the joined Sync tab named: ' + ax.bad.join('; '));
    await A.app.waitState((x) => x.sync.state === 'done' && x.sync.pending === 0, 'the link published (a sync after the change)', 30000);
    const ics = await (await fetch(feed)).text();
    assert(ics.startsWith('BEGIN:VCALENDAR\r\n') && ics.includes('END:VCALENDAR'), 'the calendar: ' + ics.slice(0, 120));
    eq((await fetch(feed.replace(/[0-9a-f]{32}\.ics$/, '0'.repeat(32) + '.ics'))).status, 404, 'another secret');

    // A adds a contact; B joins afterwards and gets it.
    await A.app.click('Contacts');
    await A.app.click('New contact');
    await A.app.fill('##First name', 'Sofía', { window: 'edit' });
    await A.app.fill('##Last name', 'Synchronová', { window: 'edit' });
    await A.app.click('Save', { window: 'edit' });
    await A.app.waitState((x) => x.record && x.record.title === 'Sofía Synchronová', 'the new contact');
    await A.app.waitState((x) => x.sync.state === 'done' && x.sync.pending === 0, 'the contact sent (2 s after the change)', 30000);

    const B = await device('b');
    await join(B.app);
    s = await openContact(B.app, 'Synchronová', 'Sofía Synchronová');
    const id = s.record.id;

    // Both offline: each edits; the app stays usable and says what waits.
    await A.ctx.setOffline(true);
    await B.ctx.setOffline(true);
    await openContact(A.app, 'Synchronová', 'Sofía Synchronová');
    await A.app.fill('##City', 'Lyon');
    await A.app.key('Enter');
    await A.app.fill('##Job title', 'Buyer');
    await A.app.key('Enter');
    await A.app.waitState((x) => x.record.fields.city === 'Lyon' && x.record.fields.job_title === 'Buyer', 'A edits');
    await B.app.page.waitForTimeout(1100);   // B's edit of the city is the later one
    await B.app.fill('##City', 'Porto');
    await B.app.key('Enter');
    await B.app.waitState((x) => x.record.fields.city === 'Porto', 'B edits');
    s = await A.app.waitState((x) => x.sync.state === 'offline' && x.sync.pending >= 2, 'A offline with changes waiting', 30000);
    await A.app.screenshot('sync-offline.png');
    await A.app.waitSaved();
    await B.app.waitSaved();

    // Online again: the browser's online event starts a round; then each syncs once more.
    await A.ctx.setOffline(false);
    await B.ctx.setOffline(false);
    await A.app.waitState((x) => x.sync.state === 'done' && x.sync.pending === 0, 'A synced after coming online', 60000);
    await syncNow(B.app);
    await syncNow(A.app);
    const a = await openContact(A.app, 'Synchronová', 'Sofía Synchronová');
    const b = await openContact(B.app, 'Synchronová', 'Sofía Synchronová');
    eq(a.record.fields.city, 'Porto', 'the later city wins on A');
    eq(b.record.fields.city, 'Porto', 'the later city wins on B');
    eq(b.record.fields.job_title, 'Buyer', "A's other field arrived on B");
    eq(JSON.stringify(a.record.fields), JSON.stringify(b.record.fields), 'the same record on both');
    eq(a.contacts, b.contacts, 'the same number of contacts');

    // The loss is not silent: A's History shows its city lost to B's.
    await A.app.click('History');
    s = await A.app.waitState((x) => x.record.conflict_lines && x.record.conflict_lines.length > 0, 'the conflict in History');
    assert(/Conflict on City: "Lyon" \(this device/.test(s.record.conflict_lines[0]) && /"Porto"/.test(s.record.conflict_lines[0]),
           'the line says what lost to what: ' + s.record.conflict_lines[0]);
    await A.app.screenshot('sync-conflict-history.png');

    // A third device joins through the snapshot, with the latest data.
    const C = await device('c');
    s = await join(C.app);
    assert(s.sync.snapshot, 'C joined through the snapshot');
    const c = await openContact(C.app, 'Synchronová', 'Sofía Synchronová');
    eq(c.record.id, id, 'the same record');
    eq(c.record.fields.city, 'Porto', 'C has the merged city');
    eq(c.contacts, a.contacts, 'C has every contact');

    // A reload keeps the data and the sync settings.
    await C.app.waitSaved();
    await C.page.reload();
    await C.app.ready();
    s = await C.app.waitState((x) => x.sync.configured && x.contacts === a.contacts, 'after a reload');
    await C.app.waitState((x) => x.sync.state === 'done', 'syncs again after the reload', 60000);
    for (const d of [A, B, C]) {
      eq(await d.page.evaluate(() => window.crmTest.health()), '', 'database health');
      await d.ctx.close();
    }
  }],

  ['sync runs in the tab that writes: a second tab that takes over syncs, the first stops', async () => {
    const E = await device('e');
    await join(E.app);
    const page2 = await E.ctx.newPage();
    await page2.goto(site.url);
    await page2.waitForFunction(() => window.crmOneWriterState === 'other-tab', null, { timeout: 20000 });
    await page2.click('text=Use it here');
    await page2.waitForFunction(() => window.crmReady === true, null, { timeout: 60000 });
    await E.page.waitForFunction(() => window.crmOneWriterState === 'moved', null, { timeout: 20000 });
    const app2 = new App(page2);
    await app2.ready();
    await app2.waitState((x) => x.sync.state === 'done', 'the new writer syncs at start', 60000);
    const frames = await E.page.evaluate(() => window.crmTest.frames());
    await app2.click('Contacts');
    await app2.click('New contact');
    await app2.fill('##Last name', 'Zweittab', { window: 'edit' });
    await app2.click('Save', { window: 'edit' });
    await app2.waitState((x) => x.sync.state === 'done' && x.sync.pending === 0, 'the change sent from the second tab', 30000);
    eq(await E.page.evaluate(() => window.crmTest.frames()), frames, 'the first tab draws (and syncs) nothing any more');
    // Another device sees it.
    const other = path.join(work, 'cli-check.sqlite');
    execFileSync(path.join(BIN, 'crm'), ['--db', other, 'sync', '--server', server.url, '--token', token]);
    assert(/Zweittab/.test(execFileSync(path.join(BIN, 'crm'), ['--db', other, 'search', 'Zweittab'], { encoding: 'utf8' })), 'the CLI device has it');
    await E.ctx.close();
  }],

  ['a revoked token stops sync with a message in words; changes stay on the device', async () => {
    const D = await device('d');
    await join(D.app);
    const list = admin('token', 'list', 'Team');
    const id = list.split('\n').find((l) => l.includes('browser tests')).split(/\s+/)[0];
    admin('token', 'revoke', id);
    await D.app.click('Contacts');
    await D.app.click('New contact');
    await D.app.fill('##Last name', 'Nachrevokiert', { window: 'edit' });
    await D.app.click('Save', { window: 'edit' });
    const s = await D.app.waitState((x) => x.sync.state === 'failed', 'the refusal', 30000);
    assert(/revoked/.test(s.sync.message), 'the message says why: ' + s.sync.message);
    assert(s.sync.pending >= 1, 'the change waits on the device');
    await D.app.click('Settings');
    await D.app.click('Sync');
    await D.app.screenshot('sync-revoked.png');
    await D.ctx.close();
  }],
];

const failed = await run(tests);
server.proc.kill('SIGTERM');
await site.close();
fs.rmSync(work, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
