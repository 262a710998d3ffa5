// test_db.cpp - the SQLite layer: statements, typed binding, errors, and
// transactions nested through savepoints.
#include "testing.h"

using namespace crm;

TEST_SUITE("db") {

TEST_CASE("statements bind and read each type") {
    Database db(":memory:");
    db.exec("CREATE TABLE t(a, b, c, d)");
    db.prepare("INSERT INTO t VALUES (?, ?, ?, ?)").bind_all(int64_t(42), 2.5, "héllo 世界", nullptr).run();
    Statement st = db.prepare("SELECT a, b, c, d, typeof(a), typeof(c) FROM t");
    REQUIRE(st.step());
    CHECK(st.column_int(0) == 42);
    CHECK(st.column_double(1) == 2.5);
    CHECK(st.column_text(2) == "héllo 世界");
    CHECK(st.column_is_null(3));
    CHECK(st.column_text(4) == "integer");
    CHECK(st.column_text(5) == "text");
    CHECK(std::get<int64_t>(st.column_value(0)) == 42);
    CHECK(is_null(st.column_value(3)));
    CHECK_FALSE(st.step());
}

TEST_CASE("errors carry SQLite's message and the SQL") {
    Database db(":memory:");
    try {
        db.prepare("SELECT * FROM missing_table");
        FAIL("prepare should have thrown");
    } catch (const DbError& e) {
        CHECK(std::string(e.what()).find("no such table: missing_table") != std::string::npos);
    }
    db.exec("CREATE TABLE u(x UNIQUE)");
    db.exec("INSERT INTO u VALUES (1)");
    Statement st = db.prepare("INSERT INTO u VALUES (1)");
    CHECK_THROWS_WITH_AS(st.run(), doctest::Contains("UNIQUE constraint failed: u.x"), DbError);
}

TEST_CASE("a transaction rolls back unless committed") {
    Database db(":memory:");
    db.exec("CREATE TABLE t(x)");
    {
        Transaction tx(db);
        db.exec("INSERT INTO t VALUES (1)");
    }
    CHECK(db.query_int("SELECT count(*) FROM t") == 0);
    {
        Transaction tx(db);
        db.exec("INSERT INTO t VALUES (1)");
        tx.commit();
    }
    CHECK(db.query_int("SELECT count(*) FROM t") == 1);
    CHECK_FALSE(db.in_transaction());
}

TEST_CASE("nested transactions are savepoints: an inner rollback keeps the outer work") {
    Database db(":memory:");
    db.exec("CREATE TABLE t(x)");
    {
        Transaction outer(db);
        db.exec("INSERT INTO t VALUES (1)");
        {
            Transaction inner(db);
            db.exec("INSERT INTO t VALUES (2)");
        }  // rolled back
        {
            Transaction inner(db);
            db.exec("INSERT INTO t VALUES (3)");
            inner.commit();
        }
        outer.commit();
    }
    CHECK(db.query_text("SELECT group_concat(x) FROM t") == "1,3");
}

TEST_CASE("an exception inside a nested transaction undoes everything") {
    Database db(":memory:");
    db.exec("CREATE TABLE t(x)");
    try {
        Transaction outer(db);
        db.exec("INSERT INTO t VALUES (1)");
        Transaction inner(db);
        db.exec("INSERT INTO t VALUES (2)");
        throw std::runtime_error("boom");
    } catch (const std::runtime_error&) {
    }
    CHECK(db.query_int("SELECT count(*) FROM t") == 0);
    CHECK_FALSE(db.in_transaction());
}

TEST_CASE("inside a BulkWrite nested transactions are free, and an error undoes the enclosing one whole") {
    Database db(":memory:");
    db.exec("CREATE TABLE t(x)");
    {
        Transaction outer(db);
        BulkWrite bulk(db);
        {
            Transaction inner(db);   // no savepoint: its rollback is the maker's
            db.exec("INSERT INTO t VALUES (1)");
        }
        CHECK(db.query_int("SELECT count(*) FROM t") == 1);
        outer.commit();
    }
    CHECK(db.query_int("SELECT count(*) FROM t") == 1);
    try {
        Transaction outer(db);
        BulkWrite bulk(db);
        for (int i = 0; i < 3; i++) {
            Transaction inner(db);
            db.exec("INSERT INTO t VALUES (2)");
            inner.commit();
        }
        throw std::runtime_error("row 4 is bad");
    } catch (const std::runtime_error&) {
    }
    CHECK(db.query_int("SELECT count(*) FROM t") == 1);
    CHECK_FALSE(db.in_transaction());
    // Outside it, nested transactions are savepoints again.
    {
        Transaction outer(db);
        {
            Transaction inner(db);
            db.exec("INSERT INTO t VALUES (3)");
        }
        outer.commit();
    }
    CHECK(db.query_int("SELECT count(*) FROM t") == 1);
}

TEST_CASE("a file that is not a database is refused at open") {
    std::string path = "crm_test_not_a_db.bin";
    FILE* f = fopen(path.c_str(), "wb");
    REQUIRE(f);
    for (int i = 0; i < 100; i++) fputs("this is certainly not an SQLite database file, it is plain text\n", f);
    fclose(f);
    CHECK_THROWS_WITH_AS(Database{path}, doctest::Contains("file is not a database"), DbError);
    remove(path.c_str());
}

TEST_CASE("journal mode is a rollback journal, never WAL") {
    std::string path = "crm_test_journal.db";
    remove(path.c_str());
    {
        Database db(path);
        CHECK(db.query_text("PRAGMA journal_mode") == "delete");
        CHECK(db.query_int("PRAGMA foreign_keys") == 1);
    }
    remove(path.c_str());
}

}  // TEST_SUITE
