// test_search.cpp - full-text search: prefixes, accents, scripts, phones,
// ranking, limits, and the index following every write.
#include "records/search.h"

#include <cstdio>

#include "storage/schema.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {
std::vector<std::string> titles(const std::vector<SearchHit>& hits) {
    std::vector<std::string> t;
    for (const auto& h : hits) t.push_back(h.title);
    return t;
}
}  // namespace

TEST_SUITE("search") {

TEST_CASE("user text becomes a safe prefix query") {
    CHECK(fts_prefix_query("jan do") == "\"jan\"* \"do\"*");
    CHECK(fts_prefix_query("jane.doe@ex") == "\"jane\"* \"doe\"* \"ex\"*");
    CHECK(fts_prefix_query("  ") == "");
    CHECK(fts_prefix_query("\"OR NEAR(") == "\"OR\"* \"NEAR\"*");
    CHECK(fts_prefix_query("Müller") == "\"Müller\"*");
}

TEST_CASE("finds contacts, accounts and leads by prefix of names, e-mail, phone and company") {
    Fixture fx;
    std::string acc = fx.account("Northwind Traders");
    std::string jane = fx.store.create(kContacts, {{"first_name", "Jane"}, {"last_name", "Doe"}, {"email", "jane.doe@northwind.example"},
                                                   {"phone", "+44 20 7946 0958"}, {"account_id", acc}});
    fx.store.create(kLeads, {{"first_name", "Janet"}, {"last_name", "Smith"}, {"company", "Fabrikam"}});
    fx.contact("John", "Roe");

    auto hits = search(fx.db, "jan");
    CHECK(hits.size() == 2);
    hits = search(fx.db, "jane doe");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].id == jane);
    CHECK(hits[0].entity == "contacts");
    CHECK(hits[0].title == "Jane Doe");
    CHECK(hits[0].subtitle == "Northwind Traders");
    CHECK(search(fx.db, "northw").size() == 2);          // the account and its contact
    CHECK(search(fx.db, "7946").at(0).id == jane);         // a part of the phone
    CHECK(search(fx.db, "02079460958").size() == 0);     // different digits
    CHECK(search(fx.db, "442079460958").at(0).id == jane); // the phone's digits run together
    CHECK(search(fx.db, "fabri").at(0).entity == "leads");
    CHECK(search(fx.db, "jan", 20, "leads").size() == 1);
    CHECK(search(fx.db, "zzz").empty());
}

TEST_CASE("accents are ignored and non-Latin scripts are found") {
    Fixture fx;
    fx.contact("François", "Müller");
    fx.contact("Дмитрий", "Иванов");
    fx.contact("美咲", "山田");
    CHECK(titles(search(fx.db, "francois muller")) == std::vector<std::string>{"François Müller"});
    CHECK(titles(search(fx.db, "MÜLL")) == std::vector<std::string>{"François Müller"});
    CHECK(titles(search(fx.db, "Ива")) == std::vector<std::string>{"Дмитрий Иванов"});
    CHECK(titles(search(fx.db, "山田")) == std::vector<std::string>{"美咲 山田"});
}

TEST_CASE("names rank above notes, and the limit holds") {
    Fixture fx;
    std::string noted = fx.store.create(kContacts, {{"first_name", "Ann"}, {"last_name", "Other"}, {"notes", "met Baker at the fair"}});
    std::string named = fx.contact("Bob", "Baker");
    auto hits = search(fx.db, "baker");
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].id == named);
    CHECK(hits[1].id == noted);
    for (int i = 0; i < 30; i++) fx.contact("Many", ("Baker" + std::to_string(i)).c_str());
    CHECK(search(fx.db, "bak", 10).size() == 10);
}

TEST_CASE("a query matching more than can be ranked lists the newest matches, and names its count") {
    Fixture fx;
    std::vector<std::string> ids;
    {
        Transaction tx(fx.db);
        for (int i = 0; i < kRankedMatches + 2; i++) ids.push_back(fx.contact("Sam", ("Stone" + std::to_string(i)).c_str()));
        tx.commit();
    }
    fx.contact("Other", "Person");
    std::string match = fts_prefix_query("s");
    CHECK(search_match_count(fx.db, match, -1) == kRankedMatches + 2);
    CHECK(search_match_count(fx.db, match, search_kind_code("accounts")) == 0);
    auto hits = search(fx.db, "s", 5);
    REQUIRE(hits.size() == 5);
    for (size_t i = 0; i < hits.size(); i++) CHECK(hits[i].id == ids[ids.size() - 1 - i]);
    // A deletion is counted at once (the count is remembered only until a write).
    fx.store.remove(kContacts, ids.back());
    CHECK(search_match_count(fx.db, match, -1) == kRankedMatches + 1);
    CHECK(search(fx.db, "s", 1).at(0).id == ids[ids.size() - 2]);
    // Below the limit the matches are ranked again: the name outranks the notes.
    std::string noted = fx.store.create(kContacts, {{"first_name", "Ann"}, {"last_name", "Other"}, {"notes", "Stone1999 owes us"}});
    hits = search(fx.db, "stone1999");
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].title == "Sam Stone1999");
    CHECK(hits[1].id == noted);
}

