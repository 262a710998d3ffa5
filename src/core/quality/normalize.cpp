// normalize.cpp - folding, transliteration, nicknames, legal forms, e-mail
// and phone keys for the duplicate finder (normalize.h says what each does).
#include "quality/normalize.h"

#include <algorithm>
#include <cstring>

#include "base/util.h"

namespace crm {

namespace {

//-----------------------------------------------------------------------------
// Folding
//-----------------------------------------------------------------------------

// U+00C0..U+00FF and U+0100..U+017F to their base letters ('\0': not a letter,
// '*': a letter written with two, handled below).
const char kLatin1[] = "AAAAAA*CEEEEIIIIDNOOOOO\0OUUUUY**aaaaaa*ceeeeiiiidnooooo\0ouuuuy*y";
const char kLatinA[] =
    "AaAaAaCcCcCcCcDd" "DdEeEeEeEeEeGgGg" "GgGgHhHhIiIiIiIi" "IiJjJjKkkLlLlLlL"
    "lLlNnNnNnnNnOoOo" "OoOoRrRrRrSsSsSs" "SsTtTtTtUuUuUuUu" "UuUuWwYyYZzZzZzs";
static_assert(sizeof(kLatin1) == 64 + 1 && sizeof(kLatinA) == 128 + 1, "one letter per code point");

// Cyrillic U+0430..U+044F (а..я), then ё є і ї ґ: a common passport spelling.
const char* const kCyrillic[32] = {"a", "b",  "v",  "g",  "d",    "e", "zh", "z",  "i",  "y", "k",
                                   "l", "m",  "n",  "o",  "p",    "r", "s",  "t",  "u",  "f", "kh",
                                   "ts", "ch", "sh", "shch", "",  "y", "",   "e",  "yu", "ya"};

// Greek U+03B1..U+03C9 (α..ω), ELOT 743 without its digraph rules.
const char* const kGreek[25] = {"a", "v", "g", "d", "e", "z",  "i", "th", "i", "k", "l", "m", "n",
                                "x", "o", "p", "r", "s", "s",  "t", "y",  "f", "ch", "ps", "o"};

uint32_t next_code_point(std::string_view s, size_t& i) {
    unsigned char c = (unsigned char)s[i++];
    if (c < 0x80) return c;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    uint32_t cp = c & (0x3F >> extra);
    for (int k = 0; k < extra && i < s.size() && ((unsigned char)s[i] & 0xC0) == 0x80; k++) cp = (cp << 6) | ((unsigned char)s[i++] & 0x3F);
    return cp;
}

// The Latin spelling of one code point: "" for a mark to drop, " " for a separator.
void fold_code_point(uint32_t cp, std::string& out) {
    auto letter = [&](char c) { out += (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) out += (char)cp;
        else if (cp >= 'A' && cp <= 'Z') letter((char)cp);
        else if (cp == '\'' || cp == 0x60) return;   // O'Neil = ONeil
        else out += ' ';
        return;
    }
    if (cp >= 0xC0 && cp <= 0xFF) {
        char c = kLatin1[cp - 0xC0];
        if (c == '*') {
            switch (cp) {
            case 0xC6: case 0xE6: out += "ae"; break;
            case 0xDE: case 0xFE: out += "th"; break;
            case 0xDF: out += "ss"; break;
            default: break;
            }
        } else if (c) {
            letter(c);
        } else {
            out += ' ';   // × ÷
        }
        return;
    }
    if (cp >= 0x100 && cp <= 0x17F) {
        if (cp == 0x152 || cp == 0x153) out += "oe";
        else if (cp == 0x132 || cp == 0x133) out += "ij";
        else letter(kLatinA[cp - 0x100]);
        return;
    }
    if (cp == 0x1A0 || cp == 0x1A1) return letter('o');   // Vietnamese ơ ư
    if (cp == 0x1AF || cp == 0x1B0) return letter('u');
    if (cp == 0x218 || cp == 0x219) return letter('s');   // Romanian ș ț
    if (cp == 0x21A || cp == 0x21B) return letter('t');
    if (cp >= 0x300 && cp <= 0x36F) return;                // combining marks of decomposed text
    if (cp >= 0x1E00 && cp <= 0x1EFF) {                    // Latin Extended Additional: runs of one base letter
        static const struct { uint16_t last; char base; } kRuns[] = {
            {0x1E01, 'a'}, {0x1E07, 'b'}, {0x1E09, 'c'}, {0x1E13, 'd'}, {0x1E1D, 'e'}, {0x1E1F, 'f'}, {0x1E21, 'g'},
            {0x1E2B, 'h'}, {0x1E2F, 'i'}, {0x1E35, 'k'}, {0x1E3D, 'l'}, {0x1E43, 'm'}, {0x1E4B, 'n'}, {0x1E53, 'o'},
            {0x1E57, 'p'}, {0x1E5F, 'r'}, {0x1E69, 's'}, {0x1E71, 't'}, {0x1E7B, 'u'}, {0x1E7D, 'v'}, {0x1E7F, 'v'},
            {0x1E89, 'w'}, {0x1E8D, 'x'}, {0x1E8F, 'y'}, {0x1E95, 'z'}, {0x1E96, 'h'}, {0x1E97, 't'}, {0x1E98, 'w'},
            {0x1E99, 'y'}, {0x1E9A, 'a'}, {0x1E9D, 's'}, {0x1E9F, 's'}, {0x1EB7, 'a'}, {0x1EC7, 'e'}, {0x1ECB, 'i'},
            {0x1EE3, 'o'}, {0x1EF1, 'u'}, {0x1EFF, 'y'},
        };
        if (cp == 0x1E9E) {
            out += "ss";   // capital sharp s
            return;
        }
        for (const auto& r : kRuns)
            if (cp <= r.last) return letter(r.base);
    }
    if (cp >= 0x410 && cp <= 0x42F) cp += 0x20;            // Cyrillic capitals
    if (cp >= 0x430 && cp <= 0x44F) {
        out += kCyrillic[cp - 0x430];
        return;
    }
    switch (cp) {
    case 0x401: case 0x451: out += "e"; return;   // ё
    case 0x404: case 0x454: out += "ye"; return;  // є
    case 0x406: case 0x456: out += "i"; return;   // і
    case 0x407: case 0x457: out += "yi"; return;  // ї
    case 0x490: case 0x491: out += "g"; return;   // ґ
    // Greek with tonos or dialytika
    case 0x386: case 0x3AC: out += "a"; return;
    case 0x388: case 0x3AD: out += "e"; return;
    case 0x389: case 0x3AE: case 0x38A: case 0x3AF: case 0x3AA: case 0x3CA: case 0x390: out += "i"; return;
    case 0x38C: case 0x3CC: case 0x38F: case 0x3CE: out += "o"; return;
    case 0x38E: case 0x3CD: case 0x3AB: case 0x3CB: case 0x3B0: out += "y"; return;
    default: break;
    }
    if (cp >= 0x391 && cp <= 0x3A9) cp += 0x20;   // Greek capitals
    if (cp >= 0x3B1 && cp <= 0x3C9) {
        out += kGreek[cp - 0x3B1];
        return;
    }
    if (cp == 0x2019 || cp == 0x2018) return;     // typographic apostrophes
    if ((cp >= 0x2000 && cp <= 0x206F) || cp == 0xA0 || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F)) {
        out += ' ';                               // spaces and punctuation
        return;
    }
    if (cp < 0xC0) {
        out += ' ';                               // Latin-1 symbols
        return;
    }
    append_utf8(out, cp);                         // CJK and other scripts: as written
}

//-----------------------------------------------------------------------------
// Nicknames and legal forms
//-----------------------------------------------------------------------------

struct Nick {
    const char* nick;
    const char* full;
};
// A small common list (English and German); sorted by nickname for lookup.
const Nick kNicknames[] = {
    {"abby", "abigail"},   {"al", "albert"},        {"alex", "alexander"},  {"andy", "andrew"},     {"bart", "bartholomew"},
    {"becky", "rebecca"},  {"ben", "benjamin"},     {"bert", "albert"},     {"beth", "elizabeth"},  {"betty", "elizabeth"},
    {"bill", "william"},   {"billy", "william"},    {"bob", "robert"},      {"bobby", "robert"},    {"cathy", "catherine"},
    {"charlie", "charles"}, {"chris", "christopher"}, {"chuck", "charles"}, {"dan", "daniel"},      {"danny", "daniel"},
    {"dave", "david"},     {"dick", "richard"},     {"don", "donald"},      {"ed", "edward"},       {"eddie", "edward"},
    {"fred", "frederick"}, {"fritz", "friedrich"},  {"gabi", "gabriele"},   {"greg", "gregory"},    {"hank", "henry"},
    {"hannes", "johannes"}, {"jake", "jacob"},      {"jim", "james"},       {"jimmy", "james"},     {"joe", "joseph"},
    {"johnny", "john"},    {"jon", "jonathan"},     {"kate", "katherine"},  {"kathy", "katherine"}, {"katie", "katherine"},
    {"ken", "kenneth"},    {"larry", "lawrence"},   {"liz", "elizabeth"},   {"maggie", "margaret"}, {"matt", "matthew"},
    {"meg", "margaret"},   {"mike", "michael"},     {"nick", "nicholas"},   {"pat", "patricia"},    {"peggy", "margaret"},
    {"pete", "peter"},     {"rich", "richard"},     {"rick", "richard"},    {"rob", "robert"},      {"ron", "ronald"},
    {"sam", "samuel"},     {"sandy", "sandra"},     {"sasha", "alexander"}, {"sepp", "josef"},      {"steve", "stephen"},
    {"sue", "susan"},      {"susi", "susanne"},     {"ted", "edward"},      {"tim", "timothy"},     {"tom", "thomas"},
    {"tommy", "thomas"},   {"tony", "anthony"},     {"will", "william"},
};

// Legal forms as folded tokens run together ("s a" -> "sa"): dropped from the end of a company name.
const char* const kLegalForms[] = {
    "ab",  "ag",   "aps",  "as",   "bv",   "co",   "company", "corp", "corporation", "cv",  "eg",  "ev",   "gbr",  "gmbh",
    "inc", "incorporated", "kg", "kgaa", "kk", "limited", "llc", "llp", "lp", "ltd", "mbh", "nv", "ohg", "oy", "oyj",
    "plc", "pte",  "pty",  "sa",   "sab",  "sarl", "sas",  "se",  "sl",   "spa",  "sprl", "srl", "ug",  "und", "the",
    "ooo", "oao",  "zao",  "pao",  "ao",   // Russian (ООО, ОАО, ЗАО, ПАО, АО), transliterated before they are compared
};

bool is_legal_form(const std::string& t) {
    for (const char* f : kLegalForms)
        if (t == f) return true;
    return false;
}

}  // namespace

