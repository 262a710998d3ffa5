// web_main.cpp - the browser entry point: the GLFW window on the page's
// canvas, the frame loop and its idling, pixel density, text input and the
// clipboard. web/shell.js loads the stored database blocks, then calls main().
//
// Idle is idle: after input the loop draws a few frames and then pauses
// (emscripten_pause_main_loop), so an untouched tab costs nothing. Input,
// a resize, a finished save or a timer the app asks for resumes it.
#include <emscripten.h>
#include <emscripten/eventloop.h>
#include <emscripten/html5.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_internal.h>
#include <nlohmann/json.hpp>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/app_state.h"
#include "app/platform.h"
#include "app/a11y.h"
#include "app/test_hooks.h"
#include "platform/web/gl_renderer.h"
#include "platform/web/web.h"
#include "storage/schema.h"

using namespace crm;

namespace {

GLFWwindow* g_window = nullptr;
int g_frames_left = 3;        // frames still to draw before pausing
bool g_paused = false;
int g_fb_w = 0, g_fb_h = 0;
double g_scale = 0;
bool g_first_frame = true;
bool g_frozen = false;        // the data moved to another tab: this one stops
std::string g_clipboard;
bool g_in_copy_event = false;
long g_timer = 0;
// Frame CPU time, for the benchmarks: count, sum and worst since the last reset.
double g_stat_count = 0, g_stat_sum = 0, g_stat_max = 0;
double g_timer_due = 0;
uint64_t g_drawn = 0;         // the last frame's draw_hash
bool g_crunching = false;     // frames run back to back (app::crunching)
int g_changed_frames = 0;     // frames in a row drawn only because the picture changed

//-----------------------------------------------------------------------------
// Page glue (each a few lines; the rest of the JS is in web/shell.js)
//-----------------------------------------------------------------------------

// Width and height in CSS px, the pixel density, and the text size the
// user chose in the system or browser (the page's root font size over 16 px).
EM_JS(void, js_canvas_metrics, (double* out), {
    const c = Module.canvas;
    HEAPF64[out >> 3] = c.clientWidth;
    HEAPF64[(out >> 3) + 1] = c.clientHeight;
    HEAPF64[(out >> 3) + 2] = window.devicePixelRatio || 1;
    HEAPF64[(out >> 3) + 3] = Module.crmTextZoom || 1;
});
EM_JS(void, js_set_canvas_size, (int w, int h), {
    Module.canvas.width = w;
    Module.canvas.height = h;
});
EM_JS(void, js_first_frame, (), { if (Module.crmFirstFrame) Module.crmFirstFrame(); });
EM_JS(void, js_first_data, (), { performance.mark('crm-first-data'); if (Module.crmFirstData) Module.crmFirstData(); });
EM_JS(void, js_fatal, (const char* msg), { Module.crmFatal(UTF8ToString(msg)); });
EM_JS(void, js_write_clipboard, (const char* text), {
    // Outside a copy event (a "Copy" button): the async Clipboard API.
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(UTF8ToString(text)).catch(() => {});
});
// Keeps the hidden text field focused while ImGui edits text, so IME and
// typed characters arrive as input events wherever the mouse went.
EM_JS(void, js_a11y, (const char* json), { if (Module.crmA11y) Module.crmA11y(UTF8ToString(json)); });
EM_JS(void, js_ime_place, (int visible, float x, float y, float h), { if (Module.crmImePlace) Module.crmImePlace(visible, x, y, h); });
EM_JS(void, js_text_focus, (int want), { if (Module.crmTextFocus) Module.crmTextFocus(want); });
EM_JS(void, js_storage_refresh, (), { if (Module.crmStorageRefresh) Module.crmStorageRefresh(); });
EM_JS(void, js_set_cursor, (int kind), {
    const names = ['default', 'text', 'pointer', 'col-resize', 'row-resize', 'grab', 'not-allowed'];
    Module.canvas.style.cursor = names[kind] || 'default';
});

// Demand paging: the blocks a frame's reads missed, fetched by shell.js.
// The first n were missed (wanted now), the next m are their siblings.
EM_JS(void, js_fetch_blocks, (const uint32_t* blocks, int n, int m), { Module.crmFetchBlocks(blocks, n, m); });
EM_JS(void, js_upgrade_progress, (double have, double total), { if (Module.crmUpgradeProgress) Module.crmUpgradeProgress(have, total); });

void schedule_timer(int ms);

void frame();

void on_timer(void*) {
    g_timer = 0;
    web::wake();
}

void schedule_timer(int ms) {
    double due = emscripten_get_now() + ms;
    if (g_timer && g_timer_due <= due) return;
    if (g_timer) emscripten_clear_timeout(g_timer);
    g_timer_due = due;
    g_timer = emscripten_set_timeout(on_timer, ms, nullptr);
}

const char* get_clipboard(void*) { return g_clipboard.c_str(); }
void set_clipboard(void*, const char* text) {
    g_clipboard = text ? text : "";
    if (!g_in_copy_event) js_write_clipboard(g_clipboard.c_str());
}

void update_cursor() {
    static int last = -1;
    int kind = 0;
    switch (ImGui::GetMouseCursor()) {
        case ImGuiMouseCursor_TextInput: kind = 1; break;
        case ImGuiMouseCursor_Hand: kind = 2; break;
        case ImGuiMouseCursor_ResizeEW: kind = 3; break;
        case ImGuiMouseCursor_ResizeNS: kind = 4; break;
        case ImGuiMouseCursor_ResizeAll: kind = 5; break;
        case ImGuiMouseCursor_NotAllowed: kind = 6; break;
        default: break;
    }
    if (kind != last) js_set_cursor(kind);
    last = kind;
}

// A fingerprint of what the frame drew. State can change late in a frame
// (an import step that ends, a dialog that grows to fit a new message) after
// earlier widgets were drawn from the old state; the loop draws until two
// frames come out the same, so the picture left on screen when it pauses,
// and the one the next click hits, is the settled one.
uint64_t draw_hash(const ImDrawData* dd) {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&](uint64_t v) { h = (h ^ v) * 0x100000001b3ull; h ^= h >> 29; };
    if (!dd) return h;
    for (int n = 0; n < dd->CmdListsCount; n++) {
        const ImDrawList* l = dd->CmdLists[n];
        const unsigned char* p = (const unsigned char*)l->VtxBuffer.Data;
        size_t bytes = (size_t)l->VtxBuffer.Size * sizeof(ImDrawVert), i = 0;
        for (; i + 8 <= bytes; i += 8) {
            uint64_t v;
            memcpy(&v, p + i, 8);
            mix(v);
        }
        for (; i < bytes; i++) mix(p[i]);
        mix((uint64_t)l->IdxBuffer.Size);
        for (const ImDrawCmd& c : l->CmdBuffer) {
            mix((uint64_t)c.ElemCount << 32 | c.IdxOffset);
            mix((uint64_t)(intptr_t)c.GetTexID());
        }
    }
    return h;
}

