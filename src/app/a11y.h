// a11y.h - the accessible mirror of what the canvas shows (see a11y.cpp).
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>

namespace crm::app {

// Builds this frame's nodes (after ImGui::Render) and returns what changed
// since the last call as JSON for web/a11y.js: {"set":[node...], "del":[key...],
// "order":{parent:[key...]}, "focus":key, "polite":text, "assertive":text};
// "" when nothing did. `drawn`: the picture changed (else only focus and
// announcements are looked at).
std::string a11y_frame_update(const ImDrawData* draw_data, bool drawn);
void a11y_before_frame();            // applies a focus the page asked for (after NewFrame)
void a11y_focus(ImGuiID id);         // the DOM focus moved to an item: ImGui's keyboard focus follows
bool a11y_click(ImGuiID id);         // assistive technology activated an item: a click at its middle
std::string a11y_stats_json(bool reset);   // {"frames","last_ms","max_ms","mean_ms","nodes"}; reset: start counting again

// What the screens say that ImGui does not know: a list's table is a grid of
// `rows` records (call after TableHeadersRow), the last item is its row
// `index` (0-based), the last item is the current one of its set (the rail).
void a11y_grid(const char* name, int64_t rows);
void a11y_row(int64_t index, bool selected);
void a11y_current(bool current);
void a11y_radio(bool checked);   // the last item is a radio button, chosen or not

}  // namespace crm::app
