// rtl.cpp - see rtl.h.
#include "base/rtl.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "base/util.h"

namespace crm {

namespace {

std::vector<uint32_t> decode(std::string_view s) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < s.size();) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = c;
        size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        bool whole = n > 1 && i + n <= s.size();
        for (size_t k = 1; whole && k < n; k++) whole = ((unsigned char)s[i + k] & 0xC0) == 0x80;
        if (whole) {
            cp = c & (0xFF >> (n + 1));
            for (size_t k = 1; k < n; k++) cp = cp << 6 | ((unsigned char)s[i + k] & 0x3F);
        } else if (c >= 0x80) {
            n = 1;
            cp = 0xDC00 + c;   // a stray byte: kept as it was (a lone surrogate stands for it, as Python's surrogateescape)
        }
        out.push_back(cp);
        i += n;
    }
    return out;
}

void encode(uint32_t cp, std::string& out) {
    if (cp >= 0xDC80 && cp <= 0xDCFF) out += (char)(cp - 0xDC00);   // a stray byte, back as it came
    else append_utf8(out, cp);
}

bool is_mark(uint32_t c) {
    return (c >= 0x0591 && c <= 0x05C7 && c != 0x05BE && c != 0x05C0 && c != 0x05C3 && c != 0x05C6) || (c >= 0x0610 && c <= 0x061A) ||
           (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED);
}

bool is_rtl(uint32_t c) {
    if (c >= 0x0660 && c <= 0x0669) return false;   // Arabic-Indic digits: numbers
    if (c >= 0x06F0 && c <= 0x06F9) return false;
    return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC);   // not U+FEFF, a byte-order mark
}

bool is_number(uint32_t c) { return (c >= '0' && c <= '9') || (c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9); }

// Neutral: spaces, punctuation and symbols of ASCII and General Punctuation.
bool is_neutral(uint32_t c) {
    if (c < 0x80) return !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    return (c >= 0x2000 && c <= 0x206F) || c == 0x00A0 || c == 0x060C || c == 0x061B || c == 0x061F || (c >= 0x00A1 && c <= 0x00BF);
}

//--- Arabic joining -------------------------------------------------------------

// A letter's presentation forms: isolated, final, initial, medial (0: none;
// a right-joining letter has only the first two).
struct Forms {
    uint32_t letter, iso, fin, ini, med;
};
const Forms kForms[] = {
    {0x0621, 0xFE80, 0, 0, 0},                     {0x0622, 0xFE81, 0xFE82, 0, 0},           {0x0623, 0xFE83, 0xFE84, 0, 0},
    {0x0624, 0xFE85, 0xFE86, 0, 0},                {0x0625, 0xFE87, 0xFE88, 0, 0},           {0x0626, 0xFE89, 0xFE8A, 0xFE8B, 0xFE8C},
    {0x0627, 0xFE8D, 0xFE8E, 0, 0},                {0x0628, 0xFE8F, 0xFE90, 0xFE91, 0xFE92}, {0x0629, 0xFE93, 0xFE94, 0, 0},
    {0x062A, 0xFE95, 0xFE96, 0xFE97, 0xFE98},      {0x062B, 0xFE99, 0xFE9A, 0xFE9B, 0xFE9C}, {0x062C, 0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0},
    {0x062D, 0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4},      {0x062E, 0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8}, {0x062F, 0xFEA9, 0xFEAA, 0, 0},
    {0x0630, 0xFEAB, 0xFEAC, 0, 0},                {0x0631, 0xFEAD, 0xFEAE, 0, 0},           {0x0632, 0xFEAF, 0xFEB0, 0, 0},
    {0x0633, 0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4},      {0x0634, 0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8}, {0x0635, 0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC},
    {0x0636, 0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0},      {0x0637, 0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4}, {0x0638, 0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8},
    {0x0639, 0xFEC9, 0xFECA, 0xFECB, 0xFECC},      {0x063A, 0xFECD, 0xFECE, 0xFECF, 0xFED0}, {0x0641, 0xFED1, 0xFED2, 0xFED3, 0xFED4},
    {0x0642, 0xFED5, 0xFED6, 0xFED7, 0xFED8},      {0x0643, 0xFED9, 0xFEDA, 0xFEDB, 0xFEDC}, {0x0644, 0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0},
    {0x0645, 0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4},      {0x0646, 0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8}, {0x0647, 0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC},
    {0x0648, 0xFEED, 0xFEEE, 0, 0},                {0x0649, 0xFEEF, 0xFEF0, 0, 0},           {0x064A, 0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4},
    // Persian and Urdu letters (Presentation Forms-A).
    {0x067E, 0xFB56, 0xFB57, 0xFB58, 0xFB59},      {0x0686, 0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D}, {0x0698, 0xFB8A, 0xFB8B, 0, 0},
    {0x06A9, 0xFB8E, 0xFB8F, 0xFB90, 0xFB91},      {0x06AF, 0xFB92, 0xFB93, 0xFB94, 0xFB95}, {0x06CC, 0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF},
};

const Forms* forms_of(uint32_t c) {
    for (const Forms& f : kForms)
        if (f.letter == c) return &f;
    return nullptr;
}

bool dual(uint32_t c) {   // joins on both sides
    if (c == 0x0640) return true;   // tatweel
    const Forms* f = forms_of(c);
    return f && f->ini;
}
bool joins(uint32_t c) { return c == 0x0640 || (forms_of(c) && forms_of(c)->fin); }   // joins to the letter before it

