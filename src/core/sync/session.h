// session.h - one round of sync with the server ("Sync now"), as a state
// machine that says which HTTP request to send next and takes the answer.
// It knows no sockets: the CLI sends its requests with a native HTTP client,
// the browser with fetch (a frame later), the tests straight to the server's
// handler. A round:
//   1. info: which workspace the token opens, the server's time (a device
//      whose clock runs ahead is told so, in words, before it sends);
//   2. snapshot: an empty device joining a workspace that holds more than
//      kSnapshotAfter messages downloads it as one database file;
//   3. push: this device's messages the server has not acknowledged, in
//      batches of at most 2,000 messages and 4 MiB;
//   4. numbers: a new block of case and order numbers when few are left;
//   5. pull: everything after the cursor, in pages, each applied with the
//      cursor in one transaction.
// Nothing is lost on any failure: what was not acknowledged is sent again
// next time, and the server and the merge ignore what they already have.
//
// What stays on this device and never syncs: its id, the settings under
// "ui.", "sync." (server, token, cursor, progress, errors) and "local."
// (number leases and counters), the import journal (imports,
// import_items), and the sync tables sync_pending, sync_dangling and
// sync_conflicts.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "records/store.h"
#include "sync/merge.h"

namespace crm {

struct SyncConfig {
    std::string server;      // base URL: "https://crm.example.com/sync" or "http://127.0.0.1:8787"
    std::string token;
    std::string workspace;   // the workspace the invite named ("" until known)
};
SyncConfig sync_config(Store& store);
// Saves the configuration; a new server or workspace starts from scratch.
void set_sync_config(Store& store, const SyncConfig& config);
// Reads an invite link (…#join=<base64url of {"server", "token", "workspace"}>)
// or returns false.
bool parse_invite(const std::string& link, SyncConfig& out);
std::string make_invite(const std::string& app_url, const SyncConfig& config);

struct HttpRequest {
    std::string method, url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string save_to;     // write the response body to this file (a snapshot), not to memory
};
struct HttpResponse {
    int status = 0;          // 0: no answer (offline, refused, timed out)
    std::string body;
    std::string error;       // the transport's words when status is 0
    std::map<std::string, std::string> headers;   // lower-case names
};

enum class SyncState { Running, Done, Offline, Failed };

// What the status bar and Settings > Sync show.
struct SyncStatus {
    std::string last_synced;     // ISO time of the last complete round, "" if never
    std::string error;           // the last round's problem in words, "" if none
    int64_t pending = 0;         // this device's changes not yet acknowledged
    bool configured = false;
};
SyncStatus sync_status(Store& store);

inline constexpr int64_t kSnapshotAfter = 5000;

class SyncSession {
public:
    // `scratch` is a file the session may download a snapshot into.
    SyncSession(Store& store, std::string scratch);
    // The next request to send, or nullptr once the round has ended.
    const HttpRequest* next();
    // The answer to the request next() gave. A problem ends the round
    // (state() Offline or Failed, error() in words). Only PageMiss is thrown
    // (by these two and the constructor: a lazily opened file's block still
    // loading): nothing is half done, and the same call is made again once
    // the blocks came.
    void take(const HttpResponse& response);

    SyncState state() const { return state_; }
    const std::string& error() const { return error_; }
    // Whether trying again later may help (no network, a busy or failing
    // server, a clock being fixed), as opposed to a refused token.
    bool retry_later() const { return retry_; }

    struct Report {
        int64_t sent = 0, stored = 0, received = 0, applied = 0, duplicates = 0, conflicts = 0, pending = 0;
        bool snapshot = false;
        int64_t snapshot_bytes = 0;
        double install_ms = 0;   // checking and copying in the snapshot
        int64_t cursor = 0;
        std::string workspace;
    };
    const Report& report() const { return report_; }
    // For a progress bar: what the round is doing, and how far.
    std::string phase() const;
    int64_t done_count() const { return report_.sent + report_.received; }
    int64_t total_count() const { return total_; }

private:
    enum class Step { Info, Snapshot, Push, Numbers, Pull, End };
    void prepare();
    void fail(const HttpResponse& r);
    void end(SyncState s, const std::string& why, bool retry);
    HttpRequest request(const std::string& method, const std::string& path, std::string body = "");

    Store& store_;
    std::string scratch_;
    SyncConfig config_;
    Step step_ = Step::Info;
    SyncState state_ = SyncState::Running;
    std::string error_;
    bool retry_ = false;
    HttpRequest current_;
    bool have_request_ = false;
    Report report_;
    int64_t total_ = 0;
    bool read_only_ = false;
    // Push in progress
    Outgoing batch_;
    size_t batch_limit_ = 2000;
    // Numbers in progress
    std::vector<const EntitySpec*> lease_queue_;
    int64_t server_time_ = 0;
};

// Replaces the database with a snapshot the server sent (a database file);
// this device keeps its id and settings, and continues from `cursor`.
// `clock` is the newest stamp the snapshot holds (-1: read the log for it).
void install_snapshot(Store& store, const std::string& path, int64_t cursor, int64_t clock = -1);
// Opens a database file from elsewhere in place of this one (Data > Open a
// database file): this device keeps its id and its own settings; if it
// syncs, the next round sends everything the file holds (the server keeps
// what it lacks) and pulls the workspace again.
void open_database_file(Store& store, const std::string& path);

}  // namespace crm
