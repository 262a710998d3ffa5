// idb_store.cpp - the page VFS's store in the browser: each batch of blocks
// is written, with the file size, in one IndexedDB transaction, so what is
// stored is always one whole commit. web/shell.js opened the database
// (Module.crmIdb) and read the blocks back into the file before main().
//
// A large file opens lazily (pagevfs.h): shell.js gives block 0 and the
// "hot" snapshot of the last start, main() opens as soon as that suffices,
// blocks a read missed are fetched at the end of the frame (with neighbours,
// one getAll per run) and the rest arrive in the background.
//
// IndexedDB layout (database "crm", version 2):
//   blocks: key = block index (0-based), value = ArrayBuffer of 4096 bytes
//   meta:   key "file" -> { size, blockSize, savedAt, hotGen, stale }
//   hot:    key 0.. -> ArrayBuffer of 1 MiB at most: a 4096-byte head (gen,
//           count, up to 255 block indexes as uint32), then the blocks.
//           Valid when gen = meta.hotGen; blocks saved since are in meta.stale.
//           Keys below 1000 hold what the last start read (read before the
//           open), keys from 1000 the other interior pages and recent blocks
//           (read once the first screen shows).
#include <emscripten.h>

#include <cstdint>
#include <string>
#include <vector>

#include "app/platform.h"
#include "storage/pagevfs.h"
#include "platform/web/web.h"

namespace {

double g_last_ms = 0, g_last_bytes = 0;

// Copies the blocks out of wasm memory now (the VFS may overwrite them right
// after), then writes them in one transaction; reports through crm_idb_done.
EM_JS(void, js_idb_write, (const uint32_t* blocks, const uint8_t* const* data, int n, double size), {
    const t0 = performance.now();
    const copies = new Array(n);
    for (let i = 0; i < n; i++) {
        const ptr = HEAPU32[(data >> 2) + i];
        copies[i] = [HEAPU32[(blocks >> 2) + i], HEAPU8.slice(ptr, ptr + 4096).buffer];
    }
    const fail = (msg) => {
        const len = lengthBytesUTF8(msg) + 1, p = _malloc(len);
        stringToUTF8(msg, p, len);
        _crm_idb_done(0, p, 0, 0);
        _free(p);
    };
    let tx;
    try {
        if (Module.crmIdbFail) throw new DOMException(Module.crmIdbFail, 'QuotaExceededError');  // tests inject this
        tx = Module.crmIdb.transaction(['blocks', 'meta'], 'readwrite');
        const store = tx.objectStore('blocks');
        for (let i = 0; i < n; i++) store.put(copies[i][1], copies[i][0]);
        store.delete(IDBKeyRange.lowerBound(Math.ceil(size / 4096)));
        // The hot snapshot's copies of these blocks are now old; too many: drop it.
        const hot = Module.crmHot;
        if (hot.gen) for (let i = 0; i < n; i++) hot.stale.add(copies[i][0]);
        if (hot.stale.size > 4096) { hot.gen = 0; hot.stale.clear(); }
        tx.objectStore('meta').put({size: size, blockSize: 4096, savedAt: Date.now(), hotGen: hot.gen, stale: [...hot.stale]}, 'file');
    } catch (e) {
        fail((e && e.name ? e.name + ": " : "") + (e && e.message ? e.message : String(e)));
        return;
    }
    let done = false;
    tx.oncomplete = () => { done = true; _crm_idb_done(1, 0, performance.now() - t0, n * 4096); };
    const onfail = () => {
        if (done) return;
        done = true;
        const e = tx.error;
        fail(e ? e.name + ': ' + e.message : 'the IndexedDB transaction was aborted');
    };
    tx.onabort = onfail;
    tx.onerror = onfail;
});

struct IdbStore : crm::PageStore {
    void write(const crm::PageBatch& b) override {
        js_idb_write(b.blocks.data(), b.data.data(), (int)b.blocks.size(), (double)b.file_size);
    }
};

IdbStore g_store;

}  // namespace

crm::PageStore& crm::web::idb_store() { return g_store; }

crm::platform::SaveTiming crm::platform::last_save_timing() { return {g_last_ms, g_last_bytes}; }

