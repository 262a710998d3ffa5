// purchases.h - each customer's sales in day order, the input of the value,
// retention, cohort and RFM measures (internal to src/core/analytics).
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "analytics/facts.h"

namespace crm {

struct Purchases {
    // Per account index: sales [first[a], first[a+1]) in day order.
    std::vector<uint32_t> first;
    std::vector<int32_t> day;
    std::vector<int64_t> amount;
    std::vector<uint32_t> order;       // index into Facts::orders

    size_t count(size_t a) const { return first[a + 1] - first[a]; }
    bool active_on(size_t a, int32_t d, int32_t dormancy) const {   // a sale in (d - dormancy, d]
        for (uint32_t i = first[a]; i < first[a + 1]; i++)
            if (day[i] > d - dormancy && day[i] <= d) return true;
        return false;
    }
    int64_t revenue_between(size_t a, int32_t from, int32_t to) const {
        int64_t s = 0;
        for (uint32_t i = first[a]; i < first[a + 1]; i++)
            if (day[i] >= from && day[i] <= to) s += amount[i];
        return s;
    }
    int64_t sales_between(size_t a, int32_t from, int32_t to) const {
        int64_t n = 0;
        for (uint32_t i = first[a]; i < first[a + 1]; i++)
            if (day[i] >= from && day[i] <= to) n++;
        return n;
    }
};

// Sales (Facts::revenue) passing the filter, grouped by account.
inline Purchases make_purchases(const Facts& f, const Filter& flt) {
    Purchases p;
    p.first.assign(f.accounts.size() + 1, 0);
    std::vector<uint32_t> keep;
    keep.reserve(f.orders.size());
    for (uint32_t i = 0; i < f.orders.size(); i++) {
        const Facts::Order& o = f.orders[i];
        if (!f.revenue(o) || !f.owner_passes(flt, o.owner) || !f.account_passes(flt, o.account)) continue;
        keep.push_back(i);
        p.first[(size_t)o.account + 1]++;
    }
    for (size_t i = 1; i < p.first.size(); i++) p.first[i] += p.first[i - 1];
    std::vector<uint32_t> at(p.first.begin(), p.first.end() - 1);
    p.day.resize(keep.size());
    p.amount.resize(keep.size());
    p.order.resize(keep.size());
    for (uint32_t i : keep) {
        const Facts::Order& o = f.orders[i];
        uint32_t k = at[(size_t)o.account]++;
        p.day[k] = o.day;
        p.amount[k] = o.total;
        p.order[k] = i;
    }
    for (size_t a = 0; a + 1 < p.first.size(); a++) {
        uint32_t b = p.first[a], e = p.first[a + 1];
        if (e - b < 2) continue;
        std::vector<uint32_t> idx(e - b);
        for (uint32_t i = 0; i < e - b; i++) idx[i] = b + i;
        std::sort(idx.begin(), idx.end(), [&](uint32_t x, uint32_t y) { return p.day[x] != p.day[y] ? p.day[x] < p.day[y] : p.order[x] < p.order[y]; });
        std::vector<int32_t> d(e - b);
        std::vector<int64_t> m(e - b);
        std::vector<uint32_t> o(e - b);
        for (uint32_t i = 0; i < e - b; i++) { d[i] = p.day[idx[i]]; m[i] = p.amount[idx[i]]; o[i] = p.order[idx[i]]; }
        std::copy(d.begin(), d.end(), p.day.begin() + b);
        std::copy(m.begin(), m.end(), p.amount.begin() + b);
        std::copy(o.begin(), o.end(), p.order.begin() + b);
    }
    return p;
}

// The same, made once per working set and filter (most reports start here).
inline const Purchases& purchases_of(const Facts& f, const Filter& flt) {
    return f.remember<Purchases>("purchases:" + flt.describe(), [&] { return make_purchases(f, flt); });
}

// Churn over a period by count: customers active the day before it starts,
// and how many of them are not active on its last day.
struct ChurnCount { int64_t at_start = 0, churned = 0; };
inline ChurnCount churn_count(const Facts& f, const Purchases& p, Period per) {
    ChurnCount c;
    for (size_t a = 1; a + 1 < p.first.size(); a++) {
        if (!p.count(a) || !p.active_on(a, per.from - 1, f.dormancy_days)) continue;
        c.at_start++;
        if (!p.active_on(a, per.to, f.dormancy_days)) c.churned++;
    }
    return c;
}

// Retention time in years: 1 / the yearly churn rate by count, at most 10.
inline double retention_years(const Facts& f, const Purchases& p, Period per) {
    ChurnCount c = churn_count(f, p, per);
    if (c.at_start == 0 || c.churned == 0) return 10.0;
    double rate = (double)c.churned / (double)c.at_start;
    double yearly = 1.0 - std::pow(1.0 - rate, 365.0 / (double)per.days());
    return std::min(10.0, 1.0 / yearly);
}

// The margin of the period's sales: (line total - quantity x unit cost) where
// the product's cost is known, the default margin for the rest.
inline double sales_margin(const Facts& f, const Purchases& p, Period per) {
    double total = 0, profit = 0;
    for (size_t k = 0; k < p.day.size(); k++) {
        if (!per.has(p.day[k])) continue;
        uint32_t o = p.order[k];
        for (uint32_t i = f.order_first_line[o]; i < f.order_first_line[o + 1]; i++) {
            const Facts::Line& l = f.lines[i];
            int64_t cost = f.products[(size_t)l.product].cost;
            total += (double)l.total;
            profit += cost > 0 ? (double)l.total - (double)l.quantity * (double)cost : (double)l.total * f.default_margin;
        }
    }
    return total > 0 ? profit / total : f.default_margin;
}

}  // namespace crm
