// value.cpp - customer value: average sale, LTV, CLV, customer equity, CAC,
// LTV:CAC, the top customers, and one customer's figures for the 360 view.
#include <algorithm>

#include "analytics/purchases.h"
#include "analytics/reports.h"

namespace crm {

namespace {

struct ValueFigures {
    int64_t customers = 0, new_customers = 0, sales = 0, revenue = 0, marketing_cost = 0, sales_cost = 0;
    double average_sale = NAN, per_year = NAN, churn = NAN, retention_years = NAN, margin = NAN, ltv = NAN, clv = NAN,
           equity = NAN, cac = NAN, ratio = NAN;
};

ValueFigures value_figures(const Facts& f, const Purchases& p, Period per) {
    ValueFigures v;
    for (size_t a = 1; a + 1 < p.first.size(); a++) {
        if (!p.count(a)) continue;
        int64_t n = p.sales_between(a, per.from, per.to);
        if (n) {
            v.customers++;
            v.sales += n;
            v.revenue += p.revenue_between(a, per.from, per.to);
        }
        if (per.has(p.day[p.first[a]])) v.new_customers++;
    }
    for (const auto& c : f.campaigns)
        if (c.start != kNoDay && per.has(c.start)) v.marketing_cost += c.cost;
    v.sales_cost = (int64_t)std::llround((double)f.sales_cost_per_month * per.days() / (365.25 / 12));
    double years = per.days() / 365.0;
    ChurnCount cc = churn_count(f, p, per);
    v.churn = cc.at_start ? (double)cc.churned / (double)cc.at_start : NAN;
    v.retention_years = retention_years(f, p, per);
    v.margin = sales_margin(f, p, per);
    if (v.sales) {
        v.average_sale = (double)v.revenue / (double)v.sales;
        v.per_year = (double)v.sales / (double)v.customers / years;
        v.ltv = v.average_sale * v.per_year * v.retention_years;
        v.clv = v.ltv * v.margin;
        v.equity = v.clv * (double)v.customers;
    }
    if (v.new_customers) v.cac = (double)(v.marketing_cost + v.sales_cost) / (double)v.new_customers;
    if (!std::isnan(v.cac) && v.cac > 0 && !std::isnan(v.ltv)) v.ratio = v.ltv / v.cac;
    return v;
}

std::string minor_as_money(double minor) { return std::isnan(minor) ? "" : money((int64_t)std::llround(minor)); }

}  // namespace

Table report_value(const Facts& f, const ReportArgs& a) {
    const Purchases& p = purchases_of(f, a.filter);
    ValueFigures now = value_figures(f, p, a.period), before = value_figures(f, p, a.period.previous());
    Table t;
    t.name = "value";
    t.title = "Customer value";
    t.columns = {"measure", "value", "previous", "unit"};
    auto row = [&](const char* m, std::string v, std::string w, const char* unit) { t.add({m, std::move(v), std::move(w), unit}); };
    auto count = [&](const char* m, int64_t ValueFigures::*x) { row(m, std::to_string(now.*x), std::to_string(before.*x), "count"); };
    auto cash = [&](const char* m, int64_t ValueFigures::*x) { row(m, money(now.*x), money(before.*x), f.currency.c_str()); };
    auto cashd = [&](const char* m, double ValueFigures::*x) { row(m, minor_as_money(now.*x), minor_as_money(before.*x), f.currency.c_str()); };
    auto real = [&](const char* m, double ValueFigures::*x, const char* unit) { row(m, num(now.*x), num(before.*x), unit); };
    count("customers", &ValueFigures::customers);
    count("new customers", &ValueFigures::new_customers);
    count("sales", &ValueFigures::sales);
    cash("revenue", &ValueFigures::revenue);
    cashd("average sale value", &ValueFigures::average_sale);
    real("sales per customer per year", &ValueFigures::per_year, "count");
    real("churn rate (count)", &ValueFigures::churn, "share");
    real("retention time", &ValueFigures::retention_years, "years");
    cashd("LTV", &ValueFigures::ltv);
    real("margin", &ValueFigures::margin, "share");
    cashd("CLV", &ValueFigures::clv);
    cashd("customer equity", &ValueFigures::equity);
    cash("marketing cost", &ValueFigures::marketing_cost);
    cash("sales cost", &ValueFigures::sales_cost);
    cashd("CAC", &ValueFigures::cac);
    real("LTV:CAC", &ValueFigures::ratio, "ratio");
    t.notes.push_back("period " + day_text(a.period.from) + " to " + day_text(a.period.to) + ", compared with " +
                      day_text(a.period.previous().from) + " to " + day_text(a.period.previous().to) + "; filters: " + a.filter.describe());
    t.notes.push_back("LTV = average sale value x sales per customer per year x retention time (1 / yearly churn, at most 10 years); "
                      "CLV = LTV x margin; customer equity = customers x CLV; CAC = (campaign costs started in the period + sales cost) / new customers");
    if (!std::isnan(now.ratio))
        t.notes.push_back(now.ratio >= 3 ? "LTV:CAC " + num(now.ratio, 1) + ":1 meets the 3:1 rule"
                                         : "LTV:CAC " + num(now.ratio, 1) + ":1 is below the 3:1 rule: acquisition costs more than customers return");
    if (!a.filter.empty()) t.notes.push_back("campaign costs are not filtered");
    t.notes.push_back(money_note(f));
    return t;
}

Table report_customers(const Facts& f, const ReportArgs& a) {
    const Purchases& p = purchases_of(f, a.filter);
    double ret = retention_years(f, p, a.period), margin = sales_margin(f, p, a.period), years = a.period.days() / 365.0;
    struct Row { size_t a; int64_t n, revenue; };
    std::vector<Row> rows;
    for (size_t i = 1; i + 1 < p.first.size(); i++) {
        int64_t n = p.count(i) ? p.sales_between(i, a.period.from, a.period.to) : 0;
        if (n) rows.push_back({i, n, p.revenue_between(i, a.period.from, a.period.to)});
    }
    std::sort(rows.begin(), rows.end(), [&](const Row& x, const Row& y) {
        return x.revenue != y.revenue ? x.revenue > y.revenue : f.accounts[x.a].id < f.accounts[y.a].id;
    });
    int64_t total = 0;
    for (const Row& r : rows) total += r.revenue;
    Table t;
    t.name = "customers";
    t.title = "Top customers by value";
    t.columns = {"customer_id", "customer", "tier", "country", "sales", "revenue", "revenue_share", "clv", "first_sale", "last_sale"};
    for (size_t k = 0; k < rows.size() && (a.top <= 0 || (int)k < a.top); k++) {
        const Row& r = rows[k];
        const Facts::Account& acc = f.accounts[r.a];
        t.add({acc.id, acc.name, f.text(acc.tier), f.text(acc.country), std::to_string(r.n), money(r.revenue),
               num(total ? (double)r.revenue / (double)total : NAN), money((int64_t)std::llround((double)r.revenue / years * ret * margin)),
               day_text(p.day[p.first[r.a]]), day_text(p.day[p.first[r.a + 1] - 1])},
              Drill{&kAccounts, {acc.rowid}});
    }
    t.notes.push_back(std::to_string(rows.size()) + " customers bought in the period; clv = the customer's yearly revenue x retention time (" +
                      num(ret, 2) + " years) x margin (" + num(margin, 3) + ")");
    t.notes.push_back(money_note(f));
    return t;
}

CustomerValue customer_value(const Facts& f, int64_t account_rowid) {
    CustomerValue v;
    size_t a = 0;
    for (size_t i = 1; i < f.accounts.size(); i++)
        if (f.accounts[i].rowid == account_rowid) a = i;
    if (!a) return v;
    v.found = true;
    const Purchases& p = purchases_of(f, Filter{});
    Period year{f.today - 364, f.today};
    double ret = retention_years(f, p, year), margin = sales_margin(f, p, year);
    v.orders = (int64_t)p.count(a);
    if (v.orders) {
        for (uint32_t i = p.first[a]; i < p.first[a + 1]; i++) v.revenue += p.amount[i];
        v.average_sale = v.revenue / v.orders;
        v.first_order = day_text(p.day[p.first[a]]);
        v.last_order = day_text(p.day[p.first[a + 1] - 1]);
        v.churned = !p.active_on(a, f.today, f.dormancy_days);
        v.clv = (int64_t)std::llround((double)p.revenue_between(a, year.from, year.to) * ret * margin);
    }
    ReportArgs args;
    args.period = year;
    for (const RfmScore& s : rfm_scores(f, args))
        if (s.account == a) v.segment = rfm_segment(s.r, s.f);
    // Cross-sell: rules whose left side the customer bought and whose right side they have not.
    std::vector<char> bought(f.products.size(), 0);
    for (uint32_t i = p.first[a]; i < p.first[a + 1]; i++) {
        uint32_t o = p.order[i];
        for (uint32_t k = f.order_first_line[o]; k < f.order_first_line[o + 1]; k++) bought[(size_t)f.lines[k].product] = 1;
    }
    args.period = {INT32_MIN / 2, f.today};
    const std::vector<Rule>& rules = f.remember<std::vector<Rule>>("rules:all", [&] {   // the same for every customer: mined once
        return order_rules(f, args);
    });
    std::vector<double> best(f.products.size(), 0);
    for (const Rule& r : rules) {
        if (bought[(size_t)r.consequent]) continue;
        bool has = true;
        for (int32_t x : r.antecedent) has = has && bought[(size_t)x];
        if (has) best[(size_t)r.consequent] = std::max(best[(size_t)r.consequent], r.confidence);
    }
    for (size_t i = 1; i < best.size(); i++)
        if (best[i] > 0) v.next_products.push_back({f.products[i].name, best[i]});
    std::sort(v.next_products.begin(), v.next_products.end(), [](auto& x, auto& y) { return x.second != y.second ? x.second > y.second : x.first < y.first; });
    if (v.next_products.size() > 5) v.next_products.resize(5);
    return v;
}

}  // namespace crm
