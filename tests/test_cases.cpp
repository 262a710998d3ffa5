// test_cases.cpp - the case lifecycle with its SLA clock: tier targets (and
// edited ones), routing by tier, type and skill to the least-loaded rep,
// first response, escalation to the second line, resolution, reopening to the
// first owner with the clock stopped while resolved, "% within target" per
// queue, and knowledge-base suggestions.
#include "workflows/cases.h"
#include <map>
#include "records/search.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

const int64_t kMinute = 60000, kHour = 60 * kMinute;

struct Service : Fixture {
    std::string gold, bronze, billing, tech1, tech2, key, amy, bo, cat, dan;
    Service() {
        gold = store.create(kAccounts, {{"name", "Gold Co"}, {"tier", "Gold"}});
        bronze = store.create(kAccounts, {{"name", "Bronze Co"}, {"tier", "Bronze"}});
        billing = store.create(kQueues, {{"name", "Billing"}, {"line", int64_t(1)}, {"case_types", "question,request"}, {"skills", "billing"}});
        tech1 = store.create(kQueues, {{"name", "Technical"}, {"line", int64_t(1)}, {"case_types", "problem, maintenance"}, {"skills", "hardware,software"}});
        tech2 = store.create(kQueues, {{"name", "Technical 2nd line"}, {"line", int64_t(2)}, {"case_types", "problem"}, {"skills", "network"}});
        key = store.create(kQueues, {{"name", "Key accounts"}, {"line", int64_t(1)}, {"case_types", "problem,question,complaint"}});
        store.set_setting("cases.queue.Gold", key);   // Gold customers go to Key accounts
        auto rep = [&](const char* name, const char* skills, int64_t line) {
            return store.create(kUsers, {{"name", name}, {"role", "service_rep"}, {"skills", skills}, {"line", line}});
        };
        amy = rep("Amy", "billing", 1);
        bo = rep("Bo", "hardware", 1);
        cat = rep("Cat", "software,hardware", 1);
        dan = rep("Dan", "network", 2);
    }
    std::string open(const std::string& account, const char* type = "problem", const char* priority = "normal") {
        return open_case(store, {{"subject", "Printer jams on tray 2"}, {"type", type}, {"priority", priority}, {"account_id", account}});
    }
    Record get(const std::string& id) { return store.must_get(kCases, id); }
};

}  // namespace

