// fields.test.mjs - custom fields in Chromium through the real interface:
// Settings > Custom fields adds a choice field shown as a list column and a
// required date; the new-contact form shows both and asks for the required
// one; the record view has the values; the Contacts list shows the column and
// filters on the field; the list's CSV export carries it; after a reload the
// fields and values are there; a new label keeps the data; Remove asks, hides
// the column, and Restore brings it back. Prints "N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, startWithDemo, run, assert, eq } from './lib.mjs';

const srv = await serve();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-fields-'));
let session, contactId;

const tests = [
  ['Settings adds a choice field as a list column and a required date field', async () => {
    session = await startWithDemo(srv.url, dir);
    const { app } = session;
    await app.click('Settings');
    await app.click('Custom fields');
    await app.fill('Field label', 'Partner level');
    await app.click('Field type');
    await app.click('Choice');
    await app.fill('Choices', 'Gold\nSilver\nBronze');
    await app.click('List column');
    await app.click('Add field');
    await app.waitState((x) => /Added the field Partner level/.test(x.notice), 'the first field added');
    await app.fill('Field label', 'Renewal date');
    await app.click('Field type');
    await app.click('Date');
    await app.click('Required');
    await app.click('Add field');
    await app.waitState((x) => /Added the field Renewal date/.test(x.notice), 'the second field added');
    // The same label twice is refused, and says why.
    await app.fill('Field label', 'partner LEVEL');
    await app.click('Add field');
    await app.waitState((x) => x.fields_error === "'partner LEVEL' is already a field of Contacts", 'a label used twice refused, by the form');
    assert(await app.has('Edit Partner level') && await app.has('Edit Renewal date'), 'both fields listed');
    await app.screenshot('fields-settings.png');
  }],

  ['the new-contact form shows both, asks for the required one, and the record has the values', async () => {
    const { app } = session;
    await app.click('Contacts');
    let s = await app.waitState((x) => x.list && x.list.columns.includes('Partner level'), 'the list column');
    assert(!s.list.columns.includes('Renewal date'), 'a field not chosen as a column stays out of the list');
    await app.click('New contact');
    await app.fill('##Last name', 'Okonkwo-Field', { window: 'edit' });
    await app.click('##Partner level', { window: 'edit' });
    await app.click('Gold');
    await app.click('Save', { window: 'edit' });
    s = await app.waitState((x) => x.edit_errors && x.edit_errors.cf_renewal_date, 'the required field asked for');
    eq(s.edit_errors.cf_renewal_date, 'is required', 'the message at the field');
    await app.fill('##Renewal date', '2027-03-31', { window: 'edit' });
    await app.click('Save', { window: 'edit' });
    s = await app.waitState((x) => x.dialog === '' && x.record && x.record.title.includes('Okonkwo-Field'), 'the contact saved and opened');
    eq(s.record.fields.cf_partner_level, 'Gold', 'the choice saved');
    eq(s.record.fields.cf_renewal_date, '2027-03-31', 'the date saved');
    contactId = s.record.id;
    // The custom fields follow the built-in ones in the profile: scroll it down.
    await app.scrollTo('##Renewal date', { at: { x: 380, y: 500 } });
    await app.screenshot('fields-record.png');
    await app.waitSaved();
  }],

  ['the list shows the column, filters on the field, and its CSV export carries it', async () => {
    const { app } = session;
    await app.click('Back');
    await app.click('##field');
    await app.click('Partner level');
    await app.click('##field_value');
    await app.click('Gold');
    let s = await app.waitState((x) => x.list && x.list.count === 1 && x.list.rows.length === 1, 'one contact with Gold');
    eq(s.list.rows[0].id, contactId, 'the new contact');
    const col = s.list.columns.indexOf('Partner level');
    eq(s.list.rows[0].cells[col], 'Gold', 'the cell');
    const file = await app.download('Export CSV', dir);
    const csv = fs.readFileSync(file, 'utf8');
    assert(csv.split('\n')[0].includes('Partner level') && csv.split('\n')[0].includes('Renewal date'), 'the header: ' + csv.split('\n')[0]);
    eq(csv.trim().split('\n').length, 2, 'the filtered list only');
    assert(csv.includes('Gold') && csv.includes('2027-03-31'), 'the values: ' + csv);
    await app.screenshot('fields-list.png');
  }],

  ['after a reload the fields are there; a new label keeps the data; Remove asks, hides it, and Restore brings it back', async () => {
    const { app, page } = session;
    await page.reload();
    await app.ready();
    await app.click('Contacts');
    await app.fill('##search', 'Okonkwo');
    let s = await app.waitState((x) => x.list && x.list.rows.length === 1 && x.list.columns.includes('Partner level'), 'the column after a reload', 30000);
    eq(s.list.rows[0].cells[s.list.columns.indexOf('Partner level')], 'Gold', 'the value after a reload');

    await app.click('Settings');
    await app.click('Custom fields');
    await app.click('Edit Partner level');
    await app.waitState((x) => x.dialog === 'edit custom field', 'the field\'s edit dialog');
    await app.fill('##Label', 'Partner tier', { window: 'edit' });
    await app.click('Save', { window: 'edit' });
    await app.waitState((x) => x.dialog === '', 'saved');
    await app.click('Contacts');
    s = await app.waitState((x) => x.list && x.list.columns.includes('Partner tier') && x.list.rows.length === 1, 'the new label');
    eq(s.list.rows[0].cells[s.list.columns.indexOf('Partner tier')], 'Gold', 'the data kept');

    await app.click('Settings');
    await app.click('Custom fields');
    await app.click('Remove Partner tier');
    assert(await app.has('Remove field'), 'removing asks first');
    await app.click('Remove field');
    await app.waitState((x) => /Removed the field Partner tier/.test(x.notice), 'removed');
    assert(await app.has('Restore Partner tier'), 'a removed field can be restored');
    await app.click('Contacts');
    s = await app.waitState((x) => x.list && !x.list.columns.includes('Partner tier') && x.list.rows.length === 1, 'the column gone');
    await app.click(s.list.rows[0].title);
    s = await app.waitState((x) => x.record && x.record.id === contactId, 'the record');
    eq(s.record.fields.cf_partner_level, 'Gold', 'the values stay in the file');
    assert(!(await app.has('##Partner tier')), 'the record view hides a removed field');
    await app.click('Settings');
    await app.click('Custom fields');
    await app.click('Restore Partner tier');
    await app.waitState((x) => /Restored the field Partner tier/.test(x.notice), 'restored');
    await app.click('Contacts');
    await app.waitState((x) => x.list && x.list.columns.includes('Partner tier'), 'the column back');
    await app.waitSaved();
    await session.ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