extern "C" {

// Start-up: web/shell.js fills the file block by block, then sets its size.
EMSCRIPTEN_KEEPALIVE uint8_t* crm_load_block(uint32_t i) { return crm::page_file(crm::web::kDbFile).load_block(i); }
EMSCRIPTEN_KEEPALIVE void crm_load_size(double size) { crm::page_file(crm::web::kDbFile).set_size((uint64_t)size); }

EMSCRIPTEN_KEEPALIVE void crm_idb_done(int ok, const char* error, double ms, double bytes) {
    if (ok) {
        g_last_ms = ms;
        g_last_bytes = bytes;
    }
    crm::page_file(crm::web::kDbFile).batch_done(ok != 0, error ? error : "");
    crm::web::wake();
}

// pagehide / visibilitychange: send anything still pending now.
EMSCRIPTEN_KEEPALIVE void crm_flush() { crm::page_file(crm::web::kDbFile).retry(); }

//-- Demand paging: shell.js puts a block's bytes in crm_block_buffer() and
// hands it over with crm_provide.
alignas(8) uint8_t g_block[crm::kBlockSize];
std::vector<uint32_t> g_hot;
size_t g_hot_start = 0;   // the first g_hot_start of g_hot: what the start read
EMSCRIPTEN_KEEPALIVE uint8_t* crm_block_buffer() { return g_block; }
EMSCRIPTEN_KEEPALIVE void crm_open_lazy(double size) { crm::page_file(crm::web::kDbFile).open_lazy((uint64_t)size, g_block); }
// `token`: crm_fetch_token() when the read's transaction began (-1: the
// hot snapshot, read before anything was saved).
EMSCRIPTEN_KEEPALIVE void crm_provide(uint32_t i, int wanted, uint32_t token) { crm::page_file(crm::web::kDbFile).provide(i, g_block, wanted != 0, token); }
EMSCRIPTEN_KEEPALIVE uint32_t crm_fetch_token() { return crm::page_file(crm::web::kDbFile).fetch_token(); }
EMSCRIPTEN_KEEPALIVE void crm_set_memory_limit(double bytes) { crm::page_file(crm::web::kDbFile).set_memory_limit((uint64_t)bytes); }
EMSCRIPTEN_KEEPALIVE double crm_next_absent(uint32_t from) { return (double)crm::page_file(crm::web::kDbFile).next_absent(from); }
EMSCRIPTEN_KEEPALIVE double crm_file_blocks() { return (double)((crm::page_file(crm::web::kDbFile).size() + crm::kBlockSize - 1) / crm::kBlockSize); }
EMSCRIPTEN_KEEPALIVE double crm_absent_blocks() { return crm::page_file(crm::web::kDbFile).absent_blocks(); }
// How many more blocks the background may bring (the memory limit).
EMSCRIPTEN_KEEPALIVE double crm_prefetch_room() {
    crm::PageFile& f = crm::page_file(crm::web::kDbFile);
    if (!f.memory_limit()) return f.absent_blocks();
    return f.memory_limit() > f.resident_bytes() ? (double)((f.memory_limit() - f.resident_bytes()) / crm::kBlockSize) : 0;
}
// The hot snapshot to write: 0 while something is not stored yet (the
// blocks in memory must be the stored ones), else the count; then the list,
// the start's part first (crm_hot_start_count blocks).
EMSCRIPTEN_KEEPALIVE int crm_hot_prepare(int max_blocks) {
    crm::PageFile& f = crm::page_file(crm::web::kDbFile);
    g_hot.clear();
    g_hot_start = 0;
    if (f.quiet()) g_hot = f.hot_blocks((size_t)max_blocks, &g_hot_start);
    return (int)g_hot.size();
}
EMSCRIPTEN_KEEPALIVE const uint32_t* crm_hot_list() { return g_hot.data(); }
EMSCRIPTEN_KEEPALIVE int crm_hot_start_count() { return (int)g_hot_start; }
EMSCRIPTEN_KEEPALIVE const uint8_t* crm_block_data(uint32_t i) { return crm::page_file(crm::web::kDbFile).block(i); }
EMSCRIPTEN_KEEPALIVE void crm_mark_start() { crm::page_file(crm::web::kDbFile).mark_start(); }
EMSCRIPTEN_KEEPALIVE double crm_resident_bytes() { return (double)crm::page_file(crm::web::kDbFile).resident_bytes(); }

// For the one-writer hand-over: is everything stored?
EMSCRIPTEN_KEEPALIVE int crm_all_saved() {
    crm::PageFile& f = crm::page_file(crm::web::kDbFile);
    return !f.in_flight() && f.pending_blocks() == 0;
}

}
