// storage_sqlite.cpp - the server's embedded storage: SQLite files under one
// folder (see storage.h). Each workspace file has one writing connection,
// used under a lock (SQLite takes one writer at a time anyway), and each
// server thread its own reading connection: in WAL mode pulls read the last
// commit while a push writes. synchronous=NORMAL: a killed process loses
// nothing it acknowledged.
#include <filesystem>
#include <map>
#include <mutex>

#include "base/util.h"
#include "server/storage.h"
#include "server/tokens.h"
#include "storage/db.h"

namespace crm::server {

namespace {

const char* kServerSchema = R"SQL(
CREATE TABLE IF NOT EXISTS workspaces (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  workspace TEXT NOT NULL REFERENCES workspaces(id),
  read_only INTEGER NOT NULL DEFAULT 0,
  label TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT ''
);
)SQL";

const char* kWorkspaceSchema = R"SQL(
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  hlc TEXT NOT NULL UNIQUE,
  device TEXT NOT NULL,
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_record ON messages(record_id);
CREATE TABLE IF NOT EXISTS numbers (
  kind TEXT PRIMARY KEY NOT NULL,
  next INTEGER NOT NULL
);
)SQL";

struct WorkspaceDb {
    std::mutex lock;
    Database db;
};

class SqliteStorage : public Storage {
public:
    explicit SqliteStorage(const std::string& dir) : dir_(dir) {
        std::filesystem::create_directories(dir_ + "/workspaces");
        OpenOptions o;
        o.journal_mode = "WAL";
        server_.open(dir_ + "/server.sqlite", o);
        server_.exec("PRAGMA synchronous = NORMAL");
        server_.exec(kServerSchema);
    }

    const char* kind() const override { return "sqlite"; }

    WorkspaceInfo create_workspace(const std::string& name) override {
        std::lock_guard g(server_lock_);
        WorkspaceInfo w{random_hex(8), name, format_datetime(wall_clock_ms()), 0};
        try {
            server_.cached("INSERT INTO workspaces(id, name, created_at) VALUES (?, ?, ?)").bind_all(w.id, w.name, w.created_at).run();
        } catch (const DbError& e) {
            throw StorageError("a workspace named '" + name + "' exists already");
        }
        return w;
    }

    std::vector<WorkspaceInfo> workspaces() override {
        std::vector<WorkspaceInfo> out;
        {
            std::lock_guard g(server_lock_);
            Statement st = server_.prepare("SELECT id, name, created_at FROM workspaces ORDER BY name");
            while (st.step()) out.push_back({st.column_text(0), st.column_text(1), st.column_text(2), 0});
        }
        for (WorkspaceInfo& w : out) w.last_seq = last_seq(w.id);
        return out;
    }

    std::optional<WorkspaceInfo> workspace(const std::string& key) override {
        std::optional<WorkspaceInfo> w;
        {
            std::lock_guard g(server_lock_);
            Statement& st = server_.cached("SELECT id, name, created_at FROM workspaces WHERE id = ?1 OR name = ?1");
            st.bind_all(key);
            if (st.step()) w = WorkspaceInfo{st.column_text(0), st.column_text(1), st.column_text(2), 0};
            st.reset();
        }
        if (w) w->last_seq = last_seq(w->id);
        return w;
    }

