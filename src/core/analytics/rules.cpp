// rules.cpp - cross-sell: frequent itemsets over orders (one transaction = one
// sale's distinct products) and the association rules with one product on the
// right, with support, confidence and lift.
//
// Itemsets are grown depth first over transaction-id lists (Eclat): a set's
// transactions are the intersection of its items' lists, so support needs no
// rescans of the baskets, and every subset of a frequent set is frequent
// (and found), which the rules' confidences need.
#include <algorithm>
#include <map>

#include "analytics/reports.h"

namespace crm {

namespace {

using Tids = std::vector<uint32_t>;

struct Miner {
    int64_t min_count;
    size_t max_length;
    std::map<std::vector<int32_t>, int64_t> frequent;

    void grow(std::vector<int32_t>& prefix, const std::vector<std::pair<int32_t, Tids>>& ext) {
        for (size_t i = 0; i < ext.size(); i++) {
            prefix.push_back(ext[i].first);
            frequent[prefix] = (int64_t)ext[i].second.size();
            if (prefix.size() < max_length) {
                std::vector<std::pair<int32_t, Tids>> next;
                for (size_t j = i + 1; j < ext.size(); j++) {
                    Tids both;
                    std::set_intersection(ext[i].second.begin(), ext[i].second.end(), ext[j].second.begin(), ext[j].second.end(),
                                          std::back_inserter(both));
                    if ((int64_t)both.size() >= min_count) next.push_back({ext[j].first, std::move(both)});
                }
                if (!next.empty()) grow(prefix, next);
            }
            prefix.pop_back();
        }
    }
};

struct Baskets {
    std::vector<std::vector<int32_t>> items;
    std::vector<int64_t> order_rowids;
};

Baskets baskets_of(const Facts& f, const ReportArgs& a) {
    Baskets b;
    for (size_t o = 0; o < f.orders.size(); o++) {
        const Facts::Order& ord = f.orders[o];
        if (!ord.counted || !a.period.has(ord.day) || !f.owner_passes(a.filter, ord.owner) || !f.account_passes(a.filter, ord.account)) continue;
        std::vector<int32_t> items;
        for (uint32_t i = f.order_first_line[o]; i < f.order_first_line[o + 1]; i++)
            if (f.lines[i].product) items.push_back(f.lines[i].product);
        std::sort(items.begin(), items.end());
        items.erase(std::unique(items.begin(), items.end()), items.end());
        if (items.empty()) continue;
        b.items.push_back(std::move(items));
        b.order_rowids.push_back(ord.rowid);
    }
    return b;
}

}  // namespace

std::vector<Rule> association_rules(const std::vector<std::vector<int32_t>>& baskets, double min_support, double min_confidence, size_t max_length) {
    std::vector<Rule> rules;
    size_t n = baskets.size();
    if (!n) return rules;
    Miner m;
    m.min_count = std::max<int64_t>(1, (int64_t)std::ceil(min_support * (double)n - 1e-9));
    m.max_length = std::max<size_t>(2, max_length);
    std::map<int32_t, Tids> lists;
    for (uint32_t t = 0; t < n; t++)
        for (int32_t item : baskets[t]) {
            Tids& l = lists[item];
            if (l.empty() || l.back() != t) l.push_back(t);   // an item twice in a basket counts once
        }
    std::vector<std::pair<int32_t, Tids>> first;
    for (auto& [item, l] : lists)
        if ((int64_t)l.size() >= m.min_count) first.push_back({item, std::move(l)});
    std::vector<int32_t> prefix;
    m.grow(prefix, first);
    for (const auto& [set, count] : m.frequent) {
        if (set.size() < 2) continue;
        for (size_t k = 0; k < set.size(); k++) {
            std::vector<int32_t> left = set;
            left.erase(left.begin() + (long)k);
            double confidence = (double)count / (double)m.frequent.at(left);
            if (confidence + 1e-12 < min_confidence) continue;
            double consequent_support = (double)m.frequent.at({set[k]}) / (double)n;
            rules.push_back({left, set[k], count, (double)count / (double)n, confidence, confidence / consequent_support});
        }
    }
    std::sort(rules.begin(), rules.end(), [](const Rule& x, const Rule& y) {
        if (x.lift != y.lift) return x.lift > y.lift;
        if (x.confidence != y.confidence) return x.confidence > y.confidence;
        if (x.count != y.count) return x.count > y.count;
        if (x.antecedent != y.antecedent) return x.antecedent < y.antecedent;
        return x.consequent < y.consequent;
    });
    return rules;
}

std::vector<std::vector<int32_t>> order_baskets(const Facts& f, const ReportArgs& a) { return baskets_of(f, a).items; }

Table report_rules(const Facts& f, const ReportArgs& a) {
    Baskets b = baskets_of(f, a);
    std::vector<Rule> rules = association_rules(b.items, f.rule_min_support, f.rule_min_confidence);
    Table t;
    t.name = "rules";
    t.title = "Products bought together";
    t.columns = {"antecedent", "consequent", "count", "support", "confidence", "lift"};
    // Each product's orders (basket indexes, ascending): a rule's orders are their intersection.
    std::vector<std::vector<uint32_t>> holding(f.products.size());
    for (uint32_t i = 0; i < b.items.size(); i++)
        for (int32_t x : b.items[i]) holding[(size_t)x].push_back(i);
    for (size_t k = 0; k < rules.size(); k++) {
        const Rule& r = rules[k];
        std::vector<std::string> names;
        for (int32_t x : r.antecedent) names.push_back(f.products[(size_t)x].name);
        std::sort(names.begin(), names.end());
        std::string left;
        for (const std::string& s : names) left += (left.empty() ? "" : " + ") + s;
        Drill d{&kOrders, {}};
        if (k < 1000) {   // the orders each rule counts, for drill-down (the first thousand rules: nobody reads further)
            std::vector<uint32_t> in = holding[(size_t)r.consequent], next;
            for (int32_t x : r.antecedent) {
                next.clear();
                std::set_intersection(in.begin(), in.end(), holding[(size_t)x].begin(), holding[(size_t)x].end(), std::back_inserter(next));
                in.swap(next);
            }
            for (uint32_t i : in) d.rowids.push_back(b.order_rowids[i]);
        }
        t.add({left, f.products[(size_t)r.consequent].name, std::to_string(r.count), num(r.support, 6), num(r.confidence, 6), num(r.lift, 6)},
              std::move(d));
    }
    t.notes.push_back(std::to_string(b.items.size()) + " orders (one transaction = one sale's distinct products); minimum support " +
                      num(f.rule_min_support, 6) + " and confidence " + num(f.rule_min_confidence, 4) +
                      " (Settings > Analytics); rules with one product on the right; filters: " + a.filter.describe());
    return t;
}

}  // namespace crm
