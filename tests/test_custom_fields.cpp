// test_custom_fields.cpp - fields users add in Settings: a real column per
// field, typed values, a new label keeping the data, removal hiding the field
// while exports keep its values, JSON and CSV round trips, list filters and
// segment rules, and sync of definitions and values between devices
// (including values that arrive before their definition).
#include <cstdio>
#include <set>
#include <sstream>

#include "analytics/reports.h"
#include "exchange/csv.h"
#include "exchange/transfer.h"
#include "records/custom_fields.h"
#include "records/listing.h"
#include "records/views.h"
#include "storage/schema.h"
#include "sync/merge.h"
#include "workflows/campaigns.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

std::set<std::string> columns_of(Database& db, const char* table) {
    std::set<std::string> out;
    Statement st = db.prepare(std::string("SELECT name FROM pragma_table_info('") + table + "')");
    while (st.step()) out.insert(st.column_text(0));
    return out;
}

std::string renewal_field(Store& s) {
    return add_custom_field(s, {"contacts", "Renewal date", "date"});
}

}  // namespace

TEST_SUITE("custom_fields") {

TEST_CASE("a field added to contacts is a real column: values are typed, validated, read back and survive a reopen") {
    std::string path = "cf-reopen-test.db";
    std::remove(path.c_str());
    {
        Database db(path);
        Store s(db);
        std::string def = renewal_field(s);
        add_custom_field(s, {"contacts", "Seats", "number"});
        add_custom_field(s, {"contacts", "Contract value", "money"});
        add_custom_field(s, {"contacts", "Partner level", "choice", "Gold\nSilver\nBronze"});
        add_custom_field(s, {"contacts", "NDA signed", "checkbox"});
        CHECK(!def.empty());
        std::set<std::string> cols = columns_of(db, "contacts");
        for (const char* c : {"cf_renewal_date", "cfn_seats", "cfm_contract_value", "cf_partner_level", "cfb_nda_signed"}) {
            CAPTURE(c);
            CHECK(cols.count(c) == 1);
        }
        REQUIRE(kContacts.field("cf_renewal_date"));
        CHECK(kContacts.field("cf_renewal_date")->type == FieldType::Date);
        CHECK(std::string(kContacts.field("cfn_seats")->label) == "Seats");

        std::string id = s.create(kContacts, {{"last_name", "Okafor"}, {"cf_renewal_date", "2027-03-31"}, {"cfn_seats", "12,5"},
                                              {"cfm_contract_value", "1,250.50"}, {"cf_partner_level", "gold"}, {"cfb_nda_signed", "yes"}});
        Record r = s.must_get(kContacts, id);
        CHECK(r.text("cf_renewal_date") == "2027-03-31");
        CHECK(std::get<double>(r.get("cfn_seats")) == doctest::Approx(12.5));
        CHECK(r.integer("cfm_contract_value") == 125050);
        CHECK(r.text("cf_partner_level") == "Gold");
        CHECK(r.integer("cfb_nda_signed") == 1);

        // Empty number and amount stay empty, not 0.
        std::string other = s.create(kContacts, {{"last_name", "Bauer"}});
        CHECK(is_null(s.must_get(kContacts, other).get("cfn_seats")));
        CHECK(is_null(s.must_get(kContacts, other).get("cfm_contract_value")));

        // Bad values name the field.
        CHECK_THROWS_WITH_AS(s.update(kContacts, id, {{"cf_renewal_date", "31/03/2027"}}), doctest::Contains("cf_renewal_date"), ValidationError);
        CHECK_THROWS_WITH_AS(s.update(kContacts, id, {{"cfn_seats", "a dozen"}}), doctest::Contains("is not a number"), ValidationError);
        CHECK_THROWS_WITH_AS(s.update(kContacts, id, {{"cf_partner_level", "Platinum"}}), doctest::Contains("is not one of: Gold, Silver, Bronze"),
                             ValidationError);
        // The change log has the edit like any field's.
        s.update(kContacts, id, {{"cfn_seats", int64_t(20)}});
        bool logged = false;
        for (const ChangeEntry& c : s.history(id)) logged = logged || c.field == "cfn_seats";
        CHECK(logged);
    }
    // Another process opens the file: the fields are there.
    Database db(path);
    Store s(db);
    REQUIRE(kContacts.field("cf_partner_level"));
    CHECK(kContacts.field("cf_partner_level")->choices.size() == 3);
    CHECK(s.db().query_int("SELECT count(*) FROM contacts WHERE cfn_seats = 20") == 1);
}

TEST_CASE("a new label keeps the data; entity, column and type cannot change; a removed field hides and its values stay in the export") {
    Fixture fx;
    Store& s = fx.store;
    std::string def = renewal_field(s);
    std::string id = s.create(kContacts, {{"last_name", "Okafor"}, {"cf_renewal_date", "2027-03-31"}});
    s.update(kCustomFields, def, {{"label", "Contract renewal"}});
    REQUIRE(kContacts.field("cf_renewal_date"));
    CHECK(std::string(kContacts.field("cf_renewal_date")->label) == "Contract renewal");
    CHECK(s.must_get(kContacts, id).text("cf_renewal_date") == "2027-03-31");

    CHECK_THROWS_WITH_AS(s.update(kCustomFields, def, {{"type", "text"}}), doctest::Contains("cannot change"), ValidationError);
    CHECK_THROWS_WITH_AS(s.update(kCustomFields, def, {{"entity", "accounts"}}), doctest::Contains("cannot change"), ValidationError);
    CHECK_THROWS_WITH_AS(add_custom_field(s, {"contacts", "contract renewal", "text"}), doctest::Contains("already a field"), ValidationError);
    CHECK_THROWS_WITH_AS(add_custom_field(s, {"contacts", "E-mail", "text"}), doctest::Contains("already a field"), ValidationError);
    CHECK_THROWS_WITH_AS(add_custom_field(s, {"users", "Shoe size", "number"}), doctest::Contains("cannot have custom fields"), ValidationError);
    CHECK_THROWS_WITH_AS(add_custom_field(s, {"contacts", "Tier", "choice"}), doctest::Contains("at least one choice"), ValidationError);
    CHECK_THROWS_WITH_AS(add_custom_field(s, {"contacts", "Tier", "colour"}), doctest::Contains("is not one of"), ValidationError);

    s.remove(kCustomFields, def);
    REQUIRE(kContacts.field("cf_renewal_date"));
    CHECK(kContacts.field("cf_renewal_date")->has(F_Hidden));
    std::ostringstream json_out;
    export_json(s, json_out);
    CHECK(json_out.str().find("\"cf_renewal_date\":\"2027-03-31\"") != std::string::npos);
    std::ostringstream csv_out;
    ListQuery q;
    q.entity = &kContacts;
    export_csv(s, q, csv_out);
    CHECK(csv_out.str().find("Contract renewal") != std::string::npos);
    CHECK(csv_out.str().find("2027-03-31") != std::string::npos);
    // A new field may take the removed one's label; its column is another.
    add_custom_field(s, {"contacts", "Contract renewal", "date"});
    CHECK(kContacts.field("cf_contract_renewal"));
    s.restore(kCustomFields, def);
    CHECK(!kContacts.field("cf_renewal_date")->has(F_Hidden));
}

TEST_CASE("custom fields round-trip through a JSON export into an empty database, definitions first") {
    std::string json_text;
    {
        Fixture fx;
        add_custom_field(fx.store, {"accounts", "Contract tier", "choice", "Basic, Plus, Enterprise", false, true, true});
        add_custom_field(fx.store, {"contacts", "Score", "number"});
        fx.store.create(kAccounts, {{"name", "Acme"}, {"cf_contract_tier", "Plus"}});
        fx.store.create(kContacts, {{"last_name", "Okafor"}, {"cfn_score", 4.25}});
        std::ostringstream out;
        export_json(fx.store, out);
        json_text = out.str();
    }
    Database db(":memory:");
    Store s(db);
    CHECK(!kAccounts.field("cf_contract_tier"));
    std::istringstream in(json_text);
    import_json(s, in, "backup.json", ImportMode::Merge);
    REQUIRE(kAccounts.field("cf_contract_tier"));
    CHECK(kAccounts.field("cf_contract_tier")->has(F_ListColumn));
    CHECK(db.query_text("SELECT cf_contract_tier FROM accounts WHERE name = 'Acme'") == "Plus");
    CHECK(db.query_text("SELECT cfn_score FROM contacts WHERE last_name = 'Okafor'") == "4.25");
}

TEST_CASE("CSV: a column named as a custom field's label maps to it, a required one must be filled, and export writes it") {
    Fixture fx;
    Store& s = fx.store;
    add_custom_field(s, {"contacts", "Customer number", "text", "", true});
    add_custom_field(s, {"contacts", "Seats", "number"});
    std::string csv = "First Name,Last Name,Customer number,Seats\nAda,Lovelace,K-1001,12\nAlan,Turing,,3\n";
    std::istringstream in(csv);
    CsvImportOptions o;
    o.entity = &kContacts;
    o.name = "people.csv";
    CHECK_THROWS_WITH_AS(import_csv(s, in, o), doctest::Contains("line 3: column 'Customer number' (Customer number): is required"), CsvError);
    CHECK(s.db().query_int("SELECT count(*) FROM contacts") == 0);   // all or nothing

    std::istringstream ok("First Name,Last Name,Customer number,Seats\nAda,Lovelace,K-1001,12\nAlan,Turing,K-1002,\n");
    CsvImportSummary sum = import_csv(s, ok, o);
    CHECK(sum.created == 2);
    CHECK(s.db().query_text("SELECT cf_customer_number FROM contacts WHERE last_name = 'Lovelace'") == "K-1001");
    CHECK(s.db().query_int("SELECT count(*) FROM contacts WHERE cfn_seats IS NULL") == 1);
    std::ostringstream out;
    ListQuery q;
    q.entity = &kContacts;
    export_csv(s, q, out);
    CHECK(out.str().find("Customer number,Seats") != std::string::npos);
    CHECK(out.str().find("K-1001,12") != std::string::npos);
}

TEST_CASE("lists filter on a custom field, and segment rules use it") {
    Fixture fx;
    Store& s = fx.store;
    add_custom_field(s, {"contacts", "Partner level", "choice", "Gold\nSilver"});
    add_custom_field(s, {"contacts", "Seats", "number"});
    for (int i = 0; i < 6; i++)
        s.create(kContacts, {{"last_name", "P" + std::to_string(i)}, {"cf_partner_level", i % 3 == 0 ? "Gold" : "Silver"},
                             {"cfn_seats", i < 2 ? Value(std::monostate{}) : Value(int64_t(i * 10))}});
    ListQuery q;
    q.entity = &kContacts;
    q.filters = {{"cf_partner_level", std::string("Gold")}};
    CHECK(list_page(s.db(), q, std::nullopt).rows.size() == 2);
    CHECK(segment_count(s, R"({"field": "cf_partner_level", "value": "Silver"})") == 4);
    CHECK(segment_count(s, R"({"field": "cfn_seats", "op": ">=", "value": 35})") == 2);
    CHECK(segment_count(s, R"({"field": "cfn_seats", "op": "empty"})") == 2);
}

TEST_CASE("sync: a field made on one device arrives with its values; values sent before their definition wait and then apply") {
    Fixture a, b;
    b.store.seed_ids(7);
    std::string def = add_custom_field(a.store, {"contacts", "Renewal date", "date"});
    std::string id = a.store.create(kContacts, {{"last_name", "Okafor"}});
    a.tick();
    a.store.update(kContacts, id, {{"cf_renewal_date", "2027-03-31"}});
    std::vector<Message> msgs = collect_outgoing(a.store, 0, 1000, SIZE_MAX).messages;
    // The definition's message last: the contact and the value come first.
    std::vector<Message> reordered;
    for (const Message& m : msgs)
        if (m.entity != "custom_fields") reordered.push_back(m);
    for (const Message& m : msgs)
        if (m.entity == "custom_fields") reordered.push_back(m);
    ApplyResult r = apply_messages(b.store, reordered);
    CHECK(r.pending == 0);
    CHECK(b.db.query_text("SELECT cf_renewal_date FROM contacts WHERE id = '" + id + "'") == "2027-03-31");
    // b renames the label and edits the value; a receives both.
    b.tick(5000);
    b.store.update(kCustomFields, def, {{"label", "Contract renewal"}});
    b.store.update(kContacts, id, {{"cf_renewal_date", "2027-06-30"}});
    std::vector<Message> back;
    for (const Message& m : collect_outgoing(b.store, 0, 1000, SIZE_MAX, true).messages)
        if (m.device == b.store.device_id()) back.push_back(m);
    apply_messages(a.store, back);
    CHECK(a.db.query_text("SELECT cf_renewal_date FROM contacts WHERE id = '" + id + "'") == "2027-06-30");
    CHECK(a.db.query_text("SELECT label FROM custom_fields WHERE id = '" + def + "'") == "Contract renewal");
    CHECK(health_check(a.db).empty());
    CHECK(health_check(b.db).empty());
}

TEST_CASE("pivots group by an opportunity's custom field and by its account's") {
    Fixture fx;
    Store& s = fx.store;
    add_custom_field(s, {"opportunities", "Deal type", "choice", "New\nRenewal"});
    add_custom_field(s, {"accounts", "Contract tier", "choice", "Basic\nPlus"});
    std::string basic = s.create(kAccounts, {{"name", "Acme"}, {"cf_contract_tier", "Basic"}});
    std::string plus = s.create(kAccounts, {{"name", "Globex"}, {"cf_contract_tier", "Plus"}});
    for (int i = 0; i < 5; i++)
        s.create(kOpportunities, {{"name", "Deal " + std::to_string(i)}, {"account_id", i < 2 ? basic : plus}, {"amount", int64_t(1000 * (i + 1))},
                                  {"cf_deal_type", i % 2 ? "Renewal" : "New"}});
    std::vector<std::string> dims = pivot_dimensions("opportunities");
    CHECK(std::find(dims.begin(), dims.end(), "cf_deal_type") != dims.end());
    CHECK(std::find(dims.begin(), dims.end(), "account.cf_contract_tier") != dims.end());
    CHECK(pivot_dimension_label("opportunities", "account.cf_contract_tier") == "Account: Contract tier");
    std::shared_ptr<const Facts> facts = load_facts(s);
    ReportArgs a;
    a.source = "opportunities";
    a.rows = "cf_deal_type";
    a.cols = "account.cf_contract_tier";
    a.measure = "count";
    a.period = make_period("", "", facts->today);
    Table t = report_pivot(*facts, a);
    CHECK(t.columns == std::vector<std::string>{"Deal type", "Basic", "Plus", "Total"});
    std::string csv = t.csv();
    CAPTURE(csv);
    CHECK(csv.find("New,1,2,3") != std::string::npos);
    CHECK(csv.find("Renewal,1,1,2") != std::string::npos);
}

TEST_CASE("two definitions of one column (two devices added the same field offline) make one field: the first speaks for it") {
    Fixture fx;
    Store& s = fx.store;
    std::string first = add_custom_field(s, {"contacts", "Seats", "number"});
    fx.tick();
    // The other device's definition, as sync or an import brings it.
    Record other = s.must_get(kCustomFields, first);
    other.id = "01900000-0000-7000-8000-0000000000ff";
    other.values[(size_t)field_index(kCustomFields, "label")] = std::string("Licences");
    other.created_at = other.updated_at = format_datetime(s.now_ms());
    s.put(kCustomFields, other);
    std::vector<const FieldSpec*> fields = custom_fields_of(kContacts);
    REQUIRE(fields.size() == 1);
    CHECK(std::string(fields[0]->label) == "Seats");
    std::string id = s.create(kContacts, {{"last_name", "Okafor"}, {"cfn_seats", 7}});
    CHECK(s.db().query_int("SELECT cfn_seats FROM contacts WHERE id = '" + id + "'") == 7);
    // The first removed: the other one speaks for the column now, with the values.
    s.remove(kCustomFields, first);
    fields = custom_fields_of(kContacts);
    REQUIRE(fields.size() == 1);
    CHECK(std::string(fields[0]->label) == "Licences");
    CHECK(!fields[0]->has(F_Hidden));
}

TEST_CASE("scoped (the sync server's replicas): one database's fields never reach another's table or specs") {
    custom_fields_scoped(true);
    {
        Fixture x, y;
        add_custom_field(x.store, {"contacts", "Secret project", "text"});
        CHECK(columns_of(x.db, "contacts").count("cf_secret_project") == 1);
        CHECK(columns_of(y.db, "contacts").count("cf_secret_project") == 0);
        load_custom_fields(y.db);
        CHECK(!kContacts.field("cf_secret_project"));
        y.store.create(kContacts, {{"last_name", "Only Y's fields"}});
        load_custom_fields(x.db);
        CHECK(kContacts.field("cf_secret_project"));
        x.store.create(kContacts, {{"last_name", "X"}, {"cf_secret_project", "Falcon"}});
    }
    custom_fields_scoped(false);
    CHECK(custom_fields_of(kContacts).empty());
}

TEST_CASE("a column name from a file or another device must be a custom field's: nothing else reaches SQL") {
    Fixture fx;
    CHECK_THROWS_WITH_AS(fx.store.create(kCustomFields, {{"entity", "contacts"}, {"label", "Evil"}, {"column_name", "x; DROP TABLE contacts"}}),
                         doctest::Contains("is not a custom field's column"), ValidationError);
    CHECK_THROWS_AS(fx.store.create(kCustomFields, {{"entity", "contacts"}, {"label", "Evil"}, {"column_name", "last_name"}}), ValidationError);
    // The column's prefix must fit the type: a number's values never land in a text column.
    CHECK_THROWS_WITH_AS(fx.store.create(kCustomFields, {{"entity", "contacts"}, {"label", "Seats"}, {"type", "number"}, {"column_name", "cf_seats"}}),
                         doctest::Contains("does not fit a field of type number (cfn_...)"), ValidationError);
    CHECK(fx.db.query_int("SELECT count(*) FROM custom_fields") == 0);
}

}  // TEST_SUITE
