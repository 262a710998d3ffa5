// session.cpp - see session.h.
#include "sync/session.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

#include "base/hlc.h"
#include "base/util.h"
#include "storage/backup.h"
#include "storage/schema.h"

namespace crm {

namespace {

using nlohmann::json;

constexpr int64_t kMaxDriftMs = 5 * 60 * 1000;   // as the server's default
constexpr size_t kPushBytes = 4u << 20;          // well under the server's 8 MiB body limit
constexpr int64_t kLeaseBlock = 100, kLeaseLow = 20;

int64_t setting_int(Store& s, const char* key) { return std::atoll(s.setting(key).c_str()); }

std::string base64url(const std::string& in) {
    static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : in) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += a[(acc >> bits) & 63];
        }
    }
    if (bits > 0) out += a[(acc << (6 - bits)) & 63];
    return out;
}

bool unbase64url(const std::string& in, std::string& out) {
    out.clear();
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52 : c == '-' ? 62 : c == '_' ? 63 : -1;
        if (v < 0) return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += (char)((acc >> bits) & 0xFF);
        }
    }
    return true;
}

std::string duration_words(int64_t ms) {
    int64_t min = (ms + 59999) / 60000;
    if (min < 60) return std::to_string(min) + " min";
    if (min < 48 * 60) return std::to_string(min / 60) + " h " + std::to_string(min % 60) + " min";
    return std::to_string(min / (24 * 60)) + " days";
}

// Re-stamps this device's unsent writes, made while its clock ran ahead, from
// the (now right) clock. Every one stays after everything received, and in
// its order, so no merge decision made here changes.
void restamp_outgoing(Store& store, int64_t after) {
    Database& db = store.db();
    Transaction tx(db);
    Statement st = db.prepare("SELECT coalesce(max(hlc), 0) FROM change_log WHERE seq <= ?1 OR device <> ?2");
    st.bind_all(after, store.device_number()).step();
    store.hlc().reset(std::max<int64_t>(st.column_int(0), std::atoll(store.setting("sync.clock").c_str())));
    std::vector<int64_t> seqs;
    Statement q = db.prepare("SELECT seq FROM change_log WHERE seq > ?1 AND device = ?2 ORDER BY seq");
    q.bind_all(after, store.device_number());
    while (q.step()) seqs.push_back(q.column_int(0));
    for (int64_t seq : seqs) db.cached("UPDATE change_log SET hlc = ? WHERE seq = ?").bind_all(store.tick(), seq).run();
    tx.commit();
}

}  // namespace

//-----------------------------------------------------------------------------
// Configuration
//-----------------------------------------------------------------------------

SyncConfig sync_config(Store& store) { return {store.setting("sync.server"), store.setting("sync.token"), store.setting("sync.workspace")}; }

void set_sync_config(Store& store, const SyncConfig& c) {
    Transaction tx(store.db());
    SyncConfig old = sync_config(store);
    std::string server = c.server;
    while (!server.empty() && server.back() == '/') server.pop_back();
    bool fresh = server != old.server || (!c.workspace.empty() && c.workspace != old.workspace);
    store.set_setting("sync.server", server);
    store.set_setting("sync.token", c.token);
    if (fresh) {
        // Another workspace: everything this database holds goes to it, and all of it comes back.
        store.set_setting("sync.workspace", c.workspace);
        store.set_setting("sync.workspace_name", "");
        store.set_setting("sync.cursor", "0");
        store.set_setting("sync.pushed", "0");
        store.set_setting("sync.push_all", "1");
        store.set_setting("local.lease.cases", "");
        store.set_setting("local.lease.orders", "");
    }
    store.set_setting("sync.error", "");
    tx.commit();
}

bool parse_invite(const std::string& link, SyncConfig& out) {
    size_t p = link.find("#join=");
    std::string payload = link.substr(p == std::string::npos ? 0 : p + 6), text;
    if (!unbase64url(payload, text)) return false;
    json j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("server") || !j["server"].is_string() || !j.contains("token") || !j["token"].is_string()) return false;
    out.server = j["server"];
    out.token = j["token"];
    out.workspace = j.value("workspace", "");
    return !out.server.empty() && !out.token.empty();
}

std::string make_invite(const std::string& app_url, const SyncConfig& c) {
    json j = {{"server", c.server}, {"token", c.token}, {"workspace", c.workspace}};
    return app_url + "#join=" + base64url(j.dump());
}

