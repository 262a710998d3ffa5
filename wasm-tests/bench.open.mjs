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
const marks = ['crm-runtime-ready', 'crm-blocks-read', 'crm-main-done', 'crm-first-frame', 'crm-first-data'];
const runs = [];
// The first reload after the set-up writes no hot snapshot yet: a warm-up.
for (let i = 0; i < 4; i++) {
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('crm-first-data').length > 0, null, {timeout: 600000, polling: 20});
  const r = await page.evaluate((names) => ({
    marks: Object.fromEntries(names.map((n) => [n, performance.getEntriesByName(n)[0].startTime])),
    heap: Module.HEAPU8.length, stats: window.crmLazyStats || {}, lazy: window.crmLoadStats.lazy,
  }), marks);
  // The rest arrives in the background; the hot snapshot follows.
  const t0 = Date.now();
  await page.waitForFunction(() => window.crmLazyStats && window.crmLazyStats.hotWritten > 0, null, {timeout: 900000, polling: 250}).catch(() => {});
  r.background_s = (Date.now() - t0) / 1000;
  r.heap_after = await page.evaluate(() => Module.HEAPU8.length);
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
await close();
