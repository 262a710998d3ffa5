// csv.cpp - see csv.h.
#include "exchange/csv.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <istream>
#include <ostream>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "quality/duplicates.h"
#include "records/views.h"
#include "storage/pagevfs.h"
#include "storage/schema.h"

namespace crm {

namespace {

constexpr size_t kMaxField = kMaxTextBytes;

std::string norm(const std::string& s) {
    std::string out;
    for (unsigned char c : s)
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += (char)c;
        else if (c >= 'A' && c <= 'Z') out += (char)(c - 'A' + 'a');
        else if (c >= 0x80) out += (char)c;
    return out;
}

const std::map<std::string, std::vector<const char*>>& synonyms() {
    static const std::map<std::string, std::vector<const char*>> s = {
        {"first_name", {"first", "firstname", "givenname", "forename", "vorname", "prenom"}},
        {"last_name", {"last", "lastname", "surname", "familyname", "nachname", "nom"}},
        {"email", {"email", "emailaddress", "mail", "email1", "emailaddress1", "primaryemail", "workemail"}},
        {"email2", {"email2", "emailaddress2", "secondaryemail", "otheremail"}},
        {"phone", {"phone", "phonenumber", "telephone", "tel", "businessphone", "workphone", "officephone", "phone1"}},
        {"mobile", {"mobile", "mobilephone", "cell", "cellphone", "mobilenumber"}},
        {"company", {"company", "companyname", "organization", "organisation", "account", "accountname", "employer", "firma"}},
        {"job_title", {"title", "jobtitle", "position", "role"}},
        {"department", {"department", "dept"}},
        {"street", {"street", "address", "streetaddress", "address1", "addressline1", "mailingstreet", "businessstreet"}},
        {"city", {"city", "town", "mailingcity", "businesscity"}},
        {"postcode", {"postcode", "zip", "zipcode", "postalcode", "plz", "mailingpostalcode", "businesspostalcode"}},
        {"region", {"region", "state", "province", "county", "mailingstate", "businessstate"}},
        {"country", {"country", "countryregion", "mailingcountry", "businesscountry", "countrycode"}},
        {"notes", {"notes", "note", "comments", "description"}},
        {"website", {"website", "web", "url", "homepage"}},
        {"industry", {"industry", "sector"}},
        {"salutation", {"salutation", "prefix"}},
        {"source", {"source", "leadsource"}},
        {"name", {"name", "accountname", "companyname", "organization", "organisation", "company"}},
    };
    return s;
}

const std::unordered_map<std::string, const char*>& country_names() {
    static const std::unordered_map<std::string, const char*> m = {
        {"germany", "DE"}, {"deutschland", "DE"}, {"austria", "AT"}, {"osterreich", "AT"}, {"switzerland", "CH"}, {"schweiz", "CH"},
        {"france", "FR"}, {"spain", "ES"}, {"espana", "ES"}, {"italy", "IT"}, {"italia", "IT"}, {"netherlands", "NL"},
        {"thenetherlands", "NL"}, {"holland", "NL"}, {"belgium", "BE"}, {"luxembourg", "LU"}, {"unitedkingdom", "GB"}, {"uk", "GB"},
        {"greatbritain", "GB"}, {"england", "GB"}, {"ireland", "IE"}, {"sweden", "SE"}, {"norway", "NO"}, {"denmark", "DK"},
        {"finland", "FI"}, {"poland", "PL"}, {"polska", "PL"}, {"czechrepublic", "CZ"}, {"czechia", "CZ"}, {"portugal", "PT"},
        {"greece", "GR"}, {"unitedstates", "US"}, {"unitedstatesofamerica", "US"}, {"usa", "US"}, {"us", "US"}, {"canada", "CA"},
        {"mexico", "MX"}, {"brazil", "BR"}, {"japan", "JP"}, {"china", "CN"}, {"india", "IN"}, {"australia", "AU"},
        {"newzealand", "NZ"}, {"russia", "RU"}, {"russianfederation", "RU"}, {"turkey", "TR"}, {"southafrica", "ZA"},
    };
    return m;
}

// A cell as the field stores it: money "1,234.50" -> 123450, booleans yes/no, country names -> codes.
Value parse_cell(const FieldSpec& f, const std::string& raw) {
    std::string t = trim(raw);
    if (t.empty()) return f.type == FieldType::Ref ? Value(std::monostate{}) : Value(std::string());
    if (f.type == FieldType::Money) {
        std::string d;
        for (char c : t)
            if (c != ',' && c != ' ' && c != '\'') d += c;
        char* end = nullptr;
        double v = std::strtod(d.c_str(), &end);
        if (end && !*end) return (int64_t)std::llround(v * 100.0);
        return t;
    }
    if (f.type == FieldType::Bool) {
        std::string l = ascii_lower(t);
        if (l == "1" || l == "yes" || l == "true" || l == "y" || l == "x" || l == "ja") return int64_t(1);
        if (l == "0" || l == "no" || l == "false" || l == "n" || l == "nein") return int64_t(0);
        return t;
    }
    if (f.type == FieldType::Integer) {
        char* end = nullptr;
        long long v = std::strtoll(t.c_str(), &end, 10);
        if (end && !*end) return (int64_t)v;
        return t;
    }
    if (f.has(F_Country) && t.size() > 2) {
        auto it = country_names().find(norm(t));
        if (it != country_names().end()) return std::string(it->second);
    }
    if (f.type == FieldType::Choice) {   // "Decision maker" -> decision_maker
        std::string code;
        for (char c : ascii_lower(t)) code += (c == ' ' || c == '-') ? '_' : c;
        for (const char* ch : f.choices)
            if (code == ch) return code;
    }
    return t;
}

std::string digits(const std::string& s) {
    std::string d;
    for (char c : s)
        if (c >= '0' && c <= '9') d += c;
    return d;
}

// What a duplicate is found by, normalised: the e-mail; or first name, last
// name and phone digits (only with a last name and a phone); or, for an
// account, its name. "" where the record has none.
struct DuplicateKeys {
    std::string email, name_phone, name;
    static DuplicateKeys of(const std::string& email, const std::string& first, const std::string& last, const std::string& phone,
                            const std::string& name) {
        DuplicateKeys k;
        k.email = ascii_lower(trim(email));
        std::string d = digits(phone), l = ascii_lower(trim(last));
        if (!l.empty() && !d.empty()) k.name_phone = ascii_lower(trim(first)) + '\x1f' + l + '\x1f' + d;
        k.name = ascii_lower(trim(name));
        return k;
    }
    static DuplicateKeys of(const Fields& f) {
        std::string email, first, last, phone, name;
        for (auto& [field, v] : f) {
            if (field == "email") email = value_to_text(v);
            else if (field == "first_name") first = value_to_text(v);
            else if (field == "last_name") last = value_to_text(v);
            else if (field == "phone") phone = value_to_text(v);
            else if (field == "name") name = value_to_text(v);
        }
        return of(email, first, last, phone, name);
    }
};

// FNV-1a, 64 bits on every target (std::hash is 32 bits in wasm32).
uint64_t key_hash(const std::string& s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

}  // namespace

//-----------------------------------------------------------------------------
// CsvReader
//-----------------------------------------------------------------------------

CsvReader::CsvReader(std::istream& in, char delimiter) : in_(in), delim_(delimiter) {
    // Read the first line ahead: the BOM goes, the delimiter is the most
    // frequent of , ; and tab outside quotes.
    int c;
    bool q = false;
    while ((c = in_.get()) != EOF) {
        pending_ += (char)c;
        if (c == '"') q = !q;
        if (c == '\n' && !q) break;
        if (pending_.size() > kMaxField) break;
    }
    if (pending_.compare(0, 3, "\xEF\xBB\xBF") == 0) pending_.erase(0, 3);
    if (!delim_) {
        size_t n[3] = {0, 0, 0};
        bool inq = false;
        for (char ch : pending_) {
            if (ch == '"') inq = !inq;
            if (inq) continue;
            if (ch == ',') n[0]++;
            if (ch == ';') n[1]++;
            if (ch == '\t') n[2]++;
        }
        delim_ = n[1] > n[0] && n[1] >= n[2] ? ';' : n[2] > n[0] && n[2] > n[1] ? '\t' : ',';
    }
}

int CsvReader::get() {
    if (pending_pos_ < pending_.size()) return (unsigned char)pending_[pending_pos_++];
    return in_.get();
}

bool CsvReader::next(std::vector<std::string>& fields) {
    for (;;) {
        fields.clear();
        std::string field;
        bool quoted = false, was_quoted = false, any = false;
        record_line_ = line_;
        int c;
        for (;;) {
            c = get();
            if (c == EOF) {
                if (quoted) throw CsvError("line " + std::to_string(record_line_) + ": a quoted field is not closed before the end of the file");
                break;
            }
            any = true;
            if (quoted) {
                if (c == '"') {
                    int d = get();
                    if (d == '"') field += '"';
                    else {
                        quoted = false;
                        if (d == EOF) break;
                        c = d;   // fall through to the unquoted handling of this byte
                        goto unquoted;
                    }
                } else {
                    if (c == '\n') line_++;
                    field += (char)c;
                }
                if (field.size() > kMaxField) throw CsvError("line " + std::to_string(record_line_) + ": a field is longer than 1 MiB");
                continue;
            }
        unquoted:
            if (c == '"' && field.empty() && !was_quoted) {
                quoted = was_quoted = true;
                continue;
            }
            if (c == delim_) {
                fields.push_back(std::move(field));
                field.clear();
                was_quoted = false;
                continue;
            }
            if (c == '\r') {
                int d = get();
                if (d != '\n' && d != EOF) {   // a lone CR ends the line too
                    line_++;
                    fields.push_back(std::move(field));
                    pending_.insert(pending_.begin() + (long)pending_pos_, (char)d);
                    goto done;
                }
                c = '\n';
                if (d == EOF) { line_++; break; }
            }
            if (c == '\n') {
                line_++;
                break;
            }
            field += (char)c;
            if (field.size() > kMaxField) throw CsvError("line " + std::to_string(record_line_) + ": a field is longer than 1 MiB");
        }
        if (!any) return false;
        fields.push_back(std::move(field));
    done:
        if (fields.size() == 1 && fields[0].empty() && !was_quoted) {
            if (c == EOF) return false;
            continue;   // a blank line
        }
        for (size_t i = 0; i < fields.size(); i++) {
            long bad = bad_utf8_at(fields[i]);
            if (bad >= 0)
                throw CsvError("line " + std::to_string(record_line_) + ", column " + std::to_string(i + 1) +
                               ": not valid UTF-8 (save the file as UTF-8 and import it again)");
        }
        return true;
    }
}

//-----------------------------------------------------------------------------
// Mapping
//-----------------------------------------------------------------------------

std::vector<std::string> guess_mapping(const EntitySpec& e, const std::vector<std::string>& header) {
    std::vector<std::string> out;
    std::set<std::string> used;
    for (const std::string& h : header) {
        std::string n = norm(h), hit;
        for (const FieldSpec& f : e.fields) {   // the field's own name or label
            if (f.has(F_System) || f.has(F_Hidden) || f.type == FieldType::Ref) continue;
            if (n == norm(f.name) || n == norm(f.label)) { hit = f.name; break; }
        }
        if (hit.empty())
            for (auto& [field, words] : synonyms()) {
                bool ok = (e.field(field) && !e.field(field)->has(F_System)) || (field == "company" && &e == &kContacts);
                if (!ok || (field == "name" && &e != &kAccounts) || (field == "company" && &e == &kAccounts)) continue;
                for (const char* w : words)
                    if (n == w) hit = field;
                if (!hit.empty()) break;
            }
        if (!hit.empty() && used.count(hit)) hit.clear();   // the first column wins
        if (!hit.empty()) used.insert(hit);
        out.push_back(hit);
    }
    return out;
}

std::vector<std::string> apply_mapping_text(const EntitySpec& e, const std::vector<std::string>& header, std::vector<std::string> mapping,
                                            const std::string& text) {
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        std::string pair = text.substr(start, end - start);
        size_t eq = pair.find('=');
        if (eq == std::string::npos) throw CsvError("--map: '" + pair + "' is not Column=field");
        std::string col = trim(pair.substr(0, eq)), field = trim(pair.substr(eq + 1));
        if (!field.empty() && !e.field(field) && !(field == "company" && &e == &kContacts))
            throw CsvError("--map: '" + field + "' is not a field of " + e.label);
        bool found = false;
        for (size_t i = 0; i < header.size(); i++)
            if (header[i] == col) {
                mapping[i] = field;
                found = true;
            }
        if (!found) throw CsvError("--map: the file has no column '" + col + "'");
        start = end + 1;
    }
    return mapping;
}

//-----------------------------------------------------------------------------
// Import
//-----------------------------------------------------------------------------

struct CsvImport::Impl {
    Store& store;
    std::istream& in;
    CsvImportOptions opt;
    CsvReader reader;
    std::vector<std::string> header;
    std::optional<Transaction> tx;
    CsvImportSummary sum;
    bool done = false, started = false, at_end = false;
    // A row whose reads missed a block of a lazily opened file (PageMiss):
    // rolled back to its savepoint, it runs again, whole, at the next step.
    std::vector<std::string> pending;
    int64_t pending_line = 0;
    bool has_pending = false;

