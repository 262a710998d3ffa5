// test_entities.cpp - create, read, update, delete and restore for every
// entity, and the fields the core derives (numbers, totals, probabilities).
#include <map>
#include <set>

#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

// A valid record of entity `e`, creating the records its required fields refer to.
std::string make(Fixture& fx, const EntitySpec& e, std::map<std::string, std::string>& made) {
    Fields f;
    for (const FieldSpec& fs : e.fields) {
        if (!fs.has(F_Required)) continue;
        switch (fs.type) {
        case FieldType::Ref: {
            const EntitySpec& target = entity(fs.ref);
            if (!made.count(target.table)) made[target.table] = make(fx, target, made);
            f.push_back({fs.name, made[target.table]});
            break;
        }
        case FieldType::Choice: f.push_back({fs.name, fs.choices[0]}); break;
        case FieldType::DateTime: f.push_back({fs.name, "2026-02-01T10:00:00Z"}); break;
        case FieldType::Date: f.push_back({fs.name, "2026-02-01"}); break;
        case FieldType::Integer: f.push_back({fs.name, int64_t(30)}); break;
        default: f.push_back({fs.name, std::string("Test ") + e.singular}); break;
        }
    }
    if (&e == &kRecordTags) {  // a tag link names an entity and a record in it
        if (!made.count("contacts")) made["contacts"] = make(fx, kContacts, made);
        for (auto& [k, v] : f) {
            if (k == "entity") v = std::string("contacts");
            if (k == "record_id") v = made["contacts"];
        }
    }
    if (&e == &kCustomFields)   // a definition names its column, made once
        for (auto& [k, v] : f)
            if (k == "column_name") v = std::string("cf_test_field");
    return fx.store.create(e, f);
}

// A field an update can change to a different valid value.
std::pair<std::string, Value> editable(const EntitySpec& e) {
    for (const FieldSpec& f : e.fields) {
        if (f.has(F_System) || f.type == FieldType::Ref) continue;
        if (f.type == FieldType::Text && !f.has(F_Email | F_Phone | F_Url | F_Country | F_Currency) && &e != &kRecordTags)
            return {f.name, std::string("Edited ✓ Ünïcode 編集")};
    }
    for (const FieldSpec& f : e.fields)
        if (f.type == FieldType::Integer && !f.has(F_System)) return {f.name, int64_t(3)};
    return {"", Value()};
}

}  // namespace

