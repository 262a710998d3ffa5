// test_campaigns.cpp - segment rules over fields, tags and purchase history
// (and their errors), template merge fields, sends that skip opted-out,
// do-not-call and duplicate contacts with the reasons counted, responses as
// leads, and the campaign's results (cost per lead, won revenue).
#include "workflows/campaigns.h"
#include "demo/demo.h"
#include "workflows/pipeline.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

struct Audience : Fixture {
    std::string de_gold, us_bronze, rep, vip, printer;
    std::string anna, bert, carl, dora, eve;
    Audience() {
        rep = store.create(kUsers, {{"name", "Rita Rep"}, {"role", "sales_rep"}});
        de_gold = store.create(kAccounts, {{"name", "Berlin Print GmbH"}, {"tier", "Gold"}, {"country", "DE"}});
        us_bronze = store.create(kAccounts, {{"name", "Austin Office LLC"}, {"tier", "Bronze"}, {"country", "US"}});
        auto person = [&](const char* first, const char* last, const std::string& acc, const char* country, const char* email) {
            return store.create(kContacts, {{"first_name", first}, {"last_name", last}, {"account_id", acc}, {"country", country},
                                            {"email", email}, {"owner_id", rep}});
        };
        anna = person("Anna", "Alt", de_gold, "DE", "anna@berlinprint.de");
        bert = person("Bert", "Bauer", de_gold, "DE", "bert@berlinprint.de");
        carl = person("Carl", "Cole", us_bronze, "US", "carl@austinoffice.com");
        dora = person("", "Dunn", us_bronze, "US", "");
        eve = person("Eve", "Eck", de_gold, "DE", "ANNA@berlinprint.de");   // a shared mailbox
        vip = store.create(kTags, {{"name", "VIP"}});
        store.create(kRecordTags, {{"tag_id", vip}, {"entity", "contacts"}, {"record_id", carl}});
        printer = store.create(kProducts, {{"name", "LaserJet 500"}, {"code", "P-1001"}, {"price", int64_t(49900)}});
        std::string o = store.create(kOrders, {{"account_id", us_bronze}, {"ordered_at", "2026-01-10T10:00:00Z"}});
        store.create(kOrderLines, {{"order_id", o}, {"product_id", printer}, {"quantity", int64_t(3)}, {"unit_price", int64_t(49900)}});
    }
    std::vector<std::string> members(const std::string& rules) { return segment_members(store, rules); }
};

}  // namespace

