// app.h - the CRM's interface: Dear ImGui screens over the core. The
// platform layer owns the window and the frame loop and calls these; the
// screens call the core (Store, listing, search, views) and never SQL.
#pragma once

#include <string>

struct ImDrawData;

#include "storage/db.h"
#include "storage/pagevfs.h"
#include "records/store.h"
#include "sync/session.h"

namespace crm::app {

void init(Database& db, Store& store, PageFile* file);
void frame();                          // builds this frame's UI (between NewFrame and Render)
bool busy();                           // wants frames without input (demo data running, saving)
bool showing_data();                   // the screen shows its data (a list its rows): for the start-up figure
bool crunching();                      // a long job in frame slices (demo data, an import): frames may run back to back
int next_timer_ms();                   // when a timed redraw is due (SLA clocks, save retry); -1 none
void set_scale(float scale);           // devicePixelRatio: rebuilds fonts and style
bool fonts_stale();                    // a frame drew a missing glyph: set_scale again (CJK glyphs added)
void after_render(const ImDrawData* draw_data);   // notes a missing glyph drawn
void clear_color(float out[4]);        // the background of the current theme
std::string theme_json();              // the style's colours and the palette (the contrast test)
void ime_preedit(const std::string& text);   // an IME's composition, shown at the caret until it is committed
std::string test_state_json();         // what the screens show, for the browser tests
std::string test_health();
void test_advance_clock(int64_t ms);     // the app's clock moves on (journeys' waits), for the browser tests
void blocks_arrived();                 // blocks a read missed have come (demand paging): the screens read again
bool holding_all_blocks();             // a job waits for the whole file: the memory limit drops nothing meanwhile
bool waiting_for_blocks();             // a screen or a change waits for blocks: nothing is dropped till they came and it ran
void file_arrived(const std::string& path, const std::string& name);   // picked or dropped
// Sync (sync_ui.cpp): answers to platform::http_request, the network coming
// back, and an invite link the page was opened with.
void http_done(int id, const HttpResponse& response);
void http_progress(int id, double received, double total);
void network_online();
void invite_arrived(const std::string& link);

}  // namespace crm::app
