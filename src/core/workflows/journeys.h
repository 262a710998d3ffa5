// journeys.h - customer journeys: follow-ups that run themselves.
//
// A journey (kJourneys) starts for a record when its trigger fires - a
// contact enters a segment, a lead comes from a source or a campaign, a case
// is resolved, or a contact's date field (a renewal date, a birthday) is
// near - and then takes its steps, a JSON list:
//   {"wait_days": 3}                                 wait, counted from when the step before was due
//   {"email": "TEMPLATE_ID", "opt_out": "offers"}    send a template (logged on the timeline as a
//                                                    campaign send is; an opted-out or address-less
//                                                    person is skipped, and the skip is logged)
//   {"task": "Call {first_name}", "due_days": 2, "call": true}
//                                                    a task for the record's owner ("call": not for
//                                                    a contact marked do not call; the skip is logged)
//   {"if": "replied"|"opened_case"|"score_above"|"tier", "value": X, "goto": N}
//                                                    go to step N (0-based) when true, else on
//   {"lead_status": "qualified"|"disqualified"}      move the lead
//   {"end": true}
// Each record's way through it is an enrollment (kJourneyEnrollments): the
// next step and when it is due. Both are records: they sync, and every
// device shows where each contact is.
//
// Journeys advance when the app runs (at start and every minute) and from
// `crm journeys run`: everything due since the last run is done once, in
// order - a device closed for a week does the week's steps at its next start,
// each step and the enrollment's move past it in one transaction, so a step
// is never done twice. One device of a team runs them (the shared setting
// "journeys.runner", taken by the device that activates a journey or by
// "Run journeys on this device"): the others show the state and send
// nothing, so two synced devices never both send.
#pragma once

#include <string>
#include <vector>

#include "records/store.h"

namespace crm {

// Throws ValidationError("journeys", "steps", "step 2: ...") naming what is wrong.
void check_journey_steps(const std::string& steps_json);
// A step in words: "Wait 3 days", "Send the e-mail 'Welcome'", ...
std::vector<std::string> journey_step_texts(Store& store, const std::string& steps_json);

// Activates (checks the trigger and steps, records when, and makes this
// device the runner when there is none) or pauses a journey.
void activate_journey(Store& store, const std::string& journey_id);
void pause_journey(Store& store, const std::string& journey_id);

std::string journey_runner(Store& store);            // the device id that runs journeys, or ""
bool journeys_run_here(Store& store);
void run_journeys_on_this_device(Store& store);

struct JourneyRun {
    bool runner_elsewhere = false;   // nothing done: another device runs journeys
    int64_t enrolled = 0, steps = 0, emails = 0, tasks = 0, skipped = 0, finished = 0;
};
// Enrolls what the triggers caught and takes every step due by `now`.
JourneyRun run_journeys(Store& store);

struct JourneyStats {
    std::vector<int64_t> at_step;    // active enrollments waiting at each step
    int64_t enrolled = 0, active = 0, done = 0, exited = 0;
    int64_t replies = 0, leads = 0, won = 0, won_revenue = 0;   // since each entered (minor units)
};
JourneyStats journey_stats(Store& store, const std::string& journey_id);

// Where a contact (or lead) is in each journey, for its record view.
struct JourneyPlace {
    std::string journey_id, journey, status, step, due_at, last_action;
};
std::vector<JourneyPlace> journeys_of(Store& store, const std::string& record_id);

}  // namespace crm
