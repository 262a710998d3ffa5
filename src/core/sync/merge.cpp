// merge.cpp - see merge.h.
#include "sync/merge.h"

#include <algorithm>
#include <map>
#include <set>
#include <optional>

#include "base/hlc.h"
#include "base/util.h"
#include "records/custom_fields.h"
#include "records/json_value.h"

namespace crm {

namespace {

using nlohmann::json;

//-----------------------------------------------------------------------------
// A record's log: the stamps that decide which write wins
//-----------------------------------------------------------------------------

struct Stamp {
    int64_t hlc = 0;
    std::string device;
    bool operator<(const Stamp& o) const { return compare_stamp(hlc, device, o.hlc, o.device) < 0; }
    bool operator==(const Stamp& o) const { return hlc == o.hlc && device == o.device; }
    explicit operator bool() const { return !device.empty(); }
};

struct Entry {
    int64_t seq;
    std::string field;
    Stamp stamp;
    Value value;
    int64_t at;
};

bool is_record_field(const std::string& f) { return f == "*" || f == "imported"; }

// Device numbers to ids (a handful of rows, read once per batch).
struct DeviceIds {
    std::vector<std::string> by_n;
    const std::string& operator()(Database& db, int64_t n) {
        if (n < 0 || n > 1000000) throw DbError(0, "change_log: a device number out of range");
        if ((size_t)n >= by_n.size()) by_n.resize((size_t)n + 1);
        if (by_n[(size_t)n].empty()) {
            Statement& st = db.cached("SELECT id FROM devices WHERE n = ?");
            st.bind_all(n);
            if (st.step()) by_n[(size_t)n] = st.column_text(0);
            st.reset();
        }
        return by_n[(size_t)n];
    }
};

// A record's log. Without a join and without ORDER BY: either makes this
// SQLite re-prepare the statement for every id (measured: 12 % of a pull).
std::vector<Entry> entries_of(Database& db, DeviceIds& devices, const std::string& entity, const std::string& id) {
    Statement& st = db.cached("SELECT seq, field, hlc, device, value, at FROM change_log WHERE record_id = crm_id_key(?1) AND entity = ?2");
    st.bind_all(id, entity);
    std::vector<Entry> out;
    while (st.step()) out.push_back({st.column_int(0), st.column_text(1), {st.column_int(2), std::to_string(st.column_int(3))}, st.column_value(4), st.column_int(5)});
    st.reset();
    for (Entry& e : out) e.stamp.device = devices(db, std::atoll(e.stamp.device.c_str()));
    return out;
}

// The newest entry that wrote `field` (a record entry writes every field);
// with `field` empty, the newest of all. `before_seq` limits to older rows.
const Entry* newest(const std::vector<Entry>& es, const std::string& field, int64_t before_seq = INT64_MAX) {
    const Entry* best = nullptr;
    for (const Entry& e : es) {
        if (e.seq >= before_seq) continue;
        if (!field.empty() && e.field != field && !is_record_field(e.field)) continue;
        if (e.field == "erased") continue;
        if (!best || best->stamp < e.stamp) best = &e;
    }
    return best;
}
const Entry* newest_of_kind(const std::vector<Entry>& es, bool record) {
    const Entry* best = nullptr;
    for (const Entry& e : es)
        if (is_record_field(e.field) == record && e.field != "erased" && (!best || best->stamp < e.stamp)) best = &e;
    return best;
}
const Entry* newest_field_only(const std::vector<Entry>& es, const std::string& field) {
    const Entry* best = nullptr;
    for (const Entry& e : es)
        if (e.field == field && (!best || best->stamp < e.stamp)) best = &e;
    return best;
}
bool is_erased(const std::vector<Entry>& es) {
    for (const Entry& e : es)
        if (e.field == "erased") return true;
    return false;
}

//-----------------------------------------------------------------------------
// The applier: one batch in one transaction
//-----------------------------------------------------------------------------

struct Applier {
    Store& store;
    Database& db;
    ApplyResult result;
    std::map<std::string, int64_t> device_numbers;
    DeviceIds device_ids;
    bool any_dangling;                                  // sync_dangling has rows (else nothing to delete there)
    std::set<std::pair<const EntitySpec*, std::string>> seen_targets;   // references known to resolve, this batch
    bool custom_fields_changed = false;