// After a frame: if its reads missed blocks (a lazily opened file), ask
// shell.js for them (their arrival wakes the loop). Then drop what the
// memory limit says, keeping every block this frame read: a read that
// resumes where it stopped (the analytics load, a slice of rows at a time)
// finds its place again. Not while a screen or a change waits for blocks:
// a statement that runs again from its start must find there the blocks
// all its earlier runs brought. `may_trim` false: not a frame (a test
// hook's read), ask only.
uint64_t g_frame_tick = 0;   // the file's use tick when the frame began
bool g_upgrade_waits = false;   // an upgrade of the schema waits for the whole file: nothing is dropped
void request_missed_blocks(bool may_trim = true) {
    PageFile& f = page_file(web::kDbFile);
    static uint64_t seen = 0;
    if (f.misses() != seen) {
        seen = f.misses();
        std::vector<uint32_t> wanted = f.take_wanted();
        if (!wanted.empty()) {
            std::vector<uint32_t> siblings = f.siblings(wanted, 32);
            size_t n = wanted.size();
            wanted.insert(wanted.end(), siblings.begin(), siblings.end());
            js_fetch_blocks(wanted.data(), (int)n, (int)siblings.size());
        }
    }
    if (may_trim && !g_upgrade_waits && !app::holding_all_blocks() && !app::waiting_for_blocks()) f.trim(g_frame_tick);
}