std::string fold_text(std::string_view s) {
    std::string raw;
    raw.reserve(s.size());
    for (size_t i = 0; i < s.size();) fold_code_point(next_code_point(s, i), raw);
    std::string out;
    out.reserve(raw.size());
    for (char c : raw) {
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::vector<std::string> fold_tokens(std::string_view s) {
    std::vector<std::string> out;
    std::string f = fold_text(s);
    size_t p = 0;
    while (p < f.size()) {
        size_t q = f.find(' ', p);
        if (q == std::string::npos) q = f.size();
        out.push_back(f.substr(p, q - p));
        p = q + 1;
    }
    return out;
}

std::string canonical_first_name(std::string_view first) {
    std::vector<std::string> t = fold_tokens(first);
    std::string out;
    for (std::string& w : t) {
        auto it = std::lower_bound(std::begin(kNicknames), std::end(kNicknames), w,
                                   [](const Nick& n, const std::string& k) { return strcmp(n.nick, k.c_str()) < 0; });
        if (it != std::end(kNicknames) && w == it->nick) w = it->full;
        out += (out.empty() ? "" : " ") + w;
    }
    return out;
}

std::string company_key(std::string_view name) {
    std::string folded;
    // "&" joins ("Smith & Co"), and "+" too: both go with the legal form after them.
    for (char c : name) folded += c == '&' || c == '+' ? ' ' : c;
    std::vector<std::string> t = fold_tokens(folded);
    if (!t.empty() && t.front() == "the" && t.size() > 1) t.erase(t.begin());
    for (bool dropped = true; dropped && t.size() > 1;) {
        dropped = false;
        // Single letters run together first: "s a" -> "sa", "s p a" -> "spa", "b v" -> "bv".
        for (size_t n = std::min<size_t>(4, t.size() - 1); n >= 2 && !dropped; n--) {
            std::string joined;
            bool letters = true;
            for (size_t k = t.size() - n; k < t.size(); k++) {
                letters &= t[k].size() <= 2;
                joined += t[k];
            }
            if (letters && is_legal_form(joined)) {
                t.resize(t.size() - n);
                dropped = true;
            }
        }
        if (!dropped && is_legal_form(t.back())) {
            t.pop_back();
            dropped = true;
        }
    }
    std::string out;
    for (const std::string& w : t) out += (out.empty() ? "" : " ") + w;
    return out;
}

std::string email_key(std::string_view email) {
    std::string e;
    for (char c : email) {
        if (c == ' ' || c == '\t') continue;
        e += (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    if (e.size() > 7 && e.compare(0, 7, "mailto:") == 0) e.erase(0, 7);
    size_t at = e.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 >= e.size() || e.find('.', at) == std::string::npos) return "";
    std::string local = e.substr(0, at), domain = e.substr(at + 1);
    if (domain == "googlemail.com") domain = "gmail.com";
    static const char* const kPlusTags[] = {"gmail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "icloud.com",
                                            "me.com", "mac.com", "fastmail.com", "protonmail.com", "proton.me", "pm.me"};
    for (const char* d : kPlusTags)
        if (domain == d) {
            size_t plus = local.find('+');
            if (plus != std::string::npos && plus > 0) local.resize(plus);
        }
    if (domain == "gmail.com") local.erase(std::remove(local.begin(), local.end(), '.'), local.end());
    return local + "@" + domain;
}

//-----------------------------------------------------------------------------
// Phones
//-----------------------------------------------------------------------------

namespace {

struct CallingCode {
    const char* country;
    const char* code;
    const char* trunk;   // the national prefix a number written nationally starts with
};
const CallingCode kCallingCodes[] = {
    {"AE", "971", "0"}, {"AR", "54", "0"},  {"AT", "43", "0"},  {"AU", "61", "0"},   {"BE", "32", "0"},  {"BG", "359", "0"},
    {"BR", "55", "0"},  {"BY", "375", "8"}, {"CA", "1", "1"},   {"CH", "41", "0"},   {"CL", "56", ""},   {"CN", "86", "0"},
    {"CO", "57", ""},   {"CY", "357", ""},  {"CZ", "420", ""},  {"DE", "49", "0"},   {"DK", "45", ""},   {"EE", "372", ""},
    {"EG", "20", "0"},  {"ES", "34", ""},   {"FI", "358", "0"}, {"FR", "33", "0"},   {"GB", "44", "0"},  {"GR", "30", ""},
    {"HK", "852", ""},  {"HR", "385", "0"}, {"HU", "36", "06"}, {"ID", "62", "0"},   {"IE", "353", "0"}, {"IL", "972", "0"},
    {"IN", "91", "0"},  {"IS", "354", ""},  {"IT", "39", ""},   {"JP", "81", "0"},   {"KE", "254", "0"}, {"KR", "82", "0"},
    {"KZ", "7", "8"},   {"LI", "423", ""},  {"LT", "370", "8"}, {"LU", "352", ""},   {"LV", "371", ""},  {"MA", "212", "0"},
    {"MT", "356", ""},  {"MX", "52", ""},   {"MY", "60", "0"},  {"NG", "234", "0"},  {"NL", "31", "0"},  {"NO", "47", ""},
    {"NZ", "64", "0"},  {"PE", "51", "0"},  {"PH", "63", "0"},  {"PK", "92", "0"},   {"PL", "48", ""},   {"PT", "351", ""},
    {"RO", "40", "0"},  {"RS", "381", "0"}, {"RU", "7", "8"},   {"SA", "966", "0"},  {"SE", "46", "0"},  {"SG", "65", ""},
    {"SI", "386", "0"}, {"SK", "421", "0"}, {"TH", "66", "0"},  {"TR", "90", "0"},   {"TW", "886", "0"}, {"UA", "380", "0"},
    {"US", "1", "1"},   {"VN", "84", "0"},  {"ZA", "27", "0"},
};

const CallingCode* calling_code(std::string_view country) {
    std::string c;
    for (char ch : country) c += (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
    for (const CallingCode& cc : kCallingCodes)
        if (c == cc.country) return &cc;
    return nullptr;
}

}  // namespace

std::string phone_key(std::string_view phone, std::string_view country) {
    // The number without an extension ("x12", "ext. 12").
    std::string lower;
    for (char c : phone) lower += (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    size_t ext = std::min(lower.find("ext"), lower.find('x'));
    std::string_view main = std::string_view(lower).substr(0, ext);
    std::string digits;
    bool plus = false;
    for (char c : main) {
        if (c >= '0' && c <= '9') digits += c;
        else if (c == '+' && digits.empty()) plus = true;
    }
    const CallingCode* cc = calling_code(country);
    std::string e164;
    bool international = plus || (digits.size() > 2 && digits.compare(0, 2, "00") == 0);
    if (plus) e164 = digits;
    else if (digits.size() > 2 && digits.compare(0, 2, "00") == 0) e164 = digits.substr(2);
    else if (cc && !strcmp(cc->code, "1") && digits.size() > 3 && digits.compare(0, 3, "011") == 0) {
        e164 = digits.substr(3);
        international = true;
    }
    else if (!cc) e164 = digits.size() >= 7 && digits.size() <= 15 ? digits : "";   // unknown country: its digits
    else {
        std::string national = digits;
        size_t tl = strlen(cc->trunk);
        if (!strcmp(cc->code, "1")) {
            if (national.size() == 11 && national[0] == '1') national.erase(0, 1);
        } else if (tl && national.size() > tl && national.compare(0, tl, cc->trunk) == 0) {
            national.erase(0, tl);
        }
        e164 = std::string(cc->code) + national;
    }
    // "(0)" written inside an international number: +49 (0)30 ... is +4930 ...
    if (plus) {
        size_t open = main.find("(0)");
        if (open != std::string_view::npos) {
            std::string before;
            for (char c : main.substr(0, open)) if (c >= '0' && c <= '9') before += c;
            if (e164.size() > before.size() && e164[before.size()] == '0') e164.erase(before.size(), 1);
        }
    }
    // Too short to be a whole number: a national number of fewer than six
    // digits, or an international one of fewer than eight.
    size_t cc_len = cc && !international ? strlen(cc->code) : 0;
    if (e164.size() < cc_len + 6 || e164.size() < 8 || e164.size() > 15) return "";
    return (cc || international ? "+" : "") + e164;
}

std::string website_key(std::string_view url) {
    std::string u;
    for (char c : url) u += (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    size_t scheme = u.find("://");
    if (scheme != std::string::npos) u.erase(0, scheme + 3);
    size_t end = u.find_first_of("/?#:");
    if (end != std::string::npos) u.resize(end);
    while (!u.empty() && (u.back() == '.' || u.back() == ' ')) u.pop_back();
    if (u.compare(0, 4, "www.") == 0) u.erase(0, 4);
    return u.find('.') == std::string::npos ? "" : u;
}

//-----------------------------------------------------------------------------
// Jaro-Winkler
//-----------------------------------------------------------------------------

double jaro_winkler(std::string_view a, std::string_view b) {
    if (a.empty() && b.empty()) return 1.0;
    if (a.empty() || b.empty()) return 0.0;
    if (a == b) return 1.0;
    size_t window = std::max(a.size(), b.size()) / 2;
    window = window > 0 ? window - 1 : 0;
    std::vector<char> ma(a.size(), 0), mb(b.size(), 0);
    size_t matches = 0;
    for (size_t i = 0; i < a.size(); i++) {
        size_t lo = i > window ? i - window : 0, hi = std::min(b.size(), i + window + 1);
        for (size_t j = lo; j < hi; j++)
            if (!mb[j] && a[i] == b[j]) {
                ma[i] = mb[j] = 1;
                matches++;
                break;
            }
    }
    if (!matches) return 0.0;
    size_t t = 0, k = 0;
    for (size_t i = 0; i < a.size(); i++) {
        if (!ma[i]) continue;
        while (!mb[k]) k++;
        if (a[i] != b[k]) t++;
        k++;
    }
    double m = (double)matches;
    double jaro = (m / (double)a.size() + m / (double)b.size() + (m - (double)t / 2.0) / m) / 3.0;
    size_t prefix = 0;
    while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) prefix++;
    return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}

}  // namespace crm
