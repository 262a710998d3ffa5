// transfer.h - the JSON export and import: all the user's data, in a
// documented, versioned format (the README, and the JSON Schema in
// export.schema.json beside this file):
//
//   {"format": "crm-export", "version": 1, "exported_at": "...Z",
//    "schema_version": 3,
//    "entities": {"users": [{"id": ..., "created_at": ..., "updated_at": ...,
//                            "deleted": false, <fields>}, ...], ...}}
//
// Entities come in dependency order (referenced tables first). Money is in
// minor units, times are UTC ISO-8601, references are ids.
//
// The export streams one row at a time, so a benchmark-size database is never
// held twice. The import reads the file with a callback that keeps one record
// at a time, writes through Store::put in one transaction, and checks the
// references at the end: any error - bad JSON, a wrong format or version, a
// field that fails validation, a reference to nothing - names the file and the
// path (entities.contacts[12].email) and leaves the database as it was.
#pragma once

#include <iosfwd>
#include <string>

#include "records/store.h"

namespace crm {

struct ExportOptions {
    bool include_deleted = false;   // tombstones
};
struct ExportSummary {
    int64_t records = 0;
};
ExportSummary export_json(Store& store, std::ostream& out, const ExportOptions& options = {});

enum class ImportMode {
    Merge,     // by id: new records added, existing ones overwritten when the file's updated_at is newer
    Replace,   // the file becomes the database: everything else is removed (the caller confirms first)
};
struct ImportSummary {
    int64_t added = 0, updated = 0, unchanged = 0, removed = 0;
};
// `name` is the file's name for error messages.
ImportSummary import_json(Store& store, std::istream& in, const std::string& name, ImportMode mode);

// Thrown by the importers: "file: path: message".
struct ImportError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace crm
