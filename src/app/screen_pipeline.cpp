// screen_pipeline.cpp - the opportunity pipeline: a kanban board by stage
// (drag a card to another column, or select it and press Ctrl+Left/Right),
// with each column's count, amount and weighted amount; the table view; the
// weighted forecast by month, owner and stage; the most likely to close.
#include <imgui.h>

#include "app/app_state.h"
#include "workflows/pipeline.h"
#include "records/views.h"

namespace crm::app {

namespace {

std::vector<StageColumn> g_board;
uint64_t g_board_version = 0;
std::string g_board_owner = "-";

int stage_index(const std::string& stage) {
    const auto& st = pipeline_stages();
    for (size_t i = 0; i < st.size(); i++)
        if (stage == st[i]) return (int)i;
    return -1;
}

void move(const std::string& id, const std::string& to) {
    if (to == "lost") {
        open_workflow_dialog("lost", id);
        return;
    }
    perform(
        [=] {
            move_opportunity(*g.store, id, to);
            notify(std::string("Moved to ") + choice_label(to.c_str()));
            g.last_error.clear();
            data_changed();
        },
        [](const std::exception& e) { g.last_error = error_text(e); });
}

void draw_board() {
    float s = g.scale;
    if (g_board_version != g.data_version || g_board_owner != g.pipeline_owner) {
        g_board = pipeline_board(*g.store, g.pipeline_owner, 60, format_date(g.store->now_ms() - 90LL * 86400000));
        g_board_version = g.data_version;
        g_board_owner = g.pipeline_owner;
    }
    // Keyboard: Ctrl+Left / Ctrl+Right moves the selected card a stage.
    if (!g.pipeline_selected.empty() && ImGui::GetIO().KeyCtrl && !ImGui::GetIO().WantTextInput) {
        int dir = ImGui::IsKeyPressed(ImGuiKey_RightArrow, false) ? 1 : ImGui::IsKeyPressed(ImGuiKey_LeftArrow, false) ? -1 : 0;
        if (dir) {
            if (auto r = g.store->get(kOpportunities, g.pipeline_selected)) {
                int i = stage_index(r->text("stage")) + dir;
                if (i >= 0 && i < (int)pipeline_stages().size()) move(r->id, pipeline_stages()[(size_t)i]);
            }
        }
    }
    float col_w = (ImGui::GetContentRegionAvail().x - 4 * ImGui::GetStyle().ItemSpacing.x) / 5.0f;
    for (size_t c = 0; c < g_board.size(); c++) {
        const StageColumn& col = g_board[c];
        if (c) ImGui::SameLine();
        ImGui::PushID(col.stage.c_str());
        std::string child = "column_" + col.stage;
        ImGui::BeginChild(child.c_str(), ImVec2(col_w, 0), ImGuiChildFlags_Border);
        ImGui::PushFont(g.font_bold);
        ImGui::Text("%s (%lld)", choice_label(col.stage.c_str()), (long long)col.count);
        ImGui::PopFont();
        ImGui::TextDisabled("%s", money_text(col.amount, "").c_str());
        if (col.stage != "won" && col.stage != "lost") ImGui::TextDisabled("weighted %s", money_text(col.weighted, "").c_str());
        else ImGui::TextDisabled(col.stage == "won" ? "closed in the last 90 days" : "lost in the last 90 days");
        ImGui::Separator();
        for (const Record& card : col.cards) {
            ImGui::PushID(card.id.c_str());
            std::string label = card.text("name");
            bool selected = g.pipeline_selected == card.id;
            if (ImGui::Selectable(label.c_str(), selected, ImGuiSelectableFlags_AllowDoubleClick, ImVec2(0, 0))) {
                g.pipeline_selected = card.id;
                if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) open_record(kOpportunities, card.id);
            }
            if (ImGui::BeginDragDropSource()) {
                ImGui::SetDragDropPayload("opportunity", card.id.c_str(), card.id.size() + 1);
                ImGui::Text("%s", label.c_str());
                ImGui::EndDragDropSource();
            }
            ImGui::TextDisabled("%s  %s  %lld%%", ref_title(kAccounts, card.text("account_id")).c_str(),
                                money_text(card.integer("amount"), card.text("currency")).c_str(), (long long)card.integer("probability"));
            ImGui::TextDisabled("close %s  %s", card.text("expected_close").c_str(), ref_title(kUsers, card.text("owner_id")).c_str());
            ImGui::Spacing();
            ImGui::PopID();
        }
        if ((int64_t)col.cards.size() < col.count) ImGui::TextDisabled("+ %lld more (see the table)", (long long)(col.count - (int64_t)col.cards.size()));
        ImGui::EndChild();
        // The whole column takes drops.
        if (ImGui::BeginDragDropTarget()) {
            if (const ImGuiPayload* p = ImGui::AcceptDragDropPayload("opportunity")) {
                std::string id((const char*)p->Data);
                g.pipeline_selected = id;
                move(id, col.stage);
            }
            ImGui::EndDragDropTarget();
        }
        ImGui::PopID();
    }
    (void)s;
}

void draw_forecast() {
    auto table = [](const char* id, const char* what, ForecastBy by) {
        auto rows = weighted_forecast(*g.store, by);
        if (!ImGui::BeginTable(id, 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) return;
        ImGui::TableSetupColumn(what);
        ImGui::TableSetupColumn("Open");
        ImGui::TableSetupColumn("Amount");
        ImGui::TableSetupColumn("Weighted (amount x probability)");
        ImGui::TableHeadersRow();
        int64_t total = 0;
        for (const ForecastRow& r : rows) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            std::string key = by == ForecastBy::Owner ? (r.key.empty() ? "(no owner)" : ref_title(kUsers, r.key))
                            : by == ForecastBy::Stage ? choice_label(r.key.c_str()) : (r.key.empty() ? "(no date)" : r.key);
            ImGui::TextUnformatted(key.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%lld", (long long)r.count);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(money_text(r.amount, "").c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(money_text(r.weighted, "").c_str());
            total += r.weighted;
        }
        ImGui::EndTable();
        ImGui::Text("Weighted total %s", money_text(total, "").c_str());
    };
    if (ImGui::BeginTable("forecast_layout", 2, ImGuiTableFlags_SizingStretchSame)) {
        ImGui::TableNextColumn();
        bold_text("By month of expected close");
        table("by_month", "Month", ForecastBy::Month);
        ImGui::TableNextColumn();
        bold_text("By stage");
        table("by_stage", "Stage", ForecastBy::Stage);
        ImGui::Spacing();
        bold_text("By owner");
        table("by_owner", "Owner", ForecastBy::Owner);
        ImGui::Spacing();
        bold_text("Most likely to close");
        draw_simple_table("likely", most_likely_to_close(*g.store, 10),
                          {{"Opportunity", "name"}, {"Probability %", "probability"}, {"Expected close", "expected_close"}, {"Amount", "amount"}},
                          &kOpportunities);
        ImGui::EndTable();
    }
}

}  // namespace

void draw_pipeline_screen() {
    ImGui::PushFont(g.font_big);
    ImGui::TextUnformatted("Pipeline");
    ImGui::PopFont();
    ImGui::SameLine(0, 20 * g.scale);
    ImGui::SetNextItemWidth(160 * g.scale);
    std::string owner_title = g.pipeline_owner.empty() ? "Everyone" : ref_title(kUsers, g.pipeline_owner);
    if (ImGui::BeginCombo("Owner##pipeline", owner_title.c_str())) {
        if (ImGui::Selectable("Everyone", g.pipeline_owner.empty())) g.pipeline_owner.clear();
        ListQuery uq{&kUsers, "name"};
        uq.filters = {{"role", "sales_rep"}};
        for (const Record& u : list_all(*g.db, uq)) {
            ImGui::PushID(u.id.c_str());
            if (ImGui::Selectable(u.text("name").c_str(), g.pipeline_owner == u.id)) g.pipeline_owner = u.id;
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button("New opportunity")) open_create_dialog(kOpportunities);
    ImGui::SameLine();
    ImGui::TextDisabled("Drag a card to another stage, or select it and press Ctrl+Left / Ctrl+Right. Double-click opens it.");
    if (ImGui::BeginTabBar("pipeline_tabs")) {
        if (ImGui::BeginTabItem("Board")) {
            draw_board();
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Table")) {
            draw_list_screen(g.opportunities, kOpportunities);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Forecast")) {
            draw_forecast();
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
}

}  // namespace crm::app
