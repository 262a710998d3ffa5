// bench.analytics.mjs - the Analytics screen in Chromium at the benchmark
// size: the working set's load (in slices) and its worst frame, then each
// page's first computation and a filter change, with the worst frame while
// computing. Prints "bench <name> <value> <unit>" lines; run by scripts/bench.sh.
//   node bench.analytics.mjs [CONTACTS]     (default 100000; CRM_BENCH_PROFILE=DIR reuses a profile,
//   with CRM_BENCH_PORT=N the same origin, so its database too)
import { benchSession } from './lib.mjs';

const contacts = Number(process.argv[2] || 100000);
const report = (name, value, unit) => console.log(`bench ${name.padEnd(34)} ${Number(value).toFixed(3).padStart(14)} ${unit}`);
const { page, app, close } = await benchSession('analytics', contacts);
let s = await app.state();
report('analytics_contacts', s.contacts, 'contacts');
const frames = (reset = true) => page.evaluate((r) => window.crmTest.frameStats(r), reset);
const idle = (what) => app.waitState((x) => x.analytics.ready && !x.analytics.loading && !x.analytics.computing, what, 10 * 60 * 1000);

await frames();
let t0 = Date.now();
await app.click('Analytics');
s = await idle('the working set');
let f = await frames();
report('analytics_first_open', Date.now() - t0, 'ms');
report('analytics_load_in_page', s.analytics.load_ms, 'ms');
report('analytics_load_worst_slice', s.analytics.worst_slice_ms, 'ms');
report('analytics_first_open_worst_frame', f.max_ms, 'ms');

let worstPage = 0, worstFrame = 0;
for (const p of ['Value', 'Retention', 'RFM', 'Sales', 'Service', 'Channels', 'Cross-sell', 'Pivot']) {
  await frames();
  t0 = Date.now();
  await app.click(p);
  s = await idle('page ' + p);
  const ms = Date.now() - t0;
  f = await frames();
  report(`page_${p.toLowerCase()}_ms`, ms, 'ms (click to figures, with input latency)');
  report(`page_${p.toLowerCase()}_compute`, s.analytics.page_compute_ms, 'ms (its reports, summed)');
  report(`page_${p.toLowerCase()}_worst_frame`, f.max_ms, 'ms');
  worstPage = Math.max(worstPage, ms);
  worstFrame = Math.max(worstFrame, f.max_ms);
}
// A filter change on the Sales page: five reports again.
await app.click('Sales');
await idle('sales');
await frames();
t0 = Date.now();
await app.click('Tier');
await app.click('Gold');
await idle('the filter');
f = await frames();
report('filter_change_sales_ms', Date.now() - t0, 'ms (two clicks and the figures)');
report('filter_change_worst_frame', f.max_ms, 'ms');
s = await app.state();
report('analytics_slowest_single_report', s.analytics.worst_compute_ms, 'ms');
report('analytics_worst_page', worstPage, 'ms');
report('analytics_worst_frame', Math.max(worstFrame, f.max_ms), 'ms');
await close();
