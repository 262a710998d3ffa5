// campaigns.h - campaigns: target segments defined by rules over contact
// fields, tags and purchase history (saved, re-evaluated on use), e-mail
// templates with merge fields rendered per recipient, sends that are logged as
// activities and skip opted-out, do-not-call and duplicate contacts (saying
// how many and why), responses that become leads, and the campaign's results.
//
// Segment rules are JSON: {"all": [condition, ...]} or {"any": [...]}, where a
// condition is one of
//   {"field": "country", "op": "=", "value": "DE"}   ops: = != in contains >= <= empty not_empty
//   {"tag": "VIP"}                                   carries the tag (by name)
//   {"bought": "P-1001"}                             ordered the product (by code) on any order
//   {"orders_at_least": 3}  {"spent_at_least": 100000}   over the contact's account's orders (minor units)
//   {"account_tier": "Gold"}
#pragma once

#include <map>
#include <string>
#include <vector>

#include "records/store.h"

namespace crm {

// Throws ValidationError("segments", "rules", ...) naming what is wrong.
void check_segment_rules(const std::string& rules_json);
int64_t segment_count(Store& store, const std::string& rules_json);
std::vector<std::string> segment_members(Store& store, const std::string& rules_json, int64_t limit = -1);   // contact ids

// {first_name}, {last_name}, {full_name}, {company}, {job_title}, {city}, {country}, {email},
// {rep_name}; {name|fallback} uses the fallback when the value is empty.
std::string render_template(Store& store, const std::string& text, const Record& contact);
std::vector<std::string> unknown_merge_fields(const std::string& text);

struct SendReport {
    int64_t sent = 0;
    std::map<std::string, int64_t> skipped;   // reason -> count
    int64_t skipped_total() const;
};
// The opt-out that applies: "offers", "newsletter", "product_news", "events",
// "surveys" or "partners". Telephone campaigns also skip do-not-call contacts.
SendReport send_campaign(Store& store, const std::string& campaign_id, const std::string& opt_out_category);
SendReport preview_send(Store& store, const std::string& campaign_id, const std::string& opt_out_category);

// A response (a form filled in, a reply): a lead linked to the campaign.
std::string campaign_response(Store& store, const std::string& campaign_id, const Fields& lead_fields);

struct CampaignResults {
    int64_t sent = 0, leads = 0, opportunities = 0, won = 0;
    int64_t won_revenue = 0, cost = 0;           // minor units
    int64_t cost_per_lead() const { return leads ? cost / leads : 0; }
};
CampaignResults campaign_results(Store& store, const std::string& campaign_id);

}  // namespace crm