// Opens the database and sets the app up. A lazily opened file may miss a
// block of the schema or the settings: false, and it runs again when the
// blocks came (nothing is kept of a failed try).
bool g_open = false;
bool try_open() {
    PageFile& file = page_file(web::kDbFile);
    double blocks = (double)((file.size() + kBlockSize - 1) / kBlockSize);
    if (g_upgrade_waits && file.absent_blocks() > 0) {   // still reading the file whole for its upgrade: nothing to open yet
        js_upgrade_progress(blocks - file.absent_blocks(), blocks);
        return false;
    }
    file.attach(&web::idb_store());
    OpenOptions oo;
    oo.vfs = kPageVfsName;
    oo.journal_mode = "MEMORY";
    oo.cache_kib = 8000;
    auto db = std::make_unique<Database>();
    std::unique_ptr<Store> store;
    try {
        db->open(web::kDbFile, oo);
        // A file from an earlier version, opened on demand: its upgrade
        // rewrites whole tables and indexes (schemas 14 and 15), which would
        // miss block after block and start again after each. It runs once
        // the whole file is here instead, the memory limit aside until then.
        if (file.absent_blocks() > 0 && db->user_version() < latest_schema_version()) {
            g_upgrade_waits = true;
            js_upgrade_progress(blocks - file.absent_blocks(), blocks);
            platform::load_all_blocks();
            return false;
        }
        store = std::make_unique<Store>(*db);
        app::init(*db, *store, &file);
    } catch (const PageMiss&) {
        request_missed_blocks();
        return false;
    }
    g_upgrade_waits = false;
    // Both live as long as the page.
    db.release();
    store.release();
    return true;
}

bool has_callbacks(const ImDrawData* dd) {
    for (int n = 0; dd && n < dd->CmdListsCount; n++)
        for (const ImDrawCmd& c : dd->CmdLists[n]->CmdBuffer)
            if (c.UserCallback) return true;
    return false;
}

void frame_body();

// A read outside the app's own handling that missed a block (a lazily
// opened file) ends this frame early; the blocks' arrival draws it again.
void frame() {
    try {
        frame_body();
    } catch (const std::exception& e) {
        if (!dynamic_cast<const PageMiss*>(&e)) printf("frame: %s\n", e.what());
        if (ImGui::GetCurrentContext()->WithinFrameScope) {
            ImGui::ErrorCheckEndFrameRecover(nullptr);
            ImGui::EndFrame();
        }
        request_missed_blocks();
    }
}

