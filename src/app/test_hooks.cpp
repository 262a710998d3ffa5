// test_hooks.cpp - see test_hooks.h. ImGui calls ItemAdd for every item with
// its bounding box and ItemInfo for labelled widgets (buttons, fields,
// selectables, menus, tabs, tree nodes) with status flags that say what
// kind it is; the two meet by item id.
#include "app/test_hooks.h"
#include "app/icons.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <unordered_map>

namespace {

using crm::app::FrameItem;

bool g_recording = false;
std::vector<FrameItem> g_frame, g_published;
// Labels announced before their item is added (tab items do that).
std::unordered_map<ImGuiID, std::pair<std::string, const char*>> g_early;

bool name_starts(const ImGuiWindow* w, const char* prefix) { return w && std::strncmp(w->Name, prefix, std::strlen(prefix)) == 0; }

// The ARIA role of a labelled item, from its flags and its surroundings.
const char* role_of(ImGuiContext* ctx, ImGuiID id, ImGuiItemStatusFlags flags) {
    ImGuiWindow* w = ctx->CurrentWindow;
    bool in_menu = name_starts(w, "##Menu_") || (w && w->DC.NavLayerCurrent == ImGuiNavLayer_Menu);
    if (flags & ImGuiItemStatusFlags_Inputable) return "textbox";
    if (flags & ImGuiItemStatusFlags_Checkable)   // every menu item says checkable: only a ticked one is a checkbox
        return !in_menu ? "checkbox" : (flags & ImGuiItemStatusFlags_Checked) ? "menuitemcheckbox" : "menuitem";
    if (flags & ImGuiItemStatusFlags_Openable) return in_menu ? "menuitem" : "button";
    if (ctx->CurrentTabBar && ImGui::TabBarFindTabByID(ctx->CurrentTabBar, id)) return "tab";
    if (in_menu) return "menuitem";
    if (name_starts(w, "##Combo_")) return "option";
    if (w && std::strstr(w->Name, "/nav_")) return "link";   // the rail: one link per screen
    return "button";
}

}  // namespace

void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, ImGuiID id, const ImRect& bb, const ImGuiLastItemData* data) {
    if (!g_recording || id == 0) return;
    ImGuiWindow* w = ctx->CurrentWindow;
    // Clipped to the window, so a test never clicks a row scrolled out of view.
    ImRect r = bb;
    if (w) r.ClipWithFull(w->ClipRect);
    if (r.GetWidth() <= 0 || r.GetHeight() <= 0) return;
    FrameItem it;
    it.id = id;
    it.bb = r;
    it.window = w;
    it.window_name = w ? w->Name : "";
    it.disabled = data && (data->InFlags & ImGuiItemFlags_Disabled);
    it.layer = w ? w->DC.NavLayerCurrent : ImGuiNavLayer_Main;
    it.focus_scope = ctx->CurrentFocusScopeId;
    auto early = g_early.find(id);
    if (early != g_early.end()) {
        it.label = early->second.first;
        it.role = early->second.second;
        it.has_info = true;
        if (ctx->CurrentTabBar) it.selected = ctx->CurrentTabBar->SelectedTabId == id ? 1 : 0;
    }
    g_frame.push_back(std::move(it));
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, ImGuiItemStatusFlags flags) {
    if (!g_recording || !label) return;
    // Windows describe themselves too (their name, for the test engine): the
    // tests find a window by it, but it is not an item anyone presses.
    const char* role = ImGui::FindWindowByID(id) ? nullptr : role_of(ctx, id, flags);
    for (auto it = g_frame.rbegin(); it != g_frame.rend(); ++it)
        if (it->id == id) {
            it->label = crm::app::strip_icon(label);   // "Log call", as a user reads it
            it->role = role;
            it->has_info = true;
            if ((flags & ImGuiItemStatusFlags_Checkable) && role && std::strcmp(role, "menuitem") != 0)
                it->checked = (flags & ImGuiItemStatusFlags_Checked) ? 1 : 0;
            if (flags & ImGuiItemStatusFlags_Openable) it->expanded = (flags & ImGuiItemStatusFlags_Opened) ? 1 : 0;
            return;
        }
    g_early[id] = {crm::app::strip_icon(label), role};
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}
const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }

namespace crm::app {

void item_hooks_start() {
    g_recording = true;
    ImGui::GetCurrentContext()->TestEngineHookItems = true;
}

void test_hooks_enable(bool on) {
    if (on && ImGui::GetCurrentContext()) item_hooks_start();   // off: the mirror still needs them
}

void test_hooks_end_frame() {
    if (!g_recording) return;
    g_published.swap(g_frame);
    g_frame.clear();
    g_early.clear();
}

std::vector<FrameItem>& frame_items() { return g_frame; }
const std::vector<FrameItem>& published_items() { return g_published; }

void test_label_last_item(const char* label) {
    if (!g_recording) return;
    ImGuiID id = ImGui::GetCurrentContext()->LastItemData.ID;
    for (auto it = g_frame.rbegin(); it != g_frame.rend(); ++it)
        if (it->id == id) {
            it->label = label;
            if (!it->has_info) it->role = "combobox";   // only combos come without ImGui's own description
            it->has_info = true;
            return;
        }
}

std::string test_hooks_items_json() {
    nlohmann::json out = nlohmann::json::array();
    for (const FrameItem& i : g_published) {
        if (i.label.empty()) continue;
        out.push_back({{"label", i.label}, {"id", i.id}, {"x", i.bb.Min.x}, {"y", i.bb.Min.y},
                       {"w", i.bb.GetWidth()}, {"h", i.bb.GetHeight()}, {"window", i.window_name},
                       {"role", i.role ? i.role : ""}});
    }
    return out.dump();
}

}  // namespace crm::app
