// tasks.h - tasks and logged interactions: My Day (overdue, due today,
// upcoming), complete and snooze, reminders that are due, and logging a call,
// e-mail or meeting with its channel, direction, duration and outcome,
// optionally with a follow-up task.
#pragma once

#include "base/locale.h"

#include <string>
#include <vector>

#include "records/store.h"

namespace crm {

struct MyDay {
    // Open tasks, by due time: past due; due by the end of the user's day;
    // from tomorrow to the end of the week; the week after.
    std::vector<Record> overdue, today, this_week, next_week;
};
// For one owner ("" = everyone). Days end at the user's midnight (`offset`:
// minutes east of UTC at an instant; none: UTC) and weeks start on the
// locale's first day (Monday in ISO, Sunday in the US).
MyDay my_day(Store& store, const std::string& owner_id, int64_t now_ms, const LocaleFormat& lf = iso_locale(), const OffsetFn& offset = {});

void complete_task(Store& store, const std::string& task_id);
// Moves the due time (and the reminder with it) on by `minutes` from now or from the due time, whichever is later.
void snooze_task(Store& store, const std::string& task_id, int minutes);
// Open tasks whose reminder time has come (remind_at <= now) and that are not done.
std::vector<Record> due_reminders(Store& store, int64_t now_ms, int limit = 20);
// The time of the next reminder after now (0 when none): the app wakes for it.
int64_t next_reminder_ms(Store& store, int64_t now_ms);

struct LogActivity {
    std::string type = "call";            // call, email, meeting, note, chat, visit, sms, ...
    std::string direction = "outbound";   // inbound, outbound, internal
    std::string subject, body, outcome;
    int64_t duration_s = 0;
    std::string contact_id, account_id, lead_id, opportunity_id, case_id, owner_id;
    // A follow-up task, when follow_up_title is set.
    std::string follow_up_title;
    int follow_up_days = 7;
};
struct Logged {
    std::string activity_id, task_id;
};
// Records the interaction (channel from its type) now; the contact's account is
// filled in; a lead's score is recomputed; a case gets its first response.
Logged log_activity(Store& store, const LogActivity& a);

}  // namespace crm
