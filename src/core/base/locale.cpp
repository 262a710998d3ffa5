// locale.cpp - see locale.h.
#include "base/locale.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "base/util.h"

namespace crm {

const LocaleFormat& iso_locale() {
    static const LocaleFormat iso;
    return iso;
}

static int offset_at(const OffsetFn& offset, int64_t utc_ms) { return offset ? offset(utc_ms) : 0; }

// Local wall-clock ms to the UTC instant, with the offsets in force the day
// before and the day after. A time that occurs twice (the hour the clocks go
// back) is the first; one that never occurs (the hour they skip) is read
// with the offset before, as a clock that was not moved yet shows it: the
// same choice as JavaScript's Date and Temporal's "compatible".
static int64_t local_to_utc(int64_t local_ms, const OffsetFn& offset) {
    int64_t before = local_ms - offset_at(offset, local_ms - 86400000) * 60000LL;
    int64_t after = local_ms - offset_at(offset, local_ms + 86400000) * 60000LL;
    bool before_ok = before + offset_at(offset, before) * 60000LL == local_ms;
    bool after_ok = after + offset_at(offset, after) * 60000LL == local_ms;
    if (before_ok && after_ok) return std::min(before, after);
    if (after_ok) return after;
    return before;
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

//-----------------------------------------------------------------------------
// Numbers and money
//-----------------------------------------------------------------------------

// "1234567" -> "1,234,567" with the locale's group separator.
static std::string grouped(const std::string& digits, const LocaleFormat& lf) {
    std::string out;
    for (size_t i = 0; i < digits.size(); i++) {
        if (i && (digits.size() - i) % 3 == 0) out += lf.group;
        out += digits[i];
    }
    return out;
}

std::string format_number(double v, int decimals, const LocaleFormat& lf) {
    if (!std::isfinite(v)) return "-";
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v));
    std::string s = buf;
    size_t dot = s.find('.');
    std::string whole = dot == std::string::npos ? s : s.substr(0, dot);
    std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
    bool zero = s.find_first_not_of("0.") == std::string::npos;
    return (v < 0 && !zero ? "-" : "") + grouped(whole, lf) + (frac.empty() ? "" : lf.decimal + frac);
}

std::string format_integer(int64_t v, const LocaleFormat& lf) {
    uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return (v < 0 ? "-" : "") + grouped(std::to_string(a), lf);
}

std::string format_money(int64_t minor, const std::string& currency, const LocaleFormat& lf) {
    uint64_t a = minor < 0 ? 0 - (uint64_t)minor : (uint64_t)minor;
    char cents[4];
    snprintf(cents, sizeof cents, "%02u", (unsigned)(a % 100));
    return (minor < 0 ? "-" : "") + grouped(std::to_string(a / 100), lf) + lf.decimal + cents + (currency.empty() ? "" : " " + currency);
}

