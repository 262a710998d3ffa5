// a11y.cpp - the accessible mirror. To a screen reader a canvas is one
// picture, so each frame whose picture changed is described as nodes with
// ARIA roles and names: the items ImGui placed (the item hooks, test_hooks.cpp,
// say which are buttons, fields, tabs, menus...), the text it drew (read
// back from the draw lists: every glyph is a textured quad whose texture
// corner names the glyph), the lists' grids with their row count and row
// indexes (the screens say so with a11y_grid / a11y_row), and the regions
// (navigation, main, menu bar, dialogs, menus). Only what changed since the
// last frame goes to the page, which keeps a hidden DOM tree of it over the
// canvas (web/a11y.js). Keyboard focus follows both ways, and an activation
// by assistive technology becomes a click at the item's middle, so it goes
// through the same input path as the mouse.
#include "app/a11y.h"
#include "app/icons.h"

#include <imgui_internal.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstring>
#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "app/app_state.h"
#include "app/platform.h"
#include "app/test_hooks.h"

namespace crm::app {
namespace {

using nlohmann::json;

struct Node {
    std::string key, parent, role, name, value, placeholder, live_sort;
    int checked = -1, expanded = -1, selected = -1, current = -1, level = 0;
    bool disabled = false, modal = false, focusable = false;
    int64_t rowcount = -1, rowindex = -1;
    float x = 0, y = 0, w = 0, h = 0;
    ImGuiID id = 0;   // an item's: focus and clicks find it by this
    int column = 0;   // a column header's place in its row
    std::vector<std::string> cells;   // a row's cells' text
    bool operator==(const Node& o) const {
        return key == o.key && parent == o.parent && role == o.role && name == o.name && value == o.value &&
               placeholder == o.placeholder && live_sort == o.live_sort && checked == o.checked && expanded == o.expanded &&
               selected == o.selected && current == o.current && level == o.level && disabled == o.disabled && modal == o.modal &&
               rowcount == o.rowcount && rowindex == o.rowindex && x == o.x && y == o.y && w == o.w && h == o.h && id == o.id &&
               cells == o.cells;
    }
};

// One line of text as drawn: glyphs of one font on one baseline, in order.
struct Run {
    std::string text;
    ImRect r;
    ImGuiWindow* window = nullptr;
    const ImFont* font = nullptr;
    ImU32 color = 0;
    float pen_end = 0, line_y = 0, space = 4;
    bool used = false;
};

struct Glyph {
    unsigned cp = 0;
    float x0 = 0, y0 = 0, x1 = 0, advance = 0;
    const ImFont* font = nullptr;
};

struct Column {
    std::string name;
    float min_x, max_x;
    int sort;              // 0 none, 1 ascending, 2 descending
    ImGuiID header = 0;    // its header's item: activating it sorts by the column
};
struct Grid {
    std::string key, name;
    ImGuiWindow* window = nullptr;
    int64_t rows = 0;
    ImRect rect;          // the table's visible rectangle
    float header_bottom = 0;
    std::vector<Column> cols;
};
struct RowMark { size_t grid; int64_t index; bool selected; float y; };

// This frame's annotations from the screens, by item id.
std::vector<Grid> g_grids;
std::unordered_map<ImGuiID, RowMark> g_rows;
std::unordered_map<ImGuiID, bool> g_current;
std::unordered_map<ImGuiID, bool> g_radio;   // radio buttons (ImGui tells them as plain buttons), and which is chosen

// The glyphs of every font in the atlas, by the texture corner of their quad:
// an open-addressed table (a frame looks up every quad it drew).
struct GlyphTable {
    std::vector<uint64_t> keys;   // 0: empty
    std::vector<Glyph> glyphs;
    uint64_t mask = 0;
    static uint64_t slot(uint64_t k) { return (k * 0x9E3779B97F4A7C15ull) >> 20; }
    void build(std::vector<std::pair<uint64_t, Glyph>>& all) {
        size_t cap = 64;
        while (cap < all.size() * 2) cap *= 2;
        keys.assign(cap, 0);
        glyphs.assign(cap, Glyph{});
        mask = cap - 1;
        for (auto& [k, gl] : all) {
            uint64_t i = slot(k) & mask;
            while (keys[i] && keys[i] != k) i = (i + 1) & mask;
            keys[i] = k;
            glyphs[i] = gl;
        }
    }
    const Glyph* find(uint64_t k) const {
        if (keys.empty() || !k) return nullptr;
        for (uint64_t i = slot(k) & mask;; i = (i + 1) & mask) {
            if (keys[i] == k) return &glyphs[i];
            if (!keys[i]) return nullptr;
        }
    }
};
GlyphTable g_glyphs;
ImTextureID g_glyphs_tex = nullptr;
int g_glyphs_count = -1;

// What the page shows now.
std::unordered_map<std::string, Node> g_shown;
std::unordered_map<std::string, std::vector<std::string>> g_shown_children;
std::string g_focus_sent, g_polite_sent, g_assertive_sent;
ImGuiID g_focus_id_sent = 0;
std::unordered_set<std::string> g_dialogs_open;
std::string g_save_state, g_notice_seen, g_error_seen;

std::unordered_map<ImGuiID, std::string> g_hints;
std::unordered_map<ImGuiID, std::string> g_key_of;   // an item's node key, for the focus   // a field's hint, once seen

ImGuiID g_pending_focus = 0;
double g_last_ms = 0, g_max_ms = 0, g_sum_ms = 0;
double g_phase[4] = {};   // time in reading text, items, text nodes and order, the difference
int64_t g_frames = 0;
int64_t g_changed_frames = 0;   // frames whose picture changed (the mirror's cost is spread over them)
int64_t g_focus_builds = 0;
ImGuiID g_nav_built = 0;     // the keyboard focus when it was
bool g_dirty = false;        // the picture changed since the mirror was built
double g_last_build = -1e9;  // when it was (platform::now_ms)
double g_last_change = -1e9; // when the picture last changed
ImGuiID g_field_built = 0;   // the text field being edited when it was built, and its text
std::string g_field_text_built;

uint64_t uv_key(ImVec2 uv) {
    uint32_t a, b;
    std::memcpy(&a, &uv.x, 4);
    std::memcpy(&b, &uv.y, 4);
    return (uint64_t)a << 32 | b;
}

void index_glyphs() {
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    // Rebuilt at another scale, the atlas keeps its texture and glyph count: its fonts' sizes tell.
    int n = 0;
    for (ImFont* f : atlas->Fonts) n = n * 31 + f->Glyphs.Size * 7 + (int)(f->FontSize * 16) + atlas->TexHeight;
    if (atlas->TexID == g_glyphs_tex && n == g_glyphs_count) return;
    std::vector<std::pair<uint64_t, Glyph>> all;
    for (ImFont* f : atlas->Fonts)
        for (const ImFontGlyph& gl : f->Glyphs)
            // Icons (the Private Use Area) are pictures, not text: not read back.
            if (gl.Visible && !(gl.Codepoint >= 0xE000 && gl.Codepoint <= 0xF8FF))
                all.push_back({uv_key(ImVec2(gl.U0, gl.V0)), Glyph{gl.Codepoint, gl.X0, gl.Y0, gl.X1, gl.AdvanceX, f}});
    g_glyphs.build(all);
    g_glyphs_tex = atlas->TexID;
    g_glyphs_count = n;
}

float space_of(const ImFont* f) {
    const ImFontGlyph* s = const_cast<ImFont*>(f)->FindGlyphNoFallback(' ');
    return s ? s->AdvanceX : f->FontSize * 0.25f;
}

// The text each window drew, line by line. A glyph is a quad of two
// triangles (indexes a, a+1, a+2, a, a+2, a+3) whose top-left texture corner
// is the glyph's in the atlas; a glyph fine-clipped at a window's edge has
// other texture corners and is skipped, like one outside its clip rectangle.
std::vector<Run> read_text(const ImDrawData* dd) {
    std::vector<Run> runs;
    ImGuiContext& c = *ImGui::GetCurrentContext();
    std::unordered_map<const ImDrawList*, ImGuiWindow*> owner;
    for (ImGuiWindow* w : c.Windows)
        if (w->Active && w->DrawList) owner[w->DrawList] = w;
    for (int l = 0; l < dd->CmdListsCount; l++) {
        const ImDrawList* list = dd->CmdLists[l];
        auto o = owner.find(list);
        if (o == owner.end()) continue;
        ImGuiWindow* w = o->second;
        const ImDrawIdx* idx = list->IdxBuffer.Data;
        const ImDrawVert* vtx = list->VtxBuffer.Data;
        Run* cur = nullptr;
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) continue;
            const ImVec4 clip = cmd.ClipRect;
            unsigned k = cmd.IdxOffset, end = cmd.IdxOffset + cmd.ElemCount;
            while (k + 6 <= end) {
                unsigned a = idx[k];
                if (idx[k + 1] != a + 1 || idx[k + 2] != a + 2 || idx[k + 3] != a || idx[k + 4] != a + 2 || idx[k + 5] != a + 3) {
                    k += 3;
                    continue;
                }
                k += 6;
                const ImDrawVert& v0 = vtx[cmd.VtxOffset + a];
                const ImDrawVert& v2 = vtx[cmd.VtxOffset + a + 2];
                const Glyph* found = g_glyphs.find(uv_key(v0.uv));
                if (!found) continue;
                const Glyph& gl = *found;
                ImVec2 mid((v0.pos.x + v2.pos.x) * 0.5f, (v0.pos.y + v2.pos.y) * 0.5f);
                if (mid.x < clip.x || mid.x >= clip.z || mid.y < clip.y || mid.y >= clip.w) continue;
                float gw = gl.x1 - gl.x0;
                float scale = gw > 0 ? (v2.pos.x - v0.pos.x) / gw : 1.0f;
                float pen = v0.pos.x - gl.x0 * scale, line_y = v0.pos.y - gl.y0 * scale;
                char utf8[5] = {};
                ImTextCharToUtf8(utf8, gl.cp);
                if (cur && cur->font == gl.font && std::fabs(line_y - cur->line_y) < 0.75f) {
                    float gap = pen - cur->pen_end;
                    if (gap > -0.75f && gap < 1.6f * cur->space * scale) {
                        if (gap > 0.3f * cur->space * scale) cur->text += ' ';
                        cur->text += utf8;
                        cur->pen_end = pen + gl.advance * scale;
                        cur->r.Add(ImRect(v0.pos, v2.pos));
                        continue;
                    }
                }
                Run r;
                r.text = utf8;
                r.r = ImRect(v0.pos, v2.pos);
                r.window = w;
                r.font = gl.font;
                r.color = v0.col;
                r.pen_end = pen + gl.advance * scale;
                r.line_y = line_y;
                r.space = space_of(gl.font);
                r.r.Min.y = std::min(r.r.Min.y, line_y);
                r.r.Max.y = std::max(r.r.Max.y, line_y + gl.font->FontSize * scale);
                runs.push_back(std::move(r));
                cur = &runs.back();
            }
        }
    }
    return runs;
}