TEST_SUITE("entities") {

TEST_CASE("every entity: create, read, update, delete, restore") {
    for (const EntitySpec* e : all_entities()) {
        CAPTURE(std::string(e->table));
        Fixture fx;
        std::map<std::string, std::string> made;
        std::string id = make(fx, *e, made);
        CHECK(id.size() == 36);
        CHECK(id[14] == '7');  // UUID v7

        auto r = fx.store.get(*e, id);
        REQUIRE(r);
        CHECK(r->created_at == "2026-03-01T09:00:00.000Z");
        CHECK(r->updated_at == r->created_at);
        CHECK_FALSE(r->deleted);
        CHECK(fx.store.count(*e) >= 1);

        auto [field, value] = editable(*e);
        if (e == &kRecordTags) {  // a tag link's editable part is which tag it is
            field = "tag_id";
            value = fx.store.create(kTags, {{"name", "another tag"}});
        }
        REQUIRE_FALSE(field.empty());
        fx.tick(60000);
        CHECK(fx.store.update(*e, id, {{field, value}}) == 1);
        r = fx.store.get(*e, id);
        CHECK(r->get(field) == value);
        CHECK(r->updated_at == "2026-03-01T09:01:00.000Z");
        CHECK(r->created_at == "2026-03-01T09:00:00.000Z");
        // Writing the same value again changes nothing.
        CHECK(fx.store.update(*e, id, {{field, value}}) == 0);

        int64_t n = fx.store.count(*e);
        fx.store.remove(*e, id);
        CHECK_FALSE(fx.store.get(*e, id));
        CHECK(fx.store.get(*e, id, true)->deleted);
        CHECK(fx.store.count(*e) == n - 1);
        CHECK_THROWS_AS(fx.store.update(*e, id, {{field, value}}), ValidationError);

        fx.store.restore(*e, id);
        r = fx.store.get(*e, id);
        REQUIRE(r);
        CHECK(r->get(field) == value);
        CHECK(fx.db.query_text("PRAGMA foreign_key_check") == "");
    }
}

// Ids sort in the order they were made, so a new record's id, and every
// reference index keyed by ids, append at the end of their B-trees (the demo
// data at 100k contacts: 84 -> 57 s natively; inserts 28,600 -> 48,900/s).
TEST_CASE("new ids only grow: within a millisecond, past 4,096 of them, and when the clock goes back") {
    Fixture fx;
    std::string last = fx.store.new_id();
    std::set<std::string> seen{last};
    int64_t start = fx.now;
    for (int i = 0; i < 10000; i++) {
        if (i == 6000) fx.now = start - 86400000;   // the clock set back a day
        std::string id = fx.store.new_id();
        REQUIRE(id.size() == 36);
        CHECK(id[14] == '7');                           // version 7
        CHECK(std::string("89ab").find(id[19]) != std::string::npos);   // RFC 4122 variant
        CHECK(id > last);
        seen.insert(id);
        last = id;
    }
    CHECK(seen.size() == 10001);
    // The time field is still the clock's where it moves forward.
    fx.now = start + 60000;
    std::string later = fx.store.new_id();
    CHECK(later.substr(0, 8) + later.substr(9, 4) == [&] {
        char hex[13];
        snprintf(hex, sizeof hex, "%012llx", (unsigned long long)fx.now);
        return std::string(hex);
    }());
    // The same seed and clock give the same ids (the demo data is repeatable).
    Fixture a, b;
    for (int i = 0; i < 5000; i++) REQUIRE(a.store.new_id() == b.store.new_id());
}

TEST_CASE("contacts keep non-ASCII names exactly") {
    Fixture fx;
    std::string acc = fx.account("Société Générale d'Études");
    for (auto [first, last] : {std::pair{"Zoë", "Ångström"}, {"Дмитрий", "Иванов"}, {"美咲", "山田"}, {"Nguyễn", "Thị Minh"}}) {
        std::string id = fx.contact(first, last, acc);
        auto c = fx.store.must_get(kContacts, id);
        CHECK(c.text("first_name") == first);
        CHECK(c.text("last_name") == last);
    }
}

TEST_CASE("cases are numbered CAS-00001 upwards and remember their first owner") {
    Fixture fx;
    std::string rep = fx.user("First Rep"), other = fx.user("Second Rep");
    std::string c1 = fx.store.create(kCases, {{"subject", "Printer jams"}, {"owner_id", rep}});
    std::string c2 = fx.store.create(kCases, {{"subject", "Invoice question"}});
    CHECK(fx.store.must_get(kCases, c1).text("number") == "CAS-00001");
    CHECK(fx.store.must_get(kCases, c2).text("number") == "CAS-00002");
    fx.store.update(kCases, c1, {{"owner_id", other}});
    CHECK(fx.store.must_get(kCases, c1).text("first_owner_id") == rep);
    // A deleted case keeps its number: numbers are never reused.
    fx.store.remove(kCases, c2);
    std::string c3 = fx.store.create(kCases, {{"subject", "Third"}});
    CHECK(fx.store.must_get(kCases, c3).text("number") == "CAS-00003");
}

TEST_CASE("an order's total is the sum of its live lines") {
    Fixture fx;
    std::string acc = fx.account();
    std::string prod = fx.store.create(kProducts, {{"name", "Widget"}, {"price", int64_t(1999)}});
    std::string order = fx.store.create(kOrders, {{"account_id", acc}, {"ordered_at", "2026-02-03T10:00:00Z"}});
    CHECK(fx.store.must_get(kOrders, order).text("number") == "ORD-000001");
    std::string l1 = fx.store.create(kOrderLines, {{"order_id", order}, {"product_id", prod}, {"quantity", int64_t(3)}, {"unit_price", int64_t(1999)}});
    fx.store.create(kOrderLines, {{"order_id", order}, {"product_id", prod}, {"quantity", int64_t(2)}, {"unit_price", int64_t(1000)}, {"discount_pct", int64_t(10)}});
    CHECK(fx.store.must_get(kOrders, order).integer("total") == 5997 + 1800);
    fx.store.update(kOrderLines, l1, {{"quantity", int64_t(1)}});
    CHECK(fx.store.must_get(kOrders, order).integer("total") == 1999 + 1800);
    fx.store.remove(kOrderLines, l1);
    CHECK(fx.store.must_get(kOrders, order).integer("total") == 1800);
    fx.store.restore(kOrderLines, l1);
    CHECK(fx.store.must_get(kOrders, order).integer("total") == 1999 + 1800);
}

TEST_CASE("an opportunity's probability follows its stage unless set") {
    Fixture fx;
    std::string acc = fx.account();
    std::string opp = fx.store.create(kOpportunities, {{"name", "Deal"}, {"account_id", acc}, {"amount", "25000"}});
    auto o = fx.store.must_get(kOpportunities, opp);
    CHECK(o.integer("amount") == 2500000);
    CHECK(o.text("currency") == "EUR");
    CHECK(o.integer("probability") == 10);
    fx.store.update(kOpportunities, opp, {{"stage", "propose"}});
    CHECK(fx.store.must_get(kOpportunities, opp).integer("probability") == 70);
    fx.store.update(kOpportunities, opp, {{"stage", "develop"}, {"probability", int64_t(55)}});
    CHECK(fx.store.must_get(kOpportunities, opp).integer("probability") == 55);
    fx.tick();
    fx.store.update(kOpportunities, opp, {{"stage", "won"}});
    o = fx.store.must_get(kOpportunities, opp);
    CHECK(o.integer("probability") == 100);
    CHECK(o.text("closed_at") == "2026-03-01T09:00:01.000Z");
    fx.store.update(kOpportunities, opp, {{"stage", "propose"}});
    CHECK(fx.store.must_get(kOpportunities, opp).text("closed_at") == "");
}

TEST_CASE("completing a task stamps it; reopening clears the stamp") {
    Fixture fx;
    std::string t = fx.store.create(kTasks, {{"title", "Call back"}, {"due_at", "2026-03-02T10:00:00Z"}, {"remind_at", "2026-03-02T09:45:00Z"}});
    fx.store.update(kTasks, t, {{"done", true}});
    CHECK(fx.store.must_get(kTasks, t).text("completed_at") == "2026-03-01T09:00:00.000Z");
    fx.store.update(kTasks, t, {{"done", false}});
    CHECK(fx.store.must_get(kTasks, t).text("completed_at") == "");
    CHECK(validation_error([&] { fx.store.update(kTasks, t, {{"remind_at", "2026-03-03T10:00:00Z"}}); })
          == "tasks.due_at: must not be before Reminder (2026-03-03T10:00:00.000Z)");
}

TEST_CASE("tags attach to records of any entity") {
    Fixture fx;
    std::string tag = fx.store.create(kTags, {{"name", "repeat customer"}, {"category", "status"}});
    std::string c = fx.contact("Jane", "Doe");
    CHECK_NOTHROW(fx.store.create(kRecordTags, {{"tag_id", tag}, {"entity", "contacts"}, {"record_id", c}}));
    CHECK(validation_error([&] { fx.store.create(kRecordTags, {{"tag_id", tag}, {"entity", "planets"}, {"record_id", c}}); })
          == "record_tags.entity: 'planets' is not a taggable entity");
    CHECK(validation_error([&] { fx.store.create(kRecordTags, {{"tag_id", tag}, {"entity", "accounts"}, {"record_id", c}}); })
          == "record_tags.record_id: no account with id '" + c + "'");
}

}  // TEST_SUITE
