// snapshots.cpp - see snapshots.h.
#include "server/snapshots.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "exchange/calendar.h"
#include "records/custom_fields.h"
#include "records/store.h"
#include "storage/db.h"
#include "sync/merge.h"

namespace crm::server {

struct Snapshots::Replica {
    std::mutex lock;
    Database db;
    std::unique_ptr<Store> store;
    std::string file;          // the newest snapshot file, "" if none
    int64_t file_cursor = 0, file_clock = 0;
};

Snapshots::Snapshots(Storage& storage, std::string dir, int64_t refresh_after)
    : storage_(storage), dir_(std::move(dir)), refresh_after_(refresh_after) {
    std::filesystem::create_directories(dir_);
    worker_ = std::thread([this] { work(); });
}

Snapshots::~Snapshots() {
    {
        std::lock_guard g(queue_lock_);
        stopping_ = true;
    }
    queue_cv_.notify_all();
    worker_.join();
}

void Snapshots::changed(const std::string& ws) {
    {
        std::lock_guard g(queue_lock_);
        dirty_.insert(ws);
    }
    queue_cv_.notify_all();
}

void Snapshots::work() {
    std::unique_lock g(queue_lock_);
    for (;;) {
        queue_cv_.wait(g, [&] { return stopping_ || !dirty_.empty(); });
        if (stopping_) return;
        // A second's pause lets a burst of pushes arrive first.
        if (queue_cv_.wait_for(g, std::chrono::seconds(1), [&] { return stopping_; })) return;
        std::string ws = *dirty_.begin();
        dirty_.erase(dirty_.begin());
        g.unlock();
        try {
            Replica& r = replica(ws);
            std::lock_guard rl(r.lock);
            catch_up(r, ws);
        } catch (const std::exception& e) {
            fprintf(stderr, "crm-server: catching up the snapshot of %s: %s\n", ws.c_str(), e.what());
        }
        g.lock();
    }
}

Snapshots::Replica& Snapshots::replica(const std::string& ws) {
    std::lock_guard g(lock_);
    auto it = replicas_.find(ws);
    if (it != replicas_.end()) return *it->second;
    auto r = std::make_unique<Replica>();
    r->db.open(dir_ + "/" + ws + ".replica.sqlite");
    r->db.exec("PRAGMA synchronous = OFF");   // a cache: rebuilt from the storage if lost
    r->store = std::make_unique<Store>(r->db);   // loading its custom fields takes the spec lock
    return *replicas_.emplace(ws, std::move(r)).first->second;
}

int64_t Snapshots::catch_up(Replica& r, const std::string& ws) {
    // The specs hold this workspace's custom fields while its messages apply (custom_fields.h).
    std::lock_guard spec(custom_fields_lock());
    load_custom_fields(r.db);
    // Every device's messages, through the merge the devices run.
    int64_t at = std::atoll(r.store->setting("sync.cursor").c_str());
    for (;;) {
        PullResult p = storage_.pull(ws, at, "", 5000);
        std::vector<Message> msgs;
        msgs.reserve(p.messages.size());
        for (size_t i = 0; i < p.messages.size(); i++)
            msgs.push_back(message_from_json(nlohmann::json::parse(p.messages[i].body), "stored[" + std::to_string(p.messages[i].seq) + "]"));
        Transaction tx(r.db);
        apply_messages(*r.store, msgs);
        r.store->set_setting("sync.cursor", std::to_string(p.cursor));
        tx.commit();
        at = p.cursor;
        if (!p.more) break;
    }
    return at;
}

bool Snapshots::calendar(const std::string& ws, const std::string& secret, std::string& ics) {
    Replica& r = replica(ws);
    std::lock_guard g(r.lock);
    catch_up(r, ws);
    std::lock_guard spec(custom_fields_lock());   // the export reads the specs
    load_custom_fields(r.db);
    std::string owner = calendar_feed_owner(*r.store, secret);
    if (owner.empty()) return false;
    std::ostringstream out;
    CalendarOptions o;
    o.owner_id = owner;
    o.to_ms = r.store->now_ms() + 8 * 7 * 86400000LL;   // the next 8 weeks, and open tasks already overdue
    export_ics(*r.store, out, o);
    ics = out.str();
    return true;
}

std::string Snapshots::file_for(const std::string& ws, int64_t& cursor, int64_t& clock) {
    Replica& r = replica(ws);
    std::lock_guard g(r.lock);
    int64_t at = catch_up(r, ws);
    if (!r.file.empty() && at - r.file_cursor < refresh_after_ && std::filesystem::exists(r.file)) {
        cursor = r.file_cursor;
        clock = r.file_clock;
        return r.file;
    }
    std::string file = dir_ + "/" + ws + ".snapshot-" + std::to_string(at) + ".sqlite";
    std::filesystem::remove(file);
    r.db.reset_statements();   // VACUUM refuses to run beside a statement left on a row
    r.db.cached("VACUUM INTO ?").bind_all(file).run();
    {
        // Nothing device-local travels: the receiving device brings its own.
        Database out(file);
        out.exec("DELETE FROM settings WHERE key = 'device_id' OR key LIKE 'ui.%' OR key LIKE 'sync.%' OR key LIKE 'local.%';"
                 "DELETE FROM sync_conflicts; DELETE FROM sync_pending; DELETE FROM import_items; DELETE FROM imports;");
    }
    if (!r.file.empty() && r.file != file) std::filesystem::remove(r.file);
    r.file = file;
    r.file_cursor = at;
    r.file_clock = r.store->hlc().last();
    cursor = at;
    clock = r.file_clock;
    return file;
}

}  // namespace crm::server
