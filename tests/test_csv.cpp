// test_csv.cpp - CSV as other CRMs and spreadsheets write it: BOM, CRLF,
// quotes, delimiters; the mapping guess; duplicates; all-or-nothing imports
// with the line and column named; export with formula escaping.
#include <sstream>

#include "exchange/csv.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

std::vector<std::vector<std::string>> parse(const std::string& text) {
    std::istringstream in(text);
    CsvReader r(in);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> f;
    while (r.next(f)) rows.push_back(f);
    return rows;
}

std::string parse_error(const std::string& text) {
    try {
        parse(text);
    } catch (const CsvError& e) {
        return e.what();
    }
    return "";
}

CsvImportSummary import(Store& s, std::istream& in, DuplicatePolicy d = DuplicatePolicy::Skip, const EntitySpec& e = kContacts) {
    CsvImportOptions o;
    o.entity = &e;
    o.duplicates = d;
    o.name = "people.csv";
    return import_csv(s, in, o);
}

CsvImportSummary import(Store& s, const std::string& text, DuplicatePolicy d = DuplicatePolicy::Skip, const EntitySpec& e = kContacts) {
    std::istringstream in(text);
    return import(s, in, d, e);
}

std::string import_error(Store& s, std::istream& in) {
    try {
        import(s, in);
    } catch (const CsvError& e) {
        return e.what();
    }
    return "";
}

std::string import_error(Store& s, const std::string& text) {
    std::istringstream in(text);
    return import_error(s, in);
}

}  // namespace

TEST_SUITE("csv") {

TEST_CASE("the reader: BOM, CRLF or LF, quotes with delimiters, quotes and line breaks inside, detected delimiters") {
    using V = std::vector<std::vector<std::string>>;
    CHECK(parse("\xEF\xBB\xBFName,City\r\nAnn,Berlin\r\n") == V{{"Name", "City"}, {"Ann", "Berlin"}});
    CHECK(parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n") == V{{"a", "b"}, {"x, y", "say \"hi\""}});
    CHECK(parse("a,b\n\"line 1\nline 2\",z\nlast,row") == V{{"a", "b"}, {"line 1\nline 2", "z"}, {"last", "row"}});
    CHECK(parse("Vorname;Nachname;Ort\nJürgen;Müller;Köln\n") == V{{"Vorname", "Nachname", "Ort"}, {"Jürgen", "Müller", "Köln"}});
    CHECK(parse("a\tb\tc\n1\t2\t3\n") == V{{"a", "b", "c"}, {"1", "2", "3"}});
    CHECK(parse("a,b\n\n1,\n\n") == V{{"a", "b"}, {"1", ""}});   // blank lines skipped, empty cells kept
    CHECK(parse("a,b\r1,2\r") == V{{"a", "b"}, {"1", "2"}});       // old Mac line ends
    CHECK(parse("").empty());
}

TEST_CASE("the reader names the line of a broken file") {
    CHECK(parse_error("a,b\n1,2\n\"open,3\n4,5\n") == "line 3: a quoted field is not closed before the end of the file");
    CHECK(parse_error("a,b\nok,\xC3\x28\n") == "line 2, column 2: not valid UTF-8 (save the file as UTF-8 and import it again)");
    CHECK(parse_error("a\n" + std::string(2 << 20, 'x') + "\n") == "line 2: a field is longer than 1 MiB");
}

TEST_CASE("the mapping is guessed from header names other CRMs and spreadsheets use") {
    std::vector<std::string> h = {"First Name", "Last Name", "E-mail Address", "Company Name", "Phone Number", "Mobile Phone",
                                  "Job Title", "Mailing City", "Country/Region", "Zip", "Favourite colour"};
    CHECK(guess_mapping(kContacts, h) == std::vector<std::string>{"first_name", "last_name", "email", "company", "phone", "mobile",
                                                                 "job_title", "city", "country", "postcode", ""});
    CHECK(guess_mapping(kAccounts, {"Account Name", "Website", "Industry"}) == std::vector<std::string>{"name", "website", "industry"});
    CHECK(guess_mapping(kLeads, {"Company", "Lead Source", "Surname"}) == std::vector<std::string>{"company", "source", "last_name"});
    auto m = apply_mapping_text(kContacts, h, guess_mapping(kContacts, h), "Favourite colour=notes,Zip=");
    CHECK(m[10] == "notes");
    CHECK(m[9] == "");
    CHECK_THROWS_WITH_AS(apply_mapping_text(kContacts, h, m, "Shoe=notes"), "--map: the file has no column 'Shoe'", CsvError);
}

