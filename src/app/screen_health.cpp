// screen_health.cpp - data decay on screen: the Data health tab of the Data
// quality screen (the score, each issue's count, the records with issues
// worst first, Mark verified) and its card on the Dashboard. The checks run a
// slice a frame (quality/data_health.h) and again when the data changed.
#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/charts.h"
#include "app_state.h"
#include "base/util.h"
#include "imgui.h"
#include "quality/data_health.h"

namespace crm::app {

namespace {

// One check per entity; the Dashboard wants both, the tab the one it shows.
struct HealthJob {
    const EntitySpec* entity;
    std::unique_ptr<HealthScan> scan;
    HealthReport report;
    bool ready = false;
    uint64_t version = 0;   // g.data_version the report was made at
    int months = 0;
};
HealthJob jobs[2] = {{&kContacts}, {&kAccounts}};

struct HealthView {
    int job = 0;
    int issue = -1;                 // the list's filter: -1 every record with an issue
    std::vector<size_t> rows;       // indexes into report.flagged through the filter
    const HealthReport* rows_of = nullptr;
    int rows_issue = -2;
    std::string selected;           // a record id
    std::string result, error;
};
HealthView hv;

int months_setting() {
    try {
        int m = atoi(g.store->setting("quality.verify_months", "12").c_str());
        return m >= 1 && m <= 240 ? m : 12;
    } catch (const std::exception&) {
        return 12;   // the settings' page is still loading
    }
}

bool stale(const HealthJob& j) { return !j.ready || j.version != g.data_version || j.months != months_setting(); }

void start(HealthJob& j) {
    hv.error.clear();
    HealthOptions o;
    o.months = months_setting();
    j.months = o.months;
    j.version = g.data_version;
    j.scan = std::make_unique<HealthScan>(*g.store, *j.entity, o);
}

// Runs a slice of the job if it is due; true while it runs.
bool pump(HealthJob& j) {
    if (!j.scan && !stale(j)) return false;
    try {
        if (!j.scan) start(j);
        static double last_slice = 0;
        if (j.scan->step(slice_budget_ms(last_slice, 0.5, 4.0, 16.0))) {
            j.report = j.scan->report();
            j.ready = true;
            j.scan.reset();
            hv.rows_of = nullptr;   // the list is made again from the new report
        }
    } catch (const std::exception& e) {
        if (waiting_for_data(e)) {   // the slice runs again once the blocks come
            g.waits_for_data++;
            return true;
        }
        j.scan.reset();
        j.ready = true;   // not again at every frame: the error is shown until the data changes
        j.report = HealthReport{};
        j.report.entity = j.entity;
        hv.rows_of = nullptr;
        hv.error = error_text(e);
    }
    return j.scan != nullptr;
}

std::string issues_text(uint32_t bits) {
    std::string out;
    for (int i = 0; i < H_Count; i++)
        if (bits & (1u << i)) out += (out.empty() ? "" : ", ") + std::string(health_issue_label(i));
    return out;
}

const char* band_text(double score) { return score >= 80 ? "good" : score >= 50 ? "fair" : "poor"; }

void make_rows(const HealthReport& r) {
    if (hv.rows_of == &r && hv.rows_issue == hv.issue) return;
    hv.rows.clear();
    for (size_t i = 0; i < r.flagged.size(); i++)
        if (hv.issue < 0 || (r.flagged[i].issues & (1u << hv.issue))) hv.rows.push_back(i);
    hv.rows_of = &r;
    hv.rows_issue = hv.issue;
}

}  // namespace

void draw_health_tab() {
    float s = g.scale;
    ImGui::TextWrapped("Records decay: people change jobs and companies move (about a fifth of B2B data a year). A record is healthy when "
                       "it was verified lately, its e-mail and phone can be right and did not bounce, and its key fields are filled in.");
    for (int k = 0; k < 2; k++) {
        std::string label = std::string("Health of ") + jobs[k].entity->table;
        if (radio_button(label.c_str(), hv.job == k) && hv.job != k) {
            hv.job = k;
            hv.selected.clear();
            hv.rows_of = nullptr;
        }
        ImGui::SameLine();
    }
    int months = months_setting();
    ImGui::SetNextItemWidth(110 * s);
    if (ImGui::InputInt("months without verification make a record stale", &months) && months >= 1 && months <= 240)
        change([months] { g.store->set_setting("quality.verify_months", std::to_string(months)); });
    HealthJob& j = jobs[hv.job];
    bool running = pump(j);
    if (running) ImGui::ProgressBar((float)j.scan->progress(), ImVec2(-1, 0), "checking...");
    if (!hv.result.empty()) ImGui::TextDisabled("%s", hv.result.c_str());
    if (!hv.error.empty()) ImGui::TextColored(pal().error, "%s", hv.error.c_str());
    if (!j.ready || (running && j.report.records == 0)) return;
    const HealthReport& r = j.report;
    ImGui::PushFont(g.font_big);
    ImGui::Text("Health score %.0f of 100 (%s)", r.score, band_text(r.score));
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::TextDisabled("%lld %s: %lld good, %lld fair, %lld poor", (long long)r.records, r.entity->table, (long long)r.good, (long long)r.fair,
                        (long long)r.poor);
    // The issues as filters with their counts.
    std::string all = "Every issue (" + std::to_string(r.flagged.size()) + ")";
    if (radio_button(all.c_str(), hv.issue == -1)) hv.issue = -1;
    for (int i = 0; i < H_Count; i++) {
        if (!r.counts[(size_t)i]) continue;
        std::string label = std::string(health_issue_label(i)) + (i == H_Stale ? " in " + std::to_string(r.months) + " months" : "") + " (" +
                            std::to_string(r.counts[(size_t)i]) + ")";
        ImGui::SameLine();
        same_line_if_fits(ImGui::CalcTextSize(label.c_str()).x + 40 * s);
        if (radio_button(label.c_str(), hv.issue == i)) hv.issue = i;
    }
    make_rows(r);
    if (r.flagged.empty()) {
        ImGui::TextDisabled("Nothing to do: every record is verified, complete and reachable.");
        return;
    }
    const EntitySpec* e = r.entity;
    ImGui::BeginDisabled(hv.selected.empty());
    if (ImGui::Button("Open")) open_record(*e, hv.selected);
    ImGui::SameLine();
    if (ImGui::Button("Mark verified")) {
        std::string id = hv.selected;
        change([e, id] { mark_verified(*g.store, *e, {id}); }, "Marked verified", [id, e] {
            hv.result = "Marked " + std::string(e->singular) + " verified";
        });
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextDisabled("%zu records; choose one to open it or mark it verified", hv.rows.size());
    if (!ImGui::BeginTable("health", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Score", ImGuiTableColumnFlags_WidthFixed, 60 * s);
    ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch, 2);
    ImGui::TableSetupColumn("Last verified", ImGuiTableColumnFlags_WidthFixed, 120 * s);
    ImGui::TableSetupColumn("Issues", ImGuiTableColumnFlags_WidthStretch, 3);
    ImGui::TableHeadersRow();
    ImGuiListClipper clip;
    clip.Begin((int)hv.rows.size());
    while (clip.Step())
        for (int k = clip.DisplayStart; k < clip.DisplayEnd; k++) {
            const RecordHealth& h = r.flagged[hv.rows[(size_t)k]];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextColored(h.score < 50 ? pal().error : h.score < 80 ? pal().warning : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%d", h.score);
            ImGui::TableNextColumn();
            ImGui::PushID(h.id.c_str());
            if (ImGui::Selectable(h.title.empty() ? "(no name)" : h.title.c_str(), hv.selected == h.id, ImGuiSelectableFlags_SpanAllColumns))
                hv.selected = h.id;
            if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(0)) open_record(*e, h.id);
            ImGui::PopID();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(h.verified.substr(0, 10).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(issues_text(h.issues).c_str());
        }
    ImGui::EndTable();
}

// The Dashboard's card: both scores and each issue's count, contacts and
// accounts side by side; a click opens the tab filtered to that issue.
void draw_dashboard_health() {
    bool running = false;
    for (HealthJob& j : jobs) running |= pump(j);
    bold_text("Data health");
    if (!jobs[0].ready || !jobs[1].ready) {
        ImGui::TextDisabled("Checking the records...");
        return;
    }
    for (HealthJob& j : jobs) {
        ImGui::Text("%s %.0f of 100 (%s)", j.entity->label, j.report.score, band_text(j.report.score));
        ImGui::SameLine();
    }
    ImGui::TextDisabled("%s", running ? "(checking again...)" : "");
    std::vector<std::string> cats;
    std::vector<int> issue_of;
    chart::Series c{"contacts", {}}, a{"accounts", {}};
    for (int i = 0; i < H_Count; i++) {
        if (!jobs[0].report.counts[(size_t)i] && !jobs[1].report.counts[(size_t)i]) continue;
        cats.push_back(health_issue_label(i));
        issue_of.push_back(i);
        c.values.push_back((double)jobs[0].report.counts[(size_t)i]);
        a.values.push_back((double)jobs[1].report.counts[(size_t)i]);
    }
    if (cats.empty()) {
        ImGui::TextDisabled("No issue: every record is verified, complete and reachable.");
        return;
    }
    int series = -1;
    int hit = chart::bars("Dashboard data health", cats, {c, a}, chart::Format::Count, 150 * g.scale, false, &series);
    if (hit >= 0) {
        hv.job = series == 1 ? 1 : 0;
        hv.issue = issue_of[(size_t)hit];
        hv.rows_of = nullptr;
        show_health_tab();
    }
}

bool health_check_running() { return jobs[0].scan != nullptr || jobs[1].scan != nullptr; }

std::string health_state_json() {
    nlohmann::json out = nlohmann::json::object();
    for (const HealthJob& j : jobs) {
        nlohmann::json counts = nlohmann::json::object();
        for (int i = 0; i < H_Count; i++) counts[health_issue_label(i)] = j.report.counts[(size_t)i];
        nlohmann::json flagged = nlohmann::json::array();
        for (size_t k = 0; k < j.report.flagged.size() && k < 5000; k++) {   // the tests' data: all of it
            const RecordHealth& h = j.report.flagged[k];
            flagged.push_back({{"id", h.id}, {"title", h.title}, {"score", h.score}, {"issues", issues_text(h.issues)}});
        }
        out[j.entity->table] = {{"ready", j.ready && !j.scan}, {"records", j.report.records}, {"score", j.report.score},
                                {"counts", counts}, {"flagged", flagged}, {"months", j.report.months}};
    }
    out["tab_entity"] = jobs[hv.job].entity->table;
    out["issue"] = hv.issue;
    out["rows"] = hv.rows.size();
    out["selected"] = hv.selected;
    out["result"] = hv.result;
    out["error"] = hv.error;
    return out.dump();
}

}  // namespace crm::app
