// retention.cpp - churn and retention (by count, revenue and lifetime value,
// per service tier and per month), repeat purchasers, key customers,
// relationship duration, and the cohort retention table.
#include <algorithm>

#include "analytics/purchases.h"
#include "analytics/reports.h"

namespace crm {

Table report_retention(const Facts& f, const ReportArgs& a) {
    const Purchases& p = purchases_of(f, a.filter);
    Period per = a.period;
    double margin = sales_margin(f, p, {INT32_MIN / 2, per.from - 1});
    struct Seg { std::string name; int64_t start = 0, churned = 0, rev = 0, rev_churned = 0; double ltv = 0, ltv_churned = 0; Drill d{&kAccounts, {}}; };
    std::vector<Seg> segs(1);
    segs[0].name = "All customers";
    for (const char* tier : {"Gold", "Silver", "Bronze"}) segs.push_back({tier});
    for (size_t i = 1; i + 1 < p.first.size(); i++) {
        if (!p.count(i) || !p.active_on(i, per.from - 1, f.dormancy_days)) continue;
        bool churned = !p.active_on(i, per.to, f.dormancy_days);
        int64_t rev = p.revenue_between(i, per.from - f.dormancy_days, per.from - 1);
        double ltv = (double)p.revenue_between(i, INT32_MIN / 2, per.from - 1) * margin;
        const std::string& tier = f.text(f.accounts[i].tier);
        for (Seg& s : segs) {
            if (&s != &segs[0] && s.name != tier) continue;
            s.start++;
            s.rev += rev;
            s.ltv += ltv;
            if (churned) {
                s.churned++;
                s.rev_churned += rev;
                s.ltv_churned += ltv;
                s.d.rowids.push_back(f.accounts[i].rowid);
            }
        }
    }
    Table t;
    t.name = "retention";
    t.title = "Churn and retention";
    t.columns = {"segment", "customers_at_start", "churned", "churn_rate", "retention_rate", "revenue_at_start", "churned_revenue",
                 "churn_rate_revenue", "lifetime_value_at_start", "churned_lifetime_value", "churn_rate_lifetime_value"};
    auto share = [](double x, double n) { return n > 0 ? num(x / n) : std::string(); };
    for (Seg& s : segs)
        t.add({s.name, std::to_string(s.start), std::to_string(s.churned), share((double)s.churned, (double)s.start),
               share((double)(s.start - s.churned), (double)s.start), money(s.rev), money(s.rev_churned), share((double)s.rev_churned, (double)s.rev),
               money((int64_t)std::llround(s.ltv)), money((int64_t)std::llround(s.ltv_churned)), share(s.ltv_churned, s.ltv)},
              std::move(s.d));
    t.notes.push_back("customers active on " + day_text(per.from - 1) + " (a sale in the " + std::to_string(f.dormancy_days) +
                      " days before); churned: no sale in the " + std::to_string(f.dormancy_days) + " days up to " + day_text(per.to) +
                      "; revenue = their sales in the dormancy period before the start; lifetime value = all their sales before the start x margin");
    t.notes.push_back("filters: " + a.filter.describe() + "; " + money_note(f));
    return t;
}

Table report_churn_by_month(const Facts& f, const ReportArgs& a) {
    const Purchases& p = purchases_of(f, a.filter);
    Table t;
    t.name = "churn-by-month";
    t.title = "Churn by month";
    t.columns = {"month", "customers_at_start", "churned", "churn_rate", "retention_rate"};
    for (int32_t m = month_of(a.period.from); m <= month_of(a.period.to); m++) {
        Period per{std::max(first_day_of_month(m), a.period.from), std::min(first_day_of_month(m + 1) - 1, a.period.to)};
        ChurnCount c = churn_count(f, p, per);
        t.add({month_text(m), std::to_string(c.at_start), std::to_string(c.churned), c.at_start ? num((double)c.churned / (double)c.at_start) : "",
               c.at_start ? num(1.0 - (double)c.churned / (double)c.at_start) : ""});
    }
    t.notes.push_back("each month: customers active the day before it, churned when not active on its last day (dormancy " +
                      std::to_string(f.dormancy_days) + " days)");
    return t;
}

Table report_loyalty(const Facts& f, const ReportArgs& a) {
    const Purchases& p = purchases_of(f, a.filter);
    Period per = a.period;
    int64_t buyers = 0, repeat = 0, revenue = 0, repeat_revenue = 0, key_revenue = 0, with_history = 0, key_with_history = 0;
    double days = 0, key_days = 0;
    Drill repeaters{&kAccounts, {}}, keys{&kAccounts, {}};
    for (size_t i = 1; i + 1 < p.first.size(); i++) {
        if (!p.count(i)) continue;
        bool key = f.text(f.accounts[i].tier) == "Gold";
        int32_t first = p.day[p.first[i]];
        if (first <= per.to) {
            // Relationship: first sale to the last one up to the period's end, or to the end while still active.
            int32_t last = first;
            for (uint32_t k = p.first[i]; k < p.first[i + 1]; k++)
                if (p.day[k] <= per.to) last = p.day[k];
            int32_t end = p.active_on(i, per.to, f.dormancy_days) ? per.to : last;
            days += end - first;
            with_history++;
            if (key) { key_days += end - first; key_with_history++; }
        }
        int64_t n = p.sales_between(i, per.from, per.to);
        if (!n) continue;
        buyers++;
        for (uint32_t k = p.first[i]; k < p.first[i + 1]; k++) {
            if (!per.has(p.day[k])) continue;
            revenue += p.amount[k];
            if (key) key_revenue += p.amount[k];
            if (k != p.first[i]) repeat_revenue += p.amount[k];   // not the customer's first sale
        }
        if (p.sales_between(i, INT32_MIN / 2, per.to) >= 2) {
            repeat++;
            repeaters.rowids.push_back(f.accounts[i].rowid);
        }
        if (key) keys.rowids.push_back(f.accounts[i].rowid);
    }
    Table t;
    t.name = "loyalty";
    t.title = "Repeat purchasers and key customers";
    t.columns = {"measure", "value", "unit"};
    auto share = [](double x, double n) { return n > 0 ? num(x / n) : std::string(); };
    t.add({"customers buying in the period", std::to_string(buyers), "count"});
    t.add({"repeat purchasers", std::to_string(repeat), "count"}, repeaters);
    t.add({"repeat purchasers, share of customers", share((double)repeat, (double)buyers), "share"}, repeaters);
    t.add({"repeat sales, share of revenue", share((double)repeat_revenue, (double)revenue), "share"});
    t.add({"sales to key customers", money(key_revenue), f.currency}, keys);
    t.add({"key customers, share of revenue", share((double)key_revenue, (double)revenue), "share"}, keys);
    t.add({"average relationship duration", with_history ? num(days / (double)with_history, 1) : "", "days"});
    t.add({"average relationship duration, key customers", key_with_history ? num(key_days / (double)key_with_history, 1) : "", "days"});
    t.notes.push_back("repeat purchasers: customers buying in the period with two or more sales by its end; repeat sales: the period's "
                      "sales that were not the customer's first; key customers: Gold service tier; relationship: first sale to the last "
                      "(to the period's end while still active)");
    t.notes.push_back("filters: " + a.filter.describe() + "; " + money_note(f));
    return t;
}

Table report_cohorts(const Facts& f, const ReportArgs& a) {
    const Purchases& p = purchases_of(f, a.filter);
    int32_t m0 = month_of(a.period.from), m1 = month_of(a.period.to);
    int32_t width = std::min(12, m1 - m0);
    Table t;
    t.name = "cohorts";
    t.title = "Cohort retention";
    t.columns = {"cohort", "customers"};
    for (int k = 0; k <= width; k++) t.columns.push_back("m" + std::to_string(k));
    // One pass over the customers, each into the cohort of its first sale.
    size_t cohorts = (size_t)std::max(0, m1 - m0 + 1);
    std::vector<std::vector<int64_t>> active(cohorts, std::vector<int64_t>((size_t)width + 1, 0));
    std::vector<Drill> drills(cohorts, Drill{&kAccounts, {}});
    std::vector<char> seen((size_t)width + 1);
    for (size_t i = 1; i + 1 < p.first.size(); i++) {
        if (!p.count(i)) continue;
        int32_t m = month_of(p.day[p.first[i]]);
        if (m < m0 || m > m1) continue;
        drills[(size_t)(m - m0)].rowids.push_back(f.accounts[i].rowid);
        std::fill(seen.begin(), seen.end(), 0);
        std::vector<int64_t>& act = active[(size_t)(m - m0)];
        for (uint32_t k = p.first[i]; k < p.first[i + 1]; k++) {
            int32_t off = month_of(p.day[k]) - m;
            if (off > width) break;   // in day order: the rest are later still
            if (off >= 0 && !seen[(size_t)off]) { seen[(size_t)off] = 1; act[(size_t)off]++; }
        }
    }
    for (int32_t m = m0; m <= m1; m++) {
        Drill& d = drills[(size_t)(m - m0)];
        const std::vector<int64_t>& act = active[(size_t)(m - m0)];
        std::vector<std::string> row{month_text(m), std::to_string(d.rowids.size())};
        for (int k = 0; k <= width; k++)
            row.push_back(!d.rowids.empty() && m + k <= m1 ? num((double)act[(size_t)k] / (double)d.rowids.size()) : "");
        t.add(std::move(row), std::move(d));
    }
    t.notes.push_back("cohort = month of the customer's first sale; m<k> = share of the cohort buying k months later (months after " +
                      month_text(m1) + " are blank); filters: " + a.filter.describe());
    return t;
}

}  // namespace crm
