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

struct Scored { size_t account; int32_t recency; int64_t frequency, monetary; int r = 0, f = 0, m = 0; };

std::vector<Scored> make_scores(const Facts& f, const ReportArgs& a) {
    const Purchases& p = purchases_of(f, a.filter);
    std::vector<Scored> out;
    for (size_t i = 1; i + 1 < p.first.size(); i++) {
        Scored s{i, 0, 0, 0};
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
    size_t n = out.size();
    std::vector<size_t> idx(n);
    auto cut = [&](auto better, int Scored::*field) {
        std::iota(idx.begin(), idx.end(), 0);
        // Worst first; ties by customer id, so the same data always scores the same.
        std::sort(idx.begin(), idx.end(), [&](size_t x, size_t y) {
            int c = better(out[x], out[y]);
            return c != 0 ? c < 0 : f.account_id_rank[out[x].account] < f.account_id_rank[out[y].account];
        });
        for (size_t rank = 0; rank < n; rank++) out[idx[rank]].*field = 1 + (int)(rank * 5 / n);
    };
    cut([](const Scored& x, const Scored& y) { return x.recency == y.recency ? 0 : x.recency > y.recency ? -1 : 1; }, &Scored::r);
    cut([](const Scored& x, const Scored& y) { return x.frequency == y.frequency ? 0 : x.frequency < y.frequency ? -1 : 1; }, &Scored::f);
    cut([](const Scored& x, const Scored& y) { return x.monetary == y.monetary ? 0 : x.monetary < y.monetary ? -1 : 1; }, &Scored::m);
    std::sort(out.begin(), out.end(), [&](const Scored& x, const Scored& y) {
        return x.monetary != y.monetary ? x.monetary > y.monetary : f.account_id_rank[x.account] < f.account_id_rank[y.account];
    });
    return out;
}

// Made once per working set, period and filter: the RFM page shows both tables.
const std::vector<Scored>& score(const Facts& f, const ReportArgs& a) {
    return f.remember<std::vector<Scored>>("rfm:" + std::to_string(a.period.from) + ":" + std::to_string(a.period.to) + ":" + a.filter.describe(),
                                           [&] { return make_scores(f, a); });
}

const char* kSegmentOrder[] = {"Champions", "Loyal customers", "Potential loyalists", "New customers", "Promising", "Need attention",
                               "About to sleep", "At risk", "Can't lose them", "Hibernating"};

}  // namespace

Table report_rfm(const Facts& f, const ReportArgs& a) {
    Table t;
    t.name = "rfm";
    t.title = "RFM scores";
    t.columns = {"customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"};
    for (const Scored& s : score(f, a))
        t.add({f.accounts[s.account].id, std::to_string(s.recency), std::to_string(s.frequency), money(s.monetary), std::to_string(s.r),
               std::to_string(s.f), std::to_string(s.m), rfm_segment(s.r, s.f)},
              Drill{&kAccounts, {f.accounts[s.account].rowid}});
    t.notes.push_back("customers with a sale from " + day_text(a.period.from) + " to " + day_text(a.period.to) +
                      "; recency in days to the period's end; scores 1-5 by quintile of rank, ties by customer id; filters: " + a.filter.describe());
    t.notes.push_back(money_note(f));
    return t;
}

Table report_rfm_segments(const Facts& f, const ReportArgs& a) {
    const std::vector<Scored>& all = score(f, a);
    int64_t revenue = 0;
    for (const Scored& s : all) revenue += s.monetary;
    Table t;
    t.name = "rfm-segments";
    t.title = "RFM segments";
    t.columns = {"segment", "customers", "customer_share", "revenue", "revenue_share", "average_recency_days", "average_frequency"};
    for (const char* seg : kSegmentOrder) {
        int64_t n = 0, rev = 0;
        double rec = 0, freq = 0;
        Drill d{&kAccounts, {}};
        for (const Scored& s : all) {
            if (std::string_view(rfm_segment(s.r, s.f)) != seg) continue;
            n++;
            rev += s.monetary;
            rec += s.recency;
            freq += (double)s.frequency;
            d.rowids.push_back(f.accounts[s.account].rowid);
        }
        t.add({seg, std::to_string(n), all.empty() ? "" : num((double)n / (double)all.size()), money(rev),
               revenue ? num((double)rev / (double)revenue) : "", n ? num(rec / (double)n, 1) : "", n ? num(freq / (double)n, 2) : ""},
              std::move(d));
    }
    t.notes.push_back(std::to_string(all.size()) + " customers with a sale in the period; segments from the R and F scores");
    t.notes.push_back(money_note(f));
    return t;
}

}  // namespace crm
