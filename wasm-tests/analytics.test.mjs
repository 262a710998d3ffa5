// analytics.test.mjs - the analytical CRM through the real interface in
// Chromium, on the demo data: each Analytics page opens (a screenshot of each
// is saved in wasm-tests/out/ to look at), a filter changes the figures, a
// bar, a donut slice, a heat-map cell and a table row drill down into the
// records they count, an RFM segment becomes a campaign segment, a table
// exports as CSV matching `crm report`'s columns, the Dashboard's charts open
// their pages, and a customer's 360 view shows their value and what to offer
// next. Prints "N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve, startWithDemo, launchPersistent, App, run, assert, eq } from './lib.mjs';

const srv = await serve();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-analytics-'));
const start = () => startWithDemo(srv.url, path.join(tmp, 'profile-' + Math.random().toString(36).slice(2)));

const download = (app, label) => app.download(label, tmp);

const ready = (app) => app.waitState((x) => x.analytics.ready && !x.analytics.loading && !x.analytics.computing, 'the analytics working set', 60000);

async function openAnalytics(app) {
  await app.click('Analytics');
  return ready(app);
}

// Pixels of the chart palette's first colour (blue, 0 114 178, at any
// blend) inside an item's rectangle, read from a real screenshot.
async function bluePixels(app, item) {
  const png = await app.page.screenshot({ clip: { x: item.x / app.dpr, y: item.y / app.dpr, width: item.w / app.dpr, height: item.h / app.dpr } });
  return app.page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = new OffscreenCanvas(img.width, img.height);
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, img.width, img.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 2] > d[i] + 50 && d[i + 2] > d[i + 1] + 15) n++;
    return n;
  }, png.toString('base64'));
}

