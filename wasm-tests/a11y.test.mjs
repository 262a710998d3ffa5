// a11y.test.mjs - the accessible mirror in Chromium, read as a screen reader
// reads it: Chromium's accessibility tree over CDP (Accessibility.getFullAXTree).
// Every interactive item on every screen has a role and a name; the contacts
// list is a grid that tells its row count and the rows shown, not 1,000 rows;
// a contact is created, found and given a note only through the page's focus
// and the keyboard, as a screen-reader user does; dialogs and notices are
// announced. Prints the mirror's cost per frame and the tree's size.
// Prints "N passed, M failed" and exits non-zero on failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launchPersistent, App, run, assert, eq, axTree, unnamed } from './lib.mjs';

const srv = await serve();
const profiles = [];
function profile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-a11y-'));
  profiles.push(dir);
  return dir;
}

const SCREENS = ['Dashboard', 'Contacts', 'Accounts', 'Leads', 'Pipeline', 'Cases', 'Campaigns', 'Analytics', 'Data',
                 'Data quality', 'Settings'];

// Waits until the mirror shows the tab `name` as the chosen one.
async function tabShown(page, name) {
  await page.waitForFunction((n) => [...document.querySelectorAll('#a11y [role=tab][aria-selected=true]')]
    .some((e) => e.getAttribute('aria-label') === n), name, { timeout: 8000 });
}

// Moves the page's focus onto the element a screen reader would (role and
// accessible name), as its virtual cursor or a script does.
async function focusOn(app, role, name, timeout = 8000) {
  const loc = app.page.getByRole(role, { name, exact: true }).last();
  await loc.waitFor({ state: 'attached', timeout });
  await loc.focus();
  await app.settle(80);
  return loc;
}

async function emptyAppByKeyboard(dir) {
  const ctx = await launchPersistent(dir);
  const page = await ctx.newPage();
  const app = await App.open(page, srv.url);
  await focusOn(app, 'button', 'Start empty');
  await app.key('Enter');
  await app.waitState((x) => !x.first_run, 'the welcome dialog to close');
  return { ctx, page, app };
}