TEST_CASE("contacts import with their accounts found or created, values as spreadsheets write them") {
    Fixture fx;
    std::string existing = fx.account("Müller GmbH");
    CsvImportSummary s = import(fx.store,
                                "First Name;Last Name;E-mail;Company;Country;Do not call\r\n"
                                "Jürgen;Müller;jm@mueller.de;müller gmbh;Germany;yes\r\n"
                                "Ana;Lima;ana@lima.br;Lima Ltda;BR;no\r\n"
                                "Bo;Lima;;Lima Ltda;;\r\n");
    CHECK(s.rows == 3);
    CHECK(s.created == 3);
    CHECK(s.accounts_created == 1);
    CHECK(fx.db.query_text("SELECT account_id FROM contacts WHERE email = 'jm@mueller.de'") == existing);
    CHECK(fx.db.query_text("SELECT country || do_not_call FROM contacts WHERE email = 'jm@mueller.de'") == "DE1");
    CHECK(fx.db.query_int("SELECT count(DISTINCT account_id) FROM contacts WHERE last_name = 'Lima'") == 1);
}

TEST_CASE("duplicates by e-mail or by name and phone: skip, update or create") {
    Fixture fx;
    std::string ann = fx.contact("Ann", "Archer", "", "ann@example.com");
    fx.store.update(kContacts, ann, {{"phone", "+44 20 7946 0000"}});
    std::string csv = "first_name,last_name,email,phone,city\n"
                      "Ann,Archer,ANN@example.com,,Leeds\n"         // same e-mail (any case)
                      "Ann,Archer,,+44 (20) 7946-0000,York\n"        // same name and phone
                      "New,Person,new@example.com,,Bath\n"
                      "New,Person,new@example.com,,Bath\n";          // a duplicate inside the file
    CsvImportSummary skip = import(fx.store, csv, DuplicatePolicy::Skip);
    CHECK(skip.created == 1);
    CHECK(skip.skipped_duplicates == 3);
    CHECK(fx.store.count(kContacts) == 2);
    CsvImportSummary upd = import(fx.store, "email,city\nann@example.com,Leeds\n", DuplicatePolicy::Update);
    CHECK(upd.updated == 1);
    CHECK(fx.store.must_get(kContacts, ann).text("city") == "Leeds");
    CsvImportSummary create = import(fx.store, "email,last_name\nann@example.com,Archer\n", DuplicatePolicy::Create);
    CHECK(create.created == 1);
    CHECK(fx.store.count(kContacts) == 3);
}

TEST_CASE("accounts are duplicates by name; a record found by a key it no longer has is not a duplicate") {
    Fixture fx;
    fx.account("Acme Ltd");
    CsvImportSummary acc = import(fx.store, "Account Name,Industry\n acme ltd ,Retail\nNova AG,Energy\nNOVA AG,Energy\n",
                                  DuplicatePolicy::Skip, kAccounts);
    CHECK(acc.created == 1);
    CHECK(acc.skipped_duplicates == 2);
    CHECK(fx.store.count(kAccounts) == 2);

    // Row 1 finds Ann by name and phone and moves her to a new e-mail; row 2
    // carries her old e-mail, which no record has any more: a new person.
    std::string ann = fx.contact("Ann", "Archer", "", "ann@example.com");
    fx.store.update(kContacts, ann, {{"phone", "0123 456"}});
    CsvImportSummary s = import(fx.store,
                                "first_name,last_name,email,phone\n"
                                "Ann,Archer,ann.archer@example.com,0123456\n"
                                "Annie,Other,ann@example.com,\n",
                                DuplicatePolicy::Update);
    CHECK(s.updated == 1);
    CHECK(s.created == 1);
    CHECK(fx.store.must_get(kContacts, ann).text("email") == "ann.archer@example.com");
    CHECK(fx.db.query_int("SELECT count(*) FROM contacts WHERE email = 'ann@example.com' AND first_name = 'Annie'") == 1);
}

