// db.cpp - implementation of the SQLite layer declared in db.h.
#include "storage/db.h"

#include <sqlite3.h>

#include "storage/pagevfs.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace crm {

std::string value_to_text(const Value& v) {
    if (auto p = std::get_if<std::string>(&v)) return *p;
    if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
    if (auto p = std::get_if<double>(&v)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.15g", *p);
        return buf;
    }
    return {};
}

//-----------------------------------------------------------------------------
// Statement
//-----------------------------------------------------------------------------

Statement::Statement(Database& db, std::string_view sql) : db_(db.handle()) {
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), (int)sql.size(), SQLITE_PREPARE_PERSISTENT, &stmt_, &tail);
    if (rc != SQLITE_OK) db.fail(rc, std::string("prepare: ").append(sql));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& o) noexcept : stmt_(o.stmt_), db_(o.db_) { o.stmt_ = nullptr; }

Statement& Statement::operator=(Statement&& o) noexcept {
    if (this != &o) {
        sqlite3_finalize(stmt_);
        stmt_ = o.stmt_;
        db_ = o.db_;
        o.stmt_ = nullptr;
    }
    return *this;
}

void Statement::check_bind(int rc, int i) {
    if (rc != SQLITE_OK)
        throw DbError(rc, "bind parameter " + std::to_string(i) + ": " + sqlite3_errstr(rc) + " in: " +
                              sqlite3_sql(stmt_));
}

Statement& Statement::bind(int i, std::nullptr_t) { check_bind(sqlite3_bind_null(stmt_, i), i); return *this; }
Statement& Statement::bind(int i, int64_t v) { check_bind(sqlite3_bind_int64(stmt_, i, v), i); return *this; }
Statement& Statement::bind(int i, double v) { check_bind(sqlite3_bind_double(stmt_, i, v), i); return *this; }
Statement& Statement::bind(int i, std::string_view v) {
    check_bind(sqlite3_bind_text(stmt_, i, v.data(), (int)v.size(), SQLITE_TRANSIENT), i);
    return *this;
}
Statement& Statement::bind(int i, const Value& v) {
    std::visit([&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) bind(i, nullptr);
        else bind(i, x);
    }, v);
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        // A few statements (integrity_check) report a failed page read in
        // their result instead of failing: a miss makes any result suspect.
        if (take_page_miss()) {
            sqlite3_reset(stmt_);
            throw PageMiss(sqlite3_sql(stmt_));
        }
        return rc == SQLITE_ROW;
    }
    std::string msg = std::string(sqlite3_errmsg(db_)) + " in: " + sqlite3_sql(stmt_);
    int code = sqlite3_extended_errcode(db_);
    sqlite3_reset(stmt_);
    if (take_page_miss()) throw PageMiss(sqlite3_sql(stmt_));
    throw DbError(code, msg);
}

void Statement::run() { while (step()) {} }

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }
bool Statement::column_is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
int64_t Statement::column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
double Statement::column_double(int i) const { return sqlite3_column_double(stmt_, i); }
std::string Statement::column_text(int i) const { return std::string(column_view(i)); }
std::string_view Statement::column_view(int i) const {
    const unsigned char* p = sqlite3_column_text(stmt_, i);
    if (!p) return {};
    return std::string_view((const char*)p, (size_t)sqlite3_column_bytes(stmt_, i));
}
Value Statement::column_value(int i) const {
    switch (sqlite3_column_type(stmt_, i)) {
    case SQLITE_INTEGER: return column_int(i);
    case SQLITE_FLOAT: return column_double(i);
    case SQLITE_NULL: return std::monostate{};
    default: return column_text(i);
    }
}
const char* Statement::column_name(int i) const { return sqlite3_column_name(stmt_, i); }

//-----------------------------------------------------------------------------
// Database
//-----------------------------------------------------------------------------

Database::Database(const std::string& path, const OpenOptions& opt) { open(path, opt); }
Database::~Database() { close(); }

