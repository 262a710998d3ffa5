// mobile.test.mjs - the app on a phone, by touch only: Chromium's mobile
// emulation (390 x 844 CSS px at 3x, isMobile, hasTouch) and the page's
// real touch events (Playwright's touchscreen and CDP touch sequences).
// The narrow layout (bottom bar, two list columns, stacked record view,
// full-screen dialogs); every screen reached from the bottom bar and its
// More menu; a list dragged with inertia; a long press opening a row's
// menu; a contact created and a call logged with taps and the on-screen
// keyboard (the page's text field focused inside the tap, so a phone shows
// its keyboard; blurred after, so it goes); the system's text size followed.
// Screenshots of every screen in wasm-tests/out/mobile-*.png.
// Prints "N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launchPersistent, App, run, assert, eq } from './lib.mjs';

const srv = await serve();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-mobile-'));
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, context: { isMobile: true, hasTouch: true } };
let ctx, page, app;

const keyboardUp = () => page.evaluate(() => document.activeElement === document.getElementById('text-input'));
// The on-screen keyboard types as a phone's does: text inserted into the focused field, no key events.
const typeOnPhone = async (text) => { await page.keyboard.insertText(text); await app.drained(80); };

const tests = [
  ['a phone gets the narrow layout: bottom bar, demo data loaded by taps', async () => {
    ctx = await launchPersistent(dir, PHONE);
    page = await ctx.newPage();
    app = await App.open(page, srv.url);
    eq(app.dpr, 3, 'the phone\'s pixel density');
    await app.tap('Load demo data');
    let s = await app.waitState((x) => !x.demo_running && !x.first_run, 'demo data', 120000);
    await app.waitSaved();
    assert(s.narrow, 'the narrow layout under 700 CSS px');
    assert(s.touch, 'the app knows a finger is used');
    // The bottom bar: its items sit in the lowest eighth of the screen, side by side.
    const bar = [];
    for (const label of ['Home', 'Contacts', 'Leads', 'Pipeline', 'More']) bar.push(await app.find(label));
    for (const it of bar) assert(it.y / app.dpr > 844 * 0.85, `${it.label} in the bottom bar (y ${it.y / app.dpr})`);
    assert(bar.every((it, i) => i === 0 || it.x > bar[i - 1].x), 'left to right');
    assert(bar.every((it) => it.h / app.dpr >= 40), 'finger-sized targets (>= 40 CSS px)');
    assert(!(await app.has('Data quality')), 'no side rail');
  }],

  ['every screen is reached by touch from the bottom bar and More; screenshots', async () => {
    const screens = [['Home', 'dashboard'], ['Contacts', 'contacts'], ['Leads', 'leads'], ['Pipeline', 'pipeline']];
    for (const [label, screen] of screens) {
      await app.tap(label);
      await app.waitState((x) => x.screen === screen, label);
      await app.screenshot(`mobile-${screen}.png`);
    }
    const more = [['Accounts', 'accounts'], ['Cases', 'cases'], ['Campaigns', 'campaigns'], ['Analytics', 'analytics'],
                  ['Data', 'data'], ['Data quality', 'quality'], ['Settings', 'settings']];
    for (const [label, screen] of more) {
      await app.tap('More');
      await app.tap(label);   // the last drawn: the menu, over the screen
      await app.waitState((x) => x.screen === screen, label);
      await app.screenshot(`mobile-${screen}.png`);
    }
  }],

  ['a list shows two columns; a drag scrolls it and it glides on after the finger lifts', async () => {
    await app.tap('Contacts');
    let s = await app.waitState((x) => x.screen === 'contacts' && x.list && x.list.count > 100, 'the contacts');
    eq(s.list.columns_shown, 2, 'the name and account columns, not the other five');
    eq(s.list.columns.slice(0, 2).join(', '), 'Name, Account', 'the two');
    eq(s.list.scroll_y, 0, 'at the top');
    // A quick upward swipe over the rows: 300 CSS px in about 100 ms.
    const points = [];
    for (let i = 0; i <= 6; i++) points.push([200, 650 - i * 50]);
    await app.touch(points, { stepMs: 16 });
    const lifted = (await app.state()).list.scroll_y;
    assert(lifted > 300, `the list followed the finger (${lifted} device px)`);
    let stats = await page.evaluate(() => window.crmTouchStats);
    assert(stats.liftSpeed > 1, 'the finger left at speed: ' + JSON.stringify(stats));
    s = await app.waitState((x) => x.list.scroll_y > lifted + 100, 'the list gliding on after the lift', 5000);
    await page.waitForFunction(() => !window.crmTouchStats.gliding, null, { timeout: 10000 });
    const stopped = (await app.state()).list.scroll_y;
    await page.waitForTimeout(500);
    eq((await app.state()).list.scroll_y, stopped, 'the glide comes to rest');
    stats = await page.evaluate(() => window.crmTouchStats);
    console.log(`  figures: finger ${lifted.toFixed(0)} px, left at ${stats.liftSpeed.toFixed(1)} px/ms, ` +
                `with the glide ${stopped.toFixed(0)} px; ${stats.glideFrames} glide frames`);
    assert(stats.drags >= 1 && stats.glideFrames > 5, 'the glide ran: ' + JSON.stringify(stats));
    await app.screenshot('mobile-contacts-scrolled.png');
    // A finger that stops before it lifts leaves the list where it is.
    const points2 = [];
    for (let i = 0; i <= 4; i++) points2.push([200, 300 + i * 50]);
    await app.touch(points2, { stepMs: 16, restMs: 300 });
    const held = (await app.state()).list.scroll_y;
    assert(Math.abs(stopped - 600 - held) < 2, `the list followed the finger down 600 device px (${stopped} -> ${held})`);
    await page.waitForTimeout(500);
    eq((await app.state()).list.scroll_y, held, 'no glide after the finger stood still');
    eq((await page.evaluate(() => window.crmTouchStats)).liftSpeed, 0, 'lifted at rest');
  }],

  ['a long press on a row opens its menu; Open opens the record, stacked', async () => {
    const s = await app.state();
    const counts = {};
    for (const r of s.list.rows) counts[r.title] = (counts[r.title] || 0) + 1;
    const shown = new Set((await app.items()).map((i) => i.label));
    const row = s.list.rows.find((r) => counts[r.title] === 1 && shown.has(r.title));   // a name on screen once
    const it = await app.find(row.title);
    const x = (it.x + 60 * app.dpr) / app.dpr, y = (it.y + it.h / 2) / app.dpr;
    await app.touch([[x, y]], { holdMs: 800 });
    await app.drained(100);
    const edit = await app.find('Edit');
    assert(edit.h / app.dpr >= 36, 'menu items finger-sized');
    await app.screenshot('mobile-row-menu.png');
    await app.tap('Open');
    const r = await app.waitState((x) => x.record && x.record.id === row.id, 'the record open');
    eq((await page.evaluate(() => window.crmTouchStats)).longPresses, 1, 'one long press');
    // Stacked: the profile above the tabs, both the screen's width.
    const profileField = await app.find('##First name');
    // The tabs come after the profile: a drag up brings them.
    for (let i = 0; i < 6 && !(await app.has(/^Timeline/)); i++) {
      await app.touch([[200, 700], [200, 600], [200, 500], [200, 400]], { stepMs: 40 });
      await page.waitForTimeout(600);
      await app.drained();
    }
    const timeline = await app.find(/^Timeline/);
    assert(profileField.w / app.dpr > 180, 'the profile has the width of the screen');
    assert(timeline.x < profileField.x + profileField.w, 'the tabs under the profile, not beside it');
    await app.screenshot('mobile-record.png');
    void r;
  }],

  ['a contact created by taps and the on-screen keyboard; the keyboard comes and goes with the field', async () => {
    await app.tap('Contacts');
    await app.tap('New contact');
    await app.waitState((x) => x.dialog === 'create contact', 'the new contact dialog');
    // The dialog fills the screen.
    const first = await app.find('##First name', { window: 'edit' });
    assert(first.w / app.dpr > 200, `the fields have the screen's width (${first.w / app.dpr})`);
    await app.tap('##First name', { window: 'edit' });
    assert(await keyboardUp(), 'the keyboard is up for the first name');
    await typeOnPhone('Aiko');
    await app.tap('##Last name', { window: 'edit' });
    assert(await keyboardUp(), 'still up for the last name');
    await typeOnPhone('Tanaka');
    await app.tap('##E-mail', { window: 'edit' });
    await typeOnPhone('aiko.tanaka@example.jp');
    await app.screenshot('mobile-new-contact.png');
    await app.tap('Save', { window: 'edit' });
    let s = await app.waitState((x) => x.dialog === '' && x.record && x.record.title === 'Aiko Tanaka', 'the contact saved and open');
    assert(!(await keyboardUp()), 'the keyboard went when no field wanted it');
    eq(s.record.fields.email, 'aiko.tanaka@example.jp', 'the e-mail typed');
    // Find it by the search box, typed on the phone.
    await app.tap('Contacts');
    await app.tap('##search');
    assert(await keyboardUp(), 'the keyboard for the search');
    await typeOnPhone('Tanaka');
    s = await app.waitState((x) => x.list && x.list.search === 'Tanaka' && x.list.rows.length > 0, 'the search finds it');
    eq(s.list.rows[0].title, 'Aiko Tanaka', 'the contact, first');
  }],

  ['a call logged by touch on the contact; it is on the timeline after a reload', async () => {
    await app.tap('Aiko Tanaka');
    let s = await app.waitState((x) => x.record && x.record.title === 'Aiko Tanaka', 'the contact open');
    const before = s.record.timeline;
    await app.tap('Log call');
    await app.find('Save', { window: 'activity' });
    assert(await keyboardUp(), 'the subject has the keyboard at once');
    await typeOnPhone('Renewal questions');
    await app.tap('Outcome', { window: 'activity' });
    await app.tap('Connected');
    await app.screenshot('mobile-log-call.png');
    await app.tap('Save', { window: 'activity' });
    s = await app.waitState((x) => x.record.timeline === before + 1, 'the call on the timeline');
    await app.waitSaved();
    await page.reload();
    await app.ready();
    await app.tap('Contacts');
    await app.tap('##search');
    await typeOnPhone('Tanaka');
    await app.waitState((x) => x.list && x.list.search === 'Tanaka' && x.list.rows.length > 0, 'found again');
    await app.tap('Aiko Tanaka');
    s = await app.waitState((x) => x.record && x.record.title === 'Aiko Tanaka' && x.record.timeline >= 1, 'the call kept');
    eq(s.record.timeline, before + 1, 'the call is stored');
  }],

  ['the type follows the system\'s text size', async () => {
    const s0 = await app.state();
    eq(s0.scale, 3, 'the default text size: the pixel density alone');
    await page.evaluate(() => { document.documentElement.style.fontSize = '20px'; window.dispatchEvent(new Event('resize')); });
    const s = await app.waitState((x) => Math.abs(x.scale - 3 * 1.25) < 0.01, 'a 25 % larger type');
    assert(s.narrow, 'still the phone layout');
    await app.screenshot('mobile-large-text.png');
    await page.evaluate(() => { document.documentElement.style.fontSize = ''; window.dispatchEvent(new Event('resize')); });
    await app.waitState((x) => Math.abs(x.scale - s0.scale) < 0.01, 'back to the default size');
    await ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