TEST_CASE("a key an update merged into a record finds it for the rows after") {
    Fixture fx;
    std::string ann = fx.contact("Ann", "Archer", "", "ann@example.com");
    // Row 1 (found by e-mail) gives Ann a phone; row 2 has no e-mail but her
    // name and that phone: the same person, updated again, not a new one.
    CsvImportSummary s = import(fx.store,
                                "email,phone,first_name,last_name,city\n"
                                "ann@example.com,0123 456,,,\n"
                                ",0123-456,Ann,Archer,York\n",
                                DuplicatePolicy::Update);
    CHECK(s.updated == 2);
    CHECK(s.created == 0);
    CHECK(fx.store.must_get(kContacts, ann).text("city") == "York");
}

TEST_CASE("one bad row stops the import with its line and column, and nothing is written") {
    Fixture fx;
    fx.contact("Kept", "Before");
    int64_t log = fx.db.query_int("SELECT count(*) FROM change_log");
    std::string csv = "First Name,Last Name,E-mail\nA,One,a@x.org\nB,Two,b@x.org\nC,Three,not-an-email\nD,Four,d@x.org\n";
    CHECK(import_error(fx.store, csv) == "people.csv: line 4: column 'E-mail' (E-mail): 'not-an-email' is not a valid e-mail address");
    CHECK(fx.store.count(kContacts) == 1);
    CHECK(fx.db.query_int("SELECT count(*) FROM change_log") == log);
    CHECK(import_error(fx.store, "Shoe,Hat\n1,2\n") == "people.csv: line 1: no column matches a field of Contacts (map them by hand)");
    CHECK(import_error(fx.store, "") == "people.csv: the file is empty");
    CHECK(import_error(fx.store, "last_name\n\"Open\n").find("people.csv: line 2: a quoted field is not closed") == 0);
    CHECK(import_error(fx.store, "last_name,email\nX,x@y.org,extra\n") == "people.csv: line 2: has 3 columns, the header 2");
    CHECK(fx.store.count(kContacts) == 1);
}