Database::Database(Database&& o) noexcept
    : db_(o.db_), path_(std::move(o.path_)), depth_(o.depth_), bulk_depth_(o.bulk_depth_), before_commit_(o.before_commit_),
      cache_(std::move(o.cache_)), rowid_set_(std::move(o.rowid_set_)) {
    o.rowid_set_ = std::make_unique<const std::vector<uint64_t>*>(nullptr);
    o.db_ = nullptr;
    o.depth_ = 0;
}

Database& Database::operator=(Database&& o) noexcept {
    if (this != &o) {
        close();
        db_ = o.db_;
        path_ = std::move(o.path_);
        depth_ = o.depth_;
        bulk_depth_ = o.bulk_depth_;
        before_commit_ = o.before_commit_;
        cache_ = std::move(o.cache_);
        std::swap(rowid_set_, o.rowid_set_);
        o.db_ = nullptr;
        o.depth_ = 0;
    }
    return *this;
}

void Database::fail(int rc, std::string_view what) const {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    int code = db_ ? sqlite3_extended_errcode(db_) : rc;
    if (take_page_miss()) throw PageMiss(std::string(what));
    throw DbError(code, msg + " (" + std::string(what) + ")");
}

namespace {
void in_rowid_set(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const std::vector<uint64_t>* bits = *(const std::vector<uint64_t>**)sqlite3_user_data(ctx);
    sqlite3_int64 x = sqlite3_value_int64(argv[0]);
    bool in = bits && x >= 0 && (uint64_t)(x >> 6) < bits->size() && ((*bits)[(size_t)(x >> 6)] >> (x & 63) & 1);
    sqlite3_result_int(ctx, in ? 1 : 0);
}

// Record ids in the change log (schema 15): a canonical lowercase UUID -
// every id this app makes - is kept as its 16 bytes, any other id (a setting's
// key, an id an import brought) as the text it is. crm_id_text reverses it.
int hex_digit(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; }
bool uuid_bytes(const unsigned char* s, int n, unsigned char out[16]) {
    if (n != 36) return false;
    int k = 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
            continue;
        }
        int hi = hex_digit((char)s[i]), lo = hex_digit((char)s[i + 1]);
        if (hi < 0 || lo < 0 || i + 1 == 8 || i + 1 == 13 || i + 1 == 18 || i + 1 == 23) return false;
        out[k++] = (unsigned char)(hi << 4 | lo);
        i++;
    }
    return k == 16;
}
void crm_id_key(sqlite3_context* ctx, int, sqlite3_value** argv) {
    unsigned char b[16];
    if (sqlite3_value_type(argv[0]) == SQLITE_TEXT &&
        uuid_bytes(sqlite3_value_text(argv[0]), sqlite3_value_bytes(argv[0]), b))
        sqlite3_result_blob(ctx, b, 16, SQLITE_TRANSIENT);
    else
        sqlite3_result_value(ctx, argv[0]);
}
void crm_id_text(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB || sqlite3_value_bytes(argv[0]) != 16) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    const unsigned char* b = (const unsigned char*)sqlite3_value_blob(argv[0]);
    static const char kHex[] = "0123456789abcdef";
    char out[36];
    int k = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[k++] = '-';
        out[k++] = kHex[b[i] >> 4];
        out[k++] = kHex[b[i] & 15];
    }
    sqlite3_result_text(ctx, out, 36, SQLITE_TRANSIENT);
}
}  // namespace

void Database::open(const std::string& path, const OpenOptions& opt) {
    close();
    int flags = opt.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (opt.create && !opt.read_only) flags |= SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, opt.vfs);
    if (rc != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw DbError(rc, "cannot open database '" + path + "': " + msg);
    }
    path_ = path;
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 2000);
    sqlite3_create_function_v2(db_, "in_rowid_set", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, rowid_set_.get(), in_rowid_set, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db_, "crm_id_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr, crm_id_key, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db_, "crm_id_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr, crm_id_text, nullptr, nullptr, nullptr);
    try {
        // Reading the schema here turns "file is not a database" into an open error.
        exec("PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -" + std::to_string(opt.cache_kib) + ";");
        query_int("SELECT count(*) FROM sqlite_schema");
        if (!opt.read_only) {
            exec(std::string("PRAGMA journal_mode = ") + opt.journal_mode);
            exec("PRAGMA synchronous = FULL");
        }
    } catch (const PageMiss&) {
        close();   // opened lazily, a block of the schema is on its way: open again then
        throw;
    } catch (const DbError& e) {
        close();
        throw DbError(e.code, "cannot open database '" + path + "': " + e.what());
    }
}