SyncStatus sync_status(Store& store) {
    SyncStatus s;
    SyncConfig c = sync_config(store);
    s.configured = !c.server.empty() && !c.token.empty();
    s.last_synced = store.setting("sync.last_synced");
    s.error = store.setting("sync.error");
    s.pending = count_outgoing(store, setting_int(store, "sync.pushed"));
    return s;
}

//-----------------------------------------------------------------------------
// Snapshots and database files
//-----------------------------------------------------------------------------

void install_snapshot(Store& store, const std::string& path, int64_t cursor, int64_t clock) {
    auto keep = store.local_settings();
    load_database_file(store.db(), path, false);
    int64_t last = store.db().query_int("SELECT coalesce(max(seq), 0) FROM change_log");
    for (auto& [k, v] : keep) {
        if (k == "sync.cursor") v = std::to_string(cursor);
        if (k == "sync.pushed") v = std::to_string(last);
        if (k == "sync.push_all") v = "";
    }
    keep.push_back({"sync.cursor", std::to_string(cursor)});
    keep.push_back({"sync.pushed", std::to_string(last)});
    store.adopt(keep, clock);
}

void open_database_file(Store& store, const std::string& path) {
    auto keep = store.local_settings();
    load_database_file(store.db(), path);
    for (auto& [k, v] : keep)
        if (k == "sync.cursor" || k == "sync.pushed") v = "0";
    keep.push_back({"sync.push_all", "1"});
    store.adopt(keep);
}

//-----------------------------------------------------------------------------
// The round
//-----------------------------------------------------------------------------

SyncSession::SyncSession(Store& store, std::string scratch) : store_(store), scratch_(std::move(scratch)) {
    config_ = sync_config(store_);
    if (config_.server.empty() || config_.token.empty()) {
        end(SyncState::Failed, "Sync is not set up: enter the server and the workspace token in Settings > Sync", false);
        return;
    }
    try {
        report_.pending = apply_pending(store_).applied;
    } catch (const PageMiss&) {
        throw;   // a block still loading: the round starts again once it came
    } catch (const std::exception& e) {
        end(SyncState::Failed, std::string("Changes kept for a newer version could not be applied: ") + e.what(), false);
        return;
    }
    report_.cursor = setting_int(store_, "sync.cursor");
}

std::string SyncSession::phase() const {
    switch (step_) {
    case Step::Info: return "Connecting";
    case Step::Snapshot: return "Downloading the workspace";
    case Step::Push: return "Sending changes";
    case Step::Numbers: return "Reserving numbers";
    case Step::Pull: return "Receiving changes";
    case Step::End: break;
    }
    return state_ == SyncState::Done ? "Synced" : "Stopped";
}

HttpRequest SyncSession::request(const std::string& method, const std::string& path, std::string body) {
    HttpRequest r;
    r.method = method;
    r.url = config_.server + path;
    r.headers = {{"Authorization", "Bearer " + config_.token},
                 {"X-Crm-Protocol", std::to_string(kSyncProtocol)},
                 {"X-Crm-Schema", std::to_string(latest_schema_version())},
                 {"X-Crm-Device", store_.device_id()}};
    if (!config_.workspace.empty()) r.headers.push_back({"X-Crm-Workspace", config_.workspace});
    if (!body.empty()) r.headers.push_back({"Content-Type", "application/json"});
    r.body = std::move(body);
    return r;
}

void SyncSession::end(SyncState s, const std::string& why, bool retry) {
    state_ = s;
    step_ = Step::End;
    error_ = why;
    retry_ = retry;
    try {
        if (s == SyncState::Done) store_.set_setting("sync.last_synced", format_datetime(store_.now_ms()));
        store_.set_setting("sync.error", why);
    } catch (const std::exception&) {
    }
}

