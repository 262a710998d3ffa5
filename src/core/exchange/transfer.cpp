// transfer.cpp - see transfer.h.
#include "exchange/transfer.h"

#include <nlohmann/json.hpp>

#include <istream>
#include <ostream>

#include "records/custom_fields.h"
#include "records/json_value.h"
#include "storage/schema.h"

namespace crm {

namespace {

using nlohmann::json;

constexpr const char* kFormat = "crm-export";
constexpr int kVersion = 1;

// Settings that travel with the data: the workspace's configuration, not
// this device's identity, UI, sync state or counters.
bool portable_setting(const std::string& key) { return !is_local_setting(key); }

}  // namespace

ExportSummary export_json(Store& store, std::ostream& out, const ExportOptions& o) {
    Database& db = store.db();
    ExportSummary sum;
    Transaction tx(db);   // one consistent snapshot
    out << "{\n\"format\": \"" << kFormat << "\",\n\"version\": " << kVersion << ",\n\"exported_at\": "
        << json(format_datetime(store.now_ms())).dump() << ",\n\"schema_version\": " << db.user_version() << ",\n\"settings\": {";
    {
        Statement st = db.prepare("SELECT key, value FROM settings ORDER BY key");
        bool first = true;
        while (st.step()) {
            std::string key = st.column_text(0);
            if (!portable_setting(key)) continue;
            out << (first ? "\n  " : ",\n  ") << json(key).dump() << ": " << json(st.column_text(1)).dump();
            first = false;
        }
    }
    out << "\n},\n\"entities\": {";
    bool first_table = true;
    for (const EntitySpec* e : all_entities()) {
        out << (first_table ? "\n" : ",\n") << json(e->table).dump() << ": [";
        first_table = false;
        // A removed custom field's definition goes too: its values do (custom_fields.h).
        bool all = o.include_deleted || e == &kCustomFields;
        std::string sql = "SELECT " + column_list(*e) + " FROM " + e->table + (all ? "" : " WHERE deleted = 0") + " ORDER BY rowid";
        Statement st = db.prepare(sql);
        bool first = true;
        while (st.step()) {
            Record r = read_record(*e, st);
            json row = json::object();
            row["id"] = r.id;
            row["created_at"] = r.created_at;
            row["updated_at"] = r.updated_at;
            row["deleted"] = r.deleted;
            for (size_t i = 0; i < e->fields.size(); i++) row[e->fields[i].name] = value_to_json(e->fields[i], r.values[i]);
            out << (first ? "\n  " : ",\n  ") << row.dump();
            first = false;
            sum.records++;
        }
        out << (first ? "]" : "\n]");
    }
    out << "\n}\n}\n";
    tx.commit();
    if (!out) throw std::runtime_error("the export could not be written completely");
    return sum;
}

ImportSummary import_json(Store& store, std::istream& in, const std::string& name, ImportMode mode) {
    Database& db = store.db();
    ImportSummary sum;
    auto fail = [&](const std::string& path, const std::string& msg) -> void { throw ImportError(name + ": " + path + ": " + msg); };
    // The custom fields are the file's after an import, and ours again after a
    // failed one (whose new columns the rollback took away).
    struct Reload {
        Database& db;
        ~Reload() {
            try { load_custom_fields(db); } catch (...) {}
        }
    } reload{db};

    Transaction tx(db);
    db.exec("PRAGMA defer_foreign_keys = ON");   // rows may refer to rows later in the file; checked at the end
    // A database that syncs cannot forget rows the other devices hold: there
    // a replace deletes (as tombstones, which sync carries) what the file lacks.
    bool synced = !store.setting("sync.server").empty();
    if (mode == ImportMode::Replace && synced) {
        db.exec("CREATE TEMP TABLE IF NOT EXISTS replace_seen (id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.replace_seen;");
    } else if (mode == ImportMode::Replace) {
        const auto& all = all_entities();
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
            sum.removed += db.query_int(std::string("SELECT count(*) FROM ") + (*it)->table);
            db.exec(std::string("DELETE FROM ") + (*it)->table);
        }
        db.exec("DELETE FROM change_log");
    }

    // Where the parser is: the top-level key, the entity, the record's index.
    std::string top, table;
    const EntitySpec* spec = nullptr;
    int64_t index = 0;
    bool header_checked = false;
    json header = json::object();

    auto check_header = [&] {
        if (header_checked) return;
        header_checked = true;
        if (!header.contains("format") || header["format"] != kFormat)
            fail("format", "not a CRM export (expected \"format\": \"" + std::string(kFormat) + "\")");
        if (!header.contains("version") || !header["version"].is_number_integer()) fail("version", "missing");
        if (header["version"].get<int64_t>() > kVersion)
            fail("version", "version " + header["version"].dump() + " is newer than this app reads (" + std::to_string(kVersion) + ")");
    };