std::optional<int64_t> parse_local_money(std::string_view text_in, const LocaleFormat& lf) {
    std::string text = trim(text_in);
    if (text.empty()) return std::nullopt;
    bool neg = false;
    if (text[0] == '-') neg = true, text.erase(0, 1);
    else if (text.compare(0, 3, "\xE2\x88\x92") == 0) neg = true, text.erase(0, 3);   // U+2212, the minus Intl writes in Swedish
    // The decimal mark: the locale's, or a lone point before one or two
    // final digits when the locale's is not in the text (ISO typing).
    size_t dec = text.rfind(lf.decimal);
    size_t dec_len = lf.decimal.size();
    if (dec == std::string::npos && lf.decimal != ".") {
        size_t p = text.rfind('.');
        if (p != std::string::npos && text.find('.') == p && text.size() - p - 1 >= 1 && text.size() - p - 1 <= 2) dec = p, dec_len = 1;
    }
    std::string whole_part = dec == std::string::npos ? text : text.substr(0, dec);
    std::string frac = dec == std::string::npos ? "" : text.substr(dec + dec_len);
    // After the mark: one or two digits, nothing else (1.999 is not an amount of money).
    if (dec != std::string::npos && (frac.empty() || frac.size() > 2 || frac.find_first_not_of("0123456789") != std::string::npos)) return std::nullopt;
    // Before it: digits, in groups of three when grouped (by the locale's
    // mark, a space or a no-break space); "1.234" in German, never "12.34.5".
    std::string digits;
    size_t group_len = 0;
    bool grouped = false;
    for (size_t i = 0; i < whole_part.size();) {
        unsigned char c = (unsigned char)whole_part[i];
        size_t sep = 0;
        if (!lf.group.empty() && whole_part.compare(i, lf.group.size(), lf.group) == 0) sep = lf.group.size();
        else if (c == ' ' || c == '\'') sep = 1;
        else if (whole_part.compare(i, 2, "\xC2\xA0") == 0) sep = 2;                            // no-break space
        else if (whole_part.compare(i, 3, "\xE2\x80\xAF") == 0) sep = 3;                       // narrow no-break space
        if (sep) {
            if (digits.empty() || (grouped && group_len != 3) || (!grouped && group_len > 3)) return std::nullopt;
            grouped = true;
            group_len = 0;
            i += sep;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        digits += (char)c;
        group_len++;
        i++;
    }
    if (digits.empty() || (grouped && group_len != 3) || digits.size() > 15) return std::nullopt;   // 15 digits: exact in minor units
    int64_t m = 0;
    for (char c : digits) m = m * 10 + (c - '0');
    m *= 100;
    if (!frac.empty()) m += (frac[0] - '0') * 10 + (frac.size() > 1 ? frac[1] - '0' : 0);
    return neg ? -m : m;
}

//-----------------------------------------------------------------------------
// Dates and times
//-----------------------------------------------------------------------------

std::string format_civil_date(int y, unsigned m, unsigned d, const LocaleFormat& lf) {
    char ys[8], ms[4], ds[4];
    snprintf(ys, sizeof ys, "%04d", y);
    snprintf(ms, sizeof ms, "%02u", m);
    snprintf(ds, sizeof ds, "%02u", d);
    std::string out;
    for (char c : lf.date_order) {
        if (!out.empty()) out += lf.date_sep;
        out += c == 'Y' ? ys : c == 'M' ? ms : ds;
    }
    if (lf.date_sep == ".") out += lf.date_order.back() == 'Y' ? "" : ".";   // "2026.12.24." as Hungarian writes it
    return out;
}

std::string format_clock(int hour, int minute, const LocaleFormat& lf) {
    char buf[32];
    if (lf.hour12) {
        int h = hour % 12 == 0 ? 12 : hour % 12;
        snprintf(buf, sizeof buf, "%d:%02d %s", h, minute, hour < 12 ? lf.am.c_str() : lf.pm.c_str());
    } else {
        snprintf(buf, sizeof buf, "%02d:%02d", hour, minute);
    }
    return buf;
}

std::string format_local_datetime(std::string_view iso, const LocaleFormat& lf, const OffsetFn& offset) {
    if (iso.size() == 10) return format_local_date(iso, lf);
    std::optional<int64_t> utc = parse_datetime(iso);
    if (!utc) return std::string(iso);
    int64_t local = *utc + offset_at(offset, *utc) * 60000LL;
    int64_t days = floor_div(local, 86400000);
    int64_t in_day = local - days * 86400000;
    int y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    return format_civil_date(y, m, d, lf) + " " + format_clock((int)(in_day / 3600000), (int)(in_day / 60000 % 60), lf);
}

std::string format_local_date(std::string_view iso_date, const LocaleFormat& lf) {
    if (!is_valid_date(iso_date)) return std::string(iso_date);
    int y = std::atoi(std::string(iso_date.substr(0, 4)).c_str());
    unsigned m = (unsigned)std::atoi(std::string(iso_date.substr(5, 2)).c_str());
    unsigned d = (unsigned)std::atoi(std::string(iso_date.substr(8, 2)).c_str());
    return format_civil_date(y, m, d, lf);
}

// Runs of digits and what separates them.
static std::vector<int> numbers_in(std::string_view s, size_t& digits_seen) {
    std::vector<int> out;
    digits_seen = 0;
    for (size_t i = 0; i < s.size();) {
        if (s[i] >= '0' && s[i] <= '9') {
            int v = 0, n = 0;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9' && n < 9) v = v * 10 + (s[i++] - '0'), n++;
            out.push_back(v);
            digits_seen += (size_t)n;
            if (out.size() == 1 && n == 4) digits_seen += 100;   // a leading four-digit year: ISO order
        } else {
            i++;
        }
    }
    return out;
}

static bool read_date(std::string_view s, const LocaleFormat& lf, int& y, unsigned& m, unsigned& d) {
    size_t seen = 0;
    std::vector<int> n = numbers_in(s, seen);
    if (n.size() != 3) return false;
    std::string order = seen >= 100 ? "YMD" : lf.date_order;   // 2026-12-24 is ISO whatever the locale
    int yy = 0, mm = 0, dd = 0;
    for (size_t i = 0; i < 3; i++) {
        char c = order[i];
        (c == 'Y' ? yy : c == 'M' ? mm : dd) = n[i];
    }
    if (yy < 100) yy += yy < 70 ? 2000 : 1900;   // two digits: 1970-2069, as POSIX reads %y
    char iso[16];
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", yy, mm, dd);
    if (!is_valid_date(iso)) return false;
    y = yy, m = (unsigned)mm, d = (unsigned)dd;
    return true;
}

// "18:00", "6:00 PM", "6 pm", "18:00:30": minutes into the day, or -1.
static int read_clock(std::string_view s, const LocaleFormat& lf) {
    std::string t = ascii_lower(trim(s));
    if (t.empty()) return 0;
    bool pm = false, am = false;
    auto ends = [&](const std::string& suffix) {
        std::string x = ascii_lower(suffix);
        if (x.empty() || t.size() < x.size() || t.compare(t.size() - x.size(), x.size(), x) != 0) return false;
        t = trim(t.substr(0, t.size() - x.size()));
        return true;
    };
    if (ends(lf.pm) || ends("pm") || ends("p.m.")) pm = true;
    else if (ends(lf.am) || ends("am") || ends("a.m.")) am = true;
    // "18:30", "18:30:15", "18.30" (as Finnish and Danish write it), "18":
    // the whole text, or it is not a time.
    int h = 0, mi = 0, se = 0, used = -1;
    const int len = (int)t.size();
    if (!((sscanf(t.c_str(), "%d:%d:%d%n", &h, &mi, &se, &used) == 3 && used == len) ||
          (used = -1, se = 0, sscanf(t.c_str(), "%d:%d%n", &h, &mi, &used) == 2 && used == len) ||
          (used = -1, sscanf(t.c_str(), "%d.%d%n", &h, &mi, &used) == 2 && used == len) ||
          (used = -1, mi = 0, sscanf(t.c_str(), "%d%n", &h, &used) == 1 && used == len)))
        return -1;
    if (h < 0 || mi < 0 || se < 0) return -1;
    if (am || pm) {
        if (h < 1 || h > 12) return -1;
        h = h % 12 + (pm ? 12 : 0);
    }
    if (h > 23 || mi > 59 || se > 59) return -1;
    return h * 60 + mi;
}

std::optional<int64_t> parse_local_datetime(std::string_view text_in, const LocaleFormat& lf, const OffsetFn& offset) {
    std::string text = trim(text_in);
    if (text.empty()) return std::nullopt;
    // An instant that names its offset is that instant.
    if (text.size() > 16 && (text.back() == 'Z' || text[text.size() - 3] == ':'))
        if (std::optional<int64_t> v = parse_datetime(text); v && (text.back() == 'Z' || text.find('+', 10) != std::string::npos || text.find('-', 10) != std::string::npos))
            return v;
    // The date, then the time: split at the first space or 'T' after a digit run of the date.
    std::string date = text, clock;
    size_t cut = std::string::npos;
    for (size_t i = 1; i < text.size(); i++)
        if ((text[i] == ' ' || text[i] == 'T' || text[i] == ',') && text[i - 1] >= '0' && text[i - 1] <= '9') {
            // Only once the date has its three parts.
            size_t seen = 0;
            if (numbers_in(std::string_view(text).substr(0, i), seen).size() == 3) {
                cut = i;
                break;
            }
        }
    if (cut != std::string::npos) {
        date = text.substr(0, cut);
        clock = text.substr(cut + 1);
        while (!clock.empty() && (clock[0] == ',' || clock[0] == ' ')) clock.erase(0, 1);
    }
    int y;
    unsigned m, d;
    if (!read_date(date, lf, y, m, d)) return std::nullopt;
    int minutes = read_clock(clock, lf);
    if (minutes < 0) return std::nullopt;
    int64_t local = days_from_civil(y, m, d) * 86400000 + minutes * 60000LL;
    return local_to_utc(local, offset);
}

std::optional<std::string> parse_local_date(std::string_view text, const LocaleFormat& lf) {
    int y;
    unsigned m, d;
    if (!read_date(trim(text), lf, y, m, d)) return std::nullopt;
    char iso[16];
    snprintf(iso, sizeof iso, "%04d-%02u-%02u", y, m, d);
    return std::string(iso);
}

int64_t day_start_ms(int64_t utc_ms, const OffsetFn& offset) {
    int64_t local = utc_ms + offset_at(offset, utc_ms) * 60000LL;
    return local_to_utc(floor_div(local, 86400000) * 86400000, offset);
}

int64_t week_start_ms(int64_t utc_ms, const LocaleFormat& lf, const OffsetFn& offset) {
    int64_t local = utc_ms + offset_at(offset, utc_ms) * 60000LL;
    int64_t days = floor_div(local, 86400000);
    int weekday = (int)(((days + 3) % 7 + 7) % 7) + 1;   // 1970-01-01 was a Thursday (ISO 4)
    int back = (weekday - lf.first_day + 7) % 7;
    return local_to_utc((days - back) * 86400000, offset);
}

}  // namespace crm
