// reports.h - the analytical CRM's measures, each a table over the facts
// (facts.h) for a period and filters, and the list of them by name for the
// Analytics screen and `crm report NAME`.
//
// Definitions (each report's notes repeat the ones it uses):
// - A sale is an order not cancelled or returned; a customer is an account
//   with at least one. Orders are filtered by the order's owner (owner, team,
//   territory) and the account (tier, industry, country); the channel filter
//   applies to leads (source), cases (origin) and activities (channel).
// - A customer is active on a day when they ordered in the dormancy period
//   (analytics.dormancy_days, 182) up to it; churned over a period when active
//   the day before it starts and not active on its last day.
// - Retention time (years) = 1 / yearly churn rate by count, at most 10.
//   LTV = average sale value x sales per customer per year x retention time;
//   CLV = LTV x margin, the margin from the products' unit costs where known
//   and analytics.margin_pct (30 %) for the rest; customer equity = customers
//   x CLV; CAC = (campaign costs started in the period + analytics.
//   sales_cost_per_month x months) / new customers (first sale in the period).
// - RFM over the period's sales: recency = days from the last sale to the
//   period's end, frequency = sales, monetary = their value. Scores 1-5 by
//   quintiles of the rank: customers ordered by the value (recency from the
//   oldest, so the most recent score 5), ties by customer id, then cut into
//   five bins of equal count (pandas' rank(method="first")). Segments from the
//   R and F scores (ANALYTICS.md's map).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "analytics/facts.h"

namespace crm {

struct ReportArgs {
    Period period;
    Filter filter;
    std::string by;              // a grouping where the report offers one (reps: rep|team; service: type|channel|tier|queue; leads: source|campaign)
    int top = 20;                // customers: how many
    // Pivot
    std::string source = "opportunities";   // opportunities, orders, order_lines, cases, activities
    std::string rows = "month", cols = "stage", measure = "count";   // measure: count, sum, average
    // Rules: minimum support and confidence (shares); 0 = Settings' (analytics.rules.*).
    double min_support = 0, min_confidence = 0;
};

// Value
Table report_value(const Facts& f, const ReportArgs& a);          // LTV, CLV, CAC, LTV:CAC, equity (with the comparison period)
Table report_customers(const Facts& f, const ReportArgs& a);      // top customers by value
// Retention
Table report_retention(const Facts& f, const ReportArgs& a);      // churn and retention by count, revenue, lifetime value, per tier
Table report_churn_by_month(const Facts& f, const ReportArgs& a);
Table report_loyalty(const Facts& f, const ReportArgs& a);        // repeat purchasers, key customers, relationship duration
Table report_cohorts(const Facts& f, const ReportArgs& a);        // month of first sale x months after
// RFM
Table report_rfm(const Facts& f, const ReportArgs& a);            // one row per customer
Table report_rfm_segments(const Facts& f, const ReportArgs& a);
const char* rfm_segment(int r, int f);
struct RfmScore { size_t account; int32_t recency; int64_t frequency, monetary; int r = 0, f = 0, m = 0; };
// The scores behind both (remembered per period and filter), highest monetary first: the rfm report's row order.
const std::vector<RfmScore>& rfm_scores(const Facts& f, const ReportArgs& a);
// Sales
Table report_sales(const Facts& f, const ReportArgs& a);          // win rate, effectiveness, deal size, cycle, forecast vs target
Table report_funnel(const Facts& f, const ReportArgs& a);
Table report_reps(const Facts& f, const ReportArgs& a);
Table report_forecast(const Facts& f, const ReportArgs& a);       // by month: weighted forecast, won, target
Table report_leads(const Facts& f, const ReportArgs& a);          // by source or campaign
Table report_channels(const Facts& f, const ReportArgs& a);
Table report_campaigns(const Facts& f, const ReportArgs& a);
// Service
Table report_service(const Facts& f, const ReportArgs& a);        // by type, channel, tier or queue
Table report_backlog(const Facts& f, const ReportArgs& a);        // open cases by age
// Cross-sell
struct Rule {
    std::vector<int32_t> antecedent;   // product indexes into Facts::products, ascending
    int32_t consequent = 0;
    int64_t count = 0;                 // transactions holding both
    double support = 0, confidence = 0, lift = 0;
};
// Frequent itemsets (depth-first over transaction-id lists) and every rule
// with one product on the right, as R's arules apriori emits them; a support
// is a share, met when count / transactions >= min_support. Sorted by lift,
// confidence, count, then the items.
std::vector<Rule> association_rules(const std::vector<std::vector<int32_t>>& baskets, double min_support, double min_confidence,
                                    size_t max_length = 6);
std::vector<Rule> order_rules(const Facts& f, const ReportArgs& a);   // over the sales (one transaction per sale), Settings' minimums
Table report_rules(const Facts& f, const ReportArgs& a);
// Pivot
Table report_pivot(const Facts& f, const ReportArgs& a);
extern const char* const kPivotSources[];      // null-terminated
std::vector<std::string> pivot_dimensions(const std::string& source);
// What a dimension reads as: a custom field's label ("Account: Contract tier"), else its name.
std::string pivot_dimension_label(const std::string& source, const std::string& dim);

// One customer, for the 360-degree view.
struct CustomerValue {
    bool found = false;
    int64_t orders = 0, revenue = 0, average_sale = 0, clv = 0;
    std::string first_order, last_order, segment;   // segment: RFM over the last 365 days
    bool churned = false;
    std::vector<std::pair<std::string, double>> next_products;   // name, confidence: bought by customers like them, not yet by them
};
CustomerValue customer_value(const Facts& f, int64_t account_rowid);

// Saves accounts (what a report row drills into) as a campaign segment of
// their contacts; returns the segment's id.
std::string save_accounts_as_segment(Store& store, const std::string& name, const std::vector<std::string>& account_ids,
                                     const std::string& description);

// The reports by name, for the screens and the CLI.
struct ReportInfo {
    const char* name;
    const char* page;            // Analytics page: Value, Retention, RFM, Sales, Service, Channels, Cross-sell, Pivot
    const char* summary;
    Table (*run)(const Facts&, const ReportArgs&);
};
const std::vector<ReportInfo>& all_reports();
const ReportInfo* find_report(std::string_view name);

}  // namespace crm