std::string visible_label(const std::string& label) {
    const char* text = strip_icon(label.c_str());   // an icon before it is a picture
    return std::string(text, ImGui::FindRenderedTextEnd(text));   // as ImGui draws it: up to "##"
}

// The region a window's content belongs to: the rail, the content pane, the
// menu bar and status bar of the main window, or a popup of its own.
struct Region { std::string key, role, name; bool modal = false; ImRect r; };
Region region_of(ImGuiWindow* w, ImGuiNavLayer layer) {
    for (ImGuiWindow* c = w; c; c = c->ParentWindow) {
        if (std::strstr(c->Name, "/nav_")) return {"r:nav", "navigation", "Screens", false, c->Rect()};
        if (std::strstr(c->Name, "/content_")) return {"r:main", "main", "Content", false, c->Rect()};
        if (!(c->Flags & ImGuiWindowFlags_ChildWindow) || (c->Flags & ImGuiWindowFlags_Popup)) {
            w = c;
            break;
        }
    }
    std::string title = visible_label(w->Name);
    if (std::strcmp(w->Name, "CRM") == 0)
        return layer == ImGuiNavLayer_Menu ? Region{"r:menubar", "menubar", "Menu bar", false, w->MenuBarRect()}
                                           : Region{"r:status", "region", "Status bar", false, w->Rect()};
    if (w->Flags & ImGuiWindowFlags_Modal) return {std::string("r:") + w->Name, "dialog", title, true, w->Rect()};
    if (std::strncmp(w->Name, "##Menu_", 7) == 0) return {std::string("r:") + w->Name, "menu", "Menu", false, w->Rect()};
    if (std::strncmp(w->Name, "##Combo_", 8) == 0) return {std::string("r:") + w->Name, "listbox", "Choices", false, w->Rect()};
    if (std::strncmp(w->Name, "##Tooltip_", 10) == 0) return {std::string("r:") + w->Name, "tooltip", "", false, w->Rect()};
    return {std::string("r:") + w->Name, "dialog", title.empty() ? "Popup" : title, false, w->Rect()};
}

