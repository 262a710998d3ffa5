// app.cpp - the frame: menu bar, navigation rail, content area, status bar;
// fonts and themes; first run (start empty or load demo data); helpers the
// screens share; the state the browser tests read.
#include "app/app.h"

#include <imgui.h>
#include <imgui_internal.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "app/a11y.h"
#include "app/icons.h"
#include "app/app_state.h"
#include "app/platform.h"
#include "app/test_hooks.h"
#include "base/rtl.h"
#include "base/util.h"
#include "workflows/tasks.h"
#include "records/views.h"

namespace crm::app {

AppState g;

//-----------------------------------------------------------------------------
// Helpers
//-----------------------------------------------------------------------------

void data_changed() {
    g.data_version++;
    g.write_version++;
    sync_after_change();
}

bool waiting_for_data(const std::exception& e) {
    if (!dynamic_cast<const PageMiss*>(&e)) return false;
    g.waiting_for_data = true;
    g.last_miss = e.what();
    return true;
}

double clock_ms() { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double slice_budget_ms(double& last, double share, double lo, double hi) {
    double now = clock_ms();
    double budget = std::clamp(last > 0 ? (now - last) * share : lo, lo, hi);
    last = now;
    return budget;
}

std::string error_text(const std::exception& e) {
    if (dynamic_cast<const PageMiss*>(&e)) return "Part of your data is still loading: nothing was changed. Try again in a moment.";
    return e.what();
}

void blocks_arrived() {
    if (!g.waiting_for_data) return;
    g.waiting_for_data = false;
    g.data_version++;   // every screen reads again
}

// A change waits behind the changes still waiting (the user's order is
// kept), but not behind a job that only reads the whole file (an export
// may wait a minute on a large database, and an edit should not).
static bool change_waiting() {
    for (const AppState::Deferred& d : g.deferred)
        if (!d.whole_file || d.writes) return true;
    return false;
}

// Runs a waiting or new change once: true when it is finished (applied, or
// failed and told), false when it met a block still loading and must wait.
// A miss after the change committed is in what it reads afterwards (a
// title for the notice, the sync state): it is applied, and running it
// again would apply it twice. The screens read again when the blocks come.
static bool attempt(const AppState::Deferred& d) {
    uint64_t commits = g.file ? g.file->commits() : 0;
    try {
        d.action();
    } catch (const PageMiss&) {
        g.waiting_for_data = true;
        if (g.file && g.file->commits() != commits) return true;
        g.waits_for_data++;
        return false;
    } catch (const std::exception& e) {
        d.on_error(e);
    }
    return true;
}

bool perform(std::function<void()> action, std::function<void(const std::exception&)> on_error) {
    AppState::Deferred d{std::move(action), std::move(on_error)};
    if (!change_waiting() && attempt(d)) return true;
    g.deferred.push_back(std::move(d));
    return false;
}

bool change(std::function<void()> f, const std::string& done, std::function<void()> then) {
    g.last_error.clear();
    perform(
        [=] {
            f();
            // Nothing that reads before data_changed (a miss after the commit ends the action, see perform).
            if (then) then();
            if (!done.empty()) notify(done);
            data_changed();
        },
        [](const std::exception& e) { g.last_error = error_text(e); });
    return g.last_error.empty();
}

bool perform_on_all_data(std::function<void()> action, std::function<void(const std::exception&)> on_error, bool writes) {
    if (!change_waiting() && !pages_may_miss()) return perform(std::move(action), std::move(on_error));
    g.deferred.push_back({std::move(action), std::move(on_error), true, writes});
    platform::load_all_blocks();
    return false;
}

bool waiting_for_blocks() { return g.waiting_for_data || change_waiting(); }

static bool g_health_waits = false;   // test_health() waits for the whole file
bool holding_all_blocks() {
    if (g_health_waits) return true;
    for (const AppState::Deferred& d : g.deferred)
        if (d.whole_file) return true;
    return false;
}

// At the start of a frame after blocks came: the waiting changes, oldest
// first, until one misses again; a job reading the whole file stays while
// the rest go on, one writing it holds the rest behind it.
void run_deferred() {
    for (size_t i = 0; i < g.deferred.size() && !g.waiting_for_data;) {
        AppState::Deferred& d = g.deferred[i];
        if (d.whole_file && pages_may_miss()) {
            platform::load_all_blocks();
            if (d.writes) return;
            i++;
            continue;
        }
        if (!attempt(d)) return;
        g.deferred.erase(g.deferred.begin() + (std::ptrdiff_t)i);
    }
}

void notify(const std::string& text) {
    g.notice = text;
    g.notice_until = platform::now_ms() + 4000;
    platform::wake_after_ms(4100);
}

void bold_text(const char* text) {
    ImGui::PushFont(g.font_bold);
    ImGui::TextUnformatted(text);
    ImGui::PopFont();
}

bool radio_button(const char* label, bool active) {
    bool pressed = ImGui::RadioButton(label, active);
    a11y_radio(active);
    return pressed;
}

bool radio_button(const char* label, int* v, int value) {
    bool pressed = ImGui::RadioButton(label, *v == value);
    a11y_radio(*v == value);
    if (pressed) *v = value;
    return pressed;
}

float button_width(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

// Continues the line when the next item, `width` wide, still fits in the
// window; otherwise the item starts a new line. Toolbars and button rows wrap
// on a narrow window instead of running off its edge.
void same_line_if_fits(float width, float spacing) {
    if (spacing < 0) spacing = ImGui::GetStyle().ItemSpacing.x;
    float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + spacing + width <= right) ImGui::SameLine(0, spacing);
}

std::string ref_title(const EntitySpec& e, const std::string& id) {
    if (id.empty()) return "";
    if (g.titles_version != g.data_version || g.titles.size() > 4000) {
        g.titles.clear();
        g.titles_version = g.data_version;
    }
    auto it = g.titles.find(id);
    if (it != g.titles.end()) return it->second;
    std::string t = record_title(*g.store, e, id);
    g.titles[id] = t;
    return t;
}

void open_record(const EntitySpec& e, const std::string& id) {
    if (g.record.entity) g.back.push_back({g.record.entity, g.record.id});
    if (g.back.size() > 50) g.back.erase(g.back.begin());
    g.record = RecordView{};
    g.record.entity = &e;
    g.record.id = id;
    if (&e == &kContacts) g.screen = Screen::Contacts;
    else if (&e == &kAccounts) g.screen = Screen::Accounts;
    else if (&e == &kLeads) g.screen = Screen::Leads;
    else if (&e == &kCases) g.screen = Screen::Cases;
    else if (&e == &kOpportunities) g.screen = Screen::Pipeline;
    else if (&e == &kCampaigns) g.screen = Screen::Campaigns;
}

const char* choice_label(const char* code) {
    static std::string out;
    out = code;
    for (char& c : out)
        if (c == '_') c = ' ';
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 'a' + 'A');
    return out.c_str();
}

static std::unordered_map<std::string, std::string> g_logical_of;   // right-to-left text drawn: visual -> logical

std::string shown_text(const std::string& logical) {
    if (!has_rtl(logical)) return logical;
    std::string v = visual_order(logical);
    g_logical_of.emplace(v, logical);
    return v;
}

std::string spoken_text(const std::string& drawn) {
    if (g_logical_of.empty()) return drawn;
    auto it = g_logical_of.find(drawn);
    return it == g_logical_of.end() ? drawn : it->second;
}

std::string money_text(int64_t minor, const std::string& currency) { return format_money(minor, currency, g.locale); }

std::string when_text(const std::string& iso) { return format_local_datetime(iso, g.locale, local_offset()); }
std::string date_text(const std::string& iso_date) { return format_local_date(iso_date, g.locale); }

// Offsets asked of the browser once per quarter hour of time shown (zones
// change offset on quarter hours at the finest); a list of dates would
// otherwise ask it for every cell of every frame.
static std::unordered_map<int64_t, int> g_offsets;
const OffsetFn& local_offset() {
    static const OffsetFn f = [](int64_t utc_ms) {
        int64_t q = utc_ms >= 0 ? utc_ms / 900000 : (utc_ms - 899999) / 900000;
        auto it = g_offsets.find(q);
        if (it != g_offsets.end()) return it->second;
        if (g_offsets.size() > 20000) g_offsets.clear();
        int m = platform::utc_offset_minutes(q * 900000, g.time_zone_choice);
        g_offsets[q] = m;
        return m;
    };
    return f;
}

void apply_locale() {
    g.time_zone_choice = g.store ? g.store->setting("ui.time_zone") : "";
    g.locale = platform::describe_locale(g.store ? g.store->setting("ui.locale") : "", g.time_zone_choice);
    g_offsets.clear();
    g.data_version++;   // what screens keep formatted is formatted again
}

//-----------------------------------------------------------------------------
// Fonts and themes
//-----------------------------------------------------------------------------

static const ImWchar* latin_cyrillic_ranges() {
    static const ImWchar r[] = {0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x052F, 0x1E00, 0x1EFF, 0x2000, 0x206F,
                                0x20A0, 0x20CF, 0x2100, 0x218F, 0x2190, 0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0};
    return r;
}

static const ImWchar* cjk_ranges() {
    static ImVector<ImWchar> ranges;
    if (ranges.empty()) {
        ImFontGlyphRangesBuilder b;
        ImFontAtlas& a = *ImGui::GetIO().Fonts;
        b.AddRanges(a.GetGlyphRangesJapanese());
        b.AddRanges(a.GetGlyphRangesChineseSimplifiedCommon());
        b.AddRanges(a.GetGlyphRangesKorean());
        b.BuildRanges(&ranges);
    }
    return ranges.Data;
}

// The atlas starts with Latin, Greek and Cyrillic only: CJK glyphs (some
// 9,000 of them, rasterised for two sizes) tripled the atlas and took most
// of a second at every start, for users who may never show one. A glyph the
// fonts lack is drawn as a box of our own (U+FFFD, which Inter lacks too);
// when a frame draws that box, the atlas is built again with CJK (and
// Hebrew and Arabic, from DejaVu Sans), and the setting ui.cjk_glyphs keeps
// them from the next start on.
struct MissingBox { ImFont* font; int rect; };
static std::vector<MissingBox> g_missing_boxes;

static ImFont* add_font(const char* file, float px, bool with_cjk) {
    ImGuiIO& io = ImGui::GetIO();
    ImFontConfig cfg;
    cfg.OversampleH = 2;
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    ImFont* f = io.Fonts->AddFontFromFileTTF(file, px, &cfg, latin_cyrillic_ranges());
    if (!f) f = io.Fonts->AddFontDefault();
    if (with_cjk && g.cjk_glyphs) {
        ImFontConfig m;
        m.MergeMode = true;
        m.OversampleH = 1;
        m.OversampleV = 1;
        m.PixelSnapH = true;
        io.Fonts->AddFontFromFileTTF("/fonts/DroidSansFallbackFull.ttf", px, &m, cjk_ranges());
        // Hebrew and Arabic, with Arabic's joined forms (shown_text puts them in visual order).
        static const ImWchar rtl[] = {0x0590, 0x06FF, 0xFB1D, 0xFDFF, 0xFE70, 0xFEFF, 0};
        io.Fonts->AddFontFromFileTTF("/fonts/DejaVuSans.ttf", px, &m, rtl);
    }
    {   // The icons, the text's height and a fixed width, so labels after them line up.
        ImFontConfig m;
        m.MergeMode = true;
        m.OversampleH = 1;
        m.OversampleV = 1;
        m.PixelSnapH = true;
        m.GlyphMinAdvanceX = std::round(px * 1.15f);
        m.GlyphOffset = ImVec2(0, std::round(px * 0.06f));
        io.Fonts->AddFontFromFileTTF("/fonts/fontawesome-webfont.ttf", std::round(px * 0.92f), &m, icon_ranges());
    }
    int w = std::max(4, (int)(px * 0.5f)), h = std::max(6, (int)(px * 0.7f));
    int rect = io.Fonts->AddCustomRectFontGlyph(f, 0xFFFD, w, h, (float)w + px * 0.15f, ImVec2(px * 0.05f, px * 0.2f));
    g_missing_boxes.push_back({f, rect});
    return f;
}

// The boxes' outlines, painted into the built atlas.
static void paint_missing_boxes() {
    ImFontAtlas& a = *ImGui::GetIO().Fonts;
    unsigned char* pixels;
    int tw, th;
    a.GetTexDataAsAlpha8(&pixels, &tw, &th);
    for (const MissingBox& b : g_missing_boxes) {
        const ImFontAtlasCustomRect* r = a.GetCustomRectByIndex(b.rect);
        for (int y = 0; y < r->Height; y++)
            for (int x = 0; x < r->Width; x++) {
                bool edge = x == 0 || y == 0 || x == r->Width - 1 || y == r->Height - 1;
                pixels[(size_t)(r->Y + y) * (size_t)tw + (size_t)(r->X + x)] = edge ? 0xFF : 0x00;
            }
    }
}

bool fonts_stale() { return g.fonts_stale; }

void after_render(const ImDrawData* dd) {
    if (g.cjk_glyphs || !dd) return;
    // The missing-glyph box's top-left texture corner, per font: a vertex there means a box was drawn.
    ImVec2 corners[8];
    int n = 0;
    for (const MissingBox& b : g_missing_boxes)
        if (b.font->FallbackGlyph && n < 8) corners[n++] = ImVec2(b.font->FallbackGlyph->U0, b.font->FallbackGlyph->V0);
    for (int l = 0; l < dd->CmdListsCount; l++)
        for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer)
            for (int i = 0; i < n; i++)
                if (v.uv.x == corners[i].x && v.uv.y == corners[i].y) {
                    g.cjk_glyphs = true;
                    g.fonts_stale = true;
                    // Remembered as a change (it may wait for blocks); failing to remember costs a box next start.
                    if (g.store) perform([] { g.store->set_setting("ui.cjk_glyphs", "1"); }, [](const std::exception&) {});
                    return;
                }
}