void SyncSession::prepare() {
    have_request_ = true;
    switch (step_) {
    case Step::Info:
        current_ = request("GET", "/v1/info");
        return;
    case Step::Snapshot:
        current_ = request("GET", "/v1/snapshot");
        current_.save_to = scratch_;
        return;
    case Step::Push: {
        if (read_only_) {
            step_ = Step::Pull;
            return prepare();
        }
        bool all = store_.setting("sync.push_all") == "1";
        batch_ = collect_outgoing(store_, setting_int(store_, "sync.pushed"), batch_limit_, kPushBytes, all);
        if (batch_.messages.empty()) {
            if (batch_.last_seq > setting_int(store_, "sync.pushed")) store_.set_setting("sync.pushed", std::to_string(batch_.last_seq));
            if (all) store_.set_setting("sync.push_all", "");
            std::vector<const EntitySpec*> low;   // read whole before the step moves on (a read may miss)
            for (const EntitySpec* e : {&kCases, &kOrders}) {
                int64_t left = 0;
                for (auto& [a, b] : store_.number_leases(*e)) left += b - a + 1;
                if (left < kLeaseLow) low.push_back(e);
            }
            lease_queue_ = low;
            step_ = Step::Numbers;
            return prepare();
        }
        std::string body = "{\"messages\":[";
        body.reserve(batch_.bytes + 16);
        for (size_t i = 0; i < batch_.texts.size(); i++) {
            if (i) body += ',';
            body += batch_.texts[i];
        }
        body += "]}";
        current_ = request("POST", "/v1/push", std::move(body));
        return;
    }
    case Step::Numbers: {
        if (lease_queue_.empty()) {
            step_ = Step::Pull;
            return prepare();
        }
        const EntitySpec* e = lease_queue_.back();
        int64_t at_least = std::max<int64_t>(1, setting_int(store_, (std::string("local.next.") + e->table).c_str()));
        current_ = request("POST", "/v1/numbers", json{{"kind", e->table}, {"count", kLeaseBlock}, {"at_least", at_least}}.dump());
        return;
    }
    case Step::Pull:
        current_ = request("GET", "/v1/pull?after=" + std::to_string(setting_int(store_, "sync.cursor")) + "&limit=5000");
        return;
    case Step::End:
        have_request_ = false;
        return;
    }
}

const HttpRequest* SyncSession::next() {
    if (state_ != SyncState::Running) return nullptr;
    if (!have_request_) {
        try {
            prepare();
        } catch (const PageMiss&) {
            have_request_ = false;   // prepared again, whole, once the blocks came
            throw;
        }
    }
    return have_request_ ? &current_ : nullptr;
}

void SyncSession::fail(const HttpResponse& r) {
    std::string msg, code;
    json j = json::parse(r.body, nullptr, false);
    if (j.is_object()) {
        msg = j.value("error", "");
        code = j.value("code", "");
    }
    if (msg.empty()) msg = "HTTP " + std::to_string(r.status);
    if (r.status == 0) return end(SyncState::Offline, "No connection to the sync server (" + r.error + "): working offline; changes wait here", true);
    if (r.status == 401 || r.status == 403) return end(SyncState::Failed, "The server refused this device: " + msg, false);
    if (r.status == 426) return end(SyncState::Failed, "A new version of the app is needed to sync: reload the page (nothing is lost)", false);
    if (r.status == 429) return end(SyncState::Offline, "The sync server is busy: trying again shortly", true);
    if (r.status >= 500) return end(SyncState::Failed, "The sync server failed: " + msg + "; trying again shortly", true);
    end(SyncState::Failed, "The sync server refused a request: " + msg, code == "clock_ahead");
}

