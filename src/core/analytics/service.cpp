// service.cpp - call-centre measures: cases by type, channel, tier or queue,
// first-contact resolution, shares within the response and resolution SLA,
// handling and resolution times, escalation, satisfaction, and the backlog
// of open cases by age.
#include <map>

#include "analytics/reports.h"

namespace crm {

namespace {

bool case_passes(const Facts& f, const Filter& flt, const Facts::Case& c) {
    if (!f.owner_passes(flt, c.owner) || !f.account_passes(flt, c.account)) return false;
    if (!flt.tier.empty() && f.text(c.tier) != flt.tier) return false;
    if (!flt.channel.empty() && f.text(c.origin) != flt.channel) return false;
    return true;
}

bool closed(const Facts& f, const Facts::Case& c) { return f.text(c.status) == "resolved" || f.text(c.status) == "closed"; }

}  // namespace

Table report_service(const Facts& f, const ReportArgs& a) {
    std::string by = a.by.empty() ? "type" : a.by;
    if (by != "type" && by != "channel" && by != "tier" && by != "queue")
        throw std::invalid_argument("service: --by must be type, channel, tier or queue, not '" + by + "'");
    struct Row {
        int64_t cases = 0, resolved = 0, first_contact = 0, response_known = 0, response_met = 0, resolution_known = 0, resolution_met = 0,
                escalated = 0, rated = 0, satisfaction = 0, handled = 0;
        double handling_s = 0, resolution_h = 0;
        Drill d{&kCases, {}};
    };
    std::map<std::string, Row> rows;
    Row total;
    for (const Facts::Case& c : f.cases) {
        if (!case_passes(f, a.filter, c) || !a.period.has(c.created)) continue;
        std::string key = by == "type" ? f.text(c.type) : by == "channel" ? f.text(c.origin) : by == "tier" ? f.text(c.tier) : f.queues[(size_t)c.queue].name;
        if (key.empty()) key = "(none)";
        for (Row* r : {&rows[key], &total}) {
            r->cases++;
            r->d.rowids.push_back(c.rowid);
            bool done = closed(f, c) && c.resolved_ms;
            if (done) {
                r->resolved++;
                r->resolution_h += (double)(c.resolved_ms - c.created_ms) / 3.6e6;
                if (c.activities <= 1 && c.line <= 1) r->first_contact++;
            }
            if (c.response_due_ms && (c.first_response_ms || c.response_due_ms < (int64_t)f.today * 86400000)) {
                r->response_known++;
                if (c.first_response_ms && c.first_response_ms <= c.response_due_ms) r->response_met++;
            }
            if (c.resolution_due_ms && (done || c.resolution_due_ms < (int64_t)f.today * 86400000)) {
                r->resolution_known++;
                if (done && c.resolved_ms <= c.resolution_due_ms) r->resolution_met++;
            }
            if (c.line > 1 || f.text(c.status) == "escalated") r->escalated++;
            if (c.satisfaction > 0) { r->rated++; r->satisfaction += c.satisfaction; }
            if (c.activities) { r->handled++; r->handling_s += (double)c.handling_s; }
        }
    }
    auto ratio = [](double x, double n) { return n > 0 ? num(x / n) : std::string(); };
    Table t;
    t.name = "service";
    t.title = "Service by " + by;
    t.columns = {by, "cases", "resolved", "first_contact_resolution", "within_response_sla", "within_resolution_sla", "average_handling_minutes",
                 "average_resolution_hours", "escalation_rate", "average_satisfaction"};
    auto add = [&](const std::string& name, Row& r) {
        t.add({name, std::to_string(r.cases), std::to_string(r.resolved), ratio((double)r.first_contact, (double)r.resolved),
               ratio((double)r.response_met, (double)r.response_known), ratio((double)r.resolution_met, (double)r.resolution_known),
               r.handled ? num(r.handling_s / 60.0 / (double)r.handled, 1) : "", r.resolved ? num(r.resolution_h / (double)r.resolved, 1) : "",
               ratio((double)r.escalated, (double)r.cases), r.rated ? num((double)r.satisfaction / (double)r.rated, 2) : ""},
              std::move(r.d));
    };
    for (auto& [name, r] : rows) add(name, r);
    add("Total", total);
    t.notes.push_back("cases opened in the period; first-contact resolution: resolved cases with at most one logged interaction (calls, "
                      "e-mails, chats, visits: not notes) and not escalated; within SLA: among cases whose target has passed or been met; handling: minutes logged on the case's "
                      "activities; satisfaction 1-5 where recorded; filters: " + a.filter.describe());
    return t;
}

Table report_backlog(const Facts& f, const ReportArgs& a) {
    const char* names[] = {"under 1 day", "1-3 days", "3-7 days", "7-30 days", "over 30 days"};
    const int64_t limits[] = {1, 3, 7, 30, INT64_MAX};
    int64_t open[5] = {}, breached[5] = {};
    Drill d[5];
    int64_t now = ((int64_t)f.today + 1) * 86400000;
    for (const Facts::Case& c : f.cases) {
        if (!case_passes(f, a.filter, c) || closed(f, c)) continue;
        double age = (double)(now - c.created_ms) / 8.64e7;
        int k = 0;
        while (age >= (double)limits[k]) k++;
        open[k]++;
        if (c.resolution_due_ms && c.resolution_due_ms < now) breached[k]++;
        d[k].entity = &kCases;
        d[k].rowids.push_back(c.rowid);
    }
    Table t;
    t.name = "backlog";
    t.title = "Open cases by age";
    t.columns = {"age", "open_cases", "past_resolution_target"};
    for (int k = 0; k < 5; k++) t.add({names[k], std::to_string(open[k]), std::to_string(breached[k])}, std::move(d[k]));
    t.notes.push_back("cases not resolved or closed at the end of " + day_text(f.today) + ", by age since opened; filters: " + a.filter.describe());
    return t;
}

}  // namespace crm
