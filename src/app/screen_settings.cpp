// screen_settings.cpp - the rules the workflows follow, edited in the app:
// lead assignment and scoring rules and the score bands, SLA targets per tier
// and priority and the tier queues, queues, knowledge-base articles, e-mail
// templates, segments, users. Each table uses the create / edit / delete
// dialogs every record has.
#include <imgui.h>

#include <cstdlib>
#include <map>

#include "app/app_state.h"
#include "workflows/leads.h"
#include "records/listing.h"
#include "workflows/sla.h"
#include "records/views.h"

namespace crm::app {

namespace {

void record_table(const EntitySpec& e, const char* sort, std::vector<const char*> cols) {
    std::string new_label = std::string("New ") + e.singular;
    if (ImGui::Button(new_label.c_str())) open_create_dialog(e);
    // The rows, read again only after a write (several tables share the screen).
    static std::map<const EntitySpec*, std::pair<uint64_t, std::vector<Record>>> cache;
    auto& [read_at, rows] = cache[&e];
    if (read_at != g.data_version) {
        rows = list_all(*g.db, ListQuery{&e, sort});
        read_at = g.data_version;
    }
    ImGui::SameLine();
    ImGui::TextDisabled("%zu", rows.size());
    if (!ImGui::BeginTable(e.table, (int)cols.size() + 1, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                                              ImGuiTableFlags_ScrollY, ImVec2(0, 0)))
        return;
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* c : cols) ImGui::TableSetupColumn(e.field(c) ? e.field(c)->label : c);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 110 * g.scale);
    ImGui::TableHeadersRow();
    for (const Record& r : rows) {
        ImGui::TableNextRow();
        ImGui::PushID(r.id.c_str());
        for (const char* c : cols) {
            ImGui::TableNextColumn();
            const FieldSpec* f = e.field(c);
            std::string v = r.text(c);
            if (f && f->type == FieldType::Ref) v = ref_title(entity(f->ref), v);
            else if (f && f->type == FieldType::Choice) v = choice_label(v.c_str());
            else if (f && f->type == FieldType::Bool) v = v == "1" ? "yes" : "no";
            if (v.size() > 120) v = v.substr(0, 117) + "...";
            ImGui::TextUnformatted(v.c_str());
        }
        ImGui::TableNextColumn();
        if (ImGui::SmallButton("Edit")) open_edit_dialog(e, r.id);
        ImGui::SameLine();
        if (ImGui::SmallButton("Delete")) ask_delete(e, r.id);
        ImGui::PopID();
    }
    ImGui::EndTable();
}

void setting_int(const char* label, const char* key, int fallback) {
    int v = std::atoi(g.store->setting(key, std::to_string(fallback)).c_str());
    ImGui::SetNextItemWidth(120 * g.scale);
    if (ImGui::InputInt(label, &v, 5, 10, ImGuiInputTextFlags_EnterReturnsTrue) || ImGui::IsItemDeactivatedAfterEdit()) {
        change([k = std::string(key), v] { g.store->set_setting(k, std::to_string(v)); });
    }
}

}  // namespace

void draw_settings_screen() {
    ImGui::PushFont(g.font_big);
    ImGui::TextUnformatted("Settings");
    ImGui::PopFont();
    if (!ImGui::BeginTabBar("settings_tabs")) return;
    if (ImGui::BeginTabItem("Lead assignment")) {
        ImGui::TextWrapped("Rules are tried in order: territory (the lead's country in the list, e.g. \"DE, AT, CH\"), line of business, "
                           "round robin among a team's active sales reps. A new lead goes to the first match.");
        record_table(kAssignmentRules, "position", {"position", "kind", "match", "user_id", "team", "active"});
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Lead scoring")) {
        ImGui::TextWrapped("Points per lead attribute (field = value) and per action (an activity of that type on the lead). "
                           "Scores are kept between 0 and 100.");
        setting_int("Hot from", "leads.hot_from", 70);
        ImGui::SameLine();
        setting_int("Warm from", "leads.warm_from", 40);
        ImGui::SameLine();
        if (ImGui::Button("Rescore all open leads")) change([] { rescore_all_leads(*g.store); }, "Leads rescored");
        record_table(kScoringRules, "created_at", {"kind", "action", "field", "value", "points", "label"});
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Service levels")) {
        ImGui::TextWrapped("Response and resolution targets per service tier and priority. Without a row here, the defaults apply:");
        if (ImGui::BeginTable("sla_defaults", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
            ImGui::TableSetupColumn("Tier");
            for (const char* p : {"urgent", "high", "normal", "low"}) ImGui::TableSetupColumn(choice_label(p));
            ImGui::TableHeadersRow();
            for (const char* t : {"Gold", "Silver", "Bronze"}) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(t);
                for (const char* p : {"urgent", "high", "normal", "low"}) {
                    ImGui::TableNextColumn();
                    SlaTarget d = default_sla_target(t, p);
                    ImGui::Text("%dh %02dm / %dh", d.response_minutes / 60, d.response_minutes % 60, d.resolution_minutes / 60);
                }
            }
            ImGui::EndTable();
        }
        ImGui::TextUnformatted("Queue for each tier's customers (empty: by case type):");
        for (const char* t : {"Gold", "Silver", "Bronze"}) {
            std::string key = std::string("cases.queue.") + t, q = g.store->setting(key), filter;
            std::string label = std::string(t) + "##tierqueue";
            if (ref_picker(label.c_str(), kQueues, q, filter, 240 * g.scale)) {
                change([key, q] { g.store->set_setting(key, q); });
            }
        }
        record_table(kSlaTargets, "tier", {"tier", "priority", "response_minutes", "resolution_minutes"});
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Queues")) {
        record_table(kQueues, "name", {"name", "line", "case_types", "skills"});
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Knowledge base")) {
        record_table(kKbArticles, "title", {"title", "problem", "solution", "case_type"});
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("E-mail templates")) {
        ImGui::TextWrapped("Merge fields: {first_name} {last_name} {full_name} {company} {job_title} {city} {country} {email} {rep_name}; "
                           "{first_name|there} uses \"there\" when the value is empty.");
        record_table(kEmailTemplates, "name", {"name", "subject", "body"});
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Segments")) {
        ImGui::TextWrapped("Rules as JSON, e.g. {\"all\": [{\"field\": \"country\", \"op\": \"=\", \"value\": \"DE\"}, {\"tag\": \"VIP\"}, "
                           "{\"bought\": \"P-1001\"}, {\"spent_at_least\": 100000}]}; \"any\" instead of \"all\" for either.");
        record_table(kSegments, "name", {"name", "rules", "description"});
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Analytics")) {
        draw_analytics_settings();
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Sync")) {
        draw_sync_settings();
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Users")) {
        record_table(kUsers, "name", {"name", "role", "team", "territory", "skills", "line", "active"});
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

}  // namespace crm::app