    explicit Applier(Store& s) : store(s), db(s.db()) { any_dangling = db.query_int("SELECT EXISTS (SELECT 1 FROM sync_dangling)") != 0; }

    int64_t device_number(const std::string& id) {
        auto it = device_numbers.find(id);
        if (it != device_numbers.end()) return it->second;
        db.cached("INSERT OR IGNORE INTO devices(id) VALUES (?)").bind_all(id).run();
        Statement& st = db.cached("SELECT n FROM devices WHERE id = ?");
        st.bind_all(id).step();
        int64_t n = st.column_int(0);
        st.reset();
        return device_numbers[id] = n;
    }

    void log(const Message& m, const std::string& field, const Value& value, int64_t at_ms) {
        db.cached("INSERT INTO change_log(entity, record_id, field, value, at, device, hlc) VALUES (?, crm_id_key(?), ?, ?, ?, ?, ?)")
            .bind_all(m.entity, m.id, field, value, at_ms, device_number(m.device), m.hlc)
            .run();
    }

    void keep_pending(const Message& m, bool partial) {
        json wrapper = {{"partial", partial}, {"message", message_to_json(m)}};
        db.cached("INSERT INTO sync_pending(message) VALUES (?)").bind_all(wrapper.dump()).run();
        result.pending++;
    }

    bool target_exists(const EntitySpec& target, const std::string& id) {
        Statement& st = db.cached(std::string("SELECT 1 FROM ") + target.table + " WHERE id = ?");
        st.bind_all(id);
        bool found = st.step();
        st.reset();
        return found;
    }

    bool erased(const std::string& id) {
        Statement& st = db.cached("SELECT 1 FROM change_log WHERE record_id = crm_id_key(?) AND field = 'erased'");
        st.bind_all(id);
        bool found = st.step();
        st.reset();
        return found;
    }

    // A reference as the row may hold it: the target if it is here, else NULL
    // (remembered, to be filled in when the target arrives, unless erased).
    Value resolve(const EntitySpec& e, const std::string& id, const FieldSpec& f, const Value& v) {
        if (any_dangling) db.cached("DELETE FROM sync_dangling WHERE entity = ? AND record_id = ? AND field = ?").bind_all(e.table, id, f.name).run();
        if (is_null(v)) return v;
        const std::string& target = std::get<std::string>(v);
        const EntitySpec& te = entity(f.ref);
        if (seen_targets.count({&te, target})) return v;   // rows are not removed within a batch but by an erasure, which clears this
        if (target_exists(te, target)) {
            if (seen_targets.size() < 100000) seen_targets.insert({&te, target});
            return v;
        }
        if (!erased(target)) {
            db.cached("INSERT INTO sync_dangling(entity, record_id, field, target) VALUES (?, ?, ?, ?)").bind_all(e.table, id, f.name, target).run();
            any_dangling = true;
        }
        return std::monostate{};
    }

    // A human-readable number free on this device: of two records with one
    // number, the greater id gives way (the same choice on every device).
    std::string settle_number(const EntitySpec& e, const std::string& id, const std::string& number) {
        if (number.empty() || !number_format(e)) return number;
        auto holder = [&](const std::string& n) -> std::string {
            Statement& st = db.cached(std::string("SELECT id FROM ") + e.table + " WHERE number = ? AND number <> '' AND id <> ?");
            st.bind_all(n, id);
            std::string other = st.step() ? st.column_text(0) : "";
            st.reset();
            return other;
        };
        auto suffixed = [&](const std::string& n, const std::string& rid) {
            for (size_t len : {4, 8, 12, 36}) {
                std::string s = n + "-" + rid.substr(rid.size() > len ? rid.size() - len : 0);
                if (holder(s).empty()) return s;
            }
            return n + "-" + rid;
        };
        std::string other = holder(number);
        if (other.empty()) return number;
        if (id < other) {
            db.cached(std::string("UPDATE ") + e.table + " SET number = ? WHERE id = ?").bind_all(suffixed(number, other), other).run();
            return number;
        }
        return suffixed(number, id);
    }

