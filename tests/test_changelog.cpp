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

TEST_CASE("derived writes (an order total) are logged too") {
    Fixture fx;
    std::string acc = fx.account();
    std::string prod = fx.store.create(kProducts, {{"name", "Widget"}, {"price", int64_t(500)}});
    std::string order = fx.store.create(kOrders, {{"account_id", acc}, {"ordered_at", "2026-02-03T10:00:00Z"}});
    fx.store.create(kOrderLines, {{"order_id", order}, {"product_id", prod}, {"quantity", int64_t(2)}, {"unit_price", int64_t(500)}});
    auto h = fx.store.history(order);
    REQUIRE(h.size() == 2);
    CHECK(h[1].field == "total");
    CHECK(std::get<int64_t>(h[1].value) == 1000);
}

}  // TEST_SUITE
