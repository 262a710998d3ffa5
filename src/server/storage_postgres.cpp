// storage_postgres.cpp - the server's storage in PostgreSQL (libpq), for
// several crm-server processes sharing one database (see storage.h). Every
// query is parameterised. A push runs in one transaction that first locks
// its workspace's row (SELECT ... FOR UPDATE): pushes to one workspace take
// turns and number their messages in commit order. A pull reads in one
// REPEATABLE READ snapshot, so its rows and its cursor agree.
#include <libpq-fe.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "base/util.h"
#include "server/storage.h"
#include "server/tokens.h"

namespace crm::server {

namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS crm_workspaces (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  created_at text NOT NULL,
  next_seq bigint NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS crm_tokens (
  id text PRIMARY KEY,
  hash text NOT NULL UNIQUE,
  workspace text NOT NULL REFERENCES crm_workspaces(id),
  read_only boolean NOT NULL DEFAULT false,
  label text NOT NULL DEFAULT '',
  created_at text NOT NULL,
  revoked_at text NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS crm_messages (
  workspace text NOT NULL,
  seq bigint NOT NULL,
  hlc text NOT NULL,
  device text NOT NULL,
  record_id text NOT NULL,
  field text NOT NULL,
  body text NOT NULL,
  PRIMARY KEY (workspace, seq),
  UNIQUE (workspace, hlc)
);
CREATE INDEX IF NOT EXISTS crm_messages_record ON crm_messages(workspace, record_id);
CREATE TABLE IF NOT EXISTS crm_numbers (
  workspace text NOT NULL,
  kind text NOT NULL,
  next bigint NOT NULL,
  PRIMARY KEY (workspace, kind)
);
)SQL";

// One result, freed when it goes out of scope.
struct Result {
    PGresult* r = nullptr;
    explicit Result(PGresult* p) : r(p) {}
    ~Result() { PQclear(r); }
    Result(const Result&) = delete;
    Result(Result&& o) noexcept : r(o.r) { o.r = nullptr; }
    int rows() const { return PQntuples(r); }
    std::string text(int row, int col) const { return PQgetvalue(r, row, col); }
    int64_t integer(int row, int col) const { return std::atoll(PQgetvalue(r, row, col)); }
};

class Connection {
public:
    explicit Connection(const std::string& conninfo) : c_(PQconnectdb(conninfo.c_str())) {
        if (PQstatus(c_) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(c_);
            PQfinish(c_);
            c_ = nullptr;
            throw StorageError("cannot connect to PostgreSQL: " + msg);
        }
        PQclear(PQexec(c_, "SET client_min_messages TO warning"));
    }
    ~Connection() {
        if (c_) PQfinish(c_);
    }
    bool ok() const { return c_ && PQstatus(c_) == CONNECTION_OK; }

    // Runs `sql` with text parameters; throws on an error.
    Result run(const std::string& sql, const std::vector<std::string>& params = {}) {
        std::vector<const char*> p;
        for (const std::string& s : params) p.push_back(s.c_str());
        Result r(PQexecParams(c_, sql.c_str(), (int)p.size(), nullptr, p.data(), nullptr, nullptr, 0));
        ExecStatusType st = PQresultStatus(r.r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            std::string msg = PQresultErrorMessage(r.r);
            const char* state = PQresultErrorField(r.r, PG_DIAG_SQLSTATE);
            last_state_ = state ? state : "";
            if (PQtransactionStatus(c_) == PQTRANS_INERROR) PQclear(PQexec(c_, "ROLLBACK"));
            throw StorageError("PostgreSQL: " + msg);
        }
        return r;
    }
    const std::string& last_state() const { return last_state_; }

    // Runs body() between `begin` and COMMIT; on an error rolls back and rethrows.
    template <class F> void transaction(const char* begin, F&& body) {
        run(begin);
        try {
            body();
            run("COMMIT");
        } catch (...) {
            try {
                run("ROLLBACK");
            } catch (...) {
            }
            throw;
        }
    }

private:
    PGconn* c_;
    std::string last_state_;
};

// PostgreSQL's text form of an array of strings.
std::string text_array(const std::vector<std::string>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); i++) {
        if (i) out += ',';
        out += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

class PostgresStorage : public Storage {
public:
    explicit PostgresStorage(const std::string& conninfo) : conninfo_(conninfo) {
        Lease c(*this);
        // Instances starting at once create the tables one at a time.
        c->run("SELECT pg_advisory_lock(4242001)");
        try {
            for (const std::string& stmt : split(kSchema)) c->run(stmt);
        } catch (...) {
            c->run("SELECT pg_advisory_unlock(4242001)");
            throw;
        }
        c->run("SELECT pg_advisory_unlock(4242001)");
    }
    ~PostgresStorage() override {
        for (Connection* c : idle_) delete c;
    }

    const char* kind() const override { return "postgres"; }

    WorkspaceInfo create_workspace(const std::string& name) override {
        Lease c(*this);
        WorkspaceInfo w{random_hex(8), name, format_datetime(wall_clock_ms()), 0};
        try {
            c->run("INSERT INTO crm_workspaces(id, name, created_at) VALUES ($1, $2, $3)", {w.id, w.name, w.created_at});
        } catch (const StorageError&) {
            if (c->last_state() == "23505") throw StorageError("a workspace named '" + name + "' exists already");
            throw;
        }
        return w;
    }

    std::vector<WorkspaceInfo> workspaces() override {
        Lease c(*this);
        Result r = c->run("SELECT id, name, created_at, next_seq - 1 FROM crm_workspaces ORDER BY name");
        std::vector<WorkspaceInfo> out;
        for (int i = 0; i < r.rows(); i++) out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.integer(i, 3)});
        return out;
    }