TEST_CASE("every kind of bad file is refused with the file and line named, and the database is byte-identical") {
    Fixture fx;
    fx.contact("Kept", "Before", fx.account("Kept Ltd"), "kept@example.com");
    std::string before = fx.db.serialize();
    auto check = [&](const std::string& err, const std::string& expect) {
        CHECK(err == expect);
        CHECK(fx.db.serialize() == before);
    };
    // Truncated in the middle of a quoted field.
    check(import_error(fx.store, "First Name,Last Name,Company\nAnn,Archer,New Co\nBo,\"Bak"),
          "people.csv: line 3: a quoted field is not closed before the end of the file");
    // Another format: a JSON export offered as CSV.
    check(import_error(fx.store, "{\"format\": \"crm-export\", \"version\": 1}\n"),
          "people.csv: line 1: no column matches a field of Contacts (map them by hand)");
    // Another encoding: Latin-1 after good rows that created an account.
    check(import_error(fx.store, "First Name,Last Name,Company\nAnn,Archer,New Co\nJ\xfcrgen,M\xfcller,\n"),
          "people.csv: line 3, column 1: not valid UTF-8 (save the file as UTF-8 and import it again)");
    // A 100 MB line, read as it streams: refused at the 1 MiB cap, not after 100 MB.
    LongStream huge("First Name,Last Name,Notes\nAnn,Archer,", 'x', size_t(100) << 20, "\n");
    std::istream huge_in(&huge);
    check(import_error(fx.store, huge_in), "people.csv: line 2: a field is longer than 1 MiB");
    CHECK(huge.left > (size_t(90) << 20));
    // Binary garbage.
    check(import_error(fx.store, std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0", 20)),
          "people.csv: line 1, column 1: not valid UTF-8 (save the file as UTF-8 and import it again)");
    // A row that fails validation, or has a column too many, after good rows
    // that wrote records, an account, change-log entries and search entries.
    check(import_error(fx.store, "First Name,Last Name,Company,E-mail\nAnn,Archer,New Co,a@x.org\nBo,Bak,Other Co,not-an-address\n"),
          "people.csv: line 3: column 'E-mail' (E-mail): 'not-an-address' is not a valid e-mail address");
    check(import_error(fx.store, "First Name,Last Name,Company\nAnn,Archer,New Co\nBo,Bak,Other Co,extra\n"),
          "people.csv: line 3: has 4 columns, the header 3");
    CHECK(fx.store.count(kContacts) == 1);
    CHECK(import_error(fx.store, "First Name,Last Name\nAnn,Archer\n").empty());   // and a good file still imports
}

TEST_CASE("a preview shows the first rows with their errors and duplicates, and writes nothing") {
    Fixture fx;
    std::string ann = fx.contact("Ann", "Archer", "", "ann@example.com");
    std::istringstream in("First Name,Last Name,Email,Company\nAnn,Archer,ann@example.com,Acme\nBob,,bob@x.org,Acme\nCy,Cole,cy@x.org,Acme\n");
    CsvImportOptions o;
    CsvPreview p = preview_csv(fx.store, in, o, 10);
    CHECK(p.mapping == std::vector<std::string>{"first_name", "last_name", "email", "company"});
    REQUIRE(p.rows.size() == 3);
    CHECK(p.rows[0].duplicate_of == ann);
    CHECK(p.rows[1].error == "column 'Last Name' (Last name): is required");   // as the import will say it
    CHECK(p.rows[2].error.empty());
    CHECK(fx.store.count(kContacts) == 1);
    CHECK(fx.store.count(kAccounts) == 0);
}

TEST_CASE("a cancelled import leaves nothing behind") {
    Fixture fx;
    std::string csv = "last_name\n";
    for (int i = 0; i < 3000; i++) csv += "Row" + std::to_string(i) + "\n";
    std::istringstream in(csv);
    {
        CsvImportOptions o;
        CsvImport run(fx.store, in, o);
        CHECK_FALSE(run.step(0));
        CHECK(run.summary().created > 0);
    }   // cancelled
    CHECK(fx.store.count(kContacts) == 0);
}

TEST_CASE("export writes every row with labels, escaping cells a spreadsheet would run as formulas") {
    Fixture fx;
    std::string acc = fx.account("=HYPERLINK(\"http://evil\")");
    fx.store.create(kContacts, {{"first_name", "+cmd"}, {"last_name", "Smith, Jr."}, {"account_id", acc}, {"notes", "@SUM(A1)\nline 2"}});
    fx.store.create(kContacts, {{"last_name", "-10"}, {"email", "x@y.org"}});
    std::ostringstream out;
    CHECK(export_csv(fx.store, ListQuery{&kContacts, "last_name"}, out) == 2);
    std::string csv = out.str();
    CHECK(csv.rfind("\xEF\xBB\xBFId,Account,Salutation,First name,Last name", 0) == 0);
    CHECK(csv.find(",'+cmd,\"Smith, Jr.\",") != std::string::npos);
    CHECK(csv.find("\"'=HYPERLINK(\"\"http://evil\"\")\"") != std::string::npos);
    CHECK(csv.find("\"'@SUM(A1)\nline 2\"") != std::string::npos);
    CHECK(csv.find(",'-10,") != std::string::npos);
    CHECK(csv_cell("plain") == "plain");
    // And it reads back with the same reader.
    std::istringstream in(csv);
    CsvReader r(in);
    std::vector<std::string> f;
    int rows = 0;
    while (r.next(f)) rows++;
    CHECK(rows == 3);
}


TEST_CASE("the last import is reverted as a whole: created records removed, updates undone") {
    Fixture fx;
    std::string ann = fx.contact("Ann", "Archer", "", "ann@example.com");
    fx.store.update(kContacts, ann, {{"city", "London"}});
    import(fx.store, "email,last_name\nfirst@import.org,First\n");
    CsvImportSummary s = import(fx.store,
                                "email,last_name,city,company\nann@example.com,Archer,Leeds,\nnew@x.org,New,Bath,New Co\n",
                                DuplicatePolicy::Update);
    CHECK(!s.import_id.empty());
    CHECK(fx.store.count(kContacts) == 3);
    CHECK(fx.store.must_get(kContacts, ann).text("city") == "Leeds");
    RevertSummary r = revert_last_import(fx.store);
    CHECK(r.file == "people.csv");
    CHECK(r.removed == 2);    // the new contact and the account made for it
    CHECK(r.restored == 1);
    CHECK(fx.store.count(kContacts) == 2);
    CHECK(fx.store.count(kAccounts) == 0);
    CHECK(fx.store.must_get(kContacts, ann).text("city") == "London");
    // The one before is next; then there is nothing left to revert.
    CHECK(revert_last_import(fx.store).removed == 1);
    CHECK(fx.store.count(kContacts) == 1);
    CHECK_THROWS_WITH_AS(revert_last_import(fx.store), "there is no import to revert", CsvError);
}

}  // TEST_SUITE
