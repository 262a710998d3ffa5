// store.cpp - see store.h.
#include "records/store.h"

#include <cstdio>
#include <cstring>
#include <random>
#include <unordered_map>

#include "records/custom_fields.h"
#include "storage/schema.h"

namespace crm {

int field_index(const EntitySpec& e, std::string_view name) {
    for (size_t i = 0; i < e.fields.size(); i++)
        if (name == e.fields[i].name) return (int)i;
    return -1;
}

const Value& Record::get(std::string_view field) const {
    static const Value null_value;
    int i = spec ? field_index(*spec, field) : -1;
    return i < 0 || (size_t)i >= values.size() ? null_value : values[(size_t)i];
}

int64_t Record::integer(std::string_view field) const {
    const Value& v = get(field);
    if (auto p = std::get_if<int64_t>(&v)) return *p;
    return 0;
}

// Per thread natively: the server's threads, and a benchmark's in-process
// devices, each keep their own (the specs change only under
// custom_fields_lock()). The page has one thread, and wasm-ld has no
// thread-local storage without the atomics feature.
#ifdef __EMSCRIPTEN__
#define CRM_PER_THREAD
#else
#define CRM_PER_THREAD thread_local
#endif

const std::string& column_list(const EntitySpec& e) {
    static CRM_PER_THREAD std::unordered_map<const EntitySpec*, std::pair<uint64_t, std::string>> cache;
    auto it = cache.find(&e);
    if (it != cache.end() && it->second.first == g_spec_generation) return it->second.second;
    std::string s = "id, created_at, updated_at, deleted";
    for (const FieldSpec& f : e.fields) s += std::string(", ") + f.name;
    auto& slot = cache[&e];
    slot = {g_spec_generation, std::move(s)};
    return slot.second;
}

//-----------------------------------------------------------------------------
// Opening
//-----------------------------------------------------------------------------

Store::Store(Database& db) : db_(db) {
    migrate(db_);
    seed_ids_randomly();
    device_id_ = setting("device_id");
    if (device_id_.empty()) {
        device_id_ = new_id();
        set_setting("device_id", device_id_);
    }
    Statement& ins = db_.cached("INSERT OR IGNORE INTO devices(id) VALUES (?)");
    ins.bind_all(device_id_).run();
    if (search_queued(db_)) {   // rows another program wrote (the sqlite3 shell)
        Transaction tx(db_);
        tx.commit();            // a commit indexes them first
    }
    Statement& sel = db_.cached("SELECT n FROM devices WHERE id = ?");
    sel.bind_all(device_id_);
    if (sel.step()) device_n_ = sel.column_int(0);
    sel.reset();
    // The clock resumes past everything logged: this device's last write is
    // the newest row it logged, and sync keeps what it received in sync.clock.
    hlc_.observe(std::atoll(setting("sync.clock").c_str()));
    Statement& last = db_.cached("SELECT hlc FROM change_log ORDER BY seq DESC LIMIT 1");
    if (last.step()) hlc_.observe(last.column_int(0));
    last.reset();
    custom_fields_attach(db_);
}

Store::~Store() { custom_fields_detach(db_); }

std::vector<std::pair<std::string, std::string>> Store::local_settings() {
    std::vector<std::pair<std::string, std::string>> out;
    Statement st = db_.prepare("SELECT key, value FROM settings ORDER BY key");
    while (st.step())
        if (is_local_setting(st.column_text(0))) out.push_back({st.column_text(0), st.column_text(1)});
    return out;
}

void Store::adopt(const std::vector<std::pair<std::string, std::string>>& keep, int64_t clock) {
    migrate(db_);
    Transaction tx(db_);
    std::vector<std::string> drop;
    {
        Statement st = db_.prepare("SELECT key FROM settings");
        while (st.step())
            if (is_local_setting(st.column_text(0))) drop.push_back(st.column_text(0));
    }
    for (const std::string& k : drop) db_.cached("DELETE FROM settings WHERE key = ?").bind_all(k).run();
    for (const auto& [k, v] : keep) set_setting(k, v);
    set_setting("device_id", device_id_);
    db_.cached("INSERT OR IGNORE INTO devices(id) VALUES (?)").bind_all(device_id_).run();
    Statement& sel = db_.cached("SELECT n FROM devices WHERE id = ?");
    sel.bind_all(device_id_);
    if (sel.step()) device_n_ = sel.column_int(0);
    sel.reset();
    hlc_.observe(clock >= 0 ? clock : db_.query_int("SELECT coalesce(max(hlc), 0) FROM change_log"));
    set_setting("sync.clock", std::to_string(hlc_.last()));
    tx.commit();
    load_custom_fields(db_);
}

bool is_local_setting(std::string_view key) {
    return key == "device_id" || key.starts_with("ui.") || key.starts_with("sync.") || key.starts_with("local.");
}

const NumberFormat* number_format(const EntitySpec& e) {
    static const NumberFormat cases{"CAS-", 5}, orders{"ORD-", 6};
    return &e == &kCases ? &cases : &e == &kOrders ? &orders : nullptr;
}

void Store::seed_ids_randomly() {
    std::random_device rd;
    rng_ = Rng(((uint64_t)rd() << 32) ^ rd() ^ (uint64_t)wall_clock_ms());
}

std::string Store::setting(const std::string& key, const std::string& fallback) {
    Statement& st = db_.cached("SELECT value FROM settings WHERE key = ?");
    st.bind_all(key);
    return st.step() ? st.column_text(0) : fallback;
}

void Store::set_setting(const std::string& key, const std::string& value) {
    bool shared = !is_local_setting(key);
    if (shared) {
        Statement& cur = db_.cached("SELECT value FROM settings WHERE key = ?");
        cur.bind_all(key);
        bool same = cur.step() && cur.column_view(0) == value;
        cur.reset();
        if (same) return;
    }
    Transaction tx(db_);
    db_.cached("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind_all(key, value)
        .run();
    if (shared) log("settings", key, "value", value, now_ms(), tick());
    tx.commit();
}

//-----------------------------------------------------------------------------
// Reading
//-----------------------------------------------------------------------------

Record read_record(const EntitySpec& e, Statement& st) {
    Record r;
    r.spec = &e;
    r.id = st.column_text(0);
    r.created_at = st.column_text(1);
    r.updated_at = st.column_text(2);
    r.deleted = st.column_int(3) != 0;
    r.values.reserve(e.fields.size());
    for (size_t i = 0; i < e.fields.size(); i++) r.values.push_back(st.column_value((int)i + 4));
    return r;
}

std::optional<Record> Store::get(const EntitySpec& e, const std::string& id, bool include_deleted) {
    Statement& st = db_.cached("SELECT " + column_list(e) + " FROM " + e.table + " WHERE id = ?");
    st.bind_all(id);
    if (!st.step()) return std::nullopt;
    Record r = read_record(e, st);
    st.reset();
    if (r.deleted && !include_deleted) return std::nullopt;
    return r;
}

Record Store::must_get(const EntitySpec& e, const std::string& id) {
    auto r = get(e, id);
    if (!r) throw ValidationError(e.table, "id", "no " + std::string(e.singular) + " with id '" + id + "'");
    return std::move(*r);
}

std::vector<Record> Store::records(const EntitySpec& e, Statement& ids) {
    std::vector<std::string> list;
    while (ids.step()) list.push_back(ids.column_text(0));
    ids.reset();
    std::vector<Record> out;
    out.reserve(list.size());
    for (const std::string& id : list) out.push_back(must_get(e, id));
    return out;
}

bool Store::exists(const EntitySpec& e, const std::string& id) {
    Statement& st = db_.cached(std::string("SELECT deleted FROM ") + e.table + " WHERE id = ?");
    st.bind_all(id);
    bool live = st.step() && st.column_int(0) == 0;
    st.reset();
    return live;
}

int64_t Store::count(const EntitySpec& e) {
    // Kept by triggers (schema 8): one page, not a scan of the table.
    Statement& st = db_.cached("SELECT live FROM record_counts WHERE entity = ?");
    st.bind(1, e.table);
    st.step();
    int64_t n = st.column_int(0);
    st.reset();
    return n;
}

std::vector<ChangeEntry> Store::history(const std::string& record_id) {
    std::vector<ChangeEntry> out;
    Statement& st = db_.cached(
        "SELECT c.seq, c.entity, crm_id_text(c.record_id), c.field, c.value, c.at, d.id, c.hlc FROM change_log c "
        "JOIN devices d ON d.n = c.device WHERE c.record_id = crm_id_key(?) ORDER BY c.seq");
    st.bind_all(record_id);
    while (st.step())
        out.push_back({st.column_int(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_value(4),
                       format_datetime(st.column_int(5)), st.column_text(6), st.column_int(7)});
    return out;
}

//-----------------------------------------------------------------------------
// Validation against the database and derived fields
//-----------------------------------------------------------------------------

void Store::validate_record(const EntitySpec& e, std::vector<Value>& values, const std::string& id, bool check_refs,
                            const std::vector<Value>* before) {
    for (size_t i = 0; i < e.fields.size() && check_refs; i++) {
        const FieldSpec& f = e.fields[i];
        if (f.type != FieldType::Ref || is_null(values[i])) continue;
        // A reference the write leaves as it was is not checked again: an edit
        // of a note must not fail because its opportunity was removed since.
        if (before && (*before)[i] == values[i]) continue;
        const std::string& ref = std::get<std::string>(values[i]);
        if (ref == id && f.ref == std::string_view(e.table))
            throw ValidationError(e.table, f.name, "a record cannot refer to itself");
        const EntitySpec& target = entity(f.ref);
        Statement& st = db_.cached(std::string("SELECT deleted FROM ") + target.table + " WHERE id = ?");
        st.bind_all(ref);
        bool found = st.step();
        bool deleted = found && st.column_int(0) != 0;
        st.reset();
        if (!found) throw ValidationError(e.table, f.name, "no " + std::string(target.singular) + " with id '" + ref + "'");
        if (deleted) throw ValidationError(e.table, f.name, "refers to a deleted " + std::string(target.singular));
    }
    for (const FieldOrder& o : e.orders) {
        const Value& a = values[(size_t)field_index(e, o.first)];
        const Value& b = values[(size_t)field_index(e, o.second)];
        const std::string& sa = std::get<std::string>(a);
        const std::string& sb = std::get<std::string>(b);
        if (!sa.empty() && !sb.empty() && sa > sb)
            throw ValidationError(e.table, o.second,
                                  std::string("must not be before ") + e.field(o.first)->label + " (" + sa + ")");
    }
    if (&e == &kCustomFields) validate_custom_field_definition(values, before);
    if (&e == &kRecordTags && check_refs) {
        const std::string& ent = std::get<std::string>(values[(size_t)field_index(e, "entity")]);
        const EntitySpec* target = find_entity(ent);
        if (!target || target == &kRecordTags || target == &kTags)
            throw ValidationError(e.table, "entity", "'" + ent + "' is not a taggable entity");
        const std::string& rid = std::get<std::string>(values[(size_t)field_index(e, "record_id")]);
        if (!exists(*target, rid))
            throw ValidationError(e.table, "record_id", "no " + std::string(target->singular) + " with id '" + rid + "'");
    }
}


std::string Store::next_number(const EntitySpec& e) {
    const NumberFormat* nf = number_format(e);
    if (!nf) throw std::invalid_argument(std::string(e.table) + " has no numbers");
    std::string lease_key = std::string("local.lease.") + e.table, counter_key = std::string("local.next.") + e.table;
    auto format = [&](int64_t n) {
        std::string digits = std::to_string(n);
        if ((int)digits.size() < nf->width) digits.insert(0, (size_t)nf->width - digits.size(), '0');
        return nf->prefix + digits;
    };
    auto taken = [&](const std::string& number) {
        // "number <> ''" lets SQLite use the partial index without re-preparing for each value.
        Statement& st = db_.cached(std::string("SELECT 1 FROM ") + e.table + " WHERE number = ? AND number <> ''");
        st.bind_all(number);
        bool found = st.step();
        st.reset();
        return found;
    };
    std::string counter = setting(counter_key);
    int64_t next = counter.empty() ? 0 : std::atoll(counter.c_str());
    if (counter.empty()) {
        // First use in this database: continue after the highest number present.
        Statement st(db_, std::string("SELECT coalesce(max(CAST(substr(number, ") + std::to_string(strlen(nf->prefix) + 1) +
                              ") AS INTEGER)), 0) FROM " + e.table + " WHERE number LIKE '" + nf->prefix + "%'");
        st.step();
        next = st.column_int(0) + 1;
    }
    // Leases are "first last" blocks, ";"-separated: the numbers still unused.
    // Numbers another device made (before leases, or after its block ran
    // out) are skipped.
    int64_t n = 0;
    std::vector<std::pair<int64_t, int64_t>> blocks = number_leases(e);
    while (!blocks.empty() && !n) {
        auto& [first, last] = blocks.front();
        while (first <= last && taken(format(first))) first++;
        if (first <= last) n = first++;
        if (first > last) blocks.erase(blocks.begin());
    }
    std::string text;
    for (auto& [a, b] : blocks) text += (text.empty() ? "" : ";") + std::to_string(a) + " " + std::to_string(b);
    if (text != setting(lease_key)) set_setting(lease_key, text);
    if (!n) {
        while (taken(format(next))) next++;
        n = next;
    }
    set_setting(counter_key, std::to_string(std::max(next, n + 1)));
    return format(n);
}

std::vector<std::pair<int64_t, int64_t>> Store::number_leases(const EntitySpec& e) {
    std::vector<std::pair<int64_t, int64_t>> out;
    std::string text = setting(std::string("local.lease.") + e.table);
    size_t p = 0;
    while (p < text.size()) {
        size_t q = text.find(';', p);
        std::string part = text.substr(p, q == std::string::npos ? std::string::npos : q - p);
        long long a = 0, b = -1;
        if (sscanf(part.c_str(), "%lld %lld", &a, &b) == 2 && a <= b) out.push_back({a, b});
        if (q == std::string::npos) break;
        p = q + 1;
    }
    return out;
}

void Store::add_number_lease(const EntitySpec& e, int64_t first, int64_t last) {
    std::string key = std::string("local.lease.") + e.table, text = setting(key);
    set_setting(key, text + (text.empty() ? "" : ";") + std::to_string(first) + " " + std::to_string(last));
}

// Fields a write implies: numbers, defaults that follow another field, totals.
// `before` is null on create.
void Store::derive(const EntitySpec& e, std::vector<Value>& v, const Record* before, const Fields& given, const std::string& id) {
    auto at = [&](const char* name) -> Value& { return v[(size_t)field_index(e, name)]; };
    auto changed = [&](const char* name) { return !before || before->get(name) != at(name); };
    std::string now = format_datetime(now_ms());

    if ((&e == &kContacts || &e == &kAccounts) && !before && value_to_text(at("verified_at")).empty()) {
        at("verified_at") = now;   // entered now: as fresh as it gets (data_health.h)
    } else if (&e == &kCases) {
        if (!before && std::get<std::string>(at("number")).empty()) at("number") = next_number(kCases);
        if (is_null(at("first_owner_id")) && !is_null(at("owner_id"))) at("first_owner_id") = at("owner_id");
    } else if (&e == &kOrders) {
        if (!before && std::get<std::string>(at("number")).empty()) at("number") = next_number(kOrders);
        // The total is the sum of the order's live lines (none yet on create).
        Statement& st = db_.cached("SELECT coalesce(sum(line_total), 0) FROM order_lines WHERE order_id = ? AND deleted = 0");
        st.bind_all(id);
        st.step();
        at("total") = st.column_int(0);
        st.reset();
    } else if (&e == &kOpportunities) {
        const std::string& stage = std::get<std::string>(at("stage"));
        // A stage change brings that stage's default probability unless the
        // caller set one explicitly in the same write.
        bool prob_given = false;
        for (const auto& g : given) prob_given |= g.first == "probability";
        if (changed("stage") && !prob_given) at("probability") = (int64_t)default_stage_probability(stage);
        bool closed = stage == "won" || stage == "lost";
        if (closed && std::get<std::string>(at("closed_at")).empty()) at("closed_at") = now;
        if (!closed) at("closed_at") = std::string();
    } else if (&e == &kOrderLines) {
        int64_t qty = std::get<int64_t>(at("quantity")), price = std::get<int64_t>(at("unit_price")),
                disc = std::get<int64_t>(at("discount_pct"));
        at("line_total") = (qty * price * (100 - disc) + 50) / 100;
    } else if (&e == &kTasks) {
        bool done = std::get<int64_t>(at("done")) != 0;
        if (done && std::get<std::string>(at("completed_at")).empty()) at("completed_at") = now;
        if (!done) at("completed_at") = std::string();
    }
}

void Store::refresh_derived(const EntitySpec& e, const std::string& id, const Value& old_order) {
    auto refresh_order = [&](const Value& order) {
        if (is_null(order)) return;
        db_.cached("UPDATE orders SET total = (SELECT coalesce(sum(line_total), 0) FROM order_lines WHERE order_id = ?1 AND deleted = 0) WHERE id = ?1")
            .bind_all(std::get<std::string>(order))
            .run();
    };
    if (&e == &kOrders) {
        refresh_order(id);
    } else if (&e == &kOrderLines) {
        db_.cached("UPDATE order_lines SET line_total = (quantity * unit_price * (100 - discount_pct) + 50) / 100 WHERE id = ?1").bind_all(id).run();
        Statement& st = db_.cached("SELECT order_id FROM order_lines WHERE id = ?");
        st.bind_all(id);
        Value order = st.step() ? st.column_value(0) : Value();
        st.reset();
        refresh_order(order);
        if (old_order != order) refresh_order(old_order);
    }
}

//-----------------------------------------------------------------------------
// Writing
//-----------------------------------------------------------------------------

void Store::log(const char* entity, const std::string& id, const char* field, const Value& v, int64_t at_ms, int64_t hlc) {
    db_.cached("INSERT INTO change_log(entity, record_id, field, value, at, device, hlc) VALUES (?, crm_id_key(?), ?, ?, ?, ?, ?)")
        .bind_all(entity, id, field, v, at_ms, device_n_, hlc)
        .run();
}

std::string Store::create(const EntitySpec& e, const Fields& fields) {
    std::vector<Value> v;
    v.reserve(e.fields.size());
    for (const FieldSpec& f : e.fields) v.push_back(default_value(f));
    for (const auto& [name, value] : fields) {
        int i = field_index(e, name);
        if (i < 0) throw ValidationError(e.table, name, "is not a field of " + std::string(e.label));
        v[(size_t)i] = value;
    }
    for (size_t i = 0; i < v.size(); i++) normalize_field(e, e.fields[i], v[i]);

    Transaction tx(db_);
    std::string id = new_id();
    derive(e, v, nullptr, fields, id);
    validate_record(e, v, id);
    int64_t at_ms = now_ms();
    std::string at = format_datetime(at_ms);

    std::string sql = std::string("INSERT INTO ") + e.table + " (" + column_list(e) + ") VALUES (?, ?, ?, 0";
    for (size_t i = 0; i < v.size(); i++) sql += ", ?";
    sql += ")";
    Statement& st = db_.cached(sql);
    st.bind(1, id).bind(2, at).bind(3, at);
    for (size_t i = 0; i < v.size(); i++) st.bind((int)i + 4, v[i]);
    st.run();
    log(e.table, id, "*", std::monostate{}, at_ms, tick());
    refresh_derived(e, id);
    if (&e == &kCustomFields) load_custom_fields(db_);
    tx.commit();
    return id;
}

bool Store::put(const EntitySpec& e, const Record& r) {
    if (r.values.size() != e.fields.size()) throw std::invalid_argument("put: the record does not match its entity");
    if (r.id.empty()) throw ValidationError(e.table, "id", "is required");
    if (!parse_datetime(r.created_at)) throw ValidationError(e.table, "created_at", "is not a date and time: '" + r.created_at + "'");
    if (!parse_datetime(r.updated_at)) throw ValidationError(e.table, "updated_at", "is not a date and time: '" + r.updated_at + "'");
    std::vector<Value> v = r.values;
    for (size_t i = 0; i < v.size(); i++) normalize_field(e, e.fields[i], v[i]);
    validate_record(e, v, r.id, false);
    Transaction tx(db_);
    Statement& q = db_.cached(std::string("SELECT ") + (&e == &kOrderLines ? "order_id" : "NULL") + " FROM " + e.table + " WHERE id = ?");
    q.bind_all(r.id);
    bool existed = q.step();
    Value old_order = existed && &e == &kOrderLines ? q.column_value(0) : Value();
    q.reset();
    // An upsert, not INSERT OR REPLACE: replacing would delete the row, which
    // the foreign keys of its children refuse.
    std::string sql = std::string("INSERT INTO ") + e.table + " (" + column_list(e) + ") VALUES (?, ?, ?, ?";
    for (size_t i = 0; i < v.size(); i++) sql += ", ?";
    sql += ") ON CONFLICT(id) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at, deleted = excluded.deleted";
    for (const FieldSpec& f : e.fields) sql += std::string(", ") + f.name + " = excluded." + f.name;
    Statement& st = db_.cached(sql);
    st.bind(1, r.id).bind(2, r.created_at).bind(3, r.updated_at).bind(4, int64_t(r.deleted ? 1 : 0));
    for (size_t i = 0; i < v.size(); i++) st.bind((int)i + 5, v[i]);
    st.run();
    log(e.table, r.id, existed ? "imported" : "*", std::monostate{}, now_ms(), tick());
    refresh_derived(e, r.id, old_order);
    if (&e == &kCustomFields) load_custom_fields(db_);
    tx.commit();
    return existed;
}

int Store::update(const EntitySpec& e, const std::string& id, const Fields& fields) {
    Transaction tx(db_);
    Record before = must_get(e, id);
    std::vector<Value> v = before.values;
    for (const auto& [name, value] : fields) {
        int i = field_index(e, name);
        if (i < 0) throw ValidationError(e.table, name, "is not a field of " + std::string(e.label));
        Value nv = value;
        normalize_field(e, e.fields[(size_t)i], nv);
        v[(size_t)i] = std::move(nv);
    }
    derive(e, v, &before, fields, id);
    validate_record(e, v, id, true, &before.values);

    // Derived fields follow in refresh_derived and are neither logged nor a change of their own.
    std::vector<size_t> changed;
    for (size_t i = 0; i < v.size(); i++)
        if (v[i] != before.values[i] && !e.fields[i].has(F_Derived)) changed.push_back(i);
    if (changed.empty()) return 0;

    int64_t at_ms = now_ms();
    std::string at = format_datetime(at_ms);
    std::string sql = std::string("UPDATE ") + e.table + " SET updated_at = ?";
    for (size_t i : changed) sql += std::string(", ") + e.fields[i].name + " = ?";
    sql += " WHERE id = ?";
    Statement& st = db_.cached(sql);
    int p = 1;
    st.bind(p++, at);
    for (size_t i : changed) st.bind(p++, v[i]);
    st.bind(p, id);
    st.run();
    for (size_t i : changed) log(e.table, id, e.fields[i].name, v[i], at_ms, tick());
    refresh_derived(e, id, before.get("order_id"));
    if (&e == &kCustomFields) load_custom_fields(db_);
    tx.commit();
    return (int)changed.size();
}

void Store::remove(const EntitySpec& e, const std::string& id) {
    Transaction tx(db_);
    Record before = must_get(e, id);
    int64_t at_ms = now_ms();
    db_.cached(std::string("UPDATE ") + e.table + " SET deleted = 1, updated_at = ? WHERE id = ?").bind_all(format_datetime(at_ms), id).run();
    log(e.table, id, "deleted", (int64_t)1, at_ms, tick());
    refresh_derived(e, id);
    if (&e == &kCustomFields) load_custom_fields(db_);
    tx.commit();
}

void Store::restore(const EntitySpec& e, const std::string& id) {
    Transaction tx(db_);
    auto r = get(e, id, true);
    if (!r) throw ValidationError(e.table, "id", "no " + std::string(e.singular) + " with id '" + id + "'");
    if (!r->deleted) return;
    int64_t at_ms = now_ms();
    db_.cached(std::string("UPDATE ") + e.table + " SET deleted = 0, updated_at = ? WHERE id = ?").bind_all(format_datetime(at_ms), id).run();
    log(e.table, id, "deleted", (int64_t)0, at_ms, tick());
    refresh_derived(e, id);
    if (&e == &kCustomFields) load_custom_fields(db_);
    tx.commit();
}

void Store::erase(const EntitySpec& e, const std::string& id) {
    Transaction tx(db_);
    erase_row(e, id);
    log(e.table, id, "erased", std::monostate{}, now_ms(), tick());
    tx.commit();
}

void Store::erase_row(const EntitySpec& e, const std::string& id) {
    Transaction tx(db_);
    Value old_order;
    if (&e == &kOrderLines)
        if (auto r = get(e, id, true)) old_order = r->get("order_id");
    for (const EntitySpec* t : all_entities())
        for (const FieldSpec& f : t->fields)
            if (f.type == FieldType::Ref && f.ref == std::string_view(e.table))
                db_.cached(std::string("UPDATE ") + t->table + " SET " + f.name + " = NULL WHERE " + f.name + " = ?").bind_all(id).run();
    db_.cached(std::string("DELETE FROM ") + e.table + " WHERE id = ?").bind_all(id).run();
    db_.cached("DELETE FROM change_log WHERE record_id = crm_id_key(?)").bind_all(id).run();
    db_.cached("DELETE FROM sync_dangling WHERE target = ?1 OR record_id = ?1").bind_all(id).run();
    db_.cached("DELETE FROM sync_conflicts WHERE record_id = ?").bind_all(id).run();
    if (&e == &kOrderLines && !is_null(old_order)) refresh_derived(kOrders, std::get<std::string>(old_order));
    tx.commit();
}

}  // namespace crm
