// test_demand_paging.cpp - a database opened lazily on the page VFS (the
// browser's start at any size): no block is in memory at first, every block
// arrives late (each read misses at least once), some fetches fail, and the
// memory limit drops blocks that must then be fetched again. Every query
// must answer as over the whole file, every write must apply whole or not
// at all, and what is stored must stay one consistent commit.
#include <optional>
#include <random>

#include "demo/demo.h"
#include "memory_store.h"
#include "records/listing.h"
#include "records/search.h"
#include "storage/pagevfs.h"
#include "testing.h"

using namespace crm;
using crm::testing::MemoryStore;
using crm::testing::PagedDb;
using crm::testing::page_vfs_options;

namespace {

// The stored blocks of a demo database (built once), as a reload finds them.
const MemoryStore& stored_demo() {
    static MemoryStore* ms = [] {
        PagedDb* p = new PagedDb("dp-source.db");
        Store store(p->db);
        DemoOptions o;
        o.contacts = 400;
        o.now_ms = testing::kDemoNow;
        generate_demo(store, o);
        REQUIRE(p->file.state() == SaveState::Saved);
        return &p->ms;
    }();
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

    // `hot`: blocks read before SQLite opens (the hot set of a last start).
    explicit LazyDb(const std::string& name, uint64_t memory_limit = 0, const std::vector<uint32_t>& hot = {})
        : file((drop_page_file(name), page_file(name))) {
        ms.durable = stored_demo().durable;
        ms.size = stored_demo().size;
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

std::string page_ids(Database& db, const ListQuery& q) {
    std::string out;
    for (const Record& r : list_page(db, q, std::nullopt, 30).rows) out += r.id + " ";
    return out;
}

std::string hit_ids(Database& db, const char* text) {
    std::string out;
    for (const SearchHit& h : search(db, text, 20)) out += h.id + " ";
    return out;
}

}  // namespace

TEST_SUITE("pagevfs") {

TEST_CASE("a lazily opened database answers as the whole file does, every block arriving late and some fetches failing") {
    const MemoryStore& src = stored_demo();
    std::string whole = src.restore("dp-whole.db");
    Database ref(whole, page_vfs_options());
    LazyDb lazy("dp-lazy.db");
    CHECK(lazy.file.absent_blocks() > 0);

    Store ref_store(ref);
    Store& store = lazy.open_store();
    CHECK(lazy.retry([&] { return store.count(kContacts); }) == ref_store.count(kContacts));
    CHECK(lazy.retry([&] { return store.count(kOpportunities); }) == ref_store.count(kOpportunities));
    ListQuery by_name{&kContacts, "last_name"};
    CHECK(lazy.retry([&] { return page_ids(lazy.db, by_name); }) == page_ids(ref, by_name));
    ListQuery searched{&kContacts};
    searched.search = "ma";
    CHECK(lazy.retry([&] { return page_ids(lazy.db, searched); }) == page_ids(ref, searched));
    CHECK(lazy.retry([&] { return hit_ids(lazy.db, "an"); }) == hit_ids(ref, "an"));
    CHECK(lazy.retry([&] { return testing::all_rows(lazy.db); }) == testing::all_rows(ref));
    CHECK(lazy.retry([&] { return lazy.db.query_text("PRAGMA integrity_check"); }) == "ok");
    MESSAGE(lazy.file.misses() << " misses, " << lazy.fetched << " blocks fetched, " << lazy.failed << " fetches failed");
    CHECK(lazy.file.misses() > 50);
    CHECK(lazy.failed > 0);
}

TEST_CASE("writes to a lazily opened database apply whole or not at all, and what is stored stays one commit") {
    LazyDb lazy("dp-write.db");
    Store& store = lazy.open_store();
    // The same edits, by the same code, on the whole file: the reference.
    std::string whole = stored_demo().restore("dp-write-whole.db");
    Database ref(whole, page_vfs_options());
    Store ref_store(ref);
    std::vector<std::string> ids;
    {
        Statement st = ref.prepare("SELECT id FROM contacts ORDER BY id LIMIT 40");
        while (st.step()) ids.push_back(st.column_text(0));
    }
    int rolled_back = 0;
    for (size_t i = 0; i < ids.size(); i++) {
        Fields change{{"phone", "+49 30 555 " + std::to_string(1000 + i)}, {"job_title", "Buyer " + std::to_string(i)}};
        ref_store.update(kContacts, ids[i], change);
        int64_t before = lazy.db.total_changes();
        lazy.retry([&] {
            try {
                return store.update(kContacts, ids[i], change);
            } catch (const PageMiss&) {
                // The miss came mid-transaction: nothing of it may remain.
                rolled_back++;
                CHECK(!lazy.db.in_transaction());
                throw;
            }
        });
        CHECK(lazy.db.total_changes() > before);
        if (i % 10 == 0) {
            std::string name = "Lazy " + std::to_string(i);
            ref_store.create(kAccounts, {{"name", name}});
            lazy.retry([&] { return store.create(kAccounts, {{"name", name}}); });
        }
    }
    MESSAGE(rolled_back << " writes missed a block and ran again");
    CHECK(rolled_back > 0);
    CHECK(lazy.file.state() == SaveState::Saved);
    CHECK(lazy.retry([&] { return lazy.db.query_text("PRAGMA integrity_check"); }) == "ok");
    // Changed rows carry their own timestamps: compare what the user wrote.
    const char* fields = "SELECT group_concat(id || phone || job_title, ',') FROM (SELECT * FROM contacts ORDER BY id)";
    CHECK(lazy.retry([&] { return lazy.db.query_text(fields); }) == ref.query_text(fields));
    const char* names = "SELECT group_concat(name, ',') FROM (SELECT name FROM accounts ORDER BY name)";
    CHECK(lazy.retry([&] { return lazy.db.query_text(names); }) == ref.query_text(names));
    // A reload from the store (all blocks read) sees the same.
    std::string reloaded = lazy.ms.restore("dp-write-reloaded.db");
    Database again(reloaded, page_vfs_options());
    CHECK(again.query_text("PRAGMA integrity_check") == "ok");
    CHECK(again.query_text(fields) == ref.query_text(fields));
}

TEST_CASE("a lazily opened database keeps to its memory limit, fetching dropped blocks again") {
    const uint64_t limit = 96 * kBlockSize;
    LazyDb lazy("dp-limit.db", limit);
    Store& store = lazy.open_store();
    std::string whole = stored_demo().restore("dp-limit-whole.db");
    Database ref(whole, page_vfs_options());
    for (const char* text : {"an", "mi", "sch", "ber", "an"}) {
        ListQuery q{&kContacts};
        q.search = text;
        CHECK(lazy.retry([&] { return page_ids(lazy.db, q); }) == page_ids(ref, q));
    }
    CHECK(lazy.retry([&] { return testing::all_rows(lazy.db); }) == testing::all_rows(ref));
    CHECK(lazy.retry([&] { return lazy.db.query_text("PRAGMA integrity_check"); }) == "ok");
    uint64_t file_bytes = stored_demo().size;
    // Kept: the limit, plus page 1 and the interior pages (never dropped).
    size_t pinned = lazy.file.pinned_blocks();
    MESSAGE("resident " << lazy.file.resident_bytes() / 1024 << " KiB of a " << file_bytes / 1024 << " KiB file; limit "
            << limit / 1024 << " KiB; " << lazy.file.evictions() << " blocks dropped");
    CHECK(lazy.file.evictions() > 0);
    CHECK(lazy.file.resident_bytes() <= limit + pinned * kBlockSize);
    CHECK(lazy.file.resident_bytes() < file_bytes / 3);
}

TEST_CASE("the hot set of a lazily opened database is page 1, the interior pages and the blocks read last") {
    LazyDb lazy("dp-hot.db");
    lazy.fail_rate = 0;
    Store& store = lazy.open_store();
    ListQuery by_name{&kContacts, "last_name"};
    lazy.retry([&] { return page_ids(lazy.db, by_name); });
    std::vector<uint32_t> hot = lazy.file.hot_blocks(64);
    REQUIRE(!hot.empty());
    CHECK(hot.front() == 0);
    CHECK(hot.size() <= 64);
    // A second start that reads the hot set first misses far less.
    LazyDb second("dp-hot-2.db", 0, hot);
    second.fail_rate = 0;
    second.open_store();
    second.retry([&] { return page_ids(second.db, by_name); });
    MESSAGE("misses: " << lazy.file.misses() << " cold, " << second.file.misses() << " after reading the hot set");
    CHECK(second.file.misses() < lazy.file.misses() / 2);
}

TEST_CASE("a miss fetches the leaves that follow the missed one under its parent: a scan misses a few times, not once per leaf") {
    const char* scan = "SELECT count(*) + sum(length(subject)) FROM activities WHERE +deleted = 0";
    int64_t answer = -1;
    auto misses = [&](bool with_siblings) {
        LazyDb lazy(with_siblings ? "dp-sib-1.db" : "dp-sib-0.db");
        lazy.fail_rate = 0;
        lazy.ahead = 0;
        lazy.with_siblings = with_siblings;
        uint64_t before = lazy.file.misses();
        int64_t n = lazy.retry([&] { return lazy.db.query_int(scan); });
        if (answer >= 0) CHECK(n == answer);
        answer = n;
        return lazy.file.misses() - before;
    };
    uint64_t leaf_by_leaf = misses(false), by_parent = misses(true);
    MESSAGE("a scan of the activities: " << leaf_by_leaf << " misses leaf by leaf, " << by_parent << " with siblings");
    CHECK(by_parent * 4 < leaf_by_leaf);
}

}  // TEST_SUITE