    void add_token(const TokenInfo& t, const std::string& hash) override {
        std::lock_guard g(server_lock_);
        server_.cached("INSERT INTO tokens(id, hash, workspace, read_only, label, created_at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind_all(t.id, hash, t.workspace, t.read_only, t.label, t.created_at)
            .run();
    }

    bool revoke_token(const std::string& id) override {
        std::lock_guard g(server_lock_);
        server_.cached("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''").bind_all(format_datetime(wall_clock_ms()), id).run();
        return server_.changes() > 0;
    }

    std::vector<TokenInfo> tokens(const std::string& workspace) override {
        std::lock_guard g(server_lock_);
        std::vector<TokenInfo> out;
        Statement st = server_.prepare("SELECT id, workspace, label, created_at, read_only, revoked_at <> '' FROM tokens WHERE workspace = ? ORDER BY created_at");
        st.bind_all(workspace);
        while (st.step())
            out.push_back({st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_int(4) != 0, st.column_int(5) != 0});
        return out;
    }

    std::optional<TokenInfo> token_by_hash(const std::string& hash) override {
        std::lock_guard g(server_lock_);
        Statement& st = server_.cached("SELECT id, workspace, label, created_at, read_only, revoked_at <> '', hash FROM tokens WHERE hash = ?");
        st.bind_all(hash);
        std::optional<TokenInfo> t;
        if (st.step() && same_secret(st.column_view(6), hash))
            t = TokenInfo{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_int(4) != 0, st.column_int(5) != 0};
        st.reset();
        return t;
    }

    PushResult push(const std::string& ws, const std::vector<StoredMessage>& msgs) override {
        WorkspaceDb& w = open(ws);
        std::lock_guard g(w.lock);
        PushResult r;
        Transaction tx(w.db);
        Statement& erased = w.db.cached("SELECT 1 FROM messages WHERE record_id = ? AND field = 'erased'");
        Statement& ins = w.db.cached("INSERT OR IGNORE INTO messages(hlc, device, record_id, field, body) VALUES (?, ?, ?, ?, ?)");
        for (const StoredMessage& m : msgs) {
            erased.bind_all(m.record_id);
            bool gone = erased.step();
            erased.reset();
            if (gone) {
                r.duplicates++;
                continue;
            }
            if (m.field == "erased") w.db.cached("DELETE FROM messages WHERE record_id = ?").bind_all(m.record_id).run();
            ins.bind_all(m.hlc, m.device, m.record_id, m.field, m.body).run();
            ins.reset();
            if (w.db.changes() > 0) r.stored++;
            else r.duplicates++;
        }
        r.last_seq = w.db.query_int("SELECT coalesce(max(seq), 0) FROM messages");
        tx.commit();
        return r;
    }

    PullResult pull(const std::string& ws, int64_t after, const std::string& exclude, int limit) override {
        open(ws);   // created with its tables
        Database& db = reader(ws);
        PullResult r;
        // The rows and the cursor from one commit: a read transaction (not Transaction's BEGIN IMMEDIATE).
        db.exec("BEGIN");
        struct End {
            Database& db;
            ~End() { db.exec("COMMIT"); }
        } end{db};
        Statement& st = db.cached("SELECT seq, hlc, device, record_id, field, body FROM messages WHERE seq > ? AND device <> ? ORDER BY seq LIMIT ?");
        st.bind_all(after, exclude, limit);
        while (st.step()) r.messages.push_back({st.column_int(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4), st.column_text(5)});
        st.reset();
        r.more = (int)r.messages.size() == limit;
        r.cursor = r.more ? r.messages.back().seq : std::max(after, db.query_int("SELECT coalesce(max(seq), 0) FROM messages"));
        return r;
    }

    int64_t lease_numbers(const std::string& ws, const std::string& kind, int64_t count, int64_t at_least) override {
        WorkspaceDb& w = open(ws);
        std::lock_guard g(w.lock);
        Statement& st = w.db.cached(
            "INSERT INTO numbers(kind, next) VALUES (?1, max(?3, 1) + ?2) "
            "ON CONFLICT(kind) DO UPDATE SET next = max(next, ?3) + ?2 RETURNING next - ?2");
        st.bind_all(kind, count, at_least).step();
        int64_t first = st.column_int(0);
        st.reset();
        return first;
    }

    StorageStats stats() override {
        StorageStats s;
        for (const WorkspaceInfo& w : workspaces()) {
            s.workspaces++;
            WorkspaceDb& d = open(w.id);
            std::lock_guard g(d.lock);
            s.messages += d.db.query_int("SELECT count(*) FROM messages");
        }
        return s;
    }

private:
    int64_t last_seq(const std::string& ws) {
        WorkspaceDb& w = open(ws);
        std::lock_guard g(w.lock);
        return w.db.query_int("SELECT coalesce(max(seq), 0) FROM messages");
    }

    // This thread's reading connection to a workspace file.
    Database& reader(const std::string& ws) {
        thread_local std::map<std::pair<const SqliteStorage*, std::string>, std::unique_ptr<Database>> readers;
        auto& slot = readers[{this, ws}];
        if (!slot) {
            OpenOptions o;
            o.read_only = true;   // the writer set WAL; a reader leaves it
            o.create = false;
            slot = std::make_unique<Database>(dir_ + "/workspaces/" + ws + ".sqlite", o);
        }
        return *slot;
    }

    WorkspaceDb& open(const std::string& ws) {
        std::lock_guard g(open_lock_);
        auto it = open_.find(ws);
        if (it != open_.end()) return *it->second;
        for (char c : ws)
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) throw StorageError("not a workspace id: " + ws);
        auto w = std::make_unique<WorkspaceDb>();
        OpenOptions o;
        o.journal_mode = "WAL";
        w->db.open(dir_ + "/workspaces/" + ws + ".sqlite", o);
        w->db.exec("PRAGMA synchronous = NORMAL");
        w->db.exec(kWorkspaceSchema);
        return *open_.emplace(ws, std::move(w)).first->second;
    }

    std::string dir_;
    std::mutex server_lock_, open_lock_;
    Database server_;
    std::map<std::string, std::unique_ptr<WorkspaceDb>> open_;
};

}  // namespace

std::unique_ptr<Storage> open_sqlite_storage(const std::string& dir) { return std::make_unique<SqliteStorage>(dir); }

}  // namespace crm::server
