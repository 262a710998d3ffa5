// cases.h - the case lifecycle: open (numbered CAS-NNNNN, SLA clock started
// from the customer's service tier and the priority), route to a queue and a
// rep, first response, reassign, escalate to second line, resolve, reopen to
// the first owner; SLA status per case and "% within target" per queue; the
// knowledge base searched from a case.
//
// Routing: the tier's queue when one is set (setting "cases.queue.<tier>",
// e.g. Gold customers to Key accounts), else the first first-line queue whose
// case types include the case's type; then the active service rep of that
// queue's line with a matching skill and the fewest open cases.
//
// The SLA clock counts time the case is open: while a case is resolved the
// clock stops, and a reopen moves the resolution due time on by the time it
// spent resolved. Targets come from sla_targets rows (editable), else from
// the defaults of the tier table (sla.h).
#pragma once

#include <string>
#include <vector>

#include "workflows/sla.h"
#include "records/store.h"

namespace crm {

SlaTarget sla_target_for(Store& store, const std::string& tier, const std::string& priority);

// Opens a case: fields as for kCases (subject required; account or contact
// give the tier). Routes it unless a queue or owner is given.
std::string open_case(Store& store, const Fields& fields);

struct Route {
    std::string queue_id, owner_id;
};
Route route_for(Store& store, const std::string& case_type, const std::string& tier, int line);

void respond_to_case(Store& store, const std::string& case_id);                           // first response
void assign_case(Store& store, const std::string& case_id, const std::string& queue_id, const std::string& owner_id);
void escalate_case(Store& store, const std::string& case_id);                             // line 1 -> 2
void resolve_case(Store& store, const std::string& case_id, const std::string& resolution,
                  const std::string& kb_article_id = "");
void reopen_case(Store& store, const std::string& case_id);                               // back to the first owner

struct SlaStatus {
    bool response_met = false, response_breached = false;       // met: responded in time
    bool resolution_met = false, resolution_breached = false;
    int64_t response_left_ms = 0, resolution_left_ms = 0;        // negative when overdue
};
SlaStatus sla_status(const Record& c, int64_t now_ms);

struct QueueStats {
    std::string queue_id, name;
    int64_t cases = 0, open = 0, open_breached = 0;
    int64_t responded = 0, responded_in_time = 0, resolved = 0, resolved_in_time = 0;
    double response_pct() const { return responded ? 100.0 * (double)responded_in_time / (double)responded : 0; }
    double resolution_pct() const { return resolved ? 100.0 * (double)resolved_in_time / (double)resolved : 0; }
};
std::vector<QueueStats> queue_sla_stats(Store& store);

// Knowledge-base articles for a case: any word of its subject and description, best first.
std::vector<Record> suggest_articles(Store& store, const std::string& case_id, int limit = 5);
std::vector<Record> search_articles(Store& store, const std::string& text, int limit = 20);

}  // namespace crm
