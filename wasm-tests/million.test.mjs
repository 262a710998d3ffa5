// million.test.mjs - a 1,000,000-row contacts CSV imported in the browser:
// the progress bar moves, Cancel leaves nothing behind, and a full import
// lands every row and survives a reload. (Other CRMs stop at 10,000 rows.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launchPersistent, App, run, assert, eq } from './lib.mjs';

const ROWS = Number(process.env.CRM_MILLION_ROWS || 1000000);
const srv = await serve();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-million-'));
const csv = path.join(tmp, 'million.csv');
{
  const fd = fs.openSync(csv, 'w');
  fs.writeSync(fd, 'First Name,Last Name,E-mail Address,Phone Number,City,Country\r\n');
  const last = ['Müller', 'Smith', 'Иванов', '山田', 'García', 'Dubois', 'Kowalski', 'Nguyen'];
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    chunk += `P${i},${last[i % 8]},p${i}@example.com,+49 30 ${String(i).padStart(7, '0')},Berlin,DE\r\n`;
    if (chunk.length > 1 << 20) { fs.writeSync(fd, chunk); chunk = ''; }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

async function pick(app) {
  const [chooser] = await Promise.all([app.page.waitForEvent('filechooser', { timeout: 20000 }), app.click('Import a file...')]);
  await chooser.setFiles(csv);
  await app.waitState((x) => x.incoming.open && x.incoming.preview.length > 0, 'the mapping screen', 60000);
}

const tests = [
  [`${ROWS.toLocaleString('en')} CSV rows: cancel leaves nothing, then the import lands every row and survives a reload`, async () => {
    const ctx = await launchPersistent(path.join(tmp, 'profile'));
    const page = await ctx.newPage();
    const app = await App.open(page, srv.url);
    await app.click('Start empty');
    await app.click('Data');
    await pick(app);
    await app.click('Import', { window: 'incoming' });
    await app.waitState((x) => x.incoming.running && x.incoming.rows_done > 20000, 'progress', 120000);
    await app.click('Cancel', { window: 'incoming' });
    let s = await app.waitState((x) => !x.incoming.running, 'the cancel');
    eq(s.contacts, 0, 'contacts after Cancel');
    assert(/cancelled/.test(s.incoming.result), 'says it was cancelled: ' + s.incoming.result);
    await app.key('Escape');
    await pick(app);
    const t0 = Date.now();
    await app.click('Import', { window: 'incoming' });
    s = await app.waitState((x) => /^Imported/.test(x.incoming.result), 'the import', 30 * 60 * 1000);
    const secs = (Date.now() - t0) / 1000;
    console.log(`bench browser_csv_import_rows_per_s ${(ROWS / secs).toFixed(0)} rows/s (${ROWS} rows in ${secs.toFixed(1)} s)`);
    eq(s.contacts, ROWS, 'contacts after the import');
    await app.waitState((x) => x.save.state === 'saved', 'the save', 10 * 60 * 1000);
    await page.reload();
    await app.ready(300000);
    // A file this size opens on demand: the counts come with their blocks.
    await app.waitState((x) => x.contacts === ROWS, 'contacts after a reload', 60000);
    await ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