void place(Node& n, const ImRect& r) {
    n.x = std::round(r.Min.x);
    n.y = std::round(r.Min.y);
    n.w = std::round(r.GetWidth());
    n.h = std::round(r.GetHeight());
}

// The page's update is written by hand: a frame's worth of nodes through a
// JSON library cost more than everything else here.
void put_string(std::string& o, const std::string& s) {
    o += '"';
    for (unsigned char ch : s) {
        if (ch == '"' || ch == '\\') {
            o += '\\';
            o += (char)ch;
        } else if (ch < 0x20) {
            char buf[8];
            snprintf(buf, sizeof buf, "\\u%04x", ch);
            o += buf;
        } else {
            o += (char)ch;
        }
    }
    o += '"';
}
void put_field(std::string& o, const char* name, const std::string& v) {
    o += ",\"";
    o += name;
    o += "\":";
    put_string(o, v);
}
void put_field(std::string& o, const char* name, double v) {
    char buf[48];
    snprintf(buf, sizeof buf, ",\"%s\":%.15g", name, v);
    o += buf;
}

void put_node(std::string& o, const Node& n) {
    o += "{\"k\":";
    put_string(o, n.key);
    put_field(o, "p", n.parent);
    put_field(o, "role", n.role);
    put_field(o, "x", n.x);
    put_field(o, "y", n.y);
    put_field(o, "w", n.w);
    put_field(o, "h", n.h);
    // Right-to-left text was drawn in visual order: the page gets it as written.
    if (!n.name.empty()) put_field(o, "name", spoken_text(n.name));
    if (!n.value.empty() || n.role == "textbox" || n.role == "combobox") put_field(o, "value", spoken_text(n.value));
    if (!n.placeholder.empty()) put_field(o, "placeholder", n.placeholder);
    if (!n.live_sort.empty()) put_field(o, "sort", n.live_sort);
    if (n.checked >= 0) put_field(o, "checked", n.checked);
    if (n.expanded >= 0) put_field(o, "expanded", n.expanded);
    if (n.selected >= 0) put_field(o, "selected", n.selected);
    if (n.current >= 0) put_field(o, "current", n.current);
    if (n.level) put_field(o, "level", n.level);
    if (n.disabled) put_field(o, "disabled", 1);
    if (n.modal) put_field(o, "modal", 1);
    if (n.focusable) put_field(o, "focusable", 1);
    if (n.rowcount >= 0) put_field(o, "rowcount", (double)n.rowcount);
    if (n.rowindex >= 0) put_field(o, "rowindex", (double)n.rowindex);
    if (n.id) put_field(o, "id", (double)n.id);
    if (!n.cells.empty()) {
        o += ",\"cells\":[";
        for (size_t i = 0; i < n.cells.size(); i++) {
            if (i) o += ',';
            put_string(o, spoken_text(n.cells[i]));
        }
        o += ']';
    }
    o += '}';
}

// Reading order: by line (middles within half a line of each other), then left to right.
void reading_order(std::vector<Node*>& v) {
    std::stable_sort(v.begin(), v.end(), [](const Node* a, const Node* b) { return a->y + a->h * 0.5f < b->y + b->h * 0.5f; });
    size_t i = 0;
    while (i < v.size()) {
        float mid = v[i]->y + v[i]->h * 0.5f, tol = std::max(6.0f, std::min(v[i]->h, 40.0f) * 0.5f);
        size_t j = i + 1;
        while (j < v.size() && v[j]->y + v[j]->h * 0.5f - mid < tol) j++;
        std::stable_sort(v.begin() + (std::ptrdiff_t)i, v.begin() + (std::ptrdiff_t)j, [](const Node* a, const Node* b) { return a->x < b->x; });
        i = j;
    }
}

