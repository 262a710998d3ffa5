// segments.cpp - a group of customers an analysis found (an RFM segment, the
// churned, a cohort) saved as a campaign segment: the contacts of those
// accounts, fixed as of the day it was saved.
#include <nlohmann/json.hpp>

#include "analytics/reports.h"
#include "workflows/campaigns.h"

namespace crm {

std::string save_accounts_as_segment(Store& store, const std::string& name, const std::vector<std::string>& account_ids,
                                     const std::string& description) {
    if (account_ids.empty()) throw ValidationError("segments", "rules", "the segment has no customers");
    nlohmann::json in = nlohmann::json::array();
    for (const std::string& id : account_ids) in.push_back(id);
    nlohmann::json rules = {{"any", {{{"field", "account_id"}, {"op", "in"}, {"value", in}}}}};
    std::string text = rules.dump();
    check_segment_rules(text);
    return store.create(kSegments, {{"name", name}, {"rules", text}, {"description", description}});
}

}  // namespace crm
