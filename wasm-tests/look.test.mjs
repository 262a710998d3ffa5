// look.test.mjs - the designed look on every screen, in both themes: icons
// on the rail, the record's actions and the timeline (Font Awesome merged
// into the atlas), states as coloured chips (tiers, statuses, lead bands,
// case priorities), initials avatars on people and accounts, empty states
// that say what to do next. Screenshots of every screen, a record, a form
// and an empty list in each theme: wasm-tests/out/look-{light,dark}-*.png.
// (The chips' and avatars' contrast is checked from the theme in a11y.test.)
// With LOOK_BEFORE_SITE (scripts/look-before.sh builds it; test.sh under
// FULL=1 or LOOK_BEFORE=1) the same tour of the build before the designed
// look: wasm-tests/out/before-{light,dark}-*.png.
// Prints "N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OUT, serve, startWithDemo, run, assert, eq } from './lib.mjs';

const srv = await serve();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-look-'));
let session;

const SCREENS = [['Dashboard', 'dashboard'], ['Contacts', 'contacts'], ['Accounts', 'accounts'], ['Leads', 'leads'],
                 ['Pipeline', 'pipeline'], ['Cases', 'cases'], ['Campaigns', 'campaigns'], ['Analytics', 'analytics'],
                 ['Data', 'data'], ['Data quality', 'quality'], ['Settings', 'settings']];
const CHIPS_ON = new Set(['accounts', 'leads', 'cases', 'campaigns']);

// `prefix` 'before': the build before the designed look, screenshots only.
async function tour(theme, prefix = 'look') {
  const { app } = session;
  const designed = prefix === 'look';
  const figures = [];
  for (const [label, screen] of SCREENS) {
    await app.click(label);
    const s = await app.waitState((x) => x.screen === screen && !x.record, label);
    await app.settle(300);
    if (designed) {
      const look = (await app.state()).look;
      assert(look.icons >= SCREENS.length, `${theme} ${screen}: the rail's icons drawn (${look.icons})`);
      if (CHIPS_ON.has(screen)) assert(look.chips > 3, `${theme} ${screen}: states as chips (${look.chips})`);
      figures.push(`${screen} ${look.icons}/${look.chips}`);
    }
    await app.screenshot(`${prefix}-${theme}-${screen}.png`);
    void s;
  }
  if (designed) console.log(`  ${theme}: icons/chips per screen: ${figures.join(', ')}`);
  // A contact: the avatar, the actions' and the timeline's icons.
  await app.click('Contacts');
  const s = await app.waitState((x) => x.list && x.list.rows.length > 0, 'the contacts');
  await app.click(s.list.rows[0].title);
  await app.waitState((x) => x.record && x.record.entity === 'contacts', 'a contact open');
  await app.settle(300);
  if (designed) {
    const look = (await app.state()).look;
    eq(look.avatars, 1, `${theme}: the contact's initials`);
    assert(look.icons >= SCREENS.length + 8, `${theme}: the actions carry icons (${look.icons})`);
  }
  await app.screenshot(`${prefix}-${theme}-record.png`);
  await app.click('Edit');
  await app.waitState((x) => x.dialog === 'edit contact', 'the form');
  await app.screenshot(`${prefix}-${theme}-form.png`);
  await app.key('Escape');
  await app.waitState((x) => x.dialog === '', 'the form closed');
  await app.click(designed ? 'Back' : '< Back');
}

const tests = [
  ['light theme: every screen with icons and chips, a record with its avatar, a form', async () => {
    session = await startWithDemo(srv.url, dir);
    eq((await session.app.state()).dark, false, 'the light theme first');
    await tour('light');
  }],

  ['an empty result says so and offers the way back', async () => {
    const { app } = session;
    await app.click('Contacts');
    await app.fill('##search', 'zzqxv');
    await app.waitState((x) => x.list && x.list.count === 0, 'no match');
    await app.screenshot('look-light-empty-search.png');
    await app.click('Clear the search and filters');
    const s = await app.waitState((x) => x.list && x.list.count > 100 && x.list.search === '', 'the list back');
    assert(s.list.rows.length > 0, 'rows again');
  }],

  ['dark theme: the same tour', async () => {
    const { app } = session;
    await app.click('View');
    await app.click('Dark theme');
    await app.waitState((x) => x.dark, 'the dark theme');
    await tour('dark');
    await session.ctx.close();
  }],
];

const BEFORE = process.env.LOOK_BEFORE_SITE;
if (BEFORE) {
  tests.push(['before the designed look: the same tour in both themes, screenshots only', async () => {
    const old = await serve(BEFORE);
    const oldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-look-before-'));
    for (const f of fs.readdirSync(OUT)) if (/^before-(light|dark)-/.test(f)) fs.rmSync(path.join(OUT, f));
    session = null;
    try {
      session = await startWithDemo(old.url, oldDir);
      await tour('light', 'before');
      await session.app.click('View');
      await session.app.click('Dark theme');
      await session.app.waitState((x) => x.dark, 'the dark theme');
      await tour('dark', 'before');
      const shots = fs.readdirSync(OUT).filter((f) => /^before-(light|dark)-/.test(f));
      assert(shots.length >= 2 * (SCREENS.length + 2), `before screenshots of every screen, a record and a form in both themes (${shots.length})`);
    } finally {
      if (session) await session.ctx.close();
      await old.close();
      fs.rmSync(oldDir, { recursive: true, force: true });
    }
  }]);
}

const failed = await run(tests);
await srv.close();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
