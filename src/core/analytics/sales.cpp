// sales.cpp - sales and marketing measures: win rate, effectiveness, deal
// size, sales cycle, productivity, unit cost, forecast against target, the
// stage funnel, per-rep figures, leads by source or campaign, channels and
// campaign ROI.
#include <algorithm>
#include <map>

#include "analytics/reports.h"

namespace crm {

namespace {

const char* kFunnelStages[] = {"qualify", "develop", "propose", "won"};

bool opp_passes(const Facts& f, const Filter& flt, const Facts::Opportunity& o) {
    return f.owner_passes(flt, o.owner) && f.account_passes(flt, o.account);
}

bool lead_passes(const Facts& f, const Filter& flt, const Facts::Lead& l) {
    if (!f.owner_passes(flt, l.owner)) return false;
    if (!flt.country.empty() && f.text(l.country) != flt.country) return false;
    if (!flt.channel.empty() && f.text(l.source) != flt.channel) return false;
    return true;
}

bool is(const Facts& f, int32_t code, const char* text) { return f.text(code) == text; }

// The forecast looks ahead whatever the period: open deals expected to close
// in the next 90 days (overdue ones included: they are still expected).
bool in_next_90_days(const Facts& f, const Facts::Opportunity& o) {
    return o.expected_close != kNoDay && o.expected_close <= f.today + 90;
}

int64_t sales_reps(const Facts& f, const Filter& flt) {
    int64_t n = 0;
    for (size_t u = 1; u < f.users.size(); u++)
        if (f.text(f.users[u].role) == "sales_rep" && f.owner_passes(flt, (int32_t)u)) n++;
    return n;
}

double months(Period p) { return p.days() / (365.25 / 12); }

struct SalesFigures {
    int64_t created = 0, won = 0, lost = 0, won_created = 0, won_amount = 0, quoted = 0, open = 0, open_amount = 0, leads = 0, qualified = 0,
            leads_won = 0, reps = 0, sales_cost = 0, target = 0;
    double cycle_days = 0, weighted = 0;
};

SalesFigures sales_figures(const Facts& f, const Filter& flt, Period per) {
    SalesFigures s;
    for (size_t i = 1; i < f.opportunities.size(); i++) {
        const Facts::Opportunity& o = f.opportunities[i];
        if (!opp_passes(f, flt, o)) continue;
        bool won = is(f, o.stage, "won"), lost = is(f, o.stage, "lost");
        if (per.has(o.created)) s.created++;
        if ((won || lost) && o.closed != kNoDay && per.has(o.closed)) {
            if (won) {
                s.won++;
                s.won_amount += o.amount;
                s.cycle_days += o.closed - o.created;
            } else {
                s.lost++;
            }
            if (o.reached >= 2) s.quoted++;
        }
        if (!won && !lost) {
            s.open++;
            s.open_amount += o.amount;
            if (in_next_90_days(f, o)) s.weighted += (double)o.amount * o.probability / 100.0;
        }
    }
    for (const auto& l : f.leads) {
        if (!lead_passes(f, flt, l) || !per.has(l.created)) continue;
        s.leads++;
        if (is(f, l.status, "qualified") || is(f, l.status, "converted")) s.qualified++;
        if (l.opportunity && is(f, f.opportunities[(size_t)l.opportunity].stage, "won")) s.leads_won++;
    }
    s.reps = sales_reps(f, flt);
    s.sales_cost = (int64_t)std::llround((double)f.sales_cost_per_month * months(per));
    s.target = (int64_t)std::llround((double)f.quota_per_rep_month * months(per) * (double)s.reps);
    return s;
}

std::string ratio(double x, double n) { return n > 0 ? num(x / n) : std::string(); }

}  // namespace

Table report_sales(const Facts& f, const ReportArgs& a) {
    SalesFigures now = sales_figures(f, a.filter, a.period), before = sales_figures(f, a.filter, a.period.previous());
    Table t;
    t.name = "sales";
    t.title = "Sales";
    t.columns = {"measure", "value", "previous", "unit"};
    auto both = [&](const char* m, auto get, const char* unit) { t.add({m, get(now), get(before), unit}); };
    std::string cur = f.currency;
    both("leads generated", [](const SalesFigures& s) { return std::to_string(s.leads); }, "count");
    both("generated-to-qualified", [](const SalesFigures& s) { return ratio((double)s.qualified, (double)s.leads); }, "share");
    both("lead-to-close", [](const SalesFigures& s) { return ratio((double)s.leads_won, (double)s.leads); }, "share");
    both("opportunities created", [](const SalesFigures& s) { return std::to_string(s.created); }, "count");
    both("won", [](const SalesFigures& s) { return std::to_string(s.won); }, "count");
    both("lost", [](const SalesFigures& s) { return std::to_string(s.lost); }, "count");
    both("win rate", [](const SalesFigures& s) { return ratio((double)s.won, (double)(s.won + s.lost)); }, "share");
    both("quote-to-close", [](const SalesFigures& s) { return ratio((double)s.won, (double)s.quoted); }, "share");
    both("overall effectiveness (contracts / opportunities)", [](const SalesFigures& s) { return ratio((double)s.won, (double)s.created); }, "share");
    both("won amount", [](const SalesFigures& s) { return money(s.won_amount); }, cur.c_str());
    both("average deal size", [](const SalesFigures& s) { return s.won ? money(s.won_amount / s.won) : ""; }, cur.c_str());
    both("sales cycle", [](const SalesFigures& s) { return s.won ? num(s.cycle_days / (double)s.won, 1) : ""; }, "days");
    both("sales reps", [](const SalesFigures& s) { return std::to_string(s.reps); }, "count");
    both("productivity (won amount per rep)", [](const SalesFigures& s) { return s.reps ? money(s.won_amount / s.reps) : ""; }, cur.c_str());
    both("unit cost per contract", [](const SalesFigures& s) { return s.won ? money(s.sales_cost / s.won) : ""; }, cur.c_str());
    t.add({"open pipeline", money(now.open_amount), "", cur});
    t.add({"weighted forecast, next 90 days", money((int64_t)std::llround(now.weighted)), "", cur});
    t.add({"target, next 90 days", f.quota_per_rep_month ? money(f.quota_per_rep_month * 3 * now.reps) : "", "", cur});
    both("target", [](const SalesFigures& s) { return s.target ? money(s.target) : ""; }, cur.c_str());
    both("won against target", [](const SalesFigures& s) { return ratio((double)s.won_amount, (double)s.target); }, "share");
    t.notes.push_back("won, lost, win rate, deal size and cycle count deals closed in the period; created and effectiveness count "
                      "opportunities created in it; quote-to-close = won / closed deals that reached Propose; target = "
                      "analytics.quota_per_rep_month x months x sales reps; the open pipeline and the forecast are as of today (deals "
                      "expected to close in the next 90 days or overdue, amount x probability); filters: " + a.filter.describe());
    t.notes.push_back(money_note(f));
    return t;
}

Table report_funnel(const Facts& f, const ReportArgs& a) {
    int64_t reached[4] = {0, 0, 0, 0}, amount[4] = {0, 0, 0, 0};
    Drill d[4];
    for (int s = 0; s < 4; s++) d[s].entity = &kOpportunities;
    for (size_t i = 1; i < f.opportunities.size(); i++) {
        const Facts::Opportunity& o = f.opportunities[i];
        if (!opp_passes(f, a.filter, o) || !a.period.has(o.created)) continue;
        for (int s = 0; s <= std::min(o.reached, 3); s++) {
            reached[s]++;
            amount[s] += o.amount;
            d[s].rowids.push_back(o.rowid);
        }
    }
    Table t;
    t.name = "funnel";
    t.title = "Pipeline funnel";
    t.columns = {"stage", "reached", "amount", "step_conversion", "cumulative_conversion", "drop_off"};
    for (int s = 0; s < 4; s++)
        t.add({kFunnelStages[s], std::to_string(reached[s]), money(amount[s]), s ? ratio((double)reached[s], (double)reached[s - 1]) : num(1),
               ratio((double)reached[s], (double)reached[0]), s ? std::to_string(reached[s - 1] - reached[s]) : "0"},
              std::move(d[s]));
    t.notes.push_back("opportunities created in the period, counted at every stage up to the furthest they reached (a lost deal at "
                      "the furthest stage its history shows); filters: " + a.filter.describe());
    return t;
}

Table report_reps(const Facts& f, const ReportArgs& a) {
    bool by_team = a.by == "team";
    struct Rep { int64_t created = 0, won = 0, lost = 0, won_amount = 0, open_amount = 0, reps = 0; double cycle = 0, weighted = 0; Drill d{&kOpportunities, {}}; };
    std::map<std::string, Rep> reps;
    auto key = [&](int32_t u) { return by_team ? f.text(f.users[(size_t)u].team) : f.users[(size_t)u].name; };
    for (size_t u = 1; u < f.users.size(); u++)
        if (f.text(f.users[u].role) == "sales_rep" && f.owner_passes(a.filter, (int32_t)u)) reps[key((int32_t)u)].reps++;
    for (size_t i = 1; i < f.opportunities.size(); i++) {
        const Facts::Opportunity& o = f.opportunities[i];
        if (!opp_passes(f, a.filter, o)) continue;
        Rep& r = reps[o.owner ? key(o.owner) : "(no owner)"];
        bool won = is(f, o.stage, "won"), lost = is(f, o.stage, "lost");
        if (a.period.has(o.created)) r.created++;
        if (o.closed != kNoDay && a.period.has(o.closed)) {
            if (won) { r.won++; r.won_amount += o.amount; r.cycle += o.closed - o.created; r.d.rowids.push_back(o.rowid); }
            if (lost) r.lost++;
        }
        if (!won && !lost) {
            r.open_amount += o.amount;
            if (in_next_90_days(f, o)) r.weighted += (double)o.amount * o.probability / 100.0;
        }
    }
    Table t;
    t.name = "reps";
    t.title = by_team ? "Sales by team" : "Sales by rep";
    t.columns = {by_team ? "team" : "rep", "opportunities_created", "won", "lost", "win_rate", "won_amount", "average_deal", "sales_cycle_days",
                 "open_pipeline", "weighted_forecast_90_days", "target", "won_against_target"};
    std::vector<std::pair<std::string, Rep>> rows(reps.begin(), reps.end());
    std::stable_sort(rows.begin(), rows.end(), [](auto& x, auto& y) { return x.second.won_amount > y.second.won_amount; });
    for (auto& [name, r] : rows) {
        int64_t target = (int64_t)std::llround((double)f.quota_per_rep_month * months(a.period) * (double)std::max<int64_t>(r.reps, 0));
        t.add({name.empty() ? "(no team)" : name, std::to_string(r.created), std::to_string(r.won), std::to_string(r.lost),
               ratio((double)r.won, (double)(r.won + r.lost)), money(r.won_amount), r.won ? money(r.won_amount / r.won) : "",
               r.won ? num(r.cycle / (double)r.won, 1) : "", money(r.open_amount), money((int64_t)std::llround(r.weighted)),
               target ? money(target) : "", ratio((double)r.won_amount, (double)target)},
              std::move(r.d));
    }
    t.notes.push_back("won deals closed in the period (drill-down lists them); weighted forecast: open deals expected to close in the "
                      "next 90 days or overdue, amount x probability; target: analytics.quota_per_rep_month per sales rep; filters: " + a.filter.describe());
    t.notes.push_back(money_note(f));
    return t;
}

Table report_forecast(const Facts& f, const ReportArgs& a) {
    int64_t reps = sales_reps(f, a.filter);
    Table t;
    t.name = "forecast";
    t.title = "Forecast and won against target";
    t.columns = {"month", "won", "weighted_forecast", "target"};
    int32_t first = month_of(a.period.from), last = std::max(month_of(a.period.to), month_of(f.today) + 6), now = month_of(f.today);
    size_t months = (size_t)(last - first + 1);
    std::vector<int64_t> won(months, 0);
    std::vector<double> weighted(months, 0);
    std::vector<Drill> drill(months, Drill{&kOpportunities, {}});
    // One pass over the deals, each into its month.
    for (size_t i = 1; i < f.opportunities.size(); i++) {
        const Facts::Opportunity& o = f.opportunities[i];
        if (!opp_passes(f, a.filter, o)) continue;
        bool is_won = is(f, o.stage, "won");
        int32_t m;
        if (is_won && o.closed != kNoDay) m = month_of(o.closed);
        else if (!is_won && !is(f, o.stage, "lost") && o.expected_close != kNoDay) m = std::max(month_of(o.expected_close), now);   // overdue deals are expected now
        else continue;
        if (m < first || m > last) continue;
        size_t k = (size_t)(m - first);
        if (is_won) won[k] += o.amount;
        else weighted[k] += (double)o.amount * o.probability / 100.0;
        drill[k].rowids.push_back(o.rowid);
    }
    int64_t target = f.quota_per_rep_month * reps;
    for (size_t k = 0; k < months; k++)
        t.add({month_text(first + (int32_t)k), money(won[k]), money((int64_t)std::llround(weighted[k])), target ? money(target) : ""}, std::move(drill[k]));
    t.notes.push_back("won: deals closed won in the month; weighted forecast: open deals expected to close in it (overdue ones in the "
                      "current month), amount x probability; the months run six past today; target: analytics.quota_per_rep_month x sales reps");
    t.notes.push_back(money_note(f));
    return t;
}

Table report_leads(const Facts& f, const ReportArgs& a) {
    bool by_campaign = a.by == "campaign";
    struct Row { int64_t leads = 0, qualified = 0, converted = 0, disqualified = 0, won = 0; Drill d{&kLeads, {}}; };
    std::map<std::string, Row> rows;
    for (const auto& l : f.leads) {
        if (!lead_passes(f, a.filter, l) || !a.period.has(l.created)) continue;
        Row& r = rows[by_campaign ? (l.campaign ? f.campaigns[(size_t)l.campaign].name : "(no campaign)") : f.text(l.source).empty() ? "(no source)" : f.text(l.source)];
        r.leads++;
        if (is(f, l.status, "qualified") || is(f, l.status, "converted")) r.qualified++;
        if (is(f, l.status, "converted")) r.converted++;
        if (is(f, l.status, "disqualified")) r.disqualified++;
        if (l.opportunity && is(f, f.opportunities[(size_t)l.opportunity].stage, "won")) r.won++;
        r.d.rowids.push_back(l.rowid);
    }
    Table t;
    t.name = "leads";
    t.title = by_campaign ? "Leads by campaign" : "Leads by source";
    t.columns = {by_campaign ? "campaign" : "source", "leads", "qualified", "converted", "disqualified", "won", "generated_to_qualified", "lead_to_close"};
    std::vector<std::pair<std::string, Row>> sorted(rows.begin(), rows.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](auto& x, auto& y) { return x.second.leads > y.second.leads; });
    Row total;
    for (auto& [name, r] : sorted) {
        t.add({name, std::to_string(r.leads), std::to_string(r.qualified), std::to_string(r.converted), std::to_string(r.disqualified),
               std::to_string(r.won), ratio((double)r.qualified, (double)r.leads), ratio((double)r.won, (double)r.leads)},
              r.d);
        total.leads += r.leads; total.qualified += r.qualified; total.converted += r.converted; total.disqualified += r.disqualified; total.won += r.won;
        total.d.rowids.insert(total.d.rowids.end(), r.d.rowids.begin(), r.d.rowids.end());
    }
    t.add({"Total", std::to_string(total.leads), std::to_string(total.qualified), std::to_string(total.converted), std::to_string(total.disqualified),
           std::to_string(total.won), ratio((double)total.qualified, (double)total.leads), ratio((double)total.won, (double)total.leads)},
          std::move(total.d));
    t.notes.push_back("leads created in the period; qualified counts the converted too; won: converted into a deal since won; filters: " +
                      a.filter.describe());
    return t;
}

