// idb_store.cpp - the page VFS's store in the browser: each batch of blocks
// is written, with the file size, in one IndexedDB transaction, so what is
// stored is always one whole commit. web/shell.js opened the database
// (Module.crmIdb) and read the blocks back into the file before main().
//
// IndexedDB layout (database "crm", version 1):
//   blocks: key = block index (0-based), value = ArrayBuffer of 4096 bytes
//   meta:   key "file" -> { size, blockSize, savedAt }
#include <emscripten.h>

#include <cstdint>
#include <string>

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
        tx.objectStore('meta').put({size: size, blockSize: 4096, savedAt: Date.now()}, 'file');
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

// For the one-writer hand-over: is everything stored?
EMSCRIPTEN_KEEPALIVE int crm_all_saved() {
    crm::PageFile& f = crm::page_file(crm::web::kDbFile);
    return !f.in_flight() && f.pending_blocks() == 0;
}

}
