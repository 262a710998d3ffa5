// storage.h - where the sync server keeps workspaces, tokens and messages,
// behind one small interface with two implementations:
//   SQLite (default): DIR/server.sqlite for workspaces and tokens, and one
//     file per workspace under DIR/workspaces/ for its messages. Nothing to
//     install; one process.
//   PostgreSQL: the same tables in one database, so several stateless
//     crm-server processes behind a load balancer share everything. A push
//     locks its workspace's row, so messages get their sequence numbers in
//     commit order and a pull's cursor never skips one still being written.
//
// A message is stored as the JSON it came in (re-encoded), with its stamp,
// device, record and field beside it for the unique stamp, the pull's device
// filter and erasures. A stamp already stored is ignored (idempotent push).
// An erasure deletes the record's earlier messages (they hold the personal
// data) and later messages for that record are not stored.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace crm::server {

struct WorkspaceInfo {
    std::string id, name, created_at;
    int64_t last_seq = 0;
};

struct TokenInfo {
    std::string id;          // public: the start of the hash
    std::string workspace;
    std::string label, created_at;
    bool read_only = false;
    bool revoked = false;
};

struct StoredMessage {
    int64_t seq = 0;
    std::string hlc, device, record_id, field;
    std::string body;        // the message's JSON
};

struct PushResult {
    int64_t stored = 0, duplicates = 0;
    int64_t last_seq = 0;    // the workspace's newest sequence number after the push
};

struct PullResult {
    std::vector<StoredMessage> messages;
    int64_t cursor = 0;      // pass as `after` next time
    bool more = false;
};

struct StorageStats {
    int64_t workspaces = 0, messages = 0;
};

struct StorageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Storage {
public:
    virtual ~Storage() = default;
    virtual const char* kind() const = 0;

    virtual WorkspaceInfo create_workspace(const std::string& name) = 0;
    virtual std::vector<WorkspaceInfo> workspaces() = 0;
    // By id or by name.
    virtual std::optional<WorkspaceInfo> workspace(const std::string& id_or_name) = 0;

    virtual void add_token(const TokenInfo& token, const std::string& hash) = 0;
    virtual bool revoke_token(const std::string& id) = 0;
    virtual std::vector<TokenInfo> tokens(const std::string& workspace) = 0;
    virtual std::optional<TokenInfo> token_by_hash(const std::string& hash) = 0;

    virtual PushResult push(const std::string& workspace, const std::vector<StoredMessage>& messages) = 0;
    // Messages after `after` not written by `exclude_device`, at most `limit`.
    virtual PullResult pull(const std::string& workspace, int64_t after, const std::string& exclude_device, int limit) = 0;
    // Reserves `count` numbers of a kind ("cases", "orders") starting at or
    // after `at_least`; returns the first.
    virtual int64_t lease_numbers(const std::string& workspace, const std::string& kind, int64_t count, int64_t at_least) = 0;
    virtual StorageStats stats() = 0;
};

std::unique_ptr<Storage> open_sqlite_storage(const std::string& dir);
std::unique_ptr<Storage> open_postgres_storage(const std::string& conninfo);

}  // namespace crm::server