void frame_body() {
    if (!g_open) {
        try {
            g_open = try_open();
        } catch (const std::exception& e) {
            js_fatal((std::string("The stored database could not be opened: ") + e.what()).c_str());
            emscripten_cancel_main_loop();
            return;
        }
        if (!g_open) {   // the blocks' arrival wakes the loop
            g_paused = true;
            emscripten_pause_main_loop();
            return;
        }
    }
    double t_start = emscripten_get_now();
    double m[4];
    js_canvas_metrics(m);
    int fb_w = std::max(1, (int)std::lround(m[0] * m[2])), fb_h = std::max(1, (int)std::lround(m[1] * m[2]));
    bool must_render = false;   // the canvas or the font texture changed under the same draw data
    if (fb_w != g_fb_w || fb_h != g_fb_h) {
        must_render = true;
        js_set_canvas_size(fb_w, fb_h);
        g_fb_w = fb_w;
        g_fb_h = fb_h;
    }
    // First frame, browser zoom, a move to another screen, the system's text size, or CJK glyphs needed.
    if (m[2] * m[3] != g_scale || app::fonts_stale()) {
        g_scale = m[2] * m[3];
        app::set_scale((float)g_scale);
        web::renderer_upload_fonts();
        must_render = true;
    }

    ImGui_ImplGlfw_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    // ImGui works in device pixels: text is rasterised at the screen's density.
    io.DisplaySize = ImVec2((float)fb_w, (float)fb_h);
    io.DisplayFramebufferScale = ImVec2(1, 1);
    ImGui::NewFrame();
    g_frame_tick = page_file(web::kDbFile).use_tick();
    app::frame();
    ImGui::Render();
    app::after_render(ImGui::GetDrawData());
    float clear[4];
    app::clear_color(clear);
    // A frame that draws what the canvas already shows is not sent to the GPU:
    // WebGL keeps presenting the last picture. Long work (demo data, an
    // import) redraws its progress bar at 60 frames a second, and with a
    // software GPU the drawing took more CPU than the work itself. A draw
    // callback (a GPU point cloud) may change what it draws under the same
    // draw data, so a frame with one is always drawn.
    uint64_t drawn = draw_hash(ImGui::GetDrawData());
    for (float c : clear) drawn = (drawn ^ (uint64_t)(c * 255.0f)) * 0x100000001b3ull;
    bool changed = drawn != g_drawn;
    if (changed || must_render || has_callbacks(ImGui::GetDrawData())) web::renderer_render(ImGui::GetDrawData(), fb_w, fb_h, clear);
    // The accessible mirror: rebuilt when the picture changed (else only focus and announcements).
    std::string a11y = app::a11y_frame_update(ImGui::GetDrawData(), changed || g_first_frame);
    if (!a11y.empty()) js_a11y(a11y.c_str());
    js_text_focus(io.WantTextInput ? 1 : 0);
    update_cursor();

    if (g_first_frame) {
        g_first_frame = false;
        js_first_frame();
    }
    static bool first_data = false;
    if (!first_data && app::showing_data()) {
        first_data = true;
        js_first_data();
    }
    double took = emscripten_get_now() - t_start;
    g_stat_count += 1;
    g_stat_sum += took;
    g_stat_max = std::max(g_stat_max, took);
    int timer = -1;
    try {
        timer = app::next_timer_ms();
    } catch (const PageMiss&) {
        timer = 100;   // it reads the next reminder: again once the block came
    }
    if (timer >= 0) schedule_timer(std::max(timer, 16));
    // Busy work (demo data, a save in flight) keeps the loop going. So does
    // input ImGui has not taken in yet: it trickles fast input over several
    // frames (a key's down and up, then its character), and keys typed just
    // before an idle pause would otherwise wait for the next event.
    bool keep_going = app::busy() || ImGui::GetCurrentContext()->InputEventsQueue.Size > 0;
    // And so does a picture that changed: draw until it settles, at most 8
    // frames past the input or work (a picture may flip between two states).
    g_drawn = drawn;
    g_changed_frames = keep_going ? 0 : changed ? g_changed_frames + 1 : 0;
    if (changed && g_changed_frames < 8) keep_going = true;
    if (keep_going) g_frames_left = std::max(g_frames_left, 2);
    // A long job (demo data, an import) runs a slice a frame. Paced by the
    // display, a frame waits for the next vsync after its slice: a third of
    // the demo data's time in Chromium was that wait. While one runs, frames
    // follow each other at once (a posted message, not requestAnimationFrame);
    // the browser still paints between them, and input still comes in.
    bool crunching = app::crunching();
    if (crunching != g_crunching) {
        g_crunching = crunching;
        emscripten_set_main_loop_timing(crunching ? EM_TIMING_SETIMMEDIATE : EM_TIMING_RAF, crunching ? 0 : 1);
    }
    request_missed_blocks();
    if (--g_frames_left <= 0 && !g_paused) {
        g_paused = true;
        emscripten_pause_main_loop();
    }
}

