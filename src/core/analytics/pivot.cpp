// pivot.cpp - rows x columns x measure (count, sum, average) over
// opportunities, orders, order lines, cases or activities by their
// dimensions, with totals.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "analytics/reports.h"

namespace crm {

const char* const kPivotSources[] = {"opportunities", "orders", "order_lines", "cases", "activities", nullptr};

std::vector<std::string> pivot_dimensions(const std::string& source) {
    std::vector<std::string> d = {"month", "quarter", "year", "owner", "team", "territory"};
    auto add = [&](std::initializer_list<const char*> more) { d.insert(d.end(), more.begin(), more.end()); };
    if (source == "opportunities") add({"stage", "tier", "country", "industry", "campaign"});
    else if (source == "orders") add({"tier", "country", "industry"});
    else if (source == "order_lines") add({"product", "category", "tier", "country", "industry"});
    else if (source == "cases") add({"type", "channel", "tier", "queue", "status", "priority_line"});
    else if (source == "activities") add({"type", "channel"});
    else return {};
    if (source == "opportunities" || source == "cases")
        for (const FieldSpec* f : pivot_custom_fields(entity(source))) d.push_back(f->name);
    for (const FieldSpec* f : pivot_custom_fields(kAccounts)) d.push_back(std::string("account.") + f->name);
    return d;
}

std::vector<const FieldSpec*> pivot_custom_fields(const EntitySpec& e) {
    std::vector<const FieldSpec*> out;
    for (const FieldSpec& f : e.fields)
        if (f.is_custom() && !f.has(F_Hidden) && (f.type == FieldType::Choice || f.type == FieldType::Bool || f.type == FieldType::Text))
            out.push_back(&f);
    return out;
}

std::string pivot_dimension_label(const std::string& source, const std::string& dim) {
    if (dim.starts_with("account.cf"))
        if (const FieldSpec* f = kAccounts.field(dim.substr(8)); f && f->is_custom()) return std::string("Account: ") + f->label;
    if (dim.starts_with("cf"))
        if (const EntitySpec* e = find_entity(source); e && e->field(dim) && e->field(dim)->is_custom()) return e->field(dim)->label;
    return dim;
}

namespace {

// A fact's place on a dimension is a number (a month, a user, an interned
// text, ...), turned into its label once per distinct value, not once per
// fact: a hundred thousand facts cost a hundred thousand integer lookups.
struct Fact {
    int32_t day, owner, account;
    double value;
    int64_t rowid;
    int64_t (*other)(const Facts&, const void*, const std::string&);   // source-specific dimensions
    const void* rec;
};

constexpr int64_t kNone = INT64_MIN;
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

int64_t key_of(const Facts& f, const Fact& x, const std::string& dim) {
    if (dim == "month" || dim == "quarter" || dim == "year") {
        if (x.day == kNoDay) return kNone;
        int32_t m = month_of(x.day);
        return dim == "month" ? m : dim == "quarter" ? floor_div(m, 3) : floor_div(m, 12);
    }
    const Facts::User& u = f.users[(size_t)x.owner];
    if (dim == "owner") return x.owner;
    if (dim == "team") return u.team;
    if (dim == "territory") return u.territory;
    const Facts::Account& a = f.accounts[(size_t)x.account];
    // Without an account, a case's own tier (the source's dimension) answers.
    if (dim == "tier" && x.account) return a.tier;
    if (dim == "country" && x.account) return a.country;
    if (dim == "industry") return a.industry;
    if (dim.starts_with("account.cf")) {
        auto it = f.custom.find("accounts." + dim.substr(8));
        return it != f.custom.end() && (size_t)x.account < it->second.size() ? it->second[(size_t)x.account] : 0;
    }
    if (dim.starts_with("cf")) {   // a custom field of the opportunity or case: its place in its table
        auto own = [&](const auto& rows, const char* table) -> int64_t {
            if (rows.empty() || x.rec < (const void*)rows.data() || x.rec >= (const void*)(rows.data() + rows.size())) return -1;
            auto it = f.custom.find(std::string(table) + "." + dim);
            size_t i = (size_t)((const typename std::decay_t<decltype(rows)>::value_type*)x.rec - rows.data());
            return it != f.custom.end() && i < it->second.size() ? it->second[i] : 0;
        };
        int64_t k = own(f.opportunities, "opportunities");
        if (k < 0) k = own(f.cases, "cases");
        return std::max<int64_t>(k, 0);
    }
    return x.other ? x.other(f, x.rec, dim) : 0;
}

// The label of a key; "" reads "(none)".
std::string label_of(const Facts& f, const std::string& dim, int64_t k) {
    if (dim == "month" || dim == "quarter" || dim == "year") {
        if (k == kNone) return "(no date)";
        if (dim == "month") return month_text((int32_t)k);
        std::string year = month_text((int32_t)(dim == "year" ? k * 12 : k * 3)).substr(0, 4);
        return dim == "year" ? year : year + "-Q" + std::to_string(floor_mod(k, 4) + 1);
    }
    if (dim == "owner") return k ? f.users[(size_t)k].name : "(no owner)";
    if (dim == "campaign") return k ? f.campaigns[(size_t)k].name : "(no campaign)";
    if (dim == "product") return k ? f.products[(size_t)k].name : "(no product)";
    if (dim == "queue") return f.queues[(size_t)k].name;
    if (dim == "priority_line") return "line " + std::to_string(k);
    return f.text((int32_t)k);   // interned texts: team, territory, tier, country, industry, stage, category, type, channel, status
}

}  // namespace

Table report_pivot(const Facts& f, const ReportArgs& a) {
    std::vector<std::string> dims = pivot_dimensions(a.source);
    if (dims.empty()) throw std::invalid_argument("pivot: unknown source '" + a.source + "' (opportunities, orders, order_lines, cases, activities)");
    auto check = [&](const std::string& d, const char* what) {
        if (std::find(dims.begin(), dims.end(), d) == dims.end()) {
            std::string list;
            for (auto& x : dims) list += (list.empty() ? "" : ", ") + x;
            throw std::invalid_argument(std::string("pivot: ") + what + " '" + d + "' is not a dimension of " + a.source + " (" + list + ")");
        }
    };
    check(a.rows, "rows");
    if (!a.cols.empty()) check(a.cols, "columns");
    if (a.measure != "count" && a.measure != "sum" && a.measure != "average")
        throw std::invalid_argument("pivot: measure '" + a.measure + "' must be count, sum or average");
    const EntitySpec* entity = nullptr;
    const char* value_name = "";
    bool is_money = true;
    std::vector<Fact> facts;
    const Filter& flt = a.filter;
    if (a.source == "opportunities") {
        entity = &kOpportunities;
        value_name = "amount";
        for (size_t i = 1; i < f.opportunities.size(); i++) {
            const auto& o = f.opportunities[i];
            if (!a.period.has(o.created) || !f.owner_passes(flt, o.owner) || !f.account_passes(flt, o.account)) continue;
            facts.push_back({o.created, o.owner, o.account, (double)o.amount, o.rowid,
                             [](const Facts&, const void* r, const std::string& d) -> int64_t {
                                 auto& o = *(const Facts::Opportunity*)r;
                                 return d == "stage" ? o.stage : d == "campaign" ? o.campaign : 0;
                             }, &o});
        }
    } else if (a.source == "orders" || a.source == "order_lines") {
        bool lines = a.source == "order_lines";
        entity = &kOrders;
        value_name = lines ? "line total" : "total";
        for (size_t i = 0; i < f.orders.size(); i++) {
            const auto& o = f.orders[i];
            if (!f.revenue(o) || !a.period.has(o.day) || !f.owner_passes(flt, o.owner) || !f.account_passes(flt, o.account)) continue;
            if (!lines) {
                facts.push_back({o.day, o.owner, o.account, (double)o.total, o.rowid, nullptr, &o});
                continue;
            }
            for (uint32_t k = f.order_first_line[i]; k < f.order_first_line[i + 1]; k++)
                facts.push_back({o.day, o.owner, o.account, (double)f.lines[k].total, o.rowid,
                                 [](const Facts& f, const void* r, const std::string& d) -> int64_t {
                                     auto& l = *(const Facts::Line*)r;
                                     return d == "product" ? l.product : d == "category" ? f.products[(size_t)l.product].category : 0;
                                 }, &f.lines[k]});
        }
    } else if (a.source == "cases") {
        entity = &kCases;
        value_name = "resolution hours";
        is_money = false;
        for (const auto& c : f.cases) {
            if (!a.period.has(c.created) || !f.owner_passes(flt, c.owner) || !f.account_passes(flt, c.account)) continue;
            if (!flt.channel.empty() && f.text(c.origin) != flt.channel) continue;
            facts.push_back({c.created, c.owner, c.account, c.resolved_ms ? (double)(c.resolved_ms - c.created_ms) / 3.6e6 : NAN, c.rowid,
                             [](const Facts&, const void* r, const std::string& d) -> int64_t {
                                 auto& c = *(const Facts::Case*)r;
                                 return d == "type" ? c.type : d == "channel" ? c.origin : d == "tier" ? c.tier : d == "queue" ? c.queue
                                      : d == "status" ? c.status : d == "priority_line" ? c.line : 0;
                             }, &c});
        }
    } else {
        entity = &kActivities;
        value_name = "duration minutes";
        is_money = false;
        for (const auto& x : f.activities) {
            if (!a.period.has(x.day) || !f.owner_passes(flt, x.owner) || !f.account_passes(flt, x.account)) continue;
            if (!flt.channel.empty() && f.text(x.channel) != flt.channel) continue;
            facts.push_back({x.day, x.owner, x.account, (double)x.duration_s / 60.0, x.rowid,
                             [](const Facts&, const void* r, const std::string& d) -> int64_t {
                                 auto& x = *(const Facts::Activity*)r;
                                 return d == "type" ? x.type : d == "channel" ? x.channel : 0;
                             }, &x});
        }
    }
    struct Acc { int64_t n = 0, valued = 0; double sum = 0; };
    // Accumulate by key, then label each key once and merge keys that read the same.
    std::map<int64_t, std::string> row_labels, col_labels;
    std::unordered_map<int64_t, size_t> row_slot, col_slot;
    struct Group { std::vector<Acc> cells; Acc total; Drill drill; };
    std::vector<Group> by_row;
    std::vector<Acc> by_col;
    Acc all;
    for (const Fact& x : facts) {
        int64_t rk = key_of(f, x, a.rows), ck = a.cols.empty() ? 0 : key_of(f, x, a.cols);
        auto [ri, rnew] = row_slot.try_emplace(rk, by_row.size());
        if (rnew) by_row.emplace_back();
        auto [ci, cnew] = col_slot.try_emplace(ck, by_col.size());
        if (cnew) by_col.emplace_back();
        Group& g = by_row[ri->second];
        if (g.cells.size() <= ci->second) g.cells.resize(by_col.size());
        for (Acc* acc : {&g.cells[ci->second], &g.total, &by_col[ci->second], &all}) {
            acc->n++;
            if (!std::isnan(x.value)) { acc->valued++; acc->sum += x.value; }
        }
        g.drill.entity = entity;
        if (g.drill.rowids.empty() || g.drill.rowids.back() != x.rowid) g.drill.rowids.push_back(x.rowid);
    }
    auto label = [&](const std::string& dim, int64_t k) {
        std::string l = dim.empty() ? "value" : label_of(f, dim, k);
        return l.empty() ? std::string("(none)") : l;
    };
    std::map<std::string, std::vector<size_t>> cols_by_label;
    for (auto& [k, i] : col_slot) cols_by_label[label(a.cols, k)].push_back(i);
    std::map<std::string, std::vector<size_t>> rows_by_label;
    for (auto& [k, i] : row_slot) rows_by_label[label(a.rows, k)].push_back(i);
    auto merged = [](Acc& into, const Acc& x) { into.n += x.n; into.valued += x.valued; into.sum += x.sum; };
    auto show = [&](const Acc& acc) -> std::string {
        if (a.measure == "count") return std::to_string(acc.n);
        if (a.measure == "sum") return is_money ? money((int64_t)std::llround(acc.sum)) : num(acc.sum, 2);
        if (!acc.valued) return "";
        return is_money ? money((int64_t)std::llround(acc.sum / (double)acc.valued)) : num(acc.sum / (double)acc.valued, 2);
    };
    Table t;
    t.name = "pivot";
    t.title = "Pivot of " + a.source;
    t.columns = {pivot_dimension_label(a.source, a.rows)};
    for (auto& [c, _] : cols_by_label) t.columns.push_back(c);
    t.columns.push_back("Total");
    for (auto& [r, slots] : rows_by_label) {
        std::vector<std::string> out{r};
        for (auto& [c, cslots] : cols_by_label) {
            Acc acc;
            for (size_t ri : slots)
                for (size_t ci : cslots)
                    if (ci < by_row[ri].cells.size()) merged(acc, by_row[ri].cells[ci]);
            out.push_back(acc.n ? show(acc) : a.measure == "average" ? "" : a.measure == "sum" ? (is_money ? "0.00" : "0") : "0");
        }
        Acc total;
        Drill d{entity, {}};
        for (size_t ri : slots) {
            merged(total, by_row[ri].total);
            d.rowids.insert(d.rowids.end(), by_row[ri].drill.rowids.begin(), by_row[ri].drill.rowids.end());
        }
        if (slots.size() > 1) {   // keys that read the same (two products of one name): each record once, in order
            std::sort(d.rowids.begin(), d.rowids.end());
            d.rowids.erase(std::unique(d.rowids.begin(), d.rowids.end()), d.rowids.end());
        }
        out.push_back(show(total));
        t.add(std::move(out), std::move(d));
    }
    std::vector<std::string> total{"Total"};
    for (auto& [c, cslots] : cols_by_label) {
        Acc acc;
        for (size_t ci : cslots) merged(acc, by_col[ci]);
        total.push_back(show(acc));
    }
    total.push_back(show(all));
    t.add(std::move(total));
    t.notes.push_back(std::string(a.measure) + (a.measure == "count" ? " of " + a.source : " of " + std::string(value_name)) + " by " + a.rows +
                      (a.cols.empty() ? "" : " and " + a.cols) + ", " + day_text(a.period.from) + " to " + day_text(a.period.to) +
                      "; filters: " + a.filter.describe() + (is_money ? "; " + money_note(f) : ""));
    return t;
}

}  // namespace crm
