// views.h - read-side helpers the screens need: a record's display title,
// and the figures of the overview (dashboard). Kept in the core so the UI
// never writes SQL and the figures are tested natively.
#pragma once

#include <cstdint>
#include <string>

#include "records/store.h"

namespace crm {

// What a record is called on screen: a contact's full name, an account's or
// user's name, a case's number and subject, a task's title ("" if missing).
std::string record_title(Store& store, const EntitySpec& e, const std::string& id);
std::string record_title(const Record& r);

struct Overview {
    int64_t contacts = 0, accounts = 0, open_leads = 0, open_opportunities = 0, open_cases = 0,
            overdue_tasks = 0, activities_30d = 0;
    int64_t pipeline_amount = 0, weighted_pipeline = 0;   // minor units, all currencies summed as one
    int64_t cases_breached = 0;                           // open cases past their resolution due time
};
Overview overview(Store& store);

// SQLite's integrity check, the foreign-key check and the search index's own
// check; "" when all pass, else one line per problem.
std::string health_check(Database& db);

}  // namespace crm
