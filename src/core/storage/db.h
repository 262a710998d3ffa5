// db.h - a small C++ layer over SQLite: Database, Statement, Transaction.
//
// Errors are exceptions (crm::DbError) carrying SQLite's own message and the
// SQL that failed. Transactions nest through savepoints, so a workflow that
// opens one may call another workflow that opens its own. Nothing here knows
// about the CRM: it is the only file that talks to the SQLite C API directly
// besides the browser VFS.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace crm {

// A SQLite value: NULL, INTEGER, REAL or TEXT (blobs are not used by the CRM).
using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline bool is_null(const Value& v) { return std::holds_alternative<std::monostate>(v); }
std::string value_to_text(const Value& v);   // "" for NULL, decimal for numbers

struct DbError : std::runtime_error {
    int code;  // SQLite extended result code
    DbError(int code_, const std::string& msg) : std::runtime_error(msg), code(code_) {}
};

// A statement needed a block of a lazily opened file that is not in memory
// yet (pagevfs.h): nothing was changed (a write transaction is rolled back
// by its Transaction), and the same call succeeds once the block arrives.
struct PageMiss : DbError {
    explicit PageMiss(const std::string& what) : DbError(5 /* SQLITE_BUSY */, "part of the data is still loading (" + what + ")") {}
};

class Database;

class Statement {
public:
    Statement() = default;
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(Statement&& o) noexcept;
    Statement& operator=(Statement&& o) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binding: 1-based index, like sqlite3_bind_*.
    Statement& bind(int i, std::nullptr_t);
    Statement& bind(int i, int v) { return bind(i, (int64_t)v); }
    Statement& bind(int i, int64_t v);
    Statement& bind(int i, double v);
    Statement& bind(int i, bool v) { return bind(i, (int64_t)(v ? 1 : 0)); }
    Statement& bind(int i, std::string_view v);
    Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Statement& bind(int i, const Value& v);
    template <class... A> Statement& bind_all(const A&... a) { int i = 0; (bind(++i, a), ...); return *this; }

    bool step();          // true when a row is ready; throws on error
    void run();           // step to completion (for writes)
    void reset();         // reset and clear bindings, ready for reuse

    int     column_count() const;
    bool    column_is_null(int i) const;
    int64_t column_int(int i) const;
    double  column_double(int i) const;
    std::string      column_text(int i) const;
    std::string_view column_view(int i) const;  // valid until the next step/reset
    Value   column_value(int i) const;
    const char* column_name(int i) const;

    sqlite3_stmt* handle() const { return stmt_; }

private:
    void check_bind(int rc, int i);
    sqlite3_stmt* stmt_ = nullptr;
    sqlite3* db_ = nullptr;
};

struct OpenOptions {
    bool create = true;
    bool read_only = false;
    const char* vfs = nullptr;          // nullptr: SQLite's default VFS
    // Rollback journal mode. WAL needs shared memory the browser does not have,
    // so both builds use a rollback journal: DELETE on a real file system,
    // MEMORY under the browser page-store VFS, whose commit is atomic by itself.
    const char* journal_mode = "DELETE";
    // SQLite's page cache. Over the page VFS the blocks are in memory already
    // and a read is a 4 KiB copy: the browser keeps it small (its heap never
    // shrinks, and this cache would hold a second copy of the hottest pages).
    int cache_kib = 32000;
};

class Database {
public:
    Database() = default;
    explicit Database(const std::string& path, const OpenOptions& opt = {});
    ~Database();
    Database(Database&& o) noexcept;
    Database& operator=(Database&& o) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void open(const std::string& path, const OpenOptions& opt = {});
    void close();
    bool is_open() const { return db_ != nullptr; }

    void exec(std::string_view sql);                 // one or more statements, no results
    Statement prepare(std::string_view sql) { return Statement(*this, sql); }
    // A prepared statement kept for the life of the connection, reset and ready.
    Statement& cached(const std::string& sql);

    // Convenience for one-value queries.
    int64_t     query_int(std::string_view sql);
    std::string query_text(std::string_view sql);

    int64_t changes() const;
    int64_t total_changes() const;   // rows changed by this connection since it opened
    int64_t last_insert_rowid() const;
    int     user_version();
    void    set_user_version(int v);
    bool    in_transaction() const { return depth_ > 0; }
    int64_t file_size_bytes();  // page_count * page_size
    // The database's bytes as this connection sees them (sqlite3_serialize
    // of "main"), changes of an open transaction included: a refused import
    // must leave exactly these bytes.
    std::string serialize() const;
    // The SQL function in_rowid_set(x) is 1 when bit x of `bits` is set, else
    // 0 (nullptr: 0 for all). A list searched for a short prefix walks its
    // sort index and tests each rowid against the search's matches with it
    // (listing.cpp); SQLite tests it on the index entry, before reading the row.
    void set_rowid_set(const std::vector<uint64_t>* bits) { *rowid_set_ = bits; }
    // Resets every statement of this connection: a cached statement left on a
    // row holds a read lock that a backup, a VACUUM or a DROP must not meet.
    void reset_statements();

    // Runs before every outermost COMMIT, inside the transaction (schema.h
    // sets it to index the queued search rows). Throwing stops the commit.
    void set_before_commit(void (*fn)(Database&)) { before_commit_ = fn; }

    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }

    [[noreturn]] void fail(int rc, std::string_view what) const;

private:
    friend class Transaction;
    friend class BulkWrite;
    sqlite3* db_ = nullptr;
    std::string path_;
    int depth_ = 0;           // open Transaction objects (savepoint nesting)
    int bulk_depth_ = 0;      // > 0: transactions opened deeper than this are free (BulkWrite)
    void (*before_commit_)(Database&) = nullptr;
    std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
    // On the heap: the SQL function holds its address, which a move keeps.
    std::unique_ptr<const std::vector<uint64_t>*> rowid_set_ = std::make_unique<const std::vector<uint64_t>*>(nullptr);
};

// RAII transaction. The outermost one is BEGIN IMMEDIATE ... COMMIT; inner ones
// are savepoints, named by their level and prepared once. Destroyed without
// commit(): rolled back (to its savepoint).
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();
    void rollback();

private:
    Database& db_;
    int depth_ = 0;      // 0 for the outermost transaction, else its savepoint's level
    bool free_ = false;  // opened inside a BulkWrite: no savepoint of its own
    bool done_ = false;
};

// Inside a BulkWrite, transactions opened deeper than the one it was made in
// are free: no savepoint, commit and rollback do nothing. Its maker promises
// that any error rolls the enclosing transaction (or savepoint) back whole,
// so a write an error stopped half-way never survives. A bulk job (a CSV
// import, demo data) writes each record through the Store, whose own
// savepoint per record cost the import a fifth of its time in page copies
// and made FTS5 write its pending terms out at every record: a new index
// segment per row, merged again and again (the import ran at half speed).
class BulkWrite {
public:
    explicit BulkWrite(Database& db);
    ~BulkWrite();
    BulkWrite(const BulkWrite&) = delete;
    BulkWrite& operator=(const BulkWrite&) = delete;

private:
    Database& db_;
    int saved_;
};

}  // namespace crm
