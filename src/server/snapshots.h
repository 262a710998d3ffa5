// snapshots.h - a new device joins a workspace from one database file, not
// by replaying every message (SYNC.md: a 60k-message first sync is where
// others broke). The server keeps a replica of each workspace: a CRM
// database built by the same merge the devices run, caught up from the
// stored messages when a snapshot is asked for. The snapshot is that
// replica copied (VACUUM INTO) without anything device-local, with the
// sequence number it includes; a copy less than `refresh_after` messages old
// is served again. The replicas are a cache: any process rebuilds them from
// the storage, so several servers over one PostgreSQL each keep their own.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "server/storage.h"

namespace crm::server {

class Snapshots {
public:
    Snapshots(Storage& storage, std::string dir, int64_t refresh_after = 10000);
    ~Snapshots();
    // The path of a snapshot of `workspace`; `cursor` is set to the last
    // sequence number it includes.
    std::string file_for(const std::string& workspace, int64_t& cursor);

private:
    struct Replica;
    Replica& replica(const std::string& workspace);

    Storage& storage_;
    std::string dir_;
    int64_t refresh_after_;
    std::mutex lock_;
    std::map<std::string, std::unique_ptr<Replica>> replicas_;
};

}  // namespace crm::server