static void apply_theme() {
    ImGuiStyle& s = ImGui::GetStyle();
    s = ImGuiStyle();
    if (g.dark) ImGui::StyleColorsDark(&s);
    else ImGui::StyleColorsLight(&s);
    s.WindowRounding = 0;
    s.ChildRounding = 4;
    s.FrameRounding = 4;
    s.PopupRounding = 6;
    s.GrabRounding = 4;
    s.TabRounding = 4;
    s.FramePadding = ImVec2(8, 5);
    s.ItemSpacing = ImVec2(8, 6);
    s.CellPadding = ImVec2(6, 4);
    s.WindowPadding = ImVec2(10, 10);
    s.ScrollbarSize = 14;
    // Fields, buttons and checkboxes have an edge a low-vision user can see
    // (WCAG 1.4.11: 3:1 against the page), and secondary text is readable (4.5:1).
    s.FrameBorderSize = 1;
    if (!g.dark) {
        s.Colors[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.98f, 1);
        s.Colors[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
        s.Colors[ImGuiCol_Header] = ImVec4(0.26f, 0.52f, 0.96f, 0.22f);
        s.Colors[ImGuiCol_FrameBg] = ImVec4(0.92f, 0.93f, 0.95f, 1);
        s.Colors[ImGuiCol_FrameBgHovered] = ImVec4(0.87f, 0.90f, 0.96f, 1);
        s.Colors[ImGuiCol_TextDisabled] = ImVec4(0.36f, 0.37f, 0.41f, 1);
        s.Colors[ImGuiCol_Border] = ImVec4(0.52f, 0.54f, 0.60f, 1);
    } else {
        s.Colors[ImGuiCol_TextDisabled] = ImVec4(0.64f, 0.65f, 0.69f, 1);
        s.Colors[ImGuiCol_Border] = ImVec4(0.50f, 0.52f, 0.58f, 1);
        // ImGui's bright blue under white text is 3:1; these deeper ones keep 4.5:1.
        s.Colors[ImGuiCol_ButtonHovered] = ImVec4(0.16f, 0.38f, 0.72f, 1);
        s.Colors[ImGuiCol_ButtonActive] = ImVec4(0.10f, 0.30f, 0.62f, 1);
        s.Colors[ImGuiCol_HeaderHovered] = ImVec4(0.26f, 0.59f, 0.98f, 0.45f);
        s.Colors[ImGuiCol_HeaderActive] = ImVec4(0.16f, 0.38f, 0.72f, 1);
        s.Colors[ImGuiCol_TabHovered] = ImVec4(0.16f, 0.38f, 0.72f, 1);
        s.Colors[ImGuiCol_TabActive] = ImVec4(0.14f, 0.33f, 0.62f, 1);
    }
    // The keyboard focus ring and check marks in the palette's blue, readable on every surface.
    s.Colors[ImGuiCol_NavHighlight] = s.Colors[ImGuiCol_CheckMark] = pal().info;
    s.ScaleAllSizes(g.scale);
}

const Palette& pal() {
    static const Palette light{{0.72f, 0.10f, 0.10f, 1}, {0.54f, 0.28f, 0.0f, 1}, {0.03f, 0.40f, 0.19f, 1}, {0.13f, 0.34f, 0.70f, 1}};
    static const Palette dark{{1.0f, 0.47f, 0.47f, 1}, {0.98f, 0.68f, 0.30f, 1}, {0.42f, 0.83f, 0.54f, 1}, {0.52f, 0.72f, 1.0f, 1}};
    return g.dark ? dark : light;
}

// Tints light enough for dark text in the light theme, dark enough for light
// text in the dark one.
ImVec4 chip_color(ChipTone t) {
    static const ImVec4 light[Chip_Count] = {{0.89f, 0.90f, 0.92f, 1}, {0.85f, 0.91f, 1.00f, 1}, {0.84f, 0.95f, 0.87f, 1},
                                             {1.00f, 0.92f, 0.78f, 1}, {1.00f, 0.86f, 0.86f, 1}, {0.99f, 0.90f, 0.60f, 1},
                                             {0.86f, 0.87f, 0.90f, 1}, {0.95f, 0.85f, 0.76f, 1}};
    static const ImVec4 dark[Chip_Count] = {{0.27f, 0.28f, 0.32f, 1}, {0.14f, 0.25f, 0.45f, 1}, {0.11f, 0.32f, 0.20f, 1},
                                            {0.42f, 0.28f, 0.06f, 1}, {0.48f, 0.14f, 0.14f, 1}, {0.45f, 0.36f, 0.05f, 1},
                                            {0.33f, 0.35f, 0.40f, 1}, {0.42f, 0.25f, 0.13f, 1}};
    if (t < 0 || t >= Chip_Count) t = Chip_Neutral;
    return g.dark ? dark[t] : light[t];
}

ChipTone chip_tone(const char* field, const std::string& v) {
    std::string_view f = field;
    if (f == "tier") return v == "Gold" ? Chip_Gold : v == "Silver" ? Chip_Silver : v == "Bronze" ? Chip_Bronze : Chip_None;
    if (f == "priority") return v == "urgent" ? Chip_Error : v == "high" ? Chip_Warning : v.empty() ? Chip_None : Chip_Neutral;
    if (f == "stage") return v == "won" ? Chip_Success : v == "lost" ? Chip_Error : v.empty() ? Chip_None : Chip_Info;
    if (f == "band") {   // "hot" (band_name) or "Hot"
        std::string b = ascii_lower(v);
        return b == "hot" ? Chip_Error : b == "warm" ? Chip_Warning : b == "cold" ? Chip_Info : Chip_None;
    }
    if (f != "status" || v.empty()) return Chip_None;
    static const std::pair<const char*, ChipTone> statuses[] = {
        {"new", Chip_Info},         {"assigned", Chip_Info},       {"qualified", Chip_Success}, {"converted", Chip_Success},
        {"disqualified", Chip_Neutral}, {"in_progress", Chip_Warning}, {"on_hold", Chip_Neutral},  {"escalated", Chip_Error},
        {"resolved", Chip_Success}, {"reopened", Chip_Warning},    {"closed", Chip_Neutral},    {"planned", Chip_Neutral},
        {"active", Chip_Success},   {"completed", Chip_Info},      {"aborted", Chip_Error},     {"draft", Chip_Neutral},
        {"paused", Chip_Warning},   {"placed", Chip_Info},         {"processing", Chip_Warning}, {"shipped", Chip_Info},
        {"delivered", Chip_Success}, {"cancelled", Chip_Neutral},  {"returned", Chip_Warning}};
    for (auto& [name, tone] : statuses)
        if (v == name) return tone;
    return Chip_Neutral;
}

static int g_chips_drawn = 0, g_avatars_drawn = 0, g_chips_counted = 0, g_avatars_counted = 0;   // this frame's, the last frame's (tests)

void chip(const char* text, ChipTone t) {
    g_chips_drawn++;
    ImVec2 size = ImGui::CalcTextSize(text);
    ImVec2 pad(7 * g.scale, 1 * g.scale);
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImVec2 box(size.x + 2 * pad.x, size.y + 2 * pad.y);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + box.x, p.y + box.y), ImGui::GetColorU32(chip_color(t)), box.y * 0.5f);
    dl->AddText(ImVec2(p.x + pad.x, p.y + pad.y), ImGui::GetColorU32(ImGuiCol_Text), text);
    ImGui::Dummy(box);
}

