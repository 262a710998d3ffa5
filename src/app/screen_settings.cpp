// screen_settings.cpp - the rules the workflows follow, edited in the app:
// lead assignment and scoring rules and the score bands, SLA targets per tier
// and priority and the tier queues, queues, knowledge-base articles, e-mail
// templates, segments, users. Each table uses the create / edit / delete
// dialogs every record has.
#include <imgui.h>

#include <cstdlib>
#include <map>

#include "app/app_state.h"
#include "app/platform.h"
#include "base/util.h"
#include "app/test_hooks.h"
#include "workflows/leads.h"
#include "records/listing.h"
#include "workflows/sla.h"
#include "records/custom_fields.h"
#include "records/views.h"

namespace crm::app {

namespace {

std::string g_fields_error;   // the custom-field form's last error, shown under it

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

// Settings > Custom fields: the fields of one record type, a line to add one,
// Edit (label, choices, required, where it shows), Remove after asking, Restore.
void draw_custom_fields_settings() {
    static int entity_index = 1;   // contacts
    static CustomFieldInput in;
    static int type_index = 0;
    static std::string remove_id, remove_label;
    std::string& error = g_fields_error;
    float s = g.scale;
    ImGui::TextWrapped("Fields of your own on contacts, accounts, leads, opportunities and cases. They show in the forms, on the record, "
                       "as list columns and filters, in CSV and JSON import and export, in segment rules, and they sync. A new label "
                       "keeps the data; a removed field keeps its values in the file and in exports.");
    const char* table = kCustomFieldEntities[entity_index];
    const EntitySpec& e = entity(table);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Record type");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(160 * s);
    bool open = ImGui::BeginCombo("##cf_entity", e.label);
    if (!open) test_label_last_item("Record type");
    if (open) {
        for (int i = 0; i < (int)std::size(kCustomFieldEntities); i++)
            if (ImGui::Selectable(entity(kCustomFieldEntities[i]).label, i == entity_index)) entity_index = i;
        ImGui::EndCombo();
    }

    ImGui::SeparatorText("Add a field");
    char label[128];
    snprintf(label, sizeof label, "%s", in.label.c_str());
    ImGui::SetNextItemWidth(220 * s);
    if (ImGui::InputTextWithHint("##cf_label", "Label, e.g. Renewal date", label, sizeof label)) in.label = label;
    test_label_last_item("Field label");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120 * s);
    open = ImGui::BeginCombo("##cf_type", choice_label(kCustomFieldTypes[type_index]));
    if (!open) test_label_last_item("Field type");
    if (open) {
        for (int i = 0; i < (int)std::size(kCustomFieldTypes); i++)
            if (ImGui::Selectable(choice_label(kCustomFieldTypes[i]), i == type_index)) type_index = i;
        ImGui::EndCombo();
    }
    in.type = kCustomFieldTypes[type_index];
    ImGui::SameLine();
    ImGui::Checkbox("Required", &in.required);
    ImGui::SameLine();
    ImGui::Checkbox("In forms", &in.in_form);
    ImGui::SameLine();
    ImGui::Checkbox("List column", &in.in_list);
    if (in.type == "choice") {
        char choices[1024];
        snprintf(choices, sizeof choices, "%s", in.choices.c_str());
        ImGui::SetNextItemWidth(300 * s);
        if (ImGui::InputTextMultiline("##cf_choices", choices, sizeof choices, ImVec2(300 * s, 70 * s))) in.choices = choices;
        test_label_last_item("Choices");
        ImGui::SameLine();
        ImGui::TextDisabled("Choices, one per line");
    }
    if (ImGui::Button("Add field")) {
        in.entity = table;
        CustomFieldInput add = in;
        error.clear();
        perform(
            [add] {
                add_custom_field(*g.store, add);
                in = CustomFieldInput{};
                type_index = 0;
                data_changed();
                notify("Added the field " + add.label);
            },
            [](const std::exception& ex) {   // shown by the form, in the user's words
                auto* v = dynamic_cast<const ValidationError*>(&ex);
                g_fields_error = v ? v->message() : error_text(ex);
            });
    }
    if (!error.empty()) ImGui::TextColored(pal().error, "%s", error.c_str());

