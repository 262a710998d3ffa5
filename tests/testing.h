// testing.h - shared fixtures for the core suites.
#pragma once

#include <doctest/doctest.h>

#include "db.h"
#include "entity.h"
#include "store.h"
#include "util.h"

namespace crm::testing {

// An in-memory CRM database with a clock that the test moves by hand, and
// seeded ids, so every run sees the same timestamps and ids.
struct Fixture {
    Database db{":memory:"};
    Store store{db};
    int64_t now = *parse_datetime("2026-03-01T09:00:00Z");

    Fixture() {
        store.set_clock([this] { return now; });
        store.seed_ids(42);
    }
    void tick(int64_t ms = 1000) { now += ms; }

    std::string user(const char* name = "Ada Rep") {
        return store.create(kUsers, {{"name", name}, {"role", "sales_rep"}});
    }
    std::string account(const char* name = "Acme GmbH") {
        return store.create(kAccounts, {{"name", name}, {"country", "DE"}});
    }
    std::string contact(const char* first, const char* last, const std::string& account_id = "", const char* email = "") {
        Fields f{{"first_name", first}, {"last_name", last}, {"email", email}};
        if (!account_id.empty()) f.push_back({"account_id", account_id});
        return store.create(kContacts, f);
    }
};

// The message of the ValidationError a call throws ("" if it throws none).
template <class F> std::string validation_error(F&& f) {
    try {
        f();
    } catch (const ValidationError& e) {
        return e.what();
    }
    return "";
}

}  // namespace crm::testing
