// pivot.cpp - rows x columns x measure (count, sum, average) over
// opportunities, orders, order lines, cases or activities by their
// dimensions, with totals.
#include <algorithm>
#include <map>

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
    return d;
}

namespace {

struct Fact {
    int32_t day, owner, account;
    double value;
    int64_t rowid;
    std::string (*other)(const Facts&, const void*, const std::string&);   // source-specific dimensions
    const void* rec;
};

std::string date_key(int32_t day, const std::string& dim) {
    if (day == kNoDay) return "(no date)";
    std::string m = month_text(month_of(day));
    if (dim == "month") return m;
    if (dim == "year") return m.substr(0, 4);
    return m.substr(0, 4) + "-Q" + std::to_string((std::stoi(m.substr(5, 2)) - 1) / 3 + 1);
}

std::string key_of(const Facts& f, const Fact& x, const std::string& dim) {
    if (dim == "month" || dim == "quarter" || dim == "year") return date_key(x.day, dim);
    const Facts::User& u = f.users[(size_t)x.owner];
    if (dim == "owner") return x.owner ? u.name : "(no owner)";
    if (dim == "team") return f.text(u.team);
    if (dim == "territory") return f.text(u.territory);
    const Facts::Account& a = f.accounts[(size_t)x.account];
    if (dim == "tier" && x.account) return f.text(a.tier);
    if (dim == "country" && x.account) return f.text(a.country);
    if (dim == "industry") return f.text(a.industry);
    return x.other ? x.other(f, x.rec, dim) : "";
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
                             [](const Facts& f, const void* r, const std::string& d) -> std::string {
                                 auto& o = *(const Facts::Opportunity*)r;
                                 if (d == "stage") return f.text(o.stage);
                                 if (d == "campaign") return o.campaign ? f.campaigns[(size_t)o.campaign].name : "(no campaign)";
                                 return "";
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
                                 [](const Facts& f, const void* r, const std::string& d) -> std::string {
                                     auto& l = *(const Facts::Line*)r;
                                     if (d == "product") return l.product ? f.products[(size_t)l.product].name : "(no product)";
                                     if (d == "category") return f.text(f.products[(size_t)l.product].category);
                                     return "";
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
                             [](const Facts& f, const void* r, const std::string& d) -> std::string {
                                 auto& c = *(const Facts::Case*)r;
                                 if (d == "type") return f.text(c.type);
                                 if (d == "channel") return f.text(c.origin);
                                 if (d == "tier") return f.text(c.tier);
                                 if (d == "queue") return f.queues[(size_t)c.queue].name;
                                 if (d == "status") return f.text(c.status);
                                 if (d == "priority_line") return "line " + std::to_string(c.line);
                                 return "";
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
                             [](const Facts& f, const void* r, const std::string& d) -> std::string {
                                 auto& x = *(const Facts::Activity*)r;
                                 return d == "type" ? f.text(x.type) : d == "channel" ? f.text(x.channel) : "";
                             }, &x});
        }
    }
    struct Acc { int64_t n = 0, valued = 0; double sum = 0; };
    std::map<std::string, std::map<std::string, Acc>> cells;
    std::map<std::string, Acc> col_total;
    std::map<std::string, Drill> drill;
    Acc all;
    std::map<std::string, int> col_seen;
    for (const Fact& x : facts) {
        std::string r = key_of(f, x, a.rows), c = a.cols.empty() ? "value" : key_of(f, x, a.cols);
        if (r.empty()) r = "(none)";
        if (c.empty()) c = "(none)";
        for (Acc* acc : {&cells[r][c], &cells[r]["\x7fTotal"], &col_total[c], &all}) {
            acc->n++;
            if (!std::isnan(x.value)) { acc->valued++; acc->sum += x.value; }
        }
        col_seen[c] = 1;
        Drill& d = drill[r];
        d.entity = entity;
        if (d.rowids.empty() || d.rowids.back() != x.rowid) d.rowids.push_back(x.rowid);
    }
    auto show = [&](const Acc& acc) -> std::string {
        if (a.measure == "count") return std::to_string(acc.n);
        if (a.measure == "sum") return is_money ? money((int64_t)std::llround(acc.sum)) : num(acc.sum, 2);
        if (!acc.valued) return "";
        return is_money ? money((int64_t)std::llround(acc.sum / (double)acc.valued)) : num(acc.sum / (double)acc.valued, 2);
    };
    Table t;
    t.name = "pivot";
    t.title = "Pivot of " + a.source;
    t.columns = {a.rows};
    for (auto& [c, _] : col_seen) t.columns.push_back(c);
    t.columns.push_back("Total");
    for (auto& [r, row] : cells) {
        std::vector<std::string> out{r};
        for (auto& [c, _] : col_seen) out.push_back(row.count(c) ? show(row[c]) : a.measure == "average" ? "" : a.measure == "sum" ? (is_money ? "0.00" : "0") : "0");
        out.push_back(show(row["\x7fTotal"]));
        t.add(std::move(out), std::move(drill[r]));
    }
    std::vector<std::string> total{"Total"};
    for (auto& [c, _] : col_seen) total.push_back(show(col_total[c]));
    total.push_back(show(all));
    t.add(std::move(total));
    t.notes.push_back(std::string(a.measure) + (a.measure == "count" ? " of " + a.source : " of " + std::string(value_name)) + " by " + a.rows +
                      (a.cols.empty() ? "" : " and " + a.cols) + ", " + day_text(a.period.from) + " to " + day_text(a.period.to) +
                      "; filters: " + a.filter.describe() + (is_money ? "; " + money_note(f) : ""));
    return t;
}

}  // namespace crm
