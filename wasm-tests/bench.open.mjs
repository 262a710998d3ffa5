// bench.open.mjs - opening a large database on demand in Chromium (issue 11):
// three reloads of the benchmark-size profile, each timed from navigation to
// the first frame that shows data (the contact list with its rows), the wasm
// heap then and after the background has brought the rest, the hot snapshot
// read first and the fetches the first screen still needed. Prints
// "bench <name> <value> <unit>" lines (medians); run by scripts/bench.sh.
//   node bench.open.mjs [CONTACTS]   (default 100000; CRM_BENCH_PROFILE=DIR and
//   CRM_BENCH_PORT=N reuse a profile and its origin, so its database)
import { benchSession } from './lib.mjs';

const contacts = Number(process.argv[2] || 100000);
const report = (name, value, unit) => console.log(`bench ${name.padEnd(34)} ${Number(value).toFixed(3).padStart(14)} ${unit}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const { page, app, close } = await benchSession('open', contacts);
report('open_contacts', (await app.state()).contacts, 'contacts');
const marks = ['crm-early-read', 'crm-runtime-ready', 'crm-fonts-ready', 'crm-lock-held', 'crm-blocks-read', 'crm-main-done', 'crm-first-frame', 'crm-first-data'];
const runs = [];
// The first reload after the set-up writes no hot snapshot yet: a warm-up.
for (let i = 0; i < 4; i++) {
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('crm-first-data').length > 0, null, {timeout: 600000, polling: 20});
  const r = await page.evaluate((names) => ({
    marks: Object.fromEntries(names.map((n) => [n, (performance.getEntriesByName(n)[0] || {startTime: NaN}).startTime])),
    heap: Module.HEAPU8.length, stats: window.crmLazyStats || {}, lazy: window.crmLoadStats.lazy,
  }), marks);
  // The rest arrives in the background; the hot snapshot follows.
  const t0 = Date.now();
  await page.waitForFunction(() => window.crmLazyStats && window.crmLazyStats.hotWritten > 0, null, {timeout: 900000, polling: 250}).catch(() => {});
  r.background_s = (Date.now() - t0) / 1000;
  r.heap_after = await page.evaluate(() => Module.HEAPU8.length);
  r.resident = await page.evaluate(() => Module._crm_resident_bytes());
  if (i > 0) runs.push(r);
}
console.log(`  opened on demand: ${runs.every((r) => r.lazy)}`);
for (const m of marks) report(`open_${m.replace('crm-', '').replace(/-/g, '_')}`, median(runs.map((r) => r.marks[m])), 'ms from navigation');
report('open_heap_at_first_data', median(runs.map((r) => r.heap)) / 1048576, 'MiB');
report('open_heap_after_background', median(runs.map((r) => r.heap_after)) / 1048576, 'MiB');
report('open_hot_blocks', median(runs.map((r) => r.stats.hotBlocks || 0)), 'blocks');
report('open_file_blocks', median(runs.map((r) => r.stats.fileBlocks || 0)), 'blocks');
report('open_fetches_before_first_data', median(runs.map((r) => r.stats.fetches || 0)), 'fetches');
report('open_background_load', median(runs.map((r) => r.background_s)), 's');
report('open_resident_blocks_after_background', median(runs.map((r) => r.resident)) / 1048576, 'MiB');
// Then use: searches, records, a scroll to the middle of the list, every
// analytics page (its working set reads every table): memory should stay
// bounded by the cache limit plus what the screens themselves hold.
await app.ready();   // the test hooks again, after the reloads
const t0 = Date.now();
for (const q of ['s', 'sch', 'mar', 'an', '']) {
  await app.fill('##search', q);
  await app.waitState((x) => x.list && x.list.search === q && (x.list.rows.length > 0 || x.list.count === 0), 'the search ' + q, 120000);
}
for (let i = 0; i < 5; i++) {
  const s = await app.waitState((x) => x.list && x.list.rows.length > 10, 'the list', 120000);
  const title = s.list.rows[3 + i].title;
  await app.click(title);
  await app.waitState((x) => x.record && x.record.title === title, 'the record', 120000);
  await app.click('Back');
}
await app.click('Analytics');
await app.waitState((x) => x.analytics.ready && !x.analytics.loading && !x.analytics.computing, 'the analytics working set', 15 * 60 * 1000);
for (const p of ['Value', 'Retention', 'RFM', 'Sales', 'Service', 'Cross-sell']) {
  await app.click(p);
  await app.waitState((x) => x.analytics.page === p && !x.analytics.computing, 'page ' + p, 120000);
}
const used = await page.evaluate(() => ({ heap: Module.HEAPU8.length, resident: Module._crm_resident_bytes() }));
report('open_use_minutes', (Date.now() - t0) / 60000, 'min (searches, records, every analytics page)');
report('open_heap_after_use', used.heap / 1048576, 'MiB');
report('open_resident_blocks_after_use', used.resident / 1048576, 'MiB');
await close();