// Input wakes the loop; ImGui's own callbacks are chained after these.
// The mouse (GLFW never sees a finger: shell.js takes touches) says so to
// ImGui, after a touch said otherwise.
void mouse_again() {
    if (!app::g.touch) return;
    app::g.touch = false;
    ImGui::GetIO().AddMouseSourceEvent(ImGuiMouseSource_Mouse);
}
void on_cursor(GLFWwindow*, double, double) {
    mouse_again();
    web::wake();
}
void on_button(GLFWwindow*, int, int, int) {
    mouse_again();
    web::wake();
}
void on_scroll(GLFWwindow*, double, double) { web::wake(); }
void on_key(GLFWwindow*, int, int, int, int) { web::wake(); }
void on_focus(GLFWwindow*, int) { web::wake(); }
bool g_pointer_inside = false;   // the GLFW backend believes the mouse is over the canvas
void on_enter(GLFWwindow*, int entered) {
    g_pointer_inside = entered != 0;
    web::wake();
}

}  // namespace

void web::wake() {
    if (g_frozen) return;
    g_frames_left = std::max(g_frames_left, 4);
    g_changed_frames = 0;   // a new chase for a picture that settles
    if (g_paused) {
        g_paused = false;
        emscripten_resume_main_loop();
    }
}

platform::StorageInfo g_storage;
bool g_update_available = false;
EM_JS(void, js_apply_update, (), { if (Module.crmApplyUpdate) Module.crmApplyUpdate(); });
bool platform::update_available() { return g_update_available; }
EM_JS(void, js_download, (const char* path, const char* name, const char* mime), {
    Module.crmDownload(UTF8ToString(path), UTF8ToString(name), UTF8ToString(mime));
});
EM_JS(void, js_pick_file, (const char* accept), { Module.crmPickFile(UTF8ToString(accept)); });
void platform::download_file(const std::string& p, const std::string& n, const char* mime) { js_download(p.c_str(), n.c_str(), mime); }
void platform::pick_file(const char* accept) { js_pick_file(accept); }
// A link clicked, so the browser hands mailto: and tel: to their apps without leaving the page.
EM_JS(void, js_open_url, (const char* url), {
    const a = document.createElement('a');
    a.href = UTF8ToString(url);
    Module.crmLastUrl = a.href;   // what the tests read
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
});
void platform::open_url(const std::string& url) { js_open_url(url.c_str()); }
bool platform::draw_points(ImDrawList* list, int key, uint64_t version, const float* xy, size_t count, const float map[4], float size, uint32_t color) {
    return web::renderer_points(list, key, version, xy, count, map, size, color);
}
void platform::apply_update() { js_apply_update(); }
platform::StorageInfo platform::storage_info() { return g_storage; }
void platform::refresh_storage_info() { js_storage_refresh(); }
EM_JS(void, js_load_all_blocks, (), { if (Module.crmLoadAll) Module.crmLoadAll(); });
void platform::load_all_blocks() { js_load_all_blocks(); }
void platform::wake_after_ms(int ms) { schedule_timer(ms); }
// The pointer is over the app (a finger, an assistive click): the GLFW
// backend stops putting its own cursor position in front of ours each frame
// (it does while it believes the mouse is outside the canvas).
void platform::pointer_entered() {
    if (!g_pointer_inside) ImGui_ImplGlfw_CursorEnterCallback(g_window, 1);
}