    std::optional<WorkspaceInfo> workspace(const std::string& key) override {
        Lease c(*this);
        Result r = c->run("SELECT id, name, created_at, next_seq - 1 FROM crm_workspaces WHERE id = $1 OR name = $1", {key});
        if (!r.rows()) return std::nullopt;
        return WorkspaceInfo{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.integer(0, 3)};
    }

    void add_token(const TokenInfo& t, const std::string& hash) override {
        Lease c(*this);
        c->run("INSERT INTO crm_tokens(id, hash, workspace, read_only, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
               {t.id, hash, t.workspace, t.read_only ? "true" : "false", t.label, t.created_at});
    }

    bool revoke_token(const std::string& id) override {
        Lease c(*this);
        Result r = c->run("UPDATE crm_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at = '' RETURNING id", {id, format_datetime(wall_clock_ms())});
        return r.rows() > 0;
    }

    std::vector<TokenInfo> tokens(const std::string& workspace) override {
        Lease c(*this);
        Result r = c->run("SELECT id, workspace, label, created_at, read_only, revoked_at <> '' FROM crm_tokens WHERE workspace = $1 ORDER BY created_at", {workspace});
        std::vector<TokenInfo> out;
        for (int i = 0; i < r.rows(); i++) out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4) == "t", r.text(i, 5) == "t"});
        return out;
    }

    std::optional<TokenInfo> token_by_hash(const std::string& hash) override {
        Lease c(*this);
        Result r = c->run("SELECT id, workspace, label, created_at, read_only, revoked_at <> '', hash FROM crm_tokens WHERE hash = $1", {hash});
        if (!r.rows() || !same_secret(r.text(0, 6), hash)) return std::nullopt;
        return TokenInfo{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4) == "t", r.text(0, 5) == "t"};
    }

    PushResult push(const std::string& ws, const std::vector<StoredMessage>& msgs) override {
        Lease c(*this);
        PushResult out;
        c->transaction("BEGIN", [&] {
            Result lock = c->run("SELECT next_seq FROM crm_workspaces WHERE id = $1 FOR UPDATE", {ws});
            if (!lock.rows()) throw StorageError("no workspace " + ws);
            int64_t next = lock.integer(0, 0);
            // Records already erased take no more messages; an erasure removes what came before it.
            std::vector<std::string> ids, erasures;
            for (const StoredMessage& m : msgs) {
                ids.push_back(m.record_id);
                if (m.field == "erased") erasures.push_back(m.record_id);
            }
            std::vector<std::string> gone_list;
            Result gone = c->run("SELECT DISTINCT record_id FROM crm_messages WHERE workspace = $1 AND field = 'erased' AND record_id = ANY($2::text[])",
                                 {ws, text_array(ids)});
            for (int i = 0; i < gone.rows(); i++) gone_list.push_back(gone.text(i, 0));
            auto is_gone = [&](const std::string& id) { return std::find(gone_list.begin(), gone_list.end(), id) != gone_list.end(); };
            size_t i = 0;
            while (i < msgs.size()) {
                // One statement per group of rows, stopping at an erasure (it deletes what precedes it).
                std::string sql = "INSERT INTO crm_messages(workspace, seq, hlc, device, record_id, field, body) VALUES ";
                std::vector<std::string> p{ws};
                size_t rows = 0;
                while (i < msgs.size() && rows < 1000) {
                    const StoredMessage& m = msgs[i];
                    if (is_gone(m.record_id)) {
                        out.duplicates++;
                        i++;
                        continue;
                    }
                    if (m.field == "erased" && rows > 0) break;
                    if (m.field == "erased") {
                        c->run("DELETE FROM crm_messages WHERE workspace = $1 AND record_id = $2", {ws, m.record_id});
                        gone_list.push_back(m.record_id);
                    }
                    size_t b = p.size();
                    sql += std::string(rows ? "," : "") + "($1,$" + std::to_string(b + 1) + ",$" + std::to_string(b + 2) + ",$" + std::to_string(b + 3) +
                           ",$" + std::to_string(b + 4) + ",$" + std::to_string(b + 5) + ",$" + std::to_string(b + 6) + ")";
                    p.insert(p.end(), {std::to_string(next++), m.hlc, m.device, m.record_id, m.field, m.body});
                    rows++;
                    i++;
                    if (m.field == "erased") break;
                }
                if (!rows) continue;
                sql += " ON CONFLICT (workspace, hlc) DO NOTHING RETURNING seq";
                Result r = c->run(sql, p);
                out.stored += r.rows();
                out.duplicates += (int64_t)rows - r.rows();
            }
            c->run("UPDATE crm_workspaces SET next_seq = $2 WHERE id = $1", {ws, std::to_string(next)});
            out.last_seq = next - 1;
        });
        return out;
    }

    PullResult pull(const std::string& ws, int64_t after, const std::string& exclude, int limit) override {
        Lease c(*this);
        PullResult out;
        c->transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", [&] {
            Result r = c->run("SELECT seq, hlc, device, record_id, field, body FROM crm_messages WHERE workspace = $1 AND seq > $2 AND device <> $3 "
                              "ORDER BY seq LIMIT $4",
                              {ws, std::to_string(after), exclude, std::to_string(limit)});
            for (int i = 0; i < r.rows(); i++)
                out.messages.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5)});
            out.more = (int)out.messages.size() == limit;
            if (out.more) {
                out.cursor = out.messages.back().seq;
            } else {
                Result last = c->run("SELECT next_seq - 1 FROM crm_workspaces WHERE id = $1", {ws});
                out.cursor = std::max(after, last.rows() ? last.integer(0, 0) : 0);
            }
        });
        return out;
    }

    int64_t lease_numbers(const std::string& ws, const std::string& kind, int64_t count, int64_t at_least) override {
        Lease c(*this);
        Result r = c->run(
            "INSERT INTO crm_numbers(workspace, kind, next) VALUES ($1, $2, GREATEST($4::bigint, 1) + $3::bigint) "
            "ON CONFLICT (workspace, kind) DO UPDATE SET next = GREATEST(crm_numbers.next, $4::bigint) + $3::bigint RETURNING next - $3::bigint",
            {ws, kind, std::to_string(count), std::to_string(at_least)});
        return r.integer(0, 0);
    }

    StorageStats stats() override {
        Lease c(*this);
        Result r = c->run("SELECT (SELECT count(*) FROM crm_workspaces), (SELECT count(*) FROM crm_messages)");
        return {r.integer(0, 0), r.integer(0, 1)};
    }

