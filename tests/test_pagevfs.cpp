// test_pagevfs.cpp - the page VFS the browser persists through, run here over
// an in-memory block store that fails writes and "crashes" mid-batch: what is
// stored is always one whole commit, a save costs what the commit changed,
// and a failed save loses nothing.
#include <cstring>

#include <sstream>

#include "exchange/csv.h"
#include "demo/demo.h"
#include "memory_store.h"
#include "storage/pagevfs.h"
#include "testing.h"

using namespace crm;
using crm::testing::MemoryStore;
using crm::testing::PagedDb;
using crm::testing::page_vfs_options;

namespace {

int64_t count_in(const std::string& name, const char* sql) {
    Database db(name, page_vfs_options());
    REQUIRE(db.query_text("PRAGMA integrity_check") == "ok");
    return db.query_int(sql);
}

}  // namespace

TEST_SUITE("pagevfs") {

TEST_CASE("a database on the page VFS comes back whole from its stored blocks") {
    PagedDb p("vfs-reload.db");
    Store store(p.db);
    for (int i = 0; i < 50; i++) store.create(kContacts, {{"first_name", "Zoë"}, {"last_name", "Ølberg " + std::to_string(i)}});
    CHECK(p.file.state() == SaveState::Saved);
    CHECK(p.file.pending_blocks() == 0);
    CHECK(p.ms.writes >= 51);   // one batch per commit
    std::string copy = p.ms.restore("vfs-reload-copy.db");
    CHECK(count_in(copy, "SELECT count(*) FROM contacts WHERE first_name = 'Zoë'") == 50);
    Database again(copy, page_vfs_options());
    Store s2(again);   // opens at the current schema version: nothing to migrate
    CHECK(s2.count(kContacts) == 50);
}

TEST_CASE("a one-field edit stores a few blocks, not the database") {
    PagedDb p("vfs-edit.db");
    Store store(p.db);
    DemoOptions o;
    o.contacts = 300;
    o.now_ms = testing::kDemoNow;
    generate_demo(store, o);
    int64_t file_blocks = (int64_t)(p.file.size() / kBlockSize);
    CHECK(file_blocks > 500);
    std::string id = p.db.query_text("SELECT id FROM contacts ORDER BY id LIMIT 1 OFFSET 150");
    store.update(kContacts, id, {{"phone", "+49 30 1234567"}});
    MESSAGE("one-field edit: " << p.file.last_batch_blocks() << " blocks (" << p.file.last_batch_bytes() << " bytes) of " << file_blocks);
    CHECK(p.file.last_batch_blocks() >= 2);    // the row and the change log at least
    CHECK(p.file.last_batch_blocks() <= 24);   // not the database
    CHECK(p.file.state() == SaveState::Saved);
    CHECK(count_in(p.ms.restore("vfs-edit-copy.db"), ("SELECT count(*) FROM contacts WHERE phone = '+49 30 1234567' AND id = '" + id + "'").c_str()) == 1);
}

TEST_CASE("a failed save keeps the data, says why, and a retry stores it") {
    PagedDb p("vfs-fail.db");
    Store store(p.db);
    store.create(kContacts, {{"last_name", "Before"}});
    p.ms.mode = MemoryStore::Fail;
    store.create(kContacts, {{"last_name", "During"}});
    store.create(kContacts, {{"last_name", "During 2"}});
    CHECK(p.file.state() == SaveState::Failed);
    CHECK(p.file.error().find("QuotaExceededError") != std::string::npos);
    CHECK(p.file.pending_blocks() > 0);
    CHECK(store.count(kContacts) == 3);   // in memory, nothing lost
    CHECK(count_in(p.ms.restore("vfs-fail-copy.db"), "SELECT count(*) FROM contacts") == 1);
    // Still failing: a retry fails again and keeps everything pending.
    CHECK(p.file.retry());
    CHECK(p.file.state() == SaveState::Failed);
    p.ms.mode = MemoryStore::Ok;
    CHECK(p.file.retry());
    CHECK(p.file.state() == SaveState::Saved);
    CHECK(p.file.error().empty());
    CHECK(p.file.pending_blocks() == 0);
    CHECK(count_in(p.ms.restore("vfs-fail-copy.db"), "SELECT count(*) FROM contacts") == 3);
}

TEST_CASE("a save cut off mid-batch leaves the previous commit, and later commits wait and merge") {
    PagedDb p("vfs-hang.db");
    Store store(p.db);
    store.create(kContacts, {{"last_name", "One"}});
    p.ms.mode = MemoryStore::Hang;
    store.create(kContacts, {{"last_name", "Two"}});     // in flight, never completes
    CHECK(p.file.state() == SaveState::Saving);
    CHECK(p.file.in_flight());
    int writes = p.ms.writes;
    store.create(kContacts, {{"last_name", "Three"}});   // waits for the batch in flight
    store.create(kContacts, {{"last_name", "Four"}});
    CHECK(p.ms.writes == writes);
    CHECK(p.file.pending_blocks() > 0);
    // The page closes now: a reload finds the state after the first commit.
    CHECK(count_in(p.ms.restore("vfs-hang-copy.db"), "SELECT count(*) FROM contacts") == 1);
    // Had it completed, the waiting commits go as one merged batch.
    p.ms.finish_hung();
    CHECK(p.ms.writes == writes + 1);
    CHECK(p.file.state() == SaveState::Saved);
    CHECK(count_in(p.ms.restore("vfs-hang-copy.db"), "SELECT count(*) FROM contacts") == 4);
}

TEST_CASE("a rolled-back transaction that spilled to the file is never stored") {
    PagedDb p("vfs-rollback.db");
    Store store(p.db);
    store.create(kContacts, {{"last_name", "Kept"}});
    p.db.exec("PRAGMA cache_size = 10");   // force the big transaction to spill pages to the file
    uint64_t size_before = p.file.size();
    int64_t pages_before = p.db.query_int("PRAGMA page_count");
    {
        Transaction tx(p.db);
        for (int i = 0; i < 400; i++) store.create(kContacts, {{"last_name", "Rolled back " + std::to_string(i)}});
        CHECK(p.file.size() > size_before);   // it did spill
    }   // rolled back
    CHECK(p.db.query_int("PRAGMA page_count") == pages_before);
    CHECK(p.file.size() == size_before);   // and the file is its old size again
    store.create(kContacts, {{"last_name", "After"}});
    CHECK(p.file.state() == SaveState::Saved);
    CHECK(count_in(p.ms.restore("vfs-rollback-copy.db"), "SELECT count(*) FROM contacts") == 2);
}

TEST_CASE("a file that shrinks (VACUUM) is stored at its new size") {
    PagedDb p("vfs-shrink.db");
    p.db.exec("CREATE TABLE filler(x)");
    p.db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO filler SELECT randomblob(3000) FROM n");
    uint64_t big = p.ms.size;
    p.db.exec("DROP TABLE filler");
    p.db.exec("VACUUM");
    CHECK(p.ms.size < big / 2);
    CHECK(p.ms.durable.size() == p.ms.size / kBlockSize);
    CHECK(count_in(p.ms.restore("vfs-shrink-copy.db"), "SELECT count(*) FROM sqlite_schema WHERE name = 'filler'") == 0);
}


TEST_CASE("a CSV import refused at its last row, after spilling pages, leaves the file and the store as they were") {
    PagedDb p("vfs-csv.db");
    Store store(p.db);
    store.create(kContacts, {{"last_name", "Kept"}});
    p.db.exec("PRAGMA cache_size = 50");   // the import's pages spill to the file before it fails
    int64_t pages_before = p.db.query_int("PRAGMA page_count");
    uint64_t size_before = p.file.size();
    int writes_before = p.ms.writes;
    std::string csv = "First Name,Last Name,E-mail\n";
    for (int i = 0; i < 20000; i++) csv += "P" + std::to_string(i) + ",Name,p" + std::to_string(i) + "@x.org\n";
    csv += "Bad,Row,not-an-address\n";
    std::istringstream in(csv);
    CsvImportOptions o;
    o.name = "big.csv";
    std::string error;
    uint64_t largest = 0;
    try {
        CsvImport run(store, in, o);
        do largest = std::max<uint64_t>(largest, p.file.size());
        while (!run.step(12));
    } catch (const CsvError& e) {
        error = e.what();
    }
    CHECK(error.rfind("big.csv: line 20002: ", 0) == 0);
    CHECK(largest > size_before);   // it did spill
    CHECK(p.db.query_int("PRAGMA page_count") == pages_before);
    CHECK(p.file.size() == size_before);
    CHECK(p.ms.writes == writes_before);   // nothing went to the store
    CHECK(count_in(p.ms.restore("vfs-csv-copy.db"), "SELECT count(*) FROM contacts") == 1);
}

}  // TEST_SUITE