    void journal(const EntitySpec& e, const std::string& id, const char* action, const std::string& before = "") {
        store.db().cached("INSERT INTO import_items(import_id, entity, record_id, action, before) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind_all(sum.import_id, std::string(e.table), id, std::string(action), before)
            .run();
    }

    Impl(Store& s, std::istream& i, CsvImportOptions o) : store(s), in(i), opt(std::move(o)), reader(i) {}

    // The import's own record, which the journal's rows refer to: written
    // by the first step (a read it makes may miss, and runs again).
    void start() {
        if (started) return;
        store.db().cached("INSERT INTO imports(id, at, file, entity) VALUES (?1, ?2, ?3, ?4)")
            .bind_all(sum.import_id, format_datetime(store.now_ms()), opt.name, std::string(opt.entity->table))
            .run();
        started = true;
    }

    [[noreturn]] void fail(int64_t line, const std::string& what) {
        throw CsvError(opt.name + ": line " + std::to_string(line) + ": " + what);
    }

    // Existing records, read once per import into hash maps, so checking a row
    // for a duplicate costs the same at row 1 and at row 1,000,000. A map holds
    // a 64-bit hash of the key and the record's rowid, about 40 bytes a record
    // where strings took 180 (a million-row import peaked at 440 MiB). A hit is
    // confirmed against the stored record, so a collision can never make two
    // people one; at worst (odds ~1e-8 at a million) it misses one duplicate.
    // Read in rowid order and resumed after the last row read, so a scan a
    // missed block interrupted goes on where it stopped.
    bool indexed = false;
    int index_table = 0;          // 0: accounts, 1: the imported entity
    int64_t index_after = 0;      // the last rowid read
    std::unordered_map<uint64_t, int64_t> by_email, by_name_phone, account_by_name;
    void build_index() {
        if (indexed) return;
        Database& db = store.db();
        const EntitySpec& e = *opt.entity;
        if (index_table == 0) {
            Statement st = db.prepare("SELECT rowid, name FROM accounts WHERE deleted = 0 AND rowid > ? ORDER BY rowid");
            st.bind(1, index_after);
            while (st.step()) {
                account_by_name.emplace(key_hash(ascii_lower(trim(st.column_text(1)))), st.column_int(0));
                index_after = st.column_int(0);
            }
            index_table = 1;
            index_after = 0;
        }
        if (&e != &kAccounts) {
            Statement st = db.prepare(std::string("SELECT rowid, email, first_name, last_name, phone FROM ") + e.table +
                                      " WHERE deleted = 0 AND rowid > ? ORDER BY rowid");
            st.bind(1, index_after);
            while (st.step()) {
                DuplicateKeys k = DuplicateKeys::of(st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4), "");
                if (!k.email.empty()) by_email.emplace(key_hash(k.email), st.column_int(0));
                if (!k.name_phone.empty()) by_name_phone.emplace(key_hash(k.name_phone), st.column_int(0));
                index_after = st.column_int(0);
            }
        }
        indexed = true;
    }
    // A record as stored: its rowid, id and duplicate keys, looked up by
    // rowid or by id. False if there is no live record.
    struct Stored {
        int64_t rowid = 0;
        std::string id;
        DuplicateKeys keys;
    };
    bool stored(const EntitySpec& e, const char* by, const Value& v, Stored& out) {
        bool account = &e == &kAccounts;
        std::string cols = account ? "rowid, id, name" : "rowid, id, email, first_name, last_name, phone";
        Statement& st = store.db().cached("SELECT " + cols + " FROM " + e.table + " WHERE " + by + " = ? AND deleted = 0");
        st.bind(1, v);
        bool found = st.step();
        if (found) {
            out.rowid = st.column_int(0);
            out.id = st.column_text(1);
            out.keys = account ? DuplicateKeys::of("", "", "", "", st.column_text(2))
                               : DuplicateKeys::of(st.column_text(2), st.column_text(3), st.column_text(4), st.column_text(5), "");
        }
        st.reset();
        return found;
    }
    // The id of the record a key's hash points at, if that record still has the key.
    std::string find(const std::unordered_map<uint64_t, int64_t>& map, const EntitySpec& e, std::string DuplicateKeys::*which,
                     const std::string& key) {
        if (key.empty()) return "";
        auto it = map.find(key_hash(key));
        Stored r;
        return it != map.end() && stored(e, "rowid", it->second, r) && r.keys.*which == key ? r.id : "";
    }
    // Indexes a record as it is stored after this row's create or update, so
    // keys an update merged in are found by later rows too.
    void remember(const EntitySpec& e, const std::string& id) {
        Stored r;
        if (!stored(e, "id", id, r)) return;
        if (!r.keys.email.empty()) by_email[key_hash(r.keys.email)] = r.rowid;
        if (!r.keys.name_phone.empty()) by_name_phone[key_hash(r.keys.name_phone)] = r.rowid;
        if (&e == &kAccounts && !r.keys.name.empty()) account_by_name[key_hash(r.keys.name)] = r.rowid;
    }

