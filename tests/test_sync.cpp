// test_sync.cpp - the merge, case by case: devices that edit offline and then
// exchange their change logs end with the same rows. Last writer wins per
// field; deletes, restores and erasures are writes; duplicates and reordered
// delivery change nothing; references to records not yet received fill in
// when they arrive; numbers made offline never collide; a conflict is shown.
#include <algorithm>

#include "sync/merge.h"
#include "base/hlc.h"
#include "exchange/privacy.h"
#include "records/views.h"
#include "storage/schema.h"
#include "workflows/cases.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

// One device: its own database and wall clock (set apart to test skew).
struct Device {
    Database db{":memory:"};
    Store store{db};
    int64_t now;
    int64_t pushed = 0;   // change-log seq sent so far
    explicit Device(int64_t skew_ms = 0, uint64_t seed = 1) : now(*parse_datetime("2026-03-01T09:00:00Z") + skew_ms) {
        store.set_clock([this] { return now; });
        store.seed_ids(seed);
    }
    void tick(int64_t ms = 1000) { now += ms; }
    std::string rows() { return all_rows(db); }
};

// The messages each device sent, in the order they arrived: a relay.
struct Relay {
    std::vector<Message> log;
    void push(Device& d) {
        Outgoing out = collect_outgoing(d.store, d.pushed, 1000000, SIZE_MAX);
        for (Message& m : out.messages) log.push_back(m);
        d.pushed = out.last_seq;
    }
    // Everything from other devices, as the server sends it.
    ApplyResult pull(Device& d) {
        std::vector<Message> in;
        for (const Message& m : log)
            if (m.device != d.store.device_id()) in.push_back(m);
        return apply_messages(d.store, in);
    }
    void sync(Device& d) {
        push(d);
        pull(d);
    }
};

bool health_check_ok(Database& db) { return health_check(db).empty(); }

std::string open_case_for_test(Store& s, const std::string& account, const std::string& contact = "") {
    Fields f{{"subject", "Printer on fire"}, {"account_id", account}};
    if (!contact.empty()) f.push_back({"contact_id", contact});
    return open_case(s, f);
}

}  // namespace

