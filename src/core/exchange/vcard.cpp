// vcard.cpp - see vcard.h.
#include "exchange/vcard.h"

#include <algorithm>
#include <istream>
#include <map>
#include <ostream>
#include <regex>
#include <sstream>

#include "base/util.h"
#include "records/validate.h"

namespace crm {

namespace {

// The contact fields a card fills, in the CSV's column order.
const std::vector<std::string> kColumns = {"first_name", "last_name", "salutation", "company", "job_title", "email", "email2", "phone",
                                           "mobile", "street", "city", "region", "postcode", "country", "birth_date", "notes"};
const std::map<std::string, std::string> kPropertyOf = {
    {"first_name", "N"},  {"last_name", "N"},   {"salutation", "N"},  {"company", "ORG"},    {"job_title", "TITLE"}, {"email", "EMAIL"},
    {"email2", "EMAIL"},  {"phone", "TEL"},     {"mobile", "TEL"},    {"street", "ADR"},     {"city", "ADR"},        {"region", "ADR"},
    {"postcode", "ADR"},  {"country", "ADR"},   {"birth_date", "BDAY"}, {"notes", "NOTE"}, {"account_id", "ORG"},
};

[[noreturn]] void fail(const std::string& name, int64_t line, const std::string& what) {
    throw CsvError(name + ": line " + std::to_string(line) + ": " + what);
}

struct Property {
    std::string name;                          // upper case, without its group
    std::vector<std::string> types;            // lower case: work, cell, pref ...
    std::map<std::string, std::string> params; // upper-case name -> value as written
    std::string value;                         // raw: escapes still in
    int64_t line = 0;
};

// "TEL;TYPE=work,voice;PREF=1:+49 ..." -> its name, parameters and value.
bool parse_line(const std::string& text, int64_t line, Property& p) {
    size_t colon = std::string::npos;
    bool quoted = false;
    for (size_t i = 0; i < text.size(); i++) {
        if (text[i] == '"') quoted = !quoted;
        else if (text[i] == ':' && !quoted) {
            colon = i;
            break;
        }
    }
    if (colon == std::string::npos) return false;
    std::string head = text.substr(0, colon);
    p.value = text.substr(colon + 1);
    p.line = line;
    std::vector<std::string> parts;
    std::string cur;
    quoted = false;
    for (char c : head) {
        if (c == '"') quoted = !quoted;
        if (c == ';' && !quoted) {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    parts.push_back(cur);
    std::string name = parts[0];
    if (size_t dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);   // item1.EMAIL
    for (char& c : name) c = (char)toupper((unsigned char)c);
    p.name = name;
    for (size_t i = 1; i < parts.size(); i++) {
        size_t eq = parts[i].find('=');
        std::string key = eq == std::string::npos ? "TYPE" : parts[i].substr(0, eq);
        std::string val = eq == std::string::npos ? parts[i] : parts[i].substr(eq + 1);
        for (char& c : key) c = (char)toupper((unsigned char)c);
        if (!val.empty() && val.front() == '"' && val.back() == '"' && val.size() >= 2) val = val.substr(1, val.size() - 2);
        if (key == "TYPE") {
            std::string t;
            for (char c : val + ",") {
                if (c == ',') {
                    if (!t.empty()) p.types.push_back(ascii_lower(t));
                    t.clear();
                } else {
                    t += c;
                }
            }
            // 2.1 writes the encoding and charset bare too
            std::string u = ascii_lower(val);
            if (u == "quoted-printable" || u == "base64" || u == "b") p.params["ENCODING"] = val;
        } else {
            p.params[key] = val;
            if (key == "PREF") p.types.push_back("pref");
        }
    }
    return true;
}

bool has_type(const Property& p, const char* t) {
    for (const std::string& x : p.types)
        if (x == t) return true;
    return false;
}

std::string quoted_printable(const std::string& s) {
    std::string out;
    auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
    for (size_t i = 0; i < s.size(); i++) {
        if (s[i] == '=' && i + 2 < s.size() + 0 && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else if (s[i] == '=' && i + 1 == s.size()) {
            // a soft line break left at the end
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string latin1_to_utf8(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c < 0x80) out += (char)c;
        else {
            out += (char)(0xC0 | (c >> 6));
            out += (char)(0x80 | (c & 0x3F));
        }
    }
    return out;
}

// A text value's escapes undone; a structured value (N, ADR, ORG) split at its unescaped semicolons.
std::vector<std::string> components(const std::string& raw, bool structured) {
    std::vector<std::string> out(1);
    for (size_t i = 0; i < raw.size(); i++) {
        char c = raw[i];
        if (c == '\\' && i + 1 < raw.size()) {
            char n = raw[++i];
            out.back() += n == 'n' || n == 'N' ? '\n' : n;
        } else if (c == ';' && structured) {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    return out;
}

// The value as UTF-8 text: decoded, converted, checked.
std::string decoded(const Property& p, const std::string& name) {
    std::string v = p.value;
    auto enc = p.params.find("ENCODING");
    if (enc != p.params.end()) {
        std::string e = ascii_lower(enc->second);
        if (e == "quoted-printable") v = quoted_printable(v);
        else if (e == "b" || e == "base64") return "";   // a photo or a key: not a contact field
    }
    auto cs = p.params.find("CHARSET");
    if (cs != p.params.end()) {
        std::string c = ascii_lower(cs->second);
        if (c == "iso-8859-1" || c == "latin1" || c == "windows-1252") v = latin1_to_utf8(v);
    }
    if (bad_utf8_at(v) >= 0) fail(name, p.line, p.name + ": the text is not valid UTF-8 (say CHARSET=ISO-8859-1 for Latin-1)");
    return v;
}

// YYYY-MM-DD from 1990-05-01, 19900501, 1990-05-01T00:00:00Z; "" for a date without a year (--0501).
std::string birth_date(const std::string& v) {
    std::string d;
    for (char c : v.substr(0, v.find('T')))
        if (c >= '0' && c <= '9') d += c;
        else if (c != '-') return v;   // left for the validation to name
    if (v.rfind("--", 0) == 0) return "";   // a birthday without its year (--0501): nothing to store
    if (d.size() != 8) return d.empty() ? "" : v;
    return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
}

std::string csv_quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

std::string vcard_to_csv(std::istream& in, const std::string& name, CsvImportOptions& import, std::vector<int64_t>* card_lines) {
    // Logical lines: folded continuations joined, QUOTED-PRINTABLE soft breaks too.
    std::vector<std::pair<std::string, int64_t>> lines;
    std::string raw;
    int64_t n = 0;
    while (std::getline(in, raw)) {
        n++;
        if (!raw.empty() && raw.back() == '\r') raw.pop_back();
        if (n == 1 && raw.rfind("\xEF\xBB\xBF", 0) == 0) raw.erase(0, 3);
        if (raw.size() > kMaxTextBytes) fail(name, n, "a line over 1 MiB");
        // A quoted-printable soft break first: its next line is taken as it is, a leading space included.
        if (!lines.empty() && !lines.back().first.empty() && lines.back().first.back() == '=') {
            std::string head = lines.back().first.substr(0, lines.back().first.find(':'));
            if (ascii_lower(head).find("quoted-printable") != std::string::npos) {
                lines.back().first.pop_back();
                lines.back().first += raw;
                continue;
            }
        }
        if (!lines.empty() && !raw.empty() && (raw[0] == ' ' || raw[0] == '\t')) {
            lines.back().first += raw.substr(1);
            continue;
        }
        lines.push_back({raw, n});
    }
    std::ostringstream csv;
    for (size_t i = 0; i < kColumns.size(); i++) csv << (i ? "," : "") << kColumns[i];
    csv << "\n";
    std::vector<int64_t> begins;
    bool open = false;
    std::vector<Property> card;
    int64_t begin = 0;
    auto write_card = [&] {
        std::map<std::string, std::string> f;
        std::vector<const Property*> emails, tels;
        const Property* adr = nullptr;
        std::string fn;
        for (const Property& p : card) {
            if (p.name == "N") {
                auto c = components(decoded(p, name), true);
                c.resize(5);
                f["last_name"] = trim(c[0]);
                f["first_name"] = trim(c[1]);
                f["salutation"] = trim(c[3]);
            } else if (p.name == "FN") {
                fn = trim(components(decoded(p, name), false)[0]);
            } else if (p.name == "ORG") {
                f["company"] = trim(components(decoded(p, name), true)[0]);
            } else if (p.name == "TITLE") {
                f["job_title"] = trim(components(decoded(p, name), false)[0]);
            } else if (p.name == "EMAIL") {
                emails.push_back(&p);
            } else if (p.name == "TEL") {
                if (!has_type(p, "fax")) tels.push_back(&p);
            } else if (p.name == "ADR") {
                if (!adr || (has_type(p, "work") && !has_type(*adr, "work"))) adr = &p;
            } else if (p.name == "BDAY") {
                f["birth_date"] = birth_date(trim(decoded(p, name)));
            } else if (p.name == "NOTE") {
                f["notes"] = components(decoded(p, name), false)[0];
            }
        }
        // No structured name (a company card, or a 2.1 card with FN only): the FN.
        if (f["last_name"].empty() && f["first_name"].empty() && !fn.empty()) {
            size_t sp = fn.rfind(' ');
            if (fn == f["company"] || sp == std::string::npos) f["last_name"] = fn;
            else f["first_name"] = fn.substr(0, sp), f["last_name"] = fn.substr(sp + 1);
        }
        std::stable_partition(emails.begin(), emails.end(), [](const Property* p) { return has_type(*p, "pref"); });
        for (size_t k = 0; k < emails.size() && k < 2; k++) f[k ? "email2" : "email"] = trim(decoded(*emails[k], name));
        for (const Property* t : tels) {
            std::string v = trim(decoded(*t, name));
            if (v.rfind("tel:", 0) == 0) v = v.substr(4);   // 4.0's URI form
            std::string& slot = has_type(*t, "cell") && f["mobile"].empty() ? f["mobile"] : f["phone"];
            if (slot.empty()) slot = v;
            else if (f["mobile"].empty()) f["mobile"] = v;
        }
        if (adr) {
            auto c = components(decoded(*adr, name), true);
            c.resize(7);
            f["street"] = trim(trim(c[1]) + " " + trim(c[2]));
            f["city"] = trim(c[3]);
            f["region"] = trim(c[4]);
            f["postcode"] = trim(c[5]);
            f["country"] = trim(c[6]);
        }
        // Indexed by the CSV's line (from 2): a row with line breaks in a field spans several.
        std::string row;
        for (size_t i = 0; i < kColumns.size(); i++) row += (i ? "," : "") + csv_quoted(f[kColumns[i]]);
        csv << row << "\n";
        begins.push_back(begin);
        for (char ch : row)
            if (ch == '\n') begins.push_back(0);
    };
    for (const auto& [text, line] : lines) {
        if (trim(text).empty()) continue;
        Property p;
        if (!parse_line(text, line, p)) fail(name, line, "not a vCard line (NAME:value): '" + text.substr(0, 40) + "'");
        if (p.name == "BEGIN" && ascii_lower(trim(p.value)) == "vcard") {
            if (open) fail(name, line, "a card begins inside the card of line " + std::to_string(begin) + " (END:VCARD missing)");
            open = true;
            begin = line;
            card.clear();
        } else if (p.name == "END" && ascii_lower(trim(p.value)) == "vcard") {
            if (!open) fail(name, line, "END:VCARD without BEGIN:VCARD");
            write_card();
            open = false;
        } else if (!open) {
            fail(name, line, "expected BEGIN:VCARD, found '" + text.substr(0, 40) + "'");
        } else {
            card.push_back(std::move(p));
        }
    }
    if (open) fail(name, begin, "the card that begins here has no END:VCARD");
    if (begins.empty()) fail(name, 1, "no vCard in the file (BEGIN:VCARD ... END:VCARD)");
    // begins[k]: the card of the CSV's line k + 2, 0 for a line inside a row
    if (card_lines) *card_lines = begins;
    import.entity = &kContacts;
    import.mapping = kColumns;
    import.name = name;
    return csv.str();
}

std::string vcard_error(const std::string& csv_error, const std::string& name, const std::vector<int64_t>& card_lines) {
    static const std::regex row(R"(line (\d+): column '([^']*)' \(([^)]*)\): (.*))");
    static const std::regex bare(R"(^column '([^']*)' \(([^)]*)\): (.*))");   // a preview row's error: its line is shown beside it
    std::smatch m;
    auto property = [](const std::string& field) {
        auto p = kPropertyOf.find(field);
        return p == kPropertyOf.end() ? field : p->second;
    };
    if (std::regex_search(csv_error, m, bare)) return "the card's " + property(m[1].str()) + " (" + m[2].str() + "): " + m[3].str();
    if (!std::regex_search(csv_error, m, row)) return csv_error;
    size_t card = (size_t)std::stoll(m[1].str()) - 2;   // card_lines[0] is the CSV's line 2
    if (card >= card_lines.size() || card_lines[card] == 0) return csv_error;
    return name + ": line " + std::to_string(card_lines[card]) + ": the card's " + property(m[2].str()) + " (" + m[3].str() + "): " + m[4].str();
}

CsvImportSummary import_vcard(Store& store, std::istream& in, const std::string& name, DuplicatePolicy duplicates) {
    CsvImportOptions o;
    std::vector<int64_t> lines;
    std::istringstream csv(vcard_to_csv(in, name, o, &lines));
    o.duplicates = duplicates;
    try {
        return import_csv(store, csv, o);
    } catch (const CsvError& e) {
        throw CsvError(vcard_error(e.what(), name, lines));
    }
}

//-----------------------------------------------------------------------------
// Writing
//-----------------------------------------------------------------------------

std::string vcard_escape(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); i++) {
        char c = text[i];
        if (c == '\\' || c == ',' || c == ';') out += '\\', out += c;
        else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        else if (c == '\n' || c == '\r') out += "\\n";
        else out += c;
    }
    return out;
}

std::string fold_content_line(const std::string& line) {
    std::string out;
    size_t at = 0, width = 75;
    while (line.size() - at > width) {
        size_t cut = at + width;
        while (cut > at && ((unsigned char)line[cut] & 0xC0) == 0x80) cut--;   // not inside a character
        out += line.substr(at, cut - at) + "\r\n ";
        at = cut;
        width = 74;   // the leading space counts
    }
    return out + line.substr(at) + "\r\n";
}

int64_t export_vcard(Store& store, std::ostream& out, const std::vector<std::string>& ids, int version) {
    if (version != 3 && version != 4) throw std::invalid_argument("vCard version is 3 or 4");
    std::string sql =
        "SELECT c.id, c.first_name, c.last_name, c.salutation, coalesce(a.name, ''), c.job_title, c.email, c.email2, c.phone, c.mobile, "
        "c.street, c.city, c.region, c.postcode, c.country, c.birth_date, c.notes, c.updated_at "
        "FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.deleted = 0";
    sql += ids.empty() ? " ORDER BY c.last_name, c.first_name, c.id" : " AND c.id = ?1";
    Statement st(store.db(), sql);
    int64_t written = 0;
    auto one = [&] {
        auto col = [&](int i) { return st.column_is_null(i) ? std::string() : st.column_text(i); };
        auto line = [&](const std::string& l) { out << fold_content_line(l); };
        std::string first = col(1), last = col(2);
        line("BEGIN:VCARD");
        line(version == 4 ? "VERSION:4.0" : "VERSION:3.0");
        line("UID:urn:uuid:" + col(0));
        line("FN:" + vcard_escape(trim(first + " " + last)));
        line("N:" + vcard_escape(last) + ";" + vcard_escape(first) + ";;" + vcard_escape(col(3)) + ";");
        if (!col(4).empty()) line("ORG:" + vcard_escape(col(4)));
        if (!col(5).empty()) line("TITLE:" + vcard_escape(col(5)));
        const char* work = version == 4 ? "work" : "WORK";
        if (!col(6).empty()) line(std::string("EMAIL;TYPE=") + work + (version == 4 ? ";PREF=1" : ",PREF") + ":" + vcard_escape(col(6)));
        if (!col(7).empty()) line(std::string("EMAIL;TYPE=") + (version == 4 ? "home" : "HOME") + ":" + vcard_escape(col(7)));
        if (!col(8).empty()) line(std::string("TEL;TYPE=") + work + (version == 4 ? ",voice" : ",VOICE") + ":" + vcard_escape(col(8)));
        if (!col(9).empty()) line(std::string("TEL;TYPE=") + (version == 4 ? "cell" : "CELL") + ":" + vcard_escape(col(9)));
        if (!(col(10) + col(11) + col(12) + col(13) + col(14)).empty())
            line(std::string("ADR;TYPE=") + work + ":;;" + vcard_escape(col(10)) + ";" + vcard_escape(col(11)) + ";" + vcard_escape(col(12)) + ";" +
                 vcard_escape(col(13)) + ";" + vcard_escape(col(14)));
        std::string bday = col(15);
        if (!bday.empty()) {
            if (version == 4) bday.erase(std::remove(bday.begin(), bday.end(), '-'), bday.end());
            line("BDAY:" + bday);
        }
        if (!col(16).empty()) line("NOTE:" + vcard_escape(col(16)));
        std::string rev;
        for (char c : col(17).substr(0, 19))
            if (c != '-' && c != ':') rev += c;
        if (!rev.empty()) line("REV:" + rev + "Z");
        line("END:VCARD");
        written++;
    };
    if (ids.empty()) {
        while (st.step()) one();
    } else {
        for (const std::string& id : ids) {
            st.reset();
            st.bind_all(id);
            if (!st.step()) throw std::invalid_argument("no contact has the id '" + id + "'");
            one();
        }
    }
    return written;
}

}  // namespace crm