    std::string account_for(const std::string& name) {
        build_index();
        std::string key = ascii_lower(trim(name));
        if (key.empty()) return "";
        if (std::string id = find(account_by_name, kAccounts, &DuplicateKeys::name, key); !id.empty()) return id;
        std::string id = store.create(kAccounts, {{"name", trim(name)}});
        sum.accounts_created++;
        journal(kAccounts, id, "created");
        remember(kAccounts, id);
        return id;
    }

    std::string duplicate_of(const Fields& f) {
        build_index();
        const EntitySpec& e = *opt.entity;
        DuplicateKeys k = DuplicateKeys::of(f);
        if (&e == &kAccounts) return find(account_by_name, e, &DuplicateKeys::name, k.name);
        std::string id = find(by_email, e, &DuplicateKeys::email, k.email);
        return id.empty() ? find(by_name_phone, e, &DuplicateKeys::name_phone, k.name_phone) : id;
    }

    // One row: its fields, or an error naming the column.
    Fields fields_of(const std::vector<std::string>& cells, int64_t line) {
        const EntitySpec& e = *opt.entity;
        Fields f;
        for (size_t i = 0; i < opt.mapping.size() && i < cells.size(); i++) {
            const std::string& field = opt.mapping[i];
            if (field.empty() || trim(cells[i]).empty()) continue;
            if (field == "company" && &e == &kContacts) {
                f.push_back({"account_id", account_for(cells[i])});
                continue;
            }
            f.push_back({field, parse_cell(*e.field(field), cells[i])});
        }
        if (cells.size() > header.size() && !opt.mapping.empty())
            fail(line, "has " + std::to_string(cells.size()) + " columns, the header " + std::to_string(header.size()));
        return f;
    }