void SyncSession::take(const HttpResponse& r) {
    if (state_ != SyncState::Running || !have_request_) return;
    have_request_ = false;
    try {
        if (r.status == 413 && step_ == Step::Push && batch_limit_ > 1) {
            batch_limit_ /= 2;   // the server takes less than we thought: smaller batches
            return;
        }
        if (r.status == 400 && step_ == Step::Push) {
            json j = json::parse(r.body, nullptr, false);
            if (j.is_object() && j.value("code", "") == "clock_ahead") {
                auto server = parse_datetime(j.value("server_time", ""));
                int64_t ahead = server ? store_.now_ms() - *server : kMaxDriftMs + 1;
                if (ahead > kMaxDriftMs)
                    return end(SyncState::Failed,
                               "This device's clock is " + duration_words(ahead) +
                                   " ahead of the server's: set its date and time right. Your changes stay here and sync once it is",
                               true);
                // The clock is right now, but changes made while it ran ahead carry its stamps.
                restamp_outgoing(store_, setting_int(store_, "sync.pushed"));
                return;
            }
        }
        if (r.status < 200 || r.status >= 300) return fail(r);
        json j;
        if (step_ != Step::Snapshot) {
            j = json::parse(r.body, nullptr, false);
            if (!j.is_object()) return end(SyncState::Failed, "The sync server's answer was not understood (not JSON)", true);
        }
        switch (step_) {
        case Step::Info: {
            std::string ws = j["workspace"].value("id", ""), name = j["workspace"].value("name", "");
            if (!config_.workspace.empty() && ws != config_.workspace)
                return end(SyncState::Failed, "This token opens another workspace (" + name + ") than the one this database syncs with", false);
            if (config_.workspace.empty()) {
                store_.set_setting("sync.workspace", ws);
                config_.workspace = ws;
            }
            store_.set_setting("sync.workspace_name", name);
            report_.workspace = name;
            read_only_ = j.value("read_only", false);
            auto server = parse_datetime(j.value("server_time", ""));
            if (server) {
                server_time_ = *server;
                int64_t ahead = store_.now_ms() - *server;
                if (ahead > kMaxDriftMs)
                    return end(SyncState::Failed,
                               "This device's clock is " + duration_words(ahead) +
                                   " ahead of the server's: set its date and time right. Your changes stay here and sync once it is",
                               true);
            }
            int64_t last = j.value("last_seq", int64_t(0)), cursor = setting_int(store_, "sync.cursor");
            total_ = std::max<int64_t>(0, last - cursor) + count_outgoing(store_, setting_int(store_, "sync.pushed"));
            bool empty_here = store_.db().query_int("SELECT count(*) FROM change_log") == 0;
            step_ = cursor == 0 && empty_here && last > kSnapshotAfter ? Step::Snapshot : Step::Push;
            return;
        }
        case Step::Snapshot: {
            auto it = r.headers.find("x-crm-cursor");
            if (it == r.headers.end()) return end(SyncState::Failed, "The server's snapshot came without its cursor", true);
            int64_t cursor = std::atoll(it->second.c_str());
            auto clock_it = r.headers.find("x-crm-clock");
            int64_t clock = clock_it == r.headers.end() ? -1 : std::atoll(clock_it->second.c_str());
            auto t0 = std::chrono::steady_clock::now();
            install_snapshot(store_, scratch_, cursor, clock);
            report_.install_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            if (FILE* f = std::fopen(scratch_.c_str(), "rb")) {
                std::fseek(f, 0, SEEK_END);
                report_.snapshot_bytes = std::ftell(f);
                std::fclose(f);
            }
            std::remove(scratch_.c_str());
            report_.snapshot = true;
            report_.cursor = cursor;
            total_ = std::max<int64_t>(0, total_ - cursor);
            step_ = Step::Push;
            return;
        }
        case Step::Push: {
            store_.set_setting("sync.pushed", std::to_string(batch_.last_seq));
            report_.sent += (int64_t)batch_.messages.size();
            report_.stored += j.value("stored", int64_t(0));
            return;
        }
        case Step::Numbers: {
            const EntitySpec* e = lease_queue_.back();
            store_.add_number_lease(*e, j.value("first", int64_t(0)), j.value("last", int64_t(-1)));
            lease_queue_.pop_back();
            return;
        }
        case Step::Pull: {
            if (!j.contains("messages") || !j.contains("cursor") || !j["cursor"].is_number_integer())
                return end(SyncState::Failed, "The sync server's answer was not understood (no messages or cursor)", true);
            std::vector<Message> msgs = messages_from_json(j["messages"]);
            Transaction tx(store_.db());
            ApplyResult a = apply_messages(store_, msgs);
            store_.set_setting("sync.cursor", std::to_string(j["cursor"].get<int64_t>()));
            store_.set_setting("sync.clock", std::to_string(store_.hlc().last()));
            tx.commit();
            report_.received += (int64_t)msgs.size();
            report_.applied += a.applied;
            report_.duplicates += a.duplicates;
            report_.conflicts += a.conflicts;
            report_.pending += a.pending;
            report_.cursor = j["cursor"].get<int64_t>();
            if (!j.value("more", false)) end(SyncState::Done, "", false);
            return;
        }
        case Step::End:
            return;
        }
    } catch (const PageMiss&) {
        // A block still loading (a lazily opened file): what this answer
        // wrote was one transaction, rolled back, or idempotent settings. The
        // caller gives the same answer again once the blocks came.
        have_request_ = true;
        throw;
    } catch (const std::exception& e) {
        end(SyncState::Failed, std::string("Sync stopped: ") + e.what(), true);
    }
}

}  // namespace crm
