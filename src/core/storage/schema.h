// schema.h - the database schema as numbered migrations.
//
// PRAGMA user_version holds the number of the last migration applied and
// PRAGMA application_id marks the file as a CRM database. Opening a database
// applies what is missing, one transaction per migration; a database from a
// newer version of the app is refused rather than misread.
#pragma once

#include "storage/db.h"

namespace crm {

inline constexpr int kApplicationId = 0x43524D31;  // "CRM1"

int latest_schema_version();

// Brings the database to `target` (default: latest). Throws DbError with a
// clear message for a foreign or too-new file.
// Also makes each commit of `db` index what the search triggers queued first.
void migrate(Database& db, int target = -1);

// Indexes the rows the search triggers queued (migration 9): one statement
// per kind, so FTS5 writes one segment for the batch. Commits call it; a long
// job calls it between its slices, so its rows are found while it runs.
void index_queued_search(Database& db);
bool search_queued(Database& db);   // rows wait to be indexed

}  // namespace crm
