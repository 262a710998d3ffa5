// store.h - records: create, read, update, delete, with validation and the
// change log.
//
// Every write goes through here. A write validates the whole record (field
// formats, required fields, ordered dates, references to live records), writes
// the row and appends to change_log in one transaction, so a failed write
// leaves nothing behind. Deletion is a tombstone (deleted = 1), which can be
// undone and which sync carries like any field.
//
// The change log is what sync sends: one row per created record (field "*";
// the values are the row's), per changed field (with its new value), per
// deletion or restore (field "deleted"), per import overwrite ("imported")
// and per erasure ("erased"). Each row has the wall time of the write (`at`,
// shown in history and taken for updated_at) and a hybrid-logical-clock stamp
// (`hlc`, base/hlc.h) that orders it against every other device's writes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/hlc.h"
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
    int64_t hlc = 0;
};

// Settings are shared by every device of a workspace (they sync), except this
// device's own: its id, and keys under "ui.", "sync." and "local.".
bool is_local_setting(std::string_view key);

class Store {
public:
    // Opens the store on a database, applying any missing migrations.
    explicit Store(Database& db);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    Database& db() { return db_; }
    const std::string& device_id() const { return device_id_; }
    int64_t device_number() const { return device_n_; }   // devices.n of this device
    // The clock that stamps this device's writes; sync moves it past what it receives.
    HybridClock& hlc() { return hlc_; }
    int64_t tick() { return hlc_.tick(now_ms()); }

    // Time and id source. Real time and random ids by default; the demo
    // generator and tests set a simulated clock and a seed.
    void set_clock(std::function<int64_t()> now_ms) { clock_ = std::move(now_ms); }
    void seed_ids(uint64_t seed) { rng_ = Rng(seed); id_clock_ = {}; }
    void seed_ids_randomly();
    const std::function<int64_t()>& clock() const { return clock_; }
    int64_t now_ms() const { return clock_ ? clock_() : wall_clock_ms(); }
    std::string new_id() { return uuid_v7(now_ms(), rng_, id_clock_); }

    std::string create(const EntitySpec& e, const Fields& fields);
    // Changes the given fields; returns the number of fields that changed
    // (0: nothing written, not even updated_at).
    int update(const EntitySpec& e, const std::string& id, const Fields& fields);
    void remove(const EntitySpec& e, const std::string& id);    // tombstone
    void restore(const EntitySpec& e, const std::string& id);   // undo a remove
    // Removes a record for good (privacy erasure): references to it become
    // NULL, its row and its change log go, and the erasure is logged without
    // the data, so sync erases it on every device. Callers erase dependants
    // first (see exchange/privacy.h).
    void erase(const EntitySpec& e, const std::string& id);
    // erase() without logging it: what an erasure received from sync does
    // before it logs the received stamp.
    void erase_row(const EntitySpec& e, const std::string& id);

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
    // A shared setting's change is logged (entity "settings", the key as the
    // record id, field "value") and syncs; a local one's is not.
    void set_setting(const std::string& key, const std::string& value);

    // This device's own settings (is_local_setting), to keep across a
    // replacement of the database's contents.
    std::vector<std::pair<std::string, std::string>> local_settings();
    // After the database's contents were replaced (a file opened, a sync
    // snapshot installed): the file's device-local settings (another device's
    // id, leases, sync state) give way to `keep`; this device keeps its id,
    // and its clock moves past every stamp in the new log.
    // `clock` is the newest stamp in the new log when the caller knows it
    // (a sync snapshot says); otherwise the log is read for it.
    void adopt(const std::vector<std::pair<std::string, std::string>>& keep, int64_t clock = -1);

    // Derived data after a row of `e` changed by any path (a write here, an
    // import, a sync): a line's total, its order's total. `old_order` is the
    // line's order before the change, when it moved.
    void refresh_derived(const EntitySpec& e, const std::string& id, const Value& old_order = {});

    // The next human-readable number for a new case ("CAS-", 5 digits) or
    // order ("ORD-", 6): from the block this device leased from the sync
    // server when it has one (numbers made offline on two devices then never
    // collide), else after the highest this device has seen.
    std::string next_number(const EntitySpec& e);
    // The blocks of numbers leased for `e` and not used yet, and a new one.
    std::vector<std::pair<int64_t, int64_t>> number_leases(const EntitySpec& e);
    void add_number_lease(const EntitySpec& e, int64_t first, int64_t last);

private:
    void validate_record(const EntitySpec& e, std::vector<Value>& values, const std::string& id, bool check_refs = true,
                         const std::vector<Value>* before = nullptr);
    void derive(const EntitySpec& e, std::vector<Value>& values, const Record* before, const Fields& given, const std::string& id);
    void log(const char* entity, const std::string& id, const char* field, const Value& v, int64_t at_ms, int64_t hlc);

    Database& db_;
    std::string device_id_;
    int64_t device_n_ = 0;
    std::function<int64_t()> clock_;
    Rng rng_;
    IdClock id_clock_;
    HybridClock hlc_;
};

// What numbers a table's records carry: prefix and digits ("CAS-", 5), or
// nullptr for a table without numbers.
struct NumberFormat {
    const char* prefix;
    int width;
};
const NumberFormat* number_format(const EntitySpec& e);

// Index of a field in spec->fields, or -1.
int field_index(const EntitySpec& e, std::string_view name);
// "id, created_at, updated_at, deleted, <fields...>": the columns read_record expects first.
const std::string& column_list(const EntitySpec& e);
// A record from the current row of a statement that selected column_list(e).
Record read_record(const EntitySpec& e, Statement& st);

}  // namespace crm
