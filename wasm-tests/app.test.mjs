// app.test.mjs - the app in Debian's Chromium, driven through its real input
// path (mouse and keyboard at the positions ImGui drew), with real IndexedDB
// and real reloads. Prints "N passed, M failed" and exits non-zero on failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launchPersistent, App, run, assert, eq, OUT } from './lib.mjs';

const srv = await serve();
const profiles = [];
function profile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-chromium-'));
  profiles.push(dir);
  return dir;
}

// A started app on a fresh profile, past the welcome dialog.
async function freshApp(dir, { demo = false } = {}) {
  const ctx = await launchPersistent(dir);
  const page = await ctx.newPage();
  const app = await App.open(page, srv.url);
  const s = await app.state();
  assert(s.first_run, 'a new profile starts with the welcome dialog');
  if (demo) {
    await app.click('Load demo data');
    await app.waitState((x) => !x.demo_running && x.contacts === 1000, 'demo data', 90000);
  } else {
    await app.click('Start empty');
  }
  await app.waitState((x) => !x.first_run, 'the welcome dialog to close');
  await app.waitSaved();
  return { ctx, page, app };
}

async function createContact(app, first, last, email) {
  await app.click('New contact');
  await app.waitState((s) => s.dialog === 'create contact', 'the create dialog');
  await app.fill('##First name', first, { window: 'edit' });
  await app.fill('##Last name', last, { window: 'edit' });
  if (email) await app.fill('##E-mail', email, { window: 'edit' });
  await app.click('Save', { window: 'edit' });
}