    void row(const std::vector<std::string>& cells, int64_t line) {
        const EntitySpec& e = *opt.entity;
        Fields f = fields_of(cells, line);
        sum.rows++;
        if (f.empty()) return;   // nothing mapped in this row
        try {
            std::string dup = duplicate_of(f);
            std::string id;
            if (!dup.empty() && opt.duplicates == DuplicatePolicy::Skip) {
                sum.skipped_duplicates++;
                return;
            }
            if (!dup.empty() && opt.duplicates == DuplicatePolicy::Update) {
                Record before = store.must_get(e, dup);
                nlohmann::json old = nlohmann::json::object();
                for (auto& [k, v] : f) {
                    const Value& was = before.get(k);
                    if (std::holds_alternative<std::monostate>(was)) old[k] = nullptr;
                    else if (const int64_t* n = std::get_if<int64_t>(&was)) old[k] = *n;
                    else old[k] = value_to_text(was);
                }
                store.update(e, dup, f);
                sum.updated++;
                id = dup;
                journal(e, id, "updated", old.dump());
            } else {
                // A custom field marked required needs a value where the file has its column.
                for (size_t i = 0; i < opt.mapping.size(); i++)
                    if (const FieldSpec* fs = e.field(opt.mapping[i]); fs && fs->has(F_RequiredOnSave) && !fs->has(F_Hidden) &&
                                                                      (i >= cells.size() || trim(cells[i]).empty()))
                        throw ValidationError(e.table, fs->name, "is required");
                id = store.create(e, f);
                sum.created++;
                journal(e, id, "created");
            }
            remember(e, id);
        } catch (const ValidationError& ex) {
            fail(line, column_error(ex));
        }
    }

