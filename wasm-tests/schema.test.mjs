// schema.test.mjs - the JSON export validates against its published JSON
// Schema (src/core/exchange/export.schema.json), and the sync messages a
// crm-server sends against theirs (src/core/sync/sync.schema.json), checked
// by an independent validator (ajv from npm); and each schema does reject
// what is not its format.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { ROOT, run, assert, eq } from './lib.mjs';

const CRM = path.join(ROOT, 'build', 'native', 'crm');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-schema-'));
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'core', 'exchange', 'export.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const syncSchema = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'core', 'sync', 'sync.schema.json'), 'utf8'));
const validateSync = new Ajv({ allErrors: true, strict: false }).compile(syncSchema);
const SERVER = path.join(ROOT, 'build', 'native', 'crm-server');

// The messages a crm-server sends for a demo CRM pushed by the CLI, with a delete, a restore and a shared setting.
async function pulledMessages() {
  const data = path.join(tmp, 'server');
  execFileSync(SERVER, ['--data', data, 'workspace', 'create', 'Schema']);
  const token = execFileSync(SERVER, ['--data', data, 'token', 'create', 'Schema'], { encoding: 'utf8' }).match(/^token: (\S+)/m)[1];
  const proc = spawn(SERVER, ['--data', data, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve) => {
    let out = '';
    proc.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/[0-9.:]+)/); if (m) resolve(m[1]); });
  });
  try {
    const db = path.join(tmp, 'pushed.sqlite'), csv = path.join(tmp, 'few.csv');
    execFileSync(CRM, ['--db', db, 'demo', '--contacts', '60']);
    fs.writeFileSync(csv, 'First Name,Last Name,E-mail\nAna,Löschbar,ana@example.org\n');
    execFileSync(CRM, ['--db', db, 'import', '--csv', csv, '--entity', 'contacts']);
    execFileSync(CRM, ['--db', db, 'revert-import']);   // the contact is deleted (a tombstone)
    execFileSync(CRM, ['--db', db, 'sync', '--server', url, '--token', token]);
    const res = await fetch(url + '/v1/pull?after=0&limit=5000', { headers: {
      Authorization: 'Bearer ' + token, 'X-Crm-Protocol': '1', 'X-Crm-Schema': '5', 'X-Crm-Device': 'schema-test' } });
    assert(res.ok, 'pull: HTTP ' + res.status);
    return await res.json();
  } finally {
    proc.kill('SIGTERM');
  }
}

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
  ['the messages a crm-server sends are valid against the sync schema, and broken ones are not', async () => {
    const body = await pulledMessages();
    const ok = validateSync(body);
    assert(ok, 'schema errors: ' + JSON.stringify((validateSync.errors || []).slice(0, 5)));
    const kinds = new Set(body.messages.map((m) => m.entity === 'settings' ? 'setting' : m.field === '*' ? 'record' : m.field));
    for (const k of ['record', 'deleted', 'setting']) assert(kinds.has(k), 'the pull has a ' + k + ' message');
    const bad = (fn) => { const b = structuredClone(body); fn(b.messages); return validateSync(b); };
    eq(bad((m) => { m[0].hlc = '2026-11-30 08:00'; }), false, 'a stamp that is not one');
    eq(bad((m) => { m.find((x) => x.field === 'deleted').value = 'yes'; }), false, 'deleted must be true or false');
    eq(bad((m) => { m[0].extra = 1; }), false, 'an unknown key');
    eq(bad((m) => { delete m.find((x) => x.field === 'deleted').at; }), false, 'a field write without its time');
  }],
];

const failed = await run(tests);
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
