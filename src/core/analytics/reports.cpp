// reports.cpp - the reports by name (see reports.h).
#include "analytics/reports.h"

namespace crm {

const std::vector<ReportInfo>& all_reports() {
    static const std::vector<ReportInfo> all = {
        {"value", "Value", "LTV, CLV, customer equity, CAC and LTV:CAC, against the previous period", report_value},
        {"customers", "Value", "top customers by revenue, with their CLV (--top N)", report_customers},
        {"retention", "Retention", "churn and retention by count, revenue and lifetime value, per service tier", report_retention},
        {"churn-by-month", "Retention", "churn and retention rate of each month", report_churn_by_month},
        {"loyalty", "Retention", "repeat purchasers, key customers' share, relationship duration", report_loyalty},
        {"cohorts", "Retention", "cohort retention: month of first sale x months after", report_cohorts},
        {"rfm", "RFM", "one row per customer: recency, frequency, monetary, scores and segment", report_rfm},
        {"rfm-segments", "RFM", "customers and revenue per RFM segment", report_rfm_segments},
        {"sales", "Sales", "win rate, effectiveness, deal size, cycle, productivity, forecast vs target", report_sales},
        {"funnel", "Sales", "opportunities reaching each stage, step and cumulative conversion, drop-off", report_funnel},
        {"reps", "Sales", "per rep (--by team: per team): won, win rate, deal size, cycle, forecast, target", report_reps},
        {"forecast", "Sales", "per month: won, weighted forecast, target", report_forecast},
        {"leads", "Sales", "leads by source (--by campaign: by campaign), qualified, converted, won", report_leads},
        {"service", "Service", "cases by type (--by channel|tier|queue): FCR, SLA shares, handling and resolution time, escalation, satisfaction", report_service},
        {"backlog", "Service", "open cases by age", report_backlog},
        {"channels", "Channels", "per lead source: leads, qualified, cost per lead, closing efficiency, revenue", report_channels},
        {"campaigns", "Channels", "per campaign: cost, leads, won, revenue, ROI, e-mails sent", report_campaigns},
        {"rules", "Cross-sell", "association rules: antecedent, consequent, count, support, confidence, lift", report_rules},
        {"pivot", "Pivot", "--source S --rows D [--cols D] [--measure count|sum|average]", report_pivot},
    };
    return all;
}

const ReportInfo* find_report(std::string_view name) {
    for (const ReportInfo& r : all_reports())
        if (name == r.name) return &r;
    return nullptr;
}

}  // namespace crm
