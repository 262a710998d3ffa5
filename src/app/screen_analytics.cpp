// screen_analytics.cpp - the Analytics screen (a page per area, each with its
// period, filters, charts and the tables behind them; every bar, cell, slice
// and row drills into the records it counts; every table exports as CSV),
// the Dashboard's charts, a customer's value on the 360 view, and the
// analytics settings.
//
// The working set (analytics/facts.h) loads a slice per frame, so the page
// never freezes; after a write it loads again behind the figures on screen,
// which stay until the new ones are ready. Reports are computed from it when
// the period, a filter or the data change, and kept until then.
#include <imgui.h>

#include <functional>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "analytics/reports.h"
#include "app/app_state.h"
#include "app/charts.h"
#include "app/platform.h"
#include "app/test_hooks.h"
#include "base/util.h"
#include "records/views.h"

namespace crm::app {

namespace {

using chart::Format;

const char* kPages[] = {"Value", "Retention", "RFM", "Sales", "Service", "Channels", "Cross-sell", "Pivot"};

struct Cached {
    Table table;
    uint64_t facts_serial = 0;
    double ms = 0;
};

struct AnalyticsState {
    std::unique_ptr<FactsLoader> loader;
    uint64_t loading_version = 0;
    double load_started = 0, load_ms = 0, worst_slice_ms = 0;
    std::shared_ptr<const Facts> facts;
    uint64_t facts_version = 0, facts_serial = 0;
    int page = 0, page_request = -1;
    int preset = 0;                       // index into kPresets
    char from[16] = "", to[16] = "";
    std::string period_error;
    Filter filter;
    std::string service_by = "type", reps_by = "rep", leads_by = "source";
    std::string pivot_source = "opportunities", pivot_rows = "month", pivot_cols = "stage", pivot_measure = "count";
    std::map<std::string, Cached> cache;  // by report name and arguments
    double last_compute_ms = 0, worst_compute_ms = 0;
    double page_compute_ms = 0;           // the reports computed since the page was opened, summed
    int computed_frame = -1;              // the frame that computed a report (one a frame)
    bool compute_pending = false;         // a report waits for the next frame
    bool computing = false;               // the last frame left a report for the next
    int pumped_frame = -1;                // the last frame that showed analytics
    // Drill-down: the records a mark or row counts.
    Drill drill;
    std::string drill_title;
    std::map<size_t, std::pair<std::string, std::string>> drill_titles;   // row -> (id, title), read when first shown
    uint64_t drill_version = 0;                                             // the data version they were read at
    std::string segment_name;
    std::string notice;
} S;

const char* kPresets[] = {"Last 12 months", "This year", "Last year", "This quarter", "Last 90 days", "All time", "Custom"};

// Starts or continues loading the working set; the last complete one stays usable.
// Called by what shows analytics; away from them the load waits, and asks for no frames.
void pump() {
    S.pumped_frame = ImGui::GetFrameCount();
    if (!S.loader && (!S.facts || S.facts_version != g.write_version)) {
        S.loader = std::make_unique<FactsLoader>(*g.store);
        S.loading_version = g.write_version;
        S.load_started = clock_ms();
        S.worst_slice_ms = 0;
    }
    if (!S.loader) return;
    // Half of the time between frames, 8 to 30 ms: 8 at 60 frames a second,
    // more where frames come slower anyway (a software-rendered GPU), so the
    // load keeps pace without a frame ever waiting long on it.
    static double last = 0;
    double t0 = clock_ms();
    double budget = slice_budget_ms(last, 0.5, 8.0, 30.0);
    bool done = false;
    try {
        done = S.loader->step(budget);
    } catch (const PageMiss&) {
        return;   // it reads by rowid ranges: the next frame goes on where this one stopped
    }
    S.worst_slice_ms = std::max(S.worst_slice_ms, clock_ms() - t0);
    if (done) {
        S.facts = S.loader->result();
        S.facts_version = S.loading_version;
        S.facts_serial++;
        S.load_ms = clock_ms() - S.load_started;
        S.loader.reset();
        // The load's last slice had this frame: the reports start with the next.
        S.computed_frame = ImGui::GetFrameCount();
        S.compute_pending = true;
    }
}

Period current_period() {
    int32_t today = S.facts ? S.facts->today : (int32_t)(g.store->now_ms() / 86400000);
    int y; unsigned m, d;
    civil_from_days(today, y, m, d);
    S.period_error.clear();
    switch (S.preset) {
    case 1: return {(int32_t)days_from_civil(y, 1, 1), today};
    case 2: return {(int32_t)days_from_civil(y - 1, 1, 1), (int32_t)days_from_civil(y, 1, 1) - 1};
    case 3: return {(int32_t)days_from_civil(y, (m - 1) / 3 * 3 + 1, 1), today};
    case 4: return {today - 89, today};
    case 5: return {(int32_t)days_from_civil(1990, 1, 1), today};
    case 6:
        try {
            return make_period(S.from, S.to, today);
        } catch (const std::exception& e) {
            S.period_error = error_text(e);
            return {today - 364, today};
        }
    default: return {today - 364, today};
    }
}

ReportArgs args_for(const char* name) {
    ReportArgs a;
    a.period = current_period();
    a.filter = S.filter;
    std::string n = name;
    if (n == "service") a.by = S.service_by;
    if (n == "reps") a.by = S.reps_by;
    if (n == "leads") a.by = S.leads_by;
    if (n == "customers") a.top = 15;
    if (n == "pivot") {
        a.source = S.pivot_source;
        a.rows = S.pivot_rows;
        a.cols = S.pivot_cols;
        a.measure = S.pivot_measure;
    }
    return a;
}

std::string signature(const char* name, const ReportArgs& a) {
    const Filter& f = a.filter;
    return std::string(name) + "|" + std::to_string(a.period.from) + "|" + std::to_string(a.period.to) + "|" + f.owner + "|" + f.team + "|" +
           f.territory + "|" + f.tier + "|" + f.industry + "|" + f.country + "|" + f.channel + "|" + a.by + "|" + std::to_string(a.top) + "|" +
           a.source + "|" + a.rows + "|" + a.cols + "|" + a.measure;
}

// The report for the current period and filters, computed once per change.
// At most one report is computed in a frame, so a page of five costs five
// short frames, never one long one: until its turn a report shows its last
// figures (after a write) or nothing (a new filter). Null while the facts first load.
const Table* report(const char* name, const ReportArgs& a) {
    if (!S.facts) return nullptr;
    Cached& c = S.cache[signature(name, a)];
    if (c.facts_serial != S.facts_serial) {
        if (S.computed_frame == ImGui::GetFrameCount()) {
            S.compute_pending = true;
            return c.facts_serial ? &c.table : nullptr;
        }
        S.computed_frame = ImGui::GetFrameCount();
        double t0 = clock_ms();
        try {
            c.table = find_report(name)->run(*S.facts, a);
        } catch (const std::exception& e) {
            c.table = Table{};
            c.table.name = name;
            c.table.notes.push_back(error_text(e));
        }
        c.ms = clock_ms() - t0;
        c.facts_serial = S.facts_serial;
        S.last_compute_ms = c.ms;
        S.page_compute_ms += c.ms;
        S.worst_compute_ms = std::max(S.worst_compute_ms, c.ms);
    }
    if (S.cache.size() > 200) {   // filters tried and left: drop what the current figures do not use
        for (auto it = S.cache.begin(); it != S.cache.end();) it = it->second.facts_serial != S.facts_serial ? S.cache.erase(it) : std::next(it);
    }
    return &c.table;
}

// The report for the page's period, filters and choices.
const Table* report(const char* name) { return report(name, args_for(name)); }

double value(const Table& t, size_t row, const char* column) {
    int c = t.column(column);
    return c < 0 ? NAN : t.number(row, (size_t)c);
}
double money_minor(const Table& t, size_t row, const char* column) {
    double v = value(t, row, column);
    return std::isnan(v) ? v : v * 100;
}
int row_of(const Table& t, const std::string& first) {
    for (size_t r = 0; r < t.rows.size(); r++)
        if (t.rows[r][0] == first) return (int)r;
    return -1;
}

void open_drill(const Drill& d, const std::string& title) {
    if (!d.entity || d.rowids.empty()) {
        S.notice = "Nothing to list: " + title + " counts no records.";
        return;
    }
    S.drill = d;
    S.drill_title = title;
    S.drill_titles.clear();
    S.segment_name = title;
}

void export_csv(const Table& t) {
    std::string path = "/tmp/report-" + t.name + ".csv";
    std::ofstream out(path, std::ios::binary);
    for (const std::string& n : t.notes) out << "# " << n << "\n";
    out << t.csv();
    out.close();
    platform::download_file(path, t.name + "-" + format_date(g.store->now_ms()) + ".csv", "text/csv");
    notify("Exported " + t.title + " as CSV");
}

// The table behind a chart: header, rows (a click drills down), notes, an export button.
void draw_table(const Table& t, float height = 0) {
    ImGui::PushID(t.name.c_str());
    if (!t.title.empty()) bold_text(t.title.c_str());
    ImGui::SameLine();
    std::string label = "Export CSV##" + t.name;
    if (ImGui::SmallButton(label.c_str())) export_csv(t);
    if (!t.columns.empty() && ImGui::BeginTable("t", (int)t.columns.size(),
                                                ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                                    ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit,
                                                ImVec2(0, height > 0 ? height : std::min(420.0f * g.scale, (float)(t.rows.size() + 2) * ImGui::GetFrameHeight())))) {
        ImGui::TableSetupScrollFreeze(1, 1);
        for (const std::string& c : t.columns) ImGui::TableSetupColumn(c.c_str());
        ImGui::TableHeadersRow();
        ImGuiListClipper clip;
        clip.Begin((int)t.rows.size());
        while (clip.Step())
            for (int r = clip.DisplayStart; r < clip.DisplayEnd; r++) {
                ImGui::TableNextRow();
                ImGui::PushID(r);
                const auto& row = t.rows[(size_t)r];
                bool drillable = (size_t)r < t.drill.size() && t.drill[(size_t)r].entity && !t.drill[(size_t)r].rowids.empty();
                for (size_t c = 0; c < row.size(); c++) {
                    ImGui::TableNextColumn();
                    if (c == 0 && drillable) {
                        std::string l = row[0] + "##row";
                        if (ImGui::Selectable(l.c_str(), false, ImGuiSelectableFlags_SpanAllColumns))
                            open_drill(t.drill[(size_t)r], t.title + ": " + row[0]);
                        std::string test = t.name + " row: " + row[0];
                        test_label_last_item(test.c_str());
                    } else {
                        ImGui::TextUnformatted(row[c].c_str());
                    }
                }
                ImGui::PopID();
            }
        ImGui::EndTable();
    }
    for (const std::string& n : t.notes) ImGui::TextDisabled("%s", n.c_str());
    ImGui::PopID();
}

// Distinct values for the filter combos, from the working set.
struct Choices { std::vector<std::pair<std::string, std::string>> owners; std::vector<std::string> teams, territories, industries, countries, channels; };
const Choices& choices() {
    static Choices c;
    static uint64_t serial = 0;
    if (serial == S.facts_serial || !S.facts) return c;
    serial = S.facts_serial;
    c = Choices{};
    const Facts& f = *S.facts;
    // By interned code, not by text: a flag per code, then the texts once.
    size_t n = f.codes.size();
    std::vector<char> teams(n), terr(n), ind(n), cty(n), ch(n);
    for (size_t u = 1; u < f.users.size(); u++) {
        c.owners.push_back({f.users[u].id, f.users[u].name});
        teams[(size_t)f.users[u].team] = terr[(size_t)f.users[u].territory] = 1;
    }
    for (size_t a = 1; a < f.accounts.size(); a++) ind[(size_t)f.accounts[a].industry] = cty[(size_t)f.accounts[a].country] = 1;
    for (auto& l : f.leads) ch[(size_t)l.source] = 1;
    for (auto& k : f.cases) ch[(size_t)k.origin] = 1;
    auto list = [&](const std::vector<char>& seen) {
        std::vector<std::string> out;
        for (size_t i = 0; i < n; i++)
            if (seen[i] && !f.codes[i].empty()) out.push_back(f.codes[i]);
        std::sort(out.begin(), out.end());
        return out;
    };
    std::sort(c.owners.begin(), c.owners.end(), [](auto& x, auto& y) { return x.second < y.second; });
    c.teams = list(teams); c.territories = list(terr); c.industries = list(ind); c.countries = list(cty); c.channels = list(ch);
    return c;
}

// `shown`: what an option reads as (a custom field's label), else the option itself.
bool combo(const char* label, std::string& value, const std::vector<std::string>& options, float width, const char* any = "Any",
           std::function<std::string(const std::string&)> shown = {}) {
    bool changed = false;
    auto text = [&](const std::string& o) { return shown ? shown(o) : o; };
    ImGui::SetNextItemWidth(width);
    if (ImGui::BeginCombo(label, value.empty() ? any : text(value).c_str())) {
        if (ImGui::Selectable(any, value.empty())) { value.clear(); changed = true; }
        for (const std::string& o : options) {
            ImGui::PushID(o.c_str());
            if (ImGui::Selectable(text(o).c_str(), o == value)) { value = o; changed = true; }
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    test_label_last_item(label);
    return changed;
}

void draw_controls() {
    float s = g.scale;
    ImGui::SetNextItemWidth(150 * s);
    if (ImGui::BeginCombo("Period", kPresets[S.preset])) {
        for (int i = 0; i < (int)(sizeof kPresets / sizeof *kPresets); i++)
            if (ImGui::Selectable(kPresets[i], S.preset == i)) {
                S.preset = i;
                if (i == 6 && !S.from[0]) {
                    Period p = current_period();
                    snprintf(S.from, sizeof S.from, "%s", day_text(p.from).c_str());
                    snprintf(S.to, sizeof S.to, "%s", day_text(p.to).c_str());
                }
            }
        ImGui::EndCombo();
    }
    test_label_last_item("Period");
    if (S.preset == 6) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(100 * s);
        ImGui::InputText("From", S.from, sizeof S.from);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(100 * s);
        ImGui::InputText("To", S.to, sizeof S.to);
    }
    Period p = current_period();
    ImGui::SameLine();
    ImGui::TextDisabled("%s to %s, compared with %s to %s", day_text(p.from).c_str(), day_text(p.to).c_str(), day_text(p.previous().from).c_str(),
                        day_text(p.previous().to).c_str());
    if (!S.period_error.empty()) ImGui::TextColored(pal().error, "%s", S.period_error.c_str());
    const Choices& c = choices();
    std::string owner_name;
    for (auto& [id, name] : c.owners)
        if (id == S.filter.owner) owner_name = name;
    ImGui::SetNextItemWidth(150 * s);
    if (ImGui::BeginCombo("Owner", owner_name.empty() ? "Anyone" : owner_name.c_str())) {
        if (ImGui::Selectable("Anyone", S.filter.owner.empty())) S.filter.owner.clear();
        for (auto& [id, name] : c.owners)
            if (ImGui::Selectable(name.c_str(), id == S.filter.owner)) S.filter.owner = id;
        ImGui::EndCombo();
    }
    test_label_last_item("Owner");
    float w = 120 * s;
    same_line_if_fits(w + 60 * s);
    combo("Team", S.filter.team, c.teams, w);
    same_line_if_fits(w + 80 * s);
    combo("Territory", S.filter.territory, c.territories, w);
    same_line_if_fits(w + 40 * s);
    combo("Tier", S.filter.tier, {"Gold", "Silver", "Bronze"}, w);
    same_line_if_fits(w + 70 * s);
    combo("Industry", S.filter.industry, c.industries, w);
    same_line_if_fits(w + 70 * s);
    combo("Country", S.filter.country, c.countries, w);
    same_line_if_fits(w + 70 * s);
    combo("Channel", S.filter.channel, c.channels, w);
    if (!S.filter.empty()) {
        same_line_if_fits(button_width("Clear filters"));
        if (ImGui::Button("Clear filters")) S.filter = Filter{};
    }
}

void draw_drill() {
    if (!S.drill.entity) return;
    if (S.drill_version != g.data_version) {   // a record renamed or deleted since: read the titles again
        S.drill_titles.clear();
        S.drill_version = g.data_version;
    }
    float s = g.scale;
    ImGui::BeginChild("drill", ImVec2(0, 300 * s), ImGuiChildFlags_Border);
    bold_text(S.drill_title.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%zu %s", S.drill.rowids.size(), S.drill.entity->label);
    ImGui::SameLine();
    if (ImGui::SmallButton("Close list")) {
        S.drill = Drill{};
        ImGui::EndChild();
        return;
    }
    if (S.drill.entity == &kAccounts) {
        ImGui::SameLine(0, 20 * s);
        char buf[128];
        snprintf(buf, sizeof buf, "%s", S.segment_name.c_str());
        ImGui::SetNextItemWidth(220 * s);
        if (ImGui::InputText("##segname", buf, sizeof buf)) S.segment_name = buf;
        ImGui::SameLine();
        if (ImGui::SmallButton("Save as campaign segment")) {
            auto save = [name = S.segment_name, drill = S.drill] {
                save_accounts_as_segment(*g.store, name, drill_ids(*g.store, drill),
                                         "Saved from Analytics on " + format_date(g.store->now_ms()) + ": the contacts of " +
                                             std::to_string(drill.rowids.size()) + " customers");
            };
            if (!change(save, "Segment saved: use it in a campaign's target segment")) S.notice = g.last_error;
        }
    }
    if (ImGui::BeginTable("drill_rows", 1, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY)) {
        ImGuiListClipper clip;
        clip.Begin((int)S.drill.rowids.size());
        while (clip.Step()) {
            // Titles of the visible rows only, fetched when they first show.
            for (int i = clip.DisplayStart; i < clip.DisplayEnd; i++) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                auto& [id, title] = S.drill_titles[(size_t)i];
                if (id.empty()) {   // read once, when the row first shows
                    std::vector<std::string> ids = drill_ids(*g.store, S.drill, (size_t)i, 1);
                    id = ids.empty() ? "-" : ids[0];
                    auto rec = ids.empty() ? std::nullopt : g.store->get(*S.drill.entity, id);
                    title = rec ? record_title(*rec) : "";
                    if (title.empty()) title = ids.empty() ? "(deleted)" : id;
                }
                if (id == "-") { ImGui::TextDisabled("%s", title.c_str()); continue; }
                ImGui::PushID(i);
                if (ImGui::Selectable(title.c_str())) open_record(*S.drill.entity, id);
                std::string test = "drill: " + title;
                test_label_last_item(test.c_str());
                ImGui::PopID();
            }
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
}

void computing() { ImGui::TextDisabled("Computing..."); }

std::vector<double> column_values(const Table& t, const char* column, bool money, size_t rows = SIZE_MAX) {
    std::vector<double> v;
    for (size_t r = 0; r < t.rows.size() && r < rows; r++) v.push_back(money ? money_minor(t, r, column) : value(t, r, column));
    return v;
}
std::vector<std::string> first_column(const Table& t, size_t rows = SIZE_MAX, bool skip_total = false) {
    std::vector<std::string> v;
    for (size_t r = 0; r < t.rows.size() && r < rows; r++)
        if (!(skip_total && t.rows[r][0] == "Total")) v.push_back(t.rows[r][0]);
    return v;
}

// A row of big figures with the change against the previous period.
void figure_row(const Table& t, std::initializer_list<std::pair<const char*, Format>> items) {
    if (!ImGui::BeginTable("figs", (int)items.size(), ImGuiTableFlags_SizingStretchSame)) return;
    for (auto& [name, f] : items) {
        ImGui::TableNextColumn();
        int r = row_of(t, name);
        double v = r < 0 ? NAN : value(t, (size_t)r, "value"), p = r < 0 ? NAN : value(t, (size_t)r, "previous");
        if (f == Format::Money) { v *= 100; p *= 100; }
        ImGui::TextDisabled("%s", name);
        ImGui::PushFont(g.font_big);
        ImGui::TextUnformatted(chart::format_value(v, f, f != Format::Money && f != Format::Count).c_str());
        ImGui::PopFont();
        if (!std::isnan(p) && !std::isnan(v) && p != 0) {
            double change = (v - p) / std::fabs(p);
            ImGui::TextDisabled("%s%.0f %% vs previous", change >= 0 ? "+" : "", change * 100);
        }
    }
    ImGui::EndTable();
}

//-----------------------------------------------------------------------------
// The pages
//-----------------------------------------------------------------------------

void page_value() {
    float s = g.scale;
    const Table* v = report("value");
    const Table* top = report("customers");
    if (!v || !top) return computing();
    figure_row(*v, {{"revenue", Format::Money}, {"customers", Format::Count}, {"LTV", Format::Money}, {"CLV", Format::Money},
                    {"CAC", Format::Money}, {"LTV:CAC", Format::Real}});
    int ratio = row_of(*v, "LTV:CAC");
    double r = ratio < 0 ? NAN : value(*v, (size_t)ratio, "value");
    if (!std::isnan(r))
        ImGui::TextColored(r >= 3 ? pal().success : pal().warning, "LTV:CAC %.1f : 1 %s", r,
                           r >= 3 ? "- meets the 3:1 rule" : "- below the 3:1 rule: acquiring a customer costs more than a third of what they bring");
    bold_text("Top customers by revenue");
    std::vector<std::string> names;
    for (size_t r = 0; r < top->rows.size() && r < 10; r++) names.push_back(top->rows[r][1]);
    int k = chart::bars("Top customers", names, {{"revenue", column_values(*top, "revenue", true, 10)}}, Format::Money, 220 * s);
    if (k >= 0) open_drill(top->drill[(size_t)k], "Customer " + top->rows[(size_t)k][1]);
    draw_table(*v);
    draw_table(*top);
}

void page_retention() {
    float s = g.scale;
    const Table* monthly = report("churn-by-month");
    const Table* ret = report("retention");
    const Table* loyal = report("loyalty");
    const Table* coh = report("cohorts");
    if (!monthly || !ret || !loyal || !coh) return computing();
    bold_text("Churn and retention by month");
    chart::lines("Churn by month", first_column(*monthly), {{"churn rate", column_values(*monthly, "churn_rate", false)},
                                                             {"retention rate", column_values(*monthly, "retention_rate", false)}},
                 Format::Share, 200 * s);
    bold_text("Churn rate by service tier: by count, by revenue, by lifetime value");
    int k = chart::bars("Churn by tier", first_column(*ret),
                        {{"by count", column_values(*ret, "churn_rate", false)}, {"by revenue", column_values(*ret, "churn_rate_revenue", false)},
                         {"by lifetime value", column_values(*ret, "churn_rate_lifetime_value", false)}},
                        Format::Share, 200 * s);
    if (k >= 0) open_drill(ret->drill[(size_t)k], "Churned customers, " + ret->rows[(size_t)k][0]);
    draw_table(*ret);
    draw_table(*loyal);
    bold_text("Cohort retention (month of first sale; share buying k months later)");
    std::vector<std::vector<double>> cells;
    std::vector<std::string> cols;
    for (size_t c = 2; c < coh->columns.size(); c++) cols.push_back(coh->columns[c]);
    std::vector<std::string> rows;
    for (size_t r = 0; r < coh->rows.size(); r++) {
        rows.push_back(coh->rows[r][0] + " (" + coh->rows[r][1] + ")");
        std::vector<double> line;
        for (size_t c = 2; c < coh->columns.size(); c++) line.push_back(coh->number(r, c));
        cells.push_back(line);
    }
    int hr = -1, hc = -1;
    if (chart::heat_map("Cohorts", rows, cols, cells, std::max(120.0f * s, (float)rows.size() * 24 * s), &hr, &hc))
        open_drill(coh->drill[(size_t)hr], "Cohort " + coh->rows[(size_t)hr][0]);
    draw_table(*coh);
}

void page_rfm() {
    float s = g.scale;
    const Table* seg = report("rfm-segments");
    const Table* rfm = report("rfm");
    if (!seg || !rfm) return computing();
    bold_text("Customers per RFM segment");
    ImGui::TextDisabled("Click a segment for its customers; save them as a campaign segment from the list.");
    int k = chart::donut("RFM segments", first_column(*seg), column_values(*seg, "customers", false), Format::Count, 220 * s);
    if (k >= 0) open_drill(seg->drill[(size_t)k], "RFM " + seg->rows[(size_t)k][0]);
    bold_text("Revenue per segment");
    k = chart::bars("Revenue per segment", first_column(*seg), {{"revenue", column_values(*seg, "revenue", true)}}, Format::Money, 200 * s);
    if (k >= 0) open_drill(seg->drill[(size_t)k], "RFM " + seg->rows[(size_t)k][0]);
    bold_text("Recency and value of each customer");
    // The points, made once per table from the scores behind it (thousands of
    // customers: not every frame), and not in a frame that computed a report.
    static const Table* made_for = nullptr;
    static uint64_t made_serial = 0;
    static std::vector<double> x, y;
    static std::vector<size_t> accounts;
    static std::vector<const char*> segments;
    static uint64_t points_version = 0;
    if (made_for != rfm || made_serial != S.facts_serial) {
        if (S.computed_frame == ImGui::GetFrameCount()) {
            S.compute_pending = true;
            computing();
        } else {
            x.clear(), y.clear(), accounts.clear(), segments.clear();
            for (const RfmScore& r : rfm_scores(*S.facts, args_for("rfm"))) {
                x.push_back(r.recency);
                y.push_back((double)r.monetary);
                accounts.push_back(r.account);
                segments.push_back(rfm_segment(r.r, r.f));
            }
            made_for = rfm;
            made_serial = S.facts_serial;
            points_version++;
        }
    }
    if (made_for == rfm && made_serial == S.facts_serial) {
        auto label_of = [&](size_t i) { return S.facts->accounts[accounts[i]].name + " - " + segments[i]; };
        k = chart::scatter("RFM scatter", x, y, points_version, label_of, "days since last sale", "revenue", Format::Days, Format::Money, 220 * s);
        if (k >= 0) open_drill(rfm->drill[(size_t)k], label_of((size_t)k));
    }
    draw_table(*seg);
    draw_table(*rfm, 300 * s);
}

void page_sales() {
    float s = g.scale;
    const Table* sales = report("sales");
    const Table* fun = report("funnel");
    const Table* reps = report("reps");
    const Table* fc = report("forecast");
    const Table* leads = report("leads");
    if (!sales || !fun || !reps || !fc || !leads) return computing();
    figure_row(*sales, {{"won amount", Format::Money}, {"win rate", Format::Share}, {"average deal size", Format::Money},
                        {"sales cycle", Format::Days}, {"lead-to-close", Format::Share}});
    bold_text("Funnel: opportunities reaching each stage");
    int k = chart::funnel("Funnel", first_column(*fun), column_values(*fun, "reached", false), 150 * s);
    if (k >= 0) open_drill(fun->drill[(size_t)k], "Reached " + fun->rows[(size_t)k][0]);
    bold_text("Won, weighted forecast and target by month");
    k = chart::bars("Forecast", first_column(*fc),
                    {{"won", column_values(*fc, "won", true)}, {"weighted forecast", column_values(*fc, "weighted_forecast", true)},
                     {"target", column_values(*fc, "target", true)}},
                    Format::Money, 220 * s);
    if (k >= 0) open_drill(fc->drill[(size_t)k], "Deals of " + fc->rows[(size_t)k][0]);
    ImGui::SetNextItemWidth(120 * s);
    if (ImGui::BeginCombo("Per", S.reps_by == "team" ? "team" : "rep")) {
        if (ImGui::Selectable("rep", S.reps_by == "rep")) S.reps_by = "rep";
        if (ImGui::Selectable("team", S.reps_by == "team")) S.reps_by = "team";
        ImGui::EndCombo();
    }
    test_label_last_item("Per");
    k = chart::bars("Won per rep", first_column(*reps), {{"won", column_values(*reps, "won_amount", true)}, {"target", column_values(*reps, "target", true)}},
                    Format::Money, 200 * s);
    if (k >= 0) open_drill(reps->drill[(size_t)k], "Won by " + reps->rows[(size_t)k][0]);
    draw_table(*sales);
    draw_table(*fun);
    draw_table(*reps);
    ImGui::SetNextItemWidth(120 * s);
    if (ImGui::BeginCombo("Leads by", S.leads_by.c_str())) {
        for (const char* b : {"source", "campaign"})
            if (ImGui::Selectable(b, S.leads_by == b)) S.leads_by = b;
        ImGui::EndCombo();
    }
    test_label_last_item("Leads by");
    draw_table(*leads);
}

void page_service() {
    float s = g.scale;
    ImGui::SetNextItemWidth(120 * s);
    if (ImGui::BeginCombo("Cases by", S.service_by.c_str())) {
        for (const char* b : {"type", "channel", "tier", "queue"})
            if (ImGui::Selectable(b, S.service_by == b)) S.service_by = b;
        ImGui::EndCombo();
    }
    test_label_last_item("Cases by");
    const Table* svc = report("service");
    const Table* back = report("backlog");
    if (!svc || !back) return computing();
    int total = row_of(*svc, "Total");
    if (total >= 0) {
        if (ImGui::BeginTable("svcfigs", 5, ImGuiTableFlags_SizingStretchSame)) {
            auto fig = [&](const char* label, const char* col, Format f) {
                ImGui::TableNextColumn();
                ImGui::TextDisabled("%s", label);
                ImGui::PushFont(g.font_big);
                ImGui::TextUnformatted(chart::format_value(value(*svc, (size_t)total, col), f, true).c_str());
                ImGui::PopFont();
            };
            fig("Cases", "cases", Format::Count);
            fig("First-contact resolution", "first_contact_resolution", Format::Share);
            fig("Within response SLA", "within_response_sla", Format::Share);
            fig("Within resolution SLA", "within_resolution_sla", Format::Share);
            fig("Satisfaction (1-5)", "average_satisfaction", Format::Real);
            ImGui::EndTable();
        }
    }
    std::vector<std::string> cats = first_column(*svc, SIZE_MAX, true);
    auto col = [&](const char* c) {
        std::vector<double> v = column_values(*svc, c, false);
        if (!v.empty() && total >= 0) v.pop_back();
        return v;
    };
    bold_text("Within SLA and first-contact resolution");
    int k = chart::bars("Service levels", cats,
                        {{"response in SLA", col("within_response_sla")}, {"resolution in SLA", col("within_resolution_sla")},
                         {"first-contact resolution", col("first_contact_resolution")}},
                        Format::Share, 200 * s);
    if (k >= 0) open_drill(svc->drill[(size_t)k], "Cases: " + svc->rows[(size_t)k][0]);
    bold_text("Open cases by age");
    k = chart::bars("Backlog", first_column(*back), {{"open", column_values(*back, "open_cases", false)},
                                                     {"past resolution target", column_values(*back, "past_resolution_target", false)}},
                    Format::Count, 180 * s);
    if (k >= 0) open_drill(back->drill[(size_t)k], "Open cases " + back->rows[(size_t)k][0]);
    draw_table(*svc);
    draw_table(*back);
}

void page_channels() {
    float s = g.scale;
    const Table* ch = report("channels");
    const Table* camp = report("campaigns");
    if (!ch || !camp) return computing();
    bold_text("Leads and qualified leads per channel");
    int k = chart::bars("Channels", first_column(*ch, 12), {{"leads", column_values(*ch, "leads", false, 12)},
                                                            {"qualified", column_values(*ch, "qualified_leads", false, 12)}},
                        Format::Count, 200 * s);
    if (k >= 0) open_drill(ch->drill[(size_t)k], "Leads from " + ch->rows[(size_t)k][0]);
    bold_text("Campaign ROI");
    k = chart::bars("Campaign ROI", first_column(*camp), {{"ROI", column_values(*camp, "roi", false)}}, Format::Share, 200 * s);
    if (k >= 0) open_drill(camp->drill[(size_t)k], "Campaign " + camp->rows[(size_t)k][0]);
    draw_table(*ch);
    draw_table(*camp);
}

void page_rules() {
    float s = g.scale;
    const Table* rules = report("rules");
    if (!rules) return computing();
    bold_text("Strongest rules by lift");
    std::vector<std::string> cats;
    std::vector<double> lift;
    for (size_t r = 0; r < rules->rows.size() && r < 10; r++) {
        cats.push_back(rules->rows[r][0] + " > " + rules->rows[r][1]);
        lift.push_back(rules->number(r, 5));
    }
    if (cats.empty()) ImGui::TextDisabled("No rules at the minimum support and confidence (Settings > Analytics).");
    else {
        int k = chart::bars("Rules by lift", cats, {{"lift", lift}}, Format::Real, 220 * s);
        if (k >= 0) open_drill(rules->drill[(size_t)k], "Orders with " + cats[(size_t)k]);
    }
    draw_table(*rules, 360 * s);
}

void page_pivot() {
    float s = g.scale;
    std::vector<std::string> sources;
    for (const char* const* p = kPivotSources; *p; p++) sources.push_back(*p);
    std::vector<std::string> dims = pivot_dimensions(S.pivot_source);
    auto valid = [&](std::string& d, const char* fallback) {
        if (std::find(dims.begin(), dims.end(), d) == dims.end()) d = fallback;
    };
    if (combo("Source", S.pivot_source, sources, 160 * s, "opportunities") && S.pivot_source.empty()) S.pivot_source = "opportunities";
    dims = pivot_dimensions(S.pivot_source);
    valid(S.pivot_rows, "month");
    if (!S.pivot_cols.empty()) valid(S.pivot_cols, "");
    ImGui::SameLine();
    auto dim_label = [src = S.pivot_source](const std::string& d) { return pivot_dimension_label(src, d); };
    combo("Rows", S.pivot_rows, dims, 130 * s, "month", dim_label);
    if (S.pivot_rows.empty()) S.pivot_rows = "month";
    ImGui::SameLine();
    combo("Columns", S.pivot_cols, dims, 130 * s, "(none)", dim_label);
    ImGui::SameLine();
    combo("Measure", S.pivot_measure, {"count", "sum", "average"}, 110 * s, "count");
    if (S.pivot_measure.empty()) S.pivot_measure = "count";
    const Table* t = report("pivot");
    if (!t) return computing();
    if (!t->rows.empty() && t->columns.size() > 2) {
        std::vector<chart::Series> series;
        bool money = S.pivot_measure != "count" && (S.pivot_source == "opportunities" || S.pivot_source == "orders" || S.pivot_source == "order_lines");
        size_t ncols = t->columns.size() - 2;   // without the row label and Total
        for (size_t c = 1; c <= ncols && c <= 8; c++) {
            chart::Series se{t->columns[c], {}};
            for (size_t r = 0; r + 1 < t->rows.size(); r++) se.values.push_back(money ? t->number(r, c) * 100 : t->number(r, c));
            series.push_back(se);
        }
        std::vector<std::string> cats = first_column(*t, t->rows.size() - 1);
        int k = chart::bars("Pivot", cats, series, money ? Format::Money : S.pivot_measure == "count" ? Format::Count : Format::Real, 220 * s,
                            S.pivot_measure != "average");
        if (k >= 0) open_drill(t->drill[(size_t)k], t->title + ": " + t->rows[(size_t)k][0]);
    }
    draw_table(*t);
}

}  // namespace

bool analytics_busy() {
    S.computing = S.compute_pending;
    S.compute_pending = false;   // set again by the next frame's reports if any still wait
    return (S.loader != nullptr && S.pumped_frame == ImGui::GetFrameCount()) || S.computing;
}

void show_analytics_page(const char* page) {
    for (int i = 0; i < (int)(sizeof kPages / sizeof *kPages); i++)
        if (!strcmp(kPages[i], page)) S.page_request = i;
    g.screen = Screen::Analytics;
    g.record = RecordView{};
}

void draw_analytics_screen() {
    pump();
    float s = g.scale;
    ImGui::PushFont(g.font_big);
    ImGui::TextUnformatted("Analytics");
    ImGui::PopFont();
    if (S.loader) {
        ImGui::SameLine();
        char buf[64];
        snprintf(buf, sizeof buf, "%s %.0f%%", S.facts ? "updating" : "reading the data", S.loader->fraction() * 100);
        ImGui::ProgressBar((float)S.loader->fraction(), ImVec2(220 * s, 0), buf);
    }
    draw_controls();
    if (!S.notice.empty()) {
        ImGui::TextColored(pal().warning, "%s", S.notice.c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("OK")) S.notice.clear();
    }
    draw_drill();
    if (!ImGui::BeginTabBar("analytics_pages")) return;
    for (int i = 0; i < (int)(sizeof kPages / sizeof *kPages); i++) {
        ImGuiTabItemFlags flags = S.page_request == i ? ImGuiTabItemFlags_SetSelected : 0;
        if (ImGui::BeginTabItem(kPages[i], nullptr, flags)) {
            if (S.page != i) S.page_compute_ms = 0;
            S.page = i;
            ImGui::BeginChild("page");
            if (!S.facts) ImGui::TextDisabled("Reading the data...");
            switch (i) {
            case 0: page_value(); break;
            case 1: page_retention(); break;
            case 2: page_rfm(); break;
            case 3: page_sales(); break;
            case 4: page_service(); break;
            case 5: page_channels(); break;
            case 6: page_rules(); break;
            default: page_pivot(); break;
            }
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
    }
    S.page_request = -1;
    ImGui::EndTabBar();
}

//-----------------------------------------------------------------------------
// The Dashboard's charts: each opens its Analytics page.
//-----------------------------------------------------------------------------

void draw_dashboard_charts() {
    pump();
    float s = g.scale;
    if (!S.facts) {
        ImGui::TextDisabled("Reading the data for the charts... %.0f%%", S.loader ? S.loader->fraction() * 100 : 0.0);
        return;
    }
    // The dashboard always shows the last 12 months, without the Analytics screen's filters or choices.
    ReportArgs year;
    year.period = {S.facts->today - 364, S.facts->today};
    const Table* sales = report("sales", year);
    const Table* fun = report("funnel", year);
    const Table* leads = report("leads", year);
    const Table* back = report("backlog", year);
    const Table* churn = report("churn-by-month", year);
    const Table* val = report("value", year);
    if (!sales || !fun || !leads || !back || !churn || !val) return computing();
    float h = 150 * s;
    auto open_page = [](const char* p) { show_analytics_page(p); };
    if (!ImGui::BeginTable("dash_charts", g.narrow ? 1 : 3, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_BordersInnerV)) return;   // one under another on a phone
    ImGui::TableNextColumn();
    bold_text("Pipeline, forecast and target (next 90 days)");
    {
        int r1 = row_of(*sales, "open pipeline"), r2 = row_of(*sales, "weighted forecast, next 90 days"), r3 = row_of(*sales, "target, next 90 days");
        std::vector<double> v = {money_minor(*sales, (size_t)r1, "value"), money_minor(*sales, (size_t)r2, "value"), money_minor(*sales, (size_t)r3, "value")};
        if (chart::bars("Dashboard pipeline", {"open pipeline", "weighted", "target"}, {{"amount", v}}, Format::Money, h) >= 0) open_page("Sales");
    }
    ImGui::TableNextColumn();
    bold_text("Won: last 12 months vs the 12 before");
    {
        int r = row_of(*sales, "won amount");
        std::vector<double> v = {money_minor(*sales, (size_t)r, "previous"), money_minor(*sales, (size_t)r, "value")};
        if (chart::bars("Dashboard won", {"previous", "this period"}, {{"won", v}}, Format::Money, h) >= 0) open_page("Sales");
    }
    ImGui::TableNextColumn();
    bold_text("Funnel");
    if (chart::funnel("Dashboard funnel", first_column(*fun), column_values(*fun, "reached", false), h) >= 0) open_page("Sales");
    ImGui::TableNextColumn();
    int total = row_of(*leads, "Total");
    bold_text("New leads by source");
    if (total >= 0) ImGui::TextDisabled("%s leads, %s qualified", leads->rows[(size_t)total][1].c_str(),
                                        chart::format_value(value(*leads, (size_t)total, "generated_to_qualified"), Format::Share, true).c_str());
    if (chart::bars("Dashboard leads", first_column(*leads, 6), {{"leads", column_values(*leads, "leads", false, 6)}}, Format::Count, h) >= 0)
        open_page("Sales");
    ImGui::TableNextColumn();
    bold_text("Open cases by age");
    if (chart::bars("Dashboard cases", first_column(*back), {{"open", column_values(*back, "open_cases", false)},
                                                             {"breached", column_values(*back, "past_resolution_target", false)}},
                    Format::Count, h) >= 0)
        open_page("Service");
    ImGui::TableNextColumn();
    bold_text("Churn rate by month");
    int lc = row_of(*val, "LTV:CAC");
    double ratio = lc < 0 ? NAN : value(*val, (size_t)lc, "value");
    if (!std::isnan(ratio))
        ImGui::TextColored(ratio >= 3 ? pal().success : pal().warning, "LTV:CAC %.1f : 1 (3:1 is healthy)", ratio);
    if (chart::lines("Dashboard churn", first_column(*churn), {{"churn", column_values(*churn, "churn_rate", false)}}, Format::Share, h) >= 0)
        open_page("Retention");
    ImGui::EndTable();
}

//-----------------------------------------------------------------------------
// A customer's value on the 360 view (an account, or a contact's account).
//-----------------------------------------------------------------------------

void draw_customer_value(const std::string& account_id) {
    pump();
    static std::string shown;
    static uint64_t serial = 0;
    static CustomerValue v;
    if (!S.facts) {
        ImGui::TextDisabled("Reading the data... %.0f%%", S.loader ? S.loader->fraction() * 100 : 0.0);
        return;
    }
    if (shown != account_id || serial != S.facts_serial) {
        int64_t rowid = 0;
        for (size_t a = 1; a < S.facts->accounts.size(); a++)
            if (S.facts->accounts[a].id == account_id) rowid = S.facts->accounts[a].rowid;
        v = customer_value(*S.facts, rowid);
        shown = account_id;
        serial = S.facts_serial;
    }
    if (!v.orders) {
        ImGui::TextDisabled("No sales yet.");
        return;
    }
    const std::string& cur = S.facts->currency;
    ImGui::Text("Sales: %lld, %s %s in all; average sale %s %s", (long long)v.orders, chart::format_value((double)v.revenue, Format::Money, true).c_str(),
                cur.c_str(), chart::format_value((double)v.average_sale, Format::Money, true).c_str(), cur.c_str());
    ImGui::Text("First sale %s, last %s%s", v.first_order.c_str(), v.last_order.c_str(), v.churned ? " - churned (dormant)" : "");
    ImGui::Text("CLV (a year's revenue x retention time x margin): %s %s", chart::format_value((double)v.clv, Format::Money, true).c_str(), cur.c_str());
    if (!v.segment.empty()) ImGui::Text("RFM segment (last 12 months): %s", v.segment.c_str());
    ImGui::Spacing();
    bold_text("Customers who bought what they bought also bought");
    if (v.next_products.empty()) ImGui::TextDisabled("Nothing they have not bought yet passes the rules' thresholds.");
    for (auto& [name, conf] : v.next_products) ImGui::BulletText("%s (%.0f %% of such orders)", name.c_str(), conf * 100);
}

//-----------------------------------------------------------------------------
// Settings > Analytics
//-----------------------------------------------------------------------------

void draw_analytics_settings() {
    float s = g.scale;
    ImGui::TextWrapped("Money is reported in one currency; amounts in others are converted at these rates (one unit in the base "
                       "currency), and left out, with a note on each report, where no rate is given.");
    auto text_setting = [&](const char* label, const char* key, const char* fallback, float width, const char* hint) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", g.store->setting(key, fallback).c_str());
        ImGui::SetNextItemWidth(width);
        ImGui::InputTextWithHint(label, hint, buf, sizeof buf);
        if (ImGui::IsItemDeactivatedAfterEdit()) {
            change([k = std::string(key), v = std::string(buf)] { g.store->set_setting(k, v); });
        }
    };
    text_setting("Base currency", "analytics.currency", "EUR", 80 * s, "EUR");
    text_setting("Exchange rates", "analytics.rates", "", 360 * s, "USD 0.92, GBP 1.17");
    text_setting("Dormancy (days without a sale before a customer counts as churned)", "analytics.dormancy_days", "182", 80 * s, "182");
    text_setting("Default margin % (products without a unit cost)", "analytics.margin_pct", "30", 80 * s, "30");
    text_setting("Sales cost per month (minor units, e.g. cents)", "analytics.sales_cost_per_month", "0", 140 * s, "0");
    text_setting("Sales target per rep per month (minor units)", "analytics.quota_per_rep_month", "0", 140 * s, "0");
    text_setting("Cross-sell: minimum support (share of orders)", "analytics.rules.min_support", "0.01", 80 * s, "0.01");
    text_setting("Cross-sell: minimum confidence", "analytics.rules.min_confidence", "0.3", 80 * s, "0.3");
}

std::string analytics_test_state() {
    nlohmann::json j;
    j["loading"] = S.loader != nullptr;
    j["computing"] = S.computing;
    j["ready"] = S.facts != nullptr;
    j["page"] = kPages[S.page];
    j["load_ms"] = S.load_ms;
    j["loads"] = S.facts_serial;   // working sets loaded so far
    j["worst_slice_ms"] = S.worst_slice_ms;
    j["last_compute_ms"] = S.last_compute_ms;
    j["worst_compute_ms"] = S.worst_compute_ms;
    j["page_compute_ms"] = S.page_compute_ms;
    j["drill"] = S.drill.entity ? nlohmann::json{{"entity", S.drill.entity->table}, {"count", S.drill.rowids.size()}, {"title", S.drill_title}}
                                : nlohmann::json(nullptr);
    j["filter"] = S.filter.describe();
    j["notice"] = S.notice;
    return j.dump();
}

}  // namespace crm::app
