// test_listing.cpp - keyset paging: walking a whole list page by page equals
// one ordered query, in both directions, with filters, and jumps by offset.
#include <algorithm>
#include <strings.h>

#include "records/listing.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

std::vector<std::string> walk(Database& db, const ListQuery& q, int page_size) {
    std::vector<std::string> ids;
    std::optional<PageKey> key;
    for (int guard = 0; guard < 10000; guard++) {
        Page p = list_page(db, q, key, page_size);
        for (const Record& r : p.rows) ids.push_back(r.id);
        if (!p.next) break;
        key = p.next;
    }
    return ids;
}

std::vector<std::string> expected(Database& db, const std::string& sql) {
    std::vector<std::string> ids;
    Statement st = db.prepare(sql);
    while (st.step()) ids.push_back(st.column_text(0));
    return ids;
}

struct Populated : Fixture {
    std::vector<std::string> users;
    Populated() {
        users = {user("A"), user("B"), user("C")};
        const char* last[] = {"Smith", "Jones", "Brown", "Müller", "Garcia", "Smith", "Lee", "Иванов"};
        const char* countries[] = {"GB", "DE", "FR", "US"};
        Transaction tx(db);
        for (int i = 0; i < 257; i++) {
            tick(1000);
            store.create(kContacts, {{"first_name", "P" + std::to_string(i % 13)}, {"last_name", last[i % 8]},
                                     {"country", countries[i % 4]}, {"owner_id", users[(size_t)i % 3]}});
        }
        tx.commit();
    }
};

}  // namespace