Table report_channels(const Facts& f, const ReportArgs& a) {
    // Campaign costs shared among the lead sources of each campaign's leads, in proportion.
    std::vector<std::map<int32_t, int64_t>> by_campaign(f.campaigns.size());
    for (const auto& l : f.leads)
        if (l.campaign && a.period.has(l.created) && lead_passes(f, a.filter, l)) by_campaign[(size_t)l.campaign][l.source]++;
    struct Row { int64_t leads = 0, qualified = 0, won = 0, revenue = 0; double cost = 0; Drill d{&kLeads, {}}; };
    std::map<std::string, Row> rows;
    for (size_t c = 1; c < f.campaigns.size(); c++) {
        int64_t n = 0;
        for (auto& [src, k] : by_campaign[c]) n += k;
        for (auto& [src, k] : by_campaign[c]) rows[f.text(src).empty() ? "(no source)" : f.text(src)].cost += (double)f.campaigns[c].cost * (double)k / (double)n;
    }
    for (const auto& l : f.leads) {
        if (!lead_passes(f, a.filter, l) || !a.period.has(l.created)) continue;
        Row& r = rows[f.text(l.source).empty() ? "(no source)" : f.text(l.source)];
        r.leads++;
        if (is(f, l.status, "qualified") || is(f, l.status, "converted")) r.qualified++;
        if (l.opportunity && is(f, f.opportunities[(size_t)l.opportunity].stage, "won")) {
            r.won++;
            r.revenue += f.opportunities[(size_t)l.opportunity].amount;
        }
        r.d.rowids.push_back(l.rowid);
    }
    Table t;
    t.name = "channels";
    t.title = "Channels";
    t.columns = {"channel", "leads", "qualified_leads", "cost", "cost_per_lead", "won", "closing_efficiency", "revenue"};
    std::vector<std::pair<std::string, Row>> sorted(rows.begin(), rows.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](auto& x, auto& y) { return x.second.revenue > y.second.revenue; });
    for (auto& [name, r] : sorted)
        t.add({name, std::to_string(r.leads), std::to_string(r.qualified), money((int64_t)std::llround(r.cost)),
               r.leads ? money((int64_t)std::llround(r.cost / (double)r.leads)) : "", std::to_string(r.won), ratio((double)r.won, (double)r.leads),
               money(r.revenue)},
              std::move(r.d));
    t.notes.push_back("channel = the lead's source; leads created in the period; a campaign's cost is shared among its leads' sources "
                      "in proportion; closing efficiency = won deals / leads; revenue = won deals from those leads; filters: " + a.filter.describe());
    t.notes.push_back(money_note(f));
    return t;
}

