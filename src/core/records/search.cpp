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

std::vector<SearchHit> search(Database& db, std::string_view text, int limit, std::string_view entity) {
    std::vector<SearchHit> hits;
    std::string q = fts_prefix_query(text);
    if (q.empty() || limit <= 0) return hits;
    // The rowid encodes the source table and its rowid (see schema.cpp, v2),
    // so the record id comes from an indexed rowid lookup.
    Statement& st = db.cached(
        "SELECT s.kind, s.name, s.company, s.contact_info, bm25(search_index, 0, 10.0, 4.0, 2.0, 1.0) AS r, "
        "  CASE s.rowid % 4 WHEN 1 THEN (SELECT id FROM contacts WHERE rowid = s.rowid / 4) "
        "                   WHEN 2 THEN (SELECT id FROM accounts WHERE rowid = s.rowid / 4) "
        "                   WHEN 3 THEN (SELECT id FROM leads WHERE rowid = s.rowid / 4) "
        "                   ELSE (SELECT id FROM kb_articles WHERE rowid = s.rowid / 4) END "
        "FROM search_index s WHERE search_index MATCH ?1 "
        "AND ((?2 = '' AND s.kind != 'kb_articles') OR s.kind = ?2) ORDER BY r LIMIT ?3");
    st.bind_all(q, entity, limit);
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
