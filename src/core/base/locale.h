// locale.h - numbers, money, dates and times as the user reads and types
// them. The platform describes the user's conventions (the browser derives
// them from Intl: shell.js); this file only applies the description, so the
// same formatting runs in the browser and in the native tests. Values are
// stored in one form whatever the locale (UTC ISO-8601 times, minor units of
// money); only what is shown and typed changes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace crm {

struct LocaleFormat {
    std::string tag = "en-US";       // the BCP 47 tag it was derived from
    std::string decimal = ".";       // "1.5" / "1,5"
    std::string group = ",";         // "1,234" / "1.234" / "1 234" (a narrow no-break space)
    std::string date_order = "YMD";  // the order of year, month and day
    std::string date_sep = "-";      // "2026-12-24", "24.12.2026", "12/24/2026"
    bool hour12 = false;             // "6:00 PM" or "18:00"
    std::string am = "AM", pm = "PM";
    int first_day = 1;               // the first day of the week: 1 Monday ... 7 Sunday (ISO)
    std::string time_zone = "UTC";   // an IANA name, for display ("Europe/Berlin")
};

// ISO: what the CLI, the files and the tests see.
const LocaleFormat& iso_locale();

// The local offset from UTC, in minutes, at an instant (ms since the epoch).
// Empty: UTC.
using OffsetFn = std::function<int(int64_t utc_ms)>;

std::string format_number(double v, int decimals, const LocaleFormat& lf);   // 1234.5, 2 -> "1,234.50"
std::string format_integer(int64_t v, const LocaleFormat& lf);               // 1234567 -> "1.234.567"
std::string format_money(int64_t minor, const std::string& currency, const LocaleFormat& lf);   // "1,234.56 EUR"
std::string format_civil_date(int y, unsigned m, unsigned d, const LocaleFormat& lf);           // "24.12.2026"
std::string format_clock(int hour, int minute, const LocaleFormat& lf);                         // "18:00", "6:00 PM"
// A stored UTC time ("2026-12-24T17:00:00.000Z") in the user's zone and
// format ("24.12.2026 18:00"); a stored date ("2026-12-24") as a date. Text
// that is neither comes back as it is.
std::string format_local_datetime(std::string_view iso, const LocaleFormat& lf, const OffsetFn& offset);
std::string format_local_date(std::string_view iso_date, const LocaleFormat& lf);

// What the user typed, read back. A date and time in the locale's order
// ("24.12.2026 18:00", "12/24/2026 6:00 PM") or ISO ("2026-12-24 18:00"),
// taken as local time unless it names its offset (Z, +01:00): the UTC
// instant. A date alone: midnight local.
std::optional<int64_t> parse_local_datetime(std::string_view text, const LocaleFormat& lf, const OffsetFn& offset);
// A date in the locale's order or ISO, as "YYYY-MM-DD".
std::optional<std::string> parse_local_date(std::string_view text, const LocaleFormat& lf);
// An amount: "1.234,56" in German, "1,234.56" in English; a lone point
// followed by one or two digits is a decimal point in any locale (a number
// typed the ISO way). Minor units, or nullopt.
std::optional<int64_t> parse_local_money(std::string_view text, const LocaleFormat& lf);

// Midnight local of the day holding `utc_ms`, as UTC ms.
int64_t day_start_ms(int64_t utc_ms, const OffsetFn& offset);
// Midnight local of the first day of the week holding `utc_ms`, as UTC ms.
int64_t week_start_ms(int64_t utc_ms, const LocaleFormat& lf, const OffsetFn& offset);

}  // namespace crm