// Deep enough for white initials (4.5:1) in both themes.
static const ImVec4 kAvatarHues[] = {{0.16f, 0.38f, 0.72f, 1}, {0.05f, 0.45f, 0.40f, 1}, {0.45f, 0.25f, 0.62f, 1}, {0.62f, 0.22f, 0.32f, 1},
                                  {0.58f, 0.33f, 0.05f, 1}, {0.22f, 0.42f, 0.15f, 1}, {0.35f, 0.35f, 0.42f, 1}, {0.12f, 0.36f, 0.52f, 1}};

ImVec4 avatar_color(const std::string& name) {
    uint32_t h = 2166136261u;
    for (unsigned char c : name) h = (h ^ c) * 16777619u;
    return kAvatarHues[h % (sizeof kAvatarHues / sizeof kAvatarHues[0])];
}

void avatar(const std::string& name, float size) {
    // Initials: the first letter of the first and the last word (whole UTF-8 characters).
    std::string initials;
    auto first_char = [](const std::string& w) {
        size_t n = 1;
        unsigned char c = (unsigned char)w[0];
        if (c >= 0xF0) n = 4; else if (c >= 0xE0) n = 3; else if (c >= 0xC0) n = 2;
        std::string out = w.substr(0, n);
        if (n == 1 && out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 32);
        return out;
    };
    std::vector<std::string> words;
    size_t i = 0;
    while (i < name.size()) {
        while (i < name.size() && name[i] == ' ') i++;
        size_t j = i;
        while (j < name.size() && name[j] != ' ') j++;
        if (j > i) words.push_back(name.substr(i, j - i));
        i = j;
    }
    if (!words.empty()) initials = first_char(words.front());
    if (words.size() > 1) initials += first_char(words.back());
    g_avatars_drawn++;
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float r = size * 0.5f;
    dl->AddCircleFilled(ImVec2(p.x + r, p.y + r), r, ImGui::GetColorU32(avatar_color(name)), 32);
    ImVec2 ts = ImGui::CalcTextSize(initials.c_str());
    dl->AddText(ImVec2(p.x + r - ts.x * 0.5f, p.y + r - ts.y * 0.5f), IM_COL32(255, 255, 255, 255), initials.c_str());
    ImGui::Dummy(ImVec2(size, size));
}

