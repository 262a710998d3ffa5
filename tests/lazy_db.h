// lazy_db.h - a database opened lazily on the page VFS, as the browser opens
// a large one: no block in memory at first, every read that misses is
// answered later (with a few neighbours, as one IndexedDB getAll would),
// some fetches fail, and the statement runs again. Used by
// test_demand_paging.cpp and the sync tests.
#pragma once

#include <optional>
#include <random>

#include "demo/demo.h"
#include "memory_store.h"
#include "records/store.h"
#include "testing.h"

namespace crm::testing {

// The stored blocks of a demo database (built once per size), as a reload finds them.
inline const MemoryStore& stored_demo(int64_t contacts = 400) {
    static std::map<int64_t, MemoryStore*> built;
    MemoryStore*& ms = built[contacts];
    if (!ms) {
        PagedDb* p = new PagedDb("dp-source-" + std::to_string(contacts) + ".db");
        Store store(p->db);
        DemoOptions o;
        o.contacts = contacts;
        o.now_ms = kDemoNow;
        generate_demo(store, o);
        REQUIRE(p->file.state() == SaveState::Saved);
        ms = &p->ms;
    }
    return *ms;
}

// The browser's loader, natively: what the reads missed is fetched (with a
// few neighbours, as one getAll would) and handed to the file; a fetch fails
// now and then, and the statement runs again until it succeeds.
struct LazyDb {
    MemoryStore ms;   // the store behind the lazy file: starts as stored_demo()
    PageFile& file;
    Database db;
    std::mt19937 rng{11};
    double fail_rate = 0.2;
    int ahead = 3;
    bool with_siblings = false;   // fetch the other children of a missed block's parent too
    uint64_t fetched = 0, failed = 0;

    std::optional<Store> store;

    // `hot`: blocks read before SQLite opens (the hot set of a last start);
    // `from`: the stored blocks (default: the demo database's).
    explicit LazyDb(const std::string& name, uint64_t memory_limit = 0, const std::vector<uint32_t>& hot = {},
                    const MemoryStore* from = nullptr)
        : file((drop_page_file(name), page_file(name))) {
        if (!from) from = &stored_demo();
        ms.durable = from->durable;
        ms.size = from->size;
        ms.file = &file;
        file.attach(&ms);
        file.open_lazy(ms.size, ms.durable.at(0).data());
        file.set_memory_limit(memory_limit);
        for (uint32_t b : hot) file.provide(b, ms.durable.at(b).data(), false);
        retry([&] {
            db.open(name, page_vfs_options());
            db.exec("PRAGMA cache_size = 20");   // SQLite's own cache small: re-reads reach the file
            return 0;
        });
    }
    // Opens the Store (its schema check reads too).
    Store& open_store() {
        retry([&] {
            store.emplace(db);
            return 0;
        });
        return *store;
    }
    void serve() {
        std::vector<uint32_t> wanted = file.take_wanted();
        REQUIRE(!wanted.empty());   // a PageMiss always names a block
        for (uint32_t w : wanted) {
            if (std::uniform_real_distribution<>(0, 1)(rng) < fail_rate) {
                failed++;   // the read failed: asked for again at the next miss
                continue;
            }
            for (uint32_t b = w; b <= w + (uint32_t)ahead; b++) give(b, b == w);
        }
        if (with_siblings)
            for (uint32_t b : file.siblings(wanted, 32)) give(b, false);
    }
    void give(uint32_t b, bool wanted) {
        auto it = ms.durable.find(b);
        std::vector<uint8_t> zero(kBlockSize, 0);
        file.provide(b, it != ms.durable.end() ? it->second.data() : zero.data(), wanted);
        fetched++;
    }
    template <class F> auto retry(F&& f) -> decltype(f()) {
        for (int attempt = 0;; attempt++) {
            REQUIRE(attempt < 20000);
            try {
                auto r = f();
                file.trim();
                return r;
            } catch (const PageMiss&) {
                serve();
            }
        }
    }
};

}  // namespace crm::testing
