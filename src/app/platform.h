// platform.h - what the app asks of the page it runs in. Implemented by
// src/platform/web; the screens call these and nothing browser-specific.
#pragma once

#include <cstdint>
#include <string>

#include "base/locale.h"
#include "sync/session.h"

struct ImDrawList;

namespace crm::platform {

struct StorageInfo {
    double used = -1, quota = -1;   // bytes; -1 while unknown
    bool persisted = false;         // navigator.storage.persist() granted
};
StorageInfo storage_info();          // the last estimate
void refresh_storage_info();         // asks the browser; the answer arrives later

// Time of the last save as the page measured it (IndexedDB transaction).
struct SaveTiming {
    double ms = 0;
    double bytes = 0;
};
SaveTiming last_save_timing();

// A new version is ready: the status bar offers "Reload", which saves and switches.
bool update_available();
void apply_update();

// Files: a file in the page's file system offered as a download; the
// browser's file picker, whose choice (like a file dropped on the page)
// arrives in app::file_arrived with its path in the page's file system.
void download_file(const std::string& fs_path, const std::string& name, const char* mime);
// mailto: and tel: addresses: the mail client or the phone app takes them.
void open_url(const std::string& url);
void pick_file(const char* accept);

// HTTP for sync (fetch): the answer, and a download's progress, arrive in
// app::http_done and app::http_progress with the same id.
void http_request(int id, const HttpRequest& request);

// A chart's point cloud drawn by the GPU (shaders/points.*) where `list` is:
// the x, y pairs are sent when `version` changes for `key`, then each frame
// is one draw call with the pixel mapping (x offset, x scale, y offset,
// y scale). False where it cannot be: the chart draws the points itself.
bool draw_points(ImDrawList* list, int key, uint64_t version, const float* xy, size_t count, const float map[4], float size, uint32_t color);

// A job needs the whole database here (an export, a full check): the rest of
// a lazily opened file is read, beyond the memory limit, waking the loop as
// it comes.
void load_all_blocks();

// The user's conventions for numbers, dates and times: the browser's (tag
// and zone ""), or a locale and an IANA time zone the user chose in
// Settings. An unknown tag or zone falls back to the browser's.
LocaleFormat describe_locale(const std::string& tag, const std::string& time_zone);
int utc_offset_minutes(int64_t utc_ms, const std::string& time_zone);   // "" = the browser's zone
bool is_time_zone(const std::string& name);                              // an IANA name the browser knows

void wake_after_ms(int ms);          // draw a frame then, even with no input
void pointer_entered();              // a position the app sets itself (an assistive click) is over the app
double now_ms();                     // wall clock

}  // namespace crm::platform
