// bench.app.mjs - the app's benchmarks in Chromium, printed as "bench <name>
// <value> <unit>" lines (figures, not pass/fail). Run by scripts/bench.sh.
//   node bench.app.mjs [contacts]     (default 100000, the benchmark size)
// The database is built in the page by the core's generator, through the
// welcome dialog, exactly as a user loads demo data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launchPersistent, App, SITE } from './lib.mjs';

const contacts = Number(process.argv[2] || 100000);
const report = (name, value, unit) => console.log(`bench ${name.padEnd(30)} ${Number(value).toFixed(3).padStart(14)} ${unit}`);

// Shipped size.
let raw = 0, gz = 0;
for (const f of ['crm.wasm', 'crm.js', 'shell.js', 'index.html']) {
  const b = fs.readFileSync(path.join(SITE, f));
  raw += b.length;
  gz += zlib.gzipSync(b, { level: 9 }).length;
}
report('shipped_wasm_js_raw', raw / 1024, 'KiB');
report('shipped_wasm_js_gzip', gz / 1024, 'KiB');

const srv = await serve();
// CRM_BENCH_PROFILE=DIR keeps the browser profile (and its database) for another run.
const keep = process.env.CRM_BENCH_PROFILE;
const dir = keep || fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-'));
let ctx = await launchPersistent(dir);
let page = await ctx.newPage();
let app = await App.open(page, srv.url);
let s = await app.state();
if (s.first_run) {
// Build the database in the page.
const t0 = Date.now();
await app.click(`${contacts} contacts`).catch(() => {});
await app.click('Load demo data');
await app.waitState((s) => !s.demo_running && !s.first_run, 'demo data', 60 * 60 * 1000);
report('page_demo_generate', (Date.now() - t0) / 1000, 's');
const t1 = Date.now();
s = await app.waitState((x) => x.save && x.save.state === 'saved', 'the first save', 60 * 60 * 1000);
report('page_first_save', (Date.now() - t1) / 1000, 's');
}
report('page_db_size', s.file_size / 1048576, 'MiB');
report('page_contacts', s.contacts, 'contacts');

// Navigation to the first frame showing data (a reload reads every block back from IndexedDB).
await ctx.close();
ctx = await launchPersistent(dir);
page = await ctx.newPage();
const nav0 = Date.now();
app = await App.open(page, srv.url);
const firstFrame = await page.evaluate(() => performance.getEntriesByName('crm-first-frame')[0].startTime);
const load = await page.evaluate(() => window.crmLoadStats);
s = await app.state();
if (!(s.list && s.list.rows.length > 0)) throw new Error('the first frame showed no rows');
report('navigation_to_first_frame', firstFrame, 'ms');
report('idb_read_all_blocks', load.ms, 'ms');
report('wall_navigation_to_ready', Date.now() - nav0, 'ms');

// Idle: an untouched tab for 10 s (CPU time of the page's main thread, frames drawn).
const cdp = await ctx.newCDPSession(page);
await cdp.send('Performance.enable');
await page.waitForTimeout(1500);
const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
const m0 = await metric();
const f0 = await page.evaluate(() => window.crmTest.frames());
await page.waitForTimeout(10000);
const m1 = await metric();
const f1 = await page.evaluate(() => window.crmTest.frames());
report('idle_cpu_10s', (100 * (m1.TaskDuration - m0.TaskDuration)) / 10, '% of one core');
report('idle_frames_10s', f1 - f0, 'frames');

// Scrolling the contact list: frame time while the wheel moves through it.
await page.mouse.move(700, 400);
await page.evaluate(() => window.crmTest.frameStats(true));
for (let i = 0; i < 60; i++) { await page.mouse.wheel(0, 1200); await page.waitForTimeout(16); }
await app.drained(200);
let fs1 = await page.evaluate(() => window.crmTest.frameStats(true));
report('scroll_frame_avg', fs1.avg_ms, 'ms');
report('scroll_frame_max', fs1.max_ms, 'ms');
// A jump with the scrollbar to the middle of the list.
// The table's scrolling window: its scrollbar runs down its right edge.
const table = (await app.items()).find((i) => /contacts(#\d+)?_[0-9A-F]+$/.test(i.label));   // the table "contacts#N"'s scrolling window
const sx = (table.x + table.w - 7 * app.dpr) / app.dpr;
await page.mouse.move(sx, (table.y + 40) / app.dpr);
await page.mouse.down();
await page.mouse.move(sx, (table.y + table.h / 2) / app.dpr, { steps: 10 });
await page.mouse.up();
await app.drained(200);
fs1 = await page.evaluate(() => window.crmTest.frameStats(true));
s = await app.state();
report('scrollbar_drag_frame_max', fs1.max_ms, 'ms');
report('scrollbar_drag_reached_row', s.list.first_row, 'row');

// Search as you type: the frame that runs each keystroke's query.
await app.click('##search');
const per = [];
for (const ch of 'schmidt') {
  await page.evaluate(() => window.crmTest.frameStats(true));
  await page.keyboard.type(ch);
  await app.drained(60);
  per.push((await page.evaluate(() => window.crmTest.frameStats(true))).max_ms);
}
per.sort((a, b) => a - b);
report('search_keystroke_median', per[Math.floor(per.length / 2)], 'ms');
report('search_keystroke_max', per[per.length - 1], 'ms');

// One-field edit: what the save writes, and how long IndexedDB takes.
s = await app.waitState((x) => x.list && x.list.search === 'schmidt' && x.list.rows.length > 0, 'the search typed');
await app.click(s.list.rows[0].title);
await app.fill('##Job title', 'Benchmark ' + Date.now());
await app.key('Enter');
s = await app.waitState((x) => x.save && x.save.state === 'saved' && x.save.last_batch_bytes < 10 * 1048576, 'the edit to save');
report('edit_save_bytes', s.save.last_batch_bytes, 'bytes');
report('edit_save_blocks', s.save.last_batch_blocks, 'blocks of 4096');
report('edit_save_idb_ms', s.save.last_ms, 'ms');

await ctx.close();
await srv.close();
if (!keep) fs.rmSync(dir, { recursive: true, force: true });