const tests = [
  ['every Analytics page draws its charts and tables on the demo data (screenshots in wasm-tests/out)', async () => {
    const { ctx, app } = await start();
    await openAnalytics(app);
    const expect = {
      'Value': 'Top customers: ', 'Retention': 'Churn by month: ', 'RFM': 'RFM segments: ', 'Sales': 'Funnel: ',
      'Service': 'Service levels: ', 'Channels': 'Channels: ', 'Cross-sell': 'Rules by lift: ', 'Pivot': 'Pivot: ',
    };
    for (const [page, mark] of Object.entries(expect)) {
      await app.click(page);
      const s = await app.waitState((x) => x.analytics.page === page && !x.analytics.computing, 'page ' + page);
      const items = await app.items();
      assert(items.some((i) => i.label.startsWith(mark)), `the ${page} page draws a chart with marks labelled "${mark}..."`);
      assert(s.analytics.last_compute_ms < 2000, `a page computes in well under 2 s (${s.analytics.last_compute_ms} ms)`);
      await app.screenshot(`analytics-${page.toLowerCase()}.png`);
      if (page === 'RFM') {
        // The customers' points are drawn by the GPU (shaders/points.*), not as ImGui shapes: they must be on screen.
        // Scrolled until the whole plot shows (an item's rectangle is its visible part).
        let plot = await app.scrollTo('RFM scatter: plot');
        for (let i = 0; i < 10 && plot.h < 150 * app.dpr; i++) {
          await app.page.mouse.wheel(0, 150);
          await app.drained(60);
          plot = await app.find('RFM scatter: plot');
        }
        await app.screenshot('analytics-rfm-scatter.png');
        const n = await bluePixels(app, plot);
        assert(n > 50, `the RFM scatter shows its customers' points (${n} point pixels in the plot)`);
      }
      await app.scrollTo(/^Export CSV##/);                                  // the table behind the chart, further down
      await app.screenshot(`analytics-${page.toLowerCase()}-table.png`);
    }
    const s = await app.state();
    console.log(`  working set loaded in ${s.analytics.load_ms.toFixed(0)} ms, worst slice ${s.analytics.worst_slice_ms.toFixed(1)} ms`);
    assert(s.analytics.worst_slice_ms < 100, 'loading never holds a frame for long');
    // Once the figures are there, an untouched Analytics page draws nothing (no battery spent).
    eq(await app.idleFrames(), 0, 'frames drawn by an untouched Analytics page');
    await ctx.close();
  }],

  ['a filter changes the figures; a bar drills into its records and a record opens from the list', async () => {
    const { ctx, app } = await start();
    await openAnalytics(app);
    await app.click('Value');
    const before = (await app.items()).filter((i) => i.label.startsWith('Top customers: ')).map((i) => i.label);
    assert(before.length > 0, 'top customers drawn');
    // The biggest customers are mostly Gold: the Bronze ones are others.
    await app.click('Tier');
    await app.click('Bronze');
    let s = await app.waitState((x) => x.analytics.filter === 'tier Bronze' && !x.analytics.computing, 'the tier filter');
    await app.settle(200);
    const after = (await app.items()).filter((i) => i.label.startsWith('Top customers: ')).map((i) => i.label);
    assert(after.join() !== before.join(), 'the Bronze customers differ from everyone');
    await app.click(after[0]);
    s = await app.waitState((x) => x.analytics.drill && x.analytics.drill.entity === 'accounts', 'the drill-down list');
    eq(s.analytics.drill.count, 1, 'a customer bar lists that customer');
    const row = (await app.items()).find((i) => i.label.startsWith('drill: '));
    assert(row, 'the list shows the record');
    await app.click(row.label);
    s = await app.waitState((x) => x.record && x.record.entity === 'accounts', 'the account opened from the list');
    eq(s.record.fields.tier, 'Bronze', 'the drilled customer is Bronze');
    // Its 360 view has the Value tab.
    await app.click('Value###value');
    await app.find(/^Customers who bought what they bought also bought/).catch(() => {});
    await app.screenshot('analytics-customer-value.png');
    await ctx.close();
  }],

  ['an RFM segment drills into its customers and is saved as a campaign segment; a cohort cell drills too', async () => {
    const { ctx, app } = await start();
    await openAnalytics(app);
    await app.click('RFM');
    const slice = (await app.items()).find((i) => i.label.startsWith('RFM segments: Champions'))
      || (await app.items()).find((i) => i.label.startsWith('RFM segments: '));
    await app.click(slice.label);
    const s0 = await app.waitState((x) => x.analytics.drill && x.analytics.drill.entity === 'accounts', 'the segment list');
    assert(s0.analytics.drill.count > 0, 'the segment has customers');
    let s;
    await app.click('Save as campaign segment');
    await app.waitState((x) => /Segment saved/.test(x.notice), 'the saved segment');
    await app.click('Retention');
    const cell = await app.scrollTo(/^Cohorts: .* \/ m1$/);
    assert(cell, 'the cohort heat map has an m1 cell');
    await app.click(cell.label);
    s = await app.waitState((x) => x.analytics.drill && /^Cohort /.test(x.analytics.drill.title), 'the cohort list');
    assert(s.analytics.drill.count > 0, 'the cohort has customers');
    // The segment is in the database, for campaigns: the saved file read by the sqlite3 CLI.
    await app.waitSaved();
    await app.click('Data');
    const file = await download(app, 'Database file (.sqlite)');
    const rules = execFileSync('sqlite3', [file, "SELECT rules FROM segments WHERE name LIKE 'RFM %' AND deleted = 0"], { encoding: 'utf8' }).trim();
    const ids = JSON.parse(rules).any[0].value;
    eq(ids.length, s0.analytics.drill.count, 'the segment holds the drilled customers');
    const members = execFileSync('sqlite3', [file, `SELECT count(*) FROM contacts WHERE deleted = 0 AND account_id IN (${ids.map((i) => `'${i}'`).join(',')})`],
                                 { encoding: 'utf8' }).trim();
    assert(Number(members) > 0, 'their contacts are the segment members');
    await ctx.close();
  }],

  ['a table exports as CSV with the columns crm report prints; the Dashboard charts open their pages', async () => {
    const { ctx, app } = await start();
    await openAnalytics(app);
    await app.click('Cross-sell');
    await app.scrollTo('Export CSV##rules');
    const csv = fs.readFileSync(await download(app, 'Export CSV##rules'), 'utf8');
    const lines = csv.split('\n').filter((l) => !l.startsWith('#') && l);
    eq(lines[0], 'antecedent,consequent,count,support,confidence,lift', 'rules CSV header');
    assert(lines.length > 5, 'the demo data gives rules: ' + lines.length);
    await app.click('Sales');
    await app.scrollTo('Export CSV##sales');
    const sales = fs.readFileSync(await download(app, 'Export CSV##sales'), 'utf8');
    assert(sales.includes('measure,value,previous,unit') && sales.includes('win rate'), 'the sales table exported');
    await app.click('Dashboard');
    await ready(app);
    const bar = (await app.items()).find((i) => i.label.startsWith('Dashboard cases: '));
    assert(bar, 'the dashboard draws the open cases chart');
    await app.click(bar.label);
    const s = await app.waitState((x) => x.screen === 'analytics' && x.analytics.page === 'Service', 'the Service page from the dashboard');
    await app.screenshot('dashboard-to-service.png');
    eq(s.screen, 'analytics', 'screen');
    await app.click('Dashboard');
    await app.screenshot('dashboard.png');
    await ctx.close();
  }],
  ['the charts in the dark theme on a high-density screen (device pixel ratio 2): marks where they are drawn', async () => {
    const dir = path.join(tmp, 'profile-dpr2');
    const ctx = await launchPersistent(dir, { deviceScaleFactor: 2, viewport: { width: 1200, height: 800 } });
    const page = await ctx.newPage();
    const app = await App.open(page, srv.url);
    await app.click('Load demo data');
    await app.waitState((x) => !x.demo_running && !x.first_run, 'demo data', 120000);
    await app.click('View');
    await app.click('Dark theme');
    await app.waitState((x) => x.dark, 'the dark theme');
    await openAnalytics(app);
    await app.click('Sales');
    await app.waitState((x) => x.analytics.page === 'Sales' && !x.analytics.computing, 'the Sales page');
    await app.screenshot('analytics-sales-dark-dpr2.png');
    // A click on a funnel stage at device pixel ratio 2 lands on that stage.
    await app.click('Funnel: develop');
    const s = await app.waitState((x) => x.analytics.drill && x.analytics.drill.entity === 'opportunities', 'the funnel drill-down');
    eq(s.analytics.drill.title, 'Reached develop', 'the stage clicked');
    await ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