// The theme's colours and the palette, for the contrast test.
std::string theme_json() {
    nlohmann::json colors = nlohmann::json::object();
    const ImGuiStyle& s = ImGui::GetStyle();
    for (int i = 0; i < ImGuiCol_COUNT; i++) {
        const ImVec4& c = s.Colors[i];
        colors[ImGui::GetStyleColorName(i)] = {c.x, c.y, c.z, c.w};
    }
    auto v = [](const ImVec4& c) { return nlohmann::json{c.x, c.y, c.z, c.w}; };
    nlohmann::json chips = nlohmann::json::array(), avatars = nlohmann::json::array();
    for (int t = 0; t < Chip_Count; t++) chips.push_back(v(chip_color((ChipTone)t)));
    for (const ImVec4& c : kAvatarHues) avatars.push_back(v(c));
    return nlohmann::json{{"dark", g.dark}, {"colors", colors}, {"chips", chips}, {"avatars", avatars},
                          {"palette", {{"error", v(pal().error)}, {"warning", v(pal().warning)}, {"success", v(pal().success)}, {"info", v(pal().info)}}},
                          {"frame_border", s.FrameBorderSize}}.dump();
}

void set_scale(float scale) {
    g.scale = scale;
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    float px = std::round(15.0f * scale);
    g_missing_boxes.clear();
    g.fonts_stale = false;
    add_font("/fonts/Inter-Regular.otf", px, true);
    g.font_bold = add_font("/fonts/Inter-SemiBold.otf", px, false);
    g.font_big = add_font("/fonts/Inter-SemiBold.otf", std::round(21.0f * scale), true);
    io.Fonts->Build();
    paint_missing_boxes();
    apply_theme();
}

void clear_color(float out[4]) {
    ImVec4 c = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    out[0] = c.x, out[1] = c.y, out[2] = c.z, out[3] = 1;
}

//-----------------------------------------------------------------------------
// Init
//-----------------------------------------------------------------------------

// Journeys advance while the app runs: at start and every minute, on the
// device that runs them (workflows/journeys.h), catching up on what fell due
// while the app was closed.
void journeys_tick() {
    if (!g.store || g.demo) return;
    double now = clock_ms();
    if (now < g.journeys_next_ms) return;
    g.journeys_next_ms = now + 60000;
    perform(
        [] {
            if (!g.db->query_int("SELECT EXISTS (SELECT 1 FROM journeys WHERE status = 'active' AND deleted = 0)")) return;
            JourneyRun r = run_journeys(*g.store);
            g.journey_run = r;
            g.journey_runs++;
            if (r.enrolled || r.steps) {
                data_changed();
                notify("Journeys: " + std::to_string(r.steps) + " steps (" + std::to_string(r.emails) + " e-mails, " + std::to_string(r.tasks) +
                       " tasks), " + std::to_string(r.enrolled) + " started");
            }
        },
        [](const std::exception& ex) { g.last_error = "Journeys: " + error_text(ex); });
}

void test_advance_clock(int64_t ms) {
    g.clock_offset_ms += ms;
    if (g.store) g.store->set_clock([] { return wall_clock_ms() + g.clock_offset_ms; });
    g.journeys_next_ms = 0;   // what fell due runs at the next frame
    data_changed();
}

void init(Database& db, Store& store, PageFile* file) {
    g.db = &db;
    g.store = &store;
    if (g.clock_offset_ms) store.set_clock([] { return wall_clock_ms() + g.clock_offset_ms; });
    g.journeys_next_ms = 0;
    g.file = file;
    g.dark = store.setting("ui.theme") == "dark";
    g.cjk_glyphs = store.setting("ui.cjk_glyphs") == "1";
    apply_locale();
    g.contacts.query = ListQuery{&kContacts, "last_name"};
    g.accounts.query = ListQuery{&kAccounts, "name"};
    g.leads.query = ListQuery{&kLeads, "score", true};
    g.opportunities.query = ListQuery{&kOpportunities, "expected_close"};
    g.cases.query = ListQuery{&kCases, "number", true};
    g.campaigns.query = ListQuery{&kCampaigns, "start_date", true};
    g.first_run = store.count(kContacts) == 0 && store.count(kAccounts) == 0 && store.setting("ui.started").empty();
    platform::refresh_storage_info();
    sync_at_start();
}

//-----------------------------------------------------------------------------
// First run: start empty, or load demo data with a progress bar
//-----------------------------------------------------------------------------

