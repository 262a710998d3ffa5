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

// The transactions as one bitset per item, ascending by item.
struct Transactions {
    size_t n = 0;
    std::vector<std::pair<int32_t, Bits>> items;
    std::vector<int64_t> order_rowids;   // per transaction (from the working set)
};

// One transaction per sale in the period passing the filters, with its
// products; the bits are set straight from the order lines (no basket lists).
Transactions transactions_of(const Facts& f, const ReportArgs& a) {
    Transactions t;
    std::vector<uint32_t> kept;
    for (uint32_t o = 0; o < f.orders.size(); o++) {
        const Facts::Order& ord = f.orders[o];
        if (!ord.counted || !a.period.has(ord.day) || !f.owner_passes(a.filter, ord.owner) || !f.account_passes(a.filter, ord.account)) continue;
        bool any = false;
        for (uint32_t i = f.order_first_line[o]; i < f.order_first_line[o + 1] && !any; i++) any = f.lines[i].product != 0;
        if (!any) continue;
        kept.push_back(o);
        t.order_rowids.push_back(ord.rowid);
    }
    t.n = kept.size();
    size_t words = (t.n + 63) / 64;
    std::vector<Bits> holding(f.products.size());
    for (uint32_t k = 0; k < kept.size(); k++) {
        uint32_t o = kept[k];
        for (uint32_t i = f.order_first_line[o]; i < f.order_first_line[o + 1]; i++) {
            int32_t p = f.lines[i].product;
            if (!p) continue;
            Bits& b = holding[(size_t)p];
            if (b.empty()) b.assign(words, 0);
            b[k / 64] |= uint64_t(1) << (k % 64);   // a product twice in an order counts once
        }
    }
    for (size_t p = 1; p < holding.size(); p++)
        if (!holding[p].empty()) t.items.push_back({(int32_t)p, std::move(holding[p])});
    return t;
}

std::vector<Rule> mine(std::vector<std::pair<int32_t, Bits>> items, size_t n, double min_support, double min_confidence, size_t max_length) {
    std::vector<Rule> rules;
    if (!n) return rules;
    Miner m;
    m.min_count = std::max<int64_t>(1, (int64_t)std::ceil(min_support * (double)n - 1e-9));
    m.max_length = std::max<size_t>(2, max_length);
    std::vector<std::pair<int32_t, Bits>> first;
    std::vector<int64_t> counts;
    for (auto& [item, b] : items) {
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

}  // namespace

std::vector<Rule> association_rules(const std::vector<std::vector<int32_t>>& baskets, double min_support, double min_confidence, size_t max_length) {
    std::map<int32_t, Bits> sets;
    size_t n = baskets.size(), words = (n + 63) / 64;
    for (uint32_t t = 0; t < n; t++)
        for (int32_t item : baskets[t]) {
            Bits& b = sets[item];
            if (b.empty()) b.assign(words, 0);
            b[t / 64] |= uint64_t(1) << (t % 64);   // an item twice in a basket counts once
        }
    std::vector<std::pair<int32_t, Bits>> items;
    for (auto& [item, b] : sets) items.push_back({item, std::move(b)});
    return mine(std::move(items), n, min_support, min_confidence, max_length);
}

std::vector<Rule> order_rules(const Facts& f, const ReportArgs& a) {
    Transactions t = transactions_of(f, a);
    return mine(std::move(t.items), t.n, f.rule_min_support, f.rule_min_confidence, 6);
}

Table report_rules(const Facts& f, const ReportArgs& a) {
    Transactions tx = transactions_of(f, a);
    std::vector<std::pair<int32_t, Bits>> items = tx.items;   // mine() takes its own copy
    double min_support = a.min_support > 0 ? a.min_support : f.rule_min_support;
    double min_confidence = a.min_confidence > 0 ? a.min_confidence : f.rule_min_confidence;
    std::vector<Rule> rules = mine(std::move(items), tx.n, min_support, min_confidence, 6);
    Table t;
    t.name = "rules";
    t.title = "Products bought together";
    t.columns = {"antecedent", "consequent", "count", "support", "confidence", "lift"};
    std::vector<const Bits*> holding(f.products.size(), nullptr);
    for (auto& [item, b] : tx.items) holding[(size_t)item] = &b;
    Bits both((tx.n + 63) / 64);
    for (size_t k = 0; k < rules.size(); k++) {
        const Rule& r = rules[k];
        std::vector<std::string> names;
        for (int32_t x : r.antecedent) names.push_back(f.products[(size_t)x].name);
        std::sort(names.begin(), names.end());
        std::string left;
        for (const std::string& s : names) left += (left.empty() ? "" : " + ") + s;
        Drill d{&kOrders, {}};
        if (k < 1000) {   // the orders each rule counts, for drill-down (the first thousand rules: nobody reads further)
            both = *holding[(size_t)r.consequent];
            for (int32_t x : r.antecedent)
                for (size_t w = 0; w < both.size(); w++) both[w] &= (*holding[(size_t)x])[w];
            d.rowids.reserve((size_t)r.count);
            for (size_t w = 0; w < both.size(); w++)
                for (uint64_t bits = both[w]; bits; bits &= bits - 1) d.rowids.push_back(tx.order_rowids[w * 64 + (size_t)__builtin_ctzll(bits)]);
        }
        t.add({left, f.products[(size_t)r.consequent].name, std::to_string(r.count), num(r.support, 6), num(r.confidence, 6), num(r.lift, 6)},
              std::move(d));
    }
    t.notes.push_back(std::to_string(tx.n) + " orders (one transaction = one sale's distinct products); minimum support " +
                      num(min_support, 6) + " and confidence " + num(min_confidence, 4) +
                      (a.min_support > 0 || a.min_confidence > 0 ? "" : " (Settings > Analytics)") + "; rules with one product on the right; filters: " + a.filter.describe());
    return t;
}

}  // namespace crm