std::string join_runs(const std::vector<const Run*>& rs) {
    std::string s;
    for (const Run* r : rs) {
        if (!s.empty()) s += ' ';
        s += r->text;
    }
    return s;
}

// The runs of each window, so an item looks only at its own window's text.
std::unordered_map<ImGuiWindow*, std::vector<Run*>> g_runs_of;

// Which runs lie inside `r` (their middle does), in reading order.
std::vector<Run*> runs_inside(ImGuiWindow* w, const ImRect& r) {
    std::vector<Run*> out;
    for (auto& [win, list] : g_runs_of) {
        // A multi-line field draws its text in a child window of its own.
        if (win != w && win->ParentWindow != w) continue;
        for (Run* run : list)
            if (!run->used && r.Contains(run->r.GetCenter())) out.push_back(run);
    }
    if (out.size() > 1)
        std::stable_sort(out.begin(), out.end(), [](const Run* a, const Run* b) {
        return std::fabs(a->line_y - b->line_y) > 1 ? a->line_y < b->line_y : a->r.Min.x < b->r.Min.x;
    });
    return out;
}

// A field's name when its label is hidden ("##email"): the text just left of
// it on its line, or just above it, as forms place their labels.
std::string nearby_label(const FrameItem& it) {
    const Run* best = nullptr;
    float best_d = 1e9f;
    float mid_y = it.bb.GetCenter().y;
    for (auto& [win, list] : g_runs_of) {
      if (win != it.window && !(win && it.window && win->RootWindow == it.window->RootWindow)) continue;
      for (const Run* rp : list) {
        const Run& run = *rp;
        float d = 1e9f;
        if (run.r.Min.y <= mid_y && run.r.Max.y >= mid_y && run.r.Max.x <= it.bb.Min.x + 1 && it.bb.Min.x - run.r.Max.x < 320)
            d = it.bb.Min.x - run.r.Max.x;
        else if (run.r.Max.y <= it.bb.Min.y + 1 && it.bb.Min.y - run.r.Max.y < 24 && run.r.Min.x < it.bb.Max.x && run.r.Max.x > it.bb.Min.x)
            d = 400 + (it.bb.Min.y - run.r.Max.y);
        if (d < best_d) {
            best_d = d;
            best = &run;
        }
      }
    }
    if (!best) return "";
    std::string s = best->text;
    while (!s.empty() && (s.back() == ':' || s.back() == ' ' || s.back() == '*')) s.pop_back();
    return s;
}

// The id part of a label ("##First name", "##feed_owner") as words: the last resort.
std::string hidden_label(const std::string& label) {
    size_t p = label.rfind("##");
    if (p == std::string::npos) return "";
    std::string s = label.substr(p + 2);
    while (!s.empty() && s[0] == '#') s.erase(0, 1);
    for (char& ch : s)
        if (ch == '_') ch = ' ';
    return s;
}

// The announcements: a failed save, a notice, an error, a dialog opening.
void announce(std::string& polite, std::string& assertive, const std::vector<Region>& regions) {
    std::string save = !g.file ? "" : g.file->state() == SaveState::Failed ? "failed" : g.file->state() == SaveState::Saving ? "saving" : "saved";
    if (save != g_save_state) {
        if (save == "failed") assertive = "Save failed: " + g.file->error() + ". Your changes are kept here and saved on the next retry.";
        else if (save == "saved" && g_save_state == "failed") polite = "Saved";
        g_save_state = save;
    }
    bool notice_shown = !g.notice.empty() && platform::now_ms() < g.notice_until;
    if (notice_shown && g.notice != g_notice_seen) polite = g.notice;
    g_notice_seen = notice_shown ? g.notice : "";
    if (!g.last_error.empty() && g.last_error != g_error_seen) assertive = g.last_error;
    g_error_seen = g.last_error;
    std::unordered_set<std::string> open;
    for (const Region& r : regions)
        if (r.role == "dialog") {
            open.insert(r.key);
            if (!g_dialogs_open.count(r.key) && polite.empty()) polite = r.name + " dialog";
        }
    g_dialogs_open = std::move(open);
}

}  // namespace

void a11y_grid(const char* name, int64_t rows) {
    ImGuiContext& c = *ImGui::GetCurrentContext();
    ImGuiTable* t = c.CurrentTable;
    if (!t) return;
    Grid gr;
    gr.key = "g" + std::to_string(t->ID);
    gr.name = name;
    gr.window = c.CurrentWindow;
    gr.rows = rows;
    gr.rect = t->OuterRect;
    gr.rect.ClipWithFull(t->OuterWindow->ClipRect);
    gr.header_bottom = t->RowPosY2;
    std::vector<std::pair<int, Column>> cols;
    for (int i = 0; i < t->ColumnsCount; i++) {
        const ImGuiTableColumn& col = t->Columns[i];
        if (!col.IsEnabled) continue;
        int sort = col.SortOrder == 0 ? (col.SortDirection == ImGuiSortDirection_Ascending ? 1 : 2) : 0;
        // A sortable column's header: the item the header row just added over it.
        ImGuiID header = 0;
        const std::vector<FrameItem>& items = frame_items();
        for (size_t k = items.size(); (t->Flags & ImGuiTableFlags_Sortable) && !(col.Flags & ImGuiTableColumnFlags_NoSort) && k-- > 0 && items.size() - k <= 256;) {
            const FrameItem& it = items[k];
            if (it.bb.Min.y >= t->RowPosY2 || it.bb.Max.y <= t->OuterRect.Min.y) continue;
            float cx = it.bb.GetCenter().x;
            if (cx >= col.MinX && cx < col.MaxX) {
                header = it.id;
                break;
            }
        }
        cols.push_back({col.DisplayOrder, Column{ImGui::TableGetColumnName(t, i), col.MinX, col.MaxX, sort, header}});
    }
    std::sort(cols.begin(), cols.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [order, col] : cols) gr.cols.push_back(col);
    g_grids.push_back(std::move(gr));
}