// WCAG 2.x contrast of two sRGB colours (alpha blended over the surface first).
function luminance([r, g, b]) {
  const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
const over = (fg, bg) => [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
const contrast = (fg, bg) => {
  const a = luminance(over(fg, bg)), b = luminance(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
};

// Every text colour on every surface it is drawn on, and the edges and focus ring, in one theme.
function contrastProblems(theme) {
  const c = theme.colors, p = theme.palette;
  const win = over(c.WindowBg, [0, 0, 0]);
  const child = over(c.ChildBg, win);
  const surfaces = { WindowBg: win, ChildBg: child, PopupBg: over(c.PopupBg, win), FrameBg: over(c.FrameBg, child),
                     'Header (selected row)': over(c.Header, child), TableRowBgAlt: over(c.TableRowBgAlt, child),
                     MenuBarBg: over(c.MenuBarBg, win) };
  const strong = { Button: over(c.Button, child), ButtonHovered: over(c.ButtonHovered, child), ButtonActive: over(c.ButtonActive, child),
                   HeaderHovered: over(c.HeaderHovered, child), HeaderActive: over(c.HeaderActive, child),
                   TableHeaderBg: over(c.TableHeaderBg, child), Tab: over(c.Tab, win), TabHovered: over(c.TabHovered, win),
                   TabActive: over(c.TabActive, win) };
  const problems = [];
  const check = (what, fg, bg, bgName, min) => {
    const r = contrast(fg, bg);
    if (r < min) problems.push(`${theme.dark ? 'dark' : 'light'}: ${what} on ${bgName} ${r.toFixed(2)}:1 (needs ${min}:1)`);
  };
  const texts = { Text: c.Text, TextDisabled: c.TextDisabled, error: p.error, warning: p.warning, success: p.success, info: p.info };
  for (const [t, fg] of Object.entries(texts)) for (const [s, bg] of Object.entries(surfaces)) check(t, fg, bg, s, 4.5);
  for (const [s, bg] of Object.entries(strong)) check('Text', c.Text, bg, s, 4.5);
  for (const s of ['WindowBg', 'ChildBg', 'PopupBg']) check('a field\'s edge (Border)', c.Border, surfaces[s], s, 3);
  for (const s of ['ChildBg', 'PopupBg']) check('the focus ring (NavHighlight)', c.NavHighlight, surfaces[s], s, 3);
  check('a check mark', c.CheckMark, surfaces.FrameBg, 'FrameBg', 3);
  // Chips (statuses, tiers, score bands): the text on each tint; avatars: white initials on each colour.
  (theme.chips || []).forEach((bg, i) => check('Text', c.Text, over(bg, child), `chip tone ${i}`, 4.5));
  (theme.avatars || []).forEach((bg, i) => check('white initials', [1, 1, 1, 1], over(bg, child), `avatar colour ${i}`, 4.5));
  if (!(theme.chips && theme.chips.length >= 8 && theme.avatars && theme.avatars.length >= 8)) problems.push('the theme tells no chip or avatar colours');
  if (!(theme.frame_border >= 1)) problems.push('fields and buttons have no edge (FrameBorderSize 0)');
  return problems;
}

const tests = [
  ['both themes pass WCAG AA contrast: text 4.5:1 on every surface, edges and the focus ring 3:1', async () => {
    const { ctx, page, app } = await emptyAppByKeyboard(profile());
    const theme = () => page.evaluate(() => JSON.parse(Module.UTF8ToString(Module._crm_theme())));
    const light = await theme();
    assert(!light.dark, 'starts in the light theme');
    await app.click('View');
    await app.click('Dark theme');
    await app.waitState((x) => x.dark, 'the dark theme');
    const dark = await theme();
    const problems = [...contrastProblems(light), ...contrastProblems(dark)];
    await app.screenshot('theme-dark.png');
    assert(problems.length === 0, 'contrast below WCAG AA:\n    ' + problems.join('\n    '));
    await ctx.close();
  }],

  ['every interactive item on every screen has a role and a name; the list is a grid with its row count', async () => {
    const dir = profile();
    const ctx = await launchPersistent(dir);
    const page = await ctx.newPage();
    const app = await App.open(page, srv.url);
    let r = await unnamed(page, 'welcome');
    const problems = [...r.bad];
    await app.click('Load demo data');
    await app.waitState((x) => !x.demo_running && !x.first_run && x.contacts === 1000, 'demo data', 120000);
    await app.waitSaved();
    const passed = [];
    for (const screen of SCREENS) {
      await app.click(screen, { window: 'nav' });
      await app.settle(200);
      r = await unnamed(page, screen);
      assert(r.items > 3, `${screen} shows interactive items to a screen reader (${r.items})`);
      problems.push(...r.bad);
      if (!r.bad.length) passed.push(screen);
      // The rail says which screen is the current one.
      const current = await page.evaluate(() => [...document.querySelectorAll('#a11y [aria-current="page"]')].map((e) => e.getAttribute('aria-label')));
      eq(current.join(), screen, 'the current screen on the rail');
    }
    // And every tab of the screens that have them.
    const TABS = [['Pipeline', ['Board', 'Table', 'Forecast']],
                  ['Analytics', ['Value', 'Retention', 'RFM', 'Sales', 'Service', 'Channels', 'Cross-sell', 'Pivot']],
                  ['Data quality', ['Duplicates', 'Data health']],
                  ['Settings', ['Lead assignment', 'Lead scoring', 'Service levels', 'Queues', 'Knowledge base', 'E-mail templates',
                                'Segments', 'Journeys', 'Custom fields', 'Analytics', 'Sync', 'Users', 'Region']]];
    for (const [screen, tabs] of TABS) {
      await app.click(screen, { window: 'nav' });
      for (const tab of tabs) {
        await app.click(tab, { window: 'content' });
        await tabShown(page, tab);
        await app.settle(200);
        r = await unnamed(page, `${screen} > ${tab}`);
        problems.push(...r.bad);
        if (!r.bad.length) passed.push(`${screen} > ${tab}`);
      }
    }
    // The contacts list: a grid of 1,001 rows (the header and every contact), of which only those shown exist.
    await app.click('Contacts', { window: 'nav' });
    await app.settle(200);
    const grid = await page.evaluate(() => {
      const g = document.querySelector('#a11y [role=grid]');
      const rows = [...g.querySelectorAll('[role=row]')];
      return { name: g.getAttribute('aria-label'), count: g.getAttribute('aria-rowcount'), rows: rows.length,
               index: rows.map((x) => Number(x.getAttribute('aria-rowindex'))),
               headers: [...g.querySelectorAll('[role=columnheader]')].map((x) => x.textContent),
               first: rows[1] ? [...rows[1].querySelectorAll('[role=gridcell]')].map((x) => x.textContent) : [] };
    });
    eq(grid.count, '1001', 'aria-rowcount of the contacts grid');
    assert(grid.rows > 5 && grid.rows < 80, `only the rows shown are in the tree (${grid.rows})`);
    eq(grid.index[0], 1, 'the header row is row 1');
    eq(grid.index[1], 2, 'the first contact is row 2');
    assert(grid.headers.includes('Name') && grid.headers.includes('E-mail'), 'column headers named: ' + grid.headers.join(', '));
    assert(grid.first.length === grid.headers.length && grid.first[0].length > 2, 'a row has a cell per column: ' + grid.first.join(' | '));
    const listTree = await axTree(page);
    // A sortable column's header sorts the list when a screen reader activates it.
    const sortOf = () => page.evaluate(() => {
      const h = [...document.querySelectorAll('#a11y [role=grid] [role=columnheader]')].find((x) => x.textContent === 'Name');
      return h.getAttribute('aria-sort');
    });
    eq(await sortOf(), 'ascending', 'the list sorted by name, A to Z');
    const firstBefore = grid.first[0];
    await page.evaluate(() => [...document.querySelectorAll('#a11y [role=grid] [role=columnheader]')].find((x) => x.textContent === 'Name').click());
    await page.waitForFunction(() => [...document.querySelectorAll('#a11y [role=grid] [role=columnheader]')]
      .find((x) => x.textContent === 'Name').getAttribute('aria-sort') === 'descending', null, { timeout: 8000 });
    const firstAfter = await page.evaluate(() => document.querySelectorAll('#a11y [role=grid] [role=row]')[1].querySelector('[role=gridcell]').textContent);
    assert(firstAfter !== firstBefore, `Z to A: the first row is now ${firstAfter}, was ${firstBefore}`);
    await page.evaluate(() => [...document.querySelectorAll('#a11y [role=grid] [role=columnheader]')].find((x) => x.textContent === 'Name').click());
    await page.waitForFunction(() => [...document.querySelectorAll('#a11y [role=grid] [role=columnheader]')]
      .find((x) => x.textContent === 'Name').getAttribute('aria-sort') === 'ascending', null, { timeout: 8000 });
    // Scrolled down, the rows shown say where they are in the list; the
    // mirror's cost per frame is measured over this scroll.
    const mirrorStats = (reset) => page.evaluate((r) => ({ cpp: JSON.parse(Module.UTF8ToString(Module._crm_a11y_stats(r))), dom: window.crmA11y.stats(r) }), reset);
    await page.mouse.move(700, 500);
    for (let i = 0; i < 10; i++) {
      await page.mouse.wheel(0, 400);
      await app.drained(30);
    }
    await app.settle(300);
    // The cost while the list scrolls at the display's rate: a wheel event
    // every frame for a second, dispatched in the page (the test's own wheel
    // takes a round trip per event, far slower than a hand on a wheel).
    // The page's layout and style work in that time: the mirror's elements are the only DOM that changes.
    const perf = await page.context().newCDPSession(page);
    await perf.send('Performance.enable');
    const lifecycle = async () => {
      const m = Object.fromEntries((await perf.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
      return (m.LayoutDuration + m.RecalcStyleDuration) * 1000;
    };
    await mirrorStats(1);
    const lifecycle0 = await lifecycle();
    const scrollMs = await page.evaluate(() => new Promise((done) => {
      const canvas = document.getElementById('canvas');
      let n = 0;
      const t0 = performance.now();
      const tick = () => {
        canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: n < 30 ? 60 : -60, clientX: 700, clientY: 500, bubbles: true, cancelable: true }));
        if (++n < 60) requestAnimationFrame(tick); else done(performance.now() - t0);
      };
      requestAnimationFrame(tick);
    }));
    await app.settle(300);
    const scroll = await mirrorStats(0);
    scroll.lifecycle_ms = (await lifecycle()) - lifecycle0;
    scroll.seconds = scrollMs / 1000;
    await perf.detach();
    const later = await page.evaluate(() => Number(document.querySelector('#a11y [role=grid] [role=row][aria-rowindex]:not([aria-rowindex="1"])').getAttribute('aria-rowindex')));
    assert(later > 20, `after scrolling, the first row shown is row ${later}`);
    // The grid as a screen reader walks it: the header row, then the rows in
    // list order, each where the list draws it (its focus outline lands there).
    const walk = await page.evaluate(() => {
      const g = document.querySelector('#a11y [role=grid]');
      const rows = [...g.querySelectorAll(':scope > [role=rowgroup] > [role=row]')];
      const mid = rows[Math.floor(rows.length / 2)];
      const r = mid.getBoundingClientRect();
      return { kids: [...g.children].map((e) => e.getAttribute('role')), index: rows.map((x) => Number(x.getAttribute('aria-rowindex'))),
               name: mid.querySelector('[role=gridcell]').textContent, rect: [r.x, r.y, r.width, r.height] };
    });
    eq(walk.kids.join(), 'row,rowgroup', 'the grid holds its header row, then its rows in a group');
    assert(walk.index.every((v, i) => i === 0 || v === walk.index[i - 1] + 1), 'rows in list order: ' + walk.index.join(','));
    const drawn = (await app.items()).filter((i) => i.label.split('##')[0] === walk.name);
    assert(drawn.length >= 1, `the row ${walk.name} is drawn`);
    const near = drawn.some((i) => Math.abs(i.x - walk.rect[0]) <= 2 && Math.abs(i.y - walk.rect[1]) <= 2 &&
                                   Math.abs(i.w - walk.rect[2]) <= 2 && Math.abs(i.h - walk.rect[3]) <= 2);
    assert(near, `the row's element lies over the drawn row: ${walk.rect.join(',')} vs ` + drawn.map((i) => [i.x, i.y, i.w, i.h].join(',')).join(' / '));
    // A record, its tabs, and the create dialog.
    await app.click('Contacts', { window: 'nav' });
    const row = await page.evaluate(() => document.querySelectorAll('#a11y [role=grid] [role=row]')[1].querySelector('[role=gridcell]').textContent);
    await app.click(row);
    await app.waitState((x) => x.record, 'the record to open');
    await app.settle(200);
    r = await unnamed(page, 'record view');
    problems.push(...r.bad);
    if (!r.bad.length) passed.push('record view');
    // Each of its tabs (the timeline, related records, journeys...).
    const recordTabs = (await app.items()).filter((i) => i.role === 'tab' && i.window.includes('related')).map((i) => i.label);
    assert(recordTabs.length >= 3, 'the record view has its tabs: ' + recordTabs.join(', '));
    for (const tab of recordTabs) {
      await app.click(tab, { window: 'related' });
      await tabShown(page, tab.split('##')[0]);
      await app.settle(200);
      r = await unnamed(page, `record view > ${tab.split('#')[0].trim()}`);
      problems.push(...r.bad);
      if (!r.bad.length) passed.push(`record tab ${tab.split(/[ #(]/)[0]}`);
    }
    await app.click('Contacts', { window: 'nav' });
    await app.click('New contact');
    await app.waitState((x) => x.dialog === 'create contact', 'the create dialog');
    r = await unnamed(page, 'create dialog');
    problems.push(...r.bad);
    if (!r.bad.length) passed.push('create dialog');
    const dialog = (await axTree(page)).find((n) => n.role === 'dialog');
    eq(dialog && dialog.name, 'New contact', 'the dialog is named by its title');
    await app.key('Escape');
    await app.waitState((x) => x.dialog === '', 'the create dialog closed');
    // Another dialog: logging a call, with its direction as radio buttons.
    await app.click(row);
    await app.waitState((x) => x.record, 'the record again');
    await app.click('Log call');
    await app.find('Save', { window: 'activity' });
    await app.settle(200);
    r = await unnamed(page, 'log call dialog');
    problems.push(...r.bad);
    if (!r.bad.length) passed.push('log call dialog');
    const radios = await page.evaluate(() => [...document.querySelectorAll('#a11y [role=radio]')].map((e) => `${e.getAttribute('aria-label')}=${e.getAttribute('aria-checked')}`));
    eq(radios.join(', '), 'Outbound=true, Inbound=false', 'the direction as radio buttons, one chosen');
    await app.key('Escape');
    // And the delete confirmation, cancelled.
    await app.click('Delete');
    await app.find('Cancel');
    await app.settle(200);
    r = await unnamed(page, 'delete confirmation');
    problems.push(...r.bad);
    if (!r.bad.length) passed.push('delete confirmation');
    const confirm = (await axTree(page)).find((n) => n.role === 'dialog' || n.role === 'alertdialog');
    assert(confirm && confirm.name.startsWith('Delete'), 'the confirmation is a dialog named Delete?: ' + (confirm && confirm.name));
    await app.key('Escape');
    await app.waitState((x) => x.record, 'nothing deleted, the record still open');
    // A workflow's dialog: disqualifying a lead asks for the reason.
    await app.click('Leads', { window: 'nav' });
    const leads = await app.waitState((x) => x.list && !x.record && x.list.rows.length > 0, 'the leads');
    const statusAt = leads.list.columns.indexOf('Status');
    const lead = leads.list.rows.find((x) => ['New', 'Assigned'].includes(x.cells[statusAt]));
    await app.click(lead.title);
    await app.waitState((x) => x.record && x.record.entity === 'leads', 'a lead open');
    await app.click('Disqualify...');
    await app.waitState((x) => x.workflow.kind === 'disqualify', 'the disqualify dialog');
    await app.settle(200);
    r = await unnamed(page, 'disqualify dialog');
    problems.push(...r.bad);
    if (!r.bad.length) passed.push('disqualify dialog');
    await app.key('Escape');
    await app.waitState((x) => x.workflow.kind === '', 'the dialog closed, nothing changed');
    const all = await mirrorStats(0);
    const ms = (s) => `build ${s.cpp.mean_ms.toFixed(2)} ms mean / ${s.cpp.max_ms.toFixed(2)} ms max (${s.cpp.frames} builds), ` +
                      `DOM update ${s.dom.mean_ms.toFixed(2)} ms mean / ${s.dom.max_ms.toFixed(2)} ms max (${s.dom.applies} updates); ` +
                      `per changed frame ${((s.cpp.mean_ms * s.cpp.frames + s.dom.sum_ms) / Math.max(1, s.cpp.changed_frames)).toFixed(2)} ms ` +
                      `(${s.cpp.changed_frames} frames)`;
    console.log(`  figures: screens passed: ${passed.join(', ')}`);
    console.log(`  figures: accessibility tree on the contacts list: ${listTree.length} nodes (1,000 contacts)`);
    console.log(`  figures: mirror per changed frame, scrolling the contacts list: ${ms(scroll)}; ` +
                `the page's layout and style ${(scroll.lifecycle_ms / Math.max(1, scroll.dom.applies)).toFixed(2)} ms per update, ` +
                `with them ${((scroll.cpp.mean_ms * scroll.cpp.frames + scroll.dom.sum_ms + scroll.lifecycle_ms) / Math.max(1, scroll.cpp.changed_frames)).toFixed(2)} ms per changed frame; ` +
                `all of it ${((scroll.cpp.mean_ms * scroll.cpp.frames + scroll.dom.sum_ms + scroll.lifecycle_ms) / scroll.seconds).toFixed(1)} ms per second of scrolling ` +
                `(${scroll.seconds.toFixed(1)} s here), ${((scroll.cpp.mean_ms * scroll.cpp.frames + scroll.dom.sum_ms + scroll.lifecycle_ms) / scroll.seconds / 60).toFixed(2)} ms a frame at 60 frames a second`);
    console.log(`  figures: mirror per changed frame, since the record view: ${ms(all)}`);
    assert(problems.length === 0, 'unnamed items:\n    ' + [...new Set(problems)].join('\n    '));
    await ctx.close();
  }],

  ['a screen-reader user creates a contact, finds it and adds a note with the page focus and keys only', async () => {
    const { ctx, page, app } = await emptyAppByKeyboard(profile());
    // A screen reader's "activate" (its default action, a click event on the element) clicks the item.
    await page.getByRole('link', { name: 'Accounts', exact: true }).dispatchEvent('click');
    await app.waitState((x) => x.screen === 'accounts', 'the accounts screen, activated by assistive technology');
    // The rail: focus a link, Enter.
    await focusOn(app, 'link', 'Contacts');
    await app.key('Enter');
    await app.waitState((x) => x.screen === 'contacts', 'the contacts screen');
    await focusOn(app, 'button', 'New contact');
    await app.key('Enter');
    await app.waitState((x) => x.dialog === 'create contact', 'the create dialog');
    // The dialog is announced, and the focus is in its first field.
    await page.waitForFunction(() => document.getElementById('a11y-polite').textContent === 'New contact dialog', null, { timeout: 5000 });
    await page.waitForFunction(() => document.activeElement && document.activeElement.getAttribute('aria-label') === 'First name', null, { timeout: 5000 });
    await page.keyboard.type('Ada', { delay: 20 });
    await focusOn(app, 'textbox', 'Last name');
    await page.keyboard.type('Lovelace', { delay: 20 });
    await focusOn(app, 'textbox', 'E-mail');
    await page.keyboard.type('ada@example.org', { delay: 20 });
    await app.drained(100);
    // What was typed is the fields' value to the screen reader.
    eq(await page.getByRole('textbox', { name: 'Last name', exact: true }).inputValue(), 'Lovelace', 'the Last name field read back');
    await focusOn(app, 'button', 'Save');
    await app.key('Enter');
    let s = await app.waitState((x) => x.record && x.record.title === 'Ada Lovelace', 'the new contact to open');
    eq(s.record.fields.email, 'ada@example.org', 'the e-mail as typed');
    await page.waitForFunction(() => /Created contact/.test(document.getElementById('a11y-polite').textContent), null, { timeout: 5000 });

    // Find it: the list's search, then its row.
    await focusOn(app, 'link', 'Contacts');
    await app.key('Enter');
    await app.waitState((x) => x.screen === 'contacts' && !x.record, 'the list');
    await focusOn(app, 'textbox', 'Search Contacts...');
    await page.keyboard.type('Lovelace', { delay: 20 });
    await app.drained(200);
    const row = page.locator('#a11y [role=grid] [role=row]', { hasText: 'Ada Lovelace' });
    await row.waitFor({ state: 'attached', timeout: 8000 });
    await row.focus();
    await app.settle(80);
    await app.key('Enter');
    await app.waitState((x) => x.record && x.record.title === 'Ada Lovelace', 'the contact to open from its row');

    // A note.
    await focusOn(app, 'button', 'Add note');
    await app.key('Enter');
    await page.waitForFunction(() => document.activeElement && document.activeElement.getAttribute('aria-label') === 'Note', null, { timeout: 5000 });
    await page.keyboard.type('Prefers e-mail after 10', { delay: 15 });
    await focusOn(app, 'button', 'Save');
    await app.key('Enter');
    await page.getByText('Prefers e-mail after 10').first().waitFor({ state: 'attached', timeout: 8000 });
    await app.waitSaved();
    await ctx.close();
  }],

  ['keyboard focus moves the page focus: Tab through a dialog lands on each field in turn', async () => {
    const { ctx, page, app } = await emptyAppByKeyboard(profile());
    await focusOn(app, 'link', 'Contacts');
    await app.key('Enter');
    await focusOn(app, 'button', 'New contact');
    await app.key('Enter');
    await page.waitForFunction(() => document.activeElement && document.activeElement.getAttribute('aria-label') === 'First name', null, { timeout: 5000 });
    await app.key('Tab');
    const second = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
    eq(second, 'Last name', 'Tab moves ImGui focus and the page focus follows');
    await app.key('Escape');
    await app.waitState((x) => x.dialog === '', 'Escape to close the dialog');
    // F1: the keyboard shortcuts, a dialog of their own; Escape closes it.
    await app.key('F1');
    await app.waitState((x) => x.shortcuts_open, 'the shortcuts help');
    const help = (await axTree(page)).filter((n) => n.role === 'dialog').map((n) => n.name);
    assert(help.includes('Keyboard shortcuts'), 'the help is a dialog named Keyboard shortcuts: ' + help.join());
    assert(await page.getByText('Ctrl+K', { exact: true }).count() > 0, 'the help lists Ctrl+K');
    await app.key('Escape');
    await app.waitState((x) => !x.shortcuts_open, 'the help to close');
    await ctx.close();
  }],

  ['an IME composes Japanese and Chinese names at the caret, commits once, cancels cleanly; a dead key makes one letter', async () => {
    const { ctx, page, app } = await emptyAppByKeyboard(profile());
    const cdp = await page.context().newCDPSession(page);
    const compose = (text) => cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
    await app.click('Contacts', { window: 'nav' });
    await app.click('New contact');
    await app.waitState((x) => x.dialog === 'create contact', 'the create dialog');
    // Japanese: the reading is composed, shown at the caret, then converted and committed.
    await compose('やまだ');
    await app.waitState((x) => x.preedit === 'やまだ', 'the composition shown in the field');
    const field = await app.find('##First name', { window: 'edit' });
    const caret = await page.evaluate(() => { const r = document.getElementById('text-input').getBoundingClientRect(); return { x: r.x, y: r.y }; });
    assert(caret.x * app.dpr >= field.x - 1 && caret.x * app.dpr <= field.x + field.w && Math.abs(caret.y * app.dpr - field.y) <= field.h,
           `the page's text field (the candidate window's anchor) is at the caret: ${JSON.stringify(caret)} vs ${JSON.stringify(field)}`);
    await app.screenshot('ime-composing.png');
    await compose('山田');
    await cdp.send('Input.insertText', { text: '山田' });
    await app.waitState((x) => x.preedit === '', 'the composition to end');
    // Cancelled (Escape in the IME): nothing typed, the dialog still open.
    await compose('たろう');
    await app.waitState((x) => x.preedit === 'たろう', 'a second composition');
    await compose('');
    await cdp.send('Input.insertText', { text: '' });
    await app.waitState((x) => x.preedit === '', 'the cancelled composition to go');
    eq((await app.state()).dialog, 'create contact', 'cancelling a composition leaves the dialog open');
    // Chinese pinyin in the last name.
    await app.click('##Last name', { window: 'edit' });
    await compose('zhang');
    await app.waitState((x) => x.preedit === 'zhang', 'the pinyin shown');
    await cdp.send('Input.insertText', { text: '张' });
    await app.waitState((x) => x.preedit === '', 'the pinyin committed');
    await app.click('Save', { window: 'edit' });
    let s = await app.waitState((x) => x.record && x.record.fields.last_name, 'the contact saved');
    eq(s.record.fields.first_name, '山田', 'the first name exactly as committed (no doubled characters)');
    eq(s.record.fields.last_name, '张', 'the last name exactly as committed');
    // A dead key (´ then e on a European layout) arrives as a one-letter composition: é, once.
    await app.click('Contacts', { window: 'nav' });
    await app.click('New contact');
    await app.waitState((x) => x.dialog === 'create contact', 'the create dialog again');
    await page.keyboard.type('Jos', { delay: 20 });
    await compose('´');
    await cdp.send('Input.insertText', { text: 'é' });
    await app.drained(100);
    await app.click('##Last name', { window: 'edit' });
    await page.keyboard.type('Núñez', { delay: 20 });
    await app.click('Save', { window: 'edit' });
    s = await app.waitState((x) => x.record && x.record.fields.last_name === 'Núñez', 'the second contact saved');
    eq(s.record.fields.first_name, 'José', 'the dead key made one letter');
    await cdp.detach();
    await ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
for (const d of profiles) fs.rmSync(d, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
