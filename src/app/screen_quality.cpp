// screen_quality.cpp - the Data quality screen. Its Duplicates tab: find
// duplicate contacts, accounts or leads (a slice a frame, with a progress
// bar), look at a group side by side, choose the value to keep per field,
// merge, undo the last merge, or say "not duplicates" once. Its Data health
// tab is screen_health.cpp.
#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "app_state.h"
#include "imgui.h"
#include "quality/duplicates.h"
#include "quality/record_merge.h"
#include "records/views.h"

namespace crm::app {

namespace {

struct Quality {
    const EntitySpec* entity = &kContacts;
    std::unique_ptr<DuplicateScan> scan;
    bool scanned = false;
    DuplicateReport report;
    int selected = -1;                       // group index
    std::vector<std::string> dismissed_groups;   // groups dealt with this session (by their first id)
    // The selected group's merge: which record survives, which record's value each field keeps.
    MergePlan plan;
    size_t survivor = 0;
    std::map<std::string, size_t> choice;
    std::string plan_for;                    // the group the plan was made for (ids joined)
    std::string result, error;
    uint64_t scanned_version = 0;
};
Quality q;
bool g_open_health = false;   // show_health_tab(): select that tab next frame

std::string joined(const std::vector<std::string>& ids) {
    std::string out;
    for (const std::string& id : ids) out += id + ",";
    return out;
}

void start_scan() {
    q.scan = std::make_unique<DuplicateScan>(*g.store, *q.entity);
    q.scanned = false;
    q.selected = -1;
    q.dismissed_groups.clear();   // a new scan sees what was merged or dismissed
    q.result.clear();
    q.error.clear();
}

// The plan for the selected group with the chosen survivor first.
void make_plan(const DuplicateGroup& grp) {
    std::vector<std::string> order = grp.ids;
    if (q.survivor < order.size()) std::rotate(order.begin(), order.begin() + (long)q.survivor, order.begin() + (long)q.survivor + 1);
    q.plan = plan_merge(*g.store, *q.entity, order[0], std::vector<std::string>(order.begin() + 1, order.end()));
    q.plan_for = joined(grp.ids) + std::to_string(q.survivor);
    q.choice.clear();
    for (const MergeField& f : q.plan.fields) q.choice[f.name] = f.chosen;
}

void draw_scan_progress() {
    try {
        static double last_slice = 0;
        // Well under a frame: the screen answers while the scan goes on.
        bool done = q.scan->step(slice_budget_ms(last_slice, 0.5, 8.0, 24.0));
        ImGui::ProgressBar((float)q.scan->progress(), ImVec2(-1, 0), done ? "done" : "looking for duplicates...");
        if (done) {
            q.report = q.scan->report();
            q.scan.reset();
            q.scanned = true;
            q.scanned_version = g.data_version;
        } else if (ImGui::Button("Stop")) {
            q.scan.reset();
        }
    } catch (const std::exception& e) {
        if (waiting_for_data(e)) {   // its slice runs again once the blocks come
            g.waits_for_data++;
            ImGui::ProgressBar((float)q.scan->progress(), ImVec2(-1, 0), "loading data...");
            return;
        }
        q.scan.reset();
        q.error = error_text(e);
    }
}

void draw_group(const DuplicateGroup& grp) {
    float s = g.scale;
    std::string key = joined(grp.ids) + std::to_string(q.survivor);
    if (q.plan_for != key) {
        try {
            make_plan(grp);
        } catch (const std::exception& e) {
            if (waiting_for_data(e)) return;
            q.error = error_text(e);   // a record of the group was changed or removed since the scan
            q.selected = -1;
            return;
        }
    }
    const EntitySpec& e = *q.entity;
    for (const DuplicatePair& p : grp.pairs) {
        std::string reasons;
        for (const std::string& r : p.reasons) reasons += (reasons.empty() ? "" : ", ") + r;
        ImGui::TextDisabled("%s and %s: %.0f%% - %s", ref_title(e, p.a).c_str(), ref_title(e, p.b).c_str(), p.score * 100, reasons.c_str());
    }
    std::string survivor = q.plan.ids.empty() ? "" : q.plan.ids[0];
    if (ImGui::Button("Merge")) {
        std::vector<std::string> others(q.plan.ids.begin() + 1, q.plan.ids.end());
        std::map<std::string, size_t> choice = q.choice;
        const EntitySpec* ent = q.entity;
        std::string first = grp.ids[0];
        change([ent, survivor, others, choice, first] {
            MergeSummary m = merge_records(*g.store, *ent, survivor, others, choice);
            q.result = "Merged " + std::to_string(m.merged) + " into " + ref_title(*ent, survivor) + ": " +
                       std::to_string(m.references) + " references and " + std::to_string(m.tags) + " tags moved";
            q.dismissed_groups.push_back(first);
            q.selected = -1;
        });
    }
    ImGui::SameLine();
    if (ImGui::Button("Not duplicates")) {
        std::vector<std::string> ids = grp.ids;
        const EntitySpec* ent = q.entity;
        change([ent, ids] {
            Transaction tx(*g.db);
            for (size_t a = 0; a < ids.size(); a++)
                for (size_t b = a + 1; b < ids.size(); b++) dismiss_duplicate(*g.store, *ent, ids[a], ids[b]);
            tx.commit();
            q.result = "Marked as not duplicates: they will not be suggested again";
            q.dismissed_groups.push_back(ids[0]);
            q.selected = -1;
        });
    }
    ImGui::Spacing();
    // Side by side: a column per record, the survivor chosen in the header row,
    // a row per field where they differ with the value to keep ticked.
    int cols = (int)grp.ids.size() + 1;
    if (ImGui::BeginTable("merge", cols, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("Field", ImGuiTableColumnFlags_WidthFixed, 150 * s);
        for (size_t i = 0; i < grp.ids.size(); i++) ImGui::TableSetupColumn(ref_title(e, grp.ids[i]).c_str(), ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableHeadersRow();
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted("Keep");
        for (size_t i = 0; i < grp.ids.size(); i++) {
            ImGui::TableNextColumn();
            ImGui::PushID((int)i);
            if (radio_button("keep this record", q.survivor == i)) q.survivor = i;
            ImGui::SameLine();
            if (ImGui::SmallButton("Open")) open_record(e, grp.ids[i]);
            ImGui::PopID();
        }
        // The plan's ids are the survivor first; the table's columns are the group's order.
        auto plan_index = [&](size_t col) {
            const std::string& id = grp.ids[col];
            for (size_t k = 0; k < q.plan.ids.size(); k++)
                if (q.plan.ids[k] == id) return k;
            return (size_t)0;
        };
        for (const MergeField& f : q.plan.fields) {
            const FieldSpec* fs = e.field(f.name);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(fs ? fs->label : f.name.c_str());
            for (size_t col = 0; col < grp.ids.size(); col++) {
                ImGui::TableNextColumn();
                size_t k = plan_index(col);
                std::string text = fs ? field_text(*fs, f.values[k]) : value_to_text(f.values[k]);
                if (fs && fs->type == FieldType::Ref && !text.empty()) text = ref_title(entity(fs->ref), text);
                if (fs && fs->type == FieldType::Bool) text = text == "1" ? "yes" : "no";
                if (text.empty()) text = "(empty)";
                ImGui::PushID(f.name.c_str());
                ImGui::PushID((int)col);
                if (radio_button(text.c_str(), q.choice[f.name] == k)) q.choice[f.name] = k;
                ImGui::PopID();
                ImGui::PopID();
            }
        }
        ImGui::EndTable();
    }
    if (q.plan.fields.empty()) ImGui::TextDisabled("The records hold the same values.");
}

}  // namespace

static void draw_duplicates_tab();

void draw_quality_screen() {
    ImGui::PushFont(g.font_big);
    ImGui::TextUnformatted("Data quality");
    ImGui::PopFont();
    if (!ImGui::BeginTabBar("quality_tabs")) return;
    if (ImGui::BeginTabItem("Duplicates")) {
        draw_duplicates_tab();
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Data health", nullptr, g_open_health ? ImGuiTabItemFlags_SetSelected : 0)) {
        draw_health_tab();
        ImGui::EndTabItem();
    }
    g_open_health = false;
    ImGui::EndTabBar();
}

void show_health_tab() {
    g.screen = Screen::Quality;
    g_open_health = true;
}

static void draw_duplicates_tab() {
    float s = g.scale;
    ImGui::TextWrapped("Records entered twice: the same e-mail or phone however it was written, names with typos, "
                       "swapped, transliterated or as nicknames, companies under another legal form. Merge keeps one record "
                       "with everything that refers to the others.");
    ImGui::Spacing();
    ImGui::BeginDisabled(q.scan != nullptr);
    for (const EntitySpec* e : {&kContacts, &kAccounts, &kLeads}) {
        std::string label = std::string("Duplicate ") + e->table;
        if (radio_button(label.c_str(), q.entity == e) && q.entity != e) {
            q.entity = e;
            q.scanned = false;
            q.selected = -1;
        }
        ImGui::SameLine();
    }
    if (ImGui::Button("Find duplicates")) start_scan();
    ImGui::SameLine();
    if (ImGui::Button("Undo the last merge")) {
        change([] {
            MergeSummary m = undo_last_merge(*g.store);
            q.result = "Merge undone: " + std::to_string(m.merged) + " records back";
            q.scanned = false;
        });
    }
    ImGui::EndDisabled();
    if (q.scan) draw_scan_progress();
    if (!q.result.empty()) ImGui::TextDisabled("%s", q.result.c_str());
    if (!q.error.empty()) ImGui::TextColored(pal().error, "%s", q.error.c_str());
    if (!q.scanned) return;
    int open = 0;
    for (const DuplicateGroup& grp : q.report.groups)
        open += std::find(q.dismissed_groups.begin(), q.dismissed_groups.end(), grp.ids[0]) == q.dismissed_groups.end();
    ImGui::Text("%lld %s compared: %d groups of likely duplicates", (long long)q.report.records, q.entity->table, open);
    if (q.scanned_version != g.data_version) {
        ImGui::SameLine();
        ImGui::TextDisabled("(the data changed since: find again to see it)");
    }
    if (!open) {
        ImGui::TextDisabled("Nothing to merge: no two records look alike enough.");
        return;
    }
    ImGui::BeginChild("groups", ImVec2(320 * s, 0), true);
    for (int i = 0; i < (int)q.report.groups.size(); i++) {
        const DuplicateGroup& grp = q.report.groups[(size_t)i];
        if (std::find(q.dismissed_groups.begin(), q.dismissed_groups.end(), grp.ids[0]) != q.dismissed_groups.end()) continue;
        std::string label = std::to_string((int)(grp.score * 100 + 0.5)) + "%  " + ref_title(*q.entity, grp.ids[0]);
        if (grp.ids.size() > 2) label += " (+" + std::to_string(grp.ids.size() - 1) + ")";
        ImGui::PushID(i);
        if (ImGui::Selectable(label.c_str(), q.selected == i)) {
            q.selected = i;
            q.survivor = 0;
            q.plan_for.clear();
        }
        ImGui::PopID();
    }
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("group");
    if (q.selected >= 0 && q.selected < (int)q.report.groups.size()) draw_group(q.report.groups[(size_t)q.selected]);
    else ImGui::TextDisabled("Choose a group on the left to compare its records.");
    ImGui::EndChild();
}

bool quality_scan_running() { return q.scan != nullptr; }

std::string quality_state_json() {
    nlohmann::json groups = nlohmann::json::array();
    for (const DuplicateGroup& grp : q.report.groups) {
        if (std::find(q.dismissed_groups.begin(), q.dismissed_groups.end(), grp.ids[0]) != q.dismissed_groups.end()) continue;
        nlohmann::json titles = nlohmann::json::array();
        for (const std::string& id : grp.ids) titles.push_back(ref_title(*q.entity, id));
        groups.push_back({{"score", grp.score}, {"ids", grp.ids}, {"titles", titles}});
    }
    nlohmann::json plan = nlohmann::json::array();
    for (const MergeField& f : q.plan.fields) plan.push_back({{"field", f.name}, {"chosen", q.choice.count(f.name) ? q.choice[f.name] : f.chosen}});
    return nlohmann::json{{"entity", q.entity->table}, {"running", q.scan != nullptr}, {"progress", q.scan ? q.scan->progress() : (q.scanned ? 1.0 : 0.0)},
                          {"scanned", q.scanned}, {"records", q.report.records}, {"groups", groups}, {"selected", q.selected},
                          {"plan_ids", q.plan.ids}, {"plan", plan}, {"result", q.result}, {"error", q.error}}
        .dump();
}

}  // namespace crm::app
