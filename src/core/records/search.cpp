// search.cpp - see search.h.
#include "records/search.h"

#include <algorithm>

#include <sqlite3.h>

namespace crm {

std::string fts_prefix_query(std::string_view text) {
    // Split on ASCII white space and punctuation; keep every other byte, so
    // UTF-8 letters (accents, Cyrillic, CJK) stay inside words. Each word is
    // quoted (no FTS5 syntax can be injected) and made a prefix.
    std::string out, word;
    auto flush = [&] {
        if (word.empty()) return;
        if (!out.empty()) out += ' ';
        out += '"' + word + "\"*";
        word.clear();
    };
    for (unsigned char c : text) {
        bool sep = c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_');
        if (sep) flush();
        else word += (char)c;
    }
    flush();
    return out;
}

static std::string squeeze(std::string s) {
    // Collapse the runs of spaces the index columns are joined with.
    std::string out;
    for (char c : s) {
        if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

int search_kind_code(std::string_view entity) {
    return entity == "contacts" ? 1 : entity == "accounts" ? 2 : entity == "leads" ? 3 : entity == "kb_articles" ? 0 : 9;   // 9: in no row
}

namespace {

// The last query's matches, until this connection's next write: a keystroke
// asks for the count and then the first rows.
struct MatchMemo {
    sqlite3* handle = nullptr;
    std::string match;
    int kind = 0;
    int64_t changes = -1, count = 0;
    bool has_bits = false;
    std::vector<uint64_t> bits;
};
MatchMemo g_memo;

MatchMemo& memo_for(Database& db, const std::string& match, int kind) {
    MatchMemo& m = g_memo;
    if (m.handle != db.handle() || m.match != match || m.kind != kind || m.changes != db.total_changes()) {
        m.handle = db.handle(), m.match = match, m.kind = kind, m.changes = db.total_changes();
        m.count = -1;
        m.has_bits = false;
        m.bits.clear();
    }
    return m;
}

}  // namespace

int64_t search_match_count(Database& db, const std::string& match, int kind) {
    MatchMemo& m = memo_for(db, match, kind);
    if (m.count < 0) {
        Statement& st = db.cached("SELECT count(*) FROM search_index WHERE search_index MATCH ?1 AND ((?2 < 0 AND (rowid & 3) != 0) OR (rowid & 3) = ?2)");
        st.bind_all(match, kind);
        st.step();
        m.count = st.column_int(0);
        st.reset();
    }
    return m.count;
}

const std::vector<uint64_t>& search_match_bits(Database& db, const std::string& match, int kind) {
    MatchMemo& m = memo_for(db, match, kind);
    if (!m.has_bits) {
        Statement& st = db.cached("SELECT rowid >> 2 FROM search_index WHERE search_index MATCH ?1 AND (rowid & 3) = ?2");
        st.bind_all(match, kind);
        int64_t n = 0;
        while (st.step()) {
            uint64_t r = (uint64_t)st.column_int(0);
            if (m.bits.size() <= r >> 6) m.bits.resize((size_t)(r >> 6) + 1 + m.bits.size() / 2);
            m.bits[(size_t)(r >> 6)] |= uint64_t(1) << (r & 63);
            n++;
        }
        st.reset();
        m.count = n;
        m.has_bits = true;
    }
    return m.bits;
}

bool merge_search_index(Database& db, int pages) {
    // A negative count merges every level into one segment. FTS5's documented
    // test for a call that did nothing: total_changes() grew by less than 2
    // (the command's own INSERT counts one).
    int64_t before = db.total_changes();
    Statement& st = db.cached("INSERT INTO search_index(search_index, rank) VALUES ('merge', ?)");
    st.bind(1, (int64_t)-std::max(1, pages));
    st.run();
    st.reset();
    return db.total_changes() - before < 2;
}

std::vector<SearchHit> search(Database& db, std::string_view text, int limit, std::string_view entity) {
    std::vector<SearchHit> hits;
    std::string q = fts_prefix_query(text);
    if (q.empty() || limit <= 0) return hits;
    int kind = entity.empty() ? -1 : search_kind_code(entity);
    bool ranked = search_match_count(db, q, kind) <= kRankedMatches;
    // The rowid encodes the source table and its rowid (see schema.cpp, v2),
    // so the record id comes from an indexed rowid lookup.
    // The best `limit` matches by rank first, from the index alone (the kind is
    // in the rowid), then the stored columns of those rows only: reading them
    // for every match of a short prefix is a seek per match.
    // Too many matches to rank: the newest (the largest rowids; FTS5 walks them in order).
    const char* rank = ranked ? "bm25(search_index, 0, 10.0, 4.0, 2.0, 1.0)" : "0.0";
    const char* order = ranked ? "r" : "rowid DESC";
    const char* outer_order = ranked ? "t.r" : "t.n DESC";
    std::string sql = std::string(
        "SELECT s.kind, s.name, s.company, s.contact_info, t.r, "
        "  CASE t.k WHEN 1 THEN (SELECT id FROM contacts WHERE rowid = t.n / 4) "
        "           WHEN 2 THEN (SELECT id FROM accounts WHERE rowid = t.n / 4) "
        "           WHEN 3 THEN (SELECT id FROM leads WHERE rowid = t.n / 4) "
        "           ELSE (SELECT id FROM kb_articles WHERE rowid = t.n / 4) END "
        "FROM (SELECT rowid AS n, rowid % 4 AS k, ") + rank + " AS r FROM search_index "
        "      WHERE search_index MATCH ?1 AND ((?2 < 0 AND rowid % 4 != 0) OR rowid % 4 = ?2) ORDER BY " + order + " LIMIT ?3) t "
        "JOIN search_index s ON s.rowid = t.n ORDER BY " + outer_order;
    Statement& st = db.cached(sql);
    st.bind_all(q, kind, limit);
    while (st.step()) {
        SearchHit h;
        h.entity = st.column_text(0);
        h.title = squeeze(st.column_text(1));
        h.subtitle = squeeze(st.column_text(2));
        std::string info = st.column_text(3);
        // contact_info holds e-mails, phones, then digit-only phones: show the first two parts.
        h.detail = squeeze(info);
        h.rank = st.column_double(4);
        h.id = st.column_text(5);
        hits.push_back(std::move(h));
    }
    st.reset();
    return hits;
}

}  // namespace crm
