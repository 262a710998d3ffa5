// schema.test.mjs - the JSON export validates against its published JSON
// Schema (src/core/exchange/export.schema.json), checked by an independent validator
// (ajv from npm); and the schema does reject a broken export.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { ROOT, run, assert, eq } from './lib.mjs';

const CRM = path.join(ROOT, 'build', 'native', 'crm');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-schema-'));
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'core', 'exchange', 'export.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function exportOf(contacts) {
  const db = path.join(tmp, `demo-${contacts}.sqlite`), out = path.join(tmp, `demo-${contacts}.json`);
  execFileSync(CRM, ['--db', db, 'demo', '--contacts', String(contacts)]);
  execFileSync(CRM, ['--db', db, 'export', '--json', out, '--deleted']);
  return JSON.parse(fs.readFileSync(out, 'utf8'));
}

const tests = [
  ['an export of the demo data (every entity, tombstones included) is valid against the schema', async () => {
    const data = exportOf(400);
    const ok = validate(data);
    assert(ok, 'schema errors: ' + JSON.stringify((validate.errors || []).slice(0, 5)));
    for (const e of ['users', 'accounts', 'contacts', 'leads', 'opportunities', 'cases', 'activities', 'orders', 'kb_articles', 'sla_targets'])
      assert(Array.isArray(data.entities[e]), 'the export has ' + e);
    assert(data.entities.contacts.length === 400, 'all the contacts');
  }],
  ['the schema rejects what is not the format', async () => {
    const data = exportOf(50);
    const broken = structuredClone(data);
    broken.entities.opportunities[0].stage = 'closing';
    broken.entities.contacts[0].email = 'not an address';
    broken.entities.orders[0].total = 12.5;
    eq(validate(broken), false, 'a broken export is invalid');
    const paths = validate.errors.map((e) => e.instancePath).join(' ');
    for (const p of ['/entities/opportunities/0/stage', '/entities/contacts/0/email', '/entities/orders/0/total'])
      assert(paths.includes(p), 'the schema reports ' + p + ': ' + paths);
    eq(validate({ format: 'crm-export', version: 2, exported_at: data.exported_at, entities: {} }), false, 'another version');
  }],
];

const failed = await run(tests);
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
