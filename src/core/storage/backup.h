// backup.h - the database as one SQLite file: written out (a consistent
// snapshot through SQLite's online backup, which the sqlite3 CLI and sql.js
// open as is) and read back in to replace the current data (after the user
// confirmed), refusing files that are not CRM databases or are damaged.
#pragma once

#include <string>

#include "storage/db.h"

namespace crm {

// Writes a copy of `db` to `path` (replacing it). Returns the bytes written.
// The copy leaves without this device's sync token: a file is shared, and
// the token is a credential (opening the file elsewhere keeps that device's own).
int64_t save_database_file(Database& db, const std::string& path);

// Replaces everything in `db` with the database in `path`: checked first
// (a CRM database, intact, not from a newer app), then copied in and
// migrated to this app's schema. On any error `db` is unchanged.
// `full_check` runs SQLite's quick_check over the whole file; without it
// (a sync server's snapshot, which came whole over HTTP) the header and the
// file's length must agree, which catches a cut-short download.
void load_database_file(Database& db, const std::string& path, bool full_check = true);

}  // namespace crm
