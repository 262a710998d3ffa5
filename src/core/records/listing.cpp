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

//-----------------------------------------------------------------------------
// Searching a list. Two ways to join the full-text matches to the sorted rows:
//  - Matches: collect every match's rowid, read those rows, sort them. Costs
//    what the matches cost: right when they are few ("schmidt": 923 of 100k).
//  - Walk: the matches as a bitset of rowids (one pass over the index's
//    doclist, which also counts them), then walk the sort index and keep the
//    entries whose rowid is in it (in_rowid_set, tested on the index entry
//    before the row is read) until the page is full: about limit * rows /
//    matches steps. Right when many rows match ("s": 52k of 100k).
// FTS5 answering `rowid = ?` per row instead of the bitset was measured at
// 7-16 us a probe natively (the MATCH parsed and its segments sought each
// time), and seconds for a prefix longer than the index's prefix lengths.
//-----------------------------------------------------------------------------
enum class SearchJoin { Matches, Walk };

// Chooses the join for a page of `limit` rows and, for a walk, points
// in_rowid_set at the matches.
SearchJoin plan_search(Database& db, const ListQuery& q, int64_t limit) {
    db.set_rowid_set(nullptr);
    std::string match = fts_prefix_query(q.search);
    if (match.empty() || limit <= 0) return SearchJoin::Matches;
    const EntitySpec& e = *q.entity;
    // One pass over the doclist gives the bitset and the count.
    const std::vector<uint64_t>& bits = search_match_bits(db, match, search_kind_code(e.table));
    int64_t matches = search_match_count(db, match, search_kind_code(e.table));
    // The table's rowids run about 1..rows: its largest is one b-tree descent.
    Statement& last = db.cached(std::string("SELECT coalesce(max(rowid), 0) FROM ") + e.table);
    last.step();
    int64_t rows = last.column_int(0);
    last.reset();
    // A walk step (an index entry and a bit) costs about a seventh of a
    // collected match (its rowid in a temporary index, the row read, sorted):
    // walk when limit * rows / matches steps cost less than the matches.
    if (20 * matches * matches <= 3 * limit * rows) return SearchJoin::Matches;
    db.set_rowid_set(&bits);
    return SearchJoin::Walk;
}

Sql build(const ListQuery& q, SearchJoin join = SearchJoin::Matches) {
    if (!q.entity) throw std::invalid_argument("list query without an entity");
    const EntitySpec& e = *q.entity;
    Sql s;
    s.sort = q.sort.empty() ? e.default_sort : q.sort;
    if (s.sort != "created_at" && s.sort != "updated_at") {
        const FieldSpec* f = e.field(s.sort);
        if (!f || !f->has(F_Sortable)) throw ValidationError(e.table, s.sort, "cannot sort " + std::string(e.label) + " by this field");
    }
    bool from_matches = false;   // the rows come from the search's matches, not a (deleted, ...) index
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
        } else if (join == SearchJoin::Walk) {
            s.where += " AND in_rowid_set(rowid)";
        } else {
            // The index's rowid is the source rowid * 4 + kind (see schema.cpp): the
            // kind is tested on the rowid, not on the UNINDEXED column, which FTS5
            // would read from its content table for every match (a seek each:
            // 400 ms for a one-letter prefix over 100k contacts in the browser).
            // `+deleted` keeps SQLite from walking a (deleted, ...) index and
            // testing every row against the matches: it starts from them.
            from_matches = true;
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
    s.where.insert(0, from_matches || q.of_parent ? " WHERE +deleted = 0" : " WHERE deleted = 0");
    return s;
}

}  // namespace

Page list_page(Database& db, const ListQuery& q, const std::optional<PageKey>& after, int limit) {
    const EntitySpec& e = *q.entity;
    Sql s = build(q, plan_search(db, q, limit));
    const char* cmp = q.descending ? "<" : ">";
    const char* dir = q.descending ? " DESC" : "";
    std::string sql = "SELECT " + column_list(e) + ", " + s.sort + ", rowid FROM " + e.table + s.where;
    if (after) sql += " AND (" + s.sort + ", rowid) " + cmp + " (?, ?)";
    sql += " ORDER BY " + s.sort + dir + ", rowid" + dir + " LIMIT ?";
    Statement& st = db.cached(sql);
    int p = 1;
    for (const Value& v : s.params) st.bind(p++, v);
    if (after) {
        st.bind(p++, after->sort_value);
        st.bind(p++, after->rowid);
    }
    st.bind(p, (int64_t)limit);

    Page page;
    page.rows.reserve((size_t)limit);
    int sort_col = 4 + (int)e.fields.size();
    while (st.step()) {
        page.last = PageKey{st.column_value(sort_col), st.column_int(sort_col + 1)};
        page.rows.push_back(read_record(e, st));
    }
    st.reset();
    if ((int)page.rows.size() == limit) page.next = page.last;
    return page;
}

int64_t list_count(Database& db, const ListQuery& q) {
    if (!q.search.empty() && q.filters.empty() && q.tag_id.empty() && q.account_tier.empty()) {
        std::string match = fts_prefix_query(q.search);
        if (!match.empty()) return search_match_count(db, match, search_kind_code(q.entity->table));
    }
    Sql s = build(q);
    if (s.params.empty() && s.where == " WHERE deleted = 0") {   // the whole list: its counter, not a scan
        Statement& st = db.cached("SELECT live FROM record_counts WHERE entity = ?");
        st.bind(1, q.entity->table);
        int64_t n = st.step() ? st.column_int(0) : 0;
        st.reset();
        return n;
    }
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
    Sql s = build(q, plan_search(db, q, offset));
    const char* dir = q.descending ? " DESC" : "";
    // OFFSET walks the covering (deleted, column) index without touching rows.
    Statement& st = db.cached("SELECT " + s.sort + ", rowid FROM " + q.entity->table + s.where + " ORDER BY " + s.sort +
                              dir + ", rowid" + dir + " LIMIT 1 OFFSET ?");
    int p = 1;
    for (const Value& v : s.params) st.bind(p++, v);
    st.bind(p, offset - 1);
    std::optional<PageKey> key;
    if (st.step()) key = PageKey{st.column_value(0), st.column_int(1)};
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