private:
    // A connection from the pool for one call.
    struct Lease {
        PostgresStorage& s;
        Connection* c;
        explicit Lease(PostgresStorage& st) : s(st), c(st.take()) {}
        ~Lease() { s.give_back(c); }
        Connection* operator->() { return c; }
    };
    Connection* take() {
        {
            std::lock_guard g(lock_);
            while (!idle_.empty()) {
                Connection* c = idle_.back();
                idle_.pop_back();
                if (c->ok()) return c;
                delete c;
            }
        }
        return new Connection(conninfo_);
    }
    void give_back(Connection* c) {
        std::lock_guard g(lock_);
        if (c->ok() && idle_.size() < 64) idle_.push_back(c);   // as many as the server has threads: no reconnecting under load
        else delete c;
    }
    static std::vector<std::string> split(const std::string& sql) {
        std::vector<std::string> out;
        size_t start = 0, p;
        while ((p = sql.find(';', start)) != std::string::npos) {
            std::string s = sql.substr(start, p - start);
            if (s.find_first_not_of(" \n\r\t") != std::string::npos) out.push_back(s);
            start = p + 1;
        }
        return out;
    }

    std::string conninfo_;
    std::mutex lock_;
    std::vector<Connection*> idle_;
};

}  // namespace

std::unique_ptr<Storage> open_postgres_storage(const std::string& conninfo) { return std::make_unique<PostgresStorage>(conninfo); }

}  // namespace crm::server
