// shell.js - starts the CRM in the page: checks the browser, takes the
// one-writer lock, reads the stored database blocks from IndexedDB into the
// wasm module, then runs main(). Also the page glue the C++ side calls:
// text input and the clipboard, storage estimates, the loading and error
// screens, and the hand-over between tabs.
'use strict';
(function () {
  performance.mark('crm-shell-start');
  const overlay = document.getElementById('overlay');
  const canvas = document.getElementById('canvas');
  const textInput = document.getElementById('text-input');

  function show(title, detail, actions, busy) {
    overlay.hidden = false;
    document.getElementById('overlay-title').textContent = title;
    document.getElementById('overlay-detail').textContent = detail || '';
    document.getElementById('overlay-spinner').hidden = !busy;
    const box = document.getElementById('overlay-actions');
    box.textContent = '';
    for (const [label, fn] of actions || []) {
      const b = document.createElement('button');
      b.textContent = label;
      b.addEventListener('click', fn);
      box.appendChild(b);
    }
  }
  function fatal(message) {
    window.crmFatal = message;
    show('The CRM cannot start', message, [['Reload', () => location.reload()]], false);
  }

  if (typeof WebAssembly !== 'object') return fatal('This browser cannot run WebAssembly, which the CRM needs. Use a current version of Chrome, Edge, Firefox or Safari.');
  if (!document.createElement('canvas').getContext('webgl2')) return fatal('This browser has WebGL2 turned off or not available, and the CRM draws its screens with it. Turn on hardware acceleration in the browser settings, or use another browser.');
  if (!window.indexedDB) return fatal('This browser does not offer IndexedDB (private mode?), where the CRM keeps your data.');
  show('Loading your CRM...', '', [], true);

  // Fonts are fetched while the module downloads and compiles.
  const FONTS = ['Inter-Regular.otf', 'Inter-SemiBold.otf', 'DroidSansFallbackFull.ttf', 'fontawesome-webfont.ttf', 'DejaVuSans.ttf'];
  const fontsReady = Promise.all(FONTS.map((name) => fetch('fonts/' + name).then((r) => {
    if (!r.ok) throw new Error('fonts/' + name + ': HTTP ' + r.status);
    return r.arrayBuffer();
  }).then((b) => [name, new Uint8Array(b)])));

  // The hot snapshot's two parts (idb_store.cpp): what the last start read, and the rest.
  const HOT_START_KEYS = self.IDBKeyRange ? IDBKeyRange.upperBound(999) : null;
  const HOT_REST_KEYS = self.IDBKeyRange ? IDBKeyRange.lowerBound(1000) : null;
  // The stored file's record, block 0 and the hot snapshot are read while
  // the module downloads and compiles too (used if no other tab held the data).
  const earlyRead = (async () => {
    const db = await openIdb();
    const tx = db.transaction(['meta', 'blocks', 'hot'], 'readonly');
    const [meta, block0, hot] = await Promise.all([request(tx.objectStore('meta').get('file')), request(tx.objectStore('blocks').get(0)),
                                                   request(tx.objectStore('hot').getAll(HOT_START_KEYS))]);
    performance.mark('crm-early-read');   // the file record, block 0 and the hot snapshot arrived
    return {db, meta, block0, hot};
  })().catch(() => null);

  const channel = 'BroadcastChannel' in window ? new BroadcastChannel('crm-writer') : null;
  let releaseLock = null;   // resolves the held Web Lock: hands the data to another tab
  let started = false;

  const Module = window.Module = {
    canvas: canvas,
    noInitialRun: true,
    print: (t) => console.log(t),
    printErr: (t) => console.warn(t),
    onAbort: (what) => fatal('The app stopped unexpectedly: ' + what),
    crmFatal: fatal,
    // The mirror must never stop the app: an error there is logged, not thrown into the frame loop.
    crmA11y: (json) => { try { if (window.crmA11y) crmA11y.apply(json); } catch (e) { console.warn('a11y mirror:', e); } },
    // The caret of the field being typed in (device pixels): the text field goes there for the IME's candidate window.
    crmImePlace: (visible, x, y, h) => {
      if (!visible) return;
      const dpr = window.devicePixelRatio || 1;
      textInput.style.left = x / dpr + 'px';
      textInput.style.top = y / dpr + 'px';
      textInput.style.height = Math.max(1, h / dpr) + 'px';
    },
    crmFirstFrame: () => {
      overlay.hidden = true;
      performance.mark('crm-first-frame');
      window.crmReady = true;
    },
    crmTextFocus: (want) => {
      // A mirrored field the focus is on (a11y.js) takes the text itself.
      if (want && document.activeElement !== textInput && !(window.crmA11y && crmA11y.isField(document.activeElement))) textInput.focus({preventScroll: true});
    },
    crmStorageRefresh: async () => {
      if (!navigator.storage || !navigator.storage.estimate) return;
      const e = await navigator.storage.estimate();
      const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
      Module._crm_storage_info(e.usage || 0, e.quota || 0, persisted ? 1 : 0);
    },
    onRuntimeInitialized: () => {
      performance.mark('crm-runtime-ready');   // the module fetched, compiled and instantiated
      start().catch((e) => fatal(String((e && e.message) || e)));
    },
  };

  function withString(fn, s) {
    const len = Module.lengthBytesUTF8(s) + 1, p = Module._malloc(len);
    Module.stringToUTF8(s, p, len);
    const r = fn(p);
    Module._free(p);
    return r;
  }
  const wake = () => { if (started) Module._crm_wake(); };

  //--- One writer: a Web Lock held for the life of the page -----------------
  function holdLock() { return new Promise((r) => { releaseLock = r; }); }
  function acquireWriterLock() {
    if (!navigator.locks) return Promise.resolve(false);
    return new Promise((resolve) => {
      navigator.locks.request('crm-writer', {ifAvailable: true}, (lock) => {
        if (!lock) {
          show('Your CRM is open in another tab',
               'Only one tab changes your data at a time, so nothing is ever overwritten. Keep working there, or move the CRM to this tab.',
               [['Use it here', () => takeOver(resolve)]], false);
          window.crmOneWriterState = 'other-tab';
          return;
        }
        resolve(false);
        return holdLock();
      });
    });
  }
  function takeOver(resolve) {
    show('Moving your CRM to this tab...', 'The other tab saves its last changes first.', [], true);
    if (channel) channel.postMessage({type: 'release'});
    navigator.locks.request('crm-writer', () => { window.crmOneWriterState = 'writer'; resolve(true); return holdLock(); });
  }
  async function waitSaved(ms) {
    const until = performance.now() + ms;
    while (!Module._crm_all_saved() && performance.now() < until) await new Promise((r) => setTimeout(r, 25));
  }
  if (channel) channel.onmessage = async (e) => {
    if (!e.data || e.data.type !== 'release' || !releaseLock) return;
    if (started) {
      Module._crm_flush();
      await waitSaved(10000);
      Module._crm_freeze();
    }
    show('Your CRM moved to another tab', 'It is open in another tab now. Nothing was lost: your changes were saved before it moved.',
         [['Use it here', () => {
           show('Moving your CRM back to this tab...', '', [], true);
           channel.postMessage({type: 'release'});
           navigator.locks.request('crm-writer', () => { location.reload(); return new Promise(() => {}); });
         }]], false);
    window.crmOneWriterState = 'moved';
    const r = releaseLock;
    releaseLock = null;
    r();
  };

  //--- IndexedDB: the stored blocks --------------------------------------------
  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  function openIdb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open('crm', 2);
      req.onupgradeneeded = () => {
        const names = req.result.objectStoreNames;
        if (!names.contains('blocks')) req.result.createObjectStore('blocks');
        if (!names.contains('meta')) req.result.createObjectStore('meta');
        if (!names.contains('hot')) req.result.createObjectStore('hot');   // version 2: the hot snapshot
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new Error('IndexedDB could not be opened: ' + (req.error && req.error.message)));
      req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab of this site.'));
    });
  }
  // What the page VFS needs of a block: its bytes in the wasm buffer, then provide.
  // `token`: Module._crm_fetch_token() when the reading transaction began,
  // so that a copy older than a save made meanwhile is not taken (-1: now).
  function provide(index, bytes, wanted, token = -1) {
    const buf = Module._crm_block_buffer();
    if (bytes) Module.HEAPU8.set(new Uint8Array(bytes, 0, 4096), buf);
    else Module.HEAPU8.fill(0, buf, buf + 4096);
    Module._crm_provide(index, wanted ? 1 : 0, token);
  }
  // Files up to this size are read whole before main(); larger ones open on
  // demand (?lazy=1 or ?lazy=0 force either, for tests and benchmarks).
  const LAZY_FROM = 48 << 20;
  const lazyParam = new URLSearchParams(location.search).get('lazy');
  // Blocks kept in memory beyond those a statement or a save needs: 96 MiB,
  // so the page stays under 256 MiB at any database size with the analytics
  // working set of 100k contacts on top (a laptop or a phone); ?memlimit=MiB
  // sets it (0: none), for tests and benchmarks.
  const memParam = new URLSearchParams(location.search).get('memlimit');
  const MEMORY_LIMIT = (memParam === null ? 96 : Number(memParam)) * 1048576;
  Module.crmHot = {gen: 0, stale: new Set()};
  let fileBlocks = 0;
  async function loadBlocks(db, early) {
    const meta = early ? early.meta : await request(db.transaction('meta').objectStore('meta').get('file'));
    if (!meta) {
      // No file record but blocks stored: something removed half of the data.
      // Starting empty would overwrite the rest, so stop and say so.
      const stored = await request(db.transaction('blocks').objectStore('blocks').count());
      if (stored > 0) throw new Error('The stored database is incomplete (' + stored + ' blocks without their file record). ' +
                                      'Nothing was changed; export what you can from a backup before clearing this site\'s data.');
      return {size: 0, lazy: false};
    }
    Module.crmHot = {gen: meta.hotGen || 0, stale: new Set(meta.stale || [])};
    const n = fileBlocks = Math.ceil(meta.size / 4096);
    const lazy = lazyParam === '1' || (lazyParam !== '0' && meta.size > LAZY_FROM);
    if (lazy) return openLazy(db, meta, early);
    const CHUNK = 4096;
    for (let lo = 0; lo < n; lo += CHUNK) {
      const store = db.transaction('blocks').objectStore('blocks');
      const range = IDBKeyRange.bound(lo, Math.min(n, lo + CHUNK) - 1);
      const [keys, values] = await Promise.all([request(store.getAllKeys(range)), request(store.getAll(range))]);
      for (let i = 0; i < keys.length; i++) {
        const ptr = Module._crm_load_block(keys[i]);   // may grow memory: take HEAPU8 after
        Module.HEAPU8.set(new Uint8Array(values[i]), ptr);
      }
      if (n > CHUNK) show('Opening your data...', Math.round(100 * Math.min(n, lo + CHUNK) / n) + '%', [], true);
    }
    Module._crm_load_size(meta.size);
    return {size: meta.size, lazy: false};
  }

  //--- Demand paging: a large file opens on block 0 and the hot snapshot ------
  async function openLazy(db, meta, early) {
    let block0, hot;
    if (early) ({block0, hot} = early);
    else {
      const tx = db.transaction(['blocks', 'hot'], 'readonly');
      [block0, hot] = await Promise.all([request(tx.objectStore('blocks').get(0)), request(tx.objectStore('hot').getAll(HOT_START_KEYS))]);
    }
    provide(0, block0, false);   // into the buffer first: open_lazy takes block 0 from it
    Module._crm_open_lazy(meta.size);
    Module._crm_set_memory_limit(MEMORY_LIMIT);
    const hotBlocks = provideHot(hot, -1);
    window.crmLazyStats = {hotBlocks: hotBlocks, fileBlocks: fileBlocks, fetches: 0, fetched: 0};
    return {size: meta.size, lazy: true};
  }
  // The hot snapshot's records (see idb_store.cpp) into the file; `token`:
  // -1 before anything was saved, else crm_fetch_token() from when the read began.
  function provideHot(records, token) {
    let n = 0;
    for (const rec of records) {
      if (!(rec instanceof ArrayBuffer) || rec.byteLength < 4096) continue;
      const head = new Uint32Array(rec, 0, 1024);   // gen, count, the blocks' indexes
      if (head[0] !== Module.crmHot.gen || !Module.crmHot.gen || rec.byteLength !== 4096 * (head[1] + 1)) continue;   // an older snapshot
      for (let k = 0; k < head[1]; k++) {
        if (Module.crmHot.stale.has(head[2 + k])) continue;   // saved since: read it from the blocks
        provide(head[2 + k], rec.slice(4096 * (k + 1), 4096 * (k + 2)), false, token);
        n++;
      }
    }
    return n;
  }
  // Blocks the frame's reads missed, each with the next few, and their
  // siblings in the b-tree (a scan reads them next): one getAll per run of
  // consecutive blocks, all in one transaction.
  const AHEAD = 8, inFlight = new Set();
  Module.crmFetchBlocks = (ptr, n, m) => {
    const wanted = new Set(), all = new Set();
    for (let i = 0; i < n + m; i++) {
      const b = Module.HEAPU32[(ptr >> 2) + i];
      if (inFlight.has(b)) continue;
      all.add(b);
      if (i < n) {
        wanted.add(b);
        for (let k = 1; k < AHEAD && b + k < Module._crm_file_blocks(); k++) if (!inFlight.has(b + k)) all.add(b + k);
      }
    }
    if (!wanted.size) return;
    const runs = [];
    for (const b of [...all].sort((x, y) => x - y)) {
      if (runs.length && b === runs[runs.length - 1][1] + 1) runs[runs.length - 1][1] = b;
      else runs.push([b, b]);
    }
    for (const b of all) inFlight.add(b);
    const stats = window.crmLazyStats;
    if (stats) stats.fetches++;
    readRuns(runs, true).catch((e) => console.warn('blocks not read: ' + e)).finally(() => {
      for (const b of all) inFlight.delete(b);
      Module._crm_blocks_arrived();   // a failed read misses again and is asked for again
    });
  };
  // `demand`: a screen or a change waits for these (the missed blocks, those
  // after them and their siblings: what it reads next), so they count as
  // just used; the background's blocks are the first the limit drops.
  async function readRuns(runs, demand) {
    const store = Module.crmIdb.transaction('blocks').objectStore('blocks');
    const token = Module._crm_fetch_token();   // it sees every save begun before it
    await Promise.all(runs.map(async ([lo, hi]) => {
      const range = IDBKeyRange.bound(lo, hi);
      const [keys, values] = await Promise.all([request(store.getAllKeys(range)), request(store.getAll(range))]);
      let k = 0;
      for (let b = lo; b <= hi; b++) {
        // A block never written is zeros (the store drops nothing below the size).
        const bytes = keys[k] === b ? values[k++] : null;
        provide(b, bytes, demand, token);
      }
      if (window.crmLazyStats) window.crmLazyStats.fetched += hi - lo + 1;
    }));
  }
  // The rest of the file, in the background, 128 blocks a request, as far as
  // the memory limit allows; the blocks a screen waits for go first. A job
  // that needs the whole file (an export) asks for the rest beyond the limit
  // (crmLoadAll), and each request wakes the loop (its progress shows).
  let prefetching = false, wantAll = false, prefetchDone = false;
  async function startBackground() {
    // The first screen's blocks first: the background starts once it shows its data.
    await new Promise((r) => { Module.crmFirstData = r; if (performance.getEntriesByName('crm-first-data').length) r(); });
    Module._crm_mark_start();   // what the first screen read: the next start's hot set
    // The rest of the hot snapshot: the interior pages the start did not read
    // (a search or another screen walks them next) and the blocks read last.
    try {
      const token = Module._crm_fetch_token();
      const rest = await request(Module.crmIdb.transaction('hot').objectStore('hot').getAll(HOT_REST_KEYS));
      const n = provideHot(rest, token);
      if (window.crmLazyStats) window.crmLazyStats.hotRestBlocks = n;
      if (n) Module._crm_blocks_arrived();
    } catch (e) {
      console.warn('hot snapshot not read: ' + e);
    }
    await prefetch();
    prefetchDone = true;
    setTimeout(writeHot, 2000);
  }
  // A file from an earlier version is read whole before its upgrade (web_main.cpp).
  Module.crmUpgradeProgress = (have, total) =>
    show('Upgrading your data to this version...', 'Reading it once: ' + Math.floor(100 * have / total) + '%', [], true);
  Module.crmLoadAll = () => {
    wantAll = true;
    prefetch();
  };
  async function prefetch() {
    if (prefetching) return;
    prefetching = true;
    const t0 = performance.now();
    let from = 0;
    for (;;) {
      while (inFlight.size) await new Promise((r) => setTimeout(r, 20));   // a screen waits for blocks: they go first
      if (!wantAll && Module._crm_prefetch_room() <= 0) break;
      let a = Module._crm_next_absent(from);
      if (a < 0 && from > 0) a = Module._crm_next_absent(from = 0);   // dropped meanwhile: once more from the start
      if (a < 0) break;
      const hi = Math.max(a, Math.min(a + 127, Module._crm_file_blocks() - 1));   // the file may have grown since it opened
      try {
        await readRuns([[a, hi]], false);
      } catch (e) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      from = hi + 1;
      if (wantAll) Module._crm_blocks_arrived();
      await new Promise((r) => setTimeout(r, 0));
    }
    prefetching = false;
    if (wantAll) {
      wantAll = false;
      Module._crm_blocks_arrived();
    }
    if (!prefetchDone) {
      window.crmLazyStats.prefetchMs = performance.now() - t0;
      window.crmLazyStats.resident = Module._crm_resident_bytes();
    }
  }
  // The hot snapshot: page 1, the interior pages and the blocks read last,
  // for the next start to read first. Written when everything is stored.
  async function writeHot() {
    const n = Module._crm_hot_prepare(3072);
    if (!n) return setTimeout(writeHot, 5000);   // a save is on its way: later
    const list = Module.HEAPU32.slice(Module._crm_hot_list() >> 2, (Module._crm_hot_list() >> 2) + n);
    const startCount = Module._crm_hot_start_count();
    const gen = (Module.crmHot.gen % 2000000000) + 1;
    // Records of 1 MiB: Chromium keeps values over 64 KiB as files of their
    // own, read at 80-100 MiB/s here (4 KiB records: 35-45). The start's
    // part under keys from 0, the rest from 1000.
    const records = [];   // [key, record]
    const pack = (from, to, key) => {
      for (let at = from; at < to; at += 255, key++) {
        const count = Math.min(255, to - at), rec = new ArrayBuffer(4096 * (count + 1));
        const head = new Uint32Array(rec, 0, 1024), bytes = new Uint8Array(rec);
        head[0] = gen;
        head[1] = count;
        for (let k = 0; k < count; k++) {
          head[2 + k] = list[at + k];
          const p = Module._crm_block_data(list[at + k]);
          bytes.set(Module.HEAPU8.subarray(p, p + 4096), 4096 * (k + 1));
        }
        records.push([key, rec]);
      }
    };
    pack(0, startCount, 0);
    pack(startCount, n, 1000);
    // From here on, saves count their blocks against this snapshot.
    Module.crmHot = {gen: gen, stale: new Set()};
    const tx = Module.crmIdb.transaction(['hot', 'meta'], 'readwrite');
    const hot = tx.objectStore('hot'), meta = tx.objectStore('meta');
    hot.clear();
    for (const [key, rec] of records) hot.put(rec, key);
    const m = await request(meta.get('file'));
    if (m) meta.put(Object.assign(m, {hotGen: gen, stale: []}), 'file');
    tx.oncomplete = () => { if (window.crmLazyStats) window.crmLazyStats.hotWritten = n; };
  }

  //--- Files: downloads, the picker, drag and drop --------------------------------
  Module.crmDownload = (path, name, mime) => {
    const bytes = Module.FS.readFile(path);
    Module.FS.unlink(path);
    const url = URL.createObjectURL(new Blob([bytes], {type: mime}));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  };
  async function receiveFile(file) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    try { Module.FS.mkdir('/uploads'); } catch (e) {}
    const safe = file.name.replace(/[^A-Za-z0-9._-]/g, '_');
    const path = '/uploads/' + Date.now() + '-' + safe;
    Module.FS.writeFile(path, bytes);
    withString((p) => withString((n) => Module._crm_file_arrived(p, n), file.name), path);
  }
  Module.crmPickFile = (accept) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.addEventListener('change', () => { if (input.files[0]) receiveFile(input.files[0]); });
    input.click();
  };
  window.addEventListener('dragover', (e) => { e.preventDefault(); });
  window.addEventListener('drop', (e) => {
    e.preventDefault();
    if (started && e.dataTransfer && e.dataTransfer.files[0]) receiveFile(e.dataTransfer.files[0]);
  });

  //--- Input glue ---------------------------------------------------------------
  function installInput() {
    // Typed and composed text comes from the page's hidden text field or, when
    // a screen reader or the keyboard put the focus there, a mirrored field (a11y.js).
    let composing = false;
    const field = (t) => t === textInput || (window.crmA11y && crmA11y.isField(t));
    const reset = (t) => { if (t === textInput) t.value = ''; else crmA11y.restore(t); };
    // An IME's composition is shown by the app at the caret while it lasts;
    // only the committed text is typed (once), and Escape cancels it.
    document.addEventListener('compositionstart', (e) => { if (field(e.target)) composing = true; });
    document.addEventListener('compositionupdate', (e) => { if (field(e.target)) withString(Module._crm_ime_preedit, e.data || ''); });
    document.addEventListener('compositionend', (e) => {
      if (!field(e.target)) return;
      composing = false;
      withString(Module._crm_ime_preedit, '');
      if (e.data) withString(Module._crm_text_input, e.data);
      reset(e.target);
    });
    document.addEventListener('input', (e) => {
      if (!field(e.target) || composing || e.isComposing) return;
      if (e.inputType === 'insertText' && e.data) withString(Module._crm_text_input, e.data);
      reset(e.target);
    });
    const onPaste = (e) => {
      const t = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
      withString(Module._crm_paste_text, t);
      e.preventDefault();
    };
    const onCopy = (e) => {
      const t = Module.UTF8ToString(Module._crm_copy_text());
      if (t && e.clipboardData) {
        e.clipboardData.setData('text/plain', t);
        e.preventDefault();
      }
    };
    document.addEventListener('paste', onPaste);
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCopy);
    installTouch();
    // Keep keyboard focus in the page's text field: a click on the canvas would move it to <body>.
    canvas.addEventListener('mousedown', (e) => { e.preventDefault(); textInput.focus({preventScroll: true}); });
    // The browser's own Ctrl+K (search bar) and Ctrl+S (save page) would take the keys from the app.
    window.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && ['k', 's'].includes(e.key.toLowerCase())) e.preventDefault();
      if (e.key === 'F1') e.preventDefault();   // the app's keyboard shortcuts, not the browser's help page
    }, true);
    window.addEventListener('resize', wake);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') Module._crm_flush();
      else wake();
    });
    window.addEventListener('pagehide', () => Module._crm_flush());
    textInput.focus({preventScroll: true});
  }

  //--- Touch: tap, drag to scroll with inertia, long press ----------------------
  // GLFW reads a touch as a mouse button at the last mouse position, so the
  // page takes touches on the canvas before it does (capture on window) and
  // tells the app what the finger did. preventDefault keeps the browser from
  // also sending the mouse events it would make up, and from zooming.
  function installTouch() {
    const kSlop = 10, kLongPressMs = 500, kFriction = 0.0025;   // CSS px; ms; velocity lost per ms (of 1)
    const kVelocityMs = 100, kStillMs = 50;   // the finger's speed over its last 100 ms of moves; still for 50 ms: stopped
    const when = (e) => e.timeStamp || performance.now();
    let t = null, glide = 0;   // the finger down; the inertia's animation frame
    const at = (touch) => {
      const r = canvas.getBoundingClientRect(), k = canvas.width / (r.width || 1);
      return [(touch.clientX - r.left) * k, (touch.clientY - r.top) * k];
    };
    // The tap's frames run inside the event, so a text field it lands in gets
    // the page's text input focused while the gesture lasts: a phone's keyboard opens.
    const settle = () => {
      const typing = Module._crm_touch_settle() === 1;
      if (typing) textInput.focus({preventScroll: true});
      else if (document.activeElement === textInput) textInput.blur();
      window.crmTouchStats.keyboard = typing;
    };
    const stopGlide = () => { if (glide) cancelAnimationFrame(glide); glide = 0; window.crmTouchStats.gliding = false; };
    const onStart = (e) => {
      if (e.target !== canvas) return;
      e.preventDefault();
      e.stopPropagation();
      stopGlide();
      if (e.touches.length > 1) { t = null; return; }   // two fingers: nothing (no pinch zoom of a canvas)
      const [x, y] = at(e.changedTouches[0]);
      t = {x0: x, y0: y, x, y, dragging: false, pressed: false, moves: [[when(e), x, y]]};
      const mine = t;
      t.timer = setTimeout(() => {   // held still: the context menu
        if (t !== mine || t.dragging) return;
        t.pressed = true;
        Module._crm_touch_button(x, y, 1, 1);
        Module._crm_touch_button(x, y, 1, 0);
        Module._crm_touch_settle();
        window.crmTouchStats.longPresses++;
      }, kLongPressMs);
    };
    const onMove = (e) => {
      if (e.target !== canvas) return;
      e.preventDefault();
      e.stopPropagation();
      if (!t || t.pressed) return;
      const [x, y] = at(e.changedTouches[0]);
      const slop = kSlop * (window.devicePixelRatio || 1);
      if (!t.dragging && Math.hypot(x - t.x0, y - t.y0) < slop) return;
      t.dragging = true;
      clearTimeout(t.timer);
      Module._crm_touch_scroll(x, y, x - t.x, y - t.y);
      t.x = x;
      t.y = y;
      const now = when(e);
      t.moves.push([now, x, y]);
      while (t.moves.length > 2 && now - t.moves[0][0] > kVelocityMs) t.moves.shift();
    };
    const onEnd = (e) => {
      if (e.target !== canvas) return;
      e.preventDefault();
      e.stopPropagation();
      if (!t) return;
      clearTimeout(t.timer);
      const done = t;
      t = null;
      if (e.type === 'touchcancel' || done.pressed) { Module._crm_touch_lift(); return; }
      if (!done.dragging) {   // a tap: a click where the finger was
        Module._crm_touch_button(done.x0, done.y0, 0, 1);
        Module._crm_touch_button(done.x0, done.y0, 0, 0);
        settle();
        Module._crm_touch_lift();
        window.crmTouchStats.taps++;
        return;
      }
      // A drag goes on at the speed the finger left with (over its last moves,
      // by the events' own times: a busy page handles them late, not the
      // finger), slowing down. A finger that stood still before lifting stops.
      const [t0, x0, y0] = done.moves[0], [t1] = done.moves[done.moves.length - 1];
      const still = when(e) - t1 > kStillMs, dt = Math.max(1, t1 - t0);
      let vx = still ? 0 : (done.x - x0) / dt, vy = still ? 0 : (done.y - y0) / dt, last = performance.now();
      window.crmTouchStats.drags++;
      window.crmTouchStats.liftSpeed = Math.hypot(vx, vy);
      const step = (ts) => {
        const ms = Math.min(50, ts - last);
        last = ts;
        const decay = Math.max(0, 1 - kFriction * ms);
        vx *= decay;
        vy *= decay;
        if (Math.hypot(vx, vy) < 0.02 * (window.devicePixelRatio || 1)) { stopGlide(); Module._crm_touch_lift(); return; }
        Module._crm_touch_scroll(done.x, done.y, vx * ms, vy * ms);
        window.crmTouchStats.glideFrames++;
        glide = requestAnimationFrame(step);
      };
      if (Math.hypot(vx, vy) > 0.1) {
        glide = requestAnimationFrame((ts) => { last = ts; step(ts); });
        window.crmTouchStats.gliding = true;
      } else Module._crm_touch_lift();
    };
    const opts = {capture: true, passive: false};
    window.addEventListener('touchstart', onStart, opts);
    window.addEventListener('touchmove', onMove, opts);
    window.addEventListener('touchend', onEnd, opts);
    window.addEventListener('touchcancel', onEnd, opts);
  }
  window.crmTouchStats = {taps: 0, drags: 0, glideFrames: 0, longPresses: 0, keyboard: false, liftSpeed: 0, gliding: false};
  // The text size the user chose (the system's, with <meta name="text-scale">, or the browser's):
  // the app's type follows it. Read on start and on a resize, not every frame.
  const readTextZoom = () => {
    const px = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    Module.crmTextZoom = Math.min(3, Math.max(0.75, px / 16));
  };
  readTextZoom();
  window.addEventListener('resize', readTextZoom);

  //--- Locale: the user's conventions, from Intl -----------------------------------
  // The app formats numbers, dates and times itself (src/core/base/locale.h)
  // from this description: the browser's locale and zone, or those chosen
  // in Settings. A tag or zone Intl does not know falls back to the browser's.
  const zoneFormats = new Map();
  const knownZone = (tz) => {
    if (!tz) return false;
    try { new Intl.DateTimeFormat('en-US', {timeZone: tz}); return true; } catch (e) { return false; }
  };
  Module.crmIsTimeZone = knownZone;
  Module.crmDescribeLocale = (tag, tz) => {
    let locale;
    try { locale = tag ? Intl.getCanonicalLocales(tag)[0] : undefined; } catch (e) { locale = undefined; }
    const timeZone = knownZone(tz) ? tz : undefined;
    const day = new Date(Date.UTC(2026, 11, 24, 12));
    const dtf = new Intl.DateTimeFormat(locale, {year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC'});
    const parts = dtf.formatToParts(day);
    const order = parts.filter((p) => p.type === 'year' || p.type === 'month' || p.type === 'day').map((p) => p.type[0].toUpperCase()).join('');
    const literal = parts.find((p) => p.type === 'literal');
    const resolved = dtf.resolvedOptions().locale;
    const clock = new Intl.DateTimeFormat(resolved, {hour: 'numeric', minute: '2-digit', timeZone: 'UTC'});
    const hour12 = !!clock.resolvedOptions().hour12;
    const period = (h) => ((clock.formatToParts(new Date(Date.UTC(2026, 0, 1, h))).find((p) => p.type === 'dayPeriod') || {}).value);
    // The app writes ASCII digits: the separators of the Latin digits (Arabic's own are for its own digits).
    const num = new Intl.NumberFormat(resolved, {numberingSystem: 'latn'}).formatToParts(1234567.5);
    const part = (type, fallback) => ((num.find((p) => p.type === type) || {}).value ?? fallback);
    const loc = new Intl.Locale(resolved);
    const week = (loc.getWeekInfo && loc.getWeekInfo()) || loc.weekInfo || {firstDay: 1};
    return JSON.stringify({
      tag: resolved, decimal: part('decimal', '.'), group: part('group', ','),
      date_order: order.length === 3 ? order : 'YMD', date_sep: literal ? (literal.value.replace(/[\u200e\u200f\u061c]/g, '').trim() || ' ') : '-',
      hour12, am: period(9) || 'AM', pm: period(21) || 'PM', first_day: week.firstDay || 1,
      time_zone: timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    });
  };
  // Minutes east of UTC at an instant, in the browser's zone ('') or a named one.
  Module.crmUtcOffset = (ms, tz) => {
    if (!tz || !knownZone(tz)) return -new Date(ms).getTimezoneOffset();
    let f = zoneFormats.get(tz);
    if (!f) {
      f = new Intl.DateTimeFormat('en-US', {timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric'});
      zoneFormats.set(tz, f);
    }
    const v = {};
    for (const p of f.formatToParts(new Date(ms))) v[p.type] = Number(p.value);
    const wall = Date.UTC(v.year, v.month - 1, v.day, v.hour % 24, v.minute, v.second);
    return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
  };

  //--- Sync's HTTP: fetch, answered through _crm_http_done ----------------------
  // A snapshot (saveTo) streams into the page's file system with its progress;
  // anything else comes back as text. No cookies: the token is the credential.
  Module.crmHttp = async (id, method, url, headersJson, body, saveTo) => {
    let status = 0, text = '', error = '';
    const headers = {};
    try {
      const init = {method: method, headers: JSON.parse(headersJson), cache: 'no-store', credentials: 'omit'};
      if (body) init.body = body;
      const res = await fetch(url, init);
      status = res.status;
      res.headers.forEach((v, k) => { headers[k] = v; });
      if (saveTo && res.ok && res.body) {
        const total = Number(res.headers.get('content-length')) || 0;
        const reader = res.body.getReader();
        let buf = new Uint8Array(total || (1 << 20)), got = 0, told = 0;
        for (;;) {
          const {done, value} = await reader.read();
          if (done) break;
          if (got + value.length > buf.length) {
            const bigger = new Uint8Array(Math.max(buf.length * 2, got + value.length));
            bigger.set(buf.subarray(0, got));
            buf = bigger;
          }
          buf.set(value, got);
          got += value.length;
          if (got - told > (1 << 22) || got === total) { told = got; Module._crm_http_progress(id, got, total); }
        }
        // The file system takes the buffer as it is (canOwn): a large snapshot is not held twice.
        const stream = Module.FS.open(saveTo, 'w');
        Module.FS.write(stream, buf, 0, got, 0, true);
        Module.FS.close(stream);
        buf = null;
      } else {
        text = await res.text();
      }
    } catch (e) {
      status = 0;
      error = (e && e.message) || String(e);
    }
    withString((b) => withString((h) => withString((er) => Module._crm_http_done(id, status, b, h, er), error), JSON.stringify(headers)), text);
  };
  window.addEventListener('online', () => { if (started) Module._crm_online(); });

  //--- Offline and updates: the service worker ----------------------------------
  // A new version installs in the background and waits; the app shows
  // "Update available - Reload", and only that click switches versions.
  let waitingWorker = null;
  function offerUpdate(worker) {
    if (!navigator.serviceWorker.controller) return;   // the first install: nothing to update
    waitingWorker = worker;
    window.crmUpdateAvailable = true;
    if (started) Module._crm_update_available();
  }
  Module.crmApplyUpdate = async () => {
    if (!waitingWorker) return;
    Module._crm_flush();
    await waitSaved(10000);
    window.crmUpdateAccepted = true;
    waitingWorker.postMessage('skip-waiting');
  };
  if ('serviceWorker' in navigator && location.protocol !== 'file:') {
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (window.crmUpdateAccepted) location.reload();
    });
    navigator.serviceWorker.register('sw.js').then((reg) => {
      if (reg.waiting) offerUpdate(reg.waiting);
      reg.addEventListener('updatefound', () => {
        const w = reg.installing;
        if (w) w.addEventListener('statechange', () => { if (w.state === 'installed') offerUpdate(w); });
      });
      window.crmServiceWorker = reg;
    }).catch((e) => console.warn('service worker not registered: ' + e));
  }

  async function start() {
    const fonts = await fontsReady;
    Module.FS.mkdir('/fonts');
    for (const [name, bytes] of fonts) Module.FS.writeFile('/fonts/' + name, bytes);
    performance.mark('crm-fonts-ready');
    const waited = await acquireWriterLock();
    performance.mark('crm-lock-held');
    window.crmOneWriterState = 'writer';
    show('Opening your data...', '', [], true);
    // After waiting for another tab, what was read early may be old: read again.
    const early = waited ? null : await earlyRead;
    if (waited) earlyRead.then((e) => e && e.db.close());
    Module.crmIdb = early ? early.db : await openIdb();
    const t0 = performance.now();
    const opened = await loadBlocks(Module.crmIdb, early);
    window.crmLoadStats = {bytes: opened.size, ms: performance.now() - t0, lazy: opened.lazy};
    performance.mark('crm-blocks-read');
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().then(() => Module.crmStorageRefresh());
    installInput();
    started = true;
    Module.callMain([]);
    performance.mark('crm-main-done');   // the app set up; the database opens in the first frames
    if (opened.lazy) startBackground();
    if (window.crmUpdateAvailable) Module._crm_update_available();
    // An invite link (…#join=…): the app asks before joining; the token leaves the address bar.
    if (location.hash.startsWith('#join=')) {
      withString(Module._crm_invite, location.href);
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  // For the browser tests: the items ImGui drew (labels and rectangles) and what the screens show.
  window.crmTest = {
    enable: () => Module._crm_test_enable(1),
    items: () => JSON.parse(Module.UTF8ToString(Module._crm_test_items())),
    state: () => JSON.parse(Module.UTF8ToString(Module._crm_test_state())),
    frames: () => Module._crm_frame_count(),
    advanceClock: (ms) => Module._crm_test_advance_clock(ms),   // the app's clock moves on (journeys' waits)
    pending: () => Module._crm_input_pending(),
    paused: () => Module._crm_paused() === 1,
    frameStats: (reset) => JSON.parse(Module.UTF8ToString(Module._crm_frame_stats(reset ? 1 : 0))),
    // Waits while the rest of a lazily opened file is read (the check reads all of it).
    health: async () => {
      for (;;) {
        const r = Module.UTF8ToString(Module._crm_test_health());
        if (r !== '\x01loading') return r;
        await new Promise((ok) => setTimeout(ok, 50));
      }
    },
  };

  const s = document.createElement('script');
  s.src = 'crm.js';
  s.onerror = () => fatal('crm.js could not be loaded. Check the connection, or that the site was deployed completely.');
  document.body.appendChild(s);
})();
