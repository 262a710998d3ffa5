// test_transfer.cpp - the JSON export and import: a lossless round trip,
// merge (newer wins) and replace, and every kind of bad file rejected with
// the file, path and field named and the database left exactly as it was.
#include <sstream>

#include "demo/demo.h"
#include "testing.h"
#include "exchange/transfer.h"

using namespace crm;
using namespace crm::testing;

namespace {

std::string rows_of(Database& db) { return all_rows(db); }

// The whole state an import may touch, to prove a failed one changed nothing.
std::string state_of(Database& db) {
    return rows_of(db) + std::to_string(db.query_int("SELECT count(*) FROM change_log")) + db.query_text("SELECT group_concat(key || '=' || value) FROM settings");
}

std::string export_of(Store& store, bool deleted = false) {
    std::ostringstream out;
    ExportOptions o;
    o.include_deleted = deleted;
    export_json(store, out, o);
    return out.str();
}

std::string import_error(Store& store, const std::string& text, ImportMode mode = ImportMode::Merge) {
    std::istringstream in(text);
    try {
        import_json(store, in, "backup.json", mode);
    } catch (const ImportError& e) {
        return e.what();
    }
    return "";
}

ImportSummary import_text(Store& store, const std::string& text, ImportMode mode) {
    std::istringstream in(text);
    return import_json(store, in, "backup.json", mode);
}

}  // namespace

