// rules.test.mjs - the cross-sell rules `crm report rules` prints, checked
// against a second, independent implementation on the same baskets: the
// orders are read from the database file with sql.js (not through our
// code), their frequent itemsets mined by the npm package node-fpgrowth
// (FP-growth, where ours grows itemsets over bitsets), and the rules made
// from those itemsets here. Every rule, count, support, confidence and lift
// must agree, at two minimum supports.
//   node rules.test.mjs            (needs build/native/crm)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import initSqlJs from 'sql.js';
import fpgrowth from 'node-fpgrowth';
import { ROOT, run } from './lib.mjs';

const CRM = path.join(ROOT, 'build', 'native', 'crm');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-rules-'));
const db = path.join(tmp, 'demo.sqlite');
const assert = (c, what) => { if (!c) throw new Error(what); };
const crm = (...args) => execFileSync(CRM, ['--db', db, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

// The baskets as the report defines them: one per sale (an order not
// cancelled or returned, with a date), its distinct live products.
async function baskets() {
  const SQL = await initSqlJs();
  const d = new SQL.Database(fs.readFileSync(db));
  const rows = d.exec(`SELECT o.id, p.name FROM orders o JOIN order_lines l ON l.order_id = o.id AND l.deleted = 0
                       JOIN products p ON p.id = l.product_id AND p.deleted = 0
                       WHERE o.deleted = 0 AND o.status NOT IN ('cancelled', 'returned') AND o.ordered_at GLOB '[0-9][0-9][0-9][0-9]-*'`)[0].values;
  d.close();
  const byOrder = new Map();
  for (const [order, product] of rows) {
    if (!byOrder.has(order)) byOrder.set(order, new Set());
    byOrder.get(order).add(product);
  }
  return [...byOrder.values()].map((s) => [...s]);
}

// Rules from FP-growth's itemsets: every frequent set of 2..6 products, each
// product in turn on the right.
async function reference(transactions, minSupport, minConfidence) {
  const n = transactions.length;
  // The smallest count meeting the share, as the report counts it (count / n >= min_support).
  const minCount = Math.max(1, Math.ceil(minSupport * n - 1e-9));
  const itemsets = await new fpgrowth.FPGrowth((minCount - 0.5) / n).exec(transactions);
  const key = (items) => [...items].sort().join('\u0001');
  const count = new Map(itemsets.map((s) => [key(s.items), s.support]));
  const rules = new Map();
  for (const s of itemsets) {
    if (s.items.length < 2 || s.items.length > 6) continue;
    for (const right of s.items) {
      const left = s.items.filter((x) => x !== right).sort();
      const confidence = s.support / count.get(key(left));
      if (confidence + 1e-12 < minConfidence) continue;
      const lift = confidence / (count.get(key([right])) / n);
      rules.set(left.join(' + ') + ' => ' + right, { count: s.support, support: s.support / n, confidence, lift });
    }
  }
  return rules;
}

function ours(minSupport, minConfidence) {
  const csv = crm('report', 'rules', '--from', '1990-01-01', '--to', '2100-12-31', '--min-support', String(minSupport),
                  '--min-confidence', String(minConfidence), '--csv').split('\n').filter((l) => l && !l.startsWith('#'));
  const header = csv.shift();
  assert(header === 'antecedent,consequent,count,support,confidence,lift', `the rules' columns (${header})`);
  const rules = new Map();
  for (const line of csv) {
    // Product names hold no commas in the demo data; a quoted field would.
    const f = line.split(',');
    assert(f.length === 6, `a rules row has six fields: ${line}`);
    rules.set(f[0] + ' => ' + f[1], { count: Number(f[2]), support: Number(f[3]), confidence: Number(f[4]), lift: Number(f[5]) });
  }
  return rules;
}

const tests = [];
for (const [minSupport, minConfidence] of [[0.01, 0.3], [0.004, 0.5]]) {
  tests.push([`crm report rules equals node-fpgrowth's itemsets turned into rules (support ${minSupport}, confidence ${minConfidence})`, async () => {
    if (!fs.existsSync(db)) crm('demo', '--contacts', '3000');
    const transactions = await baskets();
    assert(transactions.length > 1000, `demo data has orders to mine (${transactions.length})`);
    const want = await reference(transactions, minSupport, minConfidence);
    const got = ours(minSupport, minConfidence);
    assert(want.size > 10, `the reference finds rules (${want.size})`);
    for (const [rule, w] of want) {
      const g = got.get(rule);
      assert(g, `crm report rules has ${rule} (count ${w.count})`);
      assert(g.count === w.count, `${rule}: count ${g.count}, the reference ${w.count}`);
      for (const k of ['support', 'confidence', 'lift'])
        assert(Math.abs(g[k] - w[k]) <= 1e-6 * Math.max(1, w[k]), `${rule}: ${k} ${g[k]}, the reference ${w[k]}`);
    }
    for (const rule of got.keys()) assert(want.has(rule), `crm report rules has ${rule}, which the reference does not`);
    console.log(`  ${transactions.length} orders, ${want.size} rules agree`);
  }]);
}

const failed = await run(tests);
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
