// test_demo.cpp - the demo generator: deterministic, consistent with the
// workflows, realistic, and all-or-nothing.
#include <set>

#include "demo/demo.h"
#include "records/search.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

const int64_t kNow = kDemoNow;

}  // namespace

TEST_SUITE("demo") {

TEST_CASE("the same seed gives the same database; another seed another") {
    DemoDb a(300, 11), b(300, 11), c(300, 12);
    CHECK(content_digest(a.db) == content_digest(b.db));
    CHECK(content_digest(a.db) != content_digest(c.db));
    // Printed so scripts/test.sh can compare the native and wasm builds.
    MESSAGE("demo digest (300 contacts, seed 11): " << content_digest(a.db));
}

TEST_CASE("sizes follow the requested number of contacts") {
    DemoDb d(1000);
    CHECK(d.sum.contacts == 1000);
    CHECK(d.store.count(kContacts) == 1000);
    CHECK(d.sum.accounts == 200);
    CHECK(d.sum.leads == 300);
    CHECK(d.sum.opportunities >= 250);
    CHECK(d.sum.orders >= 1000);
    CHECK(d.sum.activities >= 5000);
    CHECK(d.sum.cases == 200);
    CHECK(d.sum.tasks == 300);
    CHECK(d.store.count(kOrderLines) == d.sum.order_lines);
}

TEST_CASE("the data is consistent with the workflows") {
    DemoDb d(800);
    CHECK(d.db.query_text("PRAGMA integrity_check") == "ok");
    CHECK(d.q("SELECT count(*) FROM pragma_foreign_key_check") == 0);
    std::string now = format_datetime(kNow), start = format_datetime(kNow - 3 * 365 * 86400000LL);

    // History spans three years and nothing lies in the future.
    for (const EntitySpec* e : all_entities()) {
        CAPTURE(std::string(e->table));
        CHECK(d.q(std::string("SELECT count(*) FROM ") + e->table + " WHERE created_at > '" + now + "' OR updated_at < created_at") == 0);
    }
    CHECK(d.q("SELECT count(*) FROM activities WHERE occurred_at > '" + now + "' OR occurred_at < '" + start + "'") == 0);
    CHECK(d.q("SELECT count(*) FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.created_at < a.created_at") == 0);

    // Leads: every status occurs; converted ones point at what they became.
    for (const char* st : {"new", "assigned", "qualified", "converted", "disqualified"}) {
        CAPTURE(std::string(st));
        CHECK(d.q(std::string("SELECT count(*) FROM leads WHERE status = '") + st + "'") > 0);
    }
    CHECK(d.q("SELECT count(*) FROM leads WHERE status = 'converted' AND (converted_account_id IS NULL OR converted_contact_id IS NULL "
              "OR converted_opportunity_id IS NULL OR converted_at = '')") == 0);
    CHECK(d.q("SELECT count(*) FROM leads l JOIN opportunities o ON o.id = l.converted_opportunity_id WHERE o.lead_id <> l.id") == 0);
    CHECK(d.q("SELECT count(*) FROM leads WHERE status = 'disqualified' AND disqualify_reason = ''") == 0);

    // Opportunities: open ones in the pipeline stages, closed ones stamped; won ones became orders.
    for (const char* st : {"qualify", "develop", "propose", "won", "lost"}) {
        CAPTURE(std::string(st));
        CHECK(d.q(std::string("SELECT count(*) FROM opportunities WHERE stage = '") + st + "'") > 0);
    }
    CHECK(d.q("SELECT count(*) FROM opportunities WHERE stage IN ('won','lost') AND closed_at = ''") == 0);
    CHECK(d.q("SELECT count(*) FROM opportunities WHERE stage = 'won' AND probability <> 100") == 0);
    CHECK(d.q("SELECT count(*) FROM opportunities WHERE stage = 'lost' AND lost_reason = ''") == 0);
    CHECK(d.q("SELECT count(*) FROM opportunities o WHERE stage = 'won' AND NOT EXISTS (SELECT 1 FROM orders WHERE opportunity_id = o.id)") == 0);
    // Stage history is in the change log.
    CHECK(d.q("SELECT count(*) FROM change_log WHERE entity = 'opportunities' AND field = 'stage'") > 0);

    // Orders: totals equal their lines.
    CHECK(d.q("SELECT count(*) FROM orders o WHERE total <> (SELECT coalesce(sum(line_total), 0) FROM order_lines WHERE order_id = o.id AND deleted = 0)") == 0);
    CHECK(d.q("SELECT count(*) FROM orders WHERE status = 'delivered' AND delivered_at < ordered_at") == 0);

    // Cases: numbered, most resolved, both met and breached SLAs, escalations and reopenings.
    CHECK(d.q("SELECT count(DISTINCT number) FROM cases") == d.q("SELECT count(*) FROM cases"));
    CHECK(d.q("SELECT count(*) FROM cases WHERE number NOT LIKE 'CAS-_____'") == 0);
    CHECK(d.q("SELECT count(*) FROM cases WHERE status = 'resolved' AND resolved_at = ''") == 0);
    CHECK(d.q("SELECT count(*) FROM cases WHERE resolved_at <> '' AND resolved_at <= resolution_due_at") > 0);
    CHECK(d.q("SELECT count(*) FROM cases WHERE resolved_at > resolution_due_at") > 0);
    CHECK(d.q("SELECT count(*) FROM cases WHERE first_response_at > response_due_at") > 0);
    CHECK(d.q("SELECT count(*) FROM cases WHERE line = 2") > 0);
    CHECK(d.q("SELECT count(*) FROM change_log WHERE entity = 'cases' AND field = 'status' AND value = 'reopened'") > 0);
    CHECK(d.q("SELECT count(*) FROM cases WHERE status NOT IN ('resolved', 'closed')") > 0);
    CHECK(d.q("SELECT count(*) FROM cases WHERE first_owner_id IS NULL") == 0);

    // Activities on every channel; tasks overdue, done and upcoming.
    for (const char* t : {"call", "email", "meeting", "note", "chat", "visit", "web_form", "sms"}) {
        CAPTURE(std::string(t));
        CHECK(d.q(std::string("SELECT count(*) FROM activities WHERE type = '") + t + "'") > 0);
    }
    CHECK(d.q("SELECT count(*) FROM tasks WHERE done = 1") > 0);
    CHECK(d.q("SELECT count(*) FROM tasks WHERE done = 0 AND due_at < '" + now + "'") > 0);
    CHECK(d.q("SELECT count(*) FROM tasks WHERE done = 0 AND due_at > '" + now + "'") > 0);
    // Campaigns in every state, and leads that came from them.
    CHECK(d.q("SELECT count(DISTINCT status) FROM campaigns") == 3);
    CHECK(d.q("SELECT count(*) FROM leads WHERE campaign_id IS NOT NULL") > 0);
}

TEST_CASE("names, addresses and scripts are realistic") {
    DemoDb d(1500);
    CHECK(d.q("SELECT count(DISTINCT country) FROM contacts") >= 10);
    // Latin with accents, Cyrillic and CJK names are all present and searchable.
    CHECK(d.q("SELECT count(*) FROM contacts WHERE country = 'RU' AND last_name GLOB '*[А-я]*'") > 0);
    CHECK(d.q("SELECT count(*) FROM contacts WHERE country = 'JP' AND unicode(last_name) > 0x4E00") > 0);
    CHECK(d.q("SELECT count(*) FROM contacts WHERE last_name IN ('Müller', 'Lefèvre', 'Wiśniewski', 'Núñez')") > 0);
    CHECK(!search(d.db, "Müller").empty());
    // E-mails are valid and unique per person; phones carry the country code.
    CHECK(d.q("SELECT count(*) FROM contacts WHERE email NOT LIKE '%_@_%._%'") == 0);
    CHECK(d.q("SELECT count(*) FROM contacts WHERE country = 'DE' AND phone NOT LIKE '+49 %'") == 0);
    CHECK(d.q("SELECT count(*) FROM contacts WHERE email GLOB '*[^ -~]*'") == 0);  // ASCII only
    // Some contacts opted out or must not be called: campaigns have something to skip.
    CHECK(d.q("SELECT count(*) FROM contacts WHERE do_not_call = 1") > 0);
    CHECK(d.q("SELECT count(*) FROM contacts WHERE opt_out_offers = 1") > 0);
}

TEST_CASE("a cancelled generation writes nothing") {
    Database db(":memory:");
    Store store(db);
    DemoOptions o;
    o.contacts = 2000;
    o.now_ms = kNow;
    int calls = 0;
    double last = 0;
    bool monotonic = true;
    o.progress = [&](double f, const char*) {
        monotonic &= f >= last;
        last = f;
        return ++calls < 10;
    };
    CHECK_THROWS_AS(generate_demo(store, o), DemoCancelled);
    CHECK(calls == 10);
    CHECK(monotonic);
    CHECK(db.query_int("SELECT count(*) FROM contacts") == 0);
    CHECK(db.query_int("SELECT count(*) FROM change_log") == 0);
    // The store keeps working afterwards, with real time.
    std::string id = store.create(kContacts, {{"last_name", "After"}});
    CHECK(store.must_get(kContacts, id).created_at > "2026-11-01");

}  // TEST_SUITE

TEST_CASE("run a slice at a time (as the browser app does), it writes the same data; stopped midway, nothing") {
    DemoDb whole(300, 11);
    Database db(":memory:");
    Store store(db);
    DemoOptions o;
    o.contacts = 300;
    o.seed = 11;
    o.now_ms = kNow;
    {
        DemoRun run(store, o);
        int slices = 0;
        double last = 0;
        bool monotonic = true;
        while (!run.step(0)) {
            slices++;
            monotonic &= run.fraction() >= last;
            last = run.fraction();
        }
        CHECK(slices > 10);   // it really yields, a few hundred records at a time
        CHECK(monotonic);
        CHECK(run.fraction() == 1.0);
        CHECK(std::string(run.phase()) == "done");
        CHECK(run.summary().contacts == 300);
    }
    CHECK(content_digest(db) == content_digest(whole.db));

    Database db2(":memory:");
    Store store2(db2);
    {
        DemoRun run(store2, o);
        for (int i = 0; i < 5; i++) REQUIRE_FALSE(run.step(0));
        CHECK(db2.query_int("SELECT count(*) FROM contacts") > 0);  // visible inside the open transaction
    }  // destroyed unfinished: a cancel
    CHECK(db2.query_int("SELECT count(*) FROM contacts") == 0);
    CHECK(db2.query_int("SELECT count(*) FROM users") == 0);
    CHECK(db2.query_int("SELECT count(*) FROM change_log") == 0);
    std::string id = store2.create(kContacts, {{"last_name", "After"}});
    CHECK(store2.must_get(kContacts, id).created_at > "2026-11-01");
}

}  // TEST_SUITE
