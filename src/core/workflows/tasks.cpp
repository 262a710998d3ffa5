// tasks.cpp - see tasks.h.
#include "workflows/tasks.h"

#include <algorithm>

#include "workflows/cases.h"
#include "workflows/leads.h"

namespace crm {

namespace {

constexpr int64_t kDayMs = 86400000;

std::vector<Record> open_tasks_between(Store& store, const std::string& owner, const std::string& from, const std::string& to, int limit) {
    Statement& st = store.db().cached(
        "SELECT id FROM tasks WHERE deleted = 0 AND done = 0 AND due_at != '' AND due_at >= ?1 AND due_at < ?2 "
        "AND (?3 = '' OR owner_id = ?3) ORDER BY due_at, id LIMIT ?4");
    st.bind_all(from, to, owner, limit);
    return store.records(kTasks, st);
}

const char* channel_of(const std::string& type) {
    if (type == "call") return "phone";
    if (type == "email") return "email";
    if (type == "meeting" || type == "visit") return "in_person";
    if (type == "chat") return "chat";
    if (type == "sms") return "sms";
    if (type == "web_form") return "web";
    if (type == "letter") return "mail";
    return "";
}

}  // namespace

MyDay my_day(Store& store, const std::string& owner, int64_t now, const LocaleFormat& lf, const OffsetFn& offset) {
    // Local midnights as UTC instants; a week is 7 local days, which is not
    // 7 x 24 hours across a change of summer time.
    // (A local day is 23 to 25 hours long: 26 hours on from its start is in the next.)
    int64_t week = week_start_ms(now, lf, offset);
    int64_t midnight = day_start_ms(day_start_ms(now, offset) + 26 * 3600000LL, offset);   // the end of the user's today
    int64_t next_week = week_start_ms(week + 8 * kDayMs, lf, offset), week_after = week_start_ms(next_week + 8 * kDayMs, lf, offset);
    MyDay d;
    d.overdue = open_tasks_between(store, owner, "0", format_datetime(now), 500);
    d.today = open_tasks_between(store, owner, format_datetime(now), format_datetime(midnight), 500);
    d.this_week = open_tasks_between(store, owner, format_datetime(midnight), format_datetime(std::max(midnight, next_week)), 500);
    d.next_week = open_tasks_between(store, owner, format_datetime(std::max(midnight, next_week)), format_datetime(week_after), 500);
    return d;
}

void complete_task(Store& store, const std::string& id) {
    store.must_get(kTasks, id);
    store.update(kTasks, id, {{"done", int64_t(1)}});
}

void snooze_task(Store& store, const std::string& id, int minutes) {
    if (minutes <= 0) throw ValidationError("tasks", "due_at", "a snooze must move the task later");
    Record t = store.must_get(kTasks, id);
    if (t.integer("done")) throw ValidationError("tasks", "done", "a done task cannot be snoozed");
    int64_t now = store.now_ms();
    auto due = parse_datetime(t.text("due_at"));
    int64_t base = std::max(now, due ? *due : now);
    int64_t new_due = base + (int64_t)minutes * 60000;
    Fields f{{"due_at", format_datetime(new_due)}};
    if (auto remind = parse_datetime(t.text("remind_at")); remind && due)
        f.push_back({"remind_at", format_datetime(std::max(now, new_due - (*due - *remind)))});
    else if (!t.text("remind_at").empty())
        f.push_back({"remind_at", format_datetime(new_due)});
    store.update(kTasks, id, f);
}

std::vector<Record> due_reminders(Store& store, int64_t now, int limit) {
    Statement& st = store.db().cached(
        "SELECT id FROM tasks WHERE deleted = 0 AND done = 0 AND remind_at != '' AND remind_at <= ?1 ORDER BY remind_at, id LIMIT ?2");
    st.bind_all(format_datetime(now), limit);
    return store.records(kTasks, st);
}

int64_t next_reminder_ms(Store& store, int64_t now) {
    Statement& st = store.db().cached("SELECT min(remind_at) FROM tasks WHERE deleted = 0 AND done = 0 AND remind_at > ?1");
    st.bind_all(format_datetime(now));
    int64_t at = 0;
    if (st.step() && !st.column_text(0).empty())
        if (auto t = parse_datetime(st.column_text(0))) at = *t;
    st.reset();
    return at;
}

Logged log_activity(Store& store, const LogActivity& a) {
    Transaction tx(store.db());
    int64_t now = store.now_ms();
    std::string account = a.account_id;
    if (account.empty() && !a.contact_id.empty())
        if (auto c = store.get(kContacts, a.contact_id)) account = c->text("account_id");
    auto ref = [](const std::string& id) { return id.empty() ? Value(std::monostate{}) : Value(id); };
    Fields f{{"type", a.type}, {"direction", a.direction}, {"subject", a.subject}, {"body", a.body}, {"outcome", a.outcome},
             {"duration_s", a.duration_s}, {"occurred_at", format_datetime(now)}, {"contact_id", ref(a.contact_id)},
             {"account_id", ref(account)}, {"lead_id", ref(a.lead_id)}, {"opportunity_id", ref(a.opportunity_id)},
             {"case_id", ref(a.case_id)}, {"owner_id", ref(a.owner_id)}};
    if (*channel_of(a.type)) f.push_back({"channel", channel_of(a.type)});
    Logged out;
    out.activity_id = store.create(kActivities, f);
    if (!a.follow_up_title.empty()) {
        int64_t due = now + (int64_t)a.follow_up_days * kDayMs;
        out.task_id = store.create(kTasks, {{"title", a.follow_up_title}, {"due_at", format_datetime(due)},
                                            {"remind_at", format_datetime(due - 30 * 60000)}, {"contact_id", ref(a.contact_id)},
                                            {"account_id", ref(account)}, {"lead_id", ref(a.lead_id)},
                                            {"opportunity_id", ref(a.opportunity_id)}, {"case_id", ref(a.case_id)},
                                            {"owner_id", ref(a.owner_id)}});
    }
    if (!a.lead_id.empty()) {
        Record lead = store.must_get(kLeads, a.lead_id);
        if (lead.text("status") != "converted" && lead.text("status") != "disqualified") rescore_lead(store, a.lead_id);
    }
    if (!a.case_id.empty() && a.direction != "internal") {
        Record c = store.must_get(kCases, a.case_id);
        if (c.text("status") != "resolved" && c.text("status") != "closed") respond_to_case(store, a.case_id);
    }
    tx.commit();
    return out;
}

}  // namespace crm
