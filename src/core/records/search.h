// search.h - full-text search over contacts, accounts and leads (FTS5).
//
// What the user types becomes a prefix query: every word must match the start
// of a word in a name, company, e-mail, phone or the notes, accents ignored.
// Results are ranked by bm25 with names weighted highest, and limited. A
// query that matches more than kRankedMatches records (one or two letters at
// 100k contacts) lists the newest matches instead: ranking means scoring
// every match (70 ms natively for "s"), and such a rank means little.
#pragma once

#include <cstdint>
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
    double rank;            // lower is better (bm25); 0 when not ranked
};

constexpr int64_t kRankedMatches = 2000;

// The FTS5 MATCH expression for what the user typed; "" when nothing to search.
std::string fts_prefix_query(std::string_view text);

// `entity` restricts to one kind: "" means contacts, accounts and leads;
// "kb_articles" searches the knowledge base (titles, problems, solutions).
std::vector<SearchHit> search(Database& db, std::string_view text, int limit = 20, std::string_view entity = "");
// How many records of a kind the query matches (kind -1: contacts, accounts
// and leads). The index holds live records only, so with no other filter this
// is a searched list's count. Remembered until this connection's next write.
int64_t search_match_count(Database& db, const std::string& match, int kind);
// The same matches of one kind (not -1) as a bitset of the records' rowids,
// with the count; valid until the next call or write.
const std::vector<uint64_t>& search_match_bits(Database& db, const std::string& match, int kind);
// Merges the index's segments, about `pages` pages of work a call; true when
// it is one segment (nothing left to do). Bulk writes leave several segments,
// and a query merges the doclists of each (the search as you type reads a
// short prefix's whole doclist); run after demo data, in slices.
bool merge_search_index(Database& db, int pages);
// The kind a search_index rowid carries (rowid % 4): contacts 1, accounts 2, leads 3, kb_articles 0; 9 for others.
int search_kind_code(std::string_view entity);

}  // namespace crm