const tests = [
  ['create a contact in the dialog, find it by search, open it, add a note; all there after a reload', async () => {
    const dir = profile();
    const { ctx, page, app } = await freshApp(dir);
    // Validation at the field: a bad e-mail and no last name.
    await app.click('New contact');
    await app.fill('##First name', 'Zoë', { window: 'edit' });
    await app.fill('##E-mail', 'not-an-email', { window: 'edit' });
    await app.click('Save', { window: 'edit' });
    let s = await app.waitState((x) => Object.keys(x.edit_errors).length > 0, 'a validation message');
    assert(s.dialog === 'create contact', 'the dialog stays open on a validation error');
    assert(s.edit_errors.last_name || s.edit_errors.email, 'the message names the field: ' + JSON.stringify(s.edit_errors));
    await app.fill('##Last name', 'Ølberg-Müller', { window: 'edit' });
    await app.fill('##E-mail', 'zoe@example.no', { window: 'edit' });
    await app.key('Enter');   // Enter saves
    s = await app.waitState((x) => x.record && x.record.title === 'Zoë Ølberg-Müller', 'the new contact to open');
    eq(s.record.fields.email, 'zoe@example.no', 'the e-mail as typed');
    await app.waitSaved();

    // Back to the list, search for it.
    await app.click('Contacts');
    await app.fill('##search', 'ølb');
    s = await app.waitState((x) => x.list && x.list.count === 1, 'the search to find one contact');
    await app.click('Zoë Ølberg-Müller');
    s = await app.waitState((x) => x.record && x.record.title === 'Zoë Ølberg-Müller', 'the record view');

    // Add a note from the record view.
    await app.click('Add note');
    await app.click('Note', { window: 'activity' });
    await page.keyboard.type('Met at the fair – wants a quote', { delay: 10 });
    await app.click('Save', { window: 'activity' });
    await app.find(/^Timeline \(1\)/);
    await app.waitSaved();

    // Reload: everything is still there.
    await page.reload();
    await app.ready();
    s = await app.state();
    assert(!s.first_run, 'no welcome dialog after a reload');
    eq(s.contacts, 1, 'contacts after the reload');
    await app.fill('##search', 'zoe@');
    await app.waitState((x) => x.list && x.list.count === 1, 'the search after the reload');
    await app.click('Zoë Ølberg-Müller');
    await app.find(/^Timeline \(1\)/);
    await app.screenshot('record-view.png');
    await ctx.close();
  }],

  ['edit a field inline, reload: edited; delete and undo', async () => {
    const dir = profile();
    const { ctx, page, app } = await freshApp(dir);
    await createContact(app, 'Иван', 'Петров', 'ivan@example.ru');
    await app.waitState((x) => x.record && x.record.title === 'Иван Петров', 'the new contact');
    await app.fill('##Job title', 'Главный инженер');
    await app.key('Enter');
    await app.waitState((x) => x.record.fields.job_title === 'Главный инженер', 'the inline edit');
    await app.waitSaved();
    await page.reload();
    await app.ready();
    await app.click('Иван Петров');
    let s = await app.waitState((x) => x.record && x.record.title === 'Иван Петров', 'the record after the reload');
    eq(s.record.fields.job_title, 'Главный инженер', 'the edited field after a reload');

    // Delete with a confirmation, then undo.
    await app.click('Delete');
    await app.click('Delete', { window: 'delete' });
    s = await app.waitState((x) => x.contacts === 0 && x.undo === 'Иван Петров', 'the delete');
    await app.click('Undo');
    s = await app.waitState((x) => x.contacts === 1 && x.undo === '', 'the undo');
    await app.waitSaved();
    await page.reload();
    await app.ready();
    eq((await app.state()).contacts, 1, 'the undone delete after a reload');
    await ctx.close();
  }],

  ['copy and paste go through the browser clipboard; CJK text typed and shown', async () => {
    const dir = profile();
    const { ctx, page, app } = await freshApp(dir);
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
    // A new user's atlas has no CJK glyphs (they cost most of a second at start);
    // the first CJK text drawn brings them, and they stay from then on.
    eq((await app.state()).cjk_glyphs, false, 'CJK glyphs in the atlas of a new user');
    await createContact(app, '太郎', '山田', 'taro@example.jp');
    let s = await app.waitState((x) => x.record && x.record.title === '太郎 山田', 'the CJK contact');
    await app.waitState((x) => x.cjk_glyphs, 'CJK glyphs added once CJK text was drawn');
    // Copy the e-mail field's text with Ctrl+A, Ctrl+C.
    await app.click('##E-mail');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+C');
    await page.waitForTimeout(200);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    eq(copied, 'taro@example.jp', 'the system clipboard after Ctrl+C');
    // Paste into the search box with Ctrl+V.
    await page.evaluate(() => navigator.clipboard.writeText('山田'));
    await app.click('Back');
    await app.click('##search');
    await page.keyboard.press('Control+V');
    s = await app.waitState((x) => x.list && x.list.search === '山田' && x.list.count === 1, 'the pasted search');
    await app.screenshot('contacts-cjk.png');
    await page.reload();
    await app.ready();
    eq((await app.state()).cjk_glyphs, true, 'CJK glyphs from the start after a reload');
    await ctx.close();
  }],

  ['the demo data loads in the page, lists page through it, global search (Ctrl+K) opens a record', async () => {
    const dir = profile();
    const { ctx, page, app } = await freshApp(dir, { demo: true });
    let s = await app.state();
    eq(s.contacts, 1000, 'demo contacts');
    eq(s.list.count, 1000, 'rows in the contact list');
    await app.screenshot('contacts-list.png');
    // Scroll far down the list with the wheel: rows come from further down.
    const first = s.list.rows[0].title;
    await page.mouse.move(700, 400);
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 2000);
    s = await app.waitState((x) => x.list.first_row > 300, 'the list to scroll');
    assert(s.list.rows[0].title !== first, 'other rows after scrolling');
    // Ctrl+K, type, Enter.
    await page.keyboard.press('Control+K');
    await app.waitState((x) => x.search_open, 'the search popup');
    // The field takes the keyboard in the popup's first frames: a key typed before is not the field's
    // (a fresh-clone run on a busy machine lost the first letter).
    await app.drained(200);
    const target = s.list.rows[5].title;
    await page.keyboard.type(target, { delay: 20 });
    await app.drained(200);
    await app.key('Enter');
    s = await app.waitState((x) => x.record && !x.search_open, 'a record opened from search');
    eq(s.record.title, target, 'the record found by its full name');
    await app.find(/^Timeline/);
    await app.screenshot('record-view-demo.png');
    eq(await app.idleFrames(), 0, 'frames drawn by an untouched record view');
    // A narrow window: the list toolbar wraps, every filter stays on screen and works.
    await page.setViewportSize({ width: 900, height: 700 });
    await app.click('Contacts');
    for (const label of ['##search', '##owner', '##tier', '##tag', '##country', 'New contact', 'Export CSV']) {
      const item = await app.find(label);
      assert(item.x >= 0 && item.x + item.w <= 900, `${label} inside the 900-pixel window: ${JSON.stringify(item)}`);
    }
    const countryField = await app.find('##country'), ownerField = await app.find('##owner');
    assert(countryField.y > ownerField.y, 'the toolbar wrapped to a second line');
    await app.click('##tier');
    await app.click('Gold');
    s = await app.waitState((x) => x.list && x.list.count < 1000 && x.list.count > 0, 'the tier filter from the wrapped toolbar');
    // The record view's action row wraps the same way.
    await app.click(s.list.rows[0].title);
    await app.waitState((x) => x.record, 'a contact opened on the narrow window');
    for (const label of ['Add note', 'Open case', 'Edit', 'Delete', 'Open account']) {
      const item = await app.find(label);
      assert(item.x + item.w <= 900, `${label} inside the 900-pixel window: ${JSON.stringify(item)}`);
    }
    await app.screenshot('narrow-record.png');
    await ctx.close();
  }],

  ['crisp on a high-density screen: fonts at the device pixel ratio, clicks land where drawn', async () => {
    const dir = profile();
    const ctx = await launchPersistent(dir, { deviceScaleFactor: 2 });
    const page = await ctx.newPage();
    const app = await App.open(page, srv.url);
    let s = await app.state();
    eq(s.scale, 2, 'the app renders at devicePixelRatio 2');
    const canvas = await page.evaluate(() => [document.getElementById('canvas').width, innerWidth]);
    eq(canvas[0], canvas[1] * 2, 'the canvas has one pixel per device pixel');
    await app.click('Start empty');
    await app.click('New contact');
    await app.waitState((x) => x.dialog === 'create contact', 'the dialog opened by a click at density 2');
    await app.fill('##Last name', 'Dichte', { window: 'edit' });
    await app.key('Enter');
    s = await app.waitState((x) => x.record && x.record.title === 'Dichte', 'the contact saved');
    await app.screenshot('record-view-dpr2.png');
    await ctx.close();
  }],

  ['a failed save (quota) is shown, the data kept, and the save retried', async () => {
    const dir = profile();
    const { ctx, page, app } = await freshApp(dir);
    await createContact(app, 'Quota', 'Case');
    await app.waitState((x) => x.record && x.record.title === 'Quota Case', 'the contact');
    await app.waitSaved();
    await page.evaluate(() => { window.Module.crmIdbFail = 'The quota has been exceeded.'; });
    await app.fill('##City', 'Lisboa');
    await app.key('Enter');
    let s = await app.waitState((x) => x.save.state === 'failed', 'the failed save');
    assert(/QuotaExceededError/.test(s.save.error), 'the error says why: ' + s.save.error);
    await app.find('Retry now');   // the status bar offers a retry
    eq(s.record.fields.city, 'Lisboa', 'the edit is kept in memory');
    await app.screenshot('save-failed.png');
    await page.evaluate(() => { window.Module.crmIdbFail = ''; });
    s = await app.waitState((x) => x.save.state === 'saved', 'the automatic retry', 20000);
    await page.reload();
    await app.ready();
    await app.click('Quota Case');
    s = await app.waitState((x) => x.record, 'the record after the reload');
    eq(s.record.fields.city, 'Lisboa', 'the retried save reached IndexedDB');
    await ctx.close();
  }],

  ['without WebGL2 the page says so instead of a blank canvas; the dark theme sticks', async () => {
    const dir = profile();
    let ctx = await launchPersistent(dir);
    let page = await ctx.newPage();
    await page.addInitScript(() => {
      const orig = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (kind, ...rest) { return kind === 'webgl2' ? null : orig.call(this, kind, ...rest); };
    });
    await page.goto(srv.url);
    await page.waitForFunction(() => window.crmFatal, null, { timeout: 10000 });
    const text = await page.textContent('#overlay');
    assert(/WebGL2/.test(text), 'the message names WebGL2: ' + text);
    await ctx.close();
    ({ ctx, page } = await freshApp(profile()));
    const app = new App(page);
    await app.ready();
    await app.click('View');
    await app.click('Dark theme');
    await app.waitState((x) => x.dark, 'the dark theme');
    await app.screenshot('contacts-dark.png');
    await page.reload();
    await app.ready();
    assert((await app.state()).dark, 'the theme is remembered after a reload');
    await ctx.close();
  }],

  ['a second tab gets the one-writer state, and can take over without losing an edit', async () => {
    const dir = profile();
    const { ctx, page, app } = await freshApp(dir);
    await createContact(app, 'Ana', 'Lima');
    await app.waitState((x) => x.record && x.record.title === 'Ana Lima', 'the contact');
    const page2 = await ctx.newPage();
    await page2.goto(srv.url);
    await page2.waitForFunction(() => window.crmOneWriterState === 'other-tab', null, { timeout: 20000 });
    const text = await page2.textContent('#overlay');
    assert(/open in another tab/.test(text), 'the second tab says the CRM is open in another tab: ' + text);
    fs.mkdirSync(OUT, { recursive: true });
    await page2.screenshot({ path: path.join(OUT, 'second-tab.png') });
    await page2.click('text=Use it here');
    await page2.waitForFunction(() => window.crmReady === true, null, { timeout: 30000 });
    await page.waitForFunction(() => window.crmOneWriterState === 'moved', null, { timeout: 20000 });
    const app2 = new App(page2);
    await app2.ready();
    eq((await app2.state()).contacts, 1, 'the taken-over tab has the data');
    await ctx.close();
  }],

  ['closing the browser in the middle of a burst of edits leaves a consistent prefix', async () => {
    const dir = profile();
    let { ctx, page, app } = await freshApp(dir);
    await createContact(app, 'Burst', 'Test');
    await app.waitState((x) => x.record && x.record.title === 'Burst Test', 'the contact');
    await app.waitSaved();
    // Type numbered values into the job title, saving each with Enter, and kill the browser mid-way.
    await app.click('##Job title');
    for (let i = 1; i <= 40; i++) {
      await page.keyboard.press('Control+A');
      await page.keyboard.type('edit ' + i);
      await page.keyboard.press('Enter');
      if (i === 25) break;
    }
    await ctx.close();   // no flush, no goodbye
    ({ ctx, page } = { ctx: await launchPersistent(dir), page: null });
    page = await ctx.newPage();
    app = await App.open(page, srv.url);
    eq(await page.evaluate(() => window.crmTest.health()), '', 'integrity, foreign keys and search index after the crash');
    const s = await app.state();
    eq(s.contacts, 1, 'the contact survived');
    await app.click('Contacts');
    await app.click('Burst Test');
    const r = await app.waitState((x) => x.record, 'the record');
    const m = /^edit (\d+)$/.exec(r.record.fields.job_title || '');
    assert(r.record.fields.job_title === '' || m, 'the job title is one of the typed values: ' + r.record.fields.job_title);
    if (m) assert(Number(m[1]) >= 1 && Number(m[1]) <= 25, 'a prefix of the edits');
    const hist = await page.evaluate(() => window.crmTest.state());
    assert(hist.last_error === '', 'no error after reopening: ' + hist.last_error);
    await ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
for (const d of profiles) fs.rmSync(d, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
