// bench.duplicates.mjs - the duplicate finder in Chromium at the benchmark
// size: Data quality > Find duplicates over every contact, from the click to
// the groups, with the worst frame while it runs (it works a slice a frame:
// the screen must stay usable). Prints "bench <name> <value> <unit>" lines;
// run by scripts/bench.sh.
//   node bench.duplicates.mjs [CONTACTS]    (default 100000; CRM_BENCH_PROFILE=DIR reuses a profile,
//   with CRM_BENCH_PORT=N the same origin, so its database too)
import { benchSession } from './lib.mjs';

const contacts = Number(process.argv[2] || 100000);
const report = (name, value, unit) => console.log(`bench ${name.padEnd(34)} ${Number(value).toFixed(3).padStart(14)} ${unit}`);
const { page, app, close } = await benchSession('duplicates', contacts);
let s = await app.state();
report('duplicates_contacts', s.contacts, 'contacts');
const frames = (reset = true) => page.evaluate((r) => window.crmTest.frameStats(r), reset);
await app.click('Data quality');
await frames();
const t0 = Date.now();
await app.click('Find duplicates');
s = await app.waitState((x) => x.quality && x.quality.scanned && !x.quality.running, 'the finder', 10 * 60 * 1000);
const ms = Date.now() - t0;
const f = await frames();
report('duplicates_find_in_page', ms, 'ms (click to groups, every contact)');
report('duplicates_records_checked', s.quality.records, 'records');
report('duplicates_groups', s.quality.groups.length, 'groups');
report('duplicates_worst_frame', f.max_ms, 'ms (while finding)');
await close();