    auto take_record = [&](json& row) {
        std::string path = "entities." + table + "[" + std::to_string(index) + "]";
        if (!row.is_object()) fail(path, "a record must be an object");
        Record r;
        r.spec = spec;
        auto text = [&](const char* key, bool required) -> std::string {
            if (!row.contains(key)) {
                if (required) fail(path + "." + key, "is missing");
                return "";
            }
            if (!row[key].is_string()) fail(path + "." + key, "must be text");
            return row[key].get<std::string>();
        };
        r.id = text("id", true);
        r.created_at = text("created_at", true);
        r.updated_at = text("updated_at", true);
        if (row.contains("deleted")) {
            const json& d = row["deleted"];
            if (!d.is_boolean() && !d.is_number_integer()) fail(path + ".deleted", "must be true or false");
            r.deleted = d.is_boolean() ? d.get<bool>() : d.get<int64_t>() != 0;
        }
        r.values.reserve(spec->fields.size());
        for (const FieldSpec& f : spec->fields) {
            if (!row.contains(f.name)) {
                r.values.push_back(default_value(f));
                continue;
            }
            const json& v = row[f.name];
            if (v.is_null()) r.values.push_back(f.is_text_like() ? Value(std::string()) : f.type == FieldType::Ref ? Value(std::monostate{}) : default_value(f));
            else if (v.is_boolean()) r.values.push_back(int64_t(v.get<bool>() ? 1 : 0));
            else if (v.is_number_integer()) r.values.push_back(v.get<int64_t>());
            else if (v.is_number_float() && f.type == FieldType::Number) r.values.push_back(v.get<double>());
            else if (v.is_number_float()) fail(path + "." + f.name, "must be a whole number (money is in minor units)");
            else if (v.is_string()) r.values.push_back(v.get<std::string>());
            else fail(path + "." + f.name, "must be text, a number, true/false or null");
        }
        for (auto it = row.begin(); it != row.end(); ++it) {
            const std::string& k = it.key();
            if (k != "id" && k != "created_at" && k != "updated_at" && k != "deleted" && !spec->field(k))
                fail(path + "." + k, "is not a field of " + std::string(spec->label));
        }
        try {
            if (mode == ImportMode::Merge) {
                auto existing = store.get(*spec, r.id, true);
                if (existing && existing->updated_at >= r.updated_at) {
                    sum.unchanged++;
                    return;
                }
                store.put(*spec, r) ? sum.updated++ : sum.added++;
            } else {
                store.put(*spec, r);
                sum.added++;
                if (synced) db.cached("INSERT OR IGNORE INTO temp.replace_seen(id) VALUES (?)").bind_all(r.id).run();
            }
        } catch (const ValidationError& e) {
            fail(path + "." + e.field, e.message());
        } catch (const DbError& e) {
            fail(path, e.what());
        }
    };

    json::parser_callback_t cb = [&](int depth, json::parse_event_t event, json& parsed) -> bool {
        using E = json::parse_event_t;
        if (event == E::key && depth == 1) {
            top = parsed.get<std::string>();
            if (top == "entities") check_header();
            return true;
        }
        if (top == "entities" && depth == 2 && event == E::key) {
            table = parsed.get<std::string>();
            spec = find_entity(table);
            if (!spec) fail("entities." + table, "unknown entity");
            index = 0;
            return true;
        }
        if (top == "entities" && depth == 3 && event == E::object_end) {
            take_record(parsed);
            index++;
            return false;   // processed: not kept in memory
        }
        if (top == "entities" && depth == 2 && event == E::value && !parsed.is_array())
            fail("entities." + table, "must be a list of records");
        if (depth == 1 && event == E::value && top != "entities" && top != "settings") header[top] = parsed;
        return true;
    };
    json root;
    try {
        root = json::parse(in, cb, true);
    } catch (const json::exception& e) {   // syntax, or a number too large to hold (out_of_range)
        std::string msg = e.what();
        size_t p = msg.find("parse error");
        if (p == std::string::npos) p = msg.find("number overflow");
        throw ImportError(name + ": not valid JSON: " + (p == std::string::npos ? msg : msg.substr(p)));
    }
    if (!root.is_object()) throw ImportError(name + ": not a CRM export (the file is not a JSON object)");
    check_header();
    if (!root.contains("entities")) fail("entities", "is missing");

    // Settings: a replace takes the file's; a merge adds missing ones.
    if (root.contains("settings")) {
        if (!root["settings"].is_object()) fail("settings", "must be an object");
        for (auto it = root["settings"].begin(); it != root["settings"].end(); ++it) {
            if (!it.value().is_string()) fail("settings." + it.key(), "must be text");
            if (!portable_setting(it.key())) continue;
            std::string mine = store.setting(it.key());
            std::string theirs = it.value().get<std::string>();
            if (mode == ImportMode::Replace || mine.empty()) store.set_setting(it.key(), theirs);
        }
    }

    if (mode == ImportMode::Replace && synced) {
        const auto& all = all_entities();
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
            std::vector<std::string> gone;
            Statement st = db.prepare(std::string("SELECT id FROM ") + (*it)->table + " WHERE deleted = 0 AND id NOT IN (SELECT id FROM temp.replace_seen)");
            while (st.step()) gone.push_back(st.column_text(0));
            for (const std::string& id : gone) store.remove(**it, id);
            sum.removed += (int64_t)gone.size();
        }
        db.exec("DELETE FROM temp.replace_seen");
    }

    // Every reference must now resolve.
    Statement fk = db.prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check LIMIT 1");
    if (fk.step()) {
        std::string t = fk.column_text(0), parent = fk.column_text(2);
        std::string id = db.query_text("SELECT id FROM " + t + " WHERE rowid = " + std::to_string(fk.column_int(1)));
        fail("entities." + t, "record '" + id + "' refers to a " + parent + " record that is not in the database or the file");
    }
    fk.reset();
    tx.commit();
    return sum;
}

}  // namespace crm
