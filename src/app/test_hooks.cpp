// test_hooks.cpp - see test_hooks.h. ImGui calls ItemAdd for every item with
// its bounding box and ItemInfo for labelled widgets (buttons, fields,
// selectables, menus, tabs, tree nodes); the two meet by item id.
#include "app/test_hooks.h"

#include <imgui.h>
#include <imgui_internal.h>
#include <nlohmann/json.hpp>

#include <unordered_map>
#include <vector>

namespace {

struct Item {
    ImGuiID id;
    ImRect bb;
    std::string label, window;
};

bool g_on = false;
std::vector<Item> g_frame, g_published;
// Labels announced before their item is added (tab items do that).
std::unordered_map<ImGuiID, std::string> g_early_labels;

}  // namespace

void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, ImGuiID id, const ImRect& bb, const ImGuiLastItemData*) {
    if (!g_on || id == 0) return;
    ImGuiWindow* w = ctx->CurrentWindow;
    // Clipped to the window, so a test never clicks a row scrolled out of view.
    ImRect r = bb;
    if (w) r.ClipWithFull(w->ClipRect);
    if (r.GetWidth() <= 0 || r.GetHeight() <= 0) return;
    auto early = g_early_labels.find(id);
    g_frame.push_back({id, r, early != g_early_labels.end() ? early->second : "", w ? w->Name : ""});
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext*, ImGuiID id, const char* label, ImGuiItemStatusFlags) {
    if (!g_on || !label) return;
    for (auto it = g_frame.rbegin(); it != g_frame.rend(); ++it)
        if (it->id == id) {
            it->label = label;
            return;
        }
    g_early_labels[id] = label;
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}
const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }

namespace crm::app {

void test_hooks_enable(bool on) {
    g_on = on;
    if (ImGui::GetCurrentContext()) ImGui::GetCurrentContext()->TestEngineHookItems = on;
}

void test_hooks_end_frame() {
    if (!g_on) return;
    g_published.swap(g_frame);
    g_frame.clear();
    g_early_labels.clear();
}

void test_label_last_item(const char* label) {
    if (!g_on) return;
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    ImGuiTestEngineHook_ItemInfo(ctx, ctx->LastItemData.ID, label, 0);
}

std::string test_hooks_items_json() {
    nlohmann::json out = nlohmann::json::array();
    for (const Item& i : g_published) {
        if (i.label.empty()) continue;
        out.push_back({{"label", i.label}, {"id", i.id}, {"x", i.bb.Min.x}, {"y", i.bb.Min.y},
                       {"w", i.bb.GetWidth()}, {"h", i.bb.GetHeight()}, {"window", i.window}});
    }
    return out.dump();
}

}  // namespace crm::app