TEST_SUITE("cases") {

TEST_CASE("opening a case numbers it, starts the SLA clock from the tier table, and routes it") {
    Service s;
    std::string id = s.open(s.gold, "problem", "normal");
    Record c = s.get(id);
    CHECK(c.text("number") == "CAS-00001");
    CHECK(c.text("tier") == "Gold");
    SlaTarget t = default_sla_target("Gold", "normal");   // 1 hour response, as the tier table's e-mail response
    CHECK(t.response_minutes == 60);
    CHECK(c.text("response_due_at") == format_datetime(s.now + 60 * kMinute));
    CHECK(c.text("resolution_due_at") == format_datetime(s.now + t.resolution_minutes * kMinute));
    CHECK(c.text("queue_id") == s.key);     // the Gold tier's queue
    CHECK(!c.text("owner_id").empty());
    CHECK(c.text("first_owner_id") == c.text("owner_id"));
    CHECK(s.db.query_int("SELECT count(*) FROM activities WHERE case_id = '" + id + "' AND subject LIKE 'Case CAS-00001 opened%'") == 1);
    // Bronze gets the slower targets.
    Record b = s.get(s.open(s.bronze, "question", "normal"));
    CHECK(b.text("response_due_at") == format_datetime(s.now + 24 * 60 * kMinute));
    CHECK(b.text("queue_id") == s.billing);
    CHECK(b.text("owner_id") == s.amy);   // the only rep with the billing skill
}

TEST_CASE("edited SLA targets replace the defaults; the tier's queue takes its customers") {
    Service s;
    s.store.create(kSlaTargets, {{"tier", "Gold"}, {"priority", "urgent"}, {"response_minutes", int64_t(5)}, {"resolution_minutes", int64_t(120)}});
    Record c = s.get(s.open(s.gold, "problem", "urgent"));
    CHECK(c.text("response_due_at") == format_datetime(s.now + 5 * kMinute));
    CHECK(c.text("resolution_due_at") == format_datetime(s.now + 120 * kMinute));
    CHECK(c.text("queue_id") == s.key);
    Record b = s.get(s.open(s.bronze, "problem"));
    CHECK(b.text("queue_id") == s.tech1);   // other tiers: by case type, not to Key accounts
    CHECK((b.text("owner_id") == s.bo || b.text("owner_id") == s.cat));   // a rep with the queue's skills
}

TEST_CASE("routing balances the load between reps with the skill") {
    Service s;
    std::map<std::string, int> n;
    for (int i = 0; i < 6; i++) {
        s.tick();
        n[s.get(s.open(s.bronze, "maintenance")).text("owner_id")]++;
    }
    CHECK(n[s.bo] == 3);
    CHECK(n[s.cat] == 3);
    CHECK(n[s.amy] == 0);
}

TEST_CASE("escalate to the second line, resolve, reopen back to the first owner with the clock stopped while resolved") {
    Service s;
    s.store.set_setting("cases.queue.Gold", "");
    std::string id = s.open(s.gold);
    std::string first = s.get(id).text("owner_id"), first_queue = s.get(id).text("queue_id");
    s.tick(10 * kMinute);
    respond_to_case(s.store, id);
    Record c = s.get(id);
    CHECK(c.text("status") == "in_progress");
    CHECK(c.text("first_response_at") == format_datetime(s.now));
    CHECK(sla_status(c, s.now).response_met);

    s.tick(kHour);
    escalate_case(s.store, id);
    c = s.get(id);
    CHECK(c.integer("line") == 2);
    CHECK(c.text("status") == "escalated");
    CHECK(c.text("queue_id") == s.tech2);
    CHECK(c.text("owner_id") == s.dan);
    CHECK(validation_error([&] { escalate_case(s.store, id); }) == "cases.line: the case is already with the second line");

    CHECK(validation_error([&] { resolve_case(s.store, id, " "); }) == "cases.resolution: is required to resolve a case");
    s.tick(kHour);
    resolve_case(s.store, id, "Replaced the pickup roller");
    c = s.get(id);
    CHECK(c.text("status") == "resolved");
    std::string due_before = c.text("resolution_due_at");
    CHECK(sla_status(c, s.now).resolution_met);

    s.tick(3 * 24 * kHour);   // three days resolved: the clock is stopped
    reopen_case(s.store, id);
    c = s.get(id);
    CHECK(c.text("status") == "reopened");
    CHECK(c.text("owner_id") == first);       // back to the first owner
    CHECK(c.integer("line") == 1);
    CHECK(c.text("queue_id") == first_queue);  // and to the first-line queue routing chose
    CHECK(c.text("resolved_at").empty());
    CHECK(c.text("resolution_due_at") == format_datetime(*parse_datetime(due_before) + 3 * 24 * kHour));
    CHECK_FALSE(sla_status(c, s.now).resolution_breached);   // without the pause it would be breached by now
    std::vector<std::string> owners;
    for (const ChangeEntry& e : s.store.history(id))
        if (e.field == "owner_id") owners.push_back(value_to_text(e.value));
    CHECK(owners == std::vector<std::string>{s.dan, first});   // reassignment history (the first owner is on the case)
    CHECK(c.text("first_owner_id") == first);
    CHECK(validation_error([&] { reopen_case(s.store, id); }) == "cases.status: only a resolved or closed case can be reopened");
}

TEST_CASE("breaches are flagged, and each queue reports the share within target") {
    Service s;
    s.store.set_setting("cases.queue.Gold", "");   // Gold cases by type here
    std::string fast = s.open(s.gold);            // Gold normal: respond within 60 min
    std::string slow = s.open(s.gold);
    std::string late_open = s.open(s.gold);
    s.tick(30 * kMinute);
    respond_to_case(s.store, fast);
    s.tick(60 * kMinute);                           // 90 minutes in
    respond_to_case(s.store, slow);
    CHECK(sla_status(s.get(fast), s.now).response_met);
    CHECK(sla_status(s.get(slow), s.now).response_breached);
    CHECK(sla_status(s.get(late_open), s.now).response_breached);
    CHECK(sla_status(s.get(late_open), s.now).response_left_ms == -30 * kMinute);
    resolve_case(s.store, fast, "Done");
    s.tick(30 * 24 * kHour);                        // far past every resolution target
    auto stats = queue_sla_stats(s.store);
    const QueueStats* tech = nullptr;
    for (auto& q : stats)
        if (q.queue_id == s.get(fast).text("queue_id")) tech = &q;
    REQUIRE(tech);
    CHECK(tech->cases == 3);
    CHECK(tech->responded == 2);          // the third never got a response
    CHECK(tech->responded_in_time == 1);
    CHECK(tech->response_pct() == 50.0);
    CHECK(tech->resolved == 1);
    CHECK(tech->resolution_pct() == 100.0);
    CHECK(tech->open == 2);
    CHECK(tech->open_breached == 2);
}

TEST_CASE("knowledge-base articles are suggested from the case and linked when they solved it") {
    Service s;
    std::string jam = s.store.create(kKbArticles, {{"title", "Paper jams in tray 2"}, {"problem", "The printer jams when feeding from tray 2"},
                                                  {"solution", "Clean or replace the pickup roller"}, {"case_type", "problem"}});
    s.store.create(kKbArticles, {{"title", "Resetting a password"}, {"problem", "User cannot log in"}, {"solution", "Use the reset link"}});
    std::string id = s.open(s.bronze);
    auto sug = suggest_articles(s.store, id);
    REQUIRE(!sug.empty());
    CHECK(sug[0].id == jam);
    CHECK(sug.size() == 1);
    CHECK(search_articles(s.store, "passw").size() == 1);
    CHECK(search_articles(s.store, "roller")[0].id == jam);
    resolve_case(s.store, id, "Replaced the roller", jam);
    CHECK(s.get(id).text("kb_article_id") == jam);
    // Global search does not mix articles in with customers.
    CHECK(search(s.db, "roller").empty());
}

}