TEST_SUITE("listing") {

TEST_CASE("paging through all rows matches the ordered query, ascending and descending") {
    Populated fx;
    ListQuery q{&kContacts, "last_name"};
    for (int size : {1, 7, 50, 300}) {
        CAPTURE(size);
        CHECK(walk(fx.db, q, size) == expected(fx.db, "SELECT id FROM contacts WHERE deleted = 0 ORDER BY last_name, rowid"));
    }
    q.descending = true;
    CHECK(walk(fx.db, q, 20) == expected(fx.db, "SELECT id FROM contacts WHERE deleted = 0 ORDER BY last_name DESC, rowid DESC"));
    CHECK(list_count(fx.db, q) == 257);
}

TEST_CASE("filters and deleted rows") {
    Populated fx;
    ListQuery q{&kContacts, "created_at"};
    q.filters = {{"country", "de"}, {"owner_id", fx.users[1]}};
    auto want = expected(fx.db, "SELECT id FROM contacts WHERE deleted = 0 AND country = 'DE' AND owner_id = '" + fx.users[1] +
                                    "' ORDER BY created_at, rowid");
    CHECK(!want.empty());
    CHECK(walk(fx.db, q, 9) == want);
    CHECK(list_count(fx.db, q) == (int64_t)want.size());
    fx.store.remove(kContacts, want[0]);
    CHECK(list_count(fx.db, q) == (int64_t)want.size() - 1);
    CHECK(walk(fx.db, q, 9) == std::vector<std::string>(want.begin() + 1, want.end()));
}

TEST_CASE("a tag filter") {
    Populated fx;
    std::string tag = fx.store.create(kTags, {{"name", "vip"}});
    auto all = walk(fx.db, ListQuery{&kContacts, "last_name"}, 100);
    std::vector<std::string> tagged = {all[3], all[100], all[200]};
    for (auto& id : tagged) fx.store.create(kRecordTags, {{"tag_id", tag}, {"entity", "contacts"}, {"record_id", id}});
    ListQuery q{&kContacts, "last_name"};
    q.tag_id = tag;
    CHECK(walk(fx.db, q, 2) == tagged);
}

TEST_CASE("search as you type narrows the list, which still pages and sorts") {
    Populated fx;
    ListQuery q{&kContacts, "first_name"};
    q.search = "smi";   // a prefix of Smith
    auto want = expected(fx.db, "SELECT id FROM contacts WHERE deleted = 0 AND last_name = 'Smith' ORDER BY first_name, rowid");
    CHECK(want.size() == 65);
    CHECK(walk(fx.db, q, 10) == want);
    CHECK(list_count(fx.db, q) == 65);
    q.search = "иван";  // Cyrillic, case-folded
    CHECK(list_count(fx.db, q) == 32);
    q.search = "smith p3";   // every word must match
    CHECK(list_count(fx.db, q) == (int64_t)expected(fx.db, "SELECT id FROM contacts WHERE last_name = 'Smith' AND first_name = 'P3'").size());
    q.search = "\"()*";   // nothing searchable: no rows, no error
    CHECK(list_count(fx.db, q) == 0);
    q.search = "zzz";
    CHECK(walk(fx.db, q, 10).empty());
}

TEST_CASE("a search most rows match and one few match page alike, and the count follows every write") {
    // "p" matches every row: the list walks its sort index and tests each row
    // against the matches; "smi" matches a quarter: at 200 rows a page the
    // list starts from the matches, at 10 it walks.
    Populated fx;
    for (const char* text : {"p", "p1", "smi", "smith", "s p"}) {
        CAPTURE(text);
        for (bool desc : {false, true}) {
            ListQuery q{&kContacts, "last_name", desc};
            q.search = text;
            std::vector<std::string> want;
            for (const std::string& id : expected(fx.db, std::string("SELECT id FROM contacts WHERE deleted = 0 ORDER BY last_name") +
                                                              (desc ? " DESC, rowid DESC" : ", rowid"))) {
                Record r = fx.store.must_get(kContacts, id);
                auto starts = [&](const std::string& v, const std::string& p) { return v.size() >= p.size() && strncasecmp(v.c_str(), p.c_str(), p.size()) == 0; };
                bool hit = std::string(text) == "s p" ? starts(r.text("last_name"), "s") && starts(r.text("first_name"), "p")
                                                      : starts(r.text("first_name"), text) || starts(r.text("last_name"), text);
                if (hit) want.push_back(id);
            }
            CHECK(!want.empty());
            CHECK(walk(fx.db, q, 10) == want);
            CHECK(walk(fx.db, q, 200) == want);
            CHECK(list_count(fx.db, q) == (int64_t)want.size());
            // A jump (the scrollbar) lands on the same row either way.
            for (size_t at : {(size_t)1, want.size() / 2, want.size() - 1}) {
                auto key = key_before(fx.db, q, (int64_t)at);
                CHECK(list_page(fx.db, q, key, 1).rows.at(0).id == want[at]);
            }
        }
    }
    ListQuery q{&kContacts, "last_name"};
    q.search = "p";
    CHECK(list_count(fx.db, q) == 257);
    std::string first = list_page(fx.db, q, std::nullopt, 1).rows.at(0).id;
    fx.store.remove(kContacts, first);
    CHECK(list_count(fx.db, q) == 256);
    CHECK(list_page(fx.db, q, std::nullopt, 1).rows.at(0).id != first);
    fx.contact("Pat", "Zed");
    CHECK(list_count(fx.db, q) == 257);
}

TEST_CASE("contacts filtered by their account's tier") {
    Fixture fx;
    std::string gold = fx.store.create(kAccounts, {{"name", "Gold Co"}, {"tier", "Gold"}});
    std::string bronze = fx.store.create(kAccounts, {{"name", "Bronze Co"}, {"tier", "Bronze"}});
    std::string a = fx.contact("Ann", "Gold", gold), b = fx.contact("Bob", "Bronze", bronze);
    fx.contact("Cy", "Nobody");
    ListQuery q{&kContacts, "last_name"};
    q.account_tier = "Gold";
    CHECK(walk(fx.db, q, 10) == std::vector<std::string>{a});
    q.account_tier = "Bronze";
    CHECK(walk(fx.db, q, 10) == std::vector<std::string>{b});
    ListQuery bad{&kCampaigns, ""};
    bad.account_tier = "Gold";
    CHECK_THROWS_AS(list_count(fx.db, bad), ValidationError);
}

TEST_CASE("a jump to any offset continues exactly from that row") {
    Populated fx;
    ListQuery q{&kContacts, "last_name"};
    auto all = walk(fx.db, q, 1000);
    for (int64_t off : {1, 13, 128, 256}) {
        CAPTURE(off);
        Page p = list_page(fx.db, q, key_before(fx.db, q, off), 5);
        REQUIRE(!p.rows.empty());
        CHECK(p.rows[0].id == all[(size_t)off]);
    }
    CHECK(list_page(fx.db, q, key_before(fx.db, q, 0), 1).rows[0].id == all[0]);
}

TEST_CASE("sorting and filtering only by indexed, known fields") {
    Populated fx;
    CHECK_THROWS_WITH_AS(list_page(fx.db, ListQuery{&kContacts, "notes"}, std::nullopt), doctest::Contains("cannot sort"), ValidationError);
    ListQuery q{&kContacts, "last_name"};
    q.filters = {{"notes; DROP TABLE contacts", "x"}};
    CHECK_THROWS_WITH_AS(list_page(fx.db, q, std::nullopt), doctest::Contains("cannot filter"), ValidationError);
}

TEST_CASE("a deep page uses the index, not a scan") {
    Populated fx;
    Statement st = fx.db.prepare(
        "EXPLAIN QUERY PLAN SELECT id FROM contacts WHERE deleted = 0 AND (last_name, rowid) > ('M', 0) ORDER BY last_name, rowid LIMIT 50");
    std::string plan;
    while (st.step()) plan += st.column_text(3) + "\n";
    CHECK(plan.find("contacts_by_last_name") != std::string::npos);
    CHECK(plan.find("TEMP B-TREE") == std::string::npos);
}

}  // TEST_SUITE
