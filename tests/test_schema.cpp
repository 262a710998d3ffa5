// test_schema.cpp - migrations: a fresh database, an upgrade from every
// earlier version with data in it, and refusal of files that are not ours.
#include <set>

#include "storage/schema.h"
#include "records/search.h"
#include "testing.h"

using namespace crm;

TEST_SUITE("schema") {

TEST_CASE("a new database gets the latest schema and our application id") {
    Database db(":memory:");
    migrate(db);
    CHECK(db.user_version() == latest_schema_version());
    CHECK(db.query_int("PRAGMA application_id") == kApplicationId);
    CHECK(db.query_text("PRAGMA integrity_check") == "ok");
    CHECK(db.query_int("SELECT count(*) FROM pragma_foreign_key_check") == 0);
}

TEST_CASE("every entity spec matches its table, column for column") {
    Database db(":memory:");
    migrate(db);
    for (const EntitySpec* e : all_entities()) {
        CAPTURE(std::string(e->table));
        std::set<std::string> columns;
        Statement st = db.prepare(std::string("SELECT name FROM pragma_table_info('") + e->table + "')");
        while (st.step()) columns.insert(st.column_text(0));
        std::set<std::string> expected(std::begin(kSystemColumns), std::end(kSystemColumns));
        for (const FieldSpec& f : e->fields) expected.insert(f.name);
        CHECK(columns == expected);
        for (const FieldSpec& f : e->fields) {
            if (!f.has(F_Sortable)) continue;
            CAPTURE(f.name);
            // Keyset paging relies on a (deleted, column, id) index.
            std::string idx = std::string(e->table) + "_by_" + f.name;
            CHECK(db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = '" + idx + "'") == 1);
        }
    }
}

TEST_CASE("upgrading from every earlier version keeps the data and completes the schema") {
    for (int from = 0; from < latest_schema_version(); from++) {
        CAPTURE(from);
        Database db(":memory:");
        migrate(db, from);
        CHECK(db.user_version() == from);
        if (from >= 1) {
            // Data as an app at that version would have written it.
            db.exec("INSERT INTO accounts(id, created_at, updated_at, name, city) VALUES "
                    "('a1', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', 'Łódź Widgets', 'Łódź')");
            db.exec("INSERT INTO contacts(id, created_at, updated_at, first_name, last_name, email, account_id) VALUES "
                    "('c1', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', 'Zoë', 'Ångström', 'zoe@example.com', 'a1')");
        }
        Store store(db);  // opening migrates to the latest version
        CHECK(db.user_version() == latest_schema_version());
        CHECK(db.query_text("PRAGMA integrity_check") == "ok");
        if (from >= 1) {
            auto c = store.get(kContacts, "c1");
            REQUIRE(c);
            CHECK(c->text("last_name") == "Ångström");
            // Rows from before the search index existed are searchable.
            auto hits = search(db, "angst");
            REQUIRE(hits.size() == 1);
            CHECK(hits[0].id == "c1");
            CHECK(hits[0].subtitle == "Łódź Widgets");
            // v7: the index keeps one-letter prefixes, and holds every row it held.
            CHECK(search_match_count(db, fts_prefix_query("z"), search_kind_code("contacts")) == 1);
            CHECK(search_match_count(db, fts_prefix_query("ł"), search_kind_code("accounts")) == 1);
        }
        CHECK(db.query_text("SELECT sql FROM sqlite_schema WHERE name = 'search_index'").find("prefix = '1 2 3'") != std::string::npos);
        // v8: the counters start from the rows there were.
        CHECK(store.count(kContacts) == (from >= 1 ? 1 : 0));
        CHECK(store.count(kAccounts) == (from >= 1 ? 1 : 0));
        // v14: the list indexes end with the rowid, not a copy of the id.
        CHECK(db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql LIKE '%, id)'") == 0);
        CHECK(db.query_text("SELECT sql FROM sqlite_schema WHERE name = 'contacts_by_last_name'") ==
              "CREATE INDEX contacts_by_last_name ON contacts(deleted, last_name)");
        // And the store works on the upgraded file.
        CHECK_NOTHROW(store.create(kContacts, {{"last_name", "After"}}));
        // v9: its search row is written at the commit, from the queue.
        CHECK(search(db, "after").size() == 1);
        CHECK(db.query_int("SELECT count(*) FROM search_queue") == 0);
    }
}

TEST_CASE("a change log from schema 14 keeps every entry, its ids and its numbers in the compact form") {
    Database db(":memory:");
    migrate(db, 14);
    const std::string id = "018c2fad-2704-70c5-aa4c-364796553b85";
    db.exec("INSERT INTO devices(n, id) VALUES (1, 'dev-a'), (2, 'dev-b')");
    db.exec("INSERT INTO contacts(id, created_at, updated_at, last_name) VALUES ('" + id +
            "', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', 'Ångström')");
    // As the app at 14 wrote them: a record's UUID, a shared setting's key, an
    // imported id that is not a UUID, one in capitals; then the newest erased.
    db.exec("INSERT INTO change_log(entity, record_id, field, value, at, device, hlc) VALUES "
            "('contacts', '" + id + "', '*', NULL, 5000, 1, 11), ('contacts', '" + id + "', 'last_name', 'Ångström', 5001, 2, 12),"
            "('settings', 'analytics.rates', 'value', '{}', 5002, 1, 13), ('contacts', 'legacy-7', 'city', 'Łódź', 5003, 1, 14),"
            "('contacts', '018C2FAD-2704-70C5-AA4C-364796553B86', 'city', 'Kraków', 5004, 1, 15), ('contacts', 'x', '*', NULL, 5005, 1, 16)");
    db.exec("DELETE FROM change_log WHERE seq = 6");
    std::string before = db.query_text("SELECT group_concat(x, '|') FROM (SELECT seq || entity || record_id || field || coalesce(value, '') || at || device || hlc AS x FROM change_log ORDER BY seq)");

    Store store(db);   // opening upgrades
    CHECK(db.user_version() == latest_schema_version());
    CHECK(db.query_text("PRAGMA integrity_check") == "ok");
    CHECK(db.query_text("SELECT group_concat(x, '|') FROM (SELECT seq || entity || crm_id_text(record_id) || field || coalesce(value, '') || at || device || hlc AS x FROM change_log ORDER BY seq)") == before);
    // The UUID is 16 bytes; the others are the text they were.
    CHECK(db.query_text("SELECT group_concat(x, ',') FROM (SELECT typeof(record_id) || length(record_id) AS x FROM change_log ORDER BY seq)") == "blob16,blob16,text15,text8,text36");
    // The record's history reads as before, and sync sends the same ids.
    auto h = store.history(id);
    REQUIRE(h.size() == 2);
    CHECK(h[0].record_id == id);
    CHECK(h[1].field == "last_name");
    CHECK(h[1].value == Value("Ångström"));
    // A number is never given again (6 was given, then erased).
    store.update(kContacts, id, {{"city", "Łódź"}});
    CHECK(db.query_int("SELECT max(seq) FROM change_log") == 7);
    CHECK(store.history(id).size() == 3);
}

TEST_CASE("the live record counters follow every create, delete, restore, import and sync apply") {
    testing::DemoDb d(150);
    auto agree = [&] {
        for (const EntitySpec* e : all_entities()) {
            CAPTURE(e->table);
            CHECK(d.store.count(*e) == d.db.query_int(std::string("SELECT count(*) FROM ") + e->table + " WHERE deleted = 0"));
        }
    };
    agree();
    std::string id = d.store.create(kContacts, {{"last_name", "Counted"}});
    int64_t n = d.store.count(kContacts);
    d.store.remove(kContacts, id);
    CHECK(d.store.count(kContacts) == n - 1);
    d.store.restore(kContacts, id);
    CHECK(d.store.count(kContacts) == n);
    d.db.exec("DELETE FROM tasks WHERE rowid IN (SELECT rowid FROM tasks LIMIT 3)");   // a hard delete (a purge)
    d.db.exec("UPDATE contacts SET deleted = 1 WHERE rowid IN (SELECT rowid FROM contacts WHERE deleted = 0 LIMIT 5)");
    d.db.exec("UPDATE contacts SET deleted = 2 WHERE deleted = 1");   // still deleted: no change
    agree();
}

TEST_CASE("a database from a newer app is refused, not misread") {
    Database db(":memory:");
    migrate(db);
    db.set_user_version(latest_schema_version() + 1);
    CHECK_THROWS_WITH_AS(migrate(db), doctest::Contains("newer version of the app"), DbError);
}

TEST_CASE("a foreign SQLite file is refused") {
    Database db(":memory:");
    db.exec("CREATE TABLE photos(id, path)");
    CHECK_THROWS_WITH_AS(migrate(db), doctest::Contains("is not a CRM database"), DbError);
    Database other(":memory:");
    other.exec("PRAGMA application_id = 1234");
    CHECK_THROWS_WITH_AS(migrate(other), doctest::Contains("is not a CRM database"), DbError);
}

TEST_CASE("a migration that fails leaves the database at the previous version") {
    Database db(":memory:");
    migrate(db, 1);
    // A table in the way of migration 2 makes it fail half way.
    db.exec("CREATE TABLE search_index(x)");
    CHECK_THROWS_WITH_AS(migrate(db), doctest::Contains("migration 2"), DbError);
    CHECK(db.user_version() == 1);
    CHECK(db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'") == 0);
}

}  // TEST_SUITE