static void draw_first_run() {
    if (!g.first_run || sync_offer_pending()) return;   // an invite first: joining brings the data
    if (!ImGui::IsPopupOpen("Welcome")) ImGui::OpenPopup("Welcome");
    place_dialog(520 * g.scale);
    if (!ImGui::BeginPopupModal("Welcome", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) return;
    ImGui::PushFont(g.font_big);
    ImGui::TextUnformatted("Your CRM, in this browser");
    ImGui::PopFont();
    ImGui::TextWrapped("Everything you enter stays on this device, saved in the browser as you work, and works offline.");
    ImGui::Spacing();
    if (g.demo) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.0f%%  %s", g.demo->fraction() * 100.0, g.demo->phase());
        ImGui::TextUnformatted("Generating demo data...");
        ImGui::ProgressBar((float)g.demo->fraction(), ImVec2(-1, 0), buf);
        if (ImGui::Button("Cancel")) {
            g.demo.reset();   // rolls back: nothing is left behind
            notify("Demo data cancelled");
        } else {
            try {
                // The user waits on it: three quarters of each frame.
                static double last_slice = 0;
                if (g.demo->step(slice_budget_ms(last_slice, 0.75, 12.0, 36.0))) {
                    DemoSummary s = g.demo->summary();
                    g.demo.reset();
                    g.first_run = false;
                    change([] { g.store->set_setting("ui.started", "demo"); });
                    notify("Loaded " + std::to_string(s.total()) + " demo records");
                    ImGui::CloseCurrentPopup();
                }
            } catch (const std::exception& e) {
                g.demo.reset();
                g.demo_error = error_text(e);
            }
        }
    } else {
        ImVec2 choice(g.narrow ? -1 : 220 * g.scale, g.narrow ? 44 * g.scale : 0);
        if (ImGui::Button("Start empty", choice)) {
            g.first_run = false;
            change([] { g.store->set_setting("ui.started", "empty"); });
            ImGui::CloseCurrentPopup();
        }
        if (!g.narrow) ImGui::SameLine();
        if (ImGui::Button("Load demo data", choice)) {
            DemoOptions o;
            o.contacts = g.demo_contacts;
            o.seed = 1;
            try {
                g.demo = std::make_unique<DemoRun>(*g.store, o);
                g.demo_error.clear();
            } catch (const std::exception& e) {
                g.demo_error = error_text(e);
            }
        }
        ImGui::TextUnformatted("Demo size:");
        ImGui::SameLine();
        for (int64_t n : {int64_t(1000), int64_t(10000), int64_t(100000)}) {
            char label[48];
            snprintf(label, sizeof label, "%lld contacts", (long long)n);
            if (radio_button(label, g.demo_contacts == n)) g.demo_contacts = n;
            if (!g.narrow) ImGui::SameLine();
        }
        if (!g.narrow) ImGui::NewLine();
    }
    if (!g.demo_error.empty()) ImGui::TextColored(pal().error, "%s", g.demo_error.c_str());
    ImGui::EndPopup();
}

//-----------------------------------------------------------------------------
// Menu, navigation, status bar
//-----------------------------------------------------------------------------

static void set_theme(bool dark) {
    g.dark = dark;
    apply_theme();
    change([dark] { g.store->set_setting("ui.theme", dark ? "dark" : "light"); });
}

static void draw_menu_bar() {
    if (!ImGui::BeginMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("New contact")) open_create_dialog(kContacts);
        if (ImGui::MenuItem("New account")) open_create_dialog(kAccounts);
        if (ImGui::MenuItem("New lead")) open_create_dialog(kLeads);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Edit")) {
        std::string undo = g.undo_entity ? "Undo delete of " + g.undo_title : "Undo delete";
        if (ImGui::MenuItem(undo.c_str(), "Ctrl+Z", false, g.undo_entity != nullptr)) undo_delete();
        if (ImGui::MenuItem("Search...", "Ctrl+K")) g.search_open = g.search_just_opened = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        if (ImGui::MenuItem("Light theme", nullptr, !g.dark)) set_theme(false);
        if (ImGui::MenuItem("Dark theme", nullptr, g.dark)) set_theme(true);
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Keyboard shortcuts", "F1")) g.shortcuts_open = true;
        ImGui::EndMenu();
    }
    ImGui::EndMenuBar();
}

struct NavItem { const char* icon; const char* label; Screen s; };
static const NavItem kNavItems[] = {{ICON_DASHBOARD, "Dashboard", Screen::Dashboard}, {ICON_CONTACTS, "Contacts", Screen::Contacts},
                                    {ICON_ACCOUNTS, "Accounts", Screen::Accounts},     {ICON_LEADS, "Leads", Screen::Leads},
                                    {ICON_PIPELINE, "Pipeline", Screen::Pipeline},     {ICON_CASES, "Cases", Screen::Cases},
                                    {ICON_CAMPAIGNS, "Campaigns", Screen::Campaigns},  {ICON_ANALYTICS, "Analytics", Screen::Analytics},
                                    {ICON_DATA, "Data", Screen::Data},                 {ICON_QUALITY, "Data quality", Screen::Quality},
                                    {ICON_SETTINGS, "Settings", Screen::Settings}};

static void go_to(Screen s) {
    g.screen = s;
    g.record = RecordView{};
    g.back.clear();
}

static void draw_nav_rail() {
    ImGui::Spacing();
    for (const NavItem& it : kNavItems) {
        bool selected = g.screen == it.s;
        std::string label = std::string(it.icon) + "  " + it.label;
        ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0, 0.5f));
        bool clicked = ImGui::Selectable(label.c_str(), selected, 0, ImVec2(0, 32 * g.scale));
        ImGui::PopStyleVar();
        a11y_current(selected);
        if (clicked) go_to(it.s);
    }
}

// On a phone the rail is a bar at the bottom, within the thumb's reach: the
// four screens a rep lives in, and "More" for the rest. Each is an icon over
// its name; the label stays the name (what a screen reader says).
static void draw_bottom_bar() {
    static const NavItem bar[] = {{ICON_HOME, "Home", Screen::Dashboard}, {ICON_CONTACTS, "Contacts", Screen::Contacts},
                                  {ICON_LEADS, "Leads", Screen::Leads}, {ICON_PIPELINE, "Pipeline", Screen::Pipeline},
                                  {ICON_MORE, "More", Screen::Settings}};
    const int n = 5;
    float w = (ImGui::GetContentRegionAvail().x - (n - 1) * ImGui::GetStyle().ItemSpacing.x) / n;
    float h = ImGui::GetContentRegionAvail().y;
    bool in_bar = false;
    for (int i = 0; i < 4; i++) in_bar |= g.screen == bar[i].s;
    ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0.5f, 0.85f));
    for (int i = 0; i < n; i++) {
        const NavItem& it = bar[i];
        bool more = i == n - 1;
        bool selected = more ? !in_bar : g.screen == it.s;
        if (i) ImGui::SameLine();
        bool clicked = ImGui::Selectable(it.label, selected, 0, ImVec2(w, h));
        ImVec2 min = ImGui::GetItemRectMin();
        ImU32 col = ImGui::GetColorU32(selected ? pal().info : ImGui::GetStyleColorVec4(ImGuiCol_Text));
        ImVec2 size = ImGui::CalcTextSize(it.icon);
        ImGui::GetWindowDrawList()->AddText(ImVec2(min.x + (w - size.x) * 0.5f, min.y + h * 0.12f), col, it.icon);
        if (!more) a11y_current(selected);
        if (clicked) {
            if (more) ImGui::OpenPopup("more_screens");
            else go_to(it.s);
        }
    }
    ImGui::PopStyleVar();
    ImGui::SetNextWindowPos(ImVec2(ImGui::GetMainViewport()->Size.x, ImGui::GetWindowPos().y), ImGuiCond_Always, ImVec2(1, 1));
    if (ImGui::BeginPopup("more_screens")) {
        for (const NavItem& it : kNavItems) {
            bool listed = false;
            for (int i = 0; i < 4; i++) listed |= bar[i].s == it.s;
            if (listed) continue;
            bool selected = g.screen == it.s;
            std::string label = std::string(it.icon) + "  " + it.label;
            bool clicked = ImGui::Selectable(label.c_str(), selected, 0, ImVec2(220 * g.scale, 44 * g.scale));
            a11y_current(selected);
            if (clicked) go_to(it.s);
        }
        ImGui::EndPopup();
    }
}

