// snapshots.h - a new device joins a workspace from one database file, not
// by replaying every message (SYNC.md: a 60k-message first sync is where
// others broke). The server keeps a replica of each workspace: a CRM
// database built by the same merge the devices run, caught up from the
// stored messages when a snapshot is asked for. The snapshot is that
// replica copied (VACUUM INTO) without anything device-local, with the
// sequence number it includes; a copy less than `refresh_after` messages old
// is served again. The replicas are a cache: any process rebuilds them from
// the storage, so several servers over one PostgreSQL each keep their own.
// A background thread catches a replica up a second after pushes to its
// workspace, so a join pays for the copy, not for applying the messages.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "server/storage.h"

namespace crm::server {

class Snapshots {
public:
    Snapshots(Storage& storage, std::string dir, int64_t refresh_after = 10000);
    ~Snapshots();
    // The path of a snapshot of `workspace`; `cursor` is set to the last
    // sequence number it includes, `clock` to the newest stamp in it.
    std::string file_for(const std::string& workspace, int64_t& cursor, int64_t& clock);
    // The calendar feed `secret` of `workspace` (exchange/calendar.h) as
    // iCalendar, from the replica caught up now; false if there is none.
    bool calendar(const std::string& workspace, const std::string& secret, std::string& ics);
    // Messages were stored for `workspace`: its replica catches up soon.
    void changed(const std::string& workspace);

private:
    struct Replica;
    Replica& replica(const std::string& workspace);
    int64_t catch_up(Replica& r, const std::string& workspace);   // under r.lock; returns the cursor
    void work();

    Storage& storage_;
    std::string dir_;
    int64_t refresh_after_;
    std::mutex lock_;
    std::map<std::string, std::unique_ptr<Replica>> replicas_;
    std::mutex queue_lock_;
    std::condition_variable queue_cv_;
    std::set<std::string> dirty_;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace crm::server
