// record_merge.cpp - merge, undo and "not a duplicate" (record_merge.h).
#include "quality/record_merge.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <tuple>

#include "records/json_value.h"
#include "records/validate.h"
#include "storage/db.h"

namespace crm {

namespace {

bool is_empty(const Value& v) {
    if (is_null(v)) return true;
    if (auto s = std::get_if<std::string>(&v)) return s->empty();
    return false;
}

// Fields a user may choose between: not system-kept, not derived.
bool mergeable(const FieldSpec& f) { return !f.has(F_System) && !f.has(F_Derived); }

// Do-not-call and opt-outs: once anyone recorded one, the merged record keeps it.
bool keeps_any_yes(const FieldSpec& f) {
    std::string_view n = f.name;
    return f.type == FieldType::Bool && (n == "do_not_call" || n.starts_with("opt_out"));
}

void check_mergeable(const EntitySpec& e) {
    if (&e != &kContacts && &e != &kAccounts && &e != &kLeads)
        throw std::invalid_argument(std::string("only contacts, accounts and leads are merged, not ") + e.table);
}

std::vector<Record> load(Store& store, const EntitySpec& e, const std::string& survivor, const std::vector<std::string>& others) {
    check_mergeable(e);
    if (others.empty()) throw ValidationError(e.table, "id", "a merge needs at least one record besides the survivor");
    std::vector<Record> out;
    out.push_back(store.must_get(e, survivor));
    for (const std::string& id : others) {
        if (id == survivor) throw ValidationError(e.table, "id", "a record cannot be merged into itself");
        for (const Record& r : out)
            if (r.id == id) throw ValidationError(e.table, "id", "'" + id + "' is named twice");
        out.push_back(store.must_get(e, id));
    }
    return out;
}

void journal(Database& db, const std::string& merge_id, const EntitySpec& e, const std::string& id, const char* action,
             const std::string& before = "") {
    db.cached("INSERT INTO merge_items(merge_id, entity, record_id, action, before) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_all(merge_id, std::string(e.table), id, std::string(action), before)
        .run();
}

// Sets fields of a record, journaling their previous values for the undo.
int64_t update_journaled(Store& store, const std::string& merge_id, const EntitySpec& e, const std::string& id, const Fields& f) {
    Record before = store.must_get(e, id);
    nlohmann::json was = nlohmann::json::object();
    for (const auto& [name, v] : f) was[name] = value_to_json(*e.field(name), before.get(name));
    int64_t n = store.update(e, id, f);
    if (n) journal(store.db(), merge_id, e, id, "updated", was.dump());
    return n;
}

}  // namespace

MergePlan plan_merge(Store& store, const EntitySpec& e, const std::string& survivor, const std::vector<std::string>& others) {
    std::vector<Record> recs = load(store, e, survivor, others);
    MergePlan plan;
    for (const Record& r : recs) plan.ids.push_back(r.id);
    // Newest first, for the default choice.
    std::vector<size_t> newest(recs.size());
    for (size_t i = 0; i < recs.size(); i++) newest[i] = i;
    std::stable_sort(newest.begin(), newest.end(), [&](size_t a, size_t b) { return recs[a].updated_at > recs[b].updated_at; });
    for (size_t fi = 0; fi < e.fields.size(); fi++) {
        const FieldSpec& f = e.fields[fi];
        if (!mergeable(f)) continue;
        MergeField mf;
        mf.name = f.name;
        bool differ = false;
        for (const Record& r : recs) {
            mf.values.push_back(r.values[fi]);
            differ |= r.values[fi] != recs[0].values[fi];
        }
        if (!differ) continue;
        mf.chosen = newest[0];
        if (keeps_any_yes(f)) {
            for (size_t i = 0; i < recs.size(); i++)
                if (recs[i].values[fi] == Value(int64_t(1))) mf.chosen = i;
        } else {
            for (size_t i : newest)
                if (!is_empty(recs[i].values[fi])) {
                    mf.chosen = i;
                    break;
                }
        }
        plan.fields.push_back(std::move(mf));
    }
    return plan;
}

MergeSummary merge_records(Store& store, const EntitySpec& e, const std::string& survivor, const std::vector<std::string>& others,
                           const std::map<std::string, size_t>& choices) {
    Database& db = store.db();
    Transaction tx(db);
    MergePlan plan = plan_merge(store, e, survivor, others);
    MergeSummary sum;
    sum.merge_id = store.new_id();
    std::string merged;
    for (const std::string& id : others) merged += (merged.empty() ? "" : ",") + id;
    db.cached("INSERT INTO merges(id, at, entity, survivor_id, merged) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind_all(sum.merge_id, format_datetime(store.now_ms()), std::string(e.table), survivor, merged)
        .run();

    // The survivor's fields.
    Fields f;
    for (const MergeField& mf : plan.fields) {
        size_t pick = mf.chosen;
        if (auto it = choices.find(mf.name); it != choices.end()) {
            if (it->second >= plan.ids.size()) throw ValidationError(e.table, mf.name, "the choice names no record of the merge");
            pick = it->second;
        }
        if (mf.values[pick] != mf.values[0]) f.push_back({mf.name, mf.values[pick]});
    }
    for (const auto& [name, _] : choices)
        if (!e.field(name)) throw ValidationError(e.table, name, "is not a field of " + std::string(e.label));
    // Each other record: every live record that refers to it, its tags, then
    // it becomes a tombstone naming the survivor. The survivor's fields last.
    for (const std::string& other : others) {
        for (const EntitySpec* x : all_entities()) {
            for (const FieldSpec& ref : x->fields) {
                if (ref.type != FieldType::Ref || ref.ref != std::string_view(e.table)) continue;
                Statement st = db.prepare(std::string("SELECT id FROM ") + x->table + " WHERE " + ref.name + " = ? AND deleted = 0");
                st.bind_all(other);
                std::vector<std::string> ids;
                while (st.step()) ids.push_back(st.column_text(0));
                for (const std::string& rid : ids) {
                    if (x == &e && std::find(others.begin(), others.end(), rid) != others.end()) continue;   // merged itself
                    // A survivor whose parent was the other: no parent, not itself.
                    Value to = x == &e && rid == survivor ? Value() : Value(survivor);
                    sum.references += update_journaled(store, sum.merge_id, *x, rid, {{ref.name, to}}) ? 1 : 0;
                }
            }
        }
        // Tags: moved, or dropped where the survivor has the tag already.
        Statement tags = db.prepare("SELECT id, tag_id FROM record_tags WHERE entity = ? AND record_id = ? AND deleted = 0");
        tags.bind_all(std::string(e.table), other);
        std::vector<std::pair<std::string, std::string>> links;
        while (tags.step()) links.push_back({tags.column_text(0), tags.column_text(1)});
        for (const auto& [link, tag] : links) {
            Statement has = db.prepare("SELECT 1 FROM record_tags WHERE entity = ? AND record_id = ? AND tag_id = ? AND deleted = 0");
            has.bind_all(std::string(e.table), survivor, tag);
            if (has.step()) {
                store.remove(kRecordTags, link);
                journal(db, sum.merge_id, kRecordTags, link, "removed");
            } else {
                update_journaled(store, sum.merge_id, kRecordTags, link, {{"record_id", survivor}});
            }
            sum.tags++;
        }
        update_journaled(store, sum.merge_id, e, other, {{"merged_into_id", survivor}});
        store.remove(e, other);
        journal(db, sum.merge_id, e, other, "removed");
        sum.merged++;
    }
    if (!f.empty()) sum.fields = update_journaled(store, sum.merge_id, e, survivor, f);
    tx.commit();
    return sum;
}

MergeSummary undo_last_merge(Store& store) {
    Database& db = store.db();
    Transaction tx(db);
    MergeSummary sum;
    {
        Statement st = db.prepare("SELECT id FROM merges WHERE undone_at = '' ORDER BY at DESC, rowid DESC LIMIT 1");
        if (!st.step()) throw std::runtime_error("there is no merge to undo");
        sum.merge_id = st.column_text(0);
    }
    // Newest first: the survivor's fields, the tombstones, then tags and references.
    Statement items = db.prepare("SELECT entity, record_id, action, before FROM merge_items WHERE merge_id = ?1 ORDER BY rowid DESC");
    items.bind_all(sum.merge_id);
    std::vector<std::tuple<std::string, std::string, std::string, std::string>> all;
    while (items.step()) all.push_back({items.column_text(0), items.column_text(1), items.column_text(2), items.column_text(3)});
    for (auto& [table, rid, action, before] : all) {
        const EntitySpec& x = entity(table);
        if (action == "removed") {
            store.restore(x, rid);
            (&x == &kRecordTags ? sum.tags : sum.merged)++;
            continue;
        }
        auto now = store.get(x, rid, true);
        if (!now || now->deleted) continue;   // removed since: nothing to put back
        Fields f;
        nlohmann::json old = nlohmann::json::parse(before);
        for (auto& [k, v] : old.items()) {
            const FieldSpec* fs = x.field(k);
            if (fs) f.push_back({k, value_from_json(x, *fs, v)});
        }
        store.update(x, rid, f);
        (&x == &kRecordTags ? sum.tags : sum.references)++;
    }
    db.cached("UPDATE merges SET undone_at = ?2 WHERE id = ?1").bind_all(sum.merge_id, format_datetime(store.now_ms())).run();
    tx.commit();
    return sum;
}

// "Not duplicates" is the team's answer, not one device's: a shared setting
// ("duplicates.dismissed.contacts.A.B", the smaller id first) that syncs.
// Pairs dismissed before it synced stay in duplicate_dismissals and count too.
static std::string dismissal_key(const EntitySpec& e, const std::string& a, const std::string& b) {
    return std::string("duplicates.dismissed.") + e.table + "." + std::min(a, b) + "." + std::max(a, b);
}

void dismiss_duplicate(Store& store, const EntitySpec& e, const std::string& a, const std::string& b) {
    check_mergeable(e);
    store.set_setting(dismissal_key(e, a, b), format_datetime(store.now_ms()));
}

bool is_dismissed(Store& store, const EntitySpec& e, const std::string& a, const std::string& b) {
    if (!store.setting(dismissal_key(e, a, b)).empty()) return true;
    Statement& st = store.db().cached("SELECT 1 FROM duplicate_dismissals WHERE entity = ?1 AND a_id = ?2 AND b_id = ?3");
    st.bind_all(std::string(e.table), std::min(a, b), std::max(a, b));
    bool found = st.step();
    st.reset();
    return found;
}

std::vector<std::pair<std::string, std::string>> dismissed_pairs(Store& store, const EntitySpec& e) {
    std::vector<std::pair<std::string, std::string>> out;
    Statement d(store.db(), "SELECT a_id, b_id FROM duplicate_dismissals WHERE entity = ?");
    d.bind_all(std::string(e.table));
    while (d.step()) out.push_back({d.column_text(0), d.column_text(1)});
    std::string prefix = std::string("duplicates.dismissed.") + e.table + ".";
    Statement st(store.db(), "SELECT substr(key, ?2) FROM settings WHERE key > ?1 AND key < ?1 || '~' AND value <> ''");
    st.bind_all(prefix, (int64_t)prefix.size() + 1);
    while (st.step()) {
        std::string pair = st.column_text(0);
        size_t dot = pair.find('.');
        if (dot != std::string::npos) out.push_back({pair.substr(0, dot), pair.substr(dot + 1)});
    }
    return out;
}

}  // namespace crm
