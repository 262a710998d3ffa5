// lazy.test.mjs - a database opened on demand (issue 11): the page reads
// block 0 and the hot snapshot, opens, and fetches what a screen misses
// while the rest arrives in the background. ?lazy=1 opens a small demo
// database that way (larger files always open so). Real Chromium, real
// IndexedDB, real reloads, input through the mouse and keyboard.
// Prints "N passed, M failed" and exits non-zero on failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, startWithDemo, App, run, assert, eq } from './lib.mjs';

const srv = await serve();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-lazy-'));
const lazyUrl = srv.url + '?lazy=1';
let session;

async function openLazy(page) {
  const app = new App(page);
  page.on('pageerror', (e) => console.log('  [page error]', e.message));
  await page.goto(lazyUrl);
  await app.ready();
  const load = await page.evaluate(() => window.crmLoadStats);
  assert(load.lazy, 'the database opened on demand');
  // The first data: a list with its rows, without a reload or a click.
  await page.waitForFunction(() => performance.getEntriesByName('crm-first-data').length > 0, null, {timeout: 30000});
  return app;
}

const tests = [
  ['opened on demand, the list shows its rows and the counts are right', async () => {
    session = await startWithDemo(srv.url, dir);
    const { page } = session;
    const app = await openLazy(page);
    const s = await app.waitState((x) => x.list && x.list.rows.length > 0 && x.contacts === 1000, 'the contacts list');
    eq(s.list.count, 1000, 'the list count');
    eq(s.last_error, '', 'no error shown while blocks were fetched');
    const stats = await page.evaluate(() => window.crmLazyStats);
    assert(stats.fileBlocks > 1000, 'a file of many blocks: ' + stats.fileBlocks);
    // Search and a record: screens that read other pages.
    await app.fill('##search', 'a');
    await app.waitState((x) => x.list && x.list.search === 'a' && x.list.rows.length > 0, 'the search results');
    console.log(`  fetches before and while searching: ${(await page.evaluate(() => window.crmLazyStats)).fetches}`);
  }],

  ['an edit made while blocks load in the background is saved and is there after a reload', async () => {
    const { page } = session;
    const app = new App(page);
    await app.fill('##search', '');
    const s = await app.waitState((x) => x.list && x.list.search === '' && x.list.rows.length > 2, 'the list');
    const title = s.list.rows[1].title;
    await app.click(title);
    await app.waitState((x) => x.record && x.record.title === title, 'the record');
    await app.fill('##Job title', 'Lazily loaded buyer');
    await app.key('Enter');
    await app.waitState((x) => x.record.fields.job_title === 'Lazily loaded buyer', 'the inline edit');
    await app.waitSaved();
    await openLazy(page);
    await app.click(title);
    const r = await app.waitState((x) => x.record && x.record.title === title, 'the record after the reload');
    eq(r.record.fields.job_title, 'Lazily loaded buyer', 'the edited field after a reload');
  }],

  ['the background brings every block, the hot snapshot is written, and the next start reads it first', async () => {
    const { page } = session;
    await page.waitForFunction(() => window.crmLazyStats && window.crmLazyStats.hotWritten > 0, null, {timeout: 120000, polling: 250});
    const before = await page.evaluate(() => ({ absent: Module._crm_absent_blocks(), hot: window.crmLazyStats.hotWritten }));
    eq(before.absent, 0, 'blocks still absent after the background load');
    const app = await openLazy(page);
    const stats = await page.evaluate(() => window.crmLazyStats);
    assert(stats.hotBlocks > 0, 'the start read the hot snapshot');
    console.log(`  hot snapshot ${stats.hotBlocks} blocks of ${stats.fileBlocks}; ${stats.fetches} fetches before the first data`);
    assert(stats.fetches <= 3, 'the first screen found its blocks in the hot snapshot: ' + stats.fetches + ' fetches');
    const s = await app.waitState((x) => x.list && x.list.rows.length > 0, 'the list');
    eq(s.contacts, 1000, 'the contacts');
    await session.ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
