// test_backup.cpp - the database as one file: written for other programs,
// read back to replace the data, and refused when it is not ours or damaged.
#include <cstdio>
#include <fstream>

#include "storage/backup.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

TEST_SUITE("backup") {

TEST_CASE("save the database as a file, load it into another; refuse foreign or damaged files") {
    Fixture a;
    std::string acc = a.account("Ёлка ООО");
    a.contact("Анна", "Петрова", acc, "anna@example.ru");
    std::string path = "test_backup_a.sqlite";
    a.store.set_setting("sync.token", "crm_secret");
    CHECK(save_database_file(a.db, path) > 4096);
    CHECK(a.store.setting("sync.token") == "crm_secret");
    {
        Database check(path);
        CHECK(check.query_int("SELECT count(*) FROM settings WHERE key = 'sync.token'") == 0);   // a credential stays behind
        CHECK(check.query_text("PRAGMA integrity_check") == "ok");
        CHECK(check.query_text("SELECT last_name FROM contacts") == "Петрова");
        CHECK(check.query_text("PRAGMA journal_mode") == "delete");
    }
    Fixture b;
    b.contact("Gone", "Soon");
    load_database_file(b.db, path);
    CHECK(b.db.query_int("SELECT count(*) FROM contacts") == 1);
    CHECK(b.db.query_text("SELECT last_name FROM contacts") == "Петрова");
    CHECK(b.db.query_int("SELECT count(*) FROM search_index WHERE search_index MATCH 'петр*'") == 1);

    // Not ours: a plain SQLite file, a text file, a truncated copy. Each refused, nothing changed.
    {
        Database other("test_backup_other.sqlite");
        other.exec("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (1)");
    }
    std::ofstream("test_backup_text.sqlite") << "hello, not a database\n";
    {
        std::ifstream in(path, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::ofstream("test_backup_cut.sqlite", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    }
    for (const char* bad : {"test_backup_other.sqlite", "test_backup_text.sqlite", "test_backup_cut.sqlite", "no_such_file.sqlite"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(load_database_file(b.db, bad), DbError);
        CHECK(b.db.query_text("SELECT last_name FROM contacts") == "Петрова");
    }
    for (const char* f : {"test_backup_a.sqlite", "test_backup_other.sqlite", "test_backup_text.sqlite", "test_backup_cut.sqlite"}) std::remove(f);
}

}