void a11y_row(int64_t index, bool selected) {
    // The clipper submits a row out of view too (the first, to measure): only those shown count.
    if (g_grids.empty() || !ImGui::IsItemVisible()) return;
    ImGuiContext& c = *ImGui::GetCurrentContext();
    g_rows[c.LastItemData.ID] = {g_grids.size() - 1, index, selected, c.LastItemData.Rect.Min.y};
}

void a11y_current(bool current) { g_current[ImGui::GetCurrentContext()->LastItemData.ID] = current; }
void a11y_radio(bool checked) { g_radio[ImGui::GetCurrentContext()->LastItemData.ID] = checked; }

std::string a11y_frame_update(const ImDrawData* dd, bool drawn) {
    auto t0 = std::chrono::steady_clock::now();
    ImGuiContext& c = *ImGui::GetCurrentContext();
    std::string out;   // ",field:value" pairs; wrapped in braces at the end
    std::vector<Region> regions;

    // A change is described at once; while the picture keeps changing (a
    // scroll, a progress bar) the mirror follows every 400 ms, and once it
    // rests for 100 ms the last picture is described (a frame is asked for).
    // Nobody reads a list while it moves, and each description costs the page
    // a layout of the mirror: a scroll at 60 frames a second would pay it in
    // every sixth frame at 100 ms. The keyboard focus moving is described at
    // once (the row it lands on may be new), and so is what is typed into a
    // field (the mirrored field shows ImGui's text again after each key).
    const double kMoving = 400, kRest = 100;
    double now = platform::now_ms();
    if (drawn) {
        g_dirty = true;
        g_changed_frames++;
        g_last_change = now;
    }
    bool focus_moved = c.NavId != g_nav_built;
    ImGuiID field = c.ActiveId && c.InputTextState.ID == c.ActiveId ? c.ActiveId : 0;
    std::string_view field_text;
    if (field && c.InputTextState.TextA.Data) field_text = std::string_view(c.InputTextState.TextA.Data, (size_t)c.InputTextState.CurLenA);
    bool typed = field != g_field_built || field_text != g_field_text_built;
    bool build = g_dirty && dd && (now - g_last_build >= kMoving || now - g_last_change >= kRest || focus_moved || typed);
    if (g_dirty && !build) platform::wake_after_ms((int)kRest);
    if (build) {
        g_dirty = false;
        g_last_build = now;
        if (focus_moved) g_focus_builds++;
        g_nav_built = c.NavId;
        g_field_built = field;
        g_field_text_built.assign(field_text.data() ? field_text.data() : "", field_text.size());
        index_glyphs();
        auto tp = std::chrono::steady_clock::now();
        auto lap = [&](int i) { auto n = std::chrono::steady_clock::now(); g_phase[i] += std::chrono::duration<double, std::milli>(n - tp).count(); tp = n; };
        std::vector<Run> runs = read_text(dd);
        g_runs_of.clear();
        for (Run& r : runs) g_runs_of[r.window].push_back(&r);
        lap(0);
        std::vector<FrameItem>& items = frame_items();
        std::unordered_map<std::string, Node> nodes;
        nodes.reserve(g_shown.size() + 64);
        std::unordered_map<std::string, size_t> region_at;
        auto region_key = [&](ImGuiWindow* w, ImGuiNavLayer layer) {
            Region r = region_of(w, layer);
            if (!region_at.count(r.key)) {
                region_at[r.key] = regions.size();
                regions.push_back(r);
            }
            return r.key;
        };
        // The main window's regions first, in the order the eye meets them; popups after.
        for (ImGuiWindow* w : c.Windows)
            if (w->Active && std::strcmp(w->Name, "CRM") == 0) {
                region_key(w, ImGuiNavLayer_Menu);
                for (ImGuiWindow* ch : c.Windows)
                    if (ch->Active && ch->ParentWindow == w) region_key(ch, ImGuiNavLayer_Main);
                region_key(w, ImGuiNavLayer_Main);
            }
        for (int l = 0; l < dd->CmdListsCount; l++)
            for (ImGuiWindow* w : c.Windows)
                if (w->Active && w->DrawList == dd->CmdLists[l] && !(w->Flags & ImGuiWindowFlags_ChildWindow)) region_key(w, ImGuiNavLayer_Main);

        // Where each grid's row group starts: at the block of 64 rows the
        // first row shown is in (the list's rows are all as tall, the
        // clipper needs it), so the rows' places in it stay while a scroll
        // moves it, and its numbers stay small in a list of a million rows.
        const int64_t kBlock = 64;
        std::vector<float> group_top(g_grids.size(), 0);
        {
            std::vector<RowMark> first(g_grids.size(), RowMark{0, INT64_MAX, false, 0}), last(g_grids.size(), RowMark{0, -1, false, 0});
            for (auto& [id, m] : g_rows) {
                if (m.index < first[m.grid].index) first[m.grid] = m;
                if (m.index > last[m.grid].index) last[m.grid] = m;
            }
            for (size_t gi = 0; gi < g_grids.size(); gi++) {
                if (last[gi].index < 0) {
                    group_top[gi] = g_grids[gi].header_bottom;
                    continue;
                }
                float pitch = last[gi].index > first[gi].index ? (last[gi].y - first[gi].y) / (float)(last[gi].index - first[gi].index) : 0;
                group_top[gi] = first[gi].y - (float)(first[gi].index % kBlock) * pitch;
            }
        }
        // Grids: the table, its header row, its column headers.
        for (const Grid& gr : g_grids) {
            Node n;
            n.key = gr.key;
            n.parent = region_key(gr.window, ImGuiNavLayer_Main);
            n.role = "grid";
            n.name = gr.name;
            n.rowcount = gr.rows + 1;
            place(n, gr.rect);
            Node head;
            head.key = gr.key + "h";
            head.parent = gr.key;
            head.role = "row";
            head.rowindex = 1;
            place(head, ImRect(gr.rect.Min.x, gr.rect.Min.y, gr.rect.Max.x, gr.header_bottom));
            for (size_t i = 0; i < gr.cols.size(); i++) {
                Node ch;
                ch.key = head.key + std::to_string(i);
                ch.parent = head.key;
                ch.role = "columnheader";
                ch.column = (int)i;
                ch.name = gr.cols[i].name;
                ch.live_sort = gr.cols[i].sort == 1 ? "ascending" : gr.cols[i].sort == 2 ? "descending" : "";
                if (gr.cols[i].header) {   // activating it sorts (again: the other way)
                    ch.id = gr.cols[i].header;
                    ch.focusable = true;
                }
                place(ch, ImRect(gr.cols[i].min_x, head.y, gr.cols[i].max_x, gr.header_bottom));
                nodes[ch.key] = ch;
            }
            nodes[head.key] = head;
            nodes[n.key] = n;
            // The rows are in a row group: a scroll moves it, and the rows in it stay put.
            Node body;
            body.key = gr.key + "b";
            body.parent = gr.key;
            body.role = "rowgroup";
            float top = group_top[(size_t)(&gr - g_grids.data())];
            place(body, ImRect(gr.rect.Min.x, top, gr.rect.Max.x, std::max(top, gr.rect.Max.y)));
            nodes[body.key] = body;
            // The headers' own text is told by the column headers.
            for (Run& run : runs)
                if (run.window == gr.window && run.r.GetCenter().y < gr.header_bottom && gr.rect.Contains(run.r.GetCenter())) run.used = true;
        }

        // Items: labelled ones become nodes; rows get their cells from the text inside.
        g_key_of.clear();
        std::unordered_set<ImGuiID> seen;
        for (FrameItem& it : items) {
            if (!it.role || !seen.insert(it.id).second) continue;
            Node n;
            n.key = "i" + std::to_string(it.id);
            n.id = it.id;
            n.role = it.role;
            n.name = visible_label(it.label);
            n.disabled = it.disabled;
            n.checked = it.checked;
            n.expanded = it.expanded;
            n.selected = it.selected;
            n.focusable = true;
            place(n, it.bb);
            auto cur = g_current.find(it.id);
            if (cur != g_current.end()) n.current = cur->second ? 1 : 0;
            auto radio = g_radio.find(it.id);
            if (radio != g_radio.end()) {
                n.role = "radio";
                n.checked = radio->second ? 1 : 0;
            }
            auto row = g_rows.find(it.id);
            if (row != g_rows.end()) {
                const Grid& gr = g_grids[row->second.grid];
                // Keyed by its place in the list: a scroll keeps the rows still
                // shown as they are and brings in only those scrolled into view.
                n.key = gr.key + "r" + std::to_string(row->second.index);
                n.role = "row";
                n.parent = gr.key + "b";
                n.rowindex = row->second.index + 2;
                n.selected = row->second.selected ? 1 : 0;
                n.name.clear();   // a row is named by its cells
                // Its cells travel with it (one element each, made in one go by the page).
                std::vector<Run*> inside = runs_inside(it.window, it.bb);
                bool any = false;
                for (size_t ci = 0; ci < gr.cols.size(); ci++) {
                    std::vector<const Run*> in_col;
                    for (Run* r : inside) {
                        float mx = r->r.GetCenter().x;
                        if (mx >= gr.cols[ci].min_x && mx < gr.cols[ci].max_x) {
                            in_col.push_back(r);
                            r->used = true;
                        }
                    }
                    n.cells.push_back(join_runs(in_col));
                    any |= !n.cells.back().empty();
                }
                // A row with no text shown is a sliver at the list's edge: not a row to read.
                if (!any) continue;
                g_key_of[it.id] = n.key;
                nodes[n.key] = n;
                continue;
            }
            n.parent = region_key(it.window, it.layer);
            std::vector<Run*> inside = runs_inside(it.window, it.bb);
            std::vector<const Run*> shown(inside.begin(), inside.end());
            for (Run* r : inside) r->used = true;
            if (n.role == "textbox" || n.role == "combobox") {
                // A hint drawn in the disabled colour is a placeholder, not a value.
                ImU32 hint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
                std::vector<const Run*> value, placeholder;
                for (const Run* r : shown) (r->color == hint && n.role == "textbox" ? placeholder : value).push_back(r);
                // A field's own label is drawn right of its frame, outside it: the frame holds the value.
                n.value = join_runs(value);
                n.placeholder = join_runs(placeholder);
                if (n.role == "textbox" && c.ActiveId == it.id && c.InputTextState.ID == it.id) {
                    // While edited, the buffer is the truth (the frame shows only what fits).
                    const ImGuiInputTextState& st = c.InputTextState;
                    if (st.TextA.Data) n.value.assign(st.TextA.Data, (size_t)st.CurLenA);
                    if (!n.value.empty()) n.placeholder.clear();
                }
            } else if (n.name.empty()) {
                n.name = join_runs(shown);
            }
            if (n.role == "textbox") {
                // A field's hint names it when nothing else does ("Search contacts..."); it is
                // remembered, as the hint goes away once something is typed.
                if (!n.placeholder.empty()) g_hints[it.id] = n.placeholder;
                auto hint = g_hints.find(it.id);
                if (n.name.empty() && hint != g_hints.end() && std::strstr(it.label.c_str(), "##") == it.label.c_str() &&
                    it.label.find("search") != std::string::npos)
                    n.name = hint->second;
            }
            if (n.name.empty()) n.name = nearby_label(it);
            if (n.name.empty()) n.name = hidden_label(it.label);
            g_key_of[it.id] = n.key;
            nodes[n.key] = n;
        }

        lap(1);
        // Text not inside an item: headings (bold and big fonts) and plain text.
        std::map<std::string, int> text_count;
        std::vector<Run*> left;
        for (Run& run : runs)
            if (!run.used) left.push_back(&run);
        for (Run* run : left) {
            bool in_grid = false;
            for (const Grid& gr : g_grids)
                if (run->window == gr.window && gr.rect.Contains(run->r.GetCenter())) in_grid = true;
            if (in_grid) continue;   // a row still loading: its cells come with it
            Node n;
            n.parent = region_key(run->window, ImGuiNavLayer_Main);
            n.role = run->font == g.font_big ? "heading" : run->font == g.font_bold ? "heading" : "text";
            n.level = run->font == g.font_big ? 1 : run->font == g.font_bold ? 2 : 0;
            n.name = run->text;
            place(n, run->r);
            n.key = "t" + n.parent.substr(2) + ":" + std::to_string(text_count[n.parent]++);
            nodes[n.key] = n;
        }
        // Regions as nodes, then each parent's children in reading order.
        for (const Region& r : regions) {
            Node n;
            n.key = r.key;
            n.role = r.role;
            n.name = r.name;
            n.modal = r.modal;
            place(n, r.r);
            nodes[n.key] = n;
        }
        // A grid's rows and a row's cells are placed relative to it: a scroll
        // then moves the rows, and a cell changes only when its text does.
        std::unordered_map<std::string, ImVec2> abs_pos;
        for (auto& [k, n] : nodes)
            if (n.role == "grid" || n.role == "rowgroup" || n.role == "row") abs_pos[k] = ImVec2(n.x, n.y);
        for (auto& [k, n] : nodes) {
            auto p = abs_pos.find(n.parent);
            if (p == abs_pos.end()) continue;
            n.x -= p->second.x;
            n.y -= p->second.y;
        }
        std::unordered_map<std::string, std::vector<Node*>> kids;
        for (auto& [k, n] : nodes) kids[n.parent].push_back(&n);
        std::unordered_map<std::string, std::vector<std::string>> children;
        for (auto& [parent, v] : kids) {
            if (parent.empty()) {
                for (const Region& r : regions)   // the regions keep their own order
                    children[""].push_back(r.key);
                continue;
            }
            auto pn = nodes.find(parent);
            std::string_view parent_role = pn != nodes.end() ? std::string_view(pn->second.role) : std::string_view();
            if (parent_role == "grid" || parent_role == "rowgroup")   // the header row, then the row group; rows in list order
                std::stable_sort(v.begin(), v.end(), [](const Node* a, const Node* b) {
                    return (a->role == "rowgroup") != (b->role == "rowgroup") ? b->role == "rowgroup" : a->rowindex < b->rowindex;
                });
            else if (parent_role == "row")
                std::stable_sort(v.begin(), v.end(), [](const Node* a, const Node* b) { return a->column != b->column ? a->column < b->column : a->x < b->x; });
            else
                reading_order(v);
            for (Node* n : v) children[parent].push_back(n->key);
        }
        lap(2);
        // The difference from what the page shows.
        std::string set, del, order;
        for (auto& [k, n] : nodes) {
            auto was = g_shown.find(k);
            if (was != g_shown.end()) {
                if (was->second == n) continue;
                // Moved by a pixel (a fractional scroll rounds either way): where the page has it is right.
                Node at = n;
                at.x = was->second.x, at.y = was->second.y, at.w = was->second.w, at.h = was->second.h;
                if (at == was->second && std::fabs(n.x - at.x) <= 1 && std::fabs(n.y - at.y) <= 1 && std::fabs(n.w - at.w) <= 1 &&
                    std::fabs(n.h - at.h) <= 1) {
                    n = std::move(at);
                    continue;
                }
            }
            set += set.empty() ? '[' : ',';
            put_node(set, n);
        }
        for (auto& [k, n] : g_shown)
            if (!nodes.count(k)) {
                del += del.empty() ? '[' : ',';
                put_string(del, k);
            }
        for (auto& [p, v] : children) {
            auto was = g_shown_children.find(p);
            if (was != g_shown_children.end() && was->second == v) continue;
            order += order.empty() ? '{' : ',';
            put_string(order, p);
            order += ":[";
            for (size_t i = 0; i < v.size(); i++) {
                if (i) order += ',';
                put_string(order, v[i]);
            }
            order += ']';
        }
        if (!set.empty()) out += ",\"set\":" + set + "]";
        if (!del.empty()) out += ",\"del\":" + del + "]";
        if (!order.empty()) out += ",\"order\":" + order + "}";
        g_shown = std::move(nodes);
        g_shown_children = std::move(children);
        lap(3);
    } else {
        for (auto& [k, n] : g_shown)
            if (n.parent.empty()) regions.push_back(Region{k, n.role, n.name, n.modal, {}});
    }

    // Focus: ImGui's keyboard focus, when the keyboard moved it (its highlight shows).
    std::string focus;
    if (c.NavId && !c.NavDisableHighlight) {
        auto k = g_key_of.find(c.NavId);
        if (k != g_key_of.end()) focus = k->second;
    }
    // A row keyed by its place may be another record now (arrowing down at the list's end): sent again.
    if (focus != g_focus_sent || (!focus.empty() && c.NavId != g_focus_id_sent)) {
        if (!focus.empty()) put_field(out, "focus", focus);
        g_focus_sent = focus;
        g_focus_id_sent = c.NavId;
    }
    std::string polite, assertive;
    announce(polite, assertive, regions);
    if (!polite.empty()) put_field(out, "polite", polite);
    if (!assertive.empty()) put_field(out, "assertive", assertive);

    g_grids.clear();
    g_rows.clear();
    g_current.clear();
    g_radio.clear();
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (build) {
        g_last_ms = ms;
        g_max_ms = std::max(g_max_ms, ms);
        g_sum_ms += ms;
        g_frames++;
    }
    if (out.empty()) return "";
    out[0] = '{';
    return out + "}";
}

