// testing.h - shared fixtures for the core suites.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <streambuf>
#include <string>

#include "storage/db.h"
#include "demo/demo.h"
#include "records/entity.h"
#include "records/store.h"
#include "base/util.h"
#include "sync/merge.h"

namespace crm::testing {

// A whole number from the environment (CRM_SYNC_SEEDS=...), or the fallback.
inline int64_t env_int(const char* name, int64_t fallback) {
    const char* v = getenv(name);
    return v && *v ? std::atoll(v) : fallback;
}

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

// An in-memory database with demo data: `contacts` contacts from `seed`, on
// a fixed clock (2026-11-01T12:00:00Z), so every run sees the same data.
inline const int64_t kDemoNow = *parse_datetime("2026-11-01T12:00:00Z");
struct DemoDb {
    Database db{":memory:"};
    Store store{db};
    DemoSummary sum;
    explicit DemoDb(int64_t contacts = 600, uint64_t seed = 7) {
        DemoOptions o;
        o.contacts = contacts;
        o.seed = seed;
        o.now_ms = kDemoNow;
        sum = generate_demo(store, o);
    }
    int64_t q(const std::string& sql) { return db.query_int(sql); }
};

// Every row of every entity table, in id order, and the shared settings:
// what a round trip must keep and what replicas that synced must agree on.
// Everything `from` holds that `to` has not (every device's messages but
// `to`'s own), applied to `to` as a sync would.
inline void relay_all(Store& from, Store& to) {
    std::vector<Message> in;
    for (const Message& m : collect_outgoing(from, 0, 1000000, SIZE_MAX, true).messages)
        if (m.device != to.device_id()) in.push_back(m);
    apply_messages(to, in);
}

inline std::string all_rows(Database& db) {
    std::string out;
    for (const EntitySpec* e : all_entities()) {
        Statement st = db.prepare("SELECT " + column_list(*e) + " FROM " + e->table + " ORDER BY id");
        while (st.step()) {
            out += e->table;
            for (int i = 0; i < st.column_count(); i++) out += "|" + value_to_text(st.column_value(i));
            out += "\n";
        }
    }
    Statement st = db.prepare("SELECT key, value FROM settings ORDER BY key");
    while (st.step())
        if (!is_local_setting(st.column_text(0))) out += "setting|" + st.column_text(0) + "|" + st.column_text(1) + "\n";
    return out;
}

// A stream of `head`, then `n` bytes of `fill`, then `tail`, made as it is
// read: a 100 MB line without 100 MB in memory.
struct LongStream : std::streambuf {
    std::string head, tail;
    char fill;
    size_t left;
    int part = 0;   // 0 head, 1 fill, 2 tail, 3 end
    char buf[1 << 16];
    LongStream(std::string h, char f, size_t n, std::string t) : head(std::move(h)), tail(std::move(t)), fill(f), left(n) {}
    int_type underflow() override {
        size_t len = 0;
        if (part == 0) { len = std::min(head.size(), sizeof buf); memcpy(buf, head.data(), len); head.erase(0, len); if (head.empty()) part = 1; }
        else if (part == 1) { len = std::min(left, sizeof buf); memset(buf, fill, len); left -= len; if (!left) part = 2; }
        else if (part == 2) { len = std::min(tail.size(), sizeof buf); memcpy(buf, tail.data(), len); tail.erase(0, len); if (tail.empty()) part = 3; }
        if (!len) return part == 3 ? traits_type::eof() : underflow();
        setg(buf, buf, buf + len);
        return traits_type::to_int_type(buf[0]);
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
