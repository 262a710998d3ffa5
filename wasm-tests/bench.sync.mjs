// bench.sync.mjs - a new device joins a benchmark-size workspace in Chromium:
// the time from clicking Join on the invite to the data on screen (the
// snapshot downloaded, installed and the rest pulled), then until it is
// saved in IndexedDB, and a reload. Prints "bench <name> <value> <unit>".
//
//   node bench.sync.mjs [CONTACTS]     (default 100000)
//
// The workspace is a demo CRM of CONTACTS contacts pushed to a crm-server by
// the crm CLI (kept in build/bench/sync-server between runs); a native
// device joins first, which also builds the server's snapshot, as the first
// device of a team would.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, serve, cspWith, launchPersistent, App } from './lib.mjs';

const CONTACTS = Number(process.argv[2] || 100000);
const BIN = path.join(ROOT, 'build', 'native');
const DIR = path.join(ROOT, 'build', 'bench', 'sync-server-' + CONTACTS);
const data = path.join(DIR, 'server');
const admin = (...a) => execFileSync(path.join(BIN, 'crm-server'), ['--data', data, ...a], { encoding: 'utf8' });
const report = (name, value, unit) => console.log(`bench ${name.padEnd(34)} ${value.toFixed(3).padStart(12)} ${unit}`);

function startServer(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(path.join(BIN, 'crm-server'), [...args, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/[0-9.:]+)/); if (m) resolve({ url: m[1], proc: p }); });
    p.on('exit', (code) => reject(new Error('crm-server exited ' + code)));
  });
}

fs.mkdirSync(DIR, { recursive: true });
const placeholder = await serve();
const siteOrigin = placeholder.url.replace(/\/$/, '');
await placeholder.close();
const server = await startServer(['--data', data, '--allow-origin', siteOrigin, '--rate-limit', '0']);
const site = await serve(undefined, Number(new URL(siteOrigin).port), cspWith(server.url));
try {
  if (!fs.existsSync(path.join(DIR, 'pushed'))) {
    admin('workspace', 'create', 'Bench');
    const t = admin('token', 'create', 'Bench').match(/^token: (\S+)/m)[1];
    const seed = path.join(DIR, 'seed.sqlite');
    fs.rmSync(seed, { force: true });
    execFileSync(path.join(BIN, 'crm'), ['--db', seed, 'demo', '--contacts', String(CONTACTS)]);
    const t0 = Date.now();
    execFileSync(path.join(BIN, 'crm'), ['--db', seed, 'sync', '--server', server.url, '--token', t]);
    report('cli_push_workspace', (Date.now() - t0) / 1000, 's');
    fs.writeFileSync(path.join(DIR, 'pushed'), 'yes');
  }
  const tok = admin('token', 'create', 'Bench', '--server', server.url, '--app', site.url);
  const token = tok.match(/^token: (\S+)/m)[1], invite = tok.match(/^invite: (\S+)/m)[1];

  // A native device joins: the server builds (or refreshes) its snapshot.
  const native = path.join(DIR, 'native-join.sqlite');
  fs.rmSync(native, { force: true });
  let t0 = Date.now();
  const out = execFileSync(path.join(BIN, 'crm'), ['--db', native, 'sync', '--server', server.url, '--token', token], { encoding: 'utf8' });
  report('native_join_cli', (Date.now() - t0) / 1000, 's');
  const size = Number((out.match(/snapshot of the workspace \((\d+) bytes/) || [0, 0])[1]);
  report('snapshot_size', size / 1048576, 'MiB');

  // The browser.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-join-'));
  const ctx = await launchPersistent(profile);
  const page = await ctx.newPage();
  const app = await App.open(page, invite);
  await app.waitState((x) => x.sync && x.sync.offer, 'the invite dialog');
  await app.find('Join', { window: 'Join a workspace' });
  t0 = Date.now();
  await app.click('Join', { window: 'Join a workspace' });
  const s = await app.waitState((x) => x.sync.state === 'done' && x.contacts >= CONTACTS, 'joined', 900000);
  const joined = (Date.now() - t0) / 1000;
  report('browser_join_to_data', joined, 's');
  report('browser_join_contacts', s.contacts, 'contacts');
  report('browser_join_download', s.sync.download_ms / 1000, 's');
  report('browser_join_install', s.sync.install_ms / 1000, 's');
  await app.waitState((x) => x.save && x.save.state === 'saved', 'saved', 900000);
  report('browser_join_to_saved', (Date.now() - t0) / 1000, 's');
  const memory = await page.evaluate(() => (performance.memory ? performance.memory.usedJSHeapSize : 0));
  report('browser_js_heap_after_join', memory / 1048576, 'MiB');
  t0 = Date.now();
  await page.reload();
  await app.ready(600000);
  report('browser_reload_to_first_frame', (Date.now() - t0) / 1000, 's');
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
} finally {
  server.proc.kill('SIGTERM');
  await site.close();
}
