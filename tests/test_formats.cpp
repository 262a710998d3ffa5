// test_formats.cpp - vCard and iCalendar: address books as phones, Apple,
// Google and Outlook write them (2.1 quoted-printable, 3.0 groups and folds,
// 4.0), imported through the CSV import's checks (duplicates, validation,
// one transaction, revert); a round trip of every field; errors naming the
// card's line and property; calendars of a rep's tasks and meetings with
// folded, escaped lines and UTC times.
#include <sstream>

#include "exchange/calendar.h"
#include "exchange/vcard.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

TEST_SUITE("formats") {

namespace {

std::string contact_where(Fixture& fx, const std::string& where, const char* col) {
    Statement st(fx.db, std::string("SELECT ") + col + " FROM contacts WHERE deleted = 0 AND " + where);
    return st.step() ? st.column_text(0) : "(none)";
}

}  // namespace

TEST_CASE("vCard 4.0, 3.0 and 2.1 as address books write them") {
    Fixture fx;
    std::string acme = fx.account("Acme GmbH");
    std::istringstream in(
        "BEGIN:VCARD\r\n"
        "VERSION:4.0\r\n"
        "FN:Anna Weber\r\n"
        "N:Weber;Anna;;Dr.;\r\n"
        "ORG:Acme GmbH;Purchasing\r\n"
        "TITLE:Head of purchasing\r\n"
        "EMAIL;TYPE=work:anna.weber@acme.example\r\n"
        "EMAIL;TYPE=home;PREF=1:anna@home.example\r\n"
        "TEL;VALUE=uri;TYPE=\"work,voice\":tel:+49-30-1234567\r\n"
        "TEL;TYPE=cell:+49 171 1234567\r\n"
        "ADR;TYPE=work:;Building 2;Hauptstra\xC3\x9F" "e 5;Berlin;;10115;Germany\r\n"
        "BDAY:19850412\r\n"
        "NOTE:Met at the fair\\, wants a quote\\nCall in May\r\n"
        "END:VCARD\r\n"
        // 3.0 from Apple: groups, a folded line, bare types, a company card.
        "BEGIN:VCARD\n"
        "VERSION:3.0\n"
        "N:O'Brien;Se\xC3\xA1n;;;\n"
        "FN:Se\xC3\xA1n O'Brien\n"
        "item1.EMAIL;type=INTERNET;type=WORK;type=pref:sean.obrien@\n"
        " example.ie\n"
        "item1.X-ABLabel:_$!<Work>!$_\n"
        "TEL;type=CELL;type=VOICE;type=pref:+353 87 123 4567\n"
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\n"
        " /2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDA\n"
        "END:VCARD\n"
        "BEGIN:VCARD\n"
        "VERSION:3.0\n"
        "N:;;;;\n"
        "FN:Globex\n"
        "ORG:Globex\n"
        "TEL;TYPE=WORK:+1 212 555 0100\n"
        "END:VCARD\n"
        // 2.1 from an Android phone: quoted-printable with a soft line break, Latin-1.
        "BEGIN:VCARD\n"
        "VERSION:2.1\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCr=\n"
        "gen;;;\n"
        "TEL;CELL:0171 7654321\n"
        "BDAY:--0501\n"
        "ORG;ENCODING=QUOTED-PRINTABLE:M=C3=BCller=\n"
        " und S=C3=B6hne\n"
        "TEL;HOME;FAX:030 999\n"
        "NOTE;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Gr=FC=DFe\n"
        "END:VCARD\n");
    CsvImportSummary s = import_vcard(fx.store, in, "contacts.vcf");
    CHECK(s.rows == 4);
    CHECK(s.created == 4);
    // 4.0: every field where it belongs; the preferred e-mail first; the account found by name.
    std::string anna = contact_where(fx, "last_name = 'Weber'", "id");
    Record a = fx.store.must_get(kContacts, anna);
    CHECK(a.text("first_name") == "Anna");
    CHECK(a.text("salutation") == "Dr.");
    CHECK(a.text("account_id") == acme);
    CHECK(a.text("job_title") == "Head of purchasing");
    CHECK(a.text("email") == "anna@home.example");
    CHECK(a.text("email2") == "anna.weber@acme.example");
    CHECK(a.text("phone") == "+49-30-1234567");
    CHECK(a.text("mobile") == "+49 171 1234567");
    CHECK(a.text("street") == "Building 2 Hauptstraße 5");
    CHECK(a.text("city") == "Berlin");
    CHECK(a.text("postcode") == "10115");
    CHECK(a.text("country") == "DE");
    CHECK(a.text("birth_date") == "1985-04-12");
    CHECK(a.text("notes") == "Met at the fair, wants a quote\nCall in May");
    // 3.0: the folded e-mail, the photo skipped.
    CHECK(contact_where(fx, "last_name = 'O''Brien'", "email") == "sean.obrien@example.ie");
    CHECK(contact_where(fx, "last_name = 'O''Brien'", "mobile") == "+353 87 123 4567");
    // A company card: its name as the last name, and its account.
    CHECK(contact_where(fx, "last_name = 'Globex'", "phone") == "+1 212 555 0100");
    CHECK(s.accounts_created == 2);
    // 2.1: quoted-printable across a soft break, Latin-1 converted, the fax left out.
    CHECK(contact_where(fx, "last_name = 'Müller'", "first_name") == "Jürgen");
    CHECK(contact_where(fx, "last_name = 'Müller'", "notes") == "Grüße");
    CHECK(contact_where(fx, "last_name = 'Müller'", "phone") == "");
    CHECK(contact_where(fx, "last_name = 'Müller'", "mobile") == "0171 7654321");
    CHECK(contact_where(fx, "last_name = 'Müller'", "birth_date") == "");   // a birthday without its year
    Record jm = fx.store.must_get(kContacts, contact_where(fx, "last_name = 'Müller'", "id"));
    CHECK(fx.store.must_get(kAccounts, jm.text("account_id")).text("name") == "Müller und Söhne");   // the soft break keeps its space

    // The same file again: every card is an exact duplicate and skipped; the import can be reverted.
    in.clear();
    in.seekg(0);
    CsvImportSummary again = import_vcard(fx.store, in, "contacts.vcf");
    CHECK(again.skipped_duplicates == 3);   // Globex has neither an e-mail nor a name and phone to match by
    RevertSummary r = revert_last_import(fx.store);
    CHECK(r.removed == again.created + again.accounts_created);
}

TEST_CASE("a bad card is an error naming its line and property, and nothing is imported") {
    Fixture fx;
    auto fails = [&](const std::string& text, const std::string& what) {
        std::istringstream in(text);
        int64_t before = fx.db.query_int("SELECT count(*) FROM contacts");
        try {
            import_vcard(fx.store, in, "bad.vcf");
            FAIL("imported: " << text);
        } catch (const CsvError& e) {
            CHECK_MESSAGE(std::string(e.what()).find(what) != std::string::npos, e.what());
        }
        CHECK(fx.db.query_int("SELECT count(*) FROM contacts") == before);
    };
    const std::string good = "BEGIN:VCARD\nVERSION:4.0\nFN:Ok Person\nN:Person;Ok;;;\nEMAIL:ok@example.com\nEND:VCARD\n";
    fails(good + "BEGIN:VCARD\nVERSION:4.0\nN:Wrong;Mail;;;\nEMAIL:not-an-address\nEND:VCARD\n",
          "bad.vcf: line 7: the card's EMAIL (E-mail): 'not-an-address' is not a valid e-mail address");
    fails(good + "BEGIN:VCARD\nN:Open;Card;;;\n", "bad.vcf: line 7: the card that begins here has no END:VCARD");
    fails("N:Outside;Card;;;\n", "bad.vcf: line 1: expected BEGIN:VCARD");
    fails(good + "BEGIN:VCARD\nN:Bad;Bytes\xFF;;;\nEND:VCARD\n", "bad.vcf: line 8: N: the text is not valid UTF-8");
    fails("just some text\n", "bad.vcf: line 1: not a vCard line");
    fails("", "bad.vcf: line 1: no vCard in the file");
    fails(good + "BEGIN:VCARD\nFN:\nEMAIL:no.name@example.com\nEND:VCARD\n", "bad.vcf: line 7: the card's N (Last name)");
    // A note with line breaks before it: the bad card is still named by its own line.
    fails("BEGIN:VCARD\nN:Note;Multi;;;\nNOTE:one\\ntwo\\nthree\nEND:VCARD\n" "BEGIN:VCARD\nN:Wrong;Mail;;;\nEMAIL:nope\nEND:VCARD\n",
          "bad.vcf: line 5: the card's EMAIL (E-mail)");
}

TEST_CASE("vCard round trip: 4.0 and 3.0 out, back in to an empty database, the same contacts") {
    for (int version : {4, 3}) {
        CAPTURE(version);
        Fixture fx;
        std::string acc = fx.account("Zeta; Sons, Ltd");
        std::string long_note(300, 'x');
        long_note += " Ünïcödé ✓ end";
        fx.store.create(kContacts, {{"first_name", "Zoë"}, {"last_name", "Ølberg-Müller"}, {"salutation", "Ms"}, {"account_id", acc},
                                    {"job_title", "CTO, R&D"}, {"email", "zoe@zeta.example"}, {"email2", "z@home.example"},
                                    {"phone", "+47 22 12 34 56"}, {"mobile", "+47 912 34 567"}, {"street", "Storgata 1"}, {"city", "Oslo"},
                                    {"postcode", "0155"}, {"country", "NO"}, {"birth_date", "1990-01-31"}, {"notes", long_note + "\nline two; semi"}});
        fx.contact("Li", "Wei", "", "li@wei.example");
        std::ostringstream out;
        CHECK(export_vcard(fx.store, out, {}, version) == 2);
        std::string text = out.str();
        // Lines end in CRLF and none is over 75 octets.
        size_t at = 0;
        while (at < text.size()) {
            size_t end = text.find("\r\n", at);
            REQUIRE(end != std::string::npos);
            CHECK(end - at <= 75);
            at = end + 2;
        }
        CHECK(text.find(version == 4 ? "VERSION:4.0" : "VERSION:3.0") != std::string::npos);
        Fixture other;
        std::istringstream in(text);
        CsvImportSummary s = import_vcard(other.store, in, "roundtrip.vcf");
        CHECK(s.created == 2);
        Statement st(other.db, "SELECT id FROM contacts WHERE last_name = 'Ølberg-Müller'");
        REQUIRE(st.step());
        Record b = other.store.must_get(kContacts, st.column_text(0));
        Record a = fx.store.must_get(kContacts, contact_where(fx, "last_name = 'Ølberg-Müller'", "id"));
        for (const char* f : {"first_name", "last_name", "salutation", "job_title", "email", "email2", "phone", "mobile", "street", "city",
                              "postcode", "country", "birth_date", "notes"})
            CHECK_MESSAGE(b.text(f) == a.text(f), f);
        CHECK(other.store.must_get(kAccounts, b.text("account_id")).text("name") == "Zeta; Sons, Ltd");
    }
}

TEST_CASE("iCalendar: a rep's open tasks and meetings of the next weeks, or one record") {
    Fixture fx;
    std::string ada = fx.user("Ada Rep"), bob = fx.user("Bob Rep");
    std::string c = fx.contact("Anna", "Weber");
    auto day = [&](int d, int h) { return format_datetime(fx.now + d * 86400000LL + h * 3600000LL); };
    std::string t1 = fx.store.create(kTasks, {{"title", "Send the quote, v2; with discount"}, {"due_at", day(2, 1)}, {"priority", "high"},
                                              {"owner_id", ada}, {"contact_id", c}, {"note", "Ask about\nthe volume"}});
    fx.store.create(kTasks, {{"title", "Done already"}, {"due_at", day(3, 0)}, {"owner_id", ada}, {"done", int64_t(1)}});
    fx.store.create(kTasks, {{"title", "Bob's task"}, {"due_at", day(3, 0)}, {"owner_id", bob}});
    fx.store.create(kTasks, {{"title", "Too late"}, {"due_at", day(40, 0)}, {"owner_id", ada}});
    fx.store.create(kTasks, {{"title", "Overdue call back"}, {"due_at", day(-3, 0)}, {"owner_id", ada}});   // still to do: in
    std::string m = fx.store.create(kActivities, {{"type", "meeting"}, {"subject", "Demo at Acme"}, {"occurred_at", day(5, 2)},
                                                  {"duration_s", int64_t(5400)}, {"owner_id", ada}, {"contact_id", c}});
    fx.store.create(kActivities, {{"type", "call"}, {"subject", "Not a meeting"}, {"occurred_at", day(5, 3)}, {"owner_id", ada}});
    CHECK(find_user(fx.store, "ada rep") == ada);
    CHECK_THROWS_AS(find_user(fx.store, "Nobody"), std::invalid_argument);

    CalendarOptions o;
    o.owner_id = ada;
    std::ostringstream out;
    CHECK(export_ics(fx.store, out, o) == 3);
    std::string ics = out.str();
    CHECK(ics.rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 0) == 0);
    CHECK(ics.find("END:VCALENDAR\r\n") == ics.size() - 15);
    CHECK(ics.find("UID:" + t1 + "@crm\r\n") != std::string::npos);
    CHECK(ics.find("SUMMARY:Send the quote\\, v2\\; with discount\r\n") != std::string::npos);
    CHECK(ics.find("DUE:20260303T100000Z\r\n") != std::string::npos);
    CHECK(ics.find("PRIORITY:1\r\n") != std::string::npos);
    CHECK(ics.find("DESCRIPTION:Ask about\\nthe volume\\n\\nContact: Anna Weber\r\n") != std::string::npos);
    CHECK(ics.find("DTSTART:20260306T110000Z\r\nDTEND:20260306T123000Z\r\n") != std::string::npos);
    for (const char* absent : {"Done already", "Bob's task", "Too late", "Not a meeting"}) CHECK(ics.find(absent) == std::string::npos);
    // Every rep's: Bob's task too.
    std::ostringstream all;
    CHECK(export_ics(fx.store, all, {}) == 4);
    CHECK(all.str().find("SUMMARY:Overdue call back") != std::string::npos);
    CHECK(all.str().find("BEGIN:VTIMEZONE") == std::string::npos);
    // Nothing planned: still a component, as RFC 5545 wants (the UTC zone).
    CalendarOptions far;
    far.from_ms = fx.now + 400LL * 86400000;
    std::ostringstream empty;
    CHECK(export_ics(fx.store, empty, far) == 0);
    CHECK(empty.str().find("BEGIN:VTIMEZONE\r\nTZID:UTC\r\n") != std::string::npos);
    // A window from a given time leaves what was due before it out.
    CalendarOptions later;
    later.from_ms = fx.now;
    std::ostringstream window;
    CHECK(export_ics(fx.store, window, later) == 3);
    // One record: the meeting.
    CalendarOptions one;
    one.record_id = m;
    std::ostringstream single;
    CHECK(export_ics(fx.store, single, one) == 1);
    CHECK(single.str().find("BEGIN:VEVENT") != std::string::npos);
    CHECK(single.str().find("BEGIN:VTODO") == std::string::npos);
    one.record_id = c;
    std::ostringstream none;
    CHECK_THROWS_AS(export_ics(fx.store, none, one), std::invalid_argument);
}

}  // TEST_SUITE
