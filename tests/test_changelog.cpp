// test_changelog.cpp - every write through the core lands in the change log.
#include "testing.h"

using namespace crm;
using namespace crm::testing;

TEST_SUITE("changelog") {

TEST_CASE("create, field updates and delete are logged with time and device") {
    Fixture fx;
    std::string id = fx.contact("Jane", "Doe", "", "jane@example.com");
    fx.tick(5000);
    fx.store.update(kContacts, id, {{"email", "jane.doe@example.com"}, {"city", "Lyon"}, {"last_name", "Doe"}});
    fx.tick(5000);
    fx.store.remove(kContacts, id);
    fx.store.restore(kContacts, id);

    auto h = fx.store.history(id);
    REQUIRE(h.size() == 5);
    CHECK(h[0].field == "*");
    CHECK(h[0].entity == "contacts");
    CHECK(h[0].at == "2026-03-01T09:00:00.000Z");
    // Only the fields that changed: last_name was written with its old value.
    CHECK(h[1].field == "email");
    CHECK(std::get<std::string>(h[1].value) == "jane.doe@example.com");
    CHECK(h[2].field == "city");
    CHECK(h[2].at == "2026-03-01T09:00:05.000Z");
    CHECK(h[3].field == "deleted");
    CHECK(std::get<int64_t>(h[3].value) == 1);
    CHECK(h[4].field == "deleted");
    CHECK(std::get<int64_t>(h[4].value) == 0);
    for (const ChangeEntry& c : h) CHECK(c.device_id == fx.store.device_id());
}

TEST_CASE("a write that fails is not logged") {
    Fixture fx;
    std::string id = fx.contact("Jane", "Doe");
    size_t n = fx.store.history(id).size();
    CHECK_THROWS(fx.store.update(kContacts, id, {{"city", "Paris"}, {"email", "broken"}}));
    CHECK(fx.store.history(id).size() == n);
    CHECK(fx.store.must_get(kContacts, id).text("city") == "");
}

TEST_CASE("the device id is stable for a database across re-opens") {
    std::string path = "crm_test_device.db";
    remove(path.c_str());
    std::string first;
    {
        Database db(path);
        Store s(db);
        first = s.device_id();
        CHECK(first.size() == 36);
    }
    {
        Database db(path);
        Store s(db);
        CHECK(s.device_id() == first);
    }
    remove(path.c_str());
}

TEST_CASE("derived data (an order's total) follows its lines on every write and is not logged: each device computes it") {
    Fixture fx;
    std::string acc = fx.account();
    std::string prod = fx.store.create(kProducts, {{"name", "Widget"}, {"price", int64_t(500)}});
    std::string order = fx.store.create(kOrders, {{"account_id", acc}, {"ordered_at", "2026-02-03T10:00:00Z"}, {"total", int64_t(777)}});
    CHECK(fx.store.must_get(kOrders, order).integer("total") == 0);   // a given total is ignored: no lines yet
    std::string line = fx.store.create(kOrderLines, {{"order_id", order}, {"product_id", prod}, {"quantity", int64_t(2)}, {"unit_price", int64_t(500)}});
    CHECK(fx.store.must_get(kOrders, order).integer("total") == 1000);
    fx.store.update(kOrderLines, line, {{"discount_pct", int64_t(10)}});
    CHECK(fx.store.must_get(kOrderLines, line).integer("line_total") == 900);
    CHECK(fx.store.must_get(kOrders, order).integer("total") == 900);
    fx.store.remove(kOrderLines, line);
    CHECK(fx.store.must_get(kOrders, order).integer("total") == 0);
    auto h = fx.store.history(order);
    REQUIRE(h.size() == 1);   // the order's creation only
    for (const ChangeEntry& c : fx.store.history(line)) CHECK(c.field != "line_total");
}

TEST_CASE("every write is stamped by the hybrid clock: strictly increasing, past what was received, resumed after a re-open") {
    std::string path = "crm_test_hlc.db";
    remove(path.c_str());
    int64_t now = *parse_datetime("2026-03-01T09:00:00Z");
    std::string id;
    int64_t last = 0;
    {
        Database db(path);
        Store s(db);
        s.set_clock([&] { return now; });
        id = s.create(kAccounts, {{"name", "Acme"}});
        s.update(kAccounts, id, {{"city", "Lyon"}, {"country", "FR"}});   // two fields in the same millisecond
        now -= 60000;   // the wall clock steps back a minute
        s.update(kAccounts, id, {{"city", "Paris"}});
        auto h = s.history(id);
        REQUIRE(h.size() == 4);
        for (size_t i = 1; i < h.size(); i++) CHECK(h[i].hlc > h[i - 1].hlc);
        CHECK(hlc_millis(h[0].hlc) == *parse_datetime("2026-03-01T09:00:00Z"));
        CHECK(h[3].at == "2026-03-01T08:59:00.000Z");   // the wall time is kept for display
        // A stamp received from a device whose clock is an hour ahead: the next write comes after it.
        s.hlc().observe(hlc_from_millis(now + 3600000));
        s.set_setting("sync.clock", std::to_string(s.hlc().last()));
        last = s.hlc().last();
    }
    {
        Database db(path);
        Store s(db);
        s.set_clock([&] { return now; });
        s.update(kAccounts, id, {{"city", "Nice"}});
        CHECK(s.history(id).back().hlc > last);
    }
    remove(path.c_str());
}

}  // TEST_SUITE
