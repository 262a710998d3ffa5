// data.test.mjs - the user's data in and out of the app in Chromium: the
// .sqlite file the app downloads, opened by sql.js from npm (an independent
// reader) and compared; a CSV from another CRM imported through the file
// picker and the mapping screen; a bad CSV refused with nothing imported; a
// JSON export dropped back on the page and merged; the last import reverted;
// one person's data exported and the person erased.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { serve, launchPersistent, startWithDemo, App, run, assert, eq } from './lib.mjs';

const require = createRequire(import.meta.url);
const initSqlJs = require('sql.js');
const srv = await serve();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-data-'));

const start = () => startWithDemo(srv.url, path.join(tmp, 'profile-' + Math.random().toString(36).slice(2)));

const download = (app, label) => app.download(label, tmp);

async function pick(app, file) {
  const [chooser] = await Promise.all([app.page.waitForEvent('filechooser', { timeout: 10000 }), app.click('Import a file...')]);
  await chooser.setFiles(file);
  await app.waitState((x) => x.incoming.open && x.incoming.name === path.basename(file), 'the import dialog');
}

const tests = [
  ['the downloaded .sqlite opens in sql.js with the same data', async () => {
    const { ctx, app } = await start();
    await app.click('Data');
    const file = await download(app, 'Database file (.sqlite)');
    assert(file.endsWith('.sqlite'), 'a .sqlite file: ' + file);
    const SQL = await initSqlJs();
    const db = new SQL.Database(fs.readFileSync(file));
    const count = (sql) => db.exec(sql)[0].values[0][0];
    eq(count('PRAGMA integrity_check'), 'ok', 'integrity in sql.js');
    const s = await app.state();
    eq(count('SELECT count(*) FROM contacts WHERE deleted = 0'), s.contacts, 'contacts');
    eq(count('SELECT count(*) FROM accounts WHERE deleted = 0'), s.accounts, 'accounts');
    // The sqlite3 CLI (a second independent reader) finds it intact, with the same counts.
    const cli = (sql) => execFileSync('sqlite3', [file, sql], { encoding: 'utf8' }).trim();
    eq(cli('PRAGMA integrity_check'), 'ok', 'sqlite3 integrity_check');
    eq(Number(cli('SELECT count(*) FROM contacts WHERE deleted = 0')), s.contacts, 'contacts read by the sqlite3 CLI');
    // A sample row: the first contact of the app's list, by id, with its name.
    await app.click('Contacts');
    const row = (await app.state()).list.rows[0];
    const name = db.exec(`SELECT first_name || ' ' || last_name FROM contacts WHERE id = '${row.id}'`)[0].values[0][0];
    eq(name.trim(), row.title, 'the sample row read by sql.js');
    db.close();
    // The filtered list exports as CSV: only the rows the search shows.
    await app.fill('##search', row.title.split(' ').pop());
    const shown = (await app.waitState((x) => x.list && x.list.search !== '', 'the search')).list.count;
    const csv = fs.readFileSync(await download(app, 'Export CSV'), 'utf8');
    eq(csv.trim().split('\r\n').length - 1, shown, 'CSV rows of the filtered list');
    // The same .sqlite file opened in another browser profile replaces its data.
    const other = await launchPersistent(path.join(tmp, 'profile-open'), {});
    const page2 = await other.newPage();
    const app2 = await App.open(page2, srv.url);
    await app2.click('Start empty');
    await app2.click('Data');
    const [chooser] = await Promise.all([page2.waitForEvent('filechooser'), app2.click('Import a file...')]);
    await chooser.setFiles(file);
    await app2.waitState((x) => x.incoming.open && x.incoming.kind === 'sqlite', 'the open-database dialog');
    await app2.click('Replace all data with this file', { window: 'incoming' });
    await app2.click('Open it', { window: 'incoming' });
    await app2.waitState((x) => x.contacts === s.contacts, 'the opened database');
    await app2.waitSaved();
    await page2.reload();
    await app2.ready();
    eq((await app2.state()).contacts, s.contacts, 'the opened database after a reload');
    await other.close();
    await ctx.close();
  }],

  ['a CSV from another CRM through the mapping screen; a bad one refused; the import reverted', async () => {
    const { ctx, app } = await start();
    await app.click('Data');
    const before = (await app.state()).contacts;
    const good = path.join(tmp, 'from-other-crm.csv');
    fs.writeFileSync(good, '\ufeffFirst Name;Last Name;E-mail Address;Company Name;Favourite colour\r\n' +
                           'Grete;Sørensen;grete@fjord.no;Fjord Møbler AS;blue\r\n' +
                           '"Jean-Luc";"Picard, Jr.";jl@enterprise.fr;Fjord Møbler AS;red\r\n');
    await pick(app, good);
    let s = await app.waitState((x) => x.incoming.preview.length === 2, 'the preview');
    eq(JSON.stringify(s.incoming.mapping), JSON.stringify(['first_name', 'last_name', 'email', 'company', '']), 'the guessed mapping');
    assert(s.incoming.preview.every((r) => r.error === '' && !r.duplicate), 'preview rows valid, no duplicates');
    // The user corrects the guess: the unmatched column goes to Notes.
    await app.click('##map:Favourite colour', { window: 'incoming' });
    await app.click('Notes');
    await app.waitState((x) => x.incoming.mapping[4] === 'notes', 'the corrected mapping');
    await app.click('Import', { window: 'incoming' });
    s = await app.waitState((x) => /^Imported 2 rows: 2 created/.test(x.incoming.result), 'the import');
    eq((await app.state()).contacts, before + 2, 'contacts after the import');
    await app.click('Close', { window: 'incoming' });
    // The imported contact, as the list and the record view show it.
    await app.click('Contacts');
    await app.fill('##search', 'Sørensen');
    await app.waitState((x) => x.list && x.list.count === 1, 'the imported contact in the list');
    await app.click('Grete Sørensen');
    s = await app.waitState((x) => x.record && x.record.title === 'Grete Sørensen', 'the imported contact');
    eq(s.record.fields.email, 'grete@fjord.no', 'the imported e-mail');
    eq(s.record.fields.notes, 'blue', 'the column mapped by hand');
    await app.click('Data');

    const bad = path.join(tmp, 'broken.csv');
    fs.writeFileSync(bad, 'last_name,email\nOk,ok@x.org\nBroken,not-an-address\n');
    await pick(app, bad);
    s = await app.waitState((x) => x.incoming.preview.length === 2, 'the preview of the bad file');
    assert(/^column 'email' \(E-mail\): /.test(s.incoming.preview[1].error), 'the preview names the bad row\'s column as the import will: ' + JSON.stringify(s.incoming.preview));
    await app.click('Import', { window: 'incoming' });
    s = await app.waitState((x) => /broken\.csv: line 3: column 'email'.*nothing was imported/.test(x.incoming.error), 'the refusal');
    eq((await app.state()).contacts, before + 2, 'contacts after the refused import');
    eq(await app.idleFrames(), 0, 'frames drawn while the dialog shows the refusal and nothing happens');
    await app.click('Close', { window: 'incoming' });
    await app.waitState((x) => !x.incoming.open, 'the dialog to close');

    // A bad row after 30,000 good ones: the import runs over many frames, then
    // is refused whole, and the screen shows it without waiting for input.
    const late = path.join(tmp, 'late-error.csv');
    let text = 'last_name,email\n';
    for (let i = 0; i < 30000; i++) text += `Late${i},late${i}@x.org\n`;
    fs.writeFileSync(late, text + 'Broken,not-an-address\n');
    await pick(app, late);
    await app.waitState((x) => x.incoming.preview.length > 0, 'the preview of the long file');
    await app.click('Import', { window: 'incoming' });
    await app.waitState((x) => /late-error\.csv: line 30002: .*nothing was imported/.test(x.incoming.error), 'the late refusal', 120000);
    await app.drained();   // no input: what the last frames drew
    const drawn = (await app.items()).filter((i) => i.window.includes('incoming')).map((i) => i.label);
    assert(drawn.includes('Close') && !drawn.includes('Cancel'), 'the refusal drawn, not the progress bar: ' + drawn.join(', '));
    eq((await app.state()).contacts, before + 2, 'contacts after the late refusal');
    await app.click('Close', { window: 'incoming' });
    await app.waitState((x) => !x.incoming.open, 'the dialog to close');

    await app.click('Revert the last import');
    await app.waitState((x) => x.contacts === before, 'the revert');
    await app.waitSaved();
    await ctx.close();
  }],

  ["a person's data exported from their record as JSON, then the person erased; gone after a reload", async () => {
    const { ctx, page, app } = await start();
    await app.click('Contacts');
    const before = (await app.state()).contacts;
    // The first contact in the list with activities on their timeline.
    const rows = (await app.state()).list.rows;
    let row = null, shown = null;
    // (a name two rows share would open either: those are skipped)
    const unique = rows.filter((r) => rows.filter((o) => o.title === r.title).length === 1);
    for (const r of unique.slice(0, 8)) {
      await app.click(r.title);
      shown = await app.waitState((x) => x.record && x.record.id === r.id, 'the contact');
      if (shown.record.timeline > 0) { row = r; break; }
      await app.click('Contacts');
    }
    assert(row, 'a contact with activities among the first rows');
    const person = JSON.parse(fs.readFileSync(await download(app, 'Export (JSON)'), 'utf8'));
    eq(person.format, 'crm-person-export', 'the personal export format');
    eq(person.contact.id, row.id, 'the exported contact');
    eq(person.activities.length, shown.record.timeline, 'their activities, as many as the timeline shows');
    assert(person.activities.every((a) => a.contact_id === row.id), 'their activities, only theirs');
    await app.click('Erase person...');
    await app.click('Yes, erase this person', { window: 'workflow' });
    await app.click('Erase', { window: 'workflow' });
    await app.waitState((x) => !x.record && x.contacts === before - 1, 'the erasure');
    await app.waitSaved();
    await page.reload();
    await app.ready();
    await app.click('Contacts');
    await app.fill('##search', row.title.split(' ').pop());
    const s = await app.waitState((x) => x.list && x.list.search !== '', 'the search');
    assert(!s.list.rows.some((r) => r.id === row.id), 'the erased person is not in the list after a reload');
    eq(s.contacts, before - 1, 'contacts after a reload');
    await ctx.close();
  }],

  ['a JSON export dropped on the page merges back in', async () => {
    const { ctx, page, app } = await start();
    await app.click('Data');
    const file = await download(app, 'Everything (JSON)');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    eq(json.format, 'crm-export', 'format');
    // Change the file: one contact renamed, newer than ours.
    const c = json.entities.contacts[0];
    c.last_name = 'Renamed-By-File';
    c.updated_at = '2099-01-01T00:00:00.000Z';
    const text = JSON.stringify(json);
    await page.evaluate((t) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], 'backup.json', { type: 'application/json' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, text);
    await app.waitState((x) => x.incoming.open && x.incoming.name === 'backup.json', 'the import dialog');
    await app.click('Merge', { window: 'incoming' });
    await app.waitState((x) => /^Imported: 0 added, 1 updated/.test(x.incoming.result), 'the merge');
    await app.key('Escape');   // Esc closes the dialog too
    await app.waitState((x) => !x.incoming.open, 'the dialog to close');
    await app.click('Contacts');
    await app.fill('##search', 'Renamed-By-File');
    await app.waitState((x) => x.list && x.list.count === 1, 'the merged contact');
    await ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