void a11y_focus(ImGuiID id) { g_pending_focus = id; }

// An activation's press waits a frame after the mouse came over the item:
// an item that allows overlap (a list row, a column header) is hovered only
// once it was hovered the frame before, as under a real mouse.
static bool g_press_pending = false;

void a11y_before_frame() {
    g_grids.clear();   // this frame's annotations start empty, whatever the last frame left
    g_rows.clear();
    g_current.clear();
    g_radio.clear();
    if (g_press_pending && ImGui::GetCurrentContext()->InputEventsQueue.Size == 0) {
        g_press_pending = false;
        ImGuiIO& io = ImGui::GetIO();
        io.AddMouseButtonEvent(0, true);
        io.AddMouseButtonEvent(0, false);
        platform::wake_after_ms(0);
    }
    if (!g_pending_focus) return;
    // Keys typed before the focus moved go where they were typed: ImGui takes
    // them in over several frames, and the move waits until it has.
    if (ImGui::GetCurrentContext()->InputEventsQueue.Size > 0) return;
    ImGuiID id = g_pending_focus;
    g_pending_focus = 0;
    for (const FrameItem& it : published_items()) {
        if (it.id != id) continue;
        ImGuiWindow* w = ImGui::FindWindowByName(it.window_name.c_str());
        if (!w) return;
        ImGuiContext& c = *ImGui::GetCurrentContext();
        if (c.NavId == id && !c.NavDisableHighlight) return;   // it is there already (the page echoes our own moves)
        // Never from behind a modal dialog: focusing there would close it.
        ImGui::FocusWindow(w, ImGuiFocusRequestFlags_UnlessBelowModal);
        if (c.NavWindow != w) return;
        if (c.ActiveId && c.ActiveId != id) ImGui::ClearActiveID();   // leaves the field being typed in (a search box)
        ImGui::SetNavID(id, it.layer, it.focus_scope, ImGui::WindowRectAbsToRel(w, it.bb));
        c.NavDisableHighlight = false;
        c.NavDisableMouseHover = true;
        // A text field the focus lands on takes typing at once, as a page's field does.
        if (it.role && std::strcmp(it.role, "textbox") == 0 && c.ActiveId != id) {
            ImGui::ActivateItemByID(id);
            c.NavNextActivateFlags = ImGuiActivateFlags_PreferInput;
        }
        auto k = g_key_of.find(id);
        if (k != g_key_of.end()) g_focus_sent = k->second;   // the page moved it there itself
        g_focus_id_sent = id;
        return;
    }
}

