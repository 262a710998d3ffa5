// calendar.h - tasks and meetings as iCalendar (RFC 5545), for the calendar
// apps reps live in: open tasks become VTODOs with their due time and
// priority, meetings VEVENTs from when they start for their duration (30
// minutes when none was logged). One record, or a rep's next weeks. Times are
// written in UTC, text escaped, lines folded at 75 octets with CRLF ends;
// each item's UID is its record id, so a re-import or a subscribed feed
// updates the entry instead of adding another.
#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "records/store.h"

namespace crm {

struct CalendarOptions {
    std::string owner_id;      // "" every rep's
    int64_t from_ms = 0;       // tasks due and meetings starting in [from, to); 0: now, and open tasks already overdue
    int64_t to_ms = 0;         // 0: four weeks after from
    std::string record_id;     // one task or meeting only (the window is ignored)
};

// Returns how many items were written.
int64_t export_ics(Store& store, std::ostream& out, const CalendarOptions& options = {});

// Calendar feeds: a secret link per rep that calendar apps subscribe to,
// served by the sync server (GET /v1/calendar/WORKSPACE/SECRET.ics: that
// rep's open tasks and meetings of the next 8 weeks). A feed is a shared
// setting "calendar.feed.SECRET" = the rep's user id, so every device of
// the workspace lists it and the server reads it from its replica; revoking
// empties it. The secret (128 random bits) is the only credential.
std::string create_calendar_feed(Store& store, const std::string& owner_id);   // returns the secret
void revoke_calendar_feed(Store& store, const std::string& secret);
std::string calendar_feed_owner(Store& store, const std::string& secret);      // "" unknown or revoked
std::vector<std::pair<std::string, std::string>> calendar_feeds(Store& store);  // (secret, owner id), live ones
// The feed's address on this device's sync server, "" when it does not sync.
std::string calendar_feed_url(Store& store, const std::string& secret);

// The user id for a name or an id ("Ada Rep" or its id); throws std::invalid_argument naming it.
std::string find_user(Store& store, const std::string& name_or_id);

}  // namespace crm
