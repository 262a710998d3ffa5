// workflows.test.mjs - the operational workflows through the real interface
// in Chromium: a lead converted into an opportunity, a card dragged across the
// pipeline (and moved with the keyboard), a case opened, escalated, resolved
// and reopened - each surviving a reload. Prints "N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, startWithDemo, run, assert, eq } from './lib.mjs';

const srv = await serve();
const profiles = [];

async function start() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-wf-'));
  profiles.push(dir);
  return startWithDemo(srv.url, dir);
}

async function reload(app) {
  await app.page.reload();
  await app.ready();
}

const tests = [
  ['a new lead is assigned and scored, then converted into account, contact and opportunity; still so after a reload', async () => {
    const { ctx, app } = await start();
    await app.click('Leads');
    await app.click('New lead');
    await app.fill('##Last name', 'Konvertierung', { window: 'edit' });
    await app.fill('##Company', 'Wandel Werke GmbH', { window: 'edit' });
    await app.fill('##Country', 'DE', { window: 'edit' });
    await app.click('Save', { window: 'edit' });
    let s = await app.waitState((x) => x.record && x.record.entity === 'leads' && x.record.fields.last_name === 'Konvertierung', 'the new lead');
    assert(s.record.fields.owner_id !== '', 'the assignment rules gave the lead an owner');
    eq(s.record.fields.status, 'assigned', 'status after assignment');
    await app.click('Qualify');
    s = await app.waitState((x) => x.record.fields.status === 'qualified', 'qualified');
    await app.click('Convert...');
    await app.click('Amount', { window: 'workflow' });
    await app.page.keyboard.type('12500');
    await app.drained();
    await app.click('Convert', { window: 'workflow' });
    s = await app.waitState((x) => x.record && x.record.entity === 'opportunities', 'the new opportunity');
    eq(s.record.fields.amount, '1250000', 'amount in minor units');
    eq(s.record.fields.stage, 'qualify', 'stage');
    const oppId = s.record.id;
    await app.waitSaved();
    await reload(app);
    await app.click('Accounts');
    await app.fill('##search', 'Wandel Werke');
    s = await app.waitState((x) => x.list && x.list.count === 1, 'the created account');
    await app.click('Wandel Werke GmbH');
    await app.find(/^Opportunities \(1\)/);
    await app.find(/^Contacts \(1\)/);
    await app.click('Leads');
    s = await app.state();
    assert(!s.list.rows.some((r) => r.id === oppId), 'sanity');
    await ctx.close();
  }],

  ['an opportunity card dragged to the next stage, then moved on with Ctrl+Right; the board totals follow; still so after a reload', async () => {
    const { ctx, page, app } = await start();
    await app.click('Pipeline');
    await app.click('New opportunity');
    await app.fill('##Name', 'Drag me', { window: 'edit' });
    await app.click('##Account', { window: 'edit' });
    await page.keyboard.type('a', { delay: 20 });
    await app.drained(150);
    const items = await app.items();
    const pick = items.filter((i) => i.window.includes('##Combo') || i.window.includes('Combo')).find((i) => i.label !== '- none -' && !i.label.startsWith('##'));
    assert(pick, 'an account to pick');
    await app.click(pick.label);
    await app.fill('##Amount', '5000', { window: 'edit' });
    await app.click('Save', { window: 'edit' });
    let s = await app.waitState((x) => x.record && x.record.title === 'Drag me', 'the opportunity');
    await app.click('Back');
    // Drag from the Qualify column to the Develop column with the real mouse.
    const card = await app.find('Drag me');
    const develop = (await app.items()).find((i) => /column_develop/.test(i.label));
    assert(develop, 'the Develop column');
    await page.mouse.move((card.x + card.w / 2) / app.dpr, (card.y + card.h / 2) / app.dpr);
    await page.mouse.down();
    await page.mouse.move((card.x + card.w / 2 + 30) / app.dpr, (card.y + card.h / 2 + 10) / app.dpr, { steps: 5 });
    await page.mouse.move((develop.x + develop.w / 2) / app.dpr, (develop.y + develop.h / 2) / app.dpr, { steps: 15 });
    await app.drained(100);
    await page.mouse.up();
    await app.drained(200);
    await app.click('Drag me');   // select it, then move with the keyboard
    await page.keyboard.press('Control+ArrowRight');
    await app.drained(200);
    await app.key('Enter');
    await reload(app);
    await app.click('Pipeline');
    await app.find('Drag me');
    const propose = (await app.items()).find((i) => /column_propose/.test(i.label));
    const card2 = await app.find('Drag me');
    assert(card2.x >= propose.x && card2.x < propose.x + propose.w, 'the card is in the Propose column after the drag, the key and a reload');
    // Its record says so, with the stage's probability.
    await page.mouse.dblclick((card2.x + 10) / app.dpr, (card2.y + card2.h / 2) / app.dpr);
    s = await app.waitState((x) => x.record && x.record.title === 'Drag me', 'the opportunity record');
    eq(s.record.fields.stage, 'propose', 'stage');
    eq(s.record.fields.probability, '70', 'probability of the Propose stage');
    await ctx.close();
  }],

  ['a case opened from a customer, escalated, resolved and reopened back to its first owner; still so after a reload', async () => {
    const { ctx, app } = await start();
    await app.click('Cases');
    await app.click('New case');
    await app.fill('##Subject', 'Printer jams on tray 2', { window: 'edit' });
    await app.click('##Account', { window: 'edit' });
    await app.page.keyboard.type('a', { delay: 20 });
    await app.drained(150);
    const items = await app.items();
    const pick = items.filter((i) => i.window.includes('Combo')).find((i) => i.label !== '- none -' && !i.label.startsWith('##'));
    await app.click(pick.label);
    await app.click('Save', { window: 'edit' });
    let s = await app.waitState((x) => x.record && x.record.entity === 'cases' && x.record.fields.subject === 'Printer jams on tray 2', 'the case');
    assert(/^CAS-\d{5}$/.test(s.record.fields.number), 'numbered: ' + s.record.fields.number);
    assert(s.record.fields.response_due_at !== '', 'the SLA clock started');
    const first = s.record.fields.owner_id;
    assert(first !== '', 'routed to a rep');
    await app.click('Respond');
    s = await app.waitState((x) => x.record.fields.first_response_at !== '', 'the first response');
    await app.click('Escalate');
    s = await app.waitState((x) => x.record.fields.status === 'escalated', 'the escalation');
    eq(s.record.fields.line, '2', 'second line');
    assert(s.record.fields.owner_id !== first, 'a second-line owner');
    await app.click('Resolve...');
    await app.click('Resolution', { window: 'workflow' });
    await app.page.keyboard.type('Cleaned the pickup roller', { delay: 10 });
    await app.drained();
    await app.click('Resolve', { window: 'workflow' });
    s = await app.waitState((x) => x.record.fields.status === 'resolved', 'resolved');
    await app.click('Reopen');
    s = await app.waitState((x) => x.record.fields.status === 'reopened', 'reopened');
    eq(s.record.fields.owner_id, first, 'back to the first owner');
    await app.find(/^Timeline \(\d+\)/);
    await app.waitSaved();
    const caseId = s.record.id;
    await reload(app);
    await app.click('Cases');
    s = await app.state();
    const row = s.list.rows.find((r) => r.id === caseId);
    assert(row, 'the case is in the list after a reload');
    await app.click(row.title.split(' ')[0]);   // the row's first cell: the case number
    s = await app.waitState((x) => x.record && x.record.id === caseId, 'the case after a reload');
    eq(s.record.fields.status, 'reopened', 'status after the reload');
    eq(s.record.fields.owner_id, first, 'owner after the reload');
    await app.screenshot('case-view.png');
    await ctx.close();
  }],
];

const failed = await run(tests);
await srv.close();
for (const d of profiles) fs.rmSync(d, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
