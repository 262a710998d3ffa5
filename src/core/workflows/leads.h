// leads.h - the lead lifecycle: capture, assignment by rule, scoring,
// qualify, disqualify, convert.
//
// Assignment rules are records (assignment_rules), tried in their order:
// territory (the lead's country in the rule's list), line of business, then
// round robin among a team's active sales reps (the rep with the fewest leads
// of the last 30 days next, ties by name: a rotation that follows from the
// data, so it survives offline devices assigning at once). Scoring rules are
// records too (scoring_rules): points per lead attribute (field = value) and
// per action (an activity of that type logged on the lead); the score puts a
// lead in the hot, warm or cold band. Conversion creates or links the account
// and contact, creates the opportunity, and moves the lead's activities and
// tasks onto the new records, all in one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "records/store.h"

namespace crm {

// Capture: creates the lead, scores it, and assigns it by the rules when no
// owner is given. Returns the lead's id.
std::string capture_lead(Store& store, const Fields& fields);

// The rep the rules give this lead ("" when no rule matches).
std::string assignee_for(Store& store, const Record& lead);
// Assigns by the rules (status new -> assigned); returns the rep or "".
std::string assign_lead(Store& store, const std::string& lead_id);
// Manual reassignment; the change log keeps who had it before.
void reassign_lead(Store& store, const std::string& lead_id, const std::string& user_id);

int64_t score_of(Store& store, const Record& lead);
int64_t rescore_lead(Store& store, const std::string& lead_id);   // writes the score, returns it
void rescore_all_leads(Store& store);
enum class ScoreBand { Cold, Warm, Hot };
ScoreBand score_band(Store& store, int64_t score);                // thresholds from settings
const char* band_name(ScoreBand b);

void qualify_lead(Store& store, const std::string& lead_id);
void disqualify_lead(Store& store, const std::string& lead_id, const std::string& reason);

struct ConvertOptions {
    std::string account_id;              // link to this account, or create one from the lead's company
    std::string contact_id;              // link to this contact, or create one from the lead
    bool create_opportunity = true;
    std::string opportunity_name;        // default: "<company> - <first product interest>" or the company
    int64_t amount = 0;                  // minor units
    std::string currency = "EUR";
    std::string expected_close;          // YYYY-MM-DD, default +90 days
};
struct ConvertResult {
    std::string account_id, contact_id, opportunity_id;
    bool account_created = false, contact_created = false;
};
ConvertResult convert_lead(Store& store, const std::string& lead_id, const ConvertOptions& options = {});

}  // namespace crm
