// quality.test.mjs - duplicates in Chromium through the real interface: a
// CSV of people entered twice (a typo with the e-mail's dots and the phone
// written another way, a nickname at the same company, a name in Cyrillic and
// in Latin letters) imported over the demo data; the Data quality screen
// finds them, a pair is merged keeping the older record's job title, the
// merge is undone; a new contact and a CSV row that look like stored ones are
// shown as likely duplicates before they are saved; another pair is marked
// "not duplicates" and is not suggested again, and all of it survives a reload. Prints "N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, startWithDemo, run, assert, eq } from './lib.mjs';

const srv = await serve();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-quality-'));
let session;

const groupWith = (s, re) => s.quality.groups.find((g) => g.titles.some((t) => re.test(t)));

async function search(app, text) {
  await app.click('Contacts');
  await app.fill('##search', text);
  return app.waitState((x) => x.list && x.list.search === text && x.list.count >= 0, 'the search for ' + text);
}

const tests = [
  ['duplicates imported over the demo data are found, with their reasons', async () => {
    session = await startWithDemo(srv.url, dir);
    const { app, page } = session;
    const csv = path.join(dir, 'twice.csv');
    fs.writeFileSync(csv, [
      'First Name,Last Name,E-mail,Phone,Company,Job Title,Country',
      'Wilhelmina,Quackenbush,wilhelmina.quackenbush@gmail.com,+49 30 5550101,Quack Werke GmbH,Buyer,DE',
      'Wilhelmina,Quackenbsuh,w.ilhelmina.quackenbush@gmail.com,030 5550101,Quack Werke GmbH,Head of purchasing,DE',
      'Bartholomew,Zweistein,bart@zweistein.example,,Zweistein AG,,DE',
      'Bart,Zweistein,,+49 89 5550202,Zweistein AG,,DE',
      'Дмитрий,Иванов,,,Quack Werke GmbH,,DE',
      'Dmitriy,Ivanov,,,Quack Werke GmbH,,DE',
    ].join('\n') + '\n');
    await app.click('Data');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 10000 }), app.click('Import a file...')]);
    await chooser.setFiles(csv);
    await app.waitState((x) => x.incoming.open && x.incoming.preview.length > 0, 'the preview');
    await app.click('Import', { window: 'incoming' });
    await app.waitState((x) => /^Imported 6 rows: 6 created/.test(x.incoming.result), 'the import', 60000);
    await app.click('Close', { window: 'incoming' });

    await app.click('Data quality');
    await app.click('Find duplicates');
    const s = await app.waitState((x) => x.quality && x.quality.scanned, 'the scan', 60000);
    console.log(`  ${s.quality.records} contacts compared, ${s.quality.groups.length} groups`);
    for (const re of [/Quackenb/, /Zweistein/, /Ivanov|Иванов/]) {
      const g = groupWith(s, re);
      assert(g, 'a group for ' + re);
      eq(g.ids.length, 2, 'records in the group for ' + re);
    }
    await app.screenshot('quality-groups.png');
  }],

  ['a pair is merged keeping the older job title, then the merge is undone', async () => {
    const { app } = session;
    let s = await app.waitState((x) => x.quality && x.quality.scanned, 'the groups');
    const g = groupWith(s, /Quackenb/);
    await app.click(new RegExp('%  ' + g.titles[0]));
    s = await app.waitState((x) => x.quality.plan_ids.length === 2, 'the side-by-side view');
    const job = s.quality.plan.find((f) => f.field === 'job_title');
    assert(job, 'the job title differs');
    // Keep the job title the default does not (both rows came in the same millisecond).
    const want = job.chosen === 0 ? 1 : 0;
    const wantTitle = s.quality.plan_ids[want] === g.ids[0] ? 'Buyer' : 'Head of purchasing';
    await app.click(wantTitle);
    s = await app.waitState((x) => x.quality.plan.find((f) => f.field === 'job_title').chosen === want, 'the other job title chosen');
    await app.screenshot('quality-merge.png');
    await app.click('Merge');
    await app.waitState((x) => /^Merged 1 into/.test(x.quality.result), 'the merge');
    await app.waitSaved();
    s = await search(app, 'Quackenb');
    eq(s.list.count, 1, 'one Wilhelmina left');
    await app.click(s.list.rows[0].title);
    const r = await app.waitState((x) => x.record && /Quackenb/.test(x.record.title), 'the merged record');
    eq(r.record.fields.job_title, wantTitle, 'the job title chosen');
    eq(r.record.id, g.ids[0], 'the older record survives');

    await app.click('Data quality');
    await app.click('Undo the last merge');
    await app.waitState((x) => /^Merge undone/.test(x.quality.result), 'the undo');
    s = await search(app, 'Quackenb');
    eq(s.list.count, 2, 'both records back');
  }],

  ['a likely duplicate is shown before saving: in the new-contact form and in the CSV preview', async () => {
    const { app, page } = session;
    // The form: a nickname and the e-mail with a +tag; the dialog stays open and says why.
    await app.click('Contacts');
    await app.click('New contact');
    await app.waitState((x) => x.dialog === 'create contact', 'the create dialog');
    await app.fill('##First name', 'Bart', { window: 'edit' });
    await app.fill('##Last name', 'Zweistein', { window: 'edit' });
    await app.fill('##E-mail', 'bart+crm@zweistein.example', { window: 'edit' });
    await app.click('Save', { window: 'edit' });
    let s = await app.waitState((x) => x.edit_likely.length > 0, 'the likely duplicates');
    eq(s.dialog, 'create contact', 'nothing saved yet: the dialog stays open');
    assert(s.edit_likely.every((l) => /Zweistein/.test(l.title)), 'the Zweisteins: ' + JSON.stringify(s.edit_likely));
    assert(/^\d+%: .*(similar|same) name/.test(s.edit_likely[0].why), 'a score and its reasons: ' + s.edit_likely[0].why);
    await app.screenshot('quality-likely-form.png');
    // "Open" goes to the stored record instead of saving a third.
    const first = s.edit_likely[0];
    await app.click('Open ' + first.title, { window: 'edit' });
    await app.waitState((x) => x.dialog === '' && x.record && x.record.id === first.id, 'the existing record');
    // Saved anyway, it is a new record.
    await app.click('Contacts');
    await app.click('New contact');
    await app.fill('##First name', 'Wilhelmina', { window: 'edit' });
    await app.fill('##Last name', 'Quackenbush', { window: 'edit' });
    await app.click('Save', { window: 'edit' });
    await app.waitState((x) => x.edit_likely.length > 0, 'the warning for another name');
    await app.click('Save anyway', { window: 'edit' });
    s = await app.waitState((x) => x.dialog === '' && x.record && x.record.title === 'Wilhelmina Quackenbush', 'the new contact saved');
    s = await search(app, 'Quackenb');
    eq(s.list.count, 3, 'three Wilhelminas now');
    s = await search(app, 'Zweistein');
    eq(s.list.count, 2, 'still two Zweisteins');

    // The CSV preview: a likely duplicate gets a warning with its score; nothing imported on Close.
    const csv = path.join(dir, 'again.csv');
    fs.writeFileSync(csv, 'First Name,Last Name,E-mail\nWilhelmina,Quackenbusch,wilhelminaquackenbush+news@gmail.com\nOttilie,Fennimore,of@example.com\n');
    await app.click('Data');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 10000 }), app.click('Import a file...')]);
    await chooser.setFiles(csv);
    s = await app.waitState((x) => x.incoming.open && x.incoming.preview.length === 2, 'the preview');
    assert(s.incoming.preview[0].likely && s.incoming.preview[0].likely_score >= 0.6, 'row 2 likely a duplicate: ' + JSON.stringify(s.incoming.preview));
    assert(!s.incoming.preview[1].likely, 'row 3 is new');
    await app.screenshot('quality-likely-import.png');
    await app.click('Close', { window: 'incoming' });
  }],

  ['"not duplicates" is remembered: the pair is not suggested again, also after a reload', async () => {
    const { app, page } = session;
    await app.click('Data quality');
    await app.click('Find duplicates');
    let s = await app.waitState((x) => x.quality.scanned && !x.quality.running, 'the scan');
    const g = groupWith(s, /Zweistein/);
    await app.click(new RegExp('%  ' + g.titles[0]));
    await app.waitState((x) => x.quality.plan_ids.length === 2, 'the group');
    await app.click('Not duplicates');
    await app.waitState((x) => /^Marked as not duplicates/.test(x.quality.result), 'dismissed');
    await app.waitSaved();
    await page.reload();
    await app.ready();
    await app.click('Data quality');
    await app.click('Find duplicates');
    s = await app.waitState((x) => x.quality && x.quality.scanned && !x.quality.running, 'the scan after the reload', 60000);
    assert(!groupWith(s, /Zweistein/), 'the dismissed pair is not suggested again');
    assert(groupWith(s, /Quackenb/), 'the other pairs still are');
    await session.ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