    // A field's error in the user's terms: the file's column and the field's label.
    std::string column_error(const ValidationError& ex) const {
        const FieldSpec* fs = opt.entity->field(ex.field);
        std::string column = ex.field;
        for (size_t i = 0; i < opt.mapping.size() && i < header.size(); i++)
            if (opt.mapping[i] == ex.field || (ex.field == "account_id" && opt.mapping[i] == "company")) column = header[i];
        return "column '" + column + "' (" + (fs ? fs->label : ex.field.c_str()) + "): " + ex.message();
    }
};

CsvImport::CsvImport(Store& store, std::istream& in, CsvImportOptions options) : impl_(std::make_unique<Impl>(store, in, std::move(options))) {
    Impl& m = *impl_;
    if (!m.opt.entity || (m.opt.entity != &kContacts && m.opt.entity != &kAccounts && m.opt.entity != &kLeads))
        throw CsvError(m.opt.name + ": CSV import takes contacts, accounts or leads");
    try {
        if (!m.reader.next(m.header)) throw CsvError("the file is empty");
    } catch (const CsvError& e) {
        throw CsvError(m.opt.name + ": " + e.what());
    }
    if (m.opt.mapping.empty()) m.opt.mapping = guess_mapping(*m.opt.entity, m.header);
    m.opt.mapping.resize(m.header.size());
    bool any = false;
    for (const std::string& f : m.opt.mapping) any |= !f.empty();
    if (!any) throw CsvError(m.opt.name + ": line 1: no column matches a field of " + std::string(m.opt.entity->label) + " (map them by hand)");
    m.tx.emplace(store.db());
    m.sum.import_id = store.new_id();
}

CsvImport::~CsvImport() = default;   // an unfinished transaction rolls back

// Each row runs in its own savepoint inside the import's transaction (when
// a lazily opened file has blocks still to come): a row that meets one of
// them (PageMiss) is undone, with its counts,
// and the PageMiss goes to the caller, who calls step() again once the
// blocks came; the row then runs again, whole. Any other error ends the run.
bool CsvImport::step(double budget_ms) {
    Impl& m = *impl_;
    if (m.done) return true;
    auto t0 = std::chrono::steady_clock::now();
    Database& db = m.store.db();
    try {
        m.start();
        for (int n = 0;; n++) {
            if (!m.has_pending) {
                if (!m.at_end && !m.reader.next(m.pending)) m.at_end = true;
                m.has_pending = !m.at_end;
                m.pending_line = m.reader.line();
            }
            if (m.at_end) {
                db.cached("UPDATE imports SET rows = ?2, created = ?3, updated = ?4 WHERE id = ?1")
                    .bind_all(m.sum.import_id, m.sum.rows, m.sum.created + m.sum.accounts_created, m.sum.updated)
                    .run();
                m.tx->commit();
                m.tx.reset();
                m.done = true;
                return true;
            }
            CsvImportSummary before = m.sum;
            try {
                std::optional<Transaction> row;   // a savepoint costs ~8 %: only when a read may miss
                if (pages_may_miss()) row.emplace(db);
                BulkWrite bulk(db);   // an error undoes the row's savepoint or the whole import
                m.row(m.pending, m.pending_line);
                if (row) row->commit();
            } catch (const PageMiss&) {
                m.sum = before;   // the row's savepoint is rolled back; it runs again
                throw;
            }
            m.has_pending = false;
            if ((n & 255) == 255 && std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() >= budget_ms) {
                index_queued_search(db);   // the slice's rows, found while the import goes on
                return false;
            }
        }
    } catch (const PageMiss&) {
        throw;   // nothing of the row was applied: step() again when the blocks came
    } catch (const CsvError& e) {
        m.tx.reset();
        m.done = true;
        std::string what = e.what();
        if (what.rfind(m.opt.name + ": ", 0) != 0) what = m.opt.name + ": " + what;
        throw CsvError(what);
    } catch (...) {
        m.tx.reset();
        m.done = true;
        throw;
    }
}

const CsvImportSummary& CsvImport::summary() const { return impl_->sum; }
int64_t CsvImport::bytes_read() const {
    auto p = impl_->in.tellg();
    return p < 0 ? 0 : (int64_t)p;
}

CsvImportSummary import_csv(Store& store, std::istream& in, const CsvImportOptions& options) {
    CsvImport run(store, in, options);
    while (!run.step(1e12)) {}
    return run.summary();
}

CsvPreview preview_csv(Store& store, std::istream& in, const CsvImportOptions& options, int rows) {
    CsvPreview p;
    // A savepoint that is always rolled back: the preview checks rows by writing them.
    CsvImport run(store, in, options);
    CsvImport::Impl& m = *run.impl_;
    m.start();
    p.header = m.header;
    p.mapping = m.opt.mapping;
    p.delimiter = m.reader.delimiter();
    std::vector<std::string> cells;
    for (int i = 0; i < rows; i++) {
        CsvRowPreview r;
        try {
            if (!m.reader.next(cells)) break;
        } catch (const CsvError& e) {
            r.error = e.what();
            p.rows.push_back(r);
            break;
        }
        r.line = m.reader.line();
        r.cells = cells;
        try {
            Fields f = m.fields_of(cells, r.line);
            r.duplicate_of = m.duplicate_of(f);
            if (r.duplicate_of.empty() && !f.empty()) {
                std::vector<DuplicatePair> likely = likely_duplicates(store, *m.opt.entity, f, 1);
                if (!likely.empty()) {
                    r.likely_of = likely[0].b;
                    r.likely_title = record_title(store, *m.opt.entity, r.likely_of);
                    r.likely_score = likely[0].score;
                    for (const std::string& why : likely[0].reasons) r.likely_reasons += (r.likely_reasons.empty() ? "" : ", ") + why;
                }
            }
            Transaction row(store.db());   // each row checked alone, then undone
            if (!f.empty()) m.store.create(*m.opt.entity, f);
        } catch (const ValidationError& e) {
            r.error = m.column_error(e);
        } catch (const CsvError& e) {
            r.error = e.what();
        }
        p.rows.push_back(std::move(r));
    }
    return p;   // `run` is destroyed unfinished: everything rolls back
}

RevertSummary revert_last_import(Store& store) {
    Database& db = store.db();
    Transaction tx(db);
    RevertSummary r;
    std::string id;
    {
        Statement st = db.prepare("SELECT id, file FROM imports WHERE reverted_at = '' ORDER BY at DESC, rowid DESC LIMIT 1");
        if (!st.step()) throw CsvError("there is no import to revert");
        id = st.column_text(0);
        r.file = st.column_text(1);
    }
    // Newest first: contacts before the accounts created for them.
    Statement items = db.prepare("SELECT entity, record_id, action, before FROM import_items WHERE import_id = ?1 ORDER BY rowid DESC");
    items.bind_all(id);
    std::vector<std::tuple<std::string, std::string, std::string, std::string>> all;
    while (items.step()) all.push_back({items.column_text(0), items.column_text(1), items.column_text(2), items.column_text(3)});
    for (auto& [ent, rid, action, before] : all) {
        const EntitySpec& e = entity(ent);
        if (action == "created") {
            if (store.exists(e, rid)) {
                store.remove(e, rid);
                r.removed++;
            }
        } else if (store.exists(e, rid)) {
            Fields f;
            nlohmann::json old = nlohmann::json::parse(before);   // kept alive for the loop
            for (auto& [k, v] : old.items()) {
                if (v.is_null()) f.push_back({k, std::monostate{}});
                else if (v.is_number_integer()) f.push_back({k, v.get<int64_t>()});
                else f.push_back({k, v.get<std::string>()});
            }
            store.update(e, rid, f);
            r.restored++;
        }
    }
    db.cached("UPDATE imports SET reverted_at = ?2 WHERE id = ?1").bind_all(id, format_datetime(store.now_ms())).run();
    tx.commit();
    return r;
}

//-----------------------------------------------------------------------------
// Export
//-----------------------------------------------------------------------------

std::string csv_cell(const std::string& v) {
    std::string s = v;
    if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')) s.insert(0, "'");
    bool quote = s.find_first_of(",;\"\n\r\t") != std::string::npos || (!s.empty() && (s.front() == ' ' || s.back() == ' '));
    if (!quote) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

int64_t export_csv(Store& store, const ListQuery& q, std::ostream& out) {
    const EntitySpec& e = *q.entity;
    out << "\xEF\xBB\xBF";   // a BOM: spreadsheets then read the file as UTF-8
    out << "Id";
    for (const FieldSpec& f : e.fields) out << ',' << csv_cell(f.label);
    out << ",Created,Updated\r\n";
    int64_t n = 0;
    std::optional<PageKey> key;
    for (;;) {
        Page p = list_page(store.db(), q, key, 500);
        for (const Record& r : p.rows) {
            out << csv_cell(r.id);
            for (size_t i = 0; i < e.fields.size(); i++) {
                const FieldSpec& f = e.fields[i];
                std::string v = value_to_text(r.values[i]);
                if (f.type == FieldType::Ref) v = record_title(store, entity(f.ref), v);
                else if (f.type == FieldType::Money && !is_null(r.values[i])) {
                    int64_t m = r.integer(f.name);
                    char buf[40];
                    snprintf(buf, sizeof buf, "%s%lld.%02lld", m < 0 ? "-" : "", (long long)(std::llabs(m) / 100), (long long)(std::llabs(m) % 100));
                    v = buf;
                } else if (f.type == FieldType::Bool) v = v == "1" ? "yes" : "no";
                out << ',' << csv_cell(v);
            }
            out << ',' << r.created_at << ',' << r.updated_at << "\r\n";
            n++;
        }
        if (!p.next) break;
        key = p.next;
    }
    return n;
}

}  // namespace crm
