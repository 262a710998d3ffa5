// search.h - full-text search over contacts, accounts and leads (FTS5).
//
// What the user types becomes a prefix query: every word must match the start
// of a word in a name, company, e-mail, phone or the notes, accents ignored.
// Results are ranked by bm25 with names weighted highest, and limited.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "storage/db.h"

namespace crm {

struct SearchHit {
    std::string entity;     // "contacts", "accounts" or "leads"
    std::string id;
    std::string title;      // the name
    std::string subtitle;   // company / industry and place
    std::string detail;     // e-mail and phone
    double rank;            // lower is better (bm25)
};

// The FTS5 MATCH expression for what the user typed; "" when nothing to search.
std::string fts_prefix_query(std::string_view text);

// `entity` restricts to one kind: "" means contacts, accounts and leads;
// "kb_articles" searches the knowledge base (titles, problems, solutions).
std::vector<SearchHit> search(Database& db, std::string_view text, int limit = 20, std::string_view entity = "");
// The kind a search_index rowid carries (rowid % 4): contacts 1, accounts 2, leads 3, kb_articles 0; 9 for others.
int search_kind_code(std::string_view entity);

}  // namespace crm
