// health.test.mjs - data decay in Chromium through the real interface: the
// Dashboard's Data health card shows the contacts' and accounts' scores and
// issues; a click on the "not verified" bar opens the Data health tab
// filtered to it; Mark verified on a row, an edit saved in the form, and a
// bounced e-mail logged on the record view change the record's issues, and
// all of it survives a reload. Prints "N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, startWithDemo, run, assert, eq } from './lib.mjs';

const srv = await serve();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-health-'));
let session;

const flagged = (s, id) => s.health.contacts.flagged.find((f) => f.id === id);

const tests = [
  ['the Dashboard shows data health; its "not verified" bar opens the list of stale contacts', async () => {
    session = await startWithDemo(srv.url, dir);
    const { app } = session;
    await app.click('Dashboard');
    let s = await app.waitState((x) => x.health && x.health.contacts.ready && x.health.accounts.ready, 'the health checks', 60000);
    const c = s.health.contacts;
    console.log(`  contacts: score ${c.score.toFixed(1)}, ${c.counts['not verified']} not verified, ${c.records} records`);
    assert(c.records > 900, 'every contact checked: ' + c.records);
    assert(c.counts['not verified'] > 0, 'the demo has contacts not verified in 12 months');
    assert(c.score > 0 && c.score < 100, 'a score between 0 and 100: ' + c.score);
    await app.screenshot('health-dashboard.png');
    await app.click('Dashboard data health: not verified / contacts', { dx: 4 });
    s = await app.waitState((x) => x.health.issue === 0 && x.health.rows > 0, 'the Data health tab filtered to stale records');
    eq(s.health.tab_entity, 'contacts', 'the contacts series');
    await app.screenshot('health-tab.png');
  }],

  ['Mark verified, an edit and a bounce change a record\'s issues; they survive a reload', async () => {
    const { app, page } = session;
    let s = await app.waitState((x) => x.health.contacts.ready, 'the report');
    const stale = s.health.contacts.flagged.filter((f) => /not verified/.test(f.issues) && f.title);
    assert(stale.length >= 2, 'two stale contacts to work on');
    const [first, second] = stale;
    // Mark verified from the list.
    await app.click(first.title);
    await app.waitState((x) => x.health.selected === first.id, 'the row chosen');
    await app.click('Mark verified');
    s = await app.waitState((x) => x.health.contacts.ready && /Marked contact verified/.test(x.health.result) &&
                                   !(flagged(x, first.id) || { issues: '' }).issues.includes('not verified'), 'the first one verified', 30000);
    // Open the second, save it in the form unchanged: that is a verification too.
    await app.click(second.title);
    await app.click('Open');
    await app.waitState((x) => x.record && x.record.id === second.id, 'the record view');
    await app.click('Edit');
    await app.waitState((x) => x.dialog === 'edit contact', 'the edit dialog');
    await app.click('Save', { window: 'edit' });
    s = await app.waitState((x) => x.dialog === '' && x.record.fields.verified_at > '2026', 'saved, verified now');
    // An e-mail that bounced: logged on the record view.
    await app.click('Log e-mail');
    await app.click('Outcome', { window: 'activity' });
    await app.click('Bounced');
    await app.click('Save', { window: 'activity' });
    await app.waitSaved();
    await app.click('Data quality');
    s = await app.waitState((x) => x.health.contacts.ready && flagged(x, second.id), 'the bounce counted', 30000);
    const f = flagged(s, second.id);
    assert(/e-mail bounced/.test(f.issues) && !/not verified/.test(f.issues), 'bounced, not stale: ' + f.issues);

    await page.reload();
    await app.ready();
    await app.click('Data quality');
    await app.click('Data health');
    s = await app.waitState((x) => x.health && x.health.contacts.ready, 'the check after the reload', 60000);
    assert(!(flagged(s, first.id) || { issues: '' }).issues.includes('not verified'), 'the first stays verified');
    assert(/e-mail bounced/.test((flagged(s, second.id) || {}).issues || ''), 'the bounce stays');
    await session.ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
