// test_hooks.h - Dear ImGui's test-engine item hooks, recording each frame's
// items (id, rectangle, label, the kind of widget) for two readers: the
// accessible mirror (a11y.cpp), which is always on, and the browser tests,
// which click and type at the items' real positions.
#pragma once

#include <imgui.h>
#include <imgui_internal.h>

#include <string>
#include <vector>

namespace crm::app {

// What the hooks learn of one item. `role` is decided from ImGui's status
// flags and where the item sits (a tab bar, a menu, a combo's list).
struct FrameItem {
    ImGuiID id = 0;
    ImRect bb;                      // clipped to its window, device pixels
    std::string label;              // as given to ImGui ("Save##dialog")
    ImGuiWindow* window = nullptr;
    std::string window_name;
    const char* role = nullptr;     // ARIA role; nullptr: not announced (no label)
    bool has_info = false;          // ImGui described it (ItemInfo), not only placed it
    bool disabled = false;
    int checked = -1, expanded = -1, selected = -1;   // -1: not applicable
    int64_t row = -1;               // a list row's index (a11y_row)
    ImGuiNavLayer layer = ImGuiNavLayer_Main;
    ImGuiID focus_scope = 0;
};

void item_hooks_start();                                  // records from now on, every frame
void test_hooks_enable(bool on);                          // the tests' published JSON
void test_hooks_end_frame();                              // the frame's items become the published set
std::vector<FrameItem>& frame_items();                    // this frame's, so far
const std::vector<FrameItem>& published_items();          // the last complete frame's
std::string test_hooks_items_json();                      // [{"label","id","x","y","w","h","window"}], device pixels
// Names the last item, for widgets ImGui does not label itself (a combo
// announces nothing: it becomes a combobox) or labels only with an id.
void test_label_last_item(const char* label);

}  // namespace crm::app