TEST_SUITE("sync") {

TEST_CASE("hlc: text form sorts like the stamp and round-trips; malformed text is refused") {
    int64_t h = hlc_from_millis(*parse_datetime("2026-11-30T08:00:00.123Z")) | 0x2A;
    std::string t = format_hlc(h, "0190abcd-0000-7000-8000-000000000001");
    CHECK(t == "2026-11-30T08:00:00.123Z-002A-0190abcd-0000-7000-8000-000000000001");
    int64_t back = 0;
    std::string dev;
    REQUIRE(parse_hlc(t, back, dev));
    CHECK(back == h);
    CHECK(dev == "0190abcd-0000-7000-8000-000000000001");
    CHECK(format_hlc(h + 1, "a") > format_hlc(h, "a"));
    CHECK(format_hlc(hlc_from_millis(*parse_datetime("2026-11-30T08:00:01Z")), "a") > format_hlc(h | 0xFFFF, "z"));
    for (const char* bad : {"", "2026-11-30T08:00:00.123Z", "2026-11-30T08:00:00.123Z-002a-dev", "2026-11-30T08:00:00Z-0001-dev",
                            "2026-13-30T08:00:00.123Z-0001-dev", "2026-11-30T08:00:00.123Z-0001-", "2026-11-30T08:00:00.123Z-0001-de v"})
        CHECK_FALSE(parse_hlc(bad, back, dev));
}

TEST_CASE("hlc: a clock that stutters or steps back still ticks forward; a received stamp moves it on; the counter carries") {
    HybridClock c;
    int64_t a = c.tick(1000), b = c.tick(1000), d = c.tick(900);
    CHECK(a < b);
    CHECK(b < d);
    CHECK(hlc_millis(d) == 1000);
    c.observe(hlc_from_millis(5000) | 7);
    CHECK(c.tick(1000) == (hlc_from_millis(5000) | 8));
    HybridClock big;
    int64_t last = 0;
    for (int i = 0; i < 70000; i++) last = big.tick(2000);   // one millisecond bucket overflows
    CHECK(hlc_millis(last) == 2001);
    CHECK(big.tick(2000) == last + 1);
}

TEST_CASE("a record created on one device arrives whole on the other, with its timestamps") {
    Device a, b(0, 2);
    Relay r;
    std::string acc = a.store.create(kAccounts, {{"name", "Acme"}, {"country", "DE"}, {"tier", "Gold"}});
    a.store.create(kContacts, {{"first_name", "Ana"}, {"last_name", "Silva"}, {"account_id", acc}, {"do_not_call", int64_t(1)}});
    r.sync(a);
    r.sync(b);
    CHECK(b.rows() == a.rows());
    CHECK(b.store.history(acc).size() == 1);
    CHECK(b.store.history(acc)[0].device_id == a.store.device_id());
    // Searchable there too: derived data follows the rows.
    CHECK(b.db.query_int("SELECT count(*) FROM search_index WHERE search_index MATCH 'silva'") == 1);
}

TEST_CASE("edits of different fields on two devices both stay; the same field goes to the later write on both, and the loss is recorded") {
    Device a, b(0, 2);
    Relay r;
    std::string id = a.store.create(kContacts, {{"last_name", "Silva"}});
    r.sync(a);
    r.sync(b);
    a.tick();
    b.tick(2000);
    // Both verify the record as they edit it (the app's forms do): that is no lost edit.
    a.store.update(kContacts, id, {{"city", "Lyon"}, {"email", "ana@a.example"}, {"verified_at", format_datetime(a.store.now_ms())}});
    b.store.update(kContacts, id, {{"phone", "+33 1 23 45 67 89"}, {"email", "ana@b.example"}, {"verified_at", format_datetime(b.store.now_ms())}});   // later: wins
    r.sync(a);
    r.sync(b);
    r.sync(a);
    CHECK(a.rows() == b.rows());
    Record c = a.store.must_get(kContacts, id);
    CHECK(c.text("city") == "Lyon");
    CHECK(c.text("phone") == "+33 1 23 45 67 89");
    CHECK(c.text("email") == "ana@b.example");
    CHECK(c.text("verified_at") == format_datetime(b.store.now_ms()));
    for (Device* d : {&a, &b}) {
        auto lost = conflicts_of(d->store, id);
        REQUIRE(lost.size() == 1);
        CHECK(lost[0].field == "email");
        CHECK(value_to_text(lost[0].lost_value) == "ana@a.example");
        CHECK(lost[0].lost_device == a.store.device_id());
        CHECK(lost[0].won_device == b.store.device_id());
    }
    // A later edit that had seen the other's value is not a conflict.
    a.tick(5000);
    a.store.update(kContacts, id, {{"email", "ana@c.example"}});
    r.sync(a);
    r.sync(b);
    CHECK(conflicts_of(b.store, id).size() == 1);
    CHECK(b.store.must_get(kContacts, id).text("email") == "ana@c.example");
}

TEST_CASE("a device whose clock is behind still orders its edit after what it has seen") {
    Device a, b(-3600000, 2);   // b's clock is an hour behind
    Relay r;
    std::string id = a.store.create(kAccounts, {{"name", "Acme"}});
    a.store.update(kAccounts, id, {{"city", "Paris"}});
    r.sync(a);
    r.sync(b);
    b.store.update(kAccounts, id, {{"city", "Nice"}});   // made after seeing Paris, an hour "earlier" by its wall clock
    r.sync(b);
    r.sync(a);
    CHECK(a.store.must_get(kAccounts, id).text("city") == "Nice");
    CHECK(a.rows() == b.rows());
    CHECK(conflicts_of(a.store, id).empty());
}

TEST_CASE("delete against a concurrent edit, both ways round: the record stays deleted with the edit kept; a restore brings it back") {
    for (int order = 0; order < 2; order++) {
        CAPTURE(order);
        Device a, b(0, 2);
        Relay r;
        std::string id = a.store.create(kContacts, {{"last_name", "Silva"}, {"city", "Porto"}});
        r.sync(a);
        r.sync(b);
        a.tick(order == 0 ? 1000 : 3000);
        b.tick(order == 0 ? 3000 : 1000);
        a.store.remove(kContacts, id);
        b.store.update(kContacts, id, {{"city", "Lisboa"}});
        r.sync(a);
        r.sync(b);
        r.sync(a);
        CHECK(a.rows() == b.rows());
        auto rec = a.store.get(kContacts, id, true);
        REQUIRE(rec);
        CHECK(rec->deleted);
        CHECK(rec->text("city") == "Lisboa");
        b.tick(10000);
        b.store.restore(kContacts, id);
        r.sync(b);
        r.sync(a);
        CHECK(a.store.must_get(kContacts, id).text("city") == "Lisboa");
        CHECK(a.rows() == b.rows());
    }
}

TEST_CASE("messages delivered twice, in reverse, or a field before its record: the same rows") {
    Device a, b(0, 2), c(0, 3);
    std::string acc = a.store.create(kAccounts, {{"name", "Acme"}});
    a.tick();
    std::string ct = a.store.create(kContacts, {{"last_name", "Silva"}, {"account_id", acc}});
    a.tick();
    a.store.update(kContacts, ct, {{"city", "Porto"}});
    a.store.update(kAccounts, acc, {{"tier", "Gold"}});
    a.tick();
    a.store.remove(kContacts, ct);
    std::vector<Message> msgs = collect_outgoing(a.store, 0, 1000, SIZE_MAX).messages;
    REQUIRE(msgs.size() == 5);
    ApplyResult first = apply_messages(b.store, msgs);
    CHECK(first.applied == 5);
    ApplyResult again = apply_messages(b.store, msgs);
    CHECK(again.applied == 0);
    CHECK(again.duplicates == 5);
    std::reverse(msgs.begin(), msgs.end());   // the contact's edits before the contact, the contact before its account
    apply_messages(c.store, msgs);
    CHECK(b.rows() == a.rows());
    CHECK(c.rows() == a.rows());
    CHECK(c.db.query_int("SELECT count(*) FROM sync_dangling") == 0);
    CHECK(health_check_ok(c.db));
}

TEST_CASE("a reference to a record not received yet is NULL, then filled in when it arrives") {
    Device a, b(0, 2);
    std::string acc = a.store.create(kAccounts, {{"name", "Acme"}});
    std::string ct = a.store.create(kContacts, {{"last_name", "Silva"}, {"account_id", acc}});
    std::vector<Message> msgs = collect_outgoing(a.store, 0, 1000, SIZE_MAX).messages;
    apply_messages(b.store, {msgs[1]});
    CHECK(b.store.must_get(kContacts, ct).text("account_id") == "");
    CHECK(b.db.query_int("SELECT count(*) FROM sync_dangling") == 1);
    CHECK(b.db.query_int("SELECT count(*) FROM pragma_foreign_key_check") == 0);
    apply_messages(b.store, {msgs[0]});
    CHECK(b.store.must_get(kContacts, ct).text("account_id") == acc);
    CHECK(b.db.query_int("SELECT count(*) FROM sync_dangling") == 0);
    // The search index knows the company the contact now has.
    CHECK(b.db.query_int("SELECT count(*) FROM search_index WHERE search_index MATCH 'company:acme'") == 1);
}

TEST_CASE("order totals follow the merged lines: lines added on two devices sum on both") {
    Device a, b(0, 2);
    Relay r;
    std::string acc = a.store.create(kAccounts, {{"name", "Acme"}});
    std::string prod = a.store.create(kProducts, {{"name", "Widget"}, {"price", int64_t(500)}});
    std::string order = a.store.create(kOrders, {{"account_id", acc}, {"ordered_at", "2026-02-03T10:00:00Z"}});
    r.sync(a);
    r.sync(b);
    a.store.create(kOrderLines, {{"order_id", order}, {"product_id", prod}, {"quantity", int64_t(2)}, {"unit_price", int64_t(500)}});
    std::string lb = b.store.create(kOrderLines, {{"order_id", order}, {"product_id", prod}, {"quantity", int64_t(1)}, {"unit_price", int64_t(300)}});
    r.sync(a);
    r.sync(b);
    r.sync(a);
    CHECK(a.store.must_get(kOrders, order).integer("total") == 1300);
    CHECK(a.rows() == b.rows());
    b.store.update(kOrderLines, lb, {{"quantity", int64_t(3)}});
    r.sync(b);
    r.sync(a);
    CHECK(a.store.must_get(kOrders, order).integer("total") == 1900);
}

TEST_CASE("case numbers made offline on two devices never collide: the greater id gives way, the same on every device") {
    Device a, b(0, 2), c(0, 3);
    Relay r;
    std::string acc = a.store.create(kAccounts, {{"name", "Acme"}});
    r.sync(a);
    r.sync(b);
    std::string ca = open_case_for_test(a.store, acc), cb = open_case_for_test(b.store, acc);
    CHECK(a.store.must_get(kCases, ca).text("number") == "CAS-00001");
    CHECK(b.store.must_get(kCases, cb).text("number") == "CAS-00001");
    r.sync(a);
    r.sync(b);
    r.sync(a);
    r.sync(c);
    CHECK(a.rows() == b.rows());
    CHECK(c.rows() == a.rows());
    std::string keeps = std::min(ca, cb), gives = std::max(ca, cb);
    CHECK(a.store.must_get(kCases, keeps).text("number") == "CAS-00001");
    CHECK(a.store.must_get(kCases, gives).text("number") == "CAS-00001-" + gives.substr(gives.size() - 4));
}

TEST_CASE("numbers from a leased block: two devices with their own blocks number offline without collisions") {
    Device a, b(0, 2);
    Relay r;
    std::string acc = a.store.create(kAccounts, {{"name", "Acme"}});
    r.sync(a);
    r.sync(b);
    a.store.set_setting("local.lease.cases", "101 200");
    b.store.set_setting("local.lease.cases", "201 300");
    std::string x = open_case_for_test(a.store, acc), y = open_case_for_test(b.store, acc), z = open_case_for_test(b.store, acc);
    CHECK(a.store.must_get(kCases, x).text("number") == "CAS-00101");
    CHECK(b.store.must_get(kCases, y).text("number") == "CAS-00201");
    CHECK(b.store.must_get(kCases, z).text("number") == "CAS-00202");
    CHECK(b.store.setting("local.lease.cases") == "203 300");
    // An exhausted block falls back to counting on from the highest number used here.
    a.store.set_setting("local.lease.cases", "");
    std::string w = open_case_for_test(a.store, acc);
    CHECK(a.store.must_get(kCases, w).text("number") == "CAS-00102");
}

TEST_CASE("an erasure wins: the person goes on every device, and edits made meanwhile are dropped") {
    Device a, b(0, 2);
    Relay r;
    std::string acc = a.store.create(kAccounts, {{"name", "Acme"}});
    std::string ct = a.store.create(kContacts, {{"last_name", "Silva"}, {"email", "ana@example.com"}, {"account_id", acc}});
    std::string act = a.store.create(kActivities, {{"type", "call"}, {"occurred_at", "2026-02-01T10:00:00Z"}, {"contact_id", ct}});
    std::string cs = open_case_for_test(a.store, acc, ct);
    r.sync(a);
    r.sync(b);
    b.tick(5000);
    b.store.update(kContacts, ct, {{"city", "Porto"}});   // concurrent with the erasure
    a.tick(1000);
    erase_person(a.store, ct);
    r.sync(a);
    r.sync(b);
    r.sync(a);
    CHECK(a.rows() == b.rows());
    for (Device* d : {&a, &b}) {
        CHECK(!d->store.get(kContacts, ct, true));
        CHECK(!d->store.get(kActivities, act, true));
        CHECK(d->store.must_get(kCases, cs).text("contact_id") == "");   // business records stay, without the person
        CHECK(d->db.query_int("SELECT count(*) FROM change_log WHERE record_id = crm_id_key('" + ct + "') AND field <> 'erased'") == 0);
        CHECK(health_check_ok(d->db));
    }
}

TEST_CASE("an erasure of the newest records is sent too: log numbers are never given twice") {
    Device a, b(0, 2);
    Relay r;
    std::string ct = a.store.create(kContacts, {{"last_name", "Silva"}});
    a.store.update(kContacts, ct, {{"city", "Porto"}});   // the newest rows of the log
    r.sync(a);
    r.sync(b);
    int64_t newest = a.db.query_int("SELECT max(seq) FROM change_log");
    erase_person(a.store, ct);   // deletes those rows, then logs the erasure
    CHECK(a.db.query_int("SELECT seq FROM change_log WHERE field = 'erased'") > newest);
    r.sync(a);
    r.sync(b);
    CHECK(!b.store.get(kContacts, ct, true));
}

TEST_CASE("shared settings sync by last writer; a device's own settings never leave it") {
    Device a, b(0, 2);
    Relay r;
    a.store.set_setting("cases.queue.Gold", "q1");
    a.store.set_setting("ui.theme", "dark");
    b.tick();
    b.store.set_setting("cases.queue.Gold", "q2");
    r.sync(a);
    r.sync(b);
    r.sync(a);
    CHECK(a.store.setting("cases.queue.Gold") == "q2");
    CHECK(b.store.setting("cases.queue.Gold") == "q2");
    CHECK(b.store.setting("ui.theme") == "");
}

TEST_CASE("a message of a newer schema is kept, not lost, and applied once this build knows its field") {
    Device a, b(0, 2);
    std::string id = a.store.create(kContacts, {{"last_name", "Silva"}});
    std::vector<Message> msgs = collect_outgoing(a.store, 0, 100, SIZE_MAX).messages;
    Message future = msgs[0];
    future.hlc += 10;
    future.field = "loyalty_level";
    future.value = "platinum";
    future.at = "2026-03-01T09:00:01.000Z";
    Message rec_future = msgs[0];
    rec_future.value["loyalty_level"] = "gold";
    Message alien = msgs[0];
    alien.hlc += 11;
    alien.entity = "contracts";
    ApplyResult res = apply_messages(b.store, {rec_future, future, alien});
    CHECK(res.pending == 3);
    CHECK(b.store.must_get(kContacts, id).text("last_name") == "Silva");   // the known part applies now
    CHECK(b.db.query_int("SELECT count(*) FROM sync_pending") == 3);
    // Nothing here knows them yet: they stay.
    apply_pending(b.store);
    CHECK(b.db.query_int("SELECT count(*) FROM sync_pending") == 3);
    // A pending message of a field this build knows (as after an upgrade) is applied and leaves the queue.
    Message known = msgs[0];
    known.hlc += 20;
    known.field = "city";
    known.value = "Porto";
    known.at = "2026-03-01T09:00:02.000Z";
    b.db.prepare("INSERT INTO sync_pending(message) VALUES (?)")
        .bind_all(nlohmann::json({{"partial", false}, {"message", message_to_json(known)}}).dump())
        .run();
    apply_pending(b.store);
    CHECK(b.store.must_get(kContacts, id).text("city") == "Porto");
    CHECK(b.db.query_int("SELECT count(*) FROM sync_pending") == 3);
}

TEST_CASE("a bad message refuses its whole batch and changes nothing") {
    Device a, b(0, 2);
    a.store.create(kAccounts, {{"name", "Acme"}});
    std::string id = a.store.create(kContacts, {{"last_name", "Silva"}});
    a.store.update(kContacts, id, {{"city", "Porto"}});
    std::vector<Message> msgs = collect_outgoing(a.store, 0, 100, SIZE_MAX).messages;
    std::string before = b.db.serialize();
    std::vector<std::pair<std::string, std::function<void(Message&)>>> bad = {
        {"must be a whole number", [](Message& m) { m.field = "employees"; m.entity = "accounts"; m.value = "many"; }},
        {"must be text", [](Message& m) { m.value = 12; }},
        {"never sent", [](Message& m) { m.entity = "orders"; m.field = "total"; m.value = 5; }},
        {"must be true or false", [](Message& m) { m.field = "deleted"; m.value = "yes"; }},
        {"device's own setting", [](Message& m) { m.entity = "settings"; m.id = "sync.token"; m.field = "value"; m.value = "x"; }},
        {"must be a record id", [](Message& m) { m.field = "account_id"; m.value = ""; }},
    };
    for (auto& item : bad) {
        const std::string& what = item.first;
        auto& spoil = item.second;
        CAPTURE(what);
        std::vector<Message> batch = msgs;
        spoil(batch.back());
        CHECK_THROWS_WITH_AS(apply_messages(b.store, batch), doctest::Contains(what.c_str()), SyncError);
        CHECK(b.db.serialize() == before);
    }
    CHECK_THROWS_WITH_AS(message_from_json(nlohmann::json::parse(R"({"hlc":"yesterday","entity":"contacts","id":"x","field":"city","value":"y","at":"2026-01-01T00:00:00Z"})"), "messages[0]"),
                         doctest::Contains("messages[0].hlc"), SyncError);
    CHECK_THROWS_WITH_AS(message_from_json(nlohmann::json::parse(R"({"hlc":"2026-11-30T08:00:00.000Z-0001-d","entity":"contacts","id":"x","field":"city","value":"y"})"), "messages[0]"),
                         doctest::Contains("messages[0].at: is missing"), SyncError);
}

TEST_CASE("the existing log of a database from before sync gets stamps that keep each device's own order") {
    Database db(":memory:");
    migrate(db, 4);
    db.exec("INSERT INTO devices(n, id) VALUES (1, 'dev-a'), (2, 'dev-b')");
    // dev-a's clock stepped back between its second and third write.
    db.exec("INSERT INTO change_log(entity, record_id, field, value, at, device) VALUES "
            "('contacts', 'r1', '*', NULL, 5000, 1), ('contacts', 'r1', 'city', 'A', 5000, 1), ('contacts', 'r1', 'city', 'B', 4000, 1),"
            "('contacts', 'r2', '*', NULL, 4500, 2)");
    migrate(db);
    Statement st = db.prepare("SELECT hlc FROM change_log WHERE device = 1 ORDER BY seq");
    std::vector<int64_t> h;
    while (st.step()) h.push_back(st.column_int(0));
    REQUIRE(h.size() == 3);
    CHECK(h[0] == hlc_from_millis(5000));
    CHECK(h[1] == h[0] + 1);
    CHECK(h[2] == h[1] + 1);
    CHECK(db.query_int("SELECT hlc FROM change_log WHERE device = 2") == hlc_from_millis(4500));
    // The rows keep their numbers, and a number is never given again.
    CHECK(db.query_int("SELECT group_concat(seq) = '1,2,3,4' FROM (SELECT seq FROM change_log ORDER BY seq)") == 1);
    db.exec("DELETE FROM change_log WHERE seq = 4; INSERT INTO change_log(entity, record_id, field, at, device) VALUES ('contacts', 'r3', '*', 6000, 1)");
    CHECK(db.query_int("SELECT max(seq) FROM change_log") == 5);
}

}  // TEST_SUITE