TEST_SUITE("campaigns") {

TEST_CASE("segments by field, tag, purchase history and tier, combined with all / any") {
    Audience a;
    CHECK(a.members(R"({"all": [{"field": "country", "op": "=", "value": "de"}]})") == std::vector<std::string>{a.anna, a.bert, a.eve});
    CHECK(a.members(R"({"all": [{"tag": "vip"}]})") == std::vector<std::string>{a.carl});
    CHECK(a.members(R"({"all": [{"bought": "P-1001"}]})") == std::vector<std::string>{a.carl, a.dora});
    CHECK(a.members(R"({"all": [{"spent_at_least": 149700}, {"field": "email", "op": "not_empty"}]})") == std::vector<std::string>{a.carl});
    CHECK(a.members(R"({"all": [{"orders_at_least": 2}]})").empty());
    CHECK(a.members(R"({"any": [{"account_tier": "Gold"}, {"tag": "VIP"}]})").size() == 4);
    CHECK(a.members(R"({"all": [{"field": "first_name", "op": "in", "value": ["Anna", "Carl"]}]})").size() == 2);
    CHECK(segment_count(a.store, R"({"all": [{"field": "email", "op": "contains", "value": "berlinprint"}]})") == 3);
    // Re-evaluated on use: a new contact joins.
    a.store.create(kContacts, {{"last_name", "New"}, {"country", "DE"}});
    CHECK(segment_count(a.store, R"({"all": [{"field": "country", "op": "=", "value": "DE"}]})") == 4);
}

TEST_CASE("bad segment rules say what is wrong and where") {
    Audience a;
    auto err = [&](const char* rules) { return validation_error([&] { check_segment_rules(rules); }); };
    CHECK(err("{\"all\": [").find("segments.rules: not valid JSON") == 0);
    CHECK(err(R"({"all": [{"field": "password", "value": "x"}]})") == "segments.rules: rules.all[0]: 'password' is not a contact field");
    CHECK(err(R"({"all": [{"field": "country", "op": "~", "value": "x"}]})") == "segments.rules: rules.all[0]: unknown op '~'");
    CHECK(err(R"({"any": []})") == "segments.rules: rules: \"any\" needs a non-empty list");
    CHECK(err(R"({"all": [{"colour": "red"}]})").find("unknown condition") != std::string::npos);
    // An injection attempt is only ever a value.
    CHECK(a.members(R"({"all": [{"field": "country", "op": "=", "value": "DE' OR 1=1 --"}]})").empty());
}

TEST_CASE("templates merge per recipient, with fallbacks; unknown fields are reported") {
    Audience a;
    Record dora = a.store.must_get(kContacts, a.dora), anna = a.store.must_get(kContacts, a.anna);
    std::string t = "Hello {first_name|there}, news for {company} from {rep_name}. {unknown}";
    CHECK(render_template(a.store, t, anna) == "Hello Anna, news for Berlin Print GmbH from Rita Rep. {unknown}");
    CHECK(render_template(a.store, t, dora) == "Hello there, news for Austin Office LLC from Rita Rep. {unknown}");
    CHECK(unknown_merge_fields(t) == std::vector<std::string>{"unknown"});
}

TEST_CASE("a send logs one e-mail per recipient and skips opted-out, missing and duplicate addresses, saying why") {
    Audience a;
    a.store.update(kContacts, a.bert, {{"opt_out_offers", int64_t(1)}});
    std::string seg = a.store.create(kSegments, {{"name", "Everyone"}, {"rules", R"({"all": [{"field": "last_name", "op": "not_empty"}]})"}});
    std::string tmpl = a.store.create(kEmailTemplates, {{"name", "Spring"}, {"subject", "Spring offer for {company}"}, {"body", "Dear {first_name|customer}"}});
    std::string camp = a.store.create(kCampaigns, {{"name", "Spring offer"}, {"type", "email"}, {"segment_id", seg}, {"template_id", tmpl},
                                                   {"budget", int64_t(30000)}});
    SendReport preview = preview_send(a.store, camp, "offers");
    CHECK(preview.sent == 2);
    CHECK(a.db.query_int("SELECT count(*) FROM activities") == 0);   // a preview writes nothing
    SendReport r = send_campaign(a.store, camp, "offers");
    CHECK(r.sent == 2);                                 // Anna, Carl
    CHECK(r.skipped["opted out of offers"] == 1);       // Bert
    CHECK(r.skipped["no e-mail address"] == 1);         // Dora
    CHECK(r.skipped["duplicate address"] == 1);         // Eve shares Anna's mailbox
    CHECK(r.skipped_total() == 3);
    CHECK(a.db.query_text("SELECT subject FROM activities WHERE contact_id = '" + a.carl + "'") == "Spring offer for Austin Office LLC");
    CHECK(a.store.must_get(kCampaigns, camp).text("status") == "active");
    // The campaign keeps what its sends reached and skipped, for its results (Analytics > Channels).
    CHECK(a.store.must_get(kCampaigns, camp).integer("sent_count") == 2);
    CHECK(a.store.must_get(kCampaigns, camp).integer("suppressed_count") == 3);
    // The newsletter opt-out does not block an offer, and vice versa.
    CHECK(preview_send(a.store, camp, "newsletter").skipped.count("opted out of newsletter") == 0);
    CHECK(validation_error([&] { send_campaign(a.store, camp, "spam"); }) == "campaigns.type: 'spam' is not an opt-out category");
}

TEST_CASE("a telephone campaign skips do-not-call contacts") {
    Audience a;
    a.store.update(kContacts, a.anna, {{"phone", "+49 30 1234567"}, {"do_not_call", int64_t(1)}});
    a.store.update(kContacts, a.carl, {{"phone", "+1 512 555 0100"}});
    std::string camp = a.store.create(kCampaigns, {{"name", "Call round"}, {"type", "telemarketing"},
                                                   {"target_segment", R"({"all": [{"field": "phone", "op": "not_empty"}]})"}});
    SendReport r = send_campaign(a.store, camp, "offers");
    CHECK(r.sent == 1);
    CHECK(r.skipped["do not call"] == 1);
}

TEST_CASE("responses become leads of the campaign; results show leads, opportunities, won revenue and cost per lead") {
    Audience a;
    std::string acc = a.de_gold;
    std::string camp = a.store.create(kCampaigns, {{"name", "Webinar"}, {"type", "webinar"}, {"actual_cost", int64_t(60000)}});
    std::string l1 = campaign_response(a.store, camp, {{"last_name", "One"}, {"company", "One AG"}});
    campaign_response(a.store, camp, {{"last_name", "Two"}});
    campaign_response(a.store, camp, {{"last_name", "Three"}});
    Record lead = a.store.must_get(kLeads, l1);
    CHECK(lead.text("campaign_id") == camp);
    CHECK(lead.text("source") == "webinar");
    std::string o1 = a.store.create(kOpportunities, {{"name", "Won one"}, {"account_id", acc}, {"amount", int64_t(250000)}, {"campaign_id", camp}});
    a.store.create(kOpportunities, {{"name", "Open one"}, {"account_id", acc}, {"amount", int64_t(90000)}, {"campaign_id", camp}});
    move_opportunity(a.store, o1, "won");
    CampaignResults r = campaign_results(a.store, camp);
    CHECK(r.leads == 3);
    CHECK(r.opportunities == 2);
    CHECK(r.won == 1);
    CHECK(r.won_revenue == 250000);
    CHECK(r.cost == 60000);
    CHECK(r.cost_per_lead() == 20000);
}


TEST_CASE("the demo data shows the workflows set up: rules, SLA queue, articles, and e-mail campaigns ready to send") {
    DemoDb demo(400);
    Database& db = demo.db;
    Store& store = demo.store;
    CHECK(store.count(kAssignmentRules) >= 2);
    CHECK(store.count(kScoringRules) >= 5);
    CHECK(store.count(kKbArticles) >= 5);
    CHECK(!store.setting("cases.queue.Gold").empty());
    std::string email_campaign = db.query_text("SELECT id FROM campaigns WHERE type = 'email' AND template_id IS NOT NULL LIMIT 1");
    REQUIRE(!email_campaign.empty());
    for (const std::string& rules : {db.query_text("SELECT target_segment FROM campaigns LIMIT 1"), db.query_text("SELECT rules FROM segments LIMIT 1")})
        CHECK_NOTHROW(check_segment_rules(rules));
    SendReport r = preview_send(store, email_campaign, "product_news");
    CHECK(r.sent > 0);
    CHECK(r.sent + r.skipped_total() == segment_count(store, db.query_text("SELECT target_segment FROM campaigns WHERE id = '" + email_campaign + "'")));
}

}  // TEST_SUITE
