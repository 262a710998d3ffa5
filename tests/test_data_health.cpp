// test_data_health.cpp - data decay: when records were last verified, what
// makes a record stale, incomplete or wrong, its score and the overall one,
// "Mark verified" and an edit clearing what they should, bounces since the
// last verification, records from before the field existed, slices equal to
// one run, and the field syncing as an ordinary change.
#include "quality/data_health.h"
#include "storage/schema.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

TEST_SUITE("health") {

namespace {

const RecordHealth* find(const HealthReport& r, const std::string& id) {
    for (const RecordHealth& h : r.flagged)
        if (h.id == id) return &h;
    return nullptr;
}
bool has(const RecordHealth* h, HealthIssue i) { return h && (h->issues & (1u << i)); }

}  // namespace

TEST_CASE("a record's issues and score: stale, bounced, invalid, missing fields; the overall score and bands") {
    Fixture fx;
    const int64_t day = 86400000;
    // Entered two years ago and never touched since.
    std::string old = fx.store.create(kContacts, {{"first_name", "Olga"}, {"last_name", "Old"}, {"email", "olga@old.example"},
                                                  {"phone", "+49 30 1234567"}, {"country", "DE"}});
    fx.now += 730 * day;
    // Complete and fresh: no issue.
    std::string fresh = fx.store.create(kContacts, {{"first_name", "Fritz"}, {"last_name", "Fresh"}, {"email", "fritz@fresh.example"},
                                                    {"phone", "+49 30 7654321"}, {"country", "DE"}});
    // Nothing but a name.
    std::string bare = fx.store.create(kContacts, {{"last_name", "Bare"}});
    // Its e-mail bounced after it was verified.
    std::string bounced = fx.store.create(kContacts, {{"first_name", "Bea"}, {"last_name", "Bounce"}, {"email", "bea@gone.example"},
                                                      {"mobile", "+33 6 12 34 56 78"}, {"country", "FR"}});
    fx.tick();
    fx.store.create(kActivities, {{"type", "email"}, {"direction", "outbound"}, {"subject", "Offer"}, {"outcome", "Bounced: mailbox unknown"},
                                  {"occurred_at", format_datetime(fx.now)}, {"contact_id", bounced}});
    // A phone number from an old system that cannot be dialled (written before validation).
    std::string badphone = fx.contact("Phil", "Phone", "", "phil@phone.example");
    fx.db.exec("UPDATE contacts SET phone = '12345', country = 'DE' WHERE id = '" + badphone + "'");

    HealthReport r = check_health(fx.store, kContacts);
    CHECK(r.records == 5);
    CHECK(!find(r, fresh));
    const RecordHealth* o = find(r, old);
    REQUIRE(o);
    CHECK(o->issues == (1u << H_Stale));
    CHECK(o->score == 70);
    const RecordHealth* b = find(r, bare);
    CHECK(has(b, H_NoEmail));
    CHECK(has(b, H_NoPhone));
    CHECK(has(b, H_NoCountry));
    CHECK(!has(b, H_Stale));
    CHECK(b->score == 100 - 10 - 10 - 5);
    CHECK(has(find(r, bounced), H_Bounced));
    CHECK(find(r, bounced)->score == 75);
    CHECK(has(find(r, badphone), H_BadPhone));
    CHECK(r.counts[H_Stale] == 1);
    CHECK(r.counts[H_Bounced] == 1);
    CHECK(r.poor + r.fair + r.good == 5);
    CHECK(r.score == doctest::Approx((100 + 70 + 75 + 75 + 85) / 5.0));
    // Worst first.
    REQUIRE(r.flagged.size() == 4);
    for (size_t i = 1; i < r.flagged.size(); i++) CHECK(r.flagged[i - 1].score <= r.flagged[i].score);

    // A longer period: two years is not stale within 36 months.
    HealthOptions longer;
    longer.months = 36;
    CHECK(!find(check_health(fx.store, kContacts, longer), old));

    // "Mark verified" clears stale and the bounce before it; the fields stay as they were.
    fx.tick();
    mark_verified(fx.store, kContacts, {old, bounced});
    r = check_health(fx.store, kContacts);
    CHECK(!find(r, old));
    CHECK(!find(r, bounced));
    CHECK(fx.store.must_get(kContacts, old).text("verified_at") == format_datetime(fx.now));
    // The verification is an ordinary change: it is in the change log and syncs.
    CHECK(fx.db.query_int("SELECT count(*) FROM change_log WHERE record_id = crm_id_key('" + old + "') AND field = 'verified_at'") >= 1);
    // A new bounce after the verification counts again.
    fx.tick();
    fx.store.create(kActivities, {{"type", "email"}, {"outcome", "bounce"}, {"occurred_at", format_datetime(fx.now)}, {"contact_id", bounced}});
    CHECK(has(find(check_health(fx.store, kContacts), bounced), H_Bounced));
    CHECK_THROWS_AS(check_health(fx.store, kLeads), std::invalid_argument);
    CHECK_THROWS_AS(mark_verified(fx.store, kOrders, {old}), std::invalid_argument);
}

TEST_CASE("accounts: website, industry and phone are key fields; a bounce on the account's own address counts") {
    Fixture fx;
    std::string a = fx.store.create(kAccounts, {{"name", "Acme GmbH"}, {"country", "DE"}, {"email", "info@acme.example"}});
    std::string b = fx.store.create(kAccounts, {{"name", "Beta AG"}, {"country", "DE"}, {"email", "info@beta.example"}, {"phone", "+49 89 123456"},
                                                {"website", "beta.example"}, {"industry", "Retail"}});
    std::string person = fx.contact("Pia", "Person", b, "pia@beta.example");
    fx.tick();
    // A bounce of a person's address at the account is the person's, not the account's.
    fx.store.create(kActivities, {{"type", "email"}, {"outcome", "bounced"}, {"occurred_at", format_datetime(fx.now)}, {"account_id", b},
                                  {"contact_id", person}});
    HealthReport r = check_health(fx.store, kAccounts);
    const RecordHealth* ha = find(r, a);
    REQUIRE(ha);
    CHECK(ha->issues == ((1u << H_NoPhone) | (1u << H_NoWebsite) | (1u << H_NoIndustry)));
    CHECK(ha->title == "Acme GmbH");
    CHECK(!find(r, b));
    fx.store.create(kActivities, {{"type", "email"}, {"outcome", "bounced"}, {"occurred_at", format_datetime(fx.now)}, {"account_id", b}});
    CHECK(has(find(check_health(fx.store, kAccounts), b), H_Bounced));
}

TEST_CASE("records from before the field: their last edit stands for the verification, and the migration writes no row") {
    Database db(":memory:");
    migrate(db, 10);
    db.exec("INSERT INTO contacts(id, created_at, updated_at, first_name, last_name, email, phone, country) VALUES "
            "('01900000-0000-7000-8000-000000000001', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 'Ann', 'Early', 'ann@e.example', '+49 30 1234567', 'DE'),"
            "('01900000-0000-7000-8000-000000000002', '2020-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', 'Ben', 'Edited', 'ben@e.example', '+49 30 1234568', 'DE')");
    Store store(db);   // migrates to the latest version: the schema only, no row rewritten
    CHECK(db.query_int("SELECT count(*) FROM contacts WHERE verified_at <> ''") == 0);
    CHECK(db.query_int("SELECT count(*) FROM contacts WHERE updated_at = '2020-01-01T00:00:00.000Z'") == 1);
    HealthOptions o;
    o.now_ms = *parse_datetime("2026-03-01T00:00:00Z");
    HealthReport r = check_health(store, kContacts, o);
    CHECK(r.records == 2);
    REQUIRE(r.flagged.size() == 1);
    CHECK(r.flagged[0].title == "Ann Early");
    CHECK(r.flagged[0].verified == "2020-01-01T00:00:00.000Z");
}

TEST_CASE("demo data: slices give the same report as one run, every record scored once") {
    DemoDb d(2000, 3);
    HealthOptions o;
    o.now_ms = kDemoNow;
    HealthReport whole = check_health(d.store, kContacts, o);
    CHECK(whole.records == d.q("SELECT count(*) FROM contacts WHERE deleted = 0"));
    CHECK(whole.counts[H_Stale] > 0);   // the demo's people were entered over the past years
    CHECK(whole.counts[H_Stale] < whole.records);
    HealthScan scan(d.store, kContacts, o);
    int slices = 0;
    double last = -1;
    while (!scan.step(0.2)) {
        slices++;
        CHECK(scan.progress() >= last);
        last = scan.progress();
    }
    CHECK(slices > 2);
    const HealthReport& r = scan.report();
    CHECK(r.records == whole.records);
    CHECK(r.counts == whole.counts);
    CHECK(r.flagged.size() == whole.flagged.size());
    CHECK(r.score == doctest::Approx(whole.score));
    printf("data health: %lld demo contacts, score %.1f, %lld stale, %lld without e-mail, %lld bounced; %lld poor, %lld fair, %lld good\n",
           (long long)r.records, r.score, (long long)r.counts[H_Stale], (long long)r.counts[H_NoEmail], (long long)r.counts[H_Bounced],
           (long long)r.poor, (long long)r.fair, (long long)r.good);
}

}  // TEST_SUITE