    ImGui::SeparatorText(e.label);
    static uint64_t read_at = UINT64_MAX;
    static std::vector<Record> defs;
    static int read_for = -1;
    if (read_at != g.data_version || read_for != entity_index) {
        defs.clear();   // in the fields' order, removed ones too
        for (const FieldSpec* f : custom_fields_of(e))
            if (auto r = g.store->get(kCustomFields, custom_field_id(*g.store, e, f->name), true)) defs.push_back(std::move(*r));
        read_at = g.data_version;
        read_for = entity_index;
    }
    if (defs.empty()) ImGui::TextDisabled("No custom fields on %s yet.", e.label);
    else if (ImGui::BeginTable("custom_fields", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) {
        for (const char* h : {"Label", "Type", "Column", "Required", "Shows in", ""}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (const Record& r : defs) {
            ImGui::TableNextRow();
            ImGui::PushID(r.id.c_str());
            ImGui::TableNextColumn();
            if (r.deleted) ImGui::TextDisabled("%s (removed)", r.text("label").c_str());
            else ImGui::TextUnformatted(r.text("label").c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(choice_label(r.text("type").c_str()));
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", r.text("column_name").c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.integer("required") ? "yes" : "");
            ImGui::TableNextColumn();
            std::string where = std::string("record") + (r.integer("in_form") ? ", forms" : "") + (r.integer("in_list") ? ", list" : "");
            ImGui::TextUnformatted(where.c_str());
            ImGui::TableNextColumn();
            std::string what = r.text("label");
            if (r.deleted) {
                if (ImGui::SmallButton("Restore")) {
                    std::string id = r.id;
                    change([id] { g.store->restore(kCustomFields, id); }, "Restored the field " + what);
                }
                test_label_last_item(("Restore " + what).c_str());
            } else {
                if (ImGui::SmallButton("Edit")) open_edit_dialog(kCustomFields, r.id);
                test_label_last_item(("Edit " + what).c_str());
                ImGui::SameLine();
                if (ImGui::SmallButton("Remove")) {
                    remove_id = r.id;
                    remove_label = what;
                }
                test_label_last_item(("Remove " + what).c_str());
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }

    // Removing asks first.
    if (!remove_id.empty() && !ImGui::IsPopupOpen("Remove field?")) ImGui::OpenPopup("Remove field?");
    place_dialog(0);
    if (ImGui::BeginPopupModal("Remove field?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::Text("Remove the field \"%s\" from %s?", remove_label.c_str(), e.label);
        ImGui::TextDisabled("It leaves the forms, the record view and the lists. Its values stay in the file\n"
                            "and in every export, and Restore brings the field back with them.");
        bool yes = ImGui::Button("Remove field", ImVec2(140 * s, 0));
        ImGui::SameLine();
        bool no = ImGui::Button("Cancel", ImVec2(120 * s, 0)) || ImGui::IsKeyPressed(ImGuiKey_Escape);
        if (yes) {
            std::string id = remove_id;
            change([id] { g.store->remove(kCustomFields, id); }, "Removed the field " + remove_label);
        }
        if (yes || no) {
            remove_id.clear();
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
}

// Region: how this device shows and reads numbers, dates and times. Stored
// values do not change (UTC times, ISO dates); a device setting, as each
// member of a team reads in their own language and zone.
std::string g_zone_error;
void draw_region_settings() {
    static const char* const locales[][2] = {
        {"en-US", "English (United States)"}, {"en-GB", "English (United Kingdom)"}, {"de-DE", "Deutsch (Deutschland)"},
        {"de-CH", "Deutsch (Schweiz)"},      {"fr-FR", "Français (France)"},          {"es-ES", "Español (España)"},
        {"it-IT", "Italiano (Italia)"},       {"nl-NL", "Nederlands (Nederland)"},     {"pt-BR", "Português (Brasil)"},
        {"sv-SE", "Svenska (Sverige)"},       {"pl-PL", "Polski (Polska)"},            {"ja-JP", "日本語 (日本)"},
        {"zh-CN", "中文 (中国)"},              {"ko-KR", "한국어 (대한민국)"}};
    static const char* const zones[] = {"UTC", "America/Los_Angeles", "America/New_York", "America/Sao_Paulo", "Europe/London",
                                        "Europe/Berlin", "Europe/Helsinki", "Asia/Dubai", "Asia/Kolkata", "Asia/Shanghai", "Asia/Tokyo",
                                        "Australia/Sydney"};
    ImGui::TextWrapped("How this device shows and reads numbers, dates and times. What is stored does not change: times are kept in UTC, "
                       "so a colleague in another zone sees the same moment in theirs.");
    ImGui::Spacing();
    std::string cur = g.store->setting("ui.locale"), zone = g.store->setting("ui.time_zone");
    auto set = [](const char* key, std::string value) {
        change([key, value] { g.store->set_setting(key, value); }, "", [] { apply_locale(); });
    };
    static const LocaleFormat browser_locale = platform::describe_locale("", "");   // the browser's own, asked once
    std::string browser = "The browser's (" + browser_locale.tag + ")";
    std::string shown = browser;
    for (auto& l : locales)
        if (cur == l[0]) shown = std::string(l[1]) + " - " + l[0];
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Format");
    ImGui::SameLine(110 * g.scale);
    ImGui::SetNextItemWidth(g.narrow ? -1 : 320 * g.scale);
    bool open = ImGui::BeginCombo("##locale", shown.c_str(), ImGuiComboFlags_HeightLarge);
    if (!open) test_label_last_item("Format");
    if (open) {
        if (ImGui::Selectable(browser.c_str(), cur.empty())) set("ui.locale", "");
        for (auto& l : locales) {
            std::string label = std::string(l[1]) + " - " + l[0];
            if (ImGui::Selectable(label.c_str(), cur == l[0])) set("ui.locale", l[0]);
        }
        ImGui::EndCombo();
    }
    std::string zone_browser = "The browser's (" + browser_locale.time_zone + ")";
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Time zone");
    ImGui::SameLine(110 * g.scale);
    ImGui::SetNextItemWidth(g.narrow ? -1 : 320 * g.scale);
    open = ImGui::BeginCombo("##zone", zone.empty() ? zone_browser.c_str() : zone.c_str(), ImGuiComboFlags_HeightLarge);
    if (!open) test_label_last_item("Time zone");
    if (open) {
        if (ImGui::Selectable(zone_browser.c_str(), zone.empty())) set("ui.time_zone", "");
        for (const char* z : zones)
            if (ImGui::Selectable(z, zone == z)) set("ui.time_zone", z);
        ImGui::EndCombo();
    }
    static char other[64] = "";
    ImGui::SetNextItemWidth(g.narrow ? -1 : 220 * g.scale);
    bool enter = ImGui::InputTextWithHint("##other_zone", "Another zone, e.g. Europe/Paris", other, sizeof other, ImGuiInputTextFlags_EnterReturnsTrue);
    test_label_last_item("Another time zone");
    same_line_if_fits(button_width("Use this zone"));
    if ((ImGui::Button("Use this zone") || enter) && other[0]) {
        std::string z = trim(other);
        if (platform::is_time_zone(z)) {
            g_zone_error.clear();
            set("ui.time_zone", z);
            other[0] = 0;
        } else {
            g_zone_error = "\"" + z + "\" is not a time zone this browser knows: use a name like Europe/Paris or America/Chicago.";
        }
    }
    if (!g_zone_error.empty()) ImGui::TextColored(pal().error, "%s", g_zone_error.c_str());
    ImGui::Spacing();
    static const char* const days[] = {"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    int fd = g.locale.first_day >= 1 && g.locale.first_day <= 7 ? g.locale.first_day : 1;
    ImGui::TextDisabled("Now: %s   Amounts: %s   Weeks start on %s", when_text(format_datetime(g.store->now_ms())).c_str(),
                        money_text(123456789, "EUR").c_str(), days[fd]);
}

}  // namespace

std::string custom_fields_form_error() { return g_fields_error; }
std::string region_settings_error() { return g_zone_error; }

void draw_settings_screen() {
    ImGui::PushFont(g.font_big);
    ImGui::TextUnformatted("Settings");
    ImGui::PopFont();
    if (!ImGui::BeginTabBar("settings_tabs", g.narrow ? ImGuiTabBarFlags_FittingPolicyScroll : 0)) return;
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
    if (ImGui::BeginTabItem("Journeys")) {
        draw_journeys_settings();
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Custom fields")) {
        draw_custom_fields_settings();
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
    if (ImGui::BeginTabItem("Region")) {
        draw_region_settings();
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

}  // namespace crm::app
