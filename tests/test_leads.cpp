// test_leads.cpp - the lead lifecycle: assignment rules (territory, line of
// business, round robin and its fairness), manual reassignment in history,
// scoring and bands, qualify / disqualify, and conversion in one transaction.
#include <map>

#include "workflows/leads.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

struct Sales : Fixture {
    std::string dach, ana, ben, cy, dee;
    Sales() {
        dach = store.create(kUsers, {{"name", "Dora DACH"}, {"role", "sales_rep"}, {"team", "DACH"}});
        ana = store.create(kUsers, {{"name", "Ana"}, {"role", "sales_rep"}, {"team", "Inside"}});
        ben = store.create(kUsers, {{"name", "Ben"}, {"role", "sales_rep"}, {"team", "Inside"}});
        cy = store.create(kUsers, {{"name", "Cy"}, {"role", "sales_rep"}, {"team", "Inside"}});
        dee = store.create(kUsers, {{"name", "Dee"}, {"role", "sales_rep"}, {"team", "Software"}});
        store.create(kAssignmentRules, {{"position", int64_t(1)}, {"kind", "territory"}, {"match", "DE, AT,ch"}, {"user_id", dach}});
        store.create(kAssignmentRules, {{"position", int64_t(2)}, {"kind", "line_of_business"}, {"match", "Software"}, {"user_id", dee}});
        store.create(kAssignmentRules, {{"position", int64_t(3)}, {"kind", "round_robin"}, {"team", "Inside"}});
    }
    std::string lead(const char* last, const char* country = "US", const char* lob = "") {
        tick();
        return capture_lead(store, {{"last_name", last}, {"company", std::string(last) + " Ltd"}, {"country", country},
                                    {"line_of_business", lob}, {"source", "web_form"}});
    }
    std::string owner(const std::string& id) { return store.must_get(kLeads, id).text("owner_id"); }
};

}  // namespace

