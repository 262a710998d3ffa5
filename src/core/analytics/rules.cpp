// rules.cpp - cross-sell: frequent itemsets over orders (one transaction = one
// sale's distinct products) and the association rules with one product on the
// right, with support, confidence and lift.
//
// Itemsets are grown depth first over transaction sets (Eclat, the sets as
// bitsets): a set's transactions are the intersection of its items', so
// support needs no rescans of the baskets, and every subset of a frequent set
// is frequent (and found), which the rules' confidences need.
#include <algorithm>
#include <map>

#include "analytics/reports.h"

namespace crm {

namespace {

// A set of transactions as a bitset: intersecting two is a word-wise AND,
// counting one a popcount - far cheaper than merging id lists when most
// items are in a good share of the orders.
using Bits = std::vector<uint64_t>;

int64_t count_of(const Bits& b) {
    int64_t n = 0;
    for (uint64_t w : b) n += __builtin_popcountll(w);
    return n;
}

struct Miner {
    int64_t min_count;
    size_t max_length;
    std::map<std::vector<int32_t>, int64_t> frequent;

    void grow(std::vector<int32_t>& prefix, const std::vector<std::pair<int32_t, Bits>>& ext, const std::vector<int64_t>& counts) {
        for (size_t i = 0; i < ext.size(); i++) {
            prefix.push_back(ext[i].first);
            frequent[prefix] = counts[i];
            if (prefix.size() < max_length) {
                std::vector<std::pair<int32_t, Bits>> next;
                std::vector<int64_t> next_counts;
                Bits both(ext[i].second.size());
                for (size_t j = i + 1; j < ext.size(); j++) {
                    const Bits &a = ext[i].second, &b = ext[j].second;
                    for (size_t w = 0; w < a.size(); w++) both[w] = a[w] & b[w];
                    int64_t n = count_of(both);
                    if (n >= min_count) {
                        next.push_back({ext[j].first, both});
                        next_counts.push_back(n);
                    }
                }
                if (!next.empty()) grow(prefix, next, next_counts);
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
    std::map<int32_t, Bits> sets;
    size_t words = (n + 63) / 64;
    for (uint32_t t = 0; t < n; t++)
        for (int32_t item : baskets[t]) {
            Bits& b = sets[item];
            if (b.empty()) b.assign(words, 0);
            b[t / 64] |= uint64_t(1) << (t % 64);   // an item twice in a basket counts once
        }
    std::vector<std::pair<int32_t, Bits>> first;
    std::vector<int64_t> counts;
    for (auto& [item, b] : sets) {
        int64_t c = count_of(b);
        if (c >= m.min_count) {
            first.push_back({item, std::move(b)});
            counts.push_back(c);
        }
    }
    std::vector<int32_t> prefix;
    m.grow(prefix, first, counts);
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
