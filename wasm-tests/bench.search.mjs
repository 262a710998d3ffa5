// bench.search.mjs - search as you type in Chromium at the benchmark size:
// the worst frame of each keystroke in the contact list's search box and in
// the global search (Ctrl+K), for a broad and a narrow word. Prints
// "bench <name> <value> <unit>" lines; run by scripts/bench.sh.
//   node bench.search.mjs [CONTACTS]   (default 100000; CRM_BENCH_PROFILE=DIR and
//   CRM_BENCH_PORT=N reuse a profile and its origin, so its database)
import { benchSession } from './lib.mjs';

const contacts = Number(process.argv[2] || 100000);
const report = (name, value, unit) => console.log(`bench ${name.padEnd(34)} ${Number(value).toFixed(3).padStart(14)} ${unit}`);
const { page, app, close } = await benchSession('search', contacts);
let s = await app.state();
report('search_contacts', s.contacts, 'contacts');

const frames = () => page.evaluate(() => window.crmTest.frameStats(true));
// Types `word` one key at a time; the worst frame of each keystroke, sorted.
async function typeWord(word) {
  const per = [];
  for (const ch of word) {
    await frames();
    await page.keyboard.type(ch);
    await app.drained(60);
    per.push((await frames()).max_ms);
  }
  return per;
}
async function clear() {
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await app.drained(60);
}
const all = { list: [], global: [] };
await app.click('Contacts');
await app.click('##search');
for (const word of ['schmidt', 'anna', 'm']) {
  const per = await typeWord(word);
  all.list.push(...per);
  s = await app.state();
  report(`list_${word}_first_key`, per[0], `ms (${s.list.count} matches at the end)`);
  report(`list_${word}_worst_key`, Math.max(...per), `ms (${per.map((x) => x.toFixed(0)).join(" ")})`);
  await clear();
}
await page.keyboard.press('Control+K');
await app.drained(60);
for (const word of ['schmidt', 'anna', 'm']) {
  const per = await typeWord(word);
  all.global.push(...per);
  report(`global_${word}_first_key`, per[0], 'ms');
  report(`global_${word}_worst_key`, Math.max(...per), 'ms');
  await clear();
}
for (const [k, v] of Object.entries(all)) {
  v.sort((a, b) => a - b);
  report(`${k}_keystroke_median`, v[Math.floor(v.length / 2)], 'ms');
  report(`${k}_keystroke_max`, v[v.length - 1], 'ms');
}
await close();