// Locale: shell.js derives the description from Intl (crmDescribeLocale).
EM_JS(char*, js_describe_locale, (const char* tag, const char* tz), {
    let s = '{}';
    try { s = Module.crmDescribeLocale(UTF8ToString(tag), UTF8ToString(tz)); } catch (e) { console.warn('locale: ' + e); }
    const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
    stringToUTF8(s, p, n);
    return p;
});
EM_JS(int, js_utc_offset, (double ms, const char* tz), { return Module.crmUtcOffset(ms, UTF8ToString(tz)); });
EM_JS(int, js_is_time_zone, (const char* tz), { return Module.crmIsTimeZone(UTF8ToString(tz)) ? 1 : 0; });
LocaleFormat platform::describe_locale(const std::string& tag, const std::string& time_zone) {
    LocaleFormat f;
    char* text = js_describe_locale(tag.c_str(), time_zone.c_str());
    try {
        nlohmann::json j = nlohmann::json::parse(text);
        f.tag = j.value("tag", f.tag);
        f.decimal = j.value("decimal", f.decimal);
        f.group = j.value("group", f.group);
        f.date_order = j.value("date_order", f.date_order);
        f.date_sep = j.value("date_sep", f.date_sep);
        f.hour12 = j.value("hour12", f.hour12);
        f.am = j.value("am", f.am);
        f.pm = j.value("pm", f.pm);
        f.first_day = j.value("first_day", f.first_day);
        f.time_zone = j.value("time_zone", f.time_zone);
    } catch (const std::exception& e) {
        printf("locale: %s\n", e.what());   // ISO formats, as the CLI shows them
    }
    free(text);
    if (f.date_order.size() != 3) f.date_order = "YMD";
    return f;
}
int platform::utc_offset_minutes(int64_t utc_ms, const std::string& time_zone) { return js_utc_offset((double)utc_ms, time_zone.c_str()); }
bool platform::is_time_zone(const std::string& name) { return js_is_time_zone(name.c_str()) == 1; }
double platform::now_ms() { return emscripten_date_now(); }