    Value stored(const EntitySpec& e, const std::string& id, const FieldSpec& f, const Value& v) {
        if (f.type == FieldType::Ref) return resolve(e, id, f, v);
        if (&f == e.field("number") && number_format(e)) return settle_number(e, id, std::get<std::string>(v));
        return v;
    }

    // References to a record that just arrived, held NULL until now.
    void fill_dangling(const std::string& target) {
        if (!any_dangling) return;
        std::vector<std::tuple<std::string, std::string, std::string>> rows;
        Statement& st = db.cached("SELECT entity, record_id, field FROM sync_dangling WHERE target = ?");
        st.bind_all(target);
        while (st.step()) rows.push_back({st.column_text(0), st.column_text(1), st.column_text(2)});
        st.reset();
        for (auto& [ent, rid, field] : rows) {
            const EntitySpec* e = find_entity(ent);
            const FieldSpec* f = e ? e->field(field) : nullptr;
            if (f && f->type == FieldType::Ref) {
                db.cached(std::string("UPDATE ") + e->table + " SET " + f->name + " = ? WHERE id = ?").bind_all(target, rid).run();
                store.refresh_derived(*e, rid);
            }
            db.cached("DELETE FROM sync_dangling WHERE entity = ? AND record_id = ? AND field = ?").bind_all(ent, rid, field).run();
        }
    }