// Lam followed by an alef: one ligature (isolated, final) per alef.
uint32_t lam_alef(uint32_t alef, bool final) {
    switch (alef) {
        case 0x0622: return final ? 0xFEF6 : 0xFEF5;
        case 0x0623: return final ? 0xFEF8 : 0xFEF7;
        case 0x0625: return final ? 0xFEFA : 0xFEF9;
        case 0x0627: return final ? 0xFEFC : 0xFEFB;
        default: return 0;
    }
}

std::vector<uint32_t> shape_arabic(const std::vector<uint32_t>& in) {
    std::vector<uint32_t> out;
    out.reserve(in.size());
    auto neighbour = [&](size_t i, int dir) -> uint32_t {   // the next letter that way, over marks
        for (long k = (long)i + dir; k >= 0 && k < (long)in.size(); k += dir)
            if (!is_mark(in[(size_t)k])) return in[(size_t)k];
        return 0;
    };
    for (size_t i = 0; i < in.size(); i++) {
        uint32_t c = in[i];
        const Forms* f = forms_of(c);
        if (!f) {
            out.push_back(c);
            continue;
        }
        bool from_prev = dual(neighbour(i, -1)) && f->fin;
        uint32_t next = neighbour(i, +1);
        if (c == 0x0644 && lam_alef(next, false)) {
            out.push_back(lam_alef(next, from_prev));
            // Skip the alef (and keep marks between them with the ligature).
            size_t k = i + 1;
            while (k < in.size() && is_mark(in[k])) out.push_back(in[k++]);
            i = k;
            continue;
        }
        bool to_next = f->ini && joins(next);
        out.push_back(from_prev && to_next ? f->med : from_prev ? f->fin : to_next ? f->ini : f->iso);
    }
    return out;
}

}  // namespace

bool has_rtl(std::string_view s) {
    // Every list cell asks, every frame: text without a lead byte of U+0590
    // or above (0xD6) has no right-to-left letter, and nothing is decoded.
    bool high = false;
    for (char ch : s) high |= (unsigned char)ch >= 0xD6;
    if (!high) return false;
    for (uint32_t c : decode(s))
        if (is_rtl(c) && !is_mark(c)) return true;
    return false;
}

std::string visual_order(std::string_view logical) {
    if (!has_rtl(logical)) return std::string(logical);
    std::vector<uint32_t> t = shape_arabic(decode(logical));
    size_t n = t.size();
    // Classes: 'L', 'R', 'N' (number), '_' (neutral); marks take their letter's.
    std::vector<char> cls(n);
    for (size_t i = 0; i < n; i++) {
        uint32_t c = t[i];
        cls[i] = is_mark(c) && i ? cls[i - 1] : is_rtl(c) ? 'R' : is_number(c) ? 'N' : is_neutral(c) ? '_' : 'L';
    }
    char para = 'L';
    for (char c : cls)
        if (c == 'L' || c == 'R') {
            para = c;
            break;
        }
    // Numbers after a left-to-right letter (or at the start of a left-to-right paragraph) are left to right (W7).
    char strong = para;
    for (size_t i = 0; i < n; i++) {
        if (cls[i] == 'L' || cls[i] == 'R') strong = cls[i];
        else if (cls[i] == 'N' && strong == 'L') cls[i] = 'L';
    }
    // Neutrals between two of one direction take it (numbers count as right to left); the rest, the paragraph's (N1, N2).
    for (size_t i = 0; i < n;) {
        if (cls[i] != '_') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && cls[j] == '_') j++;
        auto dir = [](char c) { return c == 'N' ? 'R' : c; };
        char before = i ? dir(cls[i - 1]) : para, after = j < n ? dir(cls[j]) : para;
        char d = before == after ? before : para;
        for (size_t k = i; k < j; k++) cls[k] = d;
        i = j;
    }
    // Levels (I1, I2), then reverse each run at or above each level down to the lowest odd one (L2).
    std::vector<int> level(n);
    int base = para == 'R' ? 1 : 0, top = 0;
    for (size_t i = 0; i < n; i++) {
        char c = cls[i];
        level[i] = base == 0 ? (c == 'L' ? 0 : c == 'R' ? 1 : 2) : (c == 'R' ? 1 : 2);
        top = std::max(top, level[i]);
    }
    for (int l = top; l >= 1; l--)
        for (size_t i = 0; i < n;) {
            if (level[i] < l) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < n && level[j] >= l) j++;
            std::reverse(t.begin() + (long)i, t.begin() + (long)j);
            std::reverse(level.begin() + (long)i, level.begin() + (long)j);
            i = j;
        }
    // A combining mark (a haraka, a Hebrew point) is drawn after its letter,
    // where a font places it (over the glyph before it): reversing put it first (L3).
    for (size_t i = 0; i < n;) {
        if (!is_mark(t[i]) || level[i] % 2 == 0) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && is_mark(t[j])) j++;
        if (j < n && level[j] % 2 == 1) {
            std::rotate(t.begin() + (long)i, t.begin() + (long)j, t.begin() + (long)j + 1);
            i = j + 1;
        } else {
            i = j;
        }
    }
    std::string out;
    for (uint32_t c : t) encode(c, out);
    return out;
}

}  // namespace crm