Table report_campaigns(const Facts& f, const ReportArgs& a) {
    struct Row { int64_t leads = 0, qualified = 0, won = 0, revenue = 0, emails = 0, calls = 0; };
    std::vector<Row> rows(f.campaigns.size());
    std::vector<char> counted(f.opportunities.size(), 0);
    for (const auto& l : f.leads) {
        if (!l.campaign || !lead_passes(f, a.filter, l)) continue;
        Row& r = rows[(size_t)l.campaign];
        r.leads++;
        if (is(f, l.status, "qualified") || is(f, l.status, "converted")) r.qualified++;
        if (l.opportunity && is(f, f.opportunities[(size_t)l.opportunity].stage, "won") && !counted[(size_t)l.opportunity]) {
            counted[(size_t)l.opportunity] = 1;
            r.won++;
            r.revenue += f.opportunities[(size_t)l.opportunity].amount;
        }
    }
    for (size_t i = 1; i < f.opportunities.size(); i++) {
        const Facts::Opportunity& o = f.opportunities[i];
        if (!o.campaign || counted[i] || !is(f, o.stage, "won") || !opp_passes(f, a.filter, o)) continue;
        rows[(size_t)o.campaign].won++;
        rows[(size_t)o.campaign].revenue += o.amount;
    }
    for (const auto& act : f.activities) {
        if (!act.campaign) continue;
        if (is(f, act.type, "email")) rows[(size_t)act.campaign].emails++;
        if (is(f, act.type, "call")) rows[(size_t)act.campaign].calls++;
    }
    Table t;
    t.name = "campaigns";
    t.title = "Campaign ROI";
    t.columns = {"campaign", "type", "start", "cost", "leads", "qualified_leads", "won", "revenue", "roi", "sent", "skipped", "calls_logged"};
    for (size_t c = 1; c < f.campaigns.size(); c++) {
        const Facts::Campaign& cp = f.campaigns[c];
        if (cp.start == kNoDay || !a.period.has(cp.start)) continue;
        const Row& r = rows[c];
        t.add({cp.name, f.text(cp.type), day_text(cp.start), money(cp.cost), std::to_string(r.leads), std::to_string(r.qualified),
               std::to_string(r.won), money(r.revenue), cp.cost ? num((double)(r.revenue - cp.cost) / (double)cp.cost) : "",
               std::to_string(std::max(cp.sent, r.emails)), std::to_string(cp.suppressed), std::to_string(r.calls)},
              Drill{&kCampaigns, {cp.rowid}});
    }
    t.notes.push_back("campaigns starting in the period; cost = actual cost once entered, else the budget; revenue = won deals from the "
                      "campaign's leads or tagged with it; ROI = (revenue - cost) / cost; sent and skipped: the campaign's sends (skipped: "
                      "opted out, do not call, duplicate address); calls logged: activities of type call on the campaign");
    t.notes.push_back(money_note(f));
    return t;
}

}  // namespace crm
