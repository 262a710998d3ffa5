// search.cpp - see search.h.
#include "records/search.h"

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

std::vector<SearchHit> search(Database& db, std::string_view text, int limit, std::string_view entity) {
    std::vector<SearchHit> hits;
    std::string q = fts_prefix_query(text);
    if (q.empty() || limit <= 0) return hits;
    // The rowid encodes the source table and its rowid (see schema.cpp, v2),
    // so the record id comes from an indexed rowid lookup.
    // The best `limit` matches by rank first, from the index alone (the kind is
    // in the rowid), then the stored columns of those rows only: reading them
    // for every match of a short prefix is a seek per match.
    Statement& st = db.cached(
        "SELECT s.kind, s.name, s.company, s.contact_info, t.r, "
        "  CASE t.k WHEN 1 THEN (SELECT id FROM contacts WHERE rowid = t.n / 4) "
        "           WHEN 2 THEN (SELECT id FROM accounts WHERE rowid = t.n / 4) "
        "           WHEN 3 THEN (SELECT id FROM leads WHERE rowid = t.n / 4) "
        "           ELSE (SELECT id FROM kb_articles WHERE rowid = t.n / 4) END "
        "FROM (SELECT rowid AS n, rowid % 4 AS k, bm25(search_index, 0, 10.0, 4.0, 2.0, 1.0) AS r FROM search_index "
        "      WHERE search_index MATCH ?1 AND ((?2 < 0 AND rowid % 4 != 0) OR rowid % 4 = ?2) ORDER BY r LIMIT ?3) t "
        "JOIN search_index s ON s.rowid = t.n ORDER BY t.r");
    st.bind_all(q, entity.empty() ? -1 : search_kind_code(entity), limit);
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
