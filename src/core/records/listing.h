// listing.h - keyset-paged list queries with sort and filters.
//
// A page is fetched by the key of the last row seen (sort value, rowid), using
// the (deleted, column) indexes from the schema - an index entry ends with its
// row's rowid, so ties are broken by it for free - and page 2,000 costs what
// page 1 costs. The UI keeps a few pages around the visible rows; a jump to an
// arbitrary row (a scrollbar drag) finds its key with one index walk.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/db.h"
#include "records/entity.h"
#include "records/store.h"

namespace crm {

struct ListQuery {
    const EntitySpec* entity = nullptr;
    std::string sort;                 // a F_Sortable field, "created_at" or "" for the default
    bool descending = false;
    std::vector<std::pair<std::string, Value>> filters;  // field = value, on F_Filterable fields
    std::string tag_id;               // only records carrying this tag ("" = any)
    std::string search;               // what the user typed: FTS5 prefix match (contacts, accounts, leads)
    std::string account_tier;         // contacts: only those whose account has this tier
    // The rows of one parent record (a contact's activities, an account's
    // people): read through the first filter's reference index and sorted,
    // never by walking the sort index over every row of the table (SQLite
    // has no statistics to tell; on a lazily opened file that walk read all
    // 500,000 activities for a timeline of five).
    bool of_parent = false;
};

// Rowids are local to this file (two devices' rows differ): a key is only
// good for the database it came from.
struct PageKey {
    Value sort_value;
    int64_t rowid = 0;
};

struct Page {
    std::vector<Record> rows;
    std::optional<PageKey> next;      // key of the last row, when more may follow
    std::optional<PageKey> last;      // key of the last row, when there is one
};

// Rows after `after` (from the start when nullopt), at most `limit`.
Page list_page(Database& db, const ListQuery& q, const std::optional<PageKey>& after, int limit = 50);
int64_t list_count(Database& db, const ListQuery& q);
// Every row, page by page: for the workflows' small tables (rules, queues, users).
std::vector<Record> list_all(Database& db, const ListQuery& q);
// The key just before row `offset` (0-based), so list_page(key) starts at that row.
std::optional<PageKey> key_before(Database& db, const ListQuery& q, int64_t offset);

}  // namespace crm
