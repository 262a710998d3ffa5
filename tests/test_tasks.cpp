// test_tasks.cpp - My Day's three lists, complete and snooze (the reminder
// moves with the task), due reminders, and logging an interaction with its
// side effects: follow-up task, lead rescoring, a case's first response.
#include "workflows/cases.h"
#include "workflows/leads.h"
#include "workflows/tasks.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {
const int64_t kMin = 60000, kHour = 60 * kMin, kDay = 24 * kHour;
}

TEST_SUITE("tasks") {

TEST_CASE("My Day: overdue, due today, upcoming for one owner") {
    Fixture fx;   // now = 2026-03-01T09:00:00Z
    std::string me = fx.user("Me"), other = fx.user("Other");
    auto task = [&](const char* title, int64_t due, const std::string& owner) {
        return fx.store.create(kTasks, {{"title", title}, {"due_at", format_datetime(due)}, {"owner_id", owner}});
    };
    std::string late = task("Late", fx.now - kHour, me);
    std::string later_today = task("This afternoon", fx.now + 5 * kHour, me);
    std::string tomorrow = task("Tomorrow", fx.now + kDay, me);
    task("Next month", fx.now + 30 * kDay, me);
    task("Someone else's", fx.now + kHour, other);
    std::string done = task("Done already", fx.now - 2 * kHour, me);
    complete_task(fx.store, done);
    // ISO weeks start on Monday: 1 March 2026 is a Sunday, the week's last day.
    MyDay d = my_day(fx.store, me, fx.now);
    REQUIRE(d.overdue.size() == 1);
    CHECK(d.overdue[0].id == late);
    REQUIRE(d.today.size() == 1);
    CHECK(d.today[0].id == later_today);
    CHECK(d.this_week.empty());
    REQUIRE(d.next_week.size() == 1);
    CHECK(d.next_week[0].id == tomorrow);
    // Where weeks start on Sunday, this one has only begun: tomorrow is this week.
    LocaleFormat us;
    us.first_day = 7;
    MyDay sunday = my_day(fx.store, me, fx.now, us);
    REQUIRE(sunday.this_week.size() == 1);
    CHECK(sunday.this_week[0].id == tomorrow);
    CHECK(sunday.next_week.empty());
    // A user 10 hours east of UTC: 19:00 local, so 14:00 UTC is already Monday, next week.
    MyDay east = my_day(fx.store, me, fx.now, iso_locale(), [](int64_t) { return 600; });
    CHECK(east.today.empty());
    CHECK(east.this_week.empty());
    CHECK(east.next_week.size() == 2);
    CHECK(my_day(fx.store, "", fx.now).today.size() == 2);   // everyone's
}

TEST_CASE("complete and snooze; reminders come due and move with a snooze") {
    Fixture fx;
    std::string t = fx.store.create(kTasks, {{"title", "Call back"}, {"due_at", format_datetime(fx.now + kHour)},
                                             {"remind_at", format_datetime(fx.now + 30 * kMin)}});
    CHECK(due_reminders(fx.store, fx.now).empty());
    CHECK(next_reminder_ms(fx.store, fx.now) == fx.now + 30 * kMin);
    fx.tick(31 * kMin);
    REQUIRE(due_reminders(fx.store, fx.now).size() == 1);
    snooze_task(fx.store, t, 60);   // from the due time, which is later than now
    Record r = fx.store.must_get(kTasks, t);
    CHECK(r.text("due_at") == format_datetime(*parse_datetime("2026-03-01T11:00:00Z")));
    CHECK(r.text("remind_at") == format_datetime(*parse_datetime("2026-03-01T10:30:00Z")));   // 30 min before, as before
    CHECK(due_reminders(fx.store, fx.now).empty());
    CHECK(validation_error([&] { snooze_task(fx.store, t, 0); }) == "tasks.due_at: a snooze must move the task later");
    complete_task(fx.store, t);
    CHECK(fx.store.must_get(kTasks, t).text("completed_at") == format_datetime(fx.now));
    CHECK(validation_error([&] { snooze_task(fx.store, t, 10); }) == "tasks.done: a done task cannot be snoozed");
}

TEST_CASE("logging a call records channel, direction, duration and outcome, and can add a follow-up") {
    Fixture fx;
    std::string acc = fx.account(), c = fx.contact("Kim", "Call", acc);
    LogActivity a;
    a.type = "call";
    a.direction = "inbound";
    a.subject = "Pricing question";
    a.outcome = "connected";
    a.duration_s = 420;
    a.contact_id = c;
    a.follow_up_title = "Send the price list";
    a.follow_up_days = 2;
    Logged l = log_activity(fx.store, a);
    Record act = fx.store.must_get(kActivities, l.activity_id);
    CHECK(act.text("channel") == "phone");
    CHECK(act.text("direction") == "inbound");
    CHECK(act.integer("duration_s") == 420);
    CHECK(act.text("outcome") == "connected");
    CHECK(act.text("account_id") == acc);   // from the contact
    Record task = fx.store.must_get(kTasks, l.task_id);
    CHECK(task.text("title") == "Send the price list");
    CHECK(task.text("due_at") == format_datetime(fx.now + 2 * kDay));
    CHECK(task.text("contact_id") == c);
}

TEST_CASE("an interaction rescores its lead and counts as a case's first response") {
    Fixture fx;
    fx.store.create(kScoringRules, {{"kind", "action"}, {"action", "meeting"}, {"points", int64_t(30)}});
    std::string lead = capture_lead(fx.store, {{"last_name", "Prospect"}});
    LogActivity m;
    m.type = "meeting";
    m.lead_id = lead;
    log_activity(fx.store, m);
    CHECK(fx.store.must_get(kLeads, lead).integer("score") == 30);

    std::string cs = open_case(fx.store, {{"subject", "Broken"}});
    fx.tick(5 * kMin);
    LogActivity e;
    e.type = "email";
    e.case_id = cs;
    log_activity(fx.store, e);
    Record c = fx.store.must_get(kCases, cs);
    CHECK(c.text("first_response_at") == format_datetime(fx.now));
    CHECK(c.text("status") == "in_progress");
}

}
