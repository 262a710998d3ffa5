// screen_other.cpp - the dashboard (real figures from the core, its charts
// from screen_analytics.cpp) and My Day.
#include <imgui.h>

#include "app/app_state.h"
#include "app/platform.h"
#include "workflows/tasks.h"
#include "records/views.h"

namespace crm::app {

namespace {

Overview g_overview;
uint64_t g_overview_version = 0;

void figure(const char* label, const std::string& value) {
    ImGui::BeginGroup();
    ImGui::TextDisabled("%s", label);
    ImGui::PushFont(g.font_big);
    ImGui::TextUnformatted(value.c_str());
    ImGui::PopFont();
    ImGui::EndGroup();
}


}  // namespace

void draw_my_day() {
    static MyDay day;
    static std::vector<Record> reminders;
    static uint64_t version = 0;
    static int64_t minute = 0;
    int64_t now = g.store->now_ms();
    if (version != g.data_version || minute != now / 60000) {   // the lists move with the clock
        day = my_day(*g.store, "", now, g.locale, local_offset());
        reminders = due_reminders(*g.store, now, 10);
        version = g.data_version;
        minute = now / 60000;
    }
    bold_text("My Day");
    if (!reminders.empty()) {
        ImGui::SameLine();
        ImGui::TextColored(pal().warning, "%zu reminder%s due", reminders.size(), reminders.size() == 1 ? "" : "s");
    }
    auto list = [&](const char* title, const std::vector<Record>& tasks, ImVec4 color) {
        ImGui::TextColored(color, "%s (%zu)", title, tasks.size());
        int shown = 0;
        for (const Record& t : tasks) {
            if (++shown > 8) {
                ImGui::TextDisabled("and %zu more", tasks.size() - 8);
                break;
            }
            ImGui::PushID(t.id.c_str());
            if (ImGui::SmallButton("Done")) change([id = t.id] { complete_task(*g.store, id); }, "Task done");
            ImGui::SameLine();
            if (ImGui::SmallButton("+1h")) change([id = t.id] { snooze_task(*g.store, id, 60); });
            ImGui::SameLine();
            if (ImGui::SmallButton("Tomorrow")) change([id = t.id] { snooze_task(*g.store, id, 24 * 60); });
            ImGui::SameLine();
            std::string who = !t.text("contact_id").empty() ? ref_title(kContacts, t.text("contact_id"))
                            : !t.text("lead_id").empty() ? ref_title(kLeads, t.text("lead_id")) : ref_title(kAccounts, t.text("account_id"));
            ImGui::Text("%s  %s  %s", when_text(t.text("due_at")).c_str(), t.text("title").c_str(), who.c_str());
            ImGui::PopID();
        }
    };
    // Four columns side by side; on a phone, one under the other.
    if (g.narrow) {
        list("Overdue", day.overdue, pal().error);
        list("Due today", day.today, pal().warning);
        list("Later this week", day.this_week, pal().info);
        list("Next week", day.next_week, pal().info);
    } else if (ImGui::BeginTable("myday", 4, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_BordersInnerV)) {
        ImGui::TableNextColumn();
        list("Overdue", day.overdue, pal().error);
        ImGui::TableNextColumn();
        list("Due today", day.today, pal().warning);
        ImGui::TableNextColumn();
        list("Later this week", day.this_week, pal().info);
        ImGui::TableNextColumn();
        list("Next week", day.next_week, pal().info);
        ImGui::EndTable();
    }
}

void draw_dashboard() {
    if (g_overview_version != g.data_version) {
        g_overview = overview(*g.store);
        g_overview_version = g.data_version;
    }
    const Overview& o = g_overview;
    float s = g.scale;
    ImGui::PushFont(g.font_big);
    ImGui::TextUnformatted("Dashboard");
    ImGui::PopFont();
    ImGui::Spacing();
    if (ImGui::BeginTable("figures", g.narrow ? 2 : 4, ImGuiTableFlags_SizingStretchSame)) {
        ImGui::TableNextColumn(); figure("Contacts", format_integer(o.contacts, g.locale));
        ImGui::TableNextColumn(); figure("Accounts", format_integer(o.accounts, g.locale));
        ImGui::TableNextColumn(); figure("Open leads", format_integer(o.open_leads, g.locale));
        ImGui::TableNextColumn(); figure("Activities, last 30 days", format_integer(o.activities_30d, g.locale));
        ImGui::TableNextColumn(); figure("Open opportunities", format_integer(o.open_opportunities, g.locale));
        ImGui::TableNextColumn(); figure("Pipeline", money_text(o.pipeline_amount, ""));
        ImGui::TableNextColumn(); figure("Weighted pipeline", money_text(o.weighted_pipeline, ""));
        ImGui::TableNextColumn(); figure("Overdue tasks", format_integer(o.overdue_tasks, g.locale));
        ImGui::TableNextColumn(); figure("Open cases", format_integer(o.open_cases, g.locale));
        ImGui::TableNextColumn(); figure("Cases past resolution target", format_integer(o.cases_breached, g.locale));
        ImGui::EndTable();
    }
    ImGui::Spacing();
    ImGui::TextDisabled("Amounts above are summed across currencies; the charts convert them at the rates in Settings > Analytics. "
                        "Click a chart for its Analytics page.");
    draw_dashboard_charts();
    ImGui::Separator();
    draw_dashboard_health();
    ImGui::Separator();
    draw_my_day();
    (void)s;
}


}  // namespace crm::app
