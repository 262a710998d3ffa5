// test_views.cpp - record titles and the overview's figures, computed by hand.
#include "testing.h"
#include "records/views.h"

using namespace crm;
using namespace crm::testing;

TEST_SUITE("views") {

TEST_CASE("records are titled as a user names them") {
    Fixture fx;
    std::string acc = fx.account("Müller & Söhne GmbH");
    std::string c = fx.contact("Jürgen", "Müller", acc);
    CHECK(record_title(fx.store, kContacts, c) == "Jürgen Müller");
    CHECK(record_title(fx.store, kAccounts, acc) == "Müller & Söhne GmbH");
    std::string only_last = fx.contact("", "山田");
    CHECK(record_title(fx.store, kContacts, only_last) == "山田");
    std::string cs = fx.store.create(kCases, {{"subject", "Printer jams"}, {"account_id", acc}});
    CHECK(record_title(fx.store, kCases, cs) == "CAS-00001 Printer jams");
    fx.store.remove(kContacts, c);
    CHECK(record_title(fx.store, kContacts, c) == "Jürgen Müller");   // still named in a timeline after a delete
    CHECK(record_title(fx.store, kContacts, "no-such-id").empty());
}

TEST_CASE("the overview counts open work and weighs the pipeline") {
    Fixture fx;
    std::string acc = fx.account();
    fx.contact("A", "One", acc);
    fx.contact("B", "Two", acc);
    fx.store.create(kOpportunities, {{"name", "Big"}, {"account_id", acc}, {"amount", int64_t(100000)}, {"stage", "develop"}});   // 40 %
    fx.store.create(kOpportunities, {{"name", "Small"}, {"account_id", acc}, {"amount", int64_t(5000)}, {"stage", "qualify"}});   // 10 %
    fx.store.create(kOpportunities, {{"name", "Done"}, {"account_id", acc}, {"amount", int64_t(999)}, {"stage", "won"}});
    fx.store.create(kLeads, {{"last_name", "Lead"}, {"status", "new"}});
    fx.store.create(kLeads, {{"last_name", "Gone"}, {"status", "disqualified"}, {"disqualify_reason", "no budget"}});
    fx.store.create(kTasks, {{"title", "Late"}, {"due_at", "2026-02-01T09:00:00Z"}});
    fx.store.create(kTasks, {{"title", "Later"}, {"due_at", "2026-04-01T09:00:00Z"}});
    Overview o = overview(fx.store);
    CHECK(o.contacts == 2);
    CHECK(o.accounts == 1);
    CHECK(o.open_leads == 1);
    CHECK(o.open_opportunities == 2);
    CHECK(o.pipeline_amount == 105000);
    CHECK(o.weighted_pipeline == 40000 + 500);
    CHECK(o.overdue_tasks == 1);
}

}