void Database::close() {
    cache_.clear();
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
    depth_ = 0;
    bulk_depth_ = 0;
    before_commit_ = nullptr;
}

void Database::exec(std::string_view sql) {
    std::string s(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK && take_page_miss()) throw PageMiss(s.substr(0, 200));
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        if (take_page_miss()) throw PageMiss(s.substr(0, 200));
        throw DbError(sqlite3_extended_errcode(db_), msg + " (in: " + s.substr(0, 200) + ")");
    }
}

Statement& Database::cached(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<Statement>(*this, sql)).first;
    it->second->reset();
    return *it->second;
}

int64_t Database::query_int(std::string_view sql) {
    Statement st(*this, sql);
    return st.step() ? st.column_int(0) : 0;
}

std::string Database::query_text(std::string_view sql) {
    Statement st(*this, sql);
    return st.step() ? st.column_text(0) : std::string();
}

int64_t Database::changes() const { return sqlite3_changes64(db_); }
int64_t Database::total_changes() const { return sqlite3_total_changes64(db_); }
int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Database::user_version() { return (int)query_int("PRAGMA user_version"); }
void Database::set_user_version(int v) { exec("PRAGMA user_version = " + std::to_string(v)); }
int64_t Database::file_size_bytes() {
    return query_int("PRAGMA page_count") * query_int("PRAGMA page_size");
}

std::string Database::serialize() const {
    sqlite3_int64 n = 0;
    unsigned char* p = sqlite3_serialize(db_, "main", &n, 0);
    if (!p) fail(SQLITE_NOMEM, "serialize");
    std::string bytes((const char*)p, (size_t)n);
    sqlite3_free(p);
    return bytes;
}

//-----------------------------------------------------------------------------
// Transaction
//-----------------------------------------------------------------------------

Transaction::Transaction(Database& db) : db_(db), depth_(db.depth_) {
    if (depth_ == 0) {
        db_.exec("BEGIN IMMEDIATE");
    } else if (db_.bulk_depth_ > 0 && depth_ >= db_.bulk_depth_) {
        free_ = true;
    } else {
        db_.cached("SAVEPOINT sp" + std::to_string(depth_)).run();
    }
    db_.depth_++;
}

Transaction::~Transaction() {
    if (!done_) {
        try { rollback(); } catch (...) {}
    }
}

void Transaction::commit() {
    if (done_) return;
    if (depth_ == 0 && db_.before_commit_) db_.before_commit_(db_);
    if (depth_ == 0) db_.exec("COMMIT");
    else if (!free_) db_.cached("RELEASE sp" + std::to_string(depth_)).run();
    done_ = true;
    db_.depth_--;
}

void Transaction::rollback() {
    if (done_) return;
    done_ = true;
    db_.depth_--;
    if (depth_ == 0) {
        // SQLite may already have rolled back (e.g. after SQLITE_FULL); that is fine.
        if (!sqlite3_get_autocommit(db_.handle())) db_.exec("ROLLBACK");
    } else if (!free_) {
        db_.cached("ROLLBACK TO sp" + std::to_string(depth_)).run();
        db_.cached("RELEASE sp" + std::to_string(depth_)).run();
    }
}

BulkWrite::BulkWrite(Database& db) : db_(db), saved_(db.bulk_depth_) {
    if (db_.bulk_depth_ == 0) db_.bulk_depth_ = std::max(db_.depth_, 1);
}

BulkWrite::~BulkWrite() { db_.bulk_depth_ = saved_; }

void Database::reset_statements() {
    for (sqlite3_stmt* st = sqlite3_next_stmt(db_, nullptr); st; st = sqlite3_next_stmt(db_, st)) sqlite3_reset(st);
}

}  // namespace crm