    void conflict(const Message& m, const std::string& field, const Value& lost, const Stamp& lost_by, int64_t lost_at,
                  const Value& won, const Stamp& won_by, int64_t won_at) {
        // Two devices verifying a record is one fact, the later time kept: no edit was lost.
        if (field == "verified_at") return;
        db.cached("INSERT INTO sync_conflicts(entity, record_id, field, lost_value, lost_device, lost_at, won_value, won_device, won_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind_all(m.entity, m.id, field, lost, lost_by.device, lost_at, won, won_by.device, won_at)
            .run();
        result.conflicts++;
    }

    //-------------------------------------------------------------------------

    void apply(const Message& m, size_t index) {
        std::string path = "messages[" + std::to_string(index) + "]";
        Knowledge k = check_message(m, path);
        if (k == Knowledge::UnknownCustomField) k = Knowledge::UnknownField;   // kept until its definition arrives
        std::vector<Entry> es = entries_of(db, device_ids, m.entity, m.id);
        Stamp ms{m.hlc, m.device};
        for (const Entry& e : es)
            if (e.stamp == ms) {
                result.duplicates++;
                return;
            }
        store.hlc().observe(m.hlc);
        if (is_erased(es)) {   // erasure wins: what comes after it is dropped
            result.duplicates++;
            return;
        }
        if (k == Knowledge::UnknownEntity || (k == Knowledge::UnknownField && !m.is_record())) {
            keep_pending(m, false);
            return;
        }
        result.applied++;
        if (m.entity == "settings") return apply_setting(m, es);
        const EntitySpec& e = entity(m.entity);
        if (m.field == "erased") apply_erase(m, e);
        else if (m.is_record()) apply_record(m, e, es, k == Knowledge::UnknownField);
        else apply_field(m, e, es);
        if (&e == &kCustomFields) {   // a field added or changed: its column, then the values that waited for it
            load_custom_fields(db);
            custom_fields_changed = true;
        }
    }

    void apply_setting(const Message& m, const std::vector<Entry>& es) {
        const Entry* w = newest(es, "");
        log(m, "value", m.value.get<std::string>(), m.at.empty() ? hlc_millis(m.hlc) : *parse_datetime(m.at));
        if (!w || w->stamp < Stamp{m.hlc, m.device})
            db.cached("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
                .bind_all(m.id, m.value.get<std::string>())
                .run();
    }

    void apply_erase(const Message& m, const EntitySpec& e) {
        seen_targets.clear();
        store.erase_row(e, m.id);
        log(m, "erased", std::monostate{}, hlc_millis(m.hlc));
    }

    void apply_record(const Message& m, const EntitySpec& e, const std::vector<Entry>& es, bool has_unknown) {
        Stamp ms{m.hlc, m.device};
        std::optional<Record> row = store.get(e, m.id, true);
        const Entry* rec = newest_of_kind(es, true);
        const Entry* all = newest(es, "");
        log(m, row ? "imported" : "*", std::monostate{}, *parse_datetime(m.value["updated_at"].get<std::string>()));
        if (has_unknown) {   // the fields this build does not know wait for an upgrade
            Message part = m;
            part.value = json::object();
            for (auto it = m.value.begin(); it != m.value.end(); ++it)
                if (!e.field(it.key()) && it.key() != "created_at" && it.key() != "updated_at" && it.key() != "deleted") part.value[it.key()] = it.value();
            keep_pending(part, true);
        }
        if (rec && ms < rec->stamp) return;   // a newer record message already wrote every field

        std::vector<Value> v(e.fields.size());
        for (size_t i = 0; i < e.fields.size(); i++) {
            const FieldSpec& f = e.fields[i];
            if (f.has(F_Derived)) {
                v[i] = default_value(f);   // computed below
                continue;
            }
            const Entry* fe = newest_field_only(es, f.name);
            if (fe && ms < fe->stamp) {
                // A later single-field write stands: the row has it, or the log (record not here yet).
                v[i] = row ? row->values[i] : stored(e, m.id, f, fe->value);
                continue;
            }
            Value nv = m.value.contains(f.name) ? value_from_json(e, f, m.value[f.name]) : default_value(f);
            v[i] = stored(e, m.id, f, nv);
        }
        const Entry* del = newest_field_only(es, "deleted");
        bool deleted = del && ms < del->stamp ? (row ? row->deleted : std::get<int64_t>(del->value) != 0)
                                              : m.value.value("deleted", false);
        std::string created = format_datetime(*parse_datetime(m.value["created_at"].get<std::string>()));
        std::string updated;
        if (!all || all->stamp < ms) updated = format_datetime(*parse_datetime(m.value["updated_at"].get<std::string>()));
        else updated = row ? row->updated_at : format_datetime(all->at);

        std::string sql = std::string("INSERT INTO ") + e.table + " (" + column_list(e) + ") VALUES (?, ?, ?, ?";
        for (size_t i = 0; i < v.size(); i++) sql += ", ?";
        sql += ") ON CONFLICT(id) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at, deleted = excluded.deleted";
        for (const FieldSpec& f : e.fields) sql += std::string(", ") + f.name + " = excluded." + f.name;
        Statement& st = db.cached(sql);
        st.bind(1, m.id).bind(2, created).bind(3, updated).bind(4, int64_t(deleted ? 1 : 0));
        for (size_t i = 0; i < v.size(); i++) st.bind((int)i + 5, v[i]);
        st.run();
        store.refresh_derived(e, m.id, row ? row->get("order_id") : Value());
        if (!row) fill_dangling(m.id);
    }

    void apply_field(const Message& m, const EntitySpec& e, const std::vector<Entry>& es) {
        Stamp ms{m.hlc, m.device};
        bool is_deleted = m.field == "deleted";
        const FieldSpec* f = is_deleted ? nullptr : e.field(m.field);
        Value nv = is_deleted ? Value(int64_t(m.value.get<bool>() ? 1 : 0)) : value_from_json(e, *f, m.value);
        int64_t at = *parse_datetime(m.at);
        const Entry* w = newest(es, m.field);
        const Entry* all = newest(es, "");
        std::optional<Record> row = store.get(e, m.id, true);
        log(m, m.field, nv, at);
        if (!row) return;   // the record is not here yet: its record message will take this into account

        const char* column = is_deleted ? "deleted" : f->name;
        int fi = is_deleted ? -1 : field_index(e, f->name);
        Value current = is_deleted ? Value(int64_t(row->deleted ? 1 : 0)) : row->values[(size_t)fi];
        bool wins = !w || w->stamp < ms;
        if (w && w->stamp.device != m.device) {
            // Concurrent when the writer had not seen the value it overwrites; a
            // message older than what is here arrived late, so it was not seen either.
            Stamp base{m.base_hlc, m.base_device};
            if (wins && !(base == w->stamp)) conflict(m, m.field, current, w->stamp, w->at, nv, ms, at);
            if (!wins && !is_record_field(w->field)) conflict(m, m.field, nv, ms, at, current, w->stamp, w->at);
        }
        if (!wins) return;
        Value v = is_deleted ? nv : stored(e, m.id, *f, nv);
        bool newest_overall = !all || all->stamp < ms;
        std::string sql = std::string("UPDATE ") + e.table + " SET " + column + " = ?1" + (newest_overall ? ", updated_at = ?3" : "") + " WHERE id = ?2";
        Statement& st = db.cached(sql);
        st.bind(1, v).bind(2, m.id);
        if (newest_overall) st.bind(3, m.at);
        st.run();
        store.refresh_derived(e, m.id, row->get("order_id"));
    }
};

json record_value(const Record& r) {
    json v = json::object();
    v["created_at"] = r.created_at;
    v["updated_at"] = r.updated_at;
    v["deleted"] = r.deleted;
    for (size_t i = 0; i < r.spec->fields.size(); i++)
        if (!r.spec->fields[i].has(F_Derived)) v[r.spec->fields[i].name] = value_to_json(r.spec->fields[i], r.values[i]);
    return v;
}

}  // namespace

ApplyResult apply_messages(Store& store, const std::vector<Message>& messages) {
    Transaction tx(store.db());
    Applier a(store);
    for (size_t i = 0; i < messages.size(); i++) a.apply(messages[i], i);
    tx.commit();
    if (a.custom_fields_changed) {   // values of a custom field that came before its definition
        ApplyResult p = apply_pending(store);
        a.result.applied += p.applied;
        a.result.pending = std::max<int64_t>(0, a.result.pending - p.applied);
    }
    return a.result;
}

ApplyResult apply_pending(Store& store) {
    Database& db = store.db();
    Transaction tx(db);
    Applier a(store);
    std::vector<std::pair<int64_t, std::string>> rows;
    {
        Statement st = db.prepare("SELECT seq, message FROM sync_pending ORDER BY seq");
        while (st.step()) rows.push_back({st.column_int(0), st.column_text(1)});
    }
    for (auto& [seq, text] : rows) {
        json wrapper = json::parse(text);
        Message m = message_from_json(wrapper["message"], "pending");
        bool partial = wrapper.value("partial", false);
        if (!partial) {
            if (check_message(m, "pending") != Knowledge::Known) continue;
            db.cached("DELETE FROM sync_pending WHERE seq = ?").bind_all(seq).run();
            a.apply(m, 0);
            continue;
        }
        // Fields of a record message that this build did not know when it arrived.
        const EntitySpec* e = find_entity(m.entity);
        if (!e) continue;
        json rest = json::object();
        std::vector<Entry> es = entries_of(db, a.device_ids, m.entity, m.id);
        bool row = store.get(*e, m.id, true).has_value();
        Stamp ms{m.hlc, m.device};
        for (auto it = m.value.begin(); it != m.value.end(); ++it) {
            const FieldSpec* f = e->field(it.key());
            if (!f) {
                rest[it.key()] = it.value();
                continue;
            }
            if (f->has(F_Derived) || !row) continue;
            const Entry* w = newest(es, f->name);
            if (w && ms < w->stamp) continue;
            Value v = a.stored(*e, m.id, *f, value_from_json(*e, *f, it.value()));
            db.cached(std::string("UPDATE ") + e->table + " SET " + f->name + " = ? WHERE id = ?").bind_all(v, m.id).run();
            a.result.applied++;
        }
        db.cached("DELETE FROM sync_pending WHERE seq = ?").bind_all(seq).run();
        if (!rest.empty()) {
            m.value = rest;
            a.keep_pending(m, true);
            a.result.pending--;
        }
    }
    tx.commit();
    return a.result;
}

Outgoing collect_outgoing(Store& store, int64_t after, size_t max_count, size_t max_bytes, bool all_devices) {
    Database& db = store.db();
    Outgoing out;
    out.last_seq = after;
    Statement st = db.prepare(
        "SELECT c.seq, c.entity, crm_id_text(c.record_id), c.field, c.value, c.at, c.hlc, d.id FROM change_log c JOIN devices d ON d.n = c.device "
        "WHERE c.seq > ?1 AND (?2 OR c.device = ?3) ORDER BY c.seq LIMIT ?4");
    st.bind_all(after, all_devices, store.device_number(), (int64_t)max_count + 1);
    std::string cached_id;
    std::vector<Entry> cached_entries;
    DeviceIds device_ids;
    while (st.step()) {
        if (out.messages.size() >= max_count || out.bytes >= max_bytes) {
            out.more = true;
            break;
        }
        int64_t seq = st.column_int(0);
        Message m;
        m.entity = st.column_text(1);
        m.id = st.column_text(2);
        std::string field = st.column_text(3);
        Value value = st.column_value(4);
        m.hlc = st.column_int(6);
        m.device = st.column_text(7);
        out.last_seq = seq;
        const EntitySpec* e = find_entity(m.entity);
        if (m.entity == "settings") {
            m.field = "value";
            m.value = value_to_text(value);
            m.at = format_datetime(st.column_int(5));
        } else if (!e) {
            continue;   // not an entity of this build (cannot happen for this device's own writes)
        } else if (is_record_field(field)) {
            m.field = "*";
            auto r = store.get(*e, m.id, true);
            if (!r) continue;   // erased since: its erasure follows
            m.value = record_value(*r);
        } else if (field == "erased") {
            m.field = "erased";
            m.value = nullptr;
        } else {
            m.field = field;
            m.at = format_datetime(st.column_int(5));
            if (field == "deleted") {
                m.value = std::get<int64_t>(value) != 0;
            } else {
                const FieldSpec* f = e->field(field);
                if (!f || f->has(F_Derived)) continue;
                m.value = value_to_json(*f, value);
            }
            if (cached_id != m.id) {
                cached_entries = entries_of(db, device_ids, m.entity, m.id);
                cached_id = m.id;
            }
            if (const Entry* b = newest(cached_entries, field, seq)) {
                m.base_hlc = b->stamp.hlc;
                m.base_device = b->stamp.device;
            }
        }
        out.texts.push_back(message_to_json(m).dump());
        out.bytes += out.texts.back().size() + 1;
        out.messages.push_back(std::move(m));
    }
    return out;
}

int64_t count_outgoing(Store& store, int64_t after) {
    Statement& st = store.db().cached("SELECT count(*) FROM change_log WHERE seq > ? AND device = ?");
    st.bind_all(after, store.device_number());
    st.step();
    int64_t n = st.column_int(0);
    st.reset();
    return n;
}

std::vector<Conflict> conflicts_of(Store& store, const std::string& record_id) {
    std::vector<Conflict> out;
    Statement st = store.db().prepare(
        "SELECT entity, record_id, field, lost_value, won_value, lost_device, won_device, lost_at, won_at FROM sync_conflicts "
        "WHERE record_id = ? ORDER BY id");
    st.bind_all(record_id);
    while (st.step())
        out.push_back({st.column_text(0), st.column_text(1), st.column_text(2), st.column_value(3), st.column_value(4), st.column_text(5),
                       st.column_text(6), format_datetime(st.column_int(7)), format_datetime(st.column_int(8))});
    return out;
}

}  // namespace crm