void place_dialog(float width) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    if (g.narrow) {
        ImGui::SetNextWindowPos(vp->Pos, ImGuiCond_Always);
        ImGui::SetNextWindowSize(vp->Size, ImGuiCond_Always);
        return;
    }
    ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    if (width > 0) ImGui::SetNextWindowSize(ImVec2(width, 0), ImGuiCond_Always);   // height follows the content (errors, previews)
}

static void draw_status_bar() {
    ImGui::Separator();
    const char* state = "Saved";
    ImVec4 color = pal().success;
    std::string detail;
    if (g.file) {
        switch (g.file->state()) {
            case SaveState::Saved: break;
            case SaveState::Saving: state = "Saving..."; color = pal().warning; break;
            case SaveState::Failed:
                state = "Save failed";
                color = pal().error;
                detail = g.file->error() + " - your changes are kept here and will be saved on the next retry";
                break;
        }
    }
    if (!g.deferred.empty()) {   // not applied yet: it waits for blocks still loading
        state = "Waiting...";
        color = pal().warning;
        detail = std::to_string(g.deferred.size()) + (g.deferred.size() == 1 ? " task waits" : " tasks wait") + " for part of your data to load";
        if (holding_all_blocks() && g.file && g.file->size()) {
            char pct[64];
            double here = 1.0 - (double)g.file->absent_blocks() * kBlockSize / (double)g.file->size();
            snprintf(pct, sizeof pct, " (%.0f %% here)", 100.0 * std::max(0.0, here));
            detail += pct;
        }
    }
    ImGui::TextColored(color, "%s", state);
    if (!detail.empty()) {
        ImGui::SameLine();
        ImGui::TextUnformatted(detail.c_str());
        if (g.file && g.file->state() == SaveState::Failed) {
            ImGui::SameLine();
            if (ImGui::SmallButton("Retry now")) g.file->retry();
        }
    }
    ImGui::SameLine(0, 24 * g.scale);
    static uint64_t counted_at = 0;
    static int64_t contacts = 0, accounts = 0;
    if (counted_at != g.data_version) {   // counting 100k rows each frame would cost a millisecond a frame
        try {
            contacts = g.store->count(kContacts);
            accounts = g.store->count(kAccounts);
            counted_at = g.data_version;
        } catch (const std::exception& e) {
            if (!waiting_for_data(e)) throw;   // the last counts stay until the blocks come
        }
    }
    ImGui::Text("%lld contacts  %lld accounts", (long long)contacts, (long long)accounts);
    if (g.undo_entity) {
        ImGui::SameLine(0, 24 * g.scale);
        ImGui::Text("Deleted %s", g.undo_title.c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("Undo")) undo_delete();
    }
    if (platform::update_available()) {
        ImGui::SameLine(0, 24 * g.scale);
        ImGui::TextColored(pal().info, "Update available");
        ImGui::SameLine();
        if (ImGui::SmallButton("Reload")) platform::apply_update();
    }
    draw_sync_status();
    if (!g.notice.empty() && platform::now_ms() < g.notice_until) {
        ImGui::SameLine(0, 24 * g.scale);
        ImGui::TextUnformatted(shown_text(g.notice).c_str());
    }
    if (!g.last_error.empty()) {
        ImGui::SameLine(0, 24 * g.scale);
        ImGui::TextColored(pal().error, "%s", g.last_error.c_str());
    }
}

static void handle_shortcuts() {
    ImGuiIO& io = ImGui::GetIO();
    if (io.KeyCtrl && ImGui::IsKeyPressed(ImGuiKey_K, false)) {
        g.search_open = g.search_just_opened = true;
        g.search_text[0] = 0;
        g.search_selected = 0;
    }
    if (io.KeyCtrl && ImGui::IsKeyPressed(ImGuiKey_Z, false) && !io.WantTextInput && g.undo_entity) undo_delete();
    // F1 anywhere; "?" where it is not typed into a field. Not over another
    // dialog: opening a popup closes those open (the edit dialog would be lost).
    bool popup_open = ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
    if (!popup_open && (ImGui::IsKeyPressed(ImGuiKey_F1, false) ||
                        (!io.WantTextInput && io.KeyShift && !io.KeyCtrl && ImGui::IsKeyPressed(ImGuiKey_Slash, false))))
        g.shortcuts_open = true;
}

// An IME's composition ("にほん" before it becomes 日本) at the caret, underlined,
// as native fields show it; the candidate window opens beside it (the page
// moves its text field to the caret: web_main.cpp).
void ime_preedit(const std::string& text) { g.preedit = text; }

static void draw_preedit() {
    ImGuiContext& c = *ImGui::GetCurrentContext();
    if (!ImGui::GetIO().WantTextInput) g.preedit.clear();   // the field went away mid-composition
    if (g.preedit.empty() || !c.PlatformImeData.WantVisible) return;
    ImDrawList* fg = ImGui::GetForegroundDrawList();
    ImVec2 p = c.PlatformImeData.InputPos;
    ImVec2 size = ImGui::CalcTextSize(g.preedit.c_str());
    float pad = 2 * g.scale;
    fg->AddRectFilled(ImVec2(p.x - pad, p.y), ImVec2(p.x + size.x + pad, p.y + size.y + pad), ImGui::GetColorU32(ImGuiCol_PopupBg));
    fg->AddText(p, ImGui::GetColorU32(ImGuiCol_Text), g.preedit.c_str());
    fg->AddLine(ImVec2(p.x, p.y + size.y), ImVec2(p.x + size.x, p.y + size.y), ImGui::GetColorU32(ImGuiCol_Text), std::max(1.0f, g.scale));
}