TEST_SUITE("leads") {

TEST_CASE("assignment rules apply in order: territory, line of business, then round robin") {
    Sales s;
    CHECK(s.owner(s.lead("Müller", "DE")) == s.dach);
    CHECK(s.owner(s.lead("Gruber", "AT", "Software")) == s.dach);   // the first matching rule wins
    CHECK(s.owner(s.lead("Smith", "US", "software")) == s.dee);     // case-insensitive
    std::string rr = s.lead("Jones", "US", "Hardware");
    CHECK((s.owner(rr) == s.ana || s.owner(rr) == s.ben || s.owner(rr) == s.cy));
    CHECK(s.store.must_get(kLeads, rr).text("status") == "assigned");
}

TEST_CASE("round robin is fair: each rep in turn, skipping inactive reps, no matter what other rules took") {
    Sales s;
    std::map<std::string, int> count;
    std::vector<std::string> order;
    for (int i = 0; i < 9; i++) {
        std::string o = s.owner(s.lead(("RR" + std::to_string(i)).c_str()));
        count[o]++;
        order.push_back(o);
        if (i % 3 == 1) s.lead("Territory", "CH");   // interleaved leads for other rules do not advance the turn
    }
    CHECK(count[s.ana] == 3);
    CHECK(count[s.ben] == 3);
    CHECK(count[s.cy] == 3);
    for (size_t i = 3; i < order.size(); i++) CHECK(order[i] == order[i - 3]);   // a strict rotation
    // An inactive rep is skipped.
    s.store.update(kUsers, s.ben, {{"active", int64_t(0)}});
    std::map<std::string, int> after;
    for (int i = 0; i < 4; i++) after[s.owner(s.lead("Later"))]++;
    CHECK(after[s.ben] == 0);
    CHECK(after[s.ana] == 2);
    CHECK(after[s.cy] == 2);
}

TEST_CASE("no matching rule leaves the lead new and unassigned; manual reassignment is kept in history") {
    Fixture fx;
    std::string u1 = fx.store.create(kUsers, {{"name", "One"}, {"role", "sales_rep"}});
    std::string u2 = fx.store.create(kUsers, {{"name", "Two"}, {"role", "sales_rep"}});
    std::string id = capture_lead(fx.store, {{"last_name", "Orphan"}});
    CHECK(fx.store.must_get(kLeads, id).text("owner_id").empty());
    CHECK(fx.store.must_get(kLeads, id).text("status") == "new");
    fx.tick();
    reassign_lead(fx.store, id, u1);
    fx.tick();
    reassign_lead(fx.store, id, u2);
    std::vector<std::string> owners;
    for (const ChangeEntry& c : fx.store.history(id))
        if (c.field == "owner_id") owners.push_back(value_to_text(c.value));
    CHECK(owners == std::vector<std::string>{u1, u2});
    CHECK(fx.store.must_get(kLeads, id).text("status") == "assigned");
    fx.store.update(kUsers, u1, {{"active", int64_t(0)}});
    CHECK(validation_error([&] { reassign_lead(fx.store, id, u1); }) == "leads.owner_id: is not an active user");
}

TEST_CASE("scoring: points per attribute and per action, clamped to 0-100, in hot, warm and cold bands") {
    Fixture fx;
    fx.store.create(kScoringRules, {{"kind", "attribute"}, {"field", "industry"}, {"value", "Manufacturing"}, {"points", int64_t(20)}});
    fx.store.create(kScoringRules, {{"kind", "attribute"}, {"field", "source"}, {"value", "referral"}, {"points", int64_t(25)}});
    fx.store.create(kScoringRules, {{"kind", "action"}, {"action", "web_form"}, {"points", int64_t(10)}});
    fx.store.create(kScoringRules, {{"kind", "action"}, {"action", "meeting"}, {"points", int64_t(30)}});
    std::string id = capture_lead(fx.store, {{"last_name", "Score"}, {"industry", "manufacturing"}, {"source", "referral"}});
    CHECK(fx.store.must_get(kLeads, id).integer("score") == 45);
    CHECK(score_band(fx.store, 45) == ScoreBand::Warm);
    auto act = [&](const char* type) {
        fx.tick();
        fx.store.create(kActivities, {{"type", type}, {"occurred_at", format_datetime(fx.now)}, {"lead_id", id}});
    };
    act("web_form");
    act("web_form");
    CHECK(rescore_lead(fx.store, id) == 65);
    act("meeting");
    CHECK(rescore_lead(fx.store, id) == 95);
    CHECK(score_band(fx.store, 95) == ScoreBand::Hot);
    act("meeting");
    CHECK(rescore_lead(fx.store, id) == 100);   // clamped
    CHECK(score_band(fx.store, 39) == ScoreBand::Cold);
    fx.store.set_setting("leads.hot_from", "90");
    CHECK(score_band(fx.store, 85) == ScoreBand::Warm);
}

TEST_CASE("qualify and disqualify: a reason is required, closed leads stay closed") {
    Fixture fx;
    std::string id = capture_lead(fx.store, {{"last_name", "Q"}});
    qualify_lead(fx.store, id);
    CHECK(fx.store.must_get(kLeads, id).text("status") == "qualified");
    CHECK(validation_error([&] { disqualify_lead(fx.store, id, "  "); }) == "leads.disqualify_reason: is required to disqualify a lead");
    disqualify_lead(fx.store, id, "No budget this year");
    CHECK(fx.store.must_get(kLeads, id).text("disqualify_reason") == "No budget this year");
    CHECK(validation_error([&] { qualify_lead(fx.store, id); }) == "leads.status: a disqualified lead cannot be qualified");
    CHECK(validation_error([&] { convert_lead(fx.store, id); }) == "leads.status: a disqualified lead cannot be converted");
}

TEST_CASE("conversion creates the account, contact and opportunity and moves the lead's history onto them") {
    Sales s;
    std::string camp = s.store.create(kCampaigns, {{"name", "Spring fair"}});
    std::string id = capture_lead(s.store, {{"first_name", "Ola"}, {"last_name", "Nordmann"}, {"company", "Fjord AS"}, {"country", "NO"},
                                            {"email", "ola@fjord.no"}, {"campaign_id", camp}, {"line_of_business", "Hardware"}});
    s.store.create(kActivities, {{"type", "call"}, {"occurred_at", format_datetime(s.now)}, {"lead_id", id}, {"subject", "Intro"}});
    s.store.create(kTasks, {{"title", "Send offer"}, {"lead_id", id}});
    s.tick();
    ConvertOptions o;
    o.amount = 1250000;
    ConvertResult r = convert_lead(s.store, id, o);
    CHECK(r.account_created);
    CHECK(r.contact_created);
    Record acc = s.store.must_get(kAccounts, r.account_id), c = s.store.must_get(kContacts, r.contact_id),
           opp = s.store.must_get(kOpportunities, r.opportunity_id), lead = s.store.must_get(kLeads, id);
    CHECK(acc.text("name") == "Fjord AS");
    CHECK(c.text("email") == "ola@fjord.no");
    CHECK(c.text("account_id") == r.account_id);
    CHECK(opp.text("name") == "Fjord AS - Hardware");
    CHECK(opp.integer("amount") == 1250000);
    CHECK(opp.text("stage") == "qualify");
    CHECK(opp.integer("probability") == 10);
    CHECK(opp.text("campaign_id") == camp);
    CHECK(opp.text("lead_id") == id);
    CHECK(opp.text("owner_id") == lead.text("owner_id"));
    CHECK(lead.text("status") == "converted");
    CHECK(lead.text("converted_opportunity_id") == r.opportunity_id);
    CHECK(s.db.query_int("SELECT count(*) FROM activities WHERE lead_id = '" + id + "' AND contact_id = '" + r.contact_id +
                         "' AND account_id = '" + r.account_id + "'") == 1);
    CHECK(s.db.query_int("SELECT count(*) FROM tasks WHERE lead_id = '" + id + "' AND opportunity_id = '" + r.opportunity_id + "'") == 1);
    CHECK(validation_error([&] { convert_lead(s.store, id); }) == "leads.status: a converted lead cannot be converted");
}

TEST_CASE("conversion can link an existing account and contact") {
    Fixture fx;
    std::string acc = fx.account("Existing AG");
    std::string c = fx.contact("Eva", "Exist", acc);
    std::string id = capture_lead(fx.store, {{"last_name", "Exist"}, {"company", "Existing AG"}});
    ConvertOptions o;
    o.account_id = acc;
    o.contact_id = c;
    o.create_opportunity = false;
    ConvertResult r = convert_lead(fx.store, id, o);
    CHECK(!r.account_created);
    CHECK(!r.contact_created);
    CHECK(r.opportunity_id.empty());
    CHECK(fx.store.count(kAccounts) == 1);
    CHECK(fx.store.count(kContacts) == 1);
    CHECK(fx.store.must_get(kLeads, id).text("converted_contact_id") == c);
}

TEST_CASE("a conversion that fails half-way leaves nothing behind") {
    Fixture fx;
    std::string id = capture_lead(fx.store, {{"last_name", "Atomic"}, {"company", "Half Way Inc"}, {"email", "a@halfway.example"}});
    fx.store.create(kActivities, {{"type", "note"}, {"occurred_at", format_datetime(fx.now)}, {"lead_id", id}});
    int64_t log_before = fx.db.query_int("SELECT count(*) FROM change_log");
    ConvertOptions o;
    o.amount = -5;   // the opportunity is refused after the account and contact were written
    CHECK(validation_error([&] { convert_lead(fx.store, id, o); }).find("opportunities.amount") == 0);
    CHECK(fx.store.count(kAccounts) == 0);
    CHECK(fx.store.count(kContacts) == 0);
    CHECK(fx.store.count(kOpportunities) == 0);
    CHECK(fx.store.must_get(kLeads, id).text("status") == "new");
    CHECK(fx.db.query_int("SELECT count(*) FROM activities WHERE contact_id IS NOT NULL") == 0);
    CHECK(fx.db.query_int("SELECT count(*) FROM change_log") == log_before);
}

}