TEST_CASE("merging the index's segments ends, in steps, and keeps every match") {
    Fixture fx;
    for (int i = 0; i < 60; i++) fx.contact("Merge", ("Case" + std::to_string(i)).c_str());   // a segment per write
    int calls = 0;
    while (!merge_search_index(fx.db, 4)) REQUIRE(++calls < 1000);
    CHECK(calls >= 1);                            // there was work: the writes left segments
    CHECK(merge_search_index(fx.db, 4));          // then nothing is left to do
    fx.db.exec("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 0)");
    CHECK(search(fx.db, "merge", 100).size() == 60);
    CHECK(search(fx.db, "case4", 100).size() == 11);   // Case4, Case40..Case49
}

TEST_CASE("a write is found once it commits, a rolled-back one never, and a bulk job's rows as it goes") {
    Fixture fx;
    std::string kept;
    {
        Transaction tx(fx.db);
        kept = fx.contact("Quentin", "Queued");
        fx.contact("Rolf", "Rolledback");
        CHECK(search_queued(fx.db));          // not indexed statement by statement
        index_queued_search(fx.db);           // what a long job does between slices
        CHECK_FALSE(search_queued(fx.db));
        CHECK(search(fx.db, "queued").size() == 1);
        fx.contact("Otto", "Other");
    }   // rolled back: the three contacts and their index rows
    CHECK(search(fx.db, "queued").empty());
    CHECK(search(fx.db, "rolledback").empty());
    CHECK(search(fx.db, "other").empty());
    kept = fx.contact("Quentin", "Queued");
    CHECK_FALSE(search_queued(fx.db));
    REQUIRE(search(fx.db, "queued").size() == 1);
    CHECK(search(fx.db, "queued")[0].id == kept);
    CHECK_NOTHROW(fx.db.exec("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 0)"));
}

TEST_CASE("rows another program wrote into the file are found once the app opens it") {
    std::string path = "test_search_shell.sqlite";
    std::remove(path.c_str());
    {
        Database db(path);
        Store store(db);
        store.create(kContacts, {{"first_name", "Ina"}, {"last_name", "Inapp"}});
    }
    {
        Database db(path);   // as the sqlite3 shell would: plain SQL, no app
        db.exec("INSERT INTO contacts(id, created_at, updated_at, first_name, last_name) VALUES "
                "('shell-1', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'Sven', 'Shellwritten')");
        db.exec("UPDATE contacts SET last_name = 'Renamedbyshell' WHERE last_name = 'Inapp'");
    }
    Database db(path);
    Store store(db);
    REQUIRE(search(db, "shellwritten").size() == 1);
    CHECK(search(db, "shellwritten")[0].id == "shell-1");
    CHECK(search(db, "renamedbyshell").size() == 1);
    CHECK(search(db, "inapp").empty());   // the old last name is gone from the index
    CHECK_FALSE(search_queued(db));
    db.close();
    std::remove(path.c_str());
}

TEST_CASE("the index follows updates, deletes, restores and account renames") {
    Fixture fx;
    std::string acc = fx.account("Contoso");
    std::string id = fx.contact("Jane", "Doe", acc);
    fx.store.update(kContacts, id, {{"last_name", "Smith"}});
    CHECK(search(fx.db, "doe").empty());
    CHECK(search(fx.db, "smith").size() == 1);
    fx.store.update(kAccounts, acc, {{"name", "Tailspin Toys"}});
    auto hits = search(fx.db, "tailspin", 20, "contacts");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].id == id);
    fx.store.remove(kContacts, id);
    CHECK(search(fx.db, "smith").empty());
    fx.store.restore(kContacts, id);
    CHECK(search(fx.db, "smith").size() == 1);
    // FTS5's own check that the index matches its content.
    CHECK_NOTHROW(fx.db.exec("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 0)"));
}

}  // TEST_SUITE
