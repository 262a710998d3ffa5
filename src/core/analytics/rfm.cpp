// rfm.cpp - recency, frequency and monetary scores by quintiles, and the
// named segments of the R-F map (see reports.h for the tie rule).
#include <algorithm>
#include <numeric>

#include "analytics/purchases.h"
#include "analytics/reports.h"

namespace crm {

const char* rfm_segment(int r, int f) {
    if (r <= 2) return f <= 2 ? "Hibernating" : f <= 4 ? "At risk" : "Can't lose them";
    if (r == 3) return f <= 2 ? "About to sleep" : f == 3 ? "Need attention" : "Loyal customers";
    if (f == 1) return r == 4 ? "Promising" : "New customers";
    if (f <= 3) return "Potential loyalists";
    return r == 4 ? "Loyal customers" : "Champions";
}

namespace {

std::vector<RfmScore> make_scores(const Facts& f, const ReportArgs& a) {
    const Purchases& p = purchases_of(f, a.filter);
    std::vector<RfmScore> out;
    for (size_t i = 1; i + 1 < p.first.size(); i++) {
        RfmScore s{i, 0, 0, 0};
        int32_t last = kNoDay;
        for (uint32_t k = p.first[i]; k < p.first[i + 1]; k++) {
            if (!a.period.has(p.day[k])) continue;
            s.frequency++;
            s.monetary += p.amount[k];
            last = p.day[k];
        }
        if (!s.frequency) continue;
        s.recency = a.period.to - last;
        out.push_back(s);
    }
    // Worst first; ties by customer id, so the same data always scores the same.
    // The keys sit next to each other (not looked up through the customer), which
    // keeps the sorts of tens of thousands of customers to a few milliseconds.
    struct Key { int64_t value; int32_t id_rank; uint32_t at; };
    std::vector<Key> keys(out.size());
    auto cut = [&](auto value_of, int RfmScore::*field) {
        for (uint32_t i = 0; i < out.size(); i++) keys[i] = {value_of(out[i]), f.account_id_rank[out[i].account], i};
        std::sort(keys.begin(), keys.end(), [](const Key& x, const Key& y) { return x.value != y.value ? x.value < y.value : x.id_rank < y.id_rank; });
        size_t n = keys.size();
        for (size_t rank = 0; rank < n; rank++) out[keys[rank].at].*field = 1 + (int)(rank * 5 / n);
    };
    cut([](const RfmScore& x) { return -(int64_t)x.recency; }, &RfmScore::r);
    cut([](const RfmScore& x) { return x.frequency; }, &RfmScore::f);
    cut([](const RfmScore& x) { return x.monetary; }, &RfmScore::m);
    // Highest value first.
    for (uint32_t i = 0; i < out.size(); i++) keys[i] = {-out[i].monetary, f.account_id_rank[out[i].account], i};
    std::sort(keys.begin(), keys.end(), [](const Key& x, const Key& y) { return x.value != y.value ? x.value < y.value : x.id_rank < y.id_rank; });
    std::vector<RfmScore> sorted(out.size());
    for (size_t i = 0; i < keys.size(); i++) sorted[i] = out[keys[i].at];
    return sorted;
}

const char* kSegmentOrder[] = {"Champions", "Loyal customers", "Potential loyalists", "New customers", "Promising", "Need attention",
                               "About to sleep", "At risk", "Can't lose them", "Hibernating"};

}  // namespace

// Made once per working set, period and filter: the RFM page shows both tables and the scatter.
const std::vector<RfmScore>& rfm_scores(const Facts& f, const ReportArgs& a) {
    return f.remember<std::vector<RfmScore>>("rfm:" + std::to_string(a.period.from) + ":" + std::to_string(a.period.to) + ":" + a.filter.describe(),
                                             [&] { return make_scores(f, a); });
}

Table report_rfm(const Facts& f, const ReportArgs& a) {
    Table t;
    t.name = "rfm";
    t.title = "RFM scores";
    t.columns = {"customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"};
    for (const RfmScore& s : rfm_scores(f, a))
        t.add({f.accounts[s.account].id, std::to_string(s.recency), std::to_string(s.frequency), money(s.monetary), std::to_string(s.r),
               std::to_string(s.f), std::to_string(s.m), rfm_segment(s.r, s.f)},
              Drill{&kAccounts, {f.accounts[s.account].rowid}});
    t.notes.push_back("customers with a sale from " + day_text(a.period.from) + " to " + day_text(a.period.to) +
                      "; recency in days to the period's end; scores 1-5 by quintile of rank, ties by customer id; filters: " + a.filter.describe());
    t.notes.push_back(money_note(f));
    return t;
}

Table report_rfm_segments(const Facts& f, const ReportArgs& a) {
    const std::vector<RfmScore>& all = rfm_scores(f, a);
    constexpr size_t kSegments = sizeof kSegmentOrder / sizeof kSegmentOrder[0];
    int segment_at[6][6] = {};   // by R and F score: the segment's place in kSegmentOrder
    for (int r = 1; r <= 5; r++)
        for (int fr = 1; fr <= 5; fr++)
            for (size_t k = 0; k < kSegments; k++)
                if (std::string_view(rfm_segment(r, fr)) == kSegmentOrder[k]) segment_at[r][fr] = (int)k;
    struct Sum { int64_t n = 0, revenue = 0; double recency = 0, frequency = 0; Drill drill{&kAccounts, {}}; };
    std::vector<Sum> sums(kSegments);
    int64_t revenue = 0;
    for (const RfmScore& s : all) {
        Sum& x = sums[(size_t)segment_at[s.r][s.f]];
        x.n++;
        x.revenue += s.monetary;
        x.recency += s.recency;
        x.frequency += (double)s.frequency;
        x.drill.rowids.push_back(f.accounts[s.account].rowid);
        revenue += s.monetary;
    }
    Table t;
    t.name = "rfm-segments";
    t.title = "RFM segments";
    t.columns = {"segment", "customers", "customer_share", "revenue", "revenue_share", "average_recency_days", "average_frequency"};
    for (size_t k = 0; k < kSegments; k++) {
        Sum& x = sums[k];
        double n = (double)x.n;
        t.add({kSegmentOrder[k], std::to_string(x.n), all.empty() ? "" : num(n / (double)all.size()), money(x.revenue),
               revenue ? num((double)x.revenue / (double)revenue) : "", x.n ? num(x.recency / n, 1) : "", x.n ? num(x.frequency / n, 2) : ""},
              std::move(x.drill));
    }
    t.notes.push_back(std::to_string(all.size()) + " customers with a sale in the period; segments from the R and F scores");
    t.notes.push_back(money_note(f));
    return t;
}

}  // namespace crm
