// listing.cpp - see listing.h.
#include "records/listing.h"

#include "records/search.h"
#include "records/validate.h"

namespace crm {

namespace {

struct Sql {
    std::string where;                 // " WHERE deleted = 0 AND ..."
    std::vector<Value> params;
    std::string sort;                  // column
};

Sql build(const ListQuery& q) {
    if (!q.entity) throw std::invalid_argument("list query without an entity");
    const EntitySpec& e = *q.entity;
    Sql s;
    s.sort = q.sort.empty() ? e.default_sort : q.sort;
    if (s.sort != "created_at" && s.sort != "updated_at") {
        const FieldSpec* f = e.field(s.sort);
        if (!f || !f->has(F_Sortable)) throw ValidationError(e.table, s.sort, "cannot sort " + std::string(e.label) + " by this field");
    }
    s.where = " WHERE deleted = 0";
    for (const auto& [name, value] : q.filters) {
        const FieldSpec* f = e.field(name);
        if (!f || !(f->has(F_Filterable) || f->type == FieldType::Ref))
            throw ValidationError(e.table, name, "cannot filter " + std::string(e.label) + " by this field");
        Value v = value;
        if (f->type != FieldType::Ref) normalize_field(e, *f, v);
        if (is_null(v)) s.where += std::string(" AND ") + f->name + " IS NULL";
        else {
            s.where += std::string(" AND ") + f->name + " = ?";
            s.params.push_back(std::move(v));
        }
    }
    if (!q.tag_id.empty()) {
        s.where += " AND id IN (SELECT record_id FROM record_tags WHERE tag_id = ? AND entity = ? AND deleted = 0)";
        s.params.push_back(q.tag_id);
        s.params.push_back(std::string(e.table));
    }
    if (!q.search.empty()) {
        std::string match = fts_prefix_query(q.search);
        if (match.empty()) {
            s.where += " AND 0";   // only punctuation typed: nothing can match
        } else {
            // The index's rowid is the source rowid * 4 + kind (see schema.cpp): the
            // kind is tested on the rowid, not on the UNINDEXED column, which FTS5
            // would read from its content table for every match (a seek each:
            // 400 ms for a one-letter prefix over 100k contacts in the browser).
            s.where += " AND rowid IN (SELECT rowid >> 2 FROM search_index WHERE search_index MATCH ? AND (rowid & 3) = ?)";
            s.params.push_back(match);
            s.params.push_back((int64_t)search_kind_code(e.table));
        }
    }
    if (!q.account_tier.empty()) {
        if (!e.field("account_id")) throw ValidationError(e.table, "tier", "cannot filter " + std::string(e.label) + " by account tier");
        s.where += " AND account_id IN (SELECT id FROM accounts WHERE tier = ? AND deleted = 0)";
        s.params.push_back(q.account_tier);
    }
    return s;
}

}  // namespace

Page list_page(Database& db, const ListQuery& q, const std::optional<PageKey>& after, int limit) {
    const EntitySpec& e = *q.entity;
    Sql s = build(q);
    const char* cmp = q.descending ? "<" : ">";
    const char* dir = q.descending ? " DESC" : "";
    std::string sql = "SELECT " + column_list(e) + ", " + s.sort + " FROM " + e.table + s.where;
    if (after) sql += " AND (" + s.sort + ", id) " + cmp + " (?, ?)";
    sql += " ORDER BY " + s.sort + dir + ", id" + dir + " LIMIT ?";
    Statement& st = db.cached(sql);
    int p = 1;
    for (const Value& v : s.params) st.bind(p++, v);
    if (after) {
        st.bind(p++, after->sort_value);
        st.bind(p++, after->id);
    }
    st.bind(p, (int64_t)limit);

    Page page;
    page.rows.reserve((size_t)limit);
    Value last_sort;
    int sort_col = 4 + (int)e.fields.size();
    while (st.step()) {
        last_sort = st.column_value(sort_col);
        page.rows.push_back(read_record(e, st));
    }
    st.reset();
    if ((int)page.rows.size() == limit) page.next = PageKey{last_sort, page.rows.back().id};
    return page;
}

int64_t list_count(Database& db, const ListQuery& q) {
    Sql s = build(q);
    Statement& st = db.cached(std::string("SELECT count(*) FROM ") + q.entity->table + s.where);
    int p = 1;
    for (const Value& v : s.params) st.bind(p++, v);
    st.step();
    int64_t n = st.column_int(0);
    st.reset();
    return n;
}

std::optional<PageKey> key_before(Database& db, const ListQuery& q, int64_t offset) {
    if (offset <= 0) return std::nullopt;
    Sql s = build(q);
    const char* dir = q.descending ? " DESC" : "";
    // OFFSET walks the covering (deleted, column, id) index without touching rows.
    Statement& st = db.cached("SELECT " + s.sort + ", id FROM " + q.entity->table + s.where + " ORDER BY " + s.sort +
                              dir + ", id" + dir + " LIMIT 1 OFFSET ?");
    int p = 1;
    for (const Value& v : s.params) st.bind(p++, v);
    st.bind(p, offset - 1);
    std::optional<PageKey> key;
    if (st.step()) key = PageKey{st.column_value(0), st.column_text(1)};
    st.reset();
    return key;
}

std::vector<Record> list_all(Database& db, const ListQuery& q) {
    std::vector<Record> out;
    std::optional<PageKey> key;
    for (;;) {
        Page p = list_page(db, q, key, 500);
        for (Record& r : p.rows) out.push_back(std::move(r));
        if (!p.next) break;
        key = p.next;
    }
    return out;
}

}  // namespace crm
