// test_demand_paging.cpp - a database opened lazily on the page VFS (the
// browser's start at any size): no block is in memory at first, every block
// arrives late (each read misses at least once), some fetches fail, and the
// memory limit drops blocks that must then be fetched again. Every query
// must answer as over the whole file, every write must apply whole or not
// at all, and what is stored must stay one consistent commit.
#include <optional>
#include <random>
#include <sstream>

#include "analytics/reports.h"
#include "demo/demo.h"
#include "exchange/csv.h"
#include "lazy_db.h"
#include "memory_store.h"
#include "records/listing.h"
#include "records/search.h"
#include "storage/pagevfs.h"
#include "testing.h"

using namespace crm;
using crm::testing::MemoryStore;
using crm::testing::PagedDb;
using crm::testing::page_vfs_options;
using crm::testing::LazyDb;
using crm::testing::stored_demo;

namespace {

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

TEST_CASE("the analytics load keeps to the memory limit: each slice resumes where a miss stopped it, and the figures equal the whole file's") {
    // As the page does: after every frame the limit drops what that frame did
    // not read, also in frames whose reads missed (the load asks for no
    // statement to run again from its start).
    const MemoryStore& src = stored_demo();
    const uint64_t limit = 48 * kBlockSize;
    LazyDb lazy("dp-facts.db", limit);
    lazy.with_siblings = true;
    Store& store = lazy.open_store();
    store.set_clock([] { return testing::kDemoNow; });
    std::unique_ptr<FactsLoader> loader;
    lazy.retry([&] { loader = std::make_unique<FactsLoader>(store); return 0; });   // it reads the tables' sizes
    uint64_t peak = 0;
    bool done = false;
    for (int frame = 0; !done; frame++) {
        REQUIRE(frame < 200000);
        uint64_t tick = lazy.file.use_tick();
        try {
            done = loader->step(0.05);
        } catch (const PageMiss&) {
            lazy.serve();
        }
        peak = std::max(peak, lazy.file.resident_bytes());
        lazy.file.trim(tick);
    }
    std::string whole = src.restore("dp-facts-whole.db");
    Database ref(whole, page_vfs_options());
    Store ref_store(ref);
    ref_store.set_clock([] { return testing::kDemoNow; });
    std::shared_ptr<const Facts> lazy_facts = loader->result(), ref_facts = load_facts(ref_store);
    ReportArgs a;
    a.period = make_period("", "", ref_facts->today);
    for (const ReportInfo& r : all_reports()) {
        INFO(r.name);
        CHECK(r.run(*lazy_facts, a).csv() == r.run(*ref_facts, a).csv());
    }
    uint64_t pinned = lazy.file.pinned_blocks() * kBlockSize;
    MESSAGE("analytics load under a " << limit / 1024 << " KiB limit: peak " << peak / 1024 << " KiB resident of a "
            << src.size / 1024 << " KiB file, " << lazy.file.evictions() << " blocks dropped");
    CHECK(lazy.file.evictions() > 0);
    // The limit, page 1 and interior pages, and what one slice reads with its fetched neighbours.
    CHECK(peak <= limit + pinned + 160 * kBlockSize);
    CHECK(peak < src.size / 2);
}

TEST_CASE("a block read before a save and delivered after the memory limit dropped it does not bring the old copy back") {
    LazyDb lazy("dp-stale.db", 64 * kBlockSize);
    lazy.fail_rate = 0;
    Store& store = lazy.open_store();
    std::string id = lazy.retry([&] { return lazy.db.query_text("SELECT id FROM contacts ORDER BY id LIMIT 1 OFFSET 200"); });
    // A fetch begins (its IndexedDB transaction sees the store as it is now)...
    uint32_t token = lazy.file.fetch_token();
    std::map<uint32_t, std::vector<uint8_t>> before = lazy.ms.durable;
    // ...then an edit is saved, and the limit drops the blocks it wrote.
    lazy.retry([&] { return store.update(kContacts, id, {{"job_title", "Head of Purchasing"}}); });
    REQUIRE(lazy.file.state() == SaveState::Saved);
    lazy.file.set_memory_limit(kBlockSize);
    lazy.file.trim();
    int stale = 0;
    for (auto& [b, data] : before) {
        if (lazy.ms.durable.at(b) == data || !lazy.file.absent(b)) continue;
        lazy.file.provide(b, data.data(), true, token);   // the old fetch delivers now
        CHECK(lazy.file.absent(b));
        stale++;
    }
    REQUIRE(stale > 0);
    lazy.file.set_memory_limit(64 * kBlockSize);
    CHECK(lazy.retry([&] { return store.must_get(kContacts, id).text("job_title"); }) == "Head of Purchasing");
    CHECK(lazy.retry([&] { return lazy.db.query_text("PRAGMA integrity_check"); }) == "ok");
}

TEST_CASE("a CSV import into a lazily opened database goes on through misses and equals the same import on the whole file") {
    LazyDb lazy("dp-csv.db", 96 * kBlockSize);
    Store& store = lazy.open_store();
    std::string whole = stored_demo().restore("dp-csv-whole.db");
    Database ref(whole, page_vfs_options());
    Store ref_store(ref);
    // New people at existing and new companies, and people already there (by e-mail): updated.
    std::ostringstream csv;
    csv << "First Name,Last Name,E-mail,Company,Job Title\n";
    {
        Statement st = ref.prepare("SELECT c.email, a.name FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.email <> '' "
                                   "ORDER BY c.rowid LIMIT 60");
        for (int i = 0; st.step(); i++) {
            csv << "New" << i << ",Person" << i << ",new" << i << "@example.org," << st.column_text(1) << ",Buyer\n";
            csv << "Known,Again" << i << "," << st.column_text(0) << ",,Head of Sales " << i << "\n";
        }
    }
    for (int i = 0; i < 40; i++) csv << "Fresh" << i << ",Startup," << "f" << i << "@startup" << i % 7 << ".io,Startup " << i % 7 << " GmbH,CEO\n";
    CsvImportOptions o;
    o.duplicates = DuplicatePolicy::Update;
    std::istringstream ref_in(csv.str()), lazy_in(csv.str());
    CsvImportSummary want = import_csv(ref_store, ref_in, o);

    CsvImport run(store, lazy_in, o);
    int missed = 0;
    for (;;) {
        try {
            if (run.step(1e9)) break;
        } catch (const PageMiss&) {
            missed++;
            lazy.serve();
            lazy.file.trim();
        }
        REQUIRE(missed < 20000);
    }
    const CsvImportSummary& got = run.summary();
    MESSAGE("the import missed " << missed << " times; " << lazy.file.evictions() << " blocks dropped by the memory limit");
    CHECK(missed > 0);
    CHECK(got.rows == want.rows);
    CHECK(got.created == want.created);
    CHECK(got.updated == want.updated);
    CHECK(got.accounts_created == want.accounts_created);
    const char* people = "SELECT group_concat(c.first_name || c.last_name || c.email || c.job_title || ifnull(a.name, '-'), ',') FROM "
                         "(SELECT * FROM contacts ORDER BY email, last_name) c LEFT JOIN accounts a ON a.id = c.account_id";
    CHECK(lazy.retry([&] { return lazy.db.query_text(people); }) == ref.query_text(people));
    const char* journal = "SELECT count(*) || '/' || sum(action = 'updated') FROM import_items";
    CHECK(lazy.retry([&] { return lazy.db.query_text(journal); }) == ref.query_text(journal));
    CHECK(lazy.retry([&] { return lazy.db.query_text("PRAGMA integrity_check"); }) == "ok");
    // Reverted through misses too: back to the demo's people.
    lazy.retry([&] { return revert_last_import(store); });
    revert_last_import(ref_store);
    CHECK(lazy.retry([&] { return lazy.db.query_text(people); }) == ref.query_text(people));
    std::string reloaded = lazy.ms.restore("dp-csv-reloaded.db");
    Database again(reloaded, page_vfs_options());
    CHECK(again.query_text(people) == ref.query_text(people));
}

// Crash safety as a property. Each workload starts from a small stored
// database and makes random commits - edits, creates, deletes, CSV imports,
// large transactions that spill pages to the file before they commit, some
// rolled back - over a store whose saves complete late, at random points:
// between commits and in the middle of a large transaction. Then the page
// "dies" at a random point: a save in flight is lost, or IndexedDB kept it
// and nobody heard; a transaction may be open. What a reload finds is opened
// through the lazy path (every block late, a fifth of the fetches failing, a
// memory limit): integrity_check is ok and the data is exactly the state
// after the last commit the store holds, every time.
// CRM_CRASH_WORKLOADS sets the number: 200 by default, 1,000 in the full run.
namespace {

// IndexedDB with a transaction that completes when the test says: one batch
// in flight at a time (the page VFS sends no other before it completes),
// labelled with the last commit it holds.
struct LateStore : PageStore {
    PageFile* file = nullptr;
    MemoryStore stored;            // what IndexedDB holds
    int stored_commit = 0;         // the last commit in it
    int covers_next = 0;           // set by the test: the commit a batch started now ends with
    std::optional<std::pair<std::vector<std::pair<uint32_t, std::vector<uint8_t>>>, uint64_t>> in_flight;
    int in_flight_commit = 0;
    void write(const PageBatch& b) override {
        REQUIRE(!in_flight);
        std::vector<std::pair<uint32_t, std::vector<uint8_t>>> copy;
        for (size_t i = 0; i < b.blocks.size(); i++) copy.push_back({b.blocks[i], std::vector<uint8_t>(b.data[i], b.data[i] + kBlockSize)});
        in_flight.emplace(std::move(copy), b.file_size);
        in_flight_commit = covers_next;
    }
    // The transaction completes and the page hears of it (it may send the next batch).
    void complete(int last_commit) {
        if (!in_flight) return;
        stored.apply(in_flight->first, in_flight->second);
        stored_commit = in_flight_commit;
        in_flight.reset();
        covers_next = last_commit;
        file->batch_done(true);
    }
};

std::string csv_rows(std::mt19937& rng, int n, int seed) {
    std::string csv = "First Name,Last Name,E-mail,Company\n";
    for (int i = 0; i < n; i++) {
        int k = (int)(rng() % 1000);
        csv += "Imp" + std::to_string(seed) + "_" + std::to_string(i) + ",Row" + std::to_string(k) + ",imp" + std::to_string(k) +
               "@crash.example,Crash Co " + std::to_string(k % 5) + "\n";
    }
    return csv;
}

}  // namespace

TEST_CASE("crash safety: random workloads cut at a random point of a save reopen whole, at the last stored commit") {
    int workloads = (int)std::max<int64_t>(1, testing::env_int("CRM_CRASH_WORKLOADS", 120));
    const MemoryStore& base = stored_demo(60);
    std::mt19937 rng(20261201);
    int cut_mid_transaction = 0, cut_after_store = 0, lost_in_flight = 0, spilled = 0, rolled_back = 0, completed_inside = 0;
    int lazy_runs = 0;
    uint64_t lazy_misses = 0;
    for (int w = 0; w < workloads; w++) {
        CAPTURE(w);
        drop_page_file("crash-run.db");
        PageFile& file = page_file("crash-run.db");
        LateStore store;
        store.stored.durable = base.durable;
        store.stored.size = base.size;
        store.file = &file;
        // Half the workloads run as the page does on a large database: opened
        // lazily under a memory limit, every statement that misses a block run
        // again once it came (a fifth of the fetches fail), dropped blocks read
        // again from what IndexedDB holds.
        bool lazy_run = w % 2 == 1;
        if (lazy_run) {
            file.open_lazy(base.size, base.durable.at(0).data());
            file.set_memory_limit(96 * kBlockSize);
            lazy_runs++;
        } else {
            for (auto& [i, data] : base.durable) memcpy(file.load_block(i), data.data(), kBlockSize);
            file.set_size(base.size);
        }
        file.attach(&store);
        std::vector<uint8_t> zero(kBlockSize, 0);
        auto serve = [&] {
            for (uint32_t b : file.take_wanted()) {
                if (rng() % 5 == 0) continue;   // this fetch failed: asked again at the next miss
                for (uint32_t k = b; k <= b + 3; k++) {
                    auto it = store.stored.durable.find(k);
                    file.provide(k, it != store.stored.durable.end() ? it->second.data() : zero.data(), k == b);
                }
            }
        };
        // Runs `f` until it meets no block still loading; trims after it, as a frame does.
        auto run = [&](auto&& f) {
            for (int attempt = 0;; attempt++) {
                REQUIRE(attempt < 100000);
                try {
                    f();
                    file.trim();
                    return;
                } catch (const PageMiss&) {
                    lazy_misses++;
                    serve();
                }
            }
        };
        std::optional<Database> db;
        std::optional<Store> crm;
        run([&] {
            crm.reset();
            db.emplace("crash-run.db", page_vfs_options());
            db->exec("PRAGMA cache_size = 12");   // SQLite's cache small: big transactions spill to the file
            crm.emplace(*db);
        });
        std::string digest;
        run([&] { digest = content_digest(*db); });
        std::vector<std::string> digests{digest};   // digests[i]: after commit i
        auto last = [&] { return (int)digests.size() - 1; };
        // Saves complete now and then: between commits, and inside a large transaction.
        auto maybe_complete = [&](int per_100) {
            if ((int)(rng() % 100) < per_100) store.complete(last());
        };
        int commits = 1 + (int)(rng() % 8);
        for (int c = 0; c < commits; c++) {
            std::vector<std::string> ids;
            run([&] {
                ids.clear();
                Statement st = db->prepare("SELECT id FROM contacts WHERE deleted = 0 ORDER BY random() LIMIT 6");
                while (st.step()) ids.push_back(st.column_text(0));
            });
            int kind = (int)(rng() % 5);
            bool rolled = false;
            std::optional<CsvImport> import;
            std::istringstream csv_in(csv_rows(rng, 10 + (int)(rng() % 90), w));
            if (kind == 3) import.emplace(*crm, csv_in, CsvImportOptions{});
            // One commit, run again whole if it missed (its transaction rolled back).
            run([&] {
            store.covers_next = last() + 1;   // a batch the commit starts holds it
            rolled = false;
            switch (kind) {
                case 0: {   // edits
                    Transaction tx(*db);
                    for (size_t i = 0; i < ids.size() && i < 1 + rng() % 5; i++)
                        crm->update(kContacts, ids[i], {{"job_title", "T" + std::to_string(rng() % 100000)}});
                    tx.commit();
                    break;
                }
                case 1: {   // creates
                    Transaction tx(*db);
                    for (int i = 0, n = 1 + (int)(rng() % 20); i < n; i++)
                        crm->create(kContacts, {{"first_name", "C" + std::to_string(w)}, {"last_name", "N" + std::to_string(rng() % 100000)}});
                    tx.commit();
                    break;
                }
                case 2: {   // deletes
                    Transaction tx(*db);
                    for (size_t i = 0; i < ids.size() && i < 1 + rng() % 3; i++) crm->remove(kContacts, ids[i]);
                    tx.commit();
                    break;
                }
                case 3: {   // a CSV import: one transaction; a row that missed is undone and runs again
                    while (!import->step(1e12)) {}
                    break;
                }
                default: {   // a large transaction: spills before it commits; a save may complete meanwhile; now and then rolled back
                    Transaction tx(*db);
                    store.covers_next = last();   // a batch started inside it holds only what was committed before
                    for (int i = 0; i < 250; i++) {
                        crm->create(kAccounts, {{"name", "Spill " + std::to_string(w) + "-" + std::to_string(c) + "-" + std::to_string(i)},
                                                {"description", std::string(200, 'x')}});
                        if (i % 50 == 49 && store.in_flight && rng() % 3 == 0) {
                            store.complete(last());
                            completed_inside++;
                        }
                    }
                    if (rng() % 4 == 0) {
                        tx.rollback();
                        rolled = true;
                        return;
                    }
                    store.covers_next = last() + 1;
                    tx.commit();
                    break;
                }
            }
            });
            if (kind == 4) spilled++;
            if (rolled) {
                rolled_back++;
                digests.push_back(digests.back());   // a commit that changed nothing
                store.covers_next = last();
                continue;
            }
            run([&] { digest = content_digest(*db); });
            digests.push_back(digest);
            store.covers_next = last();
            maybe_complete(50);
        }
        // The page dies now; sometimes inside one more transaction that spilled.
        std::optional<Transaction> open_tx;
        if (rng() % 3 == 0) {
            try {
                open_tx.emplace(*db);
                for (int i = 0; i < 250; i++) crm->create(kAccounts, {{"name", "Never " + std::to_string(i)}, {"description", std::string(200, 'y')}});
            } catch (const PageMiss&) {   // it dies waiting for a block
            }
            cut_mid_transaction++;
        }
        MemoryStore after = store.stored;
        int expect = store.stored_commit;
        if (store.in_flight) {
            if (rng() % 2 == 0) {   // IndexedDB finished the transaction in flight; the page never heard
                after.apply(store.in_flight->first, store.in_flight->second);
                expect = store.in_flight_commit;
                cut_after_store++;
            } else {
                lost_in_flight++;
            }
        }
        open_tx.reset();
        crm.reset();
        db.reset();
        drop_page_file("crash-run.db");

        LazyDb lazy("crash-reload.db", 128 * kBlockSize, {}, &after);
        lazy.with_siblings = true;
        lazy.ahead = 8;
        lazy.open_store();
        CHECK(lazy.retry([&] { return lazy.db.query_text("PRAGMA integrity_check"); }) == "ok");
        std::string got = lazy.retry([&] { return content_digest(lazy.db); });
        int found = -1;
        for (int i = 0; i < (int)digests.size(); i++)
            if (digests[i] == got) found = i;
        CHECK(found >= 0);   // the state after some commit, never a mix
        CHECK(digests[expect] == got);
        if (digests[expect] != got) break;
    }
    if (lazy_runs > 0) CHECK(lazy_misses > 0);   // the lazy half met blocks not here, and ran again
    MESSAGE(workloads << " workloads (" << lazy_runs << " opened lazily under a limit, " << lazy_misses << " misses run again): " << spilled << " transactions spilled (" << rolled_back << " rolled back, " << completed_inside
                      << " saves completed inside one), " << cut_mid_transaction << " cut inside a transaction, " << cut_after_store
                      << " cut after IndexedDB kept the save in flight, " << lost_in_flight << " with it lost");
}

TEST_CASE("a record's related rows are read through its reference index: a timeline costs a few blocks, not the table") {
    auto timeline_blocks = [](bool of_parent, size_t& rows) {
        LazyDb lazy(of_parent ? "dp-parent-1.db" : "dp-parent-0.db");
        lazy.fail_rate = 0;
        lazy.ahead = 0;
        lazy.open_store();
        std::string contact = lazy.retry([&] {
            return lazy.db.query_text("SELECT contact_id FROM activities WHERE contact_id IS NOT NULL GROUP BY contact_id ORDER BY count(*) DESC LIMIT 1");
        });
        uint64_t before = lazy.fetched;
        ListQuery q{&kActivities, "occurred_at", true};
        q.of_parent = of_parent;
        q.filters.push_back({"contact_id", contact});
        rows = lazy.retry([&] { return list_page(lazy.db, q, std::nullopt, 50).rows.size(); });
        return lazy.fetched - before;
    };
    size_t rows = 0, rows_walked = 0;
    uint64_t by_parent = timeline_blocks(true, rows), walked = timeline_blocks(false, rows_walked);
    MESSAGE("a contact's timeline of " << rows << " activities: " << by_parent << " blocks through its index, " << walked
                                       << " walking the date index");
    CHECK(rows > 0);
    CHECK(rows == rows_walked);
    CHECK(by_parent < 40);
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

    // Once the start is marked (its first screen showed), the snapshot's
    // first part is what it read: a third start reading only that part shows
    // the same screen without a miss, and the part is a fraction of the whole.
    second.file.mark_start();
    size_t start_count = 0;
    std::vector<uint32_t> marked = second.file.hot_blocks(4096, &start_count);
    std::vector<uint32_t> first_part(marked.begin(), marked.begin() + (std::ptrdiff_t)start_count);
    CHECK(first_part.front() == 0);
    CHECK(std::is_sorted(first_part.begin(), first_part.end()));
    CHECK(std::is_sorted(marked.begin() + (std::ptrdiff_t)start_count, marked.end()));
    CHECK(start_count < marked.size());
    LazyDb third("dp-hot-3.db", 0, first_part);
    third.fail_rate = 0;
    third.open_store();
    auto shown = third.retry([&] { return page_ids(third.db, by_name); });
    MESSAGE("the start's part: " << start_count << " of " << marked.size() << " blocks; misses " << third.file.misses());
    CHECK(third.file.misses() == 0);
    CHECK(shown == page_ids(second.db, by_name));
    // Without a marked start, the first part is the whole set (every interior page).
    size_t unmarked = 0;
    CHECK(lazy.file.hot_blocks(64, &unmarked) == hot);
    CHECK(unmarked == hot.size());
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
