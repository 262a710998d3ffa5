// test_duplicates.cpp - the duplicate finder: normalisation tables, pair
// scores with their reasons, the cases that must not match (a household,
// a switchboard number), slices equal to one run, and precision and recall
// on demo data with duplicates injected the ways people make them.
#include <chrono>
#include <cstdio>
#include <set>

#include "quality/duplicates.h"
#include "quality/normalize.h"
#include "quality/record_merge.h"
#include "sync/merge.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

TEST_SUITE("duplicates") {

TEST_CASE("names fold to Latin letters: diacritics, Cyrillic, Greek, punctuation") {
    CHECK(fold_text("Zoë Ångström") == "zoe angstrom");
    CHECK(fold_text("Łukasz Żółkiewski") == "lukasz zolkiewski");
    CHECK(fold_text("Straße") == "strasse");
    CHECK(fold_text("Ærø  Þór") == "aero thor");
    CHECK(fold_text("Nguyễn Thị") == "nguyen thi");   // precomposed letters beyond Latin-1
    CHECK(fold_text("Jose\xCC\x81") == "jose");        // a decomposed accent
    CHECK(fold_text("Дмитрий Иванов") == "dmitriy ivanov");
    CHECK(fold_text("Щукин Юрий") == "shchukin yuriy");
    CHECK(fold_text("Γιώργος Παπαδόπουλος") == "giorgos papadopoylos");
    CHECK(fold_text("O'Neil-Smith, Jr.") == "oneil smith jr");
    CHECK(fold_text("Ștefan Țurcanu") == "stefan turcanu");
    CHECK(fold_text("山田 美咲") == "山田 美咲");        // no Latin spelling: kept as written
    CHECK(fold_text("  ") == "");
}

TEST_CASE("nicknames map to the full first name, only as whole words") {
    CHECK(canonical_first_name("Bill") == "william");
    CHECK(canonical_first_name("bob") == "robert");
    CHECK(canonical_first_name("Sepp") == "josef");
    CHECK(canonical_first_name("Katie") == "katherine");
    CHECK(canonical_first_name("Billie") == "billie");
    CHECK(canonical_first_name("Anna Liz") == "anna elizabeth");
    CHECK(canonical_first_name("") == "");
}

TEST_CASE("company names lose their legal form") {
    CHECK(company_key("Müller & Söhne GmbH & Co. KG") == "muller sohne");
    CHECK(company_key("ACME Ltd.") == "acme");
    CHECK(company_key("Acme Limited") == "acme");
    CHECK(company_key("Acme, Inc.") == "acme");
    CHECK(company_key("Telefónica S.A.") == "telefonica");
    CHECK(company_key("Fiat S.p.A.") == "fiat");
    CHECK(company_key("Philips N.V.") == "philips");
    CHECK(company_key("The Boring Company") == "boring");
    CHECK(company_key("AG") == "ag");               // nothing but a legal form: kept
    CHECK(company_key("Saab AB") == "saab");
    CHECK(company_key("Agfa") == "agfa");           // not a suffix inside a word
}

TEST_CASE("e-mail keys: case, and the dots and tags of providers that ignore them") {
    CHECK(email_key("Anna.Schmidt@Example.COM") == "anna.schmidt@example.com");
    CHECK(email_key("a.n.n.a+crm@gmail.com") == "anna@gmail.com");
    CHECK(email_key("anna@googlemail.com") == "anna@gmail.com");
    CHECK(email_key("anna+news@outlook.com") == "anna@outlook.com");
    CHECK(email_key("anna.s+x@example.com") == "anna.s+x@example.com");   // other domains: as written
    CHECK(email_key("mailto:Anna@Example.com") == "anna@example.com");
    CHECK(email_key("not an address") == "");
    CHECK(email_key("anna@localhost") == "");
}

TEST_CASE("phone keys: E.164 from the record's country") {
    CHECK(phone_key("030 1234567", "DE") == "+49301234567");
    CHECK(phone_key("+49 30 1234567", "DE") == "+49301234567");
    CHECK(phone_key("+49 (0)30 123 45 67", "") == "+49301234567");
    CHECK(phone_key("0049-30-1234567", "FR") == "+49301234567");
    CHECK(phone_key("(415) 555-0123", "US") == "+14155550123");
    CHECK(phone_key("1-415-555-0123", "us") == "+14155550123");
    CHECK(phone_key("011 49 30 1234567", "US") == "+49301234567");
    CHECK(phone_key("06 12 34 56 78", "FR") == "+33612345678");
    CHECK(phone_key("06 1234 5678", "IT") == "+390612345678");   // Italy keeps its leading 0
    CHECK(phone_key("8 (495) 123-45-67", "RU") == "+74951234567");
    CHECK(phone_key("020 7946 0018 ext. 12", "GB") == "+442079460018");
    CHECK(phone_key("12345", "DE") == "");
    CHECK(phone_key("0301234567", "") == "0301234567");          // no country: its digits
}

TEST_CASE("web sites key by their host") {
    CHECK(website_key("https://www.Acme.de/contact") == "acme.de");
    CHECK(website_key("acme.de") == "acme.de");
    CHECK(website_key("http://shop.acme.de:8080?x") == "shop.acme.de");
    CHECK(website_key("acme") == "");
}

TEST_CASE("Jaro-Winkler gives the published values") {
    CHECK(jaro_winkler("martha", "marhta") == doctest::Approx(0.961).epsilon(0.001));
    CHECK(jaro_winkler("dwayne", "duane") == doctest::Approx(0.840).epsilon(0.001));
    CHECK(jaro_winkler("dixon", "dicksonx") == doctest::Approx(0.813).epsilon(0.001));
    CHECK(jaro_winkler("abc", "abc") == 1.0);
    CHECK(jaro_winkler("abc", "xyz") == 0.0);
    CHECK(jaro_winkler("", "") == 1.0);
}

namespace {

Record person(const char* first, const char* last, Fields more = {}) {
    Record r;
    r.spec = &kContacts;
    static int n = 0;
    r.id = "c" + std::to_string(++n);
    r.created_at = "2026-01-01T00:00:00.000Z";
    for (const FieldSpec& f : kContacts.fields) r.values.push_back(default_value(f));
    auto set = [&](const char* name, const Value& v) { r.values[(size_t)field_index(kContacts, name)] = v; };
    set("first_name", std::string(first));
    set("last_name", std::string(last));
    for (auto& [k, v] : more) set(k.c_str(), v);
    return r;
}

bool has_reason(const DuplicatePair& p, const std::string& reason) {
    for (const std::string& r : p.reasons)
        if (r == reason) return true;
    return false;
}

}  // namespace

TEST_CASE("pair scores say why: strong evidence passes, a name alone or a shared switchboard does not") {
    Fixture fx;
    auto s = [&](const Record& a, const Record& b) { return score_records(fx.store, kContacts, a, b); };
    DuplicatePair p = s(person("Anna", "Schmidt", {{"email", "anna.schmidt@example.com"}}),
                        person("Anna", "Schmidt", {{"email", "Anna.Schmidt@EXAMPLE.com"}}));
    CHECK(p.score >= 0.9);
    CHECK(has_reason(p, "same name"));
    CHECK(has_reason(p, "same e-mail"));

    p = s(person("Schmidt", "Anna", {{"phone", "030 1234567"}, {"country", "DE"}}),
          person("Anna", "Schmidt", {{"mobile", "+49 30 1234567"}, {"country", "DE"}}));
    CHECK(p.score >= 0.8);
    CHECK(has_reason(p, "same name, first and last swapped"));
    CHECK(has_reason(p, "same phone"));

    p = s(person("Bill", "Gates", {{"account_id", "acc1"}}), person("William", "Gates", {{"account_id", "acc1"}}));
    CHECK(p.score >= 0.6);
    CHECK(has_reason(p, "same account"));

    p = s(person("Дмитрий", "Иванов", {{"account_id", "acc1"}}), person("Dmitriy", "Ivanov", {{"account_id", "acc1"}}));
    CHECK(p.score >= 0.6);

    // The same name and nothing else: two people.
    CHECK(s(person("Anna", "Schmidt"), person("Anna", "Schmidt")).score < 0.6);
    // A household: the same phone and city, another first name.
    CHECK(s(person("Anna", "Schmidt", {{"phone", "030 1234567"}, {"country", "DE"}, {"city", "Berlin"}}),
            person("Paul", "Schmidt", {{"phone", "030 1234567"}, {"country", "DE"}, {"city", "Berlin"}}))
              .score < 0.6);
    // A switchboard: the same number, the same account, different people.
    CHECK(s(person("Anna", "Schmidt", {{"phone", "+49 30 1000"}, {"account_id", "acc1"}}),
            person("Jonas", "Weber", {{"phone", "+49 30 1000"}, {"account_id", "acc1"}}))
              .score < 0.6);
    // Different birth dates weigh against everything else.
    p = s(person("Anna", "Schmidt", {{"email", "a@example.com"}, {"birth_date", "1980-01-01"}}),
          person("Anna", "Schmidt", {{"email", "a@example.com"}, {"birth_date", "1991-05-05"}}));
    CHECK(p.score < 0.6);
    CHECK(has_reason(p, "different birth dates"));
}

TEST_CASE("accounts: the same company under another legal form or web address form") {
    Fixture fx;
    std::string a = fx.store.create(kAccounts, {{"name", "Müller Maschinenbau GmbH"}, {"website", "https://www.mueller-mb.de"}, {"city", "Stuttgart"}, {"country", "DE"}});
    std::string b = fx.store.create(kAccounts, {{"name", "Mueller Maschinenbau"}, {"website", "mueller-mb.de"}, {"city", "Stuttgart"}, {"country", "DE"}});
    fx.store.create(kAccounts, {{"name", "Müller Logistik GmbH"}, {"city", "Hamburg"}, {"country", "DE"}});
    fx.store.create(kAccounts, {{"name", "Acme Inc."}, {"country", "US"}});
    fx.store.create(kAccounts, {{"name", "Acme GmbH"}, {"country", "DE"}});   // a subsidiary abroad: not merged by name alone
    DuplicateReport r = find_duplicates(fx.store, kAccounts);
    REQUIRE(r.groups.size() == 1);
    CHECK(r.groups[0].ids == std::vector<std::string>{a, b});
    CHECK(has_reason(r.groups[0].pairs[0], "same website"));
}

TEST_CASE("the finder groups a chain, keeps the oldest first, and skips deleted records and converted leads") {
    Fixture fx;
    std::string acc = fx.account("Acme GmbH");
    std::string a = fx.contact("Anna", "Schmidt", acc, "anna@example.com");
    fx.tick();
    std::string b = fx.contact("Anna", "Schmidt", "", "anna@example.com");   // same e-mail as a
    fx.tick();
    std::string c = fx.store.create(kContacts, {{"first_name", "Anna"}, {"last_name", "Schmitd"}, {"account_id", acc}, {"phone", "+49 30 555 1234"}});
    fx.tick();
    std::string d = fx.store.create(kContacts, {{"first_name", "A."}, {"last_name", "Schmidt"}, {"account_id", acc}, {"phone", "030 5551234"}, {"country", "DE"}});
    std::string gone = fx.contact("Anna", "Schmidt", acc, "anna@example.com");
    fx.store.remove(kContacts, gone);
    fx.contact("Jonas", "Weber", acc, "jonas@example.com");
    DuplicateReport r = find_duplicates(fx.store, kContacts);
    CHECK(r.records == 5);
    REQUIRE(r.groups.size() == 1);
    CHECK(r.groups[0].ids == std::vector<std::string>{a, b, c, d});
    CHECK(r.groups[0].score >= 0.9);

    // Leads: a converted lead is its contact now and is not compared.
    std::string l1 = fx.store.create(kLeads, {{"first_name", "Jo"}, {"last_name", "Black"}, {"company", "Black Ltd"}, {"email", "jo@black.example"}});
    std::string l2 = fx.store.create(kLeads, {{"first_name", "Jo"}, {"last_name", "Black"}, {"company", "Black Limited"}, {"email", "JO@black.example"}});
    fx.store.create(kLeads, {{"first_name", "Jo"}, {"last_name", "Black"}, {"email", "jo@black.example"}, {"status", "converted"}});
    r = find_duplicates(fx.store, kLeads);
    REQUIRE(r.groups.size() == 1);
    CHECK(r.groups[0].ids == std::vector<std::string>{l1, l2});
    CHECK(has_reason(r.groups[0].pairs[0], "same company"));
    CHECK_THROWS_AS(find_duplicates(fx.store, kOrders), std::invalid_argument);
}

namespace {

// Demo data with known duplicates added the ways people make them. Returns
// the true pairs (original id, copy id).
std::set<std::pair<std::string, std::string>> inject_duplicates(DemoDb& d, int n, uint64_t seed) {
    Rng rng(seed);
    std::set<std::pair<std::string, std::string>> truth;
    Statement st(d.db, "SELECT id FROM contacts WHERE deleted = 0 ORDER BY id");
    std::vector<std::string> ids;
    while (st.step()) ids.push_back(st.column_text(0));
    static const char* const kNick[][2] = {{"William", "Bill"}, {"Robert", "Bob"}, {"Michael", "Mike"}, {"Thomas", "Tom"}, {"Elizabeth", "Liz"}};
    std::set<size_t> used;
    for (int k = 0; k < n; k++) {
        size_t i;
        do i = (size_t)rng.below(ids.size()); while (!used.insert(i).second);
        Record o = d.store.must_get(kContacts, ids[i]);
        std::string first = o.text("first_name"), last = o.text("last_name"), email = o.text("email"), phone = o.text("phone");
        Fields f{{"account_id", o.get("account_id")}, {"country", o.get("country")}, {"city", o.get("city")}};
        switch (k % 6) {
        case 0:   // a typo in the last name, the same e-mail
            if (last.size() > 3) std::swap(last[1], last[2]);
            f.push_back({"email", email});
            break;
        case 1: {   // first and last swapped, the phone written another way
            std::swap(first, last);
            std::string digits;
            for (char c : phone) if (c >= '0' && c <= '9') digits += c;
            f.push_back({"mobile", digits.empty() ? phone : "+" + digits});
            break;
        }
        case 2:   // the e-mail in capitals, the name in capitals
            for (char& c : email) c = (char)toupper((unsigned char)c);
            for (char& c : last) c = (char)toupper((unsigned char)c);
            f.push_back({"email", email});
            break;
        case 3:   // a nickname, same account, nothing else in common
            first = kNick[k % 5][1];
            d.store.update(kContacts, ids[i], {{"first_name", kNick[k % 5][0]}});
            break;
        case 4:   // a typo in the first name, the same phone as written
            if (first.size() > 3) first[first.size() - 2] = first[first.size() - 2] == 'e' ? 'a' : 'e';
            f.push_back({"phone", phone});
            break;
        case 5: {   // a pair written in Cyrillic and in Latin letters, at one account
            static const char* const kCyr[][4] = {{"Дмитрий", "Иванов", "Dmitriy", "Ivanov"}, {"Ольга", "Смирнова", "Olga", "Smirnova"},
                                                  {"Сергей", "Кузнецов", "Sergey", "Kuznetsov"}, {"Наталья", "Попова", "Natalya", "Popova"}};
            const char* const* names = kCyr[(k / 6) % 4];
            std::string orig = d.store.create(kContacts, {{"first_name", names[0]}, {"last_name", std::string(names[1]) + " " + std::to_string(k)},
                                                          {"account_id", o.get("account_id")}});
            std::string copy = d.store.create(kContacts, {{"first_name", names[2]}, {"last_name", std::string(names[3]) + " " + std::to_string(k)},
                                                          {"account_id", o.get("account_id")}});
            truth.insert({std::min(orig, copy), std::max(orig, copy)});
            continue;
        }
        }
        f.push_back({"first_name", first});
        f.push_back({"last_name", last});
        std::string copy = d.store.create(kContacts, f);
        truth.insert({std::min(ids[i], copy), std::max(ids[i], copy)});
    }
    return truth;
}

}  // namespace

TEST_CASE("precision and recall on demo data with injected duplicates, and slices give the same groups") {
    // CRM_DUP_CONTACTS / CRM_DUP_INJECT measure it at another size (the README's figure at the benchmark size).
    DemoDb d(env_int("CRM_DUP_CONTACTS", 3000), 11);
    auto truth = inject_duplicates(d, (int)env_int("CRM_DUP_INJECT", 240), 5);
    auto t0 = std::chrono::steady_clock::now();
    DuplicateReport r = find_duplicates(d.store, kContacts);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::set<std::pair<std::string, std::string>> found;
    for (const DuplicateGroup& g : r.groups)
        for (const DuplicatePair& p : g.pairs) found.insert({std::min(p.a, p.b), std::max(p.a, p.b)});
    int tp = 0;
    for (const auto& p : found) tp += truth.count(p) ? 1 : 0;
    double precision = found.empty() ? 0 : (double)tp / (double)found.size();
    double recall = (double)tp / (double)truth.size();
    printf("duplicates: %lld contacts, %zu injected, %zu pairs found, precision %.3f, recall %.3f, %lld comparisons, %.0f ms\n",
           (long long)r.records, truth.size(), found.size(), precision, recall, (long long)r.comparisons, ms);
    for (const auto& p : found)
        if (!truth.count(p)) {
            Record a = d.store.must_get(kContacts, p.first), b = d.store.must_get(kContacts, p.second);
            MESSAGE("not injected: " << a.text("first_name") << " " << a.text("last_name") << " / " << b.text("first_name") << " " << b.text("last_name"));
        }
    CHECK(precision >= 0.95);
    CHECK(recall >= 0.90);

    // The same scan a slice at a time.
    DuplicateScan scan(d.store, kContacts);
    int slices = 0;
    double last = -1;
    while (!scan.step(0.5)) {
        slices++;
        CHECK(scan.progress() >= last);
        last = scan.progress();
    }
    CHECK(slices > 10);
    REQUIRE(scan.report().groups.size() == r.groups.size());
    for (size_t i = 0; i < r.groups.size(); i++) CHECK(scan.report().groups[i].ids == r.groups[i].ids);
}

TEST_CASE("a record not saved yet is warned of its likely duplicates, found through the search index") {
    // CRM_DUP_CONTACTS / CRM_DUP_INJECT measure it at another size (the README's figure at the benchmark size).
    DemoDb d(env_int("CRM_DUP_CONTACTS", 3000), 11);
    auto truth = inject_duplicates(d, (int)env_int("CRM_DUP_INJECT", 240), 5);
    // Each injected copy, as a form would hold it before saving, must find its original.
    int found = 0, warned_wrongly = 0, shared_names = 0;
    std::set<std::string> copies;
    auto t0 = std::chrono::steady_clock::now();
    for (const auto& [x, y] : truth) {
        std::string copy = std::max(x, y), orig = std::min(x, y);   // ids grow: the copy is newer
        copies.insert(copy);
        Record r = d.store.must_get(kContacts, copy);
        Fields f;
        for (size_t i = 0; i < kContacts.fields.size(); i++) f.push_back({kContacts.fields[i].name, r.values[i]});
        std::vector<DuplicatePair> got = likely_duplicates(d.store, kContacts, f, 3, kLikelyDuplicateScore, copy);
        bool hit = false;
        for (const DuplicatePair& p : got) {
            CHECK(p.a.empty());
            CHECK(!p.reasons.empty());
            hit |= p.b == orig;
        }
        found += hit;
        if (!hit) {
            Record o = d.store.must_get(kContacts, orig);
            MESSAGE("missed: " << r.text("first_name") << " " << r.text("last_name") << " " << r.text("email") << " " << r.text("phone") << " "
                               << r.text("mobile") << " / " << o.text("first_name") << " " << o.text("last_name") << " " << o.text("email") << " "
                               << o.text("phone") << " " << o.text("country"));
        }
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / (double)truth.size();
    // Demo contacts that have no copy: a warning for them would be a false alarm.
    Statement st(d.db, "SELECT id FROM contacts WHERE deleted = 0 ORDER BY id LIMIT 400");
    int checked = 0;
    while (st.step()) {
        std::string id = st.column_text(0);
        bool injected = copies.count(id) > 0;
        for (const auto& [x, y] : truth) injected |= x == id;
        if (injected) continue;
        Record r = d.store.must_get(kContacts, id);
        Fields f;
        for (size_t i = 0; i < kContacts.fields.size(); i++) f.push_back({kContacts.fields[i].name, r.values[i]});
        auto got = likely_duplicates(d.store, kContacts, f, 3, kLikelyDuplicateScore, id);
        // Two demo people may share a name: that is worth a look, not a false alarm.
        Record other = got.empty() ? r : d.store.must_get(kContacts, got[0].b);
        bool same_name = !got.empty() && fold_text(other.text("first_name") + " " + other.text("last_name")) ==
                                             fold_text(r.text("first_name") + " " + r.text("last_name"));
        if (same_name) shared_names++;
        else warned_wrongly += !got.empty();
        checked++;
    }
    double recall = (double)found / (double)truth.size(), false_alarms = (double)warned_wrongly / (double)checked;
    printf("likely duplicates on create: recall %.3f over %zu injected, false alarms %.3f over %d others (%d share a name), %.2f ms a check\n",
           recall, truth.size(), false_alarms, checked, shared_names, ms);
    CHECK(recall >= 0.90);
    CHECK(false_alarms <= 0.05);

    // A new record with nothing to match is not warned; a lead and an account are found by their own keys.
    CHECK(likely_duplicates(d.store, kContacts, {{"first_name", "Zebedee"}, {"last_name", "Quaxworth"}}).empty());
    std::string acc = d.store.create(kAccounts, {{"name", "Nordlicht Handels GmbH"}, {"website", "https://www.nordlicht.example"}, {"city", "Kiel"}});
    auto accs = likely_duplicates(d.store, kAccounts, {{"name", "Nordlicht Handels AG"}, {"website", "nordlicht.example/kontakt"}, {"city", "Kiel"}});
    REQUIRE(!accs.empty());
    CHECK(accs[0].b == acc);
    CHECK(has_reason(accs[0], "same website"));
    // An account in another script, under another legal form: found by its name as written.
    std::string rom = d.store.create(kAccounts, {{"name", "Ромашка ООО"}, {"city", "Москва"}});
    auto roms = likely_duplicates(d.store, kAccounts, {{"name", "Ромашка АО"}, {"city", "Москва"}});
    REQUIRE(!roms.empty());
    CHECK(roms[0].b == rom);
    // A word the index holds no token of (a dash) does not void the name.
    CHECK(!likely_duplicates(d.store, kAccounts, {{"name", "Nordlicht – Handels GmbH"}, {"city", "Kiel"}}).empty());
    std::string lead = d.store.create(kLeads, {{"first_name", "Oona"}, {"last_name", "Vasquez"}, {"company", "Vasquez Ltd"}, {"email", "oona@vasquez.example"}});
    auto leads = likely_duplicates(d.store, kLeads, {{"first_name", "Oona"}, {"last_name", "Vasques"}, {"email", "OONA@vasquez.example"}});
    REQUIRE(!leads.empty());
    CHECK(leads[0].b == lead);
    CHECK(has_reason(leads[0], "same e-mail"));
    CHECK(likely_duplicates(d.store, kLeads, {{"first_name", "Oona"}, {"last_name", "Vasques"}, {"email", "OONA@vasquez.example"}}, 3, kLikelyDuplicateScore, lead).empty());
    // The same name alone is shown before saving (0.5), not proposed as a merge by the finder (0.6).
    auto same_name = likely_duplicates(d.store, kLeads, {{"first_name", "Oona"}, {"last_name", "Vasquez"}});
    REQUIRE(same_name.size() == 1);
    CHECK(same_name[0].score == doctest::Approx(0.5));
}

//-----------------------------------------------------------------------------
// Merge, undo, "not a duplicate"
//-----------------------------------------------------------------------------

TEST_CASE("a merge keeps the newest non-empty values, moves every reference and tag, and leaves a tombstone naming the survivor") {
    Fixture fx;
    std::string acc = fx.account("Acme GmbH");
    std::string other_acc = fx.account("Other AG");
    std::string rep = fx.user();
    std::string keep = fx.store.create(kContacts, {{"first_name", "Anna"}, {"last_name", "Schmidt"}, {"account_id", acc},
                                                   {"email", "anna@acme.example"}, {"job_title", "Buyer"}});
    fx.tick();
    std::string dup = fx.store.create(kContacts, {{"first_name", "Anna"}, {"last_name", "Schmidt"}, {"phone", "+49 30 1234567"},
                                                  {"job_title", "Head of purchasing"}, {"do_not_call", int64_t(1)}, {"account_id", other_acc}});
    // What refers to the duplicate: an activity, a task, an opportunity, a case, an order, tags, a converted lead.
    std::string act = fx.store.create(kActivities, {{"type", "call"}, {"subject", "Intro"}, {"contact_id", dup}, {"occurred_at", "2026-03-01T10:00:00Z"}});
    std::string task = fx.store.create(kTasks, {{"title", "Send offer"}, {"contact_id", dup}, {"due_at", "2026-03-05T09:00:00Z"}, {"owner_id", rep}});
    std::string opp = fx.store.create(kOpportunities, {{"name", "Deal"}, {"account_id", acc}, {"contact_id", dup}, {"expected_close", "2026-06-30"}});
    std::string cas = fx.store.create(kCases, {{"subject", "Broken"}, {"account_id", acc}, {"contact_id", dup}});
    std::string lead = fx.store.create(kLeads, {{"last_name", "Schmidt"}});
    fx.store.update(kLeads, lead, {{"converted_contact_id", dup}});
    std::string vip = fx.store.create(kTags, {{"name", "VIP"}});
    std::string fair = fx.store.create(kTags, {{"name", "Fair 2026"}});
    fx.store.create(kRecordTags, {{"tag_id", vip}, {"entity", "contacts"}, {"record_id", keep}});
    std::string vip_dup = fx.store.create(kRecordTags, {{"tag_id", vip}, {"entity", "contacts"}, {"record_id", dup}});
    std::string fair_dup = fx.store.create(kRecordTags, {{"tag_id", fair}, {"entity", "contacts"}, {"record_id", dup}});
    fx.tick();

    MergePlan plan = plan_merge(fx.store, kContacts, keep, {dup});
    CHECK(plan.ids == std::vector<std::string>{keep, dup});
    auto planned = [&](const char* name) -> const MergeField* {
        for (const MergeField& f : plan.fields)
            if (f.name == name) return &f;
        return nullptr;
    };
    REQUIRE(planned("job_title"));
    CHECK(planned("job_title")->chosen == 1);   // the newer record's
    REQUIRE(planned("email"));
    CHECK(planned("email")->chosen == 0);       // the newer one is empty
    CHECK(planned("do_not_call")->chosen == 1); // ticked anywhere stays ticked
    CHECK(!planned("last_name"));               // the same on both

    MergeSummary m = merge_records(fx.store, kContacts, keep, {dup}, {{"account_id", 0}});
    CHECK(m.merged == 1);
    CHECK(m.tags == 2);
    Record k = fx.store.must_get(kContacts, keep);
    CHECK(k.text("email") == "anna@acme.example");
    CHECK(k.text("phone") == "+49 30 1234567");
    CHECK(k.text("job_title") == "Head of purchasing");
    CHECK(k.integer("do_not_call") == 1);
    CHECK(k.text("account_id") == acc);          // chosen explicitly
    auto gone = fx.store.get(kContacts, dup, true);
    REQUIRE(gone);
    CHECK(gone->deleted);
    CHECK(gone->text("merged_into_id") == keep);
    CHECK(fx.store.must_get(kActivities, act).text("contact_id") == keep);
    CHECK(fx.store.must_get(kTasks, task).text("contact_id") == keep);
    CHECK(fx.store.must_get(kOpportunities, opp).text("contact_id") == keep);
    CHECK(fx.store.must_get(kCases, cas).text("contact_id") == keep);
    CHECK(fx.store.get(kLeads, lead, true)->text("converted_contact_id") == keep);
    CHECK(fx.db.query_int("SELECT count(*) FROM record_tags WHERE record_id = '" + keep + "' AND deleted = 0") == 2);   // VIP once, and the fair
    CHECK(fx.store.get(kRecordTags, vip_dup, true)->deleted);
    CHECK(fx.store.must_get(kRecordTags, fair_dup).text("record_id") == keep);
    // Ordinary changes in the log: they sync and show in the history.
    bool logged = false;
    for (const ChangeEntry& c : fx.store.history(dup)) logged |= c.field == "merged_into_id" && value_to_text(c.value) == keep;
    CHECK(logged);
    CHECK(fx.db.query_text("PRAGMA foreign_key_check") == "");

    // Undo: everything as it was before the merge.
    fx.tick();
    MergeSummary u = undo_last_merge(fx.store);
    CHECK(u.merge_id == m.merge_id);
    Record d = fx.store.must_get(kContacts, dup);
    CHECK(d.text("merged_into_id") == "");
    k = fx.store.must_get(kContacts, keep);
    CHECK(k.text("job_title") == "Buyer");
    CHECK(k.text("phone") == "");
    CHECK(k.integer("do_not_call") == 0);
    CHECK(fx.store.must_get(kActivities, act).text("contact_id") == dup);
    CHECK(fx.store.must_get(kOpportunities, opp).text("contact_id") == dup);
    CHECK(fx.store.get(kLeads, lead, true)->text("converted_contact_id") == dup);
    CHECK(fx.store.must_get(kRecordTags, vip_dup).text("record_id") == dup);
    CHECK(fx.store.must_get(kRecordTags, fair_dup).text("record_id") == dup);
    CHECK_THROWS_AS(undo_last_merge(fx.store), std::runtime_error);
}

TEST_CASE("a merge is all or nothing, and refuses what is not a merge") {
    Fixture fx;
    std::string a = fx.contact("Anna", "Schmidt");
    std::string b = fx.contact("Anna", "Schmidt");
    std::string acc = fx.account();
    CHECK_THROWS_AS(merge_records(fx.store, kContacts, a, {a}), ValidationError);
    CHECK_THROWS_AS(merge_records(fx.store, kContacts, a, {}), ValidationError);
    CHECK_THROWS_AS(merge_records(fx.store, kContacts, a, {b, b}), ValidationError);
    CHECK_THROWS_AS(merge_records(fx.store, kContacts, a, {acc}), ValidationError);   // not a contact
    CHECK_THROWS_AS(merge_records(fx.store, kOrders, a, {b}), std::invalid_argument);
    // A bad choice found after writes began leaves nothing behind.
    std::string act = fx.store.create(kActivities, {{"type", "call"}, {"subject", "x"}, {"contact_id", b}, {"occurred_at", "2026-03-01T10:00:00Z"}});
    CHECK_THROWS_AS(merge_records(fx.store, kContacts, a, {b}, {{"no_such_field", 0}}), ValidationError);
    CHECK(fx.store.must_get(kActivities, act).text("contact_id") == b);
    CHECK(fx.store.exists(kContacts, b));
    CHECK(fx.db.query_int("SELECT count(*) FROM merges") == 0);
}

TEST_CASE("accounts merge with their contacts, child accounts and opportunities; a pair marked not a duplicate is not found again") {
    Fixture fx;
    std::string a = fx.store.create(kAccounts, {{"name", "Acme GmbH"}, {"website", "acme.example"}, {"country", "DE"}});
    std::string b = fx.store.create(kAccounts, {{"name", "ACME"}, {"website", "https://www.acme.example/"}, {"country", "DE"}});
    std::string child = fx.store.create(kAccounts, {{"name", "Acme Services"}, {"parent_id", b}});
    fx.store.update(kAccounts, a, {{"parent_id", b}});   // the survivor's parent was the other: no parent after
    std::string c = fx.contact("Jo", "Black", b);
    std::string opp = fx.store.create(kOpportunities, {{"name", "Deal"}, {"account_id", b}, {"expected_close", "2026-06-30"}});
    REQUIRE(find_duplicates(fx.store, kAccounts).groups.size() == 1);
    merge_records(fx.store, kAccounts, a, {b});
    CHECK(fx.store.must_get(kContacts, c).text("account_id") == a);
    CHECK(fx.store.must_get(kOpportunities, opp).text("account_id") == a);
    CHECK(fx.store.must_get(kAccounts, child).text("parent_id") == a);
    CHECK(fx.store.must_get(kAccounts, a).text("parent_id") == "");
    CHECK(find_duplicates(fx.store, kAccounts).groups.empty());

    std::string x = fx.contact("Anna", "Schmidt", "", "anna@example.com");
    std::string y = fx.contact("Anna", "Schmidt", "", "anna@example.com");
    REQUIRE(find_duplicates(fx.store, kContacts).groups.size() == 1);
    dismiss_duplicate(fx.store, kContacts, y, x);
    CHECK(is_dismissed(fx.store, kContacts, x, y));
    CHECK(find_duplicates(fx.store, kContacts).groups.empty());
}

TEST_CASE("\"not duplicates\" syncs: a pair dismissed on one device is not offered on the other") {
    Fixture a, b;
    b.store.seed_ids(5);
    std::string x = a.contact("Anna", "Schmidt", "", "anna@example.com");
    std::string y = a.contact("Anna", "Schmidt", "", "anna@example.com");
    relay_all(a.store, b.store);
    REQUIRE(find_duplicates(b.store, kContacts).groups.size() == 1);
    dismiss_duplicate(a.store, kContacts, x, y);
    relay_all(a.store, b.store);
    CHECK(is_dismissed(b.store, kContacts, y, x));
    CHECK(find_duplicates(b.store, kContacts).groups.empty());
}

}  // TEST_SUITE