extern "C" {

EMSCRIPTEN_KEEPALIVE void crm_wake() { web::wake(); }

// A file the user picked or dropped on the page, written to the page's file system.
EMSCRIPTEN_KEEPALIVE void crm_file_arrived(const char* path, const char* name) {
    app::file_arrived(path, name);
    web::wake();
}

// A new version of the app is installed and waiting (web/sw.js).
EMSCRIPTEN_KEEPALIVE void crm_update_available() {
    g_update_available = true;
    web::wake();
}

// Another tab took over: stop drawing and writing for good (a reload comes back).
EMSCRIPTEN_KEEPALIVE void crm_freeze() {
    g_frozen = true;
    if (!g_paused) {
        g_paused = true;
        emscripten_pause_main_loop();
    }
}

// Text typed or composed (IME) in the page's hidden text field.
// An IME's composition as it changes ("" once committed or cancelled).
EMSCRIPTEN_KEEPALIVE void crm_ime_preedit(const char* utf8) {
    app::ime_preedit(utf8);
    web::wake();
}
EMSCRIPTEN_KEEPALIVE void crm_text_input(const char* utf8) {
    ImGui::GetIO().AddInputCharactersUTF8(utf8);
    web::wake();
}

// Touch: shell.js tells a tap or a long press (a button's down and up at a
// point), a drag and its inertia (scrolling), and a finger lifted (no hover
// is left behind). Coordinates in device pixels, as ImGui's.
static ImVec2 g_touch_pos(-FLT_MAX, -FLT_MAX);   // the position last told for a finger
static void touch_at(double x, double y, bool always = true) {
    ImGuiIO& io = ImGui::GetIO();
    if (!g_pointer_inside) {
        platform::pointer_entered();   // it queues a position of its own: ours must follow
        always = true;
    }
    if (!app::g.touch) {
        app::g.touch = true;
        io.AddMouseSourceEvent(ImGuiMouseSource_TouchScreen);
    }
    // A drag tells its position again only when it moved far: each position
    // before a wheel step costs ImGui a frame (it takes input in order).
    if (!always && std::fabs(g_touch_pos.x - (float)x) < 48 && std::fabs(g_touch_pos.y - (float)y) < 48) return;
    g_touch_pos = ImVec2((float)x, (float)y);
    io.AddMousePosEvent((float)x, (float)y);
}
EMSCRIPTEN_KEEPALIVE void crm_touch_button(double x, double y, int button, int down) {
    touch_at(x, y);
    ImGui::GetIO().AddMouseButtonEvent(button, down != 0);
    web::wake();
}
// A drag of (dx, dy) device pixels scrolls what is under the finger by as
// much: ImGui scrolls 5 lines of the window's font per wheel step.
EMSCRIPTEN_KEEPALIVE void crm_touch_scroll(double x, double y, double dx, double dy) {
    touch_at(x, y, false);
    ImGuiIO& io = ImGui::GetIO();
    float step = 5.0f * (io.Fonts->Fonts.Size ? io.Fonts->Fonts[0]->FontSize : 15.0f);
    io.AddMouseWheelEvent((float)(dx / step), (float)(dy / step));
    web::wake();
}
EMSCRIPTEN_KEEPALIVE void crm_touch_lift() {
    g_touch_pos = ImVec2(-FLT_MAX, -FLT_MAX);
    ImGui::GetIO().AddMousePosEvent(-FLT_MAX, -FLT_MAX);
    web::wake();
}
// Inside the touch's own event, the frames that take in the tap run now:
// if it landed in a text field, the page focuses its text input while the
// gesture lasts, which is what makes a phone show its keyboard (1); if not,
// the keyboard goes (0).
EMSCRIPTEN_KEEPALIVE int crm_touch_settle() {
    if (g_frozen || !g_open) return 0;
    for (int i = 0; i < 8 && ImGui::GetCurrentContext()->InputEventsQueue.Size > 0; i++) frame();
    frame();   // the frame after the click, where the field it activated is drawn active
    return ImGui::GetIO().WantTextInput ? 1 : 0;
}

// A paste event: the text ImGui will read when it handles Ctrl+V this frame.
EMSCRIPTEN_KEEPALIVE void crm_paste_text(const char* utf8) {
    g_clipboard = utf8;
    web::wake();
}

// A copy or cut event: ImGui sees the Ctrl+C key already; run one frame now
// so it copies, and hand the text back for the event's clipboardData.
EMSCRIPTEN_KEEPALIVE const char* crm_copy_text() {
    g_clipboard.clear();
    if (g_frozen) return "";
    g_in_copy_event = true;
    // ImGui trickles queued input one change per frame: run frames until it
    // has taken in the Ctrl+C (and whatever came before it) and copied.
    for (int i = 0; i < 32; i++) {
        frame();
        if (!g_clipboard.empty() || ImGui::GetCurrentContext()->InputEventsQueue.Size == 0) break;
    }
    g_in_copy_event = false;
    return g_clipboard.c_str();
}

// For the browser tests (web/shell.js exposes them as window.crmTest).
EMSCRIPTEN_KEEPALIVE void crm_test_enable(int on) {
    app::test_hooks_enable(on != 0);
    web::wake();
}
EMSCRIPTEN_KEEPALIVE void crm_test_advance_clock(double ms) {
    app::test_advance_clock((int64_t)ms);
    web::wake();
}
EMSCRIPTEN_KEEPALIVE const char* crm_test_items() {
    static std::string s;
    s = app::test_hooks_items_json();
    return s.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* crm_test_state() {
    static std::string s = "{}";
    if (!g_open) return "{}";
    try {
        s = app::test_state_json();
    } catch (const PageMiss&) {
        // What it reads is still loading: the last state, asked again later.
    }
    request_missed_blocks(false);   // its reads may have missed
    return s.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* crm_theme() {
    static std::string s;
    s = app::theme_json();
    return s.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* crm_test_health() {
    static std::string s;
    s = app::test_health();
    return s.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* crm_frame_stats(int reset) {
    static char buf[128];
    snprintf(buf, sizeof buf, "{\"frames\":%.0f,\"avg_ms\":%.3f,\"max_ms\":%.3f}", g_stat_count,
             g_stat_count ? g_stat_sum / g_stat_count : 0.0, g_stat_max);
    if (reset) g_stat_count = g_stat_sum = g_stat_max = 0;
    return buf;
}
// The accessible mirror (web/a11y.js): the page's focus moved onto an item, or
// assistive technology activated one.
EMSCRIPTEN_KEEPALIVE void crm_a11y_focus(unsigned id) {
    app::a11y_focus(id);
    web::wake();
}
EMSCRIPTEN_KEEPALIVE void crm_a11y_click(unsigned id) {
    if (app::a11y_click(id)) web::wake();
}
EMSCRIPTEN_KEEPALIVE const char* crm_a11y_stats(int reset) {
    static std::string s;
    s = app::a11y_stats_json(reset != 0);
    return s.c_str();
}
EMSCRIPTEN_KEEPALIVE int crm_input_pending() { return ImGui::GetCurrentContext()->InputEventsQueue.Size; }
EMSCRIPTEN_KEEPALIVE double crm_frame_count() { return (double)ImGui::GetFrameCount(); }
EMSCRIPTEN_KEEPALIVE int crm_paused() { return g_paused ? 1 : 0; }   // idle: the picture has settled

// Blocks a read missed have arrived: read again.
EMSCRIPTEN_KEEPALIVE void crm_blocks_arrived() {
    if (g_open) app::blocks_arrived();
    web::wake();
}

EMSCRIPTEN_KEEPALIVE void crm_storage_info(double used, double quota, int persisted) {
    g_storage = {used, quota, persisted != 0};
    web::wake();
}

}

int main() {
    if (!glfwInit()) {
        js_fatal("GLFW could not start.");
        return 1;
    }
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    double m[4];
    js_canvas_metrics(m);
    g_window = glfwCreateWindow(std::max(1, (int)m[0]), std::max(1, (int)m[1]), "CRM", nullptr, nullptr);
    if (!g_window) {
        js_fatal("This browser could not create a WebGL2 context.");
        return 1;
    }
    glfwMakeContextCurrent(g_window);
    glfwSetCursorPosCallback(g_window, on_cursor);
    glfwSetMouseButtonCallback(g_window, on_button);
    glfwSetScrollCallback(g_window, on_scroll);
    glfwSetKeyCallback(g_window, on_key);
    glfwSetWindowFocusCallback(g_window, on_focus);
    glfwSetCursorEnterCallback(g_window, on_enter);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    app::item_hooks_start();   // the accessible mirror reads every frame's items
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    io.ConfigInputTextCursorBlink = false;   // a blinking caret would keep the tab drawing
    io.GetClipboardTextFn = get_clipboard;
    io.SetClipboardTextFn = set_clipboard;
    ImGui_ImplGlfw_InitForOpenGL(g_window, true);
    glfwSetCharCallback(g_window, nullptr);  // text comes from the page's text field (crm_text_input)
    io.GetClipboardTextFn = get_clipboard;   // the backend installed its own
    io.SetClipboardTextFn = set_clipboard;
    // The caret of the field being typed in: the page's text field moves there, so an IME's candidate window opens beside it.
    io.SetPlatformImeDataFn = [](ImGuiViewport*, ImGuiPlatformImeData* d) {
        js_ime_place(d->WantVisible ? 1 : 0, d->InputPos.x, d->InputPos.y, d->InputLineHeight);
    };
    if (!web::renderer_init()) {
        js_fatal(web::renderer_error());
        return 1;
    }

    emscripten_set_main_loop(frame, 0, false);
    return 0;
}
