// test_locale.cpp - numbers, money, dates and times as users of several
// locales read and type them; local time across a change of summer time;
// the first day of the week. The browser derives the descriptions from
// Intl (shell.js); here they are written out as Intl gives them.
#include "base/locale.h"
#include "base/util.h"
#include "testing.h"

using namespace crm;

TEST_SUITE("locale") {

namespace {

LocaleFormat us() {
    LocaleFormat f;
    f.tag = "en-US", f.decimal = ".", f.group = ",", f.date_order = "MDY", f.date_sep = "/", f.hour12 = true, f.first_day = 7;
    f.time_zone = "America/New_York";
    return f;
}
LocaleFormat de() {
    LocaleFormat f;
    f.tag = "de-DE", f.decimal = ",", f.group = ".", f.date_order = "DMY", f.date_sep = ".", f.hour12 = false, f.first_day = 1;
    f.time_zone = "Europe/Berlin";
    return f;
}
LocaleFormat fr() {
    LocaleFormat f = de();
    f.tag = "fr-FR", f.group = "\u202f", f.date_sep = "/";
    return f;
}
LocaleFormat ja() {
    LocaleFormat f;
    f.tag = "ja-JP", f.date_order = "YMD", f.date_sep = "/", f.hour12 = false, f.first_day = 7, f.time_zone = "Asia/Tokyo";
    return f;
}

// The EU's rule: summer time (UTC+2) from the last Sunday of March, 01:00
// UTC, to the last Sunday of October, 01:00 UTC; UTC+1 otherwise.
int last_sunday(int y, unsigned m) {
    int64_t end = days_from_civil(y, m + 1, 1) - 1;                    // the month's last day
    int weekday = (int)(((end + 3) % 7 + 7) % 7) + 1;                  // ISO, Monday 1
    return (int)(end - weekday % 7);
}
int berlin(int64_t utc_ms) {
    int y;
    unsigned m, d;
    civil_from_days(utc_ms / 86400000, y, m, d);
    int64_t start = last_sunday(y, 3) * 86400000LL + 3600000, end = last_sunday(y, 10) * 86400000LL + 3600000;
    return utc_ms >= start && utc_ms < end ? 120 : 60;
}
int new_york(int64_t) { return -300; }   // winter, enough for these cases

int64_t at(const char* iso) { return *parse_datetime(iso); }

}  // namespace

TEST_CASE("numbers and money in each locale's separators") {
    CHECK(format_number(1234567.891, 2, us()) == "1,234,567.89");
    CHECK(format_number(1234567.891, 2, de()) == "1.234.567,89");
    CHECK(format_number(1234567.891, 1, fr()) == "1\u202f234\u202f567,9");
    CHECK(format_number(-0.004, 2, de()) == "0,00");   // no "-0,00"
    CHECK(format_number(-12.6, 0, us()) == "-13");
    CHECK(format_integer(-1234567, de()) == "-1.234.567");
    CHECK(format_money(123456, "EUR", de()) == "1.234,56 EUR");
    CHECK(format_money(-5, "USD", us()) == "-0.05 USD");
    CHECK(format_money(100000000, "", iso_locale()) == "1,000,000.00");
}

TEST_CASE("amounts typed the user's way or the ISO way") {
    CHECK(parse_local_money("1.234,56", de()) == 123456);
    CHECK(parse_local_money("1234,5", de()) == 123450);
    CHECK(parse_local_money("12.50", de()) == 1250);      // a point before two final digits: a decimal point
    CHECK(parse_local_money("1.234", de()) == 123400);    // three: a German thousands point
    CHECK(parse_local_money("1,234.56", us()) == 123456);
    CHECK(parse_local_money("-7", us()) == -700);
    CHECK(parse_local_money("1\u202f234,5", fr()) == 123450);
    CHECK(parse_local_money("1 234,5", fr()) == 123450);  // an ordinary space for the narrow one
    CHECK_FALSE(parse_local_money("12 apples", us()));
    CHECK_FALSE(parse_local_money("", us()));
    // The other convention's marks are not guessed at: refused, for the form to say so.
    CHECK_FALSE(parse_local_money("1,234.56", de()));
    CHECK_FALSE(parse_local_money("1.234,56", us()));
    CHECK_FALSE(parse_local_money("1,5", us()));
    CHECK_FALSE(parse_local_money("1.999", us()));      // three decimals
    CHECK_FALSE(parse_local_money("12.34.5", de()));
    CHECK_FALSE(parse_local_money("99999999999999999999", us()));
    CHECK(parse_local_money("\u2212500", fr()) == -50000);   // the minus sign Intl writes
}

TEST_CASE("a stored UTC time shown in the user's zone and format") {
    OffsetFn b = berlin, ny = new_york;
    CHECK(format_local_datetime("2026-12-24T17:00:00.000Z", de(), b) == "24.12.2026 18:00");
    CHECK(format_local_datetime("2026-07-01T17:00:00.000Z", de(), b) == "01.07.2026 19:00");   // summer time
    CHECK(format_local_datetime("2026-12-24T17:00:00.000Z", us(), ny) == "12/24/2026 12:00 PM");
    CHECK(format_local_datetime("2026-12-25T03:30:00.000Z", us(), ny) == "12/24/2026 10:30 PM");   // the day before, there
    CHECK(format_local_datetime("2026-12-24T00:05:00.000Z", ja(), [](int64_t) { return 540; }) == "2026/12/24 09:05");
    CHECK(format_local_datetime("2026-12-24T17:00:00.000Z", iso_locale(), {}) == "2026-12-24 17:00");
    CHECK(format_local_date("2026-03-09", us()) == "03/09/2026");
    CHECK(format_local_date("2026-03-09", de()) == "09.03.2026");
    CHECK(format_local_datetime("not a date", de(), b) == "not a date");
}

TEST_CASE("a time typed in the user's order, zone and clock, stored as UTC") {
    OffsetFn b = berlin, ny = new_york;
    CHECK(format_datetime(*parse_local_datetime("24.12.2026 18:00", de(), b)) == "2026-12-24T17:00:00.000Z");
    CHECK(format_datetime(*parse_local_datetime("1.7.26 19:00", de(), b)) == "2026-07-01T17:00:00.000Z");
    CHECK(format_datetime(*parse_local_datetime("12/24/2026, 6:00 PM", us(), ny)) == "2026-12-24T23:00:00.000Z");
    CHECK(format_datetime(*parse_local_datetime("12/24/2026 12:15 am", us(), ny)) == "2026-12-24T05:15:00.000Z");
    CHECK(format_datetime(*parse_local_datetime("2026-12-24 18:00", de(), b)) == "2026-12-24T17:00:00.000Z");   // ISO in any locale
    CHECK(format_datetime(*parse_local_datetime("2026-12-24T18:00:00.000Z", de(), b)) == "2026-12-24T18:00:00.000Z");   // names its zone
    CHECK(format_datetime(*parse_local_datetime("24.12.2026", de(), b)) == "2026-12-23T23:00:00.000Z");   // midnight there
    CHECK_FALSE(parse_local_datetime("31.02.2026 10:00", de(), b));
    CHECK_FALSE(parse_local_datetime("24.12.2026 25:00", de(), b));
    CHECK_FALSE(parse_local_datetime("12/24/2026 13:00 PM", us(), ny));
    CHECK(format_datetime(*parse_local_datetime("24.12.2026 18.30", de(), b)) == "2026-12-24T17:30:00.000Z");   // a point between hours and minutes
    CHECK_FALSE(parse_local_datetime("24.12.2026 18:30xyz", de(), b));
    CHECK(parse_local_date("24.12.85", de()) == std::string("1985-12-24"));   // two-digit years: 1970-2069
    CHECK(parse_local_date("24.12.26", de()) == std::string("2026-12-24"));
    CHECK(parse_local_date("24.12.2026", de()) == std::string("2026-12-24"));
    CHECK(parse_local_date("12/24/26", us()) == std::string("2026-12-24"));
    CHECK_FALSE(parse_local_date("24/12/2026", us()));   // no 24th month
}

TEST_CASE("local time across the change to and from summer time") {
    OffsetFn b = berlin;
    // 29 March 2026: 02:00 becomes 03:00 in Berlin (01:00 UTC).
    CHECK(format_local_datetime("2026-03-29T00:59:00.000Z", de(), b) == "29.03.2026 01:59");
    CHECK(format_local_datetime("2026-03-29T01:00:00.000Z", de(), b) == "29.03.2026 03:00");
    CHECK(format_datetime(*parse_local_datetime("29.03.2026 03:30", de(), b)) == "2026-03-29T01:30:00.000Z");
    // A time in the skipped hour is read as the clock not yet moved shows it: 02:30 is 03:30.
    CHECK(format_datetime(*parse_local_datetime("29.03.2026 02:30", de(), b)) == "2026-03-29T01:30:00.000Z");
    // 25 October 2026: 03:00 becomes 02:00 again; times round-trip, and
    // 02:30, which happens twice, is the first of the two.
    for (const char* iso : {"2026-10-24T22:00:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-25T02:30:00.000Z"}) {
        std::string shown = format_local_datetime(iso, de(), b);
        CHECK(format_datetime(*parse_local_datetime(shown, de(), b)) == std::string(iso));
    }
    CHECK(format_local_datetime("2026-10-25T01:30:00.000Z", de(), b) == "25.10.2026 02:30");   // the second 02:30
}

TEST_CASE("the week starts on the locale's first day, at local midnight") {
    OffsetFn b = berlin, ny = new_york;
    // Thursday 10 December 2026, 12:00 UTC.
    int64_t thu = at("2026-12-10T12:00:00.000Z");
    CHECK(format_datetime(week_start_ms(thu, de(), b)) == "2026-12-06T23:00:00.000Z");   // Monday 7th, 00:00 Berlin
    CHECK(format_datetime(week_start_ms(thu, us(), ny)) == "2026-12-06T05:00:00.000Z");  // Sunday 6th, 00:00 New York
    // Sunday 13th, 23:30 Berlin (22:30 UTC): still the week of Monday the 7th in Germany.
    CHECK(format_datetime(week_start_ms(at("2026-12-13T22:30:00.000Z"), de(), b)) == "2026-12-06T23:00:00.000Z");
    // Sunday 13th in New York starts a new week there.
    CHECK(format_datetime(week_start_ms(at("2026-12-13T15:00:00.000Z"), us(), ny)) == "2026-12-13T05:00:00.000Z");
}

}  // TEST_SUITE
