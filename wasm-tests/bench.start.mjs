// bench.start.mjs - where the time goes from navigation to the first frame,
// on a new user's empty database and then on a reload, three times each
// (fresh profiles): shell.js running, crm.wasm arrived, the module ready
// (compiled, instantiated, its runtime started), the
// stored blocks read, main() done (database opened, app set up), the first
// frame drawn. Prints "bench <name> <value> <unit>" lines (medians).
//   node bench.start.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launchPersistent, App } from './lib.mjs';

const report = (name, value, unit) => console.log(`bench ${name.padEnd(34)} ${Number(value).toFixed(3).padStart(14)} ${unit}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const marks = ['crm-shell-start', 'crm-wasm-arrived', 'crm-runtime-ready', 'crm-blocks-read', 'crm-main-done', 'crm-first-frame'];
const srv = await serve();
const runs = { first: [], reload: [] };
for (let i = 0; i < 3; i++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-start-'));
  const ctx = await launchPersistent(dir);
  const page = await ctx.newPage();
  for (const kind of ['first', 'reload']) {
    if (kind === 'first') await page.goto(srv.url);
    else await page.reload();
    await new App(page).ready();
    runs[kind].push(await page.evaluate((names) => Object.fromEntries(names.map((n) => {
      if (n === 'crm-wasm-arrived') return [n, performance.getEntriesByType('resource').find((e) => e.name.endsWith('/crm.wasm')).responseEnd];
      return [n, performance.getEntriesByName(n)[0].startTime];
    })), marks));
  }
  await ctx.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
for (const kind of ['first', 'reload'])
  for (const m of marks) report(`start_${kind}_${m.replace('crm-', '').replace(/-/g, '_')}`, median(runs[kind].map((r) => r[m])), 'ms from navigation');
await srv.close();
