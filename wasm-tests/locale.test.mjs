// locale.test.mjs - numbers, dates and times the user's way, in Chromium
// set to German in Berlin (Playwright's locale and timezoneId): amounts and
// dates typed as a German types them and stored as ISO and minor units; a
// task due at 18:00 Berlin stored as 17:00 UTC; Settings > Region switching
// this device to US English in New York (the same task at 12:00 PM, a time
// typed the US way, weeks from Sunday), an unknown zone refused; the choice
// kept after a reload; Arabic and Hebrew names drawn right to left, Arabic
// joined, and read as written through the accessible mirror. Prints
// "N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launchPersistent, App, run, assert, eq } from './lib.mjs';

const srv = await serve();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-locale-'));
let ctx, page, app;

// The task's record, opened from Anna Weber's open tasks.
async function openTask() {
  await app.click('Contacts');
  await app.fill('##search', 'Weber');
  await app.waitState((x) => x.list && x.list.count === 1, 'Anna Weber found');
  await app.click('Anna Weber');
  await app.click('Open tasks (1)');
  await app.click('Call about the renewal');
  return app.waitState((x) => x.record && x.record.entity === 'tasks', 'the task open');
}

const tests = [
  ['the browser\'s locale and zone: German, Berlin, weeks from Monday', async () => {
    ctx = await launchPersistent(dir, { context: { locale: 'de-DE', timezoneId: 'Europe/Berlin' } });
    page = await ctx.newPage();
    app = await App.open(page, srv.url);
    await app.click('Start empty');
    const s = await app.waitState((x) => !x.first_run, 'started');
    eq(s.locale.tag, 'de-DE', 'the locale');
    eq(s.locale.time_zone, 'Europe/Berlin', 'the zone');
    eq(s.locale.first_day, 1, 'Monday first');
    eq(s.locale.decimal, ',', 'the decimal comma');
    eq(s.locale.hour12, false, 'a 24-hour clock');
  }],

  ['a campaign typed the German way: shown so, stored as ISO dates and minor units', async () => {
    await app.click('Campaigns');
    await app.click('New campaign');
    await app.fill('##Name', 'Winteraktion', { window: 'edit' });
    await app.fill('##Start', '24.12.2026', { window: 'edit' });
    await app.fill('##End', '31.1.2027', { window: 'edit' });
    await app.fill('##Budget', '12.500,50', { window: 'edit' });
    await app.click('Save', { window: 'edit' });
    let s = await app.waitState((x) => x.dialog === '' && x.record && x.record.title === 'Winteraktion', 'the campaign saved and open');
    eq(s.record.fields.start_date, '2026-12-24', 'stored as ISO');
    eq(s.record.fields.end_date, '2027-01-31', 'stored as ISO');
    eq(s.record.fields.budget, '1250050', 'stored in cents');
    eq(s.record.shown.budget, '12500,50', 'the budget to edit, German');
    eq(s.record.shown.start_date, '24.12.2026', 'the start to edit, German');
    await app.click('Back');
    s = await app.waitState((x) => !x.record && x.list && x.list.count === 1, 'the list');
    const cells = s.list.rows[0].cells, cols = s.list.columns;
    eq(cells[cols.indexOf('Start')], '24.12.2026', 'the start in the list');
    eq(cells[cols.indexOf('End')], '31.01.2027', 'the end in the list');
    eq(cells[cols.indexOf('Budget')], '12.500,50 EUR', 'the budget in the list');
    await app.screenshot('locale-de-campaigns.png');
  }],

  ['a task due at 18:00 in Berlin is stored as 17:00 UTC', async () => {
    await app.click('Contacts');
    await app.click('New contact');
    await app.fill('##First name', 'Anna', { window: 'edit' });
    await app.fill('##Last name', 'Weber', { window: 'edit' });
    await app.click('Save', { window: 'edit' });
    await app.waitState((x) => x.dialog === '' && x.record && x.record.title === 'Anna Weber', 'the contact saved and open');
    await app.click('Add task');
    let s = await app.waitState((x) => x.dialog === 'create task', 'the task form');
    assert(/^\d\d\.\d\d\.\d{4} \d\d:\d\d$/.test(s.edit_values.due_at), 'the due time offered the German way: ' + s.edit_values.due_at);
    await app.fill('##Title', 'Call about the renewal', { window: 'edit' });
    await app.fill('##Due', '24.12.2026 18:00', { window: 'edit' });
    await app.click('Save', { window: 'edit' });
    await app.waitState((x) => x.dialog === '', 'the task saved');
    s = await openTask();
    eq(s.record.fields.due_at, '2026-12-24T17:00:00.000Z', 'stored in UTC');
    eq(s.record.shown.due_at, '24.12.2026 18:00', 'shown in Berlin time');
  }],

  ['Settings > Region: US English in New York; the same moment at 12:00 PM; a time typed the US way', async () => {
    await app.click('Settings');
    await app.click('Region');
    await app.click('Format');
    await app.click('English (United States) - en-US');
    await app.click('Time zone');
    await app.click('America/New_York');
    let s = await app.waitState((x) => x.locale.tag === 'en-US' && x.locale.time_zone === 'America/New_York', 'the region chosen');
    eq(s.locale.first_day, 7, 'weeks from Sunday');
    eq(s.locale.hour12, true, 'a 12-hour clock');
    // A zone the browser does not know is refused, and the one chosen stays.
    await app.fill('Another time zone', 'Mars/Olympus_Mons');
    await app.click('Use this zone');
    s = await app.waitState((x) => x.region_error !== '', 'the unknown zone refused');
    assert(s.region_error.includes('Mars/Olympus_Mons'), 'the error names it: ' + s.region_error);
    eq(s.locale.time_zone, 'America/New_York', 'the zone kept');
    await app.screenshot('locale-region-settings.png');
    s = await openTask();
    eq(s.record.shown.due_at, '12/24/2026 12:00 PM', 'the same moment in New York, the US way');
    eq(s.record.fields.due_at, '2026-12-24T17:00:00.000Z', 'what is stored did not change');
    await app.fill('##Due', '12/25/2026 9:30 AM');
    await app.key('Enter');
    s = await app.waitState((x) => x.record.fields.due_at === '2026-12-25T14:30:00.000Z', 'the time typed in New York, stored in UTC');
    eq(s.record.shown.due_at, '12/25/2026 9:30 AM', 'shown as typed');
  }],

  ['right-to-left names: drawn in visual order with Arabic letters joined, read as written by a screen reader', async () => {
    const people = [
      { first: '\u0645\u062D\u0645\u062F', last: '\u0639\u0644\u064A',   // محمد علي
        drawn: '\uFEF2\uFEE0\uFECB \uFEAA\uFEE4\uFEA4\uFEE3' },        // علي then محمد, right to left, joined
      { first: '\u05E9\u05E8\u05D4', last: '\u05DB\u05D4\u05DF',           // שרה כהן
        drawn: '\u05DF\u05D4\u05DB \u05D4\u05E8\u05E9' },
    ];
    for (const p of people) {
      await app.click('Contacts');
      await app.click('New contact');
      await app.click('##First name', { window: 'edit' });
      await page.keyboard.insertText(p.first);
      await app.click('##Last name', { window: 'edit' });
      await page.keyboard.insertText(p.last);
      await app.drained();
      await app.click('Save', { window: 'edit' });
      const s = await app.waitState((x) => x.dialog === '' && x.record && x.record.fields.last_name === p.last, 'saved as written');
      eq(s.record.title, `${p.first} ${p.last}`, 'stored in logical order');
    }
    await app.click('Contacts');
    await app.fill('##search', '');
    const s = await app.waitState((x) => x.list && !x.record && x.list.count === 3, 'three contacts');
    const labels = (await app.items()).map((i) => i.label);
    for (const p of people) {
      assert(labels.includes(p.drawn), `drawn in visual order, joined: ${JSON.stringify(p.drawn)} among ${JSON.stringify(labels.slice(-12))}`);
      assert(s.list.rows.some((r) => r.title === `${p.first} ${p.last}`), 'the list state in logical order');
    }
    // The font atlas took the Hebrew and Arabic glyphs (no boxes left).
    await app.waitState((x) => x.cjk_glyphs, 'the fallback glyphs loaded');
    await app.settle(400);
    // The accessible mirror reads them as written.
    const cells = await page.evaluate(() => [...document.querySelectorAll('#a11y [role=gridcell], #a11y [role=row]')].map((e) => e.textContent));
    for (const p of people) assert(cells.some((t) => t.includes(`${p.first} ${p.last}`)), `the mirror says ${p.first} ${p.last}: ${JSON.stringify(cells.slice(0, 6))}`);
    await app.screenshot('locale-rtl-names.png');
  }],

  ['the choice is this device\'s and stays after a reload', async () => {
    await app.waitSaved();
    await page.reload();
    await app.ready();
    const s = await app.state();
    eq(s.locale.tag, 'en-US', 'the format kept');
    eq(s.locale.time_zone, 'America/New_York', 'the zone kept');
    await ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
