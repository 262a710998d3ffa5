// test_hooks.h - Dear ImGui's test-engine item hooks, recording each frame's
// labelled items and their rectangles so browser tests can click and type at
// real positions. Built into the shipped app; records only when switched on.
#pragma once

#include <string>

namespace crm::app {

void test_hooks_enable(bool on);
void test_hooks_end_frame();          // the frame's items become the published set
std::string test_hooks_items_json();
// Names the last item for the tests, for widgets ImGui does not label itself (combos).
void test_label_last_item(const char* label);  // [{"label","id","x","y","w","h","window"}], device pixels

}  // namespace crm::app
