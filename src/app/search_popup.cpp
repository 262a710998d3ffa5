// search_popup.cpp - global search (Ctrl+K) across contacts, accounts and
// leads: type, move with the arrow keys, Enter opens the record.
#include <imgui.h>

#include <algorithm>

#include "app/app_state.h"
#include "records/search.h"

namespace crm::app {

void draw_search_popup() {
    if (!g.search_open) return;
    const char* id = "Search###global_search";
    if (g.search_just_opened) ImGui::OpenPopup(id);
    float s = g.scale;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + vp->Size.x * 0.5f, vp->Pos.y + (g.narrow ? 8 : 90) * s), ImGuiCond_Always, ImVec2(0.5f, 0));
    ImGui::SetNextWindowSize(ImVec2(std::min(640 * s, vp->Size.x - 16 * s), 0));
    if (!ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoMove)) {
        g.search_open = false;
        return;
    }
    if (g.search_just_opened) {
        ImGui::SetKeyboardFocusHere();
        g.search_just_opened = false;
    }
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputTextWithHint("##global_search", "Search contacts, accounts and leads...", g.search_text, sizeof g.search_text))
        g.search_selected = 0;
    // The hits are kept until the text or the data changes: a frame drawn for
    // the caret's blink or a hover does not search again.
    static std::vector<SearchHit> hits;
    static std::string hits_text, error;
    static int64_t hits_changes = -1, matches = 0;
    if (hits_text != g.search_text || hits_changes != g.db->total_changes()) {
        hits_text = g.search_text;
        hits_changes = g.db->total_changes();
        hits.clear();
        error.clear();
        try {
            hits = search(*g.db, g.search_text, 12);
            std::string match = fts_prefix_query(g.search_text);
            matches = match.empty() ? 0 : search_match_count(*g.db, match, -1);
        } catch (const std::exception& e) {
            if (waiting_for_data(e)) hits_changes = -1;   // searched again when the blocks come
            else error = error_text(e);
        }
    }
    if (!error.empty()) ImGui::TextDisabled("%s", error.c_str());
    if (ImGui::IsKeyPressed(ImGuiKey_DownArrow)) g.search_selected = std::min<int>(g.search_selected + 1, (int)hits.size() - 1);
    if (ImGui::IsKeyPressed(ImGuiKey_UpArrow)) g.search_selected = std::max(g.search_selected - 1, 0);
    bool close = ImGui::IsKeyPressed(ImGuiKey_Escape);
    int open_index = ImGui::IsKeyPressed(ImGuiKey_Enter) && !hits.empty() ? g.search_selected : -1;
    for (int i = 0; i < (int)hits.size(); i++) {
        const SearchHit& h = hits[(size_t)i];
        ImGui::PushID(i);
        const char* kind = h.entity == "contacts" ? "Contact" : h.entity == "accounts" ? "Account" : "Lead";
        if (ImGui::Selectable(h.title.c_str(), i == g.search_selected, 0, ImVec2(0, 0))) open_index = i;
        ImGui::SameLine(300 * s);
        ImGui::TextDisabled("%s  %s  %s", kind, h.subtitle.c_str(), h.detail.c_str());
        ImGui::PopID();
    }
    if (g.search_text[0] && hits.empty()) ImGui::TextDisabled("No matches.");
    if (matches > kRankedMatches) ImGui::TextDisabled("The newest of %lld matches. Type more to find the best ones.", (long long)matches);
    if (open_index >= 0) {
        const SearchHit& h = hits[(size_t)open_index];
        g.record = RecordView{};
        g.back.clear();
        open_record(entity(h.entity), h.id);
        close = true;
    }
    if (close) {
        g.search_open = false;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

}  // namespace crm::app
