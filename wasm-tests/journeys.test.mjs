// journeys.test.mjs - a customer journey in Chromium through the real
// interface: Settings > Journeys makes a journey on the demo's Gold segment
// with two steps (wait 3 days, send the Product news e-mail) built in the
// step list, activates it (this device runs it); a contact of the segment
// shows "step 2 of 2" on its record view; the test moves the app's clock 4
// days on and the contact advances - the e-mail on its timeline, the journey
// done - once, also after a reload. Prints "N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, startWithDemo, run, assert, eq } from './lib.mjs';

const srv = await serve();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-journeys-'));
let session, contact;
const DAY = 86400000;

const tests = [
  ['a journey made in Settings: trigger, two steps in the step list, activated', async () => {
    session = await startWithDemo(srv.url, dir);
    const { app } = session;
    await app.click('Settings');
    await app.click('Journeys');
    await app.click('New journey');
    await app.fill('##Name', 'Gold welcome', { window: 'edit' });
    await app.click('##Segment (a contact enters it)', { window: 'edit' });
    await app.click('Gold customers, decision makers');
    await app.click('Save', { window: 'edit' });
    await app.waitState((x) => x.dialog === '', 'the journey saved');
    await app.click('Gold welcome');
    await app.click('Add step');                 // Wait, 3 days: the default
    await app.click('Step kind');
    await app.click('Send e-mail');
    await app.click('Step template');
    await app.click('Product news');
    await app.click('Add step');
    assert(await app.has('Remove step 2'), 'two steps listed');
    await app.click('Activate Gold welcome');
    const s = await app.waitState((x) => x.journeys.here && x.journeys.runs > 0 && x.journeys.enrolled > 0 && x.journeys.sample_contact,
                                  'the journey run once, contacts enrolled', 30000);
    contact = { title: s.journeys.sample_contact, id: s.journeys.sample_id };
    console.log(`  ${s.journeys.enrolled} contacts started, e.g. ${contact.title}`);
    eq(s.journeys.steps, s.journeys.enrolled, 'each took the first step (the wait) only');
    await app.screenshot('journeys-settings.png');
  }],

  ['the contact shows where it is; the clock moves 4 days on and it advances once', async () => {
    const { app, page } = session;
    await app.click('Contacts');
    await app.fill('##search', contact.title.split(' ').pop());
    let s = await app.waitState((x) => x.list && x.list.rows.some((r) => r.id === contact.id), 'the contact in the list');
    await app.click(s.list.rows.find((r) => r.id === contact.id).title);
    await app.click('Journeys (1)');
    s = await app.waitState((x) => x.record && x.record.id === contact.id && x.record.journeys.length === 1, 'the journey on the record');
    eq(s.record.journeys[0].step, "step 2 of 2: Send the e-mail 'Product news'", 'waiting at the e-mail');
    const timeline = s.record.timeline;
    await app.screenshot('journeys-record.png');
    await page.evaluate((ms) => window.crmTest.advanceClock(ms), 4 * DAY);
    s = await app.waitState((x) => x.record.journeys.length === 1 && x.record.journeys[0].status === 'done', 'the contact advanced', 30000);
    assert(/^sent 'News for /.test(s.record.journeys[0].last_action), 'the e-mail sent: ' + s.record.journeys[0].last_action);
    s = await app.waitState((x) => x.record.timeline === timeline + 1, 'the e-mail on the timeline');
    const runs = s.journeys.runs;
    await page.evaluate(() => window.crmTest.advanceClock(60000));
    s = await app.waitState((x) => x.journeys.runs > runs, 'another run');
    eq(s.journeys.steps, 0, 'nothing twice');
    eq(s.record.timeline, timeline + 1, 'one e-mail');
    await app.waitSaved();
    await page.reload();
    await app.ready();
    await app.click('Contacts');
    await app.fill('##search', contact.title.split(' ').pop());
    s = await app.waitState((x) => x.list && x.list.rows.some((r) => r.id === contact.id), 'the contact after a reload');
    await app.click(s.list.rows.find((r) => r.id === contact.id).title);
    await app.click('Journeys (1)');
    s = await app.waitState((x) => x.record && x.record.id === contact.id && x.record.journeys.length === 1, 'the journey after a reload');
    eq(s.record.journeys[0].status, 'done', 'still done');
    eq(s.record.timeline, timeline + 1, 'still one e-mail');
    // A date trigger offers the contacts' date fields to choose from, not a name to type.
    await app.click('Settings');
    await app.click('Journeys');
    await app.click('New journey');
    await app.click('##Contact date field (reached)', { window: 'edit' });
    assert(await app.has('Birth date'), 'the date fields listed');
    await app.click('Birth date');
    await session.ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
