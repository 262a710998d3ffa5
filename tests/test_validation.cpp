// test_validation.cpp - field formats and ranges, with errors naming the field.
#include "testing.h"
#include "records/validate.h"

using namespace crm;
using namespace crm::testing;

TEST_SUITE("validation") {

TEST_CASE("e-mail addresses") {
    for (const char* ok : {"a@b.co", "jane.doe+crm@example.com", "o'brien@example.ie", "josé@exämple.de", "x_y@sub.domain.org"}) {
        CAPTURE(std::string(ok));
        CHECK(is_valid_email(ok));
    }
    for (const char* bad : {"", "plain", "@example.com", "a@", "a@b", "a@b.c", "a b@example.com", "a@@example.com",
                            "a@example..com", "a@.example.com", ".a@example.com", "a@exa mple.com"}) {
        CAPTURE(std::string(bad));
        CHECK_FALSE(is_valid_email(bad));
    }
}

TEST_CASE("phone numbers") {
    for (const char* ok : {"+44 20 7946 0958", "(030) 123-4567", "030/1234567", "+1.555.010.9999", "0800 123456 ext. 12", "12345"}) {
        CAPTURE(std::string(ok));
        CHECK(is_valid_phone(ok));
    }
    for (const char* bad : {"", "1234", "call me", "+44 +20 123456", "12345678901234567890", "555-CALL-NOW", "123456 ext"}) {
        CAPTURE(std::string(bad));
        CHECK_FALSE(is_valid_phone(bad));
    }
}

TEST_CASE("countries, URLs and dates") {
    CHECK(is_valid_country("DE"));
    CHECK(is_valid_country("JP"));
    CHECK_FALSE(is_valid_country("XX"));
    CHECK_FALSE(is_valid_country("DEU"));
    CHECK(is_valid_url("https://example.com/path"));
    CHECK(is_valid_url("example.co.uk"));
    CHECK_FALSE(is_valid_url("not a url"));
    CHECK(is_valid_date("2024-02-29"));
    CHECK_FALSE(is_valid_date("2023-02-29"));
    CHECK_FALSE(is_valid_date("2024-13-01"));
    CHECK(parse_datetime("2026-03-01T09:00:00Z") == parse_datetime("2026-03-01T10:00:00+01:00"));
    CHECK(format_datetime(*parse_datetime("2026-03-01 09:30")) == "2026-03-01T09:30:00.000Z");
    CHECK_FALSE(parse_datetime("2026-03-01T25:00:00Z"));
}

TEST_CASE("values are normalised to the field's type") {
    const FieldSpec& amount = *kOpportunities.field("amount");
    Value v = std::string("1,234.5");
    normalize_field(kOpportunities, amount, v);
    CHECK(std::get<int64_t>(v) == 123450);
    Value country = std::string(" de ");
    normalize_field(kAccounts, *kAccounts.field("country"), country);
    CHECK(std::get<std::string>(country) == "DE");
    Value tier = std::string("gold");
    normalize_field(kAccounts, *kAccounts.field("tier"), tier);
    CHECK(std::get<std::string>(tier) == "Gold");
    Value yes = std::string("Yes");
    normalize_field(kContacts, *kContacts.field("do_not_call"), yes);
    CHECK(std::get<int64_t>(yes) == 1);
    Value when = std::string("2026-01-02T03:04:05+02:00");
    normalize_field(kActivities, *kActivities.field("occurred_at"), when);
    CHECK(std::get<std::string>(when) == "2026-01-02T01:04:05.000Z");
}

TEST_CASE("a bad value is reported with its entity and field") {
    Fixture fx;
    CHECK(validation_error([&] { fx.store.create(kContacts, {{"last_name", "Doe"}, {"email", "doe-at-example"}}) ; })
          == "contacts.email: 'doe-at-example' is not a valid e-mail address");
    CHECK(validation_error([&] { fx.store.create(kContacts, {{"first_name", "Jane"}}); }) == "contacts.last_name: is required");
    CHECK(validation_error([&] { fx.store.create(kContacts, {{"last_name", "Doe"}, {"phone", "call me"}}); })
          == "contacts.phone: 'call me' is not a valid phone number");
    std::string acc = fx.account();
    CHECK(validation_error([&] { fx.store.create(kOpportunities, {{"name", "Deal"}, {"account_id", acc}, {"amount", int64_t(-5)}}); })
          == "opportunities.amount: must not be negative");
    CHECK(validation_error([&] { fx.store.create(kOpportunities, {{"name", "Deal"}, {"account_id", acc}, {"probability", int64_t(120)}}); })
          == "opportunities.probability: must be between 0 and 100");
    CHECK(validation_error([&] { fx.store.create(kOpportunities, {{"name", "Deal"}, {"account_id", acc}, {"stage", "negotiate"}}); })
          == "opportunities.stage: 'negotiate' is not one of: qualify, develop, propose, won, lost");
    CHECK(validation_error([&] { fx.store.create(kCampaigns, {{"name", "Spring"}, {"start_date", "2026-05-01"}, {"end_date", "2026-04-01"}}); })
          == "campaigns.end_date: must not be before Start (2026-05-01)");
    CHECK(validation_error([&] { fx.store.create(kContacts, {{"last_name", "Doe"}, {"nickname", "JD"}}); })
          == "contacts.nickname: is not a field of Contacts");
    CHECK(validation_error([&] { fx.store.create(kOrderLines, {{"order_id", "nope"}, {"product_id", "nope"}, {"quantity", int64_t(0)}}); })
          == "order_lines.quantity: must be greater than zero");
    // A long bad value is quoted short; text over 1 MiB is refused whole.
    CHECK(validation_error([&] { fx.store.create(kContacts, {{"last_name", "Doe"}, {"email", std::string(100, 'a') + "-at-example"}}); })
          == "contacts.email: '" + std::string(60, 'a') + "...' is not a valid e-mail address");
    // Cut at a character boundary: "é" (2 bytes) at bytes 59-60 is left out whole.
    CHECK(validation_error([&] { fx.store.create(kContacts, {{"last_name", "Doe"}, {"email", std::string(59, 'a') + "é" + std::string(40, 'b')}}); })
          == "contacts.email: '" + std::string(59, 'a') + "...' is not a valid e-mail address");
    CHECK(validation_error([&] { fx.store.create(kContacts, {{"last_name", "Doe"}, {"notes", std::string((1 << 20) + 1, 'n')}}); })
          == "contacts.notes: is longer than 1 MiB (1048577 bytes)");
    CHECK(validation_error([&] { fx.store.create(kContacts, {{"last_name", "Doe"}, {"notes", std::string(1 << 20, 'n')}}); }).empty());
}

TEST_CASE("references must name a live record") {
    Fixture fx;
    CHECK(validation_error([&] { fx.contact("Jane", "Doe", "no-such-account"); })
          == "contacts.account_id: no account with id 'no-such-account'");
    std::string acc = fx.account();
    fx.store.remove(kAccounts, acc);
    CHECK(validation_error([&] { fx.contact("Jane", "Doe", acc); }) == "contacts.account_id: refers to a deleted account");
    std::string parent = fx.account("Parent");
    CHECK(validation_error([&] { fx.store.update(kAccounts, parent, {{"parent_id", parent}}); })
          == "accounts.parent_id: a record cannot refer to itself");
}

TEST_CASE("a rejected write leaves nothing behind") {
    Fixture fx;
    int64_t log_before = fx.db.query_int("SELECT count(*) FROM change_log");
    CHECK_THROWS_AS(fx.store.create(kContacts, {{"last_name", "Doe"}, {"account_id", "missing"}}), ValidationError);
    CHECK(fx.store.count(kContacts) == 0);
    CHECK(fx.db.query_int("SELECT count(*) FROM change_log") == log_before);
    CHECK_FALSE(fx.db.in_transaction());
}

}  // TEST_SUITE
