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
void migrate(Database& db, int target = -1);

}  // namespace crm
