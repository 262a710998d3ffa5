// test_privacy.cpp - one person's data exported, and erased everywhere it
// lives (rows, search index, change log) with the erasure itself logged.
#include <nlohmann/json.hpp>

#include <sstream>

#include "workflows/leads.h"
#include "exchange/privacy.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

TEST_SUITE("privacy") {

TEST_CASE("export everything about one person, then erase them") {
    Fixture fx;
    std::string acc = fx.account("Keep GmbH");
    std::string lead = capture_lead(fx.store, {{"first_name", "Erika"}, {"last_name", "Mustermann"}, {"email", "erika@keep.de"}, {"company", "Keep GmbH"}});
    ConvertOptions co;
    co.account_id = acc;
    co.amount = 1000;
    ConvertResult cr = convert_lead(fx.store, lead, co);
    std::string c = cr.contact_id;
    std::string other = fx.contact("Otto", "Other", acc, "otto@keep.de");
    fx.store.update(kContacts, c, {{"phone", "+49 30 555 0101"}});
    fx.store.create(kActivities, {{"type", "call"}, {"occurred_at", format_datetime(fx.now)}, {"contact_id", c}, {"subject", "Erika's private number"}});
    fx.store.create(kTasks, {{"title", "Call Erika"}, {"contact_id", c}});
    std::string cs = fx.store.create(kCases, {{"subject", "Broken"}, {"contact_id", c}, {"account_id", acc}});
    std::string tag = fx.store.create(kTags, {{"name", "VIP"}});
    fx.store.create(kRecordTags, {{"tag_id", tag}, {"entity", "contacts"}, {"record_id", c}});

    std::ostringstream out;
    PersonSummary s = export_person(fx.store, c, out);
    nlohmann::json j = nlohmann::json::parse(out.str());
    CHECK(j["format"] == "crm-person-export");
    CHECK(j["contact"]["email"] == "erika@keep.de");
    CHECK(j["account"]["name"] == "Keep GmbH");
    CHECK(j["activities"].size() == 1);
    CHECK(j["tasks"].size() == 1);
    CHECK(j["cases"].size() == 1);
    CHECK(j["opportunities"].size() == 1);
    CHECK(j["leads"].size() == 1);
    CHECK(j["tags"] == nlohmann::json::array({"VIP"}));
    CHECK(s.history >= 2);

    erase_person(fx.store, c);
    CHECK(fx.db.query_int("SELECT count(*) FROM contacts WHERE id = '" + c + "'") == 0);
    CHECK(fx.db.query_int("SELECT count(*) FROM leads") == 0);
    CHECK(fx.db.query_int("SELECT count(*) FROM activities WHERE subject LIKE '%Erika%'") == 0);
    CHECK(fx.db.query_int("SELECT count(*) FROM tasks") == 0);
    CHECK(fx.db.query_int("SELECT count(*) FROM record_tags") == 0);
    CHECK(fx.db.query_text("SELECT coalesce(contact_id, 'none') FROM cases WHERE id = '" + cs + "'") == "none");   // the case stays
    CHECK(fx.store.count(kOpportunities) == 1);
    // Nowhere in the database is her data any more: not in the search index, not in the history.
    CHECK(fx.db.query_int("SELECT count(*) FROM search_index WHERE search_index MATCH 'erika OR mustermann'") == 0);
    CHECK(fx.db.query_int("SELECT count(*) FROM change_log WHERE value LIKE '%erika%' OR value LIKE '%555 0101%' OR value LIKE '%Mustermann%'") == 0);
    // The erasure is logged, with no personal data.
    CHECK(fx.db.query_int("SELECT count(*) FROM change_log WHERE record_id = crm_id_key('" + c + "') AND field = 'erased' AND value IS NULL") == 1);
    CHECK(fx.db.query_text("PRAGMA integrity_check") == "ok");
    CHECK(fx.db.query_int("SELECT count(*) FROM pragma_foreign_key_check") == 0);
    CHECK(fx.store.must_get(kContacts, other).text("email") == "otto@keep.de");   // others untouched
}

}