TEST_SUITE("transfer") {

TEST_CASE("export then import into an empty database keeps every row and field, tombstones included") {
    DemoDb demo(300);
    Database& a = demo.db;
    Store& sa = demo.store;
    sa.remove(kContacts, a.query_text("SELECT id FROM contacts LIMIT 1"));
    std::string json = export_of(sa, true);
    CHECK(json.find("\"format\": \"crm-export\"") != std::string::npos);

    Database b(":memory:");
    Store sb(b);
    ImportSummary s = import_text(sb, json, ImportMode::Replace);
    CHECK(s.added == a.query_int("SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM activities)") +
                         a.query_int("SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM leads) + (SELECT count(*) FROM opportunities)") +
                         a.query_int("SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_lines) + (SELECT count(*) FROM cases)") +
                         a.query_int("SELECT (SELECT count(*) FROM tasks) + (SELECT count(*) FROM users) + (SELECT count(*) FROM campaigns)") +
                         a.query_int("SELECT (SELECT count(*) FROM queues) + (SELECT count(*) FROM products) + (SELECT count(*) FROM product_categories)") +
                         a.query_int("SELECT (SELECT count(*) FROM tags) + (SELECT count(*) FROM record_tags) + (SELECT count(*) FROM assignment_rules)") +
                         a.query_int("SELECT (SELECT count(*) FROM scoring_rules) + (SELECT count(*) FROM sla_targets) + (SELECT count(*) FROM kb_articles)") +
                         a.query_int("SELECT (SELECT count(*) FROM email_templates) + (SELECT count(*) FROM segments)"));
    CHECK(rows_of(b) == rows_of(a));
    CHECK(b.query_text("PRAGMA integrity_check") == "ok");
    CHECK(sb.setting("cases.queue.Gold") == sa.setting("cases.queue.Gold"));   // workflow settings travel
    CHECK(sb.device_id() != sa.device_id());
    // The imported data is searchable.
    std::string name = b.query_text("SELECT last_name FROM contacts WHERE deleted = 0 LIMIT 1");
    CHECK(b.query_int("SELECT count(*) FROM search_index WHERE search_index MATCH '\"" + name + "\"'") > 0);
    // And the export of the copy is the same data.
    CHECK(rows_of(b) == rows_of(a));
}

TEST_CASE("merge: new records are added, newer ones win, older ones are ignored; the change log records it") {
    Fixture src;
    std::string acc = src.account("Shared GmbH");
    std::string c1 = src.contact("Old", "Name", acc), c2 = src.contact("Only", "There", acc);
    std::string json = export_of(src.store);

    Database db(":memory:");
    Store st(db);
    ImportSummary first = import_text(st, json, ImportMode::Merge);
    CHECK(first.added == 3);
    // Locally newer: kept. In the file newer: taken.
    st.set_clock([] { return *parse_datetime("2030-01-01T00:00:00Z"); });
    st.update(kContacts, c1, {{"first_name", "Local edit"}});
    src.tick(60000);
    src.store.update(kContacts, c2, {{"first_name", "Remote edit"}});
    src.contact("Brand", "New");
    ImportSummary second = import_text(st, export_of(src.store), ImportMode::Merge);
    CHECK(second.added == 1);
    CHECK(second.updated == 1);
    CHECK(second.unchanged == 2);
    CHECK(st.must_get(kContacts, c1).text("first_name") == "Local edit");
    CHECK(st.must_get(kContacts, c2).text("first_name") == "Remote edit");
    bool logged = false;
    for (const ChangeEntry& e : st.history(c2)) logged |= e.field == "imported";
    CHECK(logged);
}

TEST_CASE("replace: the file becomes the database") {
    Fixture src;
    src.contact("Kept", "One");
    std::string json = export_of(src.store);
    Fixture dst;
    dst.contact("Gone", "Soon");
    dst.account("Gone Ltd");
    ImportSummary s = import_text(dst.store, json, ImportMode::Replace);
    CHECK(s.removed == 2);
    CHECK(dst.store.count(kContacts) == 1);
    CHECK(dst.store.count(kAccounts) == 0);
    CHECK(dst.db.query_text("SELECT last_name FROM contacts") == "One");
}

TEST_CASE("bad files name the file, path and field, and change nothing") {
    Fixture fx;
    std::string acc = fx.account("Before GmbH");
    fx.contact("Be", "Fore", acc);
    std::string good = export_of(fx.store);
    std::string before = state_of(fx.db), before_bytes = fx.db.serialize();
    auto check = [&](const std::string& text, const std::string& expect, ImportMode mode = ImportMode::Merge) {
        CAPTURE(expect);
        std::string err = import_error(fx.store, text, mode);
        CHECK(err.find(expect) != std::string::npos);
        CHECK(err.rfind("backup.json: ", 0) == 0);
        CHECK(state_of(fx.db) == before);   // readable when it fails
        CHECK(fx.db.serialize() == before_bytes);
    };
    Fixture other;
    std::string c = other.contact("Ann", "Other");
    std::string theirs = export_of(other.store);
    check(good.substr(0, good.size() / 2), "not valid JSON: parse error");
    check(good.substr(0, good.size() / 2), "not valid JSON", ImportMode::Replace);   // nothing removed either
    check("\x89PNG\r\n\x1a\n\x00\x00binary", "not valid JSON");
    check("{\"format\": \"crm-export\", \"version\": 1, \"entities\": {\"contacts\": [{\"employees\": 1e99999}]}}", "not valid JSON: number overflow");
    check("[1, 2, 3]", "not a CRM export");
    check(R"({"format": "other-app", "version": 1, "entities": {}})", "format: not a CRM export");
    check(R"({"format": "crm-export", "version": 99, "entities": {}})", "version: version 99 is newer than this app reads (1)");
    std::string bad_email = theirs;
    bad_email.replace(bad_email.find("\"email\":\"\""), 10, "\"email\":\"not-an-address\"");
    check(bad_email, "entities.contacts[0].email: ");
    std::string unknown = theirs;
    unknown.replace(unknown.find("\"email\":\"\""), 10, "\"shoe_size\":44");
    check(unknown, "entities.contacts[0].shoe_size: is not a field of Contacts");
    std::string dangling = theirs;
    dangling.replace(dangling.find("\"account_id\":null"), 17, "\"account_id\":\"no-such-account\"");
    check(dangling, "entities.contacts: record '" + c + "' refers to a accounts record that is not in the database or the file");
    check(R"({"format": "crm-export", "version": 1, "entities": {"planets": []}})", "entities.planets: unknown entity");
    std::string money = theirs;
    check(R"({"format": "crm-export", "version": 1, "entities": {"products": [{"id": "p", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "name": "X", "price": 12.5}]}})",
          "entities.products[0].price: must be a whole number (money is in minor units)");
    check(R"({"format": "crm-export", "version": 1, "entities": {"contacts": [{"id": "x", "created_at": "yesterday", "updated_at": "2026-01-01T00:00:00Z", "last_name": "X"}]}})",
          "entities.contacts[0].created_at: is not a date and time");
    check(std::string("{\"format\": \"crm-export\", \"version\": 1, \"entities\": {\"contacts\": [{\"id\": \"x\", \"last_name\": \"\xff\xfe\"}]}}"),
          "not valid JSON");
    // A 100 MB line: a record whose note is 100 MB.
    std::string huge = theirs;
    huge.replace(huge.find("\"notes\":\"\""), 10, "\"notes\":\"" + std::string(100 << 20, 'x') + "\"");
    check(huge, "entities.contacts[0].notes: is longer than 1 MiB (104857600 bytes)");
    CHECK(import_error(fx.store, good).empty());   // and the good file still imports
}

}
