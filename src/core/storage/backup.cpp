// backup.cpp - see backup.h.
#include "storage/backup.h"

#include <sqlite3.h>

#include <cstdio>

#include "storage/schema.h"

namespace crm {

namespace {

void copy(sqlite3* from, sqlite3* to, const std::string& what) {
    sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) throw DbError(sqlite3_errcode(to), what + ": " + sqlite3_errmsg(to));
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) throw DbError(rc, what + ": " + sqlite3_errstr(rc));
}

}  // namespace

int64_t save_database_file(Database& db, const std::string& path) {
    std::string tmp = path + ".tmp";
    std::remove(tmp.c_str());
    {
        Database out(tmp);
        copy(db.handle(), out.handle(), "writing '" + path + "'");
        out.exec("DELETE FROM settings WHERE key = 'sync.token'");
        // A file for other programs: a rollback journal they all understand.
        out.exec("PRAGMA journal_mode = DELETE");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw DbError(0, "cannot rename '" + tmp + "' to '" + path + "'");
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return 0;
    std::fseek(f, 0, SEEK_END);
    long n = std::ftell(f);
    std::fclose(f);
    return n;
}

void load_database_file(Database& db, const std::string& path, bool full_check) {
    OpenOptions ro;
    ro.read_only = true;
    ro.create = false;
    Database src(path, ro);   // "file is not a database" surfaces here
    int app = (int)src.query_int("PRAGMA application_id");
    if (app != kApplicationId) throw DbError(0, "'" + path + "' is not a database of this CRM (application_id " + std::to_string(app) + ")");
    if (src.user_version() > latest_schema_version())
        throw DbError(0, "'" + path + "' was written by a newer version of the app (schema " + std::to_string(src.user_version()) + ")");
    if (full_check) {
        std::string ic = src.query_text("PRAGMA quick_check");
        if (ic != "ok") throw DbError(0, "'" + path + "' is damaged: " + ic);
    } else {
        FILE* f = std::fopen(path.c_str(), "rb");
        long bytes = -1;
        if (f) {
            std::fseek(f, 0, SEEK_END);
            bytes = std::ftell(f);
            std::fclose(f);
        }
        if (bytes != (long)src.file_size_bytes()) throw DbError(0, "'" + path + "' is incomplete (" + std::to_string(bytes) + " bytes of " +
                                                                    std::to_string(src.file_size_bytes()) + ")");
    }
    db.reset_statements();   // a statement left on a row holds a read lock the backup needs
    if (src.user_version() == latest_schema_version()) {
        // Nothing to migrate: straight in (a large file is not held twice in memory).
        copy(src.handle(), db.handle(), "replacing the database");
        return;
    }
    // Into a scratch copy first, migrated there: the real database changes only
    // once everything has worked.
    Database scratch(":memory:");
    copy(src.handle(), scratch.handle(), "reading '" + path + "'");
    migrate(scratch);
    copy(scratch.handle(), db.handle(), "replacing the database");
}

}  // namespace crm