// The keyboard shortcuts: everything the app does is reachable without a mouse.
static void draw_shortcuts_help() {
    if (g.shortcuts_open && !ImGui::IsPopupOpen("Keyboard shortcuts")) ImGui::OpenPopup("Keyboard shortcuts");
    place_dialog(0);
    bool open = true;
    if (!ImGui::BeginPopupModal("Keyboard shortcuts", &open, g.narrow ? 0 : ImGuiWindowFlags_AlwaysAutoResize)) {
        g.shortcuts_open = false;
        return;
    }
    static const char* const keys[][2] = {
        {"Tab / Shift+Tab", "Next / previous field or button"},
        {"Arrow keys", "Move between items: the rail, list rows, tabs, menus"},
        {"Enter or Space", "Activate: open the row, press the button, edit the field"},
        {"Page Up / Page Down", "A page up or down in a list"},
        {"Home / End", "The top or the end of a list"},
        {"Escape", "Close the dialog or menu; leave a field"},
        {"Alt", "To the menu bar and back"},
        {"Ctrl+Tab", "Between the rail, the content and the open dialogs"},
        {"Ctrl+K", "Search contacts, accounts and leads"},
        {"Ctrl+Z", "Undo the last delete"},
        {"Enter (in a form)", "Save the record"},
        {"Ctrl+Enter", "Save a note, call, e-mail or meeting"},
        {"Ctrl+Left / Ctrl+Right", "Move the selected opportunity a stage (Pipeline)"},
        {"F1 or ?", "This list"},
    };
    if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("Keys");
        ImGui::TableSetupColumn("What they do");
        ImGui::TableHeadersRow();
        for (const auto& k : keys) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            bold_text(k[0]);
            ImGui::TableSetColumnIndex(1);
            ImGui::TextUnformatted(k[1]);
        }
        ImGui::EndTable();
    }
    ImGui::Spacing();
    if (ImGui::Button("Close", ImVec2(120 * g.scale, 0)) || ImGui::IsKeyPressed(ImGuiKey_Escape) || !open) {
        g.shortcuts_open = false;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

// A failed save is retried on its own: after 5 s, then backing off to a minute.
static double g_retry_at = 0, g_retry_backoff = 5000;
static void retry_failed_save() {
    if (!g.file) return;
    if (g.file->state() != SaveState::Failed) {
        g_retry_at = 0;
        g_retry_backoff = 5000;
        return;
    }
    double now = platform::now_ms();
    if (g_retry_at == 0) g_retry_at = now + g_retry_backoff;
    if (now < g_retry_at) return;
    g.file->retry();
    g_retry_backoff = std::min(g_retry_backoff * 2, 60000.0);
    g_retry_at = now + g_retry_backoff;
}

static void draw_frame();

// An exception that escaped a screen's own handling (a read that missed a
// block outside the screens' content, say) ends the frame's drawing early:
// the open Begin/End pairs are closed as ImGui's recovery does, and the next
// frame draws everything again.
void frame() {
    try {
        draw_frame();
    } catch (const std::exception& e) {
        ImGui::ErrorCheckEndFrameRecover(nullptr);
        if (!waiting_for_data(e)) g.last_error = error_text(e);
    }
}

static void draw_frame() {
    test_hooks_end_frame();   // publishes the previous frame's items
    if (g_logical_of.size() > 4096) g_logical_of.clear();   // between frames: what one frame draws stays readable
    g_chips_counted = g_chips_drawn;
    g_avatars_counted = g_avatars_drawn;
    g_chips_drawn = g_avatars_drawn = 0;
    a11y_before_frame();      // a focus the page moved (a screen reader)
    run_deferred();
    retry_failed_save();
    sync_tick();
    journeys_tick();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    g.narrow = vp->Size.x < 700 * g.scale;
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
    ImGui::Begin("CRM", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_MenuBar |
                                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
    ImGui::PopStyleVar();
    draw_menu_bar();
    if (!g.demo) handle_shortcuts();
    float status_h = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
    float bar_h = g.narrow ? 56 * g.scale : 0;   // the bottom bar on a phone
    if (!g.narrow) {
        ImGui::BeginChild("nav", ImVec2(170 * g.scale, -status_h), ImGuiChildFlags_Border);
        draw_nav_rail();
        ImGui::EndChild();
        ImGui::SameLine();
    }
    ImGui::BeginChild("content", ImVec2(0, -status_h - bar_h), ImGuiChildFlags_Border);
    if (!g.demo) {   // while demo data is written, only its progress is drawn
        const int window_depth = ImGui::GetCurrentContext()->CurrentWindowStack.Size;
        try {
            if (g.record.entity) draw_record_view();
            else switch (g.screen) {
                case Screen::Dashboard: draw_dashboard(); break;
                case Screen::Contacts: draw_list_screen(g.contacts, kContacts); break;
                case Screen::Accounts: draw_list_screen(g.accounts, kAccounts); break;
                case Screen::Leads: draw_list_screen(g.leads, kLeads); break;
                case Screen::Pipeline: draw_pipeline_screen(); break;
                case Screen::Cases: draw_list_screen(g.cases, kCases); break;
                case Screen::Campaigns: draw_list_screen(g.campaigns, kCampaigns); break;
                case Screen::Analytics: draw_analytics_screen(); break;
                case Screen::Data: draw_data_screen(); break;
                case Screen::Quality: draw_quality_screen(); break;
                case Screen::Settings: draw_settings_screen(); break;
            }
        } catch (const std::exception& e) {
            // The exception left Begin/End pairs open (a table half drawn):
            // close them down to the content pane, as ImGui's own recovery does.
            ImGuiContext& c = *ImGui::GetCurrentContext();
            while (c.CurrentWindowStack.Size > window_depth) {
                ImGui::ErrorCheckEndWindowRecover(nullptr);
                if (c.CurrentWindow->Flags & ImGuiWindowFlags_ChildWindow) ImGui::EndChild();
                else ImGui::End();
            }
            ImGui::ErrorCheckEndWindowRecover(nullptr);
            if (!waiting_for_data(e)) g.last_error = error_text(e);
        }
    }
    ImGui::EndChild();
    if (g.open_next) {   // a row of a related table was clicked
        open_record(*g.open_next, g.open_next_id);
        g.open_next = nullptr;
    }
    if (g.narrow) {
        ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4 * g.scale, 3 * g.scale));
        ImGui::BeginChild("nav", ImVec2(0, bar_h - ImGui::GetStyle().ItemSpacing.y), ImGuiChildFlags_Border | ImGuiChildFlags_AlwaysUseWindowPadding,
                          ImGuiWindowFlags_NoScrollbar);
        ImGui::PopStyleVar();
        draw_bottom_bar();
        ImGui::EndChild();
    }
    draw_status_bar();
    draw_first_run();
    if (!g.demo) {
        draw_dialogs();
        draw_workflow_dialog();
        draw_search_popup();
    }
    draw_sync_dialogs();
    draw_shortcuts_help();
    draw_preedit();
    ImGui::End();
}

// The list the current screen shows, if it is a list screen.
static ListView* current_list() {
    switch (g.screen) {
        case Screen::Contacts: return &g.contacts;
        case Screen::Accounts: return &g.accounts;
        case Screen::Leads: return &g.leads;
        case Screen::Cases: return &g.cases;
        case Screen::Campaigns: return &g.campaigns;
        default: return nullptr;
    }
}

bool showing_data() {
    if (g.first_run) return true;   // the welcome dialog is what there is to show
    if (g.record.entity) return g.record.rec.has_value();
    ListView* lv = current_list();
    return !lv || lv->count == 0 || !lv->rows.empty();
}

bool crunching() { return g.demo != nullptr || data_import_running(); }
bool busy() {
    return g.demo != nullptr || data_import_running() || quality_scan_running() || health_check_running() || (g.file && g.file->in_flight()) || analytics_busy();
}

int next_timer_ms() {
    if (g.file && g.file->state() == SaveState::Failed)   // the next retry of a failed save
        return g_retry_at > 0 ? std::max(16, (int)(g_retry_at - platform::now_ms())) : (int)g_retry_backoff;
    // Clocks on screen (SLA timers, My Day) move by the minute; a reminder may come sooner.
    // The next reminder is looked up again after a write or once it is due, not every frame.
    static uint64_t looked_at = 0;
    static int64_t next = 0;
    int64_t now = g.store->now_ms();
    if (looked_at != g.data_version || (next && now >= next)) {
        next = next_reminder_ms(*g.store, now);
        looked_at = g.data_version;
    }
    int64_t until = next ? next - now : 60000;
    int ms = (int)std::clamp<int64_t>(until, 1000, 60000);
    int sync = sync_timer_ms();
    return sync >= 0 ? std::min(ms, sync) : ms;
}

//-----------------------------------------------------------------------------
// For the browser tests: what the screens show
//-----------------------------------------------------------------------------

// The full check reads every block: with part of the file not here, the
// rest is read first (and kept) and the caller asks again.
std::string test_health() {
    g_health_waits = pages_may_miss();
    if (g_health_waits) {
        platform::load_all_blocks();
        return "\x01loading";
    }
    return health_check(*g.db);
}

