// facts.cpp - loading the analytical working set in slices (see facts.h).
#include "analytics/facts.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <unordered_map>

#include "analytics/purchases.h"
#include "base/util.h"

namespace crm {

//-----------------------------------------------------------------------------
// Days, months, periods
//-----------------------------------------------------------------------------

int32_t day_of(std::string_view s) {
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return kNoDay;
    auto digits = [&](size_t at, size_t n) {
        int v = 0;
        for (size_t i = at; i < at + n; i++) {
            if (s[i] < '0' || s[i] > '9') return -1;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
    if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31) return kNoDay;
    return (int32_t)days_from_civil(y, (unsigned)m, (unsigned)d);
}

std::string day_text(int32_t day) {
    int y; unsigned m, d;
    civil_from_days(day, y, m, d);
    char buf[16];
    snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return buf;
}

int32_t month_of(int32_t day) {
    int y; unsigned m, d;
    civil_from_days(day, y, m, d);
    return (y - 1970) * 12 + (int32_t)m - 1;
}

std::string month_text(int32_t month) {
    char buf[32];
    int y = 1970 + (month >= 0 ? month / 12 : (month - 11) / 12);
    int m = month - (y - 1970) * 12 + 1;
    snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    return buf;
}

int32_t first_day_of_month(int32_t month) {
    int y = 1970 + (month >= 0 ? month / 12 : (month - 11) / 12);
    int m = month - (y - 1970) * 12 + 1;
    return (int32_t)days_from_civil(y, (unsigned)m, 1);
}

Period make_period(const std::string& from, const std::string& to, int32_t today) {
    Period p;
    p.to = to.empty() ? today : day_of(to);
    if (p.to == kNoDay) throw std::invalid_argument("the period's end '" + to + "' is not a date (YYYY-MM-DD)");
    p.from = from.empty() ? p.to - 364 : day_of(from);
    if (p.from == kNoDay) throw std::invalid_argument("the period's start '" + from + "' is not a date (YYYY-MM-DD)");
    if (p.from > p.to) throw std::invalid_argument("the period starts (" + from + ") after it ends (" + day_text(p.to) + ")");
    return p;
}

bool Filter::empty() const {
    return owner.empty() && team.empty() && territory.empty() && tier.empty() && industry.empty() && country.empty() && channel.empty();
}

std::string Filter::describe() const {
    std::string s;
    auto add = [&](const char* what, const std::string& v) {
        if (v.empty()) return;
        if (!s.empty()) s += ", ";
        s += std::string(what) + " " + v;
    };
    add("owner", owner); add("team", team); add("territory", territory); add("tier", tier);
    add("industry", industry); add("country", country); add("channel", channel);
    return s.empty() ? "none" : s;
}

//-----------------------------------------------------------------------------
// Facts
//-----------------------------------------------------------------------------

int32_t Facts::code(std::string_view text) {
    auto it = code_index.find(text);
    if (it != code_index.end()) return it->second;
    codes.emplace_back(text);
    code_index.emplace(std::string(text), (int32_t)codes.size() - 1);
    return (int32_t)codes.size() - 1;
}

int32_t Facts::find_code(std::string_view text) const {
    auto it = code_index.find(text);
    return it == code_index.end() ? -1 : it->second;
}

bool Facts::owner_passes(const Filter& f, int32_t user) const {
    const User& u = users[(size_t)user];
    if (!f.owner.empty() && u.id != f.owner) return false;
    if (!f.team.empty() && text(u.team) != f.team) return false;
    if (!f.territory.empty() && text(u.territory) != f.territory) return false;
    return true;
}

bool Facts::account_passes(const Filter& f, int32_t account) const {
    const Account& a = accounts[(size_t)account];
    if (!f.tier.empty() && text(a.tier) != f.tier) return false;
    if (!f.industry.empty() && text(a.industry) != f.industry) return false;
    if (!f.country.empty() && text(a.country) != f.country) return false;
    return true;
}

bool Facts::convert(const std::string& cur, int64_t& amount) const {
    if (cur.empty() || cur == currency) return true;
    auto it = rates.find(cur);
    if (it == rates.end()) return false;
    amount = (int64_t)std::llround((double)amount * it->second);
    return true;
}

// "USD 0.92, GBP=1.17; JPY:0.0061"
static std::map<std::string, double> parse_rates(const std::string& text) {
    std::map<std::string, double> out;
    std::string cur, num;
    auto flush = [&] {
        if (cur.size() == 3 && !num.empty()) {
            char* end = nullptr;
            double v = strtod(num.c_str(), &end);
            if (end && *end == 0 && v > 0) out[cur] = v;
        }
        cur.clear();
        num.clear();
    };
    for (char ch : text) {
        if (ch == ',' || ch == ';' || ch == '\n') flush();
        else if (std::isalpha((unsigned char)ch)) cur += (char)std::toupper((unsigned char)ch);
        else if (std::isdigit((unsigned char)ch) || ch == '.') num += ch;
    }
    flush();
    return out;
}

//-----------------------------------------------------------------------------
// The loader: one phase per table, each read in rowid order a chunk at a time.
//-----------------------------------------------------------------------------

// Record id -> index while the facts load. Ids are nearly always UUIDs in
// lowercase text: those are packed into 16 bytes, a third of the memory of
// a text key (at the benchmark size these maps hold ~165k ids, and a wasm
// heap keeps its peak); any other id is kept as text.
struct IdMap {
    struct Key {
        uint64_t hi = 0, lo = 0;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const { return (size_t)((k.hi ^ (k.lo * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull >> 7); }
    };
    std::unordered_map<Key, int32_t, KeyHash> packed;
    Facts::TextMap other;

    static bool pack(std::string_view s, Key& k) {
        if (s.size() != 36) return false;
        uint64_t v[2] = {0, 0};
        int n = 0;
        for (size_t i = 0; i < 36; i++) {
            char c = s[i];
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') return false;
                continue;
            }
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;   // "A" is another id than "a"
            if (d < 0) return false;
            v[n / 16] = v[n / 16] << 4 | (uint64_t)d;
            n++;
        }
        k = {v[0], v[1]};
        return true;
    }
    void set(std::string_view id, int32_t index) {
        Key k;
        if (pack(id, k)) packed[k] = index;
        else other[std::string(id)] = index;
    }
    // -1 when unknown.
    int32_t find(std::string_view id) const {
        Key k;
        if (pack(id, k)) {
            auto it = packed.find(k);
            return it == packed.end() ? -1 : it->second;
        }
        auto it = other.find(id);
        return it == other.end() ? -1 : it->second;
    }
    void reserve(size_t n) { packed.reserve(n); }
};

struct FactsLoader::Impl {
    Store& store;
    std::shared_ptr<Facts> f = std::make_shared<Facts>();
    bool done = false, grouped = false;
    size_t phase = 0;
    int64_t after = 0;                 // last rowid read in the phase
    int64_t rows_read = 0, rows_total = 1;
    IdMap user, account, product, category, queue, campaign, order, opp, kase;
    std::vector<std::pair<int32_t, std::string>> lost;   // lost opportunities, for their furthest stage
    size_t lost_next = 0;
    std::vector<std::pair<int32_t, int32_t>> line_order; // (order, index in lines) to group lines

    struct Phase {
        const char* table;
        std::string columns;
        std::function<void(Impl&, Statement&)> row;
    };

    // Each custom field that can be a pivot dimension is read with its
    // table's phase: its column added, its values interned after the row.
    void add_custom_dimensions() {
        for (Phase& p : phases) {
            std::string table = p.table;
            if (table != "accounts" && table != "opportunities" && table != "cases") continue;
            std::vector<std::string> names;
            for (const FieldSpec* fs : pivot_custom_fields(entity(table))) names.push_back(fs->name);
            if (names.empty()) continue;
            int first = 1;   // rowid, then the phase's own columns
            for (char c : p.columns) first += c == ',';
            first += 1;
            for (const std::string& n : names) p.columns += ", " + n;
            p.row = [row = p.row, table, names, first](Impl& I, Statement& s) {
                row(I, s);
                Facts& F = *I.f;
                size_t size = table == "accounts" ? F.accounts.size() : table == "opportunities" ? F.opportunities.size() : F.cases.size();
                for (size_t k = 0; k < names.size(); k++) {
                    std::vector<int32_t>& v = F.custom[table + "." + names[k]];
                    v.resize(size, 0);
                    Value x = s.column_value(first + (int)k);
                    std::string text = std::holds_alternative<int64_t>(x) ? (std::get<int64_t>(x) ? "yes" : "no") : value_to_text(x);
                    v[size - 1] = F.code(text);
                }
            };
        }
    }
    std::vector<Phase> phases;

    explicit Impl(Store& s) : store(s) {
        Facts& F = *f;
        F.code("");
        F.today = (int32_t)(store.now_ms() / 86400000);
        F.currency = store.setting("analytics.currency", "EUR");
        F.rates = parse_rates(store.setting("analytics.rates", ""));
        auto int_setting = [&](const char* key, int64_t fallback) {
            std::string v = store.setting(key, "");
            char* end = nullptr;
            long long n = v.empty() ? 0 : strtoll(v.c_str(), &end, 10);
            return v.empty() || !end || *end ? fallback : (int64_t)n;
        };
        auto real_setting = [&](const char* key, double fallback) {
            std::string v = store.setting(key, "");
            char* end = nullptr;
            double n = v.empty() ? 0 : strtod(v.c_str(), &end);
            return v.empty() || !end || *end ? fallback : n;
        };
        F.dormancy_days = (int32_t)std::max<int64_t>(1, int_setting("analytics.dormancy_days", 182));
        F.default_margin = std::clamp(real_setting("analytics.margin_pct", 30) / 100.0, 0.0, 1.0);
        F.sales_cost_per_month = std::max<int64_t>(0, int_setting("analytics.sales_cost_per_month", 0));
        F.quota_per_rep_month = std::max<int64_t>(0, int_setting("analytics.quota_per_rep_month", 0));
        F.rule_min_support = std::clamp(real_setting("analytics.rules.min_support", 0.01), 1e-6, 1.0);
        F.rule_min_confidence = std::clamp(real_setting("analytics.rules.min_confidence", 0.3), 0.0, 1.0);
        std::map<std::string, int64_t> rows;
        for (const char* t : {"users", "product_categories", "products", "queues", "accounts", "campaigns", "orders", "order_lines",
                              "opportunities", "leads", "cases", "activities"})
            rows_total += rows[t] = store.db().query_int(std::string("SELECT coalesce(max(rowid), 0) FROM ") + t);
        // Room for every row up front: growing a vector of half a million rows copies it, a long frame in the browser.
        F.accounts.reserve((size_t)rows["accounts"] + 1);
        F.orders.reserve((size_t)rows["orders"]);
        F.lines.reserve((size_t)rows["order_lines"]);
        F.opportunities.reserve((size_t)rows["opportunities"] + 1);
        F.leads.reserve((size_t)rows["leads"]);
        F.cases.reserve((size_t)rows["cases"]);
        F.activities.reserve((size_t)rows["activities"]);
        account.reserve((size_t)rows["accounts"]);
        order.reserve((size_t)rows["orders"]);
        opp.reserve((size_t)rows["opportunities"]);
        kase.reserve((size_t)rows["cases"]);

        auto ref = [](const IdMap& m, Statement& s, int col) -> int32_t {
            if (s.column_is_null(col)) return 0;
            return std::max(0, m.find(s.column_view(col)));
        };
        auto ms = [](Statement& s, int col) -> int64_t {
            auto v = parse_datetime(s.column_view(col));
            return v ? *v : 0;
        };
        phases = {
            {"users", "id, name, team, territory, role", [](Impl& I, Statement& s) {
                 Facts& F = *I.f;
                 Facts::User u{s.column_int(0), s.column_text(1), s.column_text(2), F.code(s.column_view(3)), F.code(s.column_view(4)), F.code(s.column_view(5))};
                 I.user.set(u.id, (int32_t)F.users.size());
                 F.users.push_back(std::move(u));
             }},
            {"product_categories", "id, name", [](Impl& I, Statement& s) {
                 I.category.set(s.column_text(1), I.f->code(s.column_view(2)));
             }},
            {"products", "id, name, category_id, cost, currency", [ref](Impl& I, Statement& s) {
                 Facts& F = *I.f;
                 Facts::Product p{s.column_int(0), s.column_text(2), ref(I.category, s, 3), s.column_int(4)};
                 if (!F.convert(s.column_text(5), p.cost)) p.cost = 0;
                 I.product.set(s.column_text(1), (int32_t)F.products.size());
                 F.products.push_back(std::move(p));
             }},
            {"queues", "id, name", [](Impl& I, Statement& s) {
                 I.queue.set(s.column_text(1), (int32_t)I.f->queues.size());
                 I.f->queues.push_back({s.column_text(2)});
             }},
            {"accounts", "id, name, tier, industry, country, owner_id, created_at", [ref](Impl& I, Statement& s) {
                 Facts& F = *I.f;
                 Facts::Account a{s.column_int(0), s.column_text(1), s.column_text(2), F.code(s.column_view(3)), F.code(s.column_view(4)),
                                  F.code(s.column_view(5)), ref(I.user, s, 6), day_of(s.column_view(7))};
                 I.account.set(a.id, (int32_t)F.accounts.size());
                 F.accounts.push_back(std::move(a));
             }},
            {"campaigns", "id, name, type, start_date, budget, actual_cost, currency, sent_count, suppressed_count", [](Impl& I, Statement& s) {
                 Facts& F = *I.f;
                 Facts::Campaign c{s.column_int(0), s.column_text(1), s.column_text(2), F.code(s.column_view(3)), day_of(s.column_view(4))};
                 c.sent = s.column_int(8);
                 c.suppressed = s.column_int(9);
                 c.cost = s.column_int(6) > 0 ? s.column_int(6) : s.column_int(5);   // the actual cost once known, else the budget
                 if (!F.convert(s.column_text(7), c.cost)) {
                     F.unconverted++;
                     F.unconverted_by_currency[s.column_text(7)]++;
                     c.convertible = false;
                     c.cost = 0;
                 }
                 I.campaign.set(c.id, (int32_t)F.campaigns.size());
                 F.campaigns.push_back(std::move(c));
             }},
            {"orders", "id, account_id, owner_id, ordered_at, total, currency, status", [ref](Impl& I, Statement& s) {
                 Facts& F = *I.f;
                 Facts::Order o{s.column_int(0), ref(I.account, s, 2), ref(I.user, s, 3), day_of(s.column_view(4)), s.column_int(5)};
                 std::string_view status = s.column_view(7);
                 o.counted = status != "cancelled" && status != "returned" && o.day != kNoDay;
                 int64_t unit = 1000000;
                 if (F.convert(s.column_text(6), unit)) o.rate = (double)unit / 1e6;
                 if (!F.convert(s.column_text(6), o.total)) {
                     F.unconverted++;
                     F.unconverted_by_currency[s.column_text(6)]++;
                     o.convertible = false;
                 }
                 I.order.set(s.column_text(1), (int32_t)F.orders.size());
                 F.orders.push_back(o);
             }},
            {"order_lines", "order_id, product_id, quantity, line_total", [ref](Impl& I, Statement& s) {
                 Facts& F = *I.f;
                 int32_t o = -1;
                 if (!s.column_is_null(1)) o = I.order.find(s.column_view(1));
                 if (o < 0) return;
                 // A line is in its order's currency: converted at the order's rate.
                 Facts::Line l{o, ref(I.product, s, 2), s.column_int(3), (int64_t)std::llround((double)s.column_int(4) * F.orders[(size_t)o].rate)};
                 F.lines.push_back(l);
             }},
            {"opportunities", "id, account_id, owner_id, campaign_id, lead_id, stage, probability, created_at, closed_at, expected_close, amount, currency",
             [ref](Impl& I, Statement& s) {
                 Facts& F = *I.f;
                 Facts::Opportunity o;
                 o.rowid = s.column_int(0);
                 o.account = ref(I.account, s, 2);
                 o.owner = ref(I.user, s, 3);
                 o.campaign = ref(I.campaign, s, 4);
                 o.lead = s.column_is_null(5) ? 0 : 1;
                 std::string_view stage = s.column_view(6);
                 o.stage = F.code(stage);
                 o.reached = stage == "qualify" ? 0 : stage == "develop" ? 1 : stage == "propose" ? 2 : stage == "won" ? 3 : 0;
                 o.probability = (int32_t)s.column_int(7);
                 o.created = day_of(s.column_view(8));
                 o.closed = day_of(s.column_view(9));
                 o.expected_close = day_of(s.column_view(10));
                 o.amount = s.column_int(11);
                 if (!F.convert(s.column_text(12), o.amount)) {
                     F.unconverted++;
                     F.unconverted_by_currency[s.column_text(12)]++;
                     o.convertible = false;
                     o.amount = 0;
                 }
                 int32_t index = (int32_t)F.opportunities.size();
                 std::string id = s.column_text(1);
                 if (stage == "lost") I.lost.push_back({index, id});
                 I.opp.set(id, index);
                 F.opportunities.push_back(o);
             }},
            {"leads", "owner_id, source, campaign_id, status, country, created_at, converted_at, converted_opportunity_id", [ref](Impl& I, Statement& s) {
                 Facts& F = *I.f;
                 Facts::Lead l{s.column_int(0), ref(I.user, s, 1), F.code(s.column_view(2)), ref(I.campaign, s, 3), F.code(s.column_view(4)),
                               F.code(s.column_view(5)), day_of(s.column_view(6)), day_of(s.column_view(7)), ref(I.opp, s, 8)};
                 F.leads.push_back(l);
             }},
            {"cases", "id, account_id, owner_id, type, origin, tier, queue_id, status, line, created_at, response_due_at, resolution_due_at, "
                      "first_response_at, resolved_at, satisfaction",
             [ref, ms](Impl& I, Statement& s) {
                 Facts& F = *I.f;
                 Facts::Case c;
                 c.rowid = s.column_int(0);
                 c.account = ref(I.account, s, 2);
                 c.owner = ref(I.user, s, 3);
                 c.type = F.code(s.column_view(4));
                 c.origin = F.code(s.column_view(5));
                 c.tier = F.code(s.column_view(6));
                 c.queue = ref(I.queue, s, 7);
                 c.status = F.code(s.column_view(8));
                 c.line = (int32_t)s.column_int(9);
                 c.created_ms = ms(s, 10);
                 c.created = (int32_t)(c.created_ms / 86400000);
                 c.response_due_ms = ms(s, 11);
                 c.resolution_due_ms = ms(s, 12);
                 c.first_response_ms = ms(s, 13);
                 c.resolved_ms = ms(s, 14);
                 c.satisfaction = (int32_t)s.column_int(15);
                 I.kase.set(s.column_text(1), (int32_t)F.cases.size());
                 F.cases.push_back(c);
             }},
            {"activities", "owner_id, type, channel, account_id, occurred_at, campaign_id, duration_s, case_id", [ref](Impl& I, Statement& s) {
                 Facts& F = *I.f;
                 Facts::Activity a{s.column_int(0), ref(I.user, s, 1), F.code(s.column_view(2)), F.code(s.column_view(3)), ref(I.account, s, 4),
                                   day_of(s.column_view(5)), ref(I.campaign, s, 6), s.column_int(7)};
                 int32_t k = s.column_is_null(8) ? -1 : I.kase.find(s.column_view(8));
                 if (k >= 0) {
                     if (s.column_view(2) != "note") F.cases[(size_t)k].activities++;   // interactions, not internal notes
                     F.cases[(size_t)k].handling_s += a.duration_s;
                 }
                 F.activities.push_back(a);
             }},
        };
        add_custom_dimensions();
    }

    // The furthest open stage a lost opportunity reached, from its change log.
    bool step_lost(double deadline, const std::function<double()>& now) {
        Statement& s = store.db().cached("SELECT value FROM change_log WHERE record_id = crm_id_key(?1) AND field = 'stage'");
        while (lost_next < lost.size()) {
            auto& [index, id] = lost[lost_next];
            int32_t reached = 0;
            s.bind(1, id);
            while (s.step()) {   // a miss throws here: this one is read again, whole, next time
                std::string_view v = s.column_view(0);
                reached = std::max(reached, v == "develop" ? 1 : v == "propose" ? 2 : 0);
            }
            s.reset();
            f->opportunities[(size_t)index].reached = reached;
            lost_next++;
            if (deadline > 0 && now() > deadline) return false;
        }
        return true;
    }

    void finish() {
        Facts& F = *f;
        // Lines grouped by order. Read in rowid order they usually are already
        // (a line is written after its order): then only the offsets are counted.
        std::vector<uint32_t> count(F.orders.size() + 1, 0);
        bool grouped_already = true;
        for (size_t i = 0; i < F.lines.size(); i++) {
            count[(size_t)F.lines[i].order + 1]++;
            if (i && F.lines[i].order < F.lines[i - 1].order) grouped_already = false;
        }
        for (size_t i = 1; i < count.size(); i++) count[i] += count[i - 1];
        F.order_first_line = count;
        if (!grouped_already) {   // a counting sort
            std::vector<Facts::Line> grouped(F.lines.size());
            for (const auto& l : F.lines) grouped[count[(size_t)l.order]++] = l;
            F.lines = std::move(grouped);
        }
        // Accounts in id order. The ids' first 8 bytes packed big-endian sort as
        // the text does, so most comparisons are one integer compare, not a
        // string compare (a hundred thousand UUIDs: a long frame otherwise).
        struct Key { uint64_t prefix; int32_t at; };
        std::vector<Key> keys(F.accounts.size());
        for (size_t i = 0; i < keys.size(); i++) {
            const std::string& id = F.accounts[i].id;
            uint64_t k = 0;
            for (size_t b = 0; b < 8; b++) k = k << 8 | (b < id.size() ? (uint8_t)id[b] : 0);
            keys[i] = {k, (int32_t)i};
        }
        std::sort(keys.begin(), keys.end(), [&](const Key& x, const Key& y) {
            if (x.prefix != y.prefix) return x.prefix < y.prefix;
            return F.accounts[(size_t)x.at].id < F.accounts[(size_t)y.at].id;
        });
        std::vector<int32_t> by_id(keys.size());
        for (size_t i = 0; i < keys.size(); i++) by_id[i] = keys[i].at;
        F.account_id_rank.assign(F.accounts.size(), 0);
        for (size_t r = 0; r < by_id.size(); r++) F.account_id_rank[(size_t)by_id[r]] = (int32_t)r;
    }
};

FactsLoader::FactsLoader(Store& store) : impl_(std::make_unique<Impl>(store)) {}
FactsLoader::~FactsLoader() = default;

bool FactsLoader::step(double budget_ms) {
    Impl& I = *impl_;
    if (I.done) return true;
    auto clock = [] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count(); };
    double deadline = budget_ms > 0 ? clock() + budget_ms : 0;
    while (I.phase < I.phases.size()) {
        Impl::Phase& p = I.phases[I.phase];
        Statement& s = I.store.db().cached(std::string("SELECT rowid, ") + p.columns + " FROM " + p.table +
                                           " WHERE rowid > ?1 AND +deleted = 0 ORDER BY rowid LIMIT 512");   // + keeps the planner on the rowid range
        s.bind(1, I.after);
        int n = 0;
        while (s.step()) {
            I.after = s.column_int(0);
            p.row(I, s);
            n++;
        }
        s.reset();
        if (n < 512) {
            I.rows_read += I.store.db().query_int(std::string("SELECT coalesce(max(rowid), 0) FROM ") + p.table);
            I.phase++;
            I.after = 0;
        }
        if (deadline > 0 && clock() > deadline) return false;
    }
    if (!I.step_lost(deadline, clock)) return false;
    if (!I.grouped) {
        if (deadline > 0 && clock() > deadline - budget_ms / 2) return false;   // grouping and ranking get a slice of their own
        I.finish();
        I.grouped = true;
        if (deadline > 0) return false;
    }
    // Each customer's sales in day order, which most reports start from: a slice of its own too.
    purchases_of(*I.f, Filter{});
    I.done = true;
    return true;
}

double FactsLoader::fraction() const {
    const Impl& I = *impl_;
    if (I.done) return 1.0;
    return std::min(0.99, (double)(I.rows_read + I.after) / (double)I.rows_total);
}

std::shared_ptr<const Facts> FactsLoader::result() const { return impl_->done ? impl_->f : nullptr; }

std::shared_ptr<const Facts> load_facts(Store& store) {
    FactsLoader l(store);
    l.step(0);
    return l.result();
}

//-----------------------------------------------------------------------------
// Tables
//-----------------------------------------------------------------------------

void Table::add(std::vector<std::string> row, Drill d) {
    rows.push_back(std::move(row));
    drill.push_back(std::move(d));
}

// A cell as CSV. Text a spreadsheet would run as a formula (a campaign named
// "=HYPERLINK(...)") gets a leading quote, as the exports' csv_cell does;
// negative numbers stay numbers.
static std::string csv_field(const std::string& cell) {
    std::string v = cell;
    if (!v.empty() && std::strchr("=+-@\t\r", v[0])) {
        char* end = nullptr;
        strtod(v.c_str(), &end);
        if (v[0] != '-' || *end != 0) v.insert(0, "'");
    }
    if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string Table::csv() const {
    std::string out;
    for (size_t i = 0; i < columns.size(); i++) out += (i ? "," : "") + csv_field(columns[i]);
    out += "\n";
    for (const auto& r : rows) {
        for (size_t i = 0; i < r.size(); i++) out += (i ? "," : "") + csv_field(r[i]);
        out += "\n";
    }
    return out;
}

double Table::number(size_t row, size_t col) const {
    if (row >= rows.size() || col >= rows[row].size() || rows[row][col].empty()) return NAN;
    const std::string& v = rows[row][col];
    char* end = nullptr;
    double d = strtod(v.c_str(), &end);
    return end && *end == 0 ? d : NAN;
}

int Table::column(std::string_view name) const {
    for (size_t i = 0; i < columns.size(); i++)
        if (columns[i] == name) return (int)i;
    return -1;
}

std::string num(double v, int decimals) {
    if (std::isnan(v) || std::isinf(v)) return "";
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    return s;
}

std::string money(int64_t minor) {   // without printf: tables of many thousand rows call it per cell
    uint64_t a = minor < 0 ? 0 - (uint64_t)minor : (uint64_t)minor;
    char buf[32], *p = buf;
    if (minor < 0) *p++ = '-';
    p = std::to_chars(p, buf + sizeof buf - 3, a / 100).ptr;
    *p++ = '.';
    *p++ = (char)('0' + a % 100 / 10);
    *p++ = (char)('0' + a % 10);
    return std::string(buf, p);
}

std::string money_note(const Facts& f) {
    std::string s = "money in " + f.currency;
    if (!f.rates.empty()) {
        s += " (rates from Settings:";
        for (auto& [c, r] : f.rates) s += " " + c + " " + num(r, 6);
        s += ")";
    }
    if (f.unconverted) {
        s += "; left out for want of a rate in Settings > Analytics:";
        for (auto& [c, n] : f.unconverted_by_currency) s += " " + std::to_string(n) + " in " + (c.empty() ? "no currency" : c);
    }
    return s;
}

std::vector<std::string> drill_ids(Store& store, const Drill& d, size_t offset, size_t limit) {
    std::vector<std::string> out;
    if (!d.entity) return out;
    Statement& s = store.db().cached(std::string("SELECT id FROM ") + d.entity->table + " WHERE rowid = ?1");
    for (size_t i = offset; i < d.rowids.size() && out.size() < limit; i++) {
        s.bind(1, d.rowids[i]);
        if (s.step()) out.push_back(s.column_text(0));
        s.reset();
    }
    return out;
}

}  // namespace crm
