// store.h - records: create, read, update, delete, with validation and the
// change log.
//
// Every write goes through here. A write validates the whole record (field
// formats, required fields, ordered dates, references to live records), writes
// the row and appends to change_log in one transaction, so a failed write
// leaves nothing behind. Deletion is a tombstone (deleted = 1), which can be
// undone and which sync can carry.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/db.h"
#include "records/entity.h"
#include "base/util.h"
#include "records/validate.h"

namespace crm {

// Field assignments for a create or update, in the order given.
using Fields = std::vector<std::pair<std::string, Value>>;

struct Record {
    const EntitySpec* spec = nullptr;
    std::string id, created_at, updated_at;
    bool deleted = false;
    std::vector<Value> values;   // parallel to spec->fields

    const Value& get(std::string_view field) const;
    std::string text(std::string_view field) const { return value_to_text(get(field)); }
    int64_t integer(std::string_view field) const;
};

struct ChangeEntry {
    int64_t seq;
    std::string entity, record_id, field;
    Value value;
    std::string at, device_id;
};

class Store {
public:
    // Opens the store on a database, applying any missing migrations.
    explicit Store(Database& db);

    Database& db() { return db_; }
    const std::string& device_id() const { return device_id_; }

    // Time and id source. Real time and random ids by default; the demo
    // generator and tests set a simulated clock and a seed.
    void set_clock(std::function<int64_t()> now_ms) { clock_ = std::move(now_ms); }
    void seed_ids(uint64_t seed) { rng_ = Rng(seed); }
    void seed_ids_randomly();
    const std::function<int64_t()>& clock() const { return clock_; }
    int64_t now_ms() const { return clock_ ? clock_() : wall_clock_ms(); }
    std::string new_id() { return uuid_v7(now_ms(), rng_); }

    std::string create(const EntitySpec& e, const Fields& fields);
    // Changes the given fields; returns the number of fields that changed
    // (0: nothing written, not even updated_at).
    int update(const EntitySpec& e, const std::string& id, const Fields& fields);
    void remove(const EntitySpec& e, const std::string& id);    // tombstone
    void restore(const EntitySpec& e, const std::string& id);   // undo a remove

    std::optional<Record> get(const EntitySpec& e, const std::string& id, bool include_deleted = false);
    Record must_get(const EntitySpec& e, const std::string& id);  // throws if missing or deleted
    // The records whose ids `ids` returns in its first column, in its order;
    // the statement is run to the end and reset first, so loading a record
    // never interleaves with it.
    std::vector<Record> records(const EntitySpec& e, Statement& ids);
    bool exists(const EntitySpec& e, const std::string& id);      // live record
    int64_t count(const EntitySpec& e);                            // live records

    // Writes a record as it came from elsewhere (an import, later a sync): its
    // id, timestamps and tombstone kept, its fields normalised and validated
    // like any write, except references, which the caller checks once at the
    // end (they may point at rows later in the same file). Inserts, or
    // overwrites the row with that id; logs the write. Returns true if a row
    // with that id existed.
    bool put(const EntitySpec& e, const Record& r);

    // The change log of one record, oldest first.
    std::vector<ChangeEntry> history(const std::string& record_id);

    std::string setting(const std::string& key, const std::string& fallback = "");
    void set_setting(const std::string& key, const std::string& value);

private:
    void validate_record(const EntitySpec& e, std::vector<Value>& values, const std::string& id, bool check_refs = true);
    void derive(const EntitySpec& e, std::vector<Value>& values, const Record* before, const Fields& given);
    void after_write(const EntitySpec& e, const std::vector<Value>& values, const Record* before);
    void log(const EntitySpec& e, const std::string& id, const char* field, const Value& v, int64_t at_ms);
    std::string next_number(const char* key, const char* prefix, int width, const char* table);

    Database& db_;
    std::string device_id_;
    int64_t device_n_ = 0;
    std::function<int64_t()> clock_;
    Rng rng_;
};

// Index of a field in spec->fields, or -1.
int field_index(const EntitySpec& e, std::string_view name);
// "id, created_at, updated_at, deleted, <fields...>": the columns read_record expects first.
const std::string& column_list(const EntitySpec& e);
// A record from the current row of a statement that selected column_list(e).
Record read_record(const EntitySpec& e, Statement& st);

}  // namespace crm