bool a11y_click(ImGuiID id) {
    for (const FrameItem& it : published_items()) {
        if (it.id != id) continue;
        ImGuiIO& io = ImGui::GetIO();
        // Near the left of a row: its middle may be a column border (a resize handle).
        ImVec2 at(it.bb.GetWidth() > 240 ? it.bb.Min.x + 40 : it.bb.GetCenter().x, it.bb.GetCenter().y);
        platform::pointer_entered();
        io.AddMousePosEvent(at.x, at.y);
        g_press_pending = true;   // the press, once a frame has seen the mouse there (a11y_before_frame)
        return true;
    }
    return false;
}

std::string a11y_stats_json(bool reset) {
    std::string s = json{{"frames", g_frames}, {"last_ms", g_last_ms}, {"max_ms", g_max_ms},
                         {"mean_ms", g_frames ? g_sum_ms / (double)g_frames : 0.0}, {"nodes", g_shown.size()}, {"changed_frames", g_changed_frames}, {"focus_builds", g_focus_builds},
                         {"phases_ms", {g_phase[0], g_phase[1], g_phase[2], g_phase[3]}}}.dump();
    if (reset) g_frames = g_changed_frames = 0, g_sum_ms = g_max_ms = 0, g_phase[0] = g_phase[1] = g_phase[2] = g_phase[3] = 0;
    return s;
}

}  // namespace crm::app
