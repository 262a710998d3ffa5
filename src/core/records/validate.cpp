// validate.cpp - see validate.h.
#include "records/validate.h"

#include <cstdlib>

#include "base/util.h"

namespace crm {

// ISO 3166-1 alpha-2 codes, officially assigned.
static const char kCountries[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW "
    "BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI "
    "FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN "
    "IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME "
    "MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF "
    "PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE "
    "YT ZA ZM ZW";

bool is_valid_country(std::string_view s) {
    if (s.size() != 2) return false;
    for (size_t i = 0; i + 1 < sizeof kCountries; i += 3)
        if (kCountries[i] == s[0] && kCountries[i + 1] == s[1]) return true;
    return false;
}

// Pragmatic e-mail check: one '@', a non-empty local part without spaces, a
// domain of dot-separated labels with at least one dot. Non-ASCII letters are
// allowed (internationalised addresses).
bool is_valid_email(std::string_view s) {
    size_t at = s.find('@');
    if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
    std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
    if (local.size() > 64 || domain.size() > 253 || domain.size() < 3) return false;
    for (unsigned char c : local)
        if (c <= ' ' || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\') return false;
    if (local.front() == '.' || local.back() == '.') return false;
    size_t label = 0;
    bool dot = false;
    for (size_t i = 0; i < domain.size(); i++) {
        unsigned char c = (unsigned char)domain[i];
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
            dot = true;
        } else if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
            label++;
        } else {
            return false;
        }
    }
    return dot && label >= 2;  // top-level label of two or more characters
}

// Digits with the usual separators, an optional leading '+', an optional
// extension ("x 123", "ext. 123"); between 5 and 17 digits before it.
bool is_valid_phone(std::string_view s) {
    std::string lower = ascii_lower(s);
    size_t ext = lower.find("ext");
    size_t ext_len = 3;
    if (ext == std::string::npos) { ext = lower.find('x'); ext_len = 1; }
    std::string_view main = std::string_view(lower).substr(0, ext);
    if (ext != std::string::npos) {
        std::string_view rest = std::string_view(lower).substr(ext);
        size_t i = ext_len;
        if (i < rest.size() && rest[i] == '.') i++;
        while (i < rest.size() && rest[i] == ' ') i++;
        if (i == rest.size()) return false;
        for (; i < rest.size(); i++)
            if (rest[i] < '0' || rest[i] > '9') return false;
    }
    int ndigits = 0;
    for (size_t i = 0; i < main.size(); i++) {
        char c = main[i];
        if (c >= '0' && c <= '9') ndigits++;
        else if (c == '+') { if (ndigits > 0 || main.find_first_not_of(' ') != i) return false; }
        else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.' && c != '/') return false;
    }
    return ndigits >= 5 && ndigits <= 17;
}

bool is_valid_url(std::string_view s) {
    std::string l = ascii_lower(s);
    std::string_view v = l;
    if (v.substr(0, 7) == "http://") v.remove_prefix(7);
    else if (v.substr(0, 8) == "https://") v.remove_prefix(8);
    if (v.empty() || v.find(' ') != std::string_view::npos) return false;
    std::string_view host = v.substr(0, v.find('/'));
    size_t dot = host.find('.');
    return dot != std::string_view::npos && dot > 0 && dot + 1 < host.size();
}

Value default_value(const FieldSpec& f) {
    if (f.type == FieldType::Ref || f.type == FieldType::Number) return std::monostate{};
    if (f.is_custom() && f.type == FieldType::Money) return std::monostate{};   // an amount not given is not 0
    const char* d = f.default_value;
    if (f.is_numeric()) return (int64_t)(d ? std::atoll(d) : 0);
    if (!d) return std::string();
    std::string s(d);
    if (s.size() >= 2 && s.front() == '\'') s = s.substr(1, s.size() - 2);
    return s;
}

static bool parse_int(std::string_view s, int64_t& out) {
    std::string t = trim(s);
    if (t.empty()) return false;
    char* end = nullptr;
    long long v = std::strtoll(t.c_str(), &end, 10);
    if (*end != 0) return false;
    out = v;
    return true;
}

// "12.34" -> 1234 minor units (two decimals); also accepts an integer string.
static bool parse_money(std::string_view s, int64_t& out) {
    std::string t = trim(s);
    if (t.empty()) return false;
    bool neg = t[0] == '-';
    size_t i = neg ? 1 : 0;
    int64_t units = 0, cents = 0;
    int frac = -1;
    for (; i < t.size(); i++) {
        char c = t[i];
        if (c >= '0' && c <= '9') {
            if (frac < 0) units = units * 10 + (c - '0');
            else if (frac < 2) { cents = cents * 10 + (c - '0'); frac++; }
            else return false;
        } else if (c == '.' && frac < 0) frac = 0;
        else if (c == ',' && frac < 0) continue;  // thousands separator
        else return false;
    }
    if (frac == 1) cents *= 10;
    out = (units * 100 + cents) * (neg ? -1 : 1);
    return true;
}

// A value quoted in an error message, cut to 60 bytes (at a character
// boundary) so a bad 1 MiB cell does not make a 1 MiB message.
static std::string shown(const std::string& s) {
    if (s.size() <= 60) return "'" + s + "'";
    size_t n = 60;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return "'" + s.substr(0, n) + "...'";
}

void normalize_field(const EntitySpec& e, const FieldSpec& f, Value& v) {
    auto fail = [&](const std::string& msg) { throw ValidationError(e.table, f.name, msg); };
    const bool required = f.has(F_Required);

    if (f.type == FieldType::Ref) {
        if (auto s = std::get_if<std::string>(&v)) {
            std::string t = trim(*s);
            if (t.empty()) v = std::monostate{};
            else v = t;
        } else if (!is_null(v)) {
            fail("must be a record id");
        }
        if (required && is_null(v)) fail("is required");
        return;
    }

    if (f.type == FieldType::Number) {
        if (auto i = std::get_if<int64_t>(&v)) v = (double)*i;
        else if (auto p = std::get_if<std::string>(&v)) {
            std::string t = trim(*p);
            // A decimal comma is taken when it is the only separator ("12,5").
            if (t.find(',') != std::string::npos && t.find('.') == std::string::npos && t.find(',') == t.rfind(','))
                t[t.find(',')] = '.';
            if (t.empty()) v = std::monostate{};
            else {
                char* end = nullptr;
                double d = std::strtod(t.c_str(), &end);
                if (*end != 0 || d != d || d - d != 0) fail(shown(*p) + " is not a number");
                v = d;
            }
        }
        if (auto d = std::get_if<double>(&v); d && (*d != *d || *d - *d != 0)) fail("is not a finite number");
        return;
    }

    if (f.is_numeric() && f.is_custom() && f.type != FieldType::Bool) {
        // An amount left empty stays empty.
        if (is_null(v)) return;
        if (auto p = std::get_if<std::string>(&v); p && trim(*p).empty()) {
            v = std::monostate{};
            return;
        }
    }

    if (f.is_numeric()) {
        int64_t n = 0;
        if (is_null(v)) n = std::get<int64_t>(default_value(f));
        else if (auto i = std::get_if<int64_t>(&v)) n = *i;
        else if (auto d = std::get_if<double>(&v)) {
            if (f.type == FieldType::Money) n = (int64_t)(*d * 100.0 + (*d < 0 ? -0.5 : 0.5));
            else if (*d != (double)(int64_t)*d) fail("must be a whole number");
            else n = (int64_t)*d;
        } else {
            const std::string& s = std::get<std::string>(v);
            std::string l = ascii_lower(trim(s));
            if (f.type == FieldType::Bool) {
                if (l == "1" || l == "true" || l == "yes" || l == "y") n = 1;
                else if (l == "0" || l == "false" || l == "no" || l == "n" || l == "") n = 0;
                else fail(shown(s) + " is not yes or no");
            } else if (l.empty()) {
                n = std::get<int64_t>(default_value(f));
            } else if (f.type == FieldType::Money) {
                if (!parse_money(l, n)) fail(shown(s) + " is not an amount");
            } else if (!parse_int(l, n)) {
                fail(shown(s) + " is not a whole number");
            }
        }
        if (f.type == FieldType::Bool && n != 0 && n != 1) fail("must be 0 or 1");
        if (f.has(F_NonNegative) && n < 0) fail("must not be negative");
        if (f.has(F_Positive) && n <= 0) fail("must be greater than zero");
        if (f.has(F_Percent) && (n < 0 || n > 100)) fail("must be between 0 and 100");
        v = n;
        return;
    }

    // Text-like.
    std::string s;
    if (auto p = std::get_if<std::string>(&v)) s = trim(*p);
    else if (!is_null(v)) s = value_to_text(v);
    if (s.empty()) {
        if (required) fail("is required");
        v = std::string();
        return;
    }
    if (s.size() > kMaxTextBytes) fail("is longer than 1 MiB (" + std::to_string(s.size()) + " bytes)");
    if (f.type == FieldType::Choice) {
        for (const char* c : f.choices)
            if (s == c) { v = s; return; }
        // Accept a case-insensitive match ("gold" for "Gold").
        for (const char* c : f.choices)
            if (ascii_lower(s) == ascii_lower(c)) { v = std::string(c); return; }
        std::string list;
        for (const char* c : f.choices) list += (list.empty() ? "" : ", ") + std::string(c);
        fail(shown(s) + " is not one of: " + list);
    }
    if (f.type == FieldType::Date) {
        if (!is_valid_date(s)) fail(shown(s) + " is not a date (YYYY-MM-DD)");
    } else if (f.type == FieldType::DateTime) {
        auto ms = parse_datetime(s);
        if (!ms) fail(shown(s) + " is not a date and time (YYYY-MM-DDTHH:MM:SSZ)");
        s = format_datetime(*ms);   // one canonical UTC form, so text order is time order
    }
    if (f.has(F_Email) && !is_valid_email(s)) fail(shown(s) + " is not a valid e-mail address");
    if (f.has(F_Phone) && !is_valid_phone(s)) fail(shown(s) + " is not a valid phone number");
    if (f.has(F_Url) && !is_valid_url(s)) fail(shown(s) + " is not a web address");
    if (f.has(F_Country)) {
        for (char& c : s) if (c >= 'a' && c <= 'z') c = (char)(c - 32);
        if (!is_valid_country(s)) fail(shown(s) + " is not an ISO 3166 country code (e.g. DE, FR, US)");
    }
    if (f.has(F_Currency)) {
        for (char& c : s) if (c >= 'a' && c <= 'z') c = (char)(c - 32);
        if (s.size() != 3 || s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
            fail(shown(s) + " is not an ISO 4217 currency code (e.g. EUR)");
    }
    v = s;
}

}  // namespace crm
