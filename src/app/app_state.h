// app_state.h - the state the screens share, and the screens' entry points.
// One global AppState, as Dear ImGui apps keep theirs: flat and direct.
#pragma once

#include <imgui.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/locale.h"
#include "demo/demo.h"
#include "records/listing.h"
#include "storage/pagevfs.h"
#include "records/store.h"
#include "sync/merge.h"
#include "workflows/journeys.h"

namespace crm::app {

enum class Screen { Dashboard, Contacts, Accounts, Leads, Pipeline, Cases, Campaigns, Analytics, Data, Quality, Settings };

// A list screen: the query, its row count, and a window of fetched rows
// around what the clipper shows (never the whole table).
struct ListView {
    ListQuery query;
    char search[128] = "";
    int64_t count = -1;                 // -1: recount
    int64_t cache_start = 0;            // row index of rows[0]
    std::vector<Record> rows;
    std::optional<PageKey> tail_key;    // key of rows.back(), to fetch the rows after it
    uint64_t version = 0;               // data version the cache was filled at
    std::string owner_filter, tag_filter, tier_filter;
    char country_filter[8] = "";
    std::string field_filter, field_filter_value;   // a custom field = a value ("" field: none)
    std::string selected_id;
    bool scroll_to_top = false;         // after the search or a filter changed
    float scroll_y = 0;                 // where the table is scrolled (the tests read it)
    int columns_shown = 0;              // all of them, or two on a phone
};

// The record shown in the content area (the 360-degree view).
struct RecordView {
    const EntitySpec* entity = nullptr;
    std::string id;
    uint64_t version = 0;
    std::optional<Record> rec;
    std::map<std::string, std::string> edit;     // inline edit buffers by field
    std::map<std::string, std::string> errors;   // validation message by field
    std::string reach_type, reach_to;            // "email"/"call" and the address after Write or Call: log it?
    std::map<std::string, std::string> ref_filter;
    // Related records, newest first, fetched when the data version changes.
    std::vector<Record> timeline, tasks, opportunities, orders, cases, people;
    std::vector<JourneyPlace> journeys;                // where this contact or lead is in each journey
    uint64_t journeys_read = 0;                        // data_version they were read at
    std::optional<std::vector<ChangeEntry>> history;   // read when the History tab first shows
    std::vector<Conflict> conflicts;                   // values that lost to another device's edit
    std::vector<std::string> conflict_lines;           // as the History tab last drew them
    int timeline_limit = 200;
    bool missing = false;                        // deleted or never existed
};

// A create or edit dialog.
struct EditDialog {
    bool open = false, just_opened = false;
    const EntitySpec* entity = nullptr;
    std::string id;                              // "" = create
    std::map<std::string, std::string> values;   // field -> text
    std::map<std::string, std::string> initial;  // as an edit opened: an unchanged field is not written
    std::map<std::string, std::string> errors;
    std::string general_error;
    std::map<std::string, std::string> ref_filter;   // ref picker search text per field
    int save_serial = 0;                         // the save asked last (it may wait for data still loading)
    bool saving = false, saved = false;          // saved: it went through, the dialog closes
    // A new contact, account or lead that looks like one already stored: shown
    // before it is saved; "Save anyway" saves it all the same.
    struct Likely {
        std::string id, title, why;              // why: "92%: same e-mail, similar name"
    };
    std::vector<Likely> likely;
    std::string likely_for;                      // the name, e-mail and phone the warning was for: "Save anyway" saves those
};

// A workflow step that asks for text or choices first: disqualify (reason),
// convert (account, amount), lose (reason), resolve (resolution, article),
// send a campaign (opt-out category).
struct WorkflowDialog {
    std::string kind;                            // "" = closed; "disqualify", "convert", "lost", "resolve", "send"
    bool just_opened = false;
    std::string id;                              // the record it acts on
    std::string text, text2;                     // reason / resolution / category
    std::string account_id, account_filter, article_id;
    char amount[32] = "";
    bool create_opportunity = true;
    std::string error, result;
};

// Logging an activity (note, call, e-mail, meeting) from a record.
struct ActivityDialog {
    bool open = false, just_opened = false;
    std::string type;                            // "note", "call", "email", "meeting"
    std::string subject, body, outcome, direction = "outbound";
    int minutes = 0;
    bool follow_up = false;
    int follow_up_days = 7;
    std::string follow_up_title;
    std::string error;
};

struct AppState {
    Database* db = nullptr;
    Store* store = nullptr;
    PageFile* file = nullptr;
    uint64_t data_version = 1;                   // bumped by every write the screens make, and when blocks a read missed came
    // Bumped by writes only (data_changed, a sync): what depends on the data
    // and not on which blocks are in memory - the analytics working set, which
    // takes minutes to load lazily at 100k and must not start again because
    // another screen's read missed a block meanwhile.
    uint64_t write_version = 1;
    int64_t clock_offset_ms = 0;                 // the tests move the app's clock (crmTest.advanceClock)
    JourneyRun journey_run;                      // what the last run of the journeys did
    int journey_runs = 0;
    double journeys_next_ms = 0;                 // clock_ms() of the next run (at start, then every minute)
    float scale = 1.0f;
    bool narrow = false;                         // a phone: under 700 CSS px wide (bottom bar, two columns, full-screen dialogs)
    bool touch = false;                          // the last pointer was a finger (bigger rows, long-press menus)
    bool dark = false;
    // How numbers, dates and times are shown and read: the browser's locale
    // and zone unless Settings > Region chose others (device settings
    // ui.locale and ui.time_zone). Stored values stay UTC and ISO.
    LocaleFormat locale;
    std::string time_zone_choice;                // "" = the browser's
    bool cjk_glyphs = false;                     // the atlas has CJK, Hebrew and Arabic glyphs (built once a frame needed them)
    bool fonts_stale = false;                    // the atlas must be built again before the next frame
    Screen screen = Screen::Contacts;
    ListView contacts, accounts, leads, opportunities, cases, campaigns;
    RecordView record;                           // shown when record.entity is set
    const EntitySpec* open_next = nullptr;       // a record a table row asked for: opened after the frame's drawing
    std::string open_next_id;
    std::vector<std::pair<const EntitySpec*, std::string>> back;   // records visited before
    EditDialog edit;
    ActivityDialog activity;
    WorkflowDialog workflow;
    int pipeline_tab = 0;
    std::string pipeline_selected;               // the card the keyboard moves
    std::string pipeline_owner;                  // "" = everyone's
    // Delete: confirmation, then an undo for the last one.
    const EntitySpec* confirm_delete_entity = nullptr;
    std::string confirm_delete_id, confirm_delete_title;
    const EntitySpec* undo_entity = nullptr;
    std::string undo_id, undo_title;
    // Global search (Ctrl+K).
    bool search_open = false, search_just_opened = false;
    bool shortcuts_open = false;                 // the keyboard shortcuts help (F1)
    char search_text[128] = "";
    int search_selected = 0;
    // First run and demo data.
    bool first_run = false;
    std::unique_ptr<DemoRun> demo;
    int64_t demo_contacts = 1000;
    std::string demo_error;
    // A short message in the status bar ("Contact created").
    std::string notice;
    std::string preedit;                         // an IME's composition in progress (shown at the caret)
    double notice_until = 0;
    std::string last_error;
    // Demand paging: a read found part of the data still loading (PageMiss);
    // the screens keep what they show and read again when the blocks come.
    bool waiting_for_data = false;
    // Changes the user made that met part of the data still loading: nothing
    // of each was applied; they run again, whole and in order, when the
    // blocks come (perform()).
    struct Deferred {
        std::function<void()> action;
        std::function<void(const std::exception&)> on_error;
        bool whole_file = false;   // runs once every block is here (perform_on_all_data)
        bool writes = false;       // a whole-file job that writes: changes asked after it wait behind it
    };
    std::deque<Deferred> deferred;
    int64_t waits_for_data = 0;                  // changes and import steps that waited so far (tests print it)
    std::string last_miss;                       // the statement that missed last (the test state tells it)
    // Names of referenced records, cached per data version.
    std::map<std::string, std::string> titles;
    uint64_t titles_version = 0;
    ImFont* font_bold = nullptr;
    ImFont* font_big = nullptr;
};

extern AppState g;

// The colours that carry meaning, per theme, each readable (WCAG AA, 4.5:1)
// on the surfaces it is drawn on (a11y.test.mjs checks them from the theme).
struct Palette {
    ImVec4 error, warning, success, info;
};
const Palette& pal();

// Chips: a state shown as a small rounded label on a tint of its meaning
// (a status, a tier, a score band, a breached SLA). The text is the theme's
// text colour, readable on every tint (4.5:1, checked in a11y.test.mjs).
enum ChipTone { Chip_None = -1, Chip_Neutral, Chip_Info, Chip_Success, Chip_Warning, Chip_Error, Chip_Gold, Chip_Silver, Chip_Bronze, Chip_Count };
ImVec4 chip_color(ChipTone t);
ChipTone chip_tone(const char* field, const std::string& value);   // "tier", "Gold" -> Chip_Gold; Chip_None: plain text
void chip(const char* text, ChipTone t);
// A person's or an organisation's initials in a circle of a colour of its
// own (from the name), `size` px across.
void avatar(const std::string& name, float size);
ImVec4 avatar_color(const std::string& name);

// Helpers (app.cpp)
void data_changed();                             // after a write: lists and views refresh
void notify(const std::string& text);
// A read that failed only because part of the data is still loading (the
// page VFS is fetching it): true, and the screen keeps what it shows; the
// blocks' arrival bumps data_version, so every screen reads again. Any
// other error: false, for the caller to show.
bool waiting_for_data(const std::exception& e);
// Runs a change the user asked for. If it meets part of the data still
// loading (a lazily opened database), nothing of it was applied (its
// transaction rolled back): it runs again, whole, when the blocks come, and
// so does every change asked after it, in order. `action` must not draw
// (it may run at the start of a later frame): it sets state the screen
// reads. on_error gets any other failure. True if it ran now (applied,
// or failed and told); false if it waits.
bool perform(std::function<void()> action, std::function<void(const std::exception&)> on_error);
// A change through perform(), then data_changed(), the notice `done` (if
// any) and `then` (it must not draw either); an error goes to the status
// bar. False only when it failed now (a dialog keeps the error and stays open).
bool change(std::function<void()> f, const std::string& done = "", std::function<void()> then = {});
// The same for a job that reads the whole database (an export, a full
// check, an import that replaces or merges everything): with part of a
// lazily opened file not here yet it waits for all of it (read beyond the
// memory limit, kept until the job ran) instead of running again at every
// arrival, which would read the file over and over.
// `writes`: it changes the data (an import, opening a file): changes asked
// after it wait behind it, so it cannot undo them; an export or a check
// does not hold them up.
bool perform_on_all_data(std::function<void()> action, std::function<void(const std::exception&)> on_error, bool writes = false);
double clock_ms();   // a steady clock, for timing slices and loads
// How long a job that runs between frames may take in this frame: `share`
// of the time since its previous slice (`last` keeps when that was), from
// lo to hi ms. The share holds as the slice grows: at 0.75 a frame that
// needs 8 ms of its own settles at a 24 ms slice, 31 frames a second.
double slice_budget_ms(double& last, double share, double lo, double hi);
// The text for an error; a write that met a block still loading says so
// (nothing of it was applied: its transaction rolled back).
std::string error_text(const std::exception& e);
std::string ref_title(const EntitySpec& e, const std::string& id);
void open_record(const EntitySpec& e, const std::string& id);
const char* choice_label(const char* code);      // "decision_maker" -> "Decision maker"
std::string money_text(int64_t minor, const std::string& currency);
void bold_text(const char* text);                               // a heading inside a screen
float button_width(const char* label);
// ImGui's radio buttons, told to the accessible mirror as radios with their state.
bool radio_button(const char* label, bool active);
bool radio_button(const char* label, int* v, int value);
void same_line_if_fits(float width, float spacing = -1.0f);     // a row of items wraps instead of being cut
// Where the next dialog goes: centred, `width` wide (its height follows the
// content); on a phone it fills the screen.
void place_dialog(float width);
// Right-to-left text (Hebrew, Arabic) as it is drawn: in visual order, its
// Arabic letters joined (base/rtl.h); other text as it is. spoken_text
// gives the accessible mirror back what was written.
std::string shown_text(const std::string& logical);
std::string spoken_text(const std::string& drawn);
std::string when_text(const std::string& iso);   // a stored UTC time in the user's zone and format: "24.12.2026 18:00"
std::string date_text(const std::string& iso_date);   // "2026-12-24" as the user writes dates
const OffsetFn& local_offset();                  // minutes east of UTC in the user's zone
void apply_locale();                             // after the locale or zone setting changed

// Analytics (screen_analytics.cpp)
void draw_analytics_screen();
void draw_dashboard_charts();
void draw_customer_value(const std::string& account_id);
void draw_analytics_settings();
void show_analytics_page(const char* page);      // "Value", "Retention", "RFM", "Sales", ...
bool analytics_busy();                           // the working set is loading: frames wanted
std::string analytics_test_state();

// Sync (sync_ui.cpp)
void sync_after_change();                        // a round 2 s after the user's changes
void sync_at_start();
void sync_request(double delay_ms);
void sync_tick();                                // starts a round when one is due
int sync_timer_ms();                             // when the next round is due; -1 none
void draw_sync_status();                         // the status bar's part
void draw_sync_settings();                       // Settings > Sync
void draw_sync_dialogs();                        // join an invite; a snapshot's progress
std::string sync_state_json();
bool sync_offer_pending();                       // an invite waits for Join or Not now

// Screens
void draw_list_screen(ListView& lv, const EntitySpec& e);       // screen_lists.cpp
// A list's column headers and a row's cells as shown (built-in, then custom list columns); for tests.
std::vector<std::string> list_column_labels(const EntitySpec& e);
std::vector<std::string> list_row_cells(const Record& r);
void draw_record_view();                                        // screen_record.cpp
void draw_journeys_settings();                                  // screen_journeys.cpp
std::string journeys_editor_error();
void select_journey(const std::string& id);                     // its steps show in Settings > Journeys
void journeys_tick();                                           // runs what is due: at start, then every minute
void test_advance_clock(int64_t ms);                            // for the browser tests
std::string region_settings_error();              // Settings > Region: a time zone the browser does not know
std::string custom_fields_form_error();                         // screen_settings.cpp, for tests
void open_create_dialog(const EntitySpec& e, const Fields& preset = {});   // dialogs.cpp
void open_edit_dialog(const EntitySpec& e, const std::string& id);
void ask_delete(const EntitySpec& e, const std::string& id);
void reach_out(bool email, const std::string& to);   // mailto:/tel:, then "log it?" on the open record
void undo_delete();
void draw_dialogs();
void open_activity_dialog(const char* type);
void draw_search_popup();                                       // search_popup.cpp
void draw_dashboard();                                          // screen_other.cpp
void draw_data_screen();
bool data_import_running();                                     // screen_data.cpp
std::string incoming_state_json();
void draw_quality_screen();                                     // screen_quality.cpp
bool quality_scan_running();
std::string quality_state_json();
void show_health_tab();                                         // the Data quality screen on its Data health tab
void draw_health_tab();                                         // screen_health.cpp
void draw_dashboard_health();
bool health_check_running();
std::string health_state_json();
void draw_pipeline_screen();                                    // screen_pipeline.cpp
void draw_settings_screen();                                    // screen_settings.cpp
void draw_my_day();                                             // screen_other.cpp
void draw_workflow_actions();                                   // workflows.cpp: the record view's workflow bar
void draw_workflow_dialog();
void open_workflow_dialog(const char* kind, const std::string& id);
void draw_simple_table(const char* id, const std::vector<Record>& rows, const std::vector<std::pair<const char*, const char*>>& cols,
                       const EntitySpec* open_as = nullptr);   // screen_record.cpp
// Field text <-> value for forms (dialogs.cpp): money as "1234.56", booleans as "1"/"0".
std::string field_text(const FieldSpec& f, const Value& v);
Value field_value(const FieldSpec& f, const std::string& text);
bool ref_picker(const char* label, const EntitySpec& target, std::string& id, std::string& filter, float width);

}  // namespace crm::app