// Icons the last frame drew: quads whose texture corner is an icon glyph's.
static int icons_drawn(const ImDrawData* dd) {
    if (!dd) return 0;
    std::vector<ImVec2> corners;
    for (ImFont* f : ImGui::GetIO().Fonts->Fonts)
        for (const ImFontGlyph& gl : f->Glyphs)
            if (gl.Codepoint >= 0xE000 && gl.Codepoint <= 0xF8FF) corners.push_back(ImVec2(gl.U0, gl.V0));
    int n = 0;
    for (int l = 0; l < dd->CmdListsCount; l++) {
        const ImDrawList* list = dd->CmdLists[l];
        for (int i = 0; i + 3 < list->VtxBuffer.Size; i++) {   // a glyph's quad: its first vertex carries the corner
            const ImVec2& uv = list->VtxBuffer[i].uv;
            for (const ImVec2& c : corners)
                if (uv.x == c.x && uv.y == c.y) {
                    n++;
                    break;
                }
        }
    }
    return n;
}

std::string test_state_json() {
    using nlohmann::json;
    json j;
    const char* screens[] = {"dashboard", "contacts", "accounts", "leads", "pipeline", "cases", "campaigns", "analytics", "data", "quality", "settings"};
    j["screen"] = screens[(int)g.screen];
    j["first_run"] = g.first_run;
    j["demo_running"] = g.demo != nullptr;
    if (g.demo) j["demo_fraction"] = g.demo->fraction();
    // Read from the database: -1 (a part: null) while the blocks they need
    // are still loading; the rest of the state is still told.
    auto read = [](auto f) -> int64_t {
        try {
            return f();
        } catch (const PageMiss&) {
            return -1;
        }
    };
    auto part = [](auto f) -> json {
        try {
            return json::parse(f());
        } catch (const PageMiss&) {
            return nullptr;
        }
    };
    j["contacts"] = read([] { return g.store->count(kContacts); });
    j["schema_version"] = read([] { return (int64_t)g.db->user_version(); });
    j["file_size"] = read([] { return g.db->file_size_bytes(); });
    j["accounts"] = read([] { return g.store->count(kAccounts); });
    j["waiting_for_data"] = g.waiting_for_data;
    j["changes_waiting"] = g.deferred.size();
    j["waits_for_data"] = g.waits_for_data;
    j["last_miss"] = g.last_miss;
    j["notice"] = platform::now_ms() < g.notice_until ? g.notice : "";
    j["analytics"] = part(analytics_test_state);
    if (g.file) {
        const char* st[] = {"saved", "saving", "failed"};
        j["save"] = {{"state", st[(int)g.file->state()]}, {"error", g.file->error()}, {"pending_blocks", g.file->pending_blocks()},
                     {"last_batch_bytes", g.file->last_batch_bytes()}, {"last_batch_blocks", g.file->last_batch_blocks()},
                     {"batches", g.file->batches_written()}, {"last_ms", platform::last_save_timing().ms},
                     {"last_bytes", platform::last_save_timing().bytes}};
    }
    if (g.record.entity && g.record.rec) {
        json fields = json::object();
        const Record& r = *g.record.rec;
        for (size_t i = 0; i < r.spec->fields.size(); i++) fields[r.spec->fields[i].name] = value_to_text(r.values[i]);
        json places = json::array();
        for (const JourneyPlace& p : g.record.journeys)
            places.push_back({{"journey", p.journey}, {"status", p.status}, {"step", p.step}, {"last_action", p.last_action}});
        json shown = json::object();   // as the profile shows them (the user's formats)
        for (size_t i = 0; i < r.spec->fields.size(); i++) {
            const FieldSpec& f = r.spec->fields[i];
            shown[f.name] = f.has(F_System) && f.type == FieldType::DateTime ? when_text(value_to_text(r.values[i])) : field_text(f, r.values[i]);
        }
        j["record"] = {{"entity", g.record.entity->table}, {"id", g.record.id}, {"title", record_title(r)}, {"fields", fields}, {"shown", shown},
                       {"journeys", places},
                       {"timeline", g.record.timeline.size()}, {"conflict_lines", g.record.conflict_lines},
                       {"reach", g.record.reach_type}};
    }
    ListView* lv = current_list();
    if (lv && !g.record.entity) {
        json rows = json::array();
        for (const Record& r : lv->rows) rows.push_back({{"id", r.id}, {"title", record_title(r)}, {"cells", list_row_cells(r)}});
        j["list"] = {{"count", lv->count}, {"search", lv->search}, {"first_row", lv->cache_start}, {"rows", rows}, {"scroll_y", lv->scroll_y},
                     {"columns_shown", lv->columns_shown},
                     {"columns", lv->query.entity ? list_column_labels(*lv->query.entity) : std::vector<std::string>{}}};
    }
    j["dialog"] = g.edit.open ? std::string(g.edit.id.empty() ? "create " : "edit ") + g.edit.entity->singular : "";
    j["edit_errors"] = g.edit.errors;
    j["edit_values"] = g.edit.values;
    json likely = json::array();
    for (const EditDialog::Likely& l : g.edit.likely) likely.push_back({{"id", l.id}, {"title", l.title}, {"why", l.why}});
    j["edit_likely"] = likely;
    j["undo"] = g.undo_title;
    j["search_open"] = g.search_open;
    j["shortcuts_open"] = g.shortcuts_open;
    j["preedit"] = g.preedit;
    j["dark"] = g.dark;
    j["cjk_glyphs"] = g.cjk_glyphs;
    j["update_available"] = platform::update_available();
    j["incoming"] = part(incoming_state_json);
    j["quality"] = part(quality_state_json);
    j["health"] = part(health_state_json);
    j["scale"] = g.scale;
    j["narrow"] = g.narrow;
    j["look"] = {{"chips", g_chips_counted}, {"avatars", g_avatars_counted}, {"icons", icons_drawn(ImGui::GetDrawData())}};
    j["touch"] = g.touch;
    j["locale"] = {{"tag", g.locale.tag}, {"time_zone", g.locale.time_zone}, {"first_day", g.locale.first_day}, {"decimal", g.locale.decimal},
                   {"group", g.locale.group}, {"hour12", g.locale.hour12}};
    j["last_error"] = g.last_error;
    j["fields_error"] = custom_fields_form_error();
    j["region_error"] = region_settings_error();
    j["journeys"] = {{"here", read([] { return (int64_t)journeys_run_here(*g.store); }) == 1}, {"runs", g.journey_runs},
                     {"enrolled", g.journey_run.enrolled}, {"steps", g.journey_run.steps}, {"emails", g.journey_run.emails},
                     {"now", format_datetime(g.store->now_ms())}, {"error", journeys_editor_error()}};
    try {   // one contact on its way through a journey, for a test to open
        std::string c = g.db->query_text("SELECT coalesce((SELECT contact_id FROM journey_enrollments WHERE deleted = 0 AND contact_id IS NOT NULL "
                                         "ORDER BY entered_at, id LIMIT 1), '')");
        j["journeys"]["sample_contact"] = c.empty() ? "" : record_title(*g.store, kContacts, c);
        j["journeys"]["sample_id"] = c;
    } catch (const std::exception&) {
    }
    j["workflow"] = {{"kind", g.workflow.kind}, {"error", g.workflow.error}, {"result", g.workflow.result}};
    j["pipeline_selected"] = g.pipeline_selected;
    j["sync"] = part(sync_state_json);
    return j.dump();
}

}  // namespace crm::app
