// duplicates.cpp - the duplicate finder: profiles, blocking keys, pair
// scores and groups (duplicates.h says how it works).
#include "quality/duplicates.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>

#include "quality/normalize.h"
#include "quality/record_merge.h"
#include "records/search.h"

namespace crm {

namespace {

enum class Kind { Person, Company };

// What the finder compares of a record, normalised once.
struct Profile {
    std::string id, created;
    std::string first, last;        // persons: canonical folded first name(s), folded last name
    std::string name;               // companies: company_key
    std::string emails[2], phones[2], site;
    std::string org;                // contacts: account id; leads: company_key of the company
    std::string city, postcode, country, birth;
};

// The columns each entity gives its profile, in this order.
const std::vector<std::string>& columns_of(const EntitySpec& e) {
    static const std::vector<std::string> contacts = {"first_name", "last_name", "email", "email2", "phone", "mobile",
                                                      "account_id", "city", "postcode", "country", "birth_date"};
    static const std::vector<std::string> leads = {"first_name", "last_name", "email", "phone", "company", "city", "country"};
    static const std::vector<std::string> accounts = {"name", "email", "phone", "website", "city", "postcode", "country"};
    if (&e == &kContacts) return contacts;
    if (&e == &kLeads) return leads;
    if (&e == &kAccounts) return accounts;
    throw std::invalid_argument(std::string("duplicates are found among contacts, accounts or leads, not ") + e.table);
}

Kind kind_of(const EntitySpec& e) { return &e == &kAccounts ? Kind::Company : Kind::Person; }

template <class Get>
Profile make_profile(const EntitySpec& e, std::string id, std::string created, Get get) {
    Profile p;
    p.id = std::move(id);
    p.created = std::move(created);
    std::string country = get("country");
    p.country = country;
    p.city = fold_text(get("city"));
    if (&e == &kAccounts) {
        p.name = company_key(get("name"));
        p.emails[0] = email_key(get("email"));
        p.phones[0] = phone_key(get("phone"), country);
        p.site = website_key(get("website"));
        p.postcode = fold_text(get("postcode"));
        return p;
    }
    p.first = canonical_first_name(get("first_name"));
    p.last = fold_text(get("last_name"));
    p.emails[0] = email_key(get("email"));
    p.phones[0] = phone_key(get("phone"), country);
    if (&e == &kContacts) {
        p.emails[1] = email_key(get("email2"));
        p.phones[1] = phone_key(get("mobile"), country);
        p.org = get("account_id");
        p.postcode = fold_text(get("postcode"));
        p.birth = get("birth_date");
    } else {
        p.org = company_key(get("company"));
    }
    if (p.emails[1] == p.emails[0]) p.emails[1].clear();
    if (p.phones[1] == p.phones[0]) p.phones[1].clear();
    return p;
}

//-----------------------------------------------------------------------------
// Blocking keys
//-----------------------------------------------------------------------------

// Key kinds, in the order a pair is credited to its first shared usable block.
enum KeyKind : uint8_t { K_Email, K_Phone, K_Site, K_NamePrefix, K_NameSuffix, K_Count };

uint64_t fnv1a(std::string_view s, uint64_t h = 0xcbf29ce484222325ull) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

struct Key {
    uint64_t hash;   // the kind in the top byte, so kinds never share a block
    uint32_t rec;
    bool operator<(const Key& o) const { return hash != o.hash ? hash < o.hash : rec < o.rec; }
};

uint64_t key_hash(KeyKind k, std::string_view text) { return ((uint64_t)k << 56) | (fnv1a(text) >> 8); }

// The name's words cut to their first (or last) n letters, sorted, so swapped
// first and last names block together and a typo spares one of the two.
std::string name_key(const std::vector<std::string>& words, size_t n, bool suffix) {
    std::vector<std::string> parts;
    for (const std::string& w : words) {
        if (w.size() < 2) continue;   // initials
        parts.push_back(w.size() <= n ? w : suffix ? w.substr(w.size() - n) : w.substr(0, n));
    }
    std::sort(parts.begin(), parts.end());
    std::string out;
    for (const std::string& p : parts) out += p + ' ';
    return out;
}

std::vector<uint64_t> keys_of(const Profile& p, Kind kind) {
    std::vector<uint64_t> out;
    for (const std::string& e : p.emails)
        if (!e.empty()) out.push_back(key_hash(K_Email, e));
    for (const std::string& ph : p.phones)
        if (!ph.empty()) out.push_back(key_hash(K_Phone, ph));
    if (!p.site.empty()) out.push_back(key_hash(K_Site, p.site));
    // The profile's names are folded already: splitting them folds nothing more.
    std::vector<std::string> words = fold_tokens(kind == Kind::Company ? p.name : p.first + " " + p.last);
    size_t n = kind == Kind::Company ? 4 : 3;
    std::string pre = name_key(words, n, false), suf = name_key(words, n, true);
    if (!pre.empty()) out.push_back(key_hash(K_NamePrefix, pre));
    if (!suf.empty()) out.push_back(key_hash(K_NameSuffix, suf));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

//-----------------------------------------------------------------------------
// Scoring
//-----------------------------------------------------------------------------

bool share(const std::string (&a)[2], const std::string (&b)[2]) {
    for (const std::string& x : a)
        for (const std::string& y : b)
            if (!x.empty() && x == y) return true;
    return false;
}

double first_name_similarity(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return 0.85;   // one side unknown: neither for nor against
    if (a == b) return 1.0;
    // An initial ("J." for John) agrees with the name it starts.
    auto initial = [](const std::string& s) { return s.size() == 1 || (s.size() > 1 && s[1] == ' '); };
    if ((initial(a) || initial(b)) && a[0] == b[0]) return 0.9;
    return jaro_winkler(a, b);
}

struct NameMatch {
    double sim = 0;
    bool exact = false, swapped = false;
};

NameMatch person_names(const Profile& a, const Profile& b) {
    NameMatch m;
    auto pair_sim = [](const std::string& f1, const std::string& l1, const std::string& f2, const std::string& l2) {
        return 0.4 * first_name_similarity(f1, f2) + 0.6 * jaro_winkler(l1, l2);
    };
    double straight = pair_sim(a.first, a.last, b.first, b.last);
    double swapped = pair_sim(a.last, a.first, b.first, b.last) * 0.99;
    m.swapped = swapped > straight;
    m.sim = std::max(straight, swapped);
    m.exact = !a.last.empty() && ((a.first == b.first && a.last == b.last) || (a.first == b.last && a.last == b.first));
    return m;
}

DuplicatePair score(const Profile& a, const Profile& b, const EntitySpec& e) {
    Kind kind = kind_of(e);
    DuplicatePair out;
    out.a = a.id;
    out.b = b.id;
    double miss = 1.0;   // the product of (1 - weight) of the evidence for
    auto evidence = [&](double w, const char* reason) {
        miss *= 1.0 - w;
        out.reasons.push_back(reason);
    };
    double factor = 1.0;
    auto against = [&](double f, const char* reason) {
        factor *= f;
        out.reasons.push_back(reason);
    };
    if (kind == Kind::Person) {
        NameMatch n = person_names(a, b);
        if (n.exact) evidence(0.5, n.swapped ? "same name, first and last swapped" : "same name");
        else if (n.sim >= 0.88) evidence(0.4, n.swapped ? "similar name, first and last swapped" : "similar name");
        if (share(a.emails, b.emails)) evidence(n.sim >= 0.8 ? 0.9 : 0.5, "same e-mail");
        if (share(a.phones, b.phones)) evidence(n.sim >= 0.85 ? 0.8 : 0.25, "same phone");
        if (n.sim >= 0.85) {
            if (!a.org.empty() && a.org == b.org) evidence(0.4, &e == &kLeads ? "same company" : "same account");
            if (!a.postcode.empty() && a.postcode == b.postcode) evidence(0.2, "same postcode");
            else if (!a.city.empty() && a.city == b.city) evidence(0.15, "same city");
        }
        if (!a.birth.empty() && !b.birth.empty() && a.birth != b.birth) against(0.3, "different birth dates");
    } else {
        double sim = jaro_winkler(a.name, b.name);
        if (!a.name.empty() && a.name == b.name) evidence(0.6, "same name");
        else if (sim >= 0.92) evidence(0.45, "similar name");
        if (!a.site.empty() && a.site == b.site) evidence(sim >= 0.7 ? 0.85 : 0.5, "same website");
        if (share(a.emails, b.emails)) evidence(sim >= 0.7 ? 0.6 : 0.3, "same e-mail");
        if (share(a.phones, b.phones)) evidence(sim >= 0.7 ? 0.6 : 0.3, "same phone");
        if (sim >= 0.85) {
            if (!a.postcode.empty() && a.postcode == b.postcode) evidence(0.25, "same postcode");
            else if (!a.city.empty() && a.city == b.city) evidence(0.2, "same city");
            else if (!a.city.empty() && !b.city.empty()) against(0.8, "different cities");
        }
    }
    if (!a.country.empty() && !b.country.empty() && a.country != b.country) against(kind == Kind::Company ? 0.5 : 0.8, "different countries");
    out.score = std::round((1.0 - miss) * factor * 1000.0) / 1000.0;
    return out;
}

// Union-find over record indexes.
struct Groups {
    std::vector<uint32_t> parent;
    explicit Groups(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
    uint32_t find(uint32_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    }
    void join(uint32_t a, uint32_t b) { parent[find(a)] = find(b); }
};

}  // namespace

//-----------------------------------------------------------------------------
// DuplicateScan
//-----------------------------------------------------------------------------

struct DuplicateScan::Impl {
    Store& store;
    const EntitySpec& e;
    DuplicateOptions opt;
    Kind kind;
    enum class Phase { Read, Sort, Compare, Group, Done } phase = Phase::Read;
    int64_t total = 0, last_rowid = 0;
    std::vector<Profile> profiles;
    std::vector<std::vector<uint64_t>> record_keys;   // each record's keys, sorted
    std::vector<Key> keys;
    std::vector<uint64_t> oversized;                  // blocks too common to compare, sorted
    size_t block_at = 0;                              // Compare: the next block's first key
    std::vector<size_t> runs;                         // Sort: boundaries of the sorted runs of keys
    size_t merge_at = 0;                              // Sort: the run boundary of the next merge
    std::vector<std::pair<uint32_t, uint32_t>> hits;  // pairs over the threshold (record indexes)
    std::vector<DuplicatePair> hit_pairs;
    std::set<std::pair<std::string, std::string>> dismissed;   // "not a duplicate", smaller id first
    DuplicateReport report;

    Impl(Store& s, const EntitySpec& en, DuplicateOptions o) : store(s), e(en), opt(o), kind(kind_of(en)) {
        columns_of(en);   // throws for an entity without duplicates
        report.entity = &en;
        total = store.count(e);   // the live-record counter: one page, not a walk of 100k rows in the click's frame
        for (auto& p : dismissed_pairs(store, e)) dismissed.insert(p);
    }

    // Reads the next rows; a block still loading (PageMiss) throws before
    // anything is kept, and the same rows are read again.
    void read_slice(size_t n) {
        const std::vector<std::string>& cols = columns_of(e);
        std::string sql = "SELECT rowid, id, created_at";
        for (const std::string& c : cols) sql += ", " + c;
        sql += std::string(" FROM ") + e.table + " WHERE rowid > ? AND deleted = 0";
        if (&e == &kLeads) sql += " AND status <> 'converted'";   // a converted lead is its contact now
        sql += " ORDER BY rowid LIMIT ?";
        Statement& st = store.db().cached(sql);
        st.bind_all(last_rowid, (int64_t)n);
        std::vector<Profile> got;
        int64_t last = last_rowid;
        try {
            while (st.step()) {
                last = st.column_int(0);
                auto get = [&](const char* name) -> std::string {
                    for (size_t i = 0; i < cols.size(); i++)
                        if (cols[i] == name) return st.column_is_null((int)i + 3) ? std::string() : st.column_text((int)i + 3);
                    return std::string();
                };
                got.push_back(make_profile(e, st.column_text(1), st.column_text(2), get));
            }
        } catch (...) {
            st.reset();
            throw;
        }
        st.reset();
        if (got.empty()) {
            phase = Phase::Sort;
            return;
        }
        last_rowid = last;
        for (Profile& p : got) {
            uint32_t rec = (uint32_t)profiles.size();
            record_keys.push_back(keys_of(p, kind));
            for (uint64_t h : record_keys.back()) keys.push_back({h, rec});
            profiles.push_back(std::move(p));
        }
    }

    // Whether block `h` is the first block of the pair's shared keys that
    // was compared: each pair is scored once however many keys it shares.
    bool first_shared(uint32_t a, uint32_t b, uint64_t h) const {
        const std::vector<uint64_t>& ka = record_keys[a];
        const std::vector<uint64_t>& kb = record_keys[b];
        size_t i = 0, j = 0;
        while (i < ka.size() && j < kb.size()) {
            if (ka[i] < kb[j]) i++;
            else if (kb[j] < ka[i]) j++;
            else {
                if (!std::binary_search(oversized.begin(), oversized.end(), ka[i])) return ka[i] == h;
                i++;
                j++;
            }
        }
        return false;
    }

    void compare_block(size_t from, size_t to) {
        uint64_t h = keys[from].hash;
        for (size_t i = from; i < to; i++)
            for (size_t j = i + 1; j < to; j++) {
                uint32_t a = keys[i].rec, b = keys[j].rec;
                if (!first_shared(a, b, h)) continue;
                report.comparisons++;
                DuplicatePair p = score(profiles[a], profiles[b], e);
                if (p.score >= opt.min_score && !dismissed.count({std::min(p.a, p.b), std::max(p.a, p.b)})) {
                    hits.push_back({a, b});
                    hit_pairs.push_back(std::move(p));
                }
            }
    }

    void make_groups() {
        Groups g(profiles.size());
        for (auto [a, b] : hits) g.join(a, b);
        std::map<uint32_t, size_t> group_of;   // root -> index in report.groups
        for (size_t k = 0; k < hits.size(); k++) {
            uint32_t root = g.find(hits[k].first);
            auto [it, added] = group_of.try_emplace(root, report.groups.size());
            if (added) report.groups.emplace_back();
            DuplicateGroup& grp = report.groups[it->second];
            grp.score = std::max(grp.score, hit_pairs[k].score);
            grp.pairs.push_back(std::move(hit_pairs[k]));
        }
        std::vector<std::vector<uint32_t>> members(report.groups.size());
        for (uint32_t r = 0; r < profiles.size(); r++) {
            auto it = group_of.find(g.find(r));
            if (it != group_of.end()) members[it->second].push_back(r);
        }
        for (size_t k = 0; k < report.groups.size(); k++) {
            DuplicateGroup& grp = report.groups[k];
            std::sort(members[k].begin(), members[k].end(), [&](uint32_t x, uint32_t y) {
                return std::tie(profiles[x].created, profiles[x].id) < std::tie(profiles[y].created, profiles[y].id);
            });
            for (uint32_t r : members[k]) grp.ids.push_back(profiles[r].id);
            std::sort(grp.pairs.begin(), grp.pairs.end(), [](const DuplicatePair& x, const DuplicatePair& y) {
                return x.score != y.score ? x.score > y.score : std::tie(x.a, x.b) < std::tie(y.a, y.b);
            });
        }
        std::sort(report.groups.begin(), report.groups.end(), [](const DuplicateGroup& x, const DuplicateGroup& y) {
            return x.score != y.score ? x.score > y.score : x.ids < y.ids;
        });
        report.records = (int64_t)profiles.size();
    }
};

DuplicateScan::DuplicateScan(Store& store, const EntitySpec& entity, DuplicateOptions options)
    : impl_(std::make_unique<Impl>(store, entity, options)) {}
DuplicateScan::~DuplicateScan() = default;

bool DuplicateScan::step(double budget_ms) {
    Impl& m = *impl_;
    auto t0 = std::chrono::steady_clock::now();
    auto over = [&] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() >= budget_ms; };
    while (m.phase != Impl::Phase::Done) {
        switch (m.phase) {
        case Impl::Phase::Read: m.read_slice(500); break;
        case Impl::Phase::Sort: {
            // In slices, so no frame holds the sort of half a million keys
            // (60 ms in Chromium at the benchmark size): sorted runs of 64k
            // keys, then adjacent runs merged, one merge a step.
            const size_t run = 1 << 16;
            if (m.runs.empty() || m.runs.back() < m.keys.size()) {
                size_t a = m.runs.empty() ? 0 : m.runs.back(), b = std::min(m.keys.size(), a + run);
                if (m.runs.empty()) m.runs.push_back(0);
                std::sort(m.keys.begin() + (long)a, m.keys.begin() + (long)b);
                m.runs.push_back(b);
                break;
            }
            if (m.runs.size() > 2) {   // boundaries: [0, r1, r2, ..., n]
                size_t k = m.merge_at;
                if (k + 2 >= m.runs.size()) {   // this round is done: the next one over the merged runs
                    std::vector<size_t> next;
                    for (size_t i = 0; i < m.runs.size(); i += 2) next.push_back(m.runs[i]);
                    if (next.back() != m.runs.back()) next.push_back(m.runs.back());
                    m.runs = next;
                    m.merge_at = 0;
                    break;
                }
                std::inplace_merge(m.keys.begin() + (long)m.runs[k], m.keys.begin() + (long)m.runs[k + 1], m.keys.begin() + (long)m.runs[k + 2]);
                m.merge_at = k + 2;
                break;
            }
            for (size_t i = 0; i < m.keys.size();) {
                size_t j = i;
                while (j < m.keys.size() && m.keys[j].hash == m.keys[i].hash) j++;
                if (j - i > m.opt.max_block) m.oversized.push_back(m.keys[i].hash);
                i = j;
            }
            m.phase = Impl::Phase::Compare;
            break;
        }
        case Impl::Phase::Compare: {
            size_t i = m.block_at;
            if (i >= m.keys.size()) {
                m.phase = Impl::Phase::Group;
                break;
            }
            size_t j = i;
            while (j < m.keys.size() && m.keys[j].hash == m.keys[i].hash) j++;
            if (j - i >= 2 && j - i <= m.opt.max_block) m.compare_block(i, j);
            m.block_at = j;
            break;
        }
        case Impl::Phase::Group:
            m.make_groups();
            m.phase = Impl::Phase::Done;
            break;
        case Impl::Phase::Done: break;
        }
        if (m.phase != Impl::Phase::Done && over()) return false;
    }
    return true;
}

double DuplicateScan::progress() const {
    const Impl& m = *impl_;
    switch (m.phase) {
    case Impl::Phase::Read: return m.total ? 0.5 * (double)m.profiles.size() / (double)m.total : 0.0;
    case Impl::Phase::Sort: return 0.5;
    case Impl::Phase::Compare: return 0.55 + 0.4 * (m.keys.empty() ? 1.0 : (double)m.block_at / (double)m.keys.size());
    case Impl::Phase::Group: return 0.95;
    case Impl::Phase::Done: return 1.0;
    }
    return 0.0;
}

const DuplicateReport& DuplicateScan::report() const { return impl_->report; }

DuplicateReport find_duplicates(Store& store, const EntitySpec& entity, DuplicateOptions options) {
    DuplicateScan scan(store, entity, options);
    while (!scan.step(1e9)) {}
    return scan.report();
}

DuplicatePair score_records(Store&, const EntitySpec& entity, const Record& a, const Record& b) {
    columns_of(entity);
    auto profile = [&](const Record& r) {
        return make_profile(entity, r.id, r.created_at, [&](const char* name) { return r.text(name); });
    };
    return score(profile(a), profile(b), entity);
}

//-----------------------------------------------------------------------------
// Likely duplicates of a record not saved yet
//-----------------------------------------------------------------------------

namespace {

// Words as the search index splits them (ASCII punctuation and spaces part
// them, UTF-8 letters stay inside), lower-cased.
std::vector<std::string> index_words(std::string_view s) {
    std::vector<std::string> out;
    std::string w;
    for (unsigned char c : s) {
        bool sep = c < 0x80 && !std::isalnum(c);
        if (!sep) w += (char)(c < 0x80 ? std::tolower(c) : c);
        if (sep && !w.empty()) out.push_back(std::move(w)), w.clear();
    }
    if (!w.empty()) out.push_back(std::move(w));
    return out;
}

// The first n code points of a UTF-8 word.
std::string first_letters(const std::string& w, size_t n) {
    size_t i = 0;
    for (size_t k = 0; i < w.size() && k < n; k++) {
        i++;
        while (i < w.size() && ((unsigned char)w[i] & 0xC0) == 0x80) i++;
    }
    return w.substr(0, i);
}

std::string quoted(const std::string& w) { return "\"" + w + "\""; }

// One name word as an FTS5 term: its first three letters as typed, folded
// (Cyrillic and Greek in Latin) or, for a first name, its full form's (Bob ->
// rob), any of them.
std::string name_term(const std::string& word, bool first_name) {
    std::set<std::string> alts = {first_letters(word, 3)};
    for (const std::string& f : fold_tokens(word)) alts.insert(first_letters(f, 3));
    if (first_name)
        for (const std::string& f : fold_tokens(canonical_first_name(word))) alts.insert(first_letters(f, 3));
    std::string out;
    for (const std::string& a : alts) out += (out.empty() ? "" : " OR ") + quoted(a) + "*";
    return alts.size() > 1 ? "(" + out + ")" : out;
}

}  // namespace

std::vector<DuplicatePair> likely_duplicates(Store& store, const EntitySpec& e, const Fields& fields, size_t limit, double min_score,
                                             const std::string& except) {
    columns_of(e);
    Record r;
    r.spec = &e;
    r.values.resize(e.fields.size());
    for (const auto& [name, v] : fields)
        for (size_t i = 0; i < e.fields.size(); i++)
            if (name == e.fields[i].name) r.values[i] = v;
    // The FTS5 query: the name's words (all of them, in any order) or the
    // e-mail as a phrase or the phone's digits.
    std::vector<std::string> alts;
    std::string names;
    // A word the index keeps no token of (a dash, an emoji) would match nothing and void the AND.
    auto add_word = [&](const std::string& w, bool first) {
        if (!fold_tokens(w).empty()) names += (names.empty() ? "" : " AND ") + name_term(w, first);
    };
    if (&e == &kAccounts) {
        // The name's words as written (the index holds them so, in any script), less its legal form.
        std::vector<std::string> kept = fold_tokens(company_key(r.text("name")));
        for (const std::string& w : index_words(r.text("name"))) {
            std::vector<std::string> f = fold_tokens(w);
            bool legal_form = !f.empty() && std::none_of(f.begin(), f.end(), [&](const std::string& t) {
                return std::find(kept.begin(), kept.end(), t) != kept.end();
            });
            if (!legal_form) add_word(w, false);
        }
    } else {
        for (const std::string& w : index_words(r.text("first_name"))) add_word(w, true);
        for (const std::string& w : index_words(r.text("last_name"))) add_word(w, false);
    }
    std::string name_match = names.empty() ? "" : "name : (" + names + ")";
    std::vector<std::string> mails = {r.text("email")};
    if (&e == &kContacts) mails.push_back(r.text("email2"));
    for (const std::string& m : mails) {
        std::string phrase;
        for (const std::string& w : index_words(m)) phrase += (phrase.empty() ? "" : " ") + w;
        if (!email_key(m).empty()) alts.push_back("contact_info : " + quoted(phrase));
    }
    std::vector<std::string> phones = {r.text("phone")};
    if (&e == &kContacts) phones.push_back(r.text("mobile"));
    for (const std::string& ph : phones) {
        std::string key = phone_key(ph, r.text("country"));
        if (key.empty()) continue;
        std::string digits;
        for (char c : ph)
            if (c >= '0' && c <= '9') digits += c;
        alts.push_back("contact_info : " + quoted(digits));
        if (key[0] == '+' && key.substr(1) != digits) alts.push_back("contact_info : " + quoted(key.substr(1)));
    }
    if (&e == &kAccounts)
        if (std::string site = website_key(r.text("website")); !site.empty()) {
            std::string phrase;
            for (const std::string& w : index_words(site)) phrase += (phrase.empty() ? "" : " ") + w;
            alts.push_back("contact_info : " + quoted(phrase));
        }
    std::vector<DuplicatePair> out;
    std::set<std::string> ids;
    // The name's candidates, the newest first up to a limit (a name as common as
    // a whole block of the finder); the e-mail, phone and website ones apart,
    // so a common name cannot crowd them out.
    std::string keys_match;
    for (const std::string& a : alts) keys_match += (keys_match.empty() ? "(" : " OR (") + a + ")";
    for (const std::string& match : {name_match, keys_match}) {
        if (match.empty()) continue;
        std::string sql = std::string("SELECT t.id FROM search_index s JOIN ") + e.table +
                          " t ON t.rowid = s.rowid / 4 WHERE search_index MATCH ?1 AND s.rowid % 4 = ?2 AND t.deleted = 0";
        if (&e == &kLeads) sql += " AND t.status <> 'converted'";
        sql += " ORDER BY s.rowid DESC LIMIT 400";
        Statement st(store.db(), sql);
        st.bind_all(match, (int64_t)search_kind_code(e.table));
        while (st.step()) ids.insert(st.column_text(0));
    }
    // The people at the same account: the index holds names as written, so a
    // name typed in another script (Ivanov, Иванов) is found there.
    if (&e == &kContacts && !r.text("account_id").empty()) {
        Statement st(store.db(), "SELECT id FROM contacts WHERE account_id = ?1 AND deleted = 0 ORDER BY rowid DESC LIMIT 200");
        st.bind_all(r.text("account_id"));
        while (st.step()) ids.insert(st.column_text(0));
    }
    Profile mine = make_profile(e, "", r.created_at, [&](const char* name) { return r.text(name); });
    for (const std::string& id : ids) {
        if (id == except) continue;
        std::optional<Record> other = store.get(e, id);
        if (!other) continue;
        DuplicatePair p = score(mine, make_profile(e, other->id, other->created_at, [&](const char* name) { return other->text(name); }), e);
        if (p.score >= min_score) out.push_back(std::move(p));
    }
    std::sort(out.begin(), out.end(), [](const DuplicatePair& x, const DuplicatePair& y) {
        return x.score != y.score ? x.score > y.score : x.b < y.b;
    });
    if (out.size() > limit) out.resize(limit);
    return out;
}

}  // namespace crm
