// privacy.h - a person's data on request: everything the CRM holds about
// one contact as JSON, and erasure of that person (the contact, their
// activities, tasks, tags and the change-log entries that carry their data;
// business records such as orders and cases stay, without the link). The
// erasure is logged, without any personal data.
#pragma once

#include <iosfwd>
#include <string>

#include "records/store.h"

namespace crm {

struct PersonSummary {
    int64_t activities = 0, tasks = 0, cases = 0, orders = 0, opportunities = 0, leads = 0, history = 0;
};
PersonSummary export_person(Store& store, const std::string& contact_id, std::ostream& out);
PersonSummary erase_person(Store& store, const std::string& contact_id);

}  // namespace crm
