// journeys.cpp - see journeys.h.
#include "workflows/journeys.h"

#include <nlohmann/json.hpp>

#include <set>

#include "base/util.h"
#include "workflows/campaigns.h"
#include "workflows/leads.h"

namespace crm {

using nlohmann::json;

namespace {

constexpr int64_t kDayMs = 86400000;
const std::set<std::string> kOptOuts = {"offers", "newsletter", "product_news", "events", "surveys", "partners"};
const std::set<std::string> kConditions = {"replied", "opened_case", "score_above", "tier"};

[[noreturn]] void bad(const std::string& what) { throw ValidationError("journeys", "steps", what); }

json parse_steps(const std::string& text) {
    if (trim(text).empty()) return json::array();
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) bad("the steps are not valid JSON (a list such as [{\"wait_days\": 3}, {\"email\": \"...\"}])");
    if (!j.is_array()) bad("the steps must be a list");
    return j;
}

int64_t ms_of(const std::string& t) { return parse_datetime(t).value_or(0); }

// What the step at `i` reads as.
std::string step_text(Store& store, const json& s) {
    if (s.contains("wait_days")) {
        int64_t n = s["wait_days"].get<int64_t>();
        return "Wait " + std::to_string(n) + (n == 1 ? " day" : " days");
    }
    if (s.contains("email")) {
        auto t = store.get(kEmailTemplates, s["email"].get<std::string>());
        return "Send the e-mail '" + (t ? t->text("name") : std::string("(removed template)")) + "'";
    }
    if (s.contains("task")) return std::string(s.value("call", false) ? "Call task: " : "Task: ") + s["task"].get<std::string>();
    if (s.contains("if")) {
        std::string c = s["if"].get<std::string>(), v = s.contains("value") ? (s["value"].is_string() ? s["value"].get<std::string>() : s["value"].dump()) : "";
        std::string what = c == "replied" ? "replied" : c == "opened_case" ? "opened a case" : c == "score_above" ? "score above " + v : "tier is " + v;
        return "If " + what + ", go to step " + std::to_string(s["goto"].get<int64_t>() + 1);
    }
    if (s.contains("lead_status")) return "Lead status: " + s["lead_status"].get<std::string>();
    return "End";
}

//-----------------------------------------------------------------------------
// Running
//-----------------------------------------------------------------------------

struct Runner {
    Store& store;
    Database& db;
    int64_t now;
    JourneyRun run;

    explicit Runner(Store& s) : store(s), db(s.db()), now(s.now_ms()) {}

    bool enrolled(const std::string& journey, const char* column, const std::string& id, const std::string& key = "") {
        Statement& st = db.cached(std::string("SELECT 1 FROM journey_enrollments WHERE journey_id = ?1 AND ") + column +
                                  " = ?2 AND trigger_key = ?3 AND deleted = 0");
        st.bind_all(journey, id, key);
        bool found = st.step();
        st.reset();
        return found;
    }

    void enroll(const Record& j, const std::string& contact, const std::string& lead, const std::string& kase, const std::string& key) {
        Fields f{{"journey_id", j.id}, {"step", int64_t(0)}, {"due_at", format_datetime(now)}, {"entered_at", format_datetime(now)},
                 {"trigger_key", key}};
        if (!contact.empty()) f.push_back({"contact_id", contact});
        if (!lead.empty()) f.push_back({"lead_id", lead});
        if (!kase.empty()) f.push_back({"case_id", kase});
        store.create(kJourneyEnrollments, f);
        run.enrolled++;
    }

    // The records the journey's trigger caught that are not in it yet.
    void enroll_new(const Record& j) {
        std::string trigger = j.text("trigger"), since = j.text("activated_at");
        Transaction tx(db);
        if (trigger == "segment_entered") {
            if (j.text("segment_id").empty()) return;
            auto seg = store.get(kSegments, j.text("segment_id"));
            if (!seg) return;
            for (const std::string& c : segment_members(store, seg->text("rules")))
                if (!enrolled(j.id, "contact_id", c)) enroll(j, c, "", "", "");
        } else if (trigger == "lead_created") {
            Statement st = db.prepare("SELECT id FROM leads WHERE deleted = 0 AND created_at >= ?1 AND (?2 = '' OR source = ?2) "
                                      "AND (?3 IS NULL OR campaign_id = ?3) AND status NOT IN ('converted', 'disqualified') ORDER BY created_at, id");
            st.bind_all(since, j.text("lead_source"), j.get("campaign_id"));
            std::vector<std::string> ids;
            while (st.step()) ids.push_back(st.column_text(0));
            for (const std::string& l : ids)
                if (!enrolled(j.id, "lead_id", l)) enroll(j, "", l, "", "");
        } else if (trigger == "case_resolved") {
            Statement st = db.prepare("SELECT id, contact_id FROM cases WHERE deleted = 0 AND resolved_at >= ?1 AND resolved_at <> '' "
                                      "AND status IN ('resolved', 'closed') ORDER BY resolved_at, id");
            st.bind_all(since);
            std::vector<std::pair<std::string, std::string>> ids;
            while (st.step()) ids.push_back({st.column_text(0), st.column_text(1)});
            for (auto& [k, c] : ids)
                if (!enrolled(j.id, "case_id", k)) enroll(j, c, "", k, "");
        } else if (trigger == "date_reached") {
            // The date on or after the day the journey started (past dates do not fire), within days_before of today.
            const FieldSpec* f = kContacts.field(j.text("date_field"));
            if (!f || f->type != FieldType::Date) return;
            std::string today = format_datetime(now).substr(0, 10), until = format_datetime(now + j.integer("days_before") * kDayMs).substr(0, 10);
            std::string from = since.substr(0, 10);
            Statement st = db.prepare(std::string("SELECT id, ") + f->name + " FROM contacts WHERE deleted = 0 AND " + f->name + " <> '' AND " +
                                      f->name + " >= ?1 AND " + f->name + " <= ?2 ORDER BY id");
            st.bind_all(std::max(from, today), until);
            std::vector<std::pair<std::string, std::string>> ids;
            while (st.step()) ids.push_back({st.column_text(0), st.column_text(1)});
            for (auto& [c, date] : ids)
                if (!enrolled(j.id, "contact_id", c, date)) enroll(j, c, "", "", date);
        }
        tx.commit();
    }

    bool condition(const json& s, const Record& e) {
        std::string c = s["if"].get<std::string>();
        std::string contact = e.text("contact_id"), lead = e.text("lead_id"), since = e.text("entered_at");
        auto any = [&](const std::string& sql, const Value& a, const Value& b) {
            Statement& st = db.cached(sql);
            st.bind_all(a, b);
            bool found = st.step();
            st.reset();
            return found;
        };
        if (c == "replied") {
            return (!contact.empty() && any("SELECT 1 FROM activities WHERE contact_id = ?1 AND direction = 'inbound' AND occurred_at >= ?2 AND deleted = 0", contact, since)) ||
                   (!lead.empty() && any("SELECT 1 FROM activities WHERE lead_id = ?1 AND direction = 'inbound' AND occurred_at >= ?2 AND deleted = 0", lead, since));
        }
        if (c == "opened_case") return !contact.empty() && any("SELECT 1 FROM cases WHERE contact_id = ?1 AND created_at >= ?2 AND deleted = 0", contact, since);
        if (c == "score_above") {
            if (lead.empty()) return false;
            auto l = store.get(kLeads, lead);
            return l && l->integer("score") > s["value"].get<int64_t>();
        }
        // tier: the contact's account's, or the case's
        std::string want = s["value"].get<std::string>(), tier;
        if (!e.text("case_id").empty())
            if (auto k = store.get(kCases, e.text("case_id"))) tier = k->text("tier");
        if (tier.empty() && !contact.empty())
            if (auto p = store.get(kContacts, contact); p && !p->text("account_id").empty())
                if (auto a = store.get(kAccounts, p->text("account_id"))) tier = a->text("tier");
        return ascii_lower(tier) == ascii_lower(want);
    }

    // Does step `s` for enrollment `e`; returns what it did, for the record view.
    std::string act(const json& s, const Record& e, const Record& journey) {
        std::optional<Record> person;
        const EntitySpec* kind = nullptr;
        if (!e.text("contact_id").empty()) person = store.get(*(kind = &kContacts), e.text("contact_id"));
        else if (!e.text("lead_id").empty()) person = store.get(*(kind = &kLeads), e.text("lead_id"));
        if (s.contains("email")) {
            auto tmpl = store.get(kEmailTemplates, s["email"].get<std::string>());
            std::string category = s.value("opt_out", std::string("offers"));
            if (!person || !tmpl) return "skipped: the template or the person is gone";
            if (person->text("email").empty()) { run.skipped++; return "skipped: no e-mail address"; }
            if (kind == &kContacts && person->integer("opt_out_" + category)) { run.skipped++; return "skipped: opted out of " + category; }
            std::string subject = render_template(store, tmpl->text("subject"), *person);
            Fields f{{"type", "email"}, {"direction", "outbound"}, {"channel", "email"}, {"occurred_at", format_datetime(now)},
                     {"subject", subject}, {"body", render_template(store, tmpl->text("body"), *person)},
                     {"outcome", "journey: " + journey.text("name")}};
            if (kind == &kContacts) {
                f.push_back({"contact_id", person->id});
                if (!person->text("account_id").empty()) f.push_back({"account_id", person->text("account_id")});
            } else {
                f.push_back({"lead_id", person->id});
            }
            if (!person->text("owner_id").empty()) f.push_back({"owner_id", person->text("owner_id")});
            store.create(kActivities, f);
            run.emails++;
            return "sent '" + subject + "'";
        }
        if (s.contains("task")) {
            // A call to make is not set for someone who asked not to be called.
            if (s.value("call", false) && kind == &kContacts && person && person->integer("do_not_call")) {
                run.skipped++;
                return "skipped: do not call";
            }
            std::string title = person ? render_template(store, s["task"].get<std::string>(), *person) : s["task"].get<std::string>();
            Fields f{{"title", title}, {"due_at", format_datetime(now + s.value("due_days", int64_t(1)) * kDayMs)},
                     {"note", "From the journey " + journey.text("name")}};
            if (person && !person->text("owner_id").empty()) f.push_back({"owner_id", person->text("owner_id")});
            if (kind == &kContacts && person) f.push_back({"contact_id", person->id});
            if (kind == &kLeads && person) f.push_back({"lead_id", person->id});
            if (!e.text("case_id").empty()) f.push_back({"case_id", e.text("case_id")});
            store.create(kTasks, f);
            run.tasks++;
            return "task '" + title + "'";
        }
        if (s.contains("lead_status")) {
            std::string lead = e.text("lead_id"), to = s["lead_status"].get<std::string>();
            if (lead.empty()) return "skipped: no lead";
            auto l = store.get(kLeads, lead);
            if (!l || l->text("status") == "converted" || l->text("status") == to) return "lead already " + (l ? l->text("status") : "gone");
            if (to == "qualified") qualify_lead(store, lead);
            else if (to == "disqualified") disqualify_lead(store, lead, "journey: " + journey.text("name"));
            else store.update(kLeads, lead, {{"status", to}});
            return "lead " + to;
        }
        return "";
    }

    // Takes the steps of one enrollment due by now, each with its move in one transaction.
    void advance(const std::string& id) {
        for (int guard = 0; guard < 100; guard++) {
            Transaction tx(db);
            Record e = store.must_get(kJourneyEnrollments, id);
            if (e.text("status") != "active") return;
            auto journey = store.get(kJourneys, e.text("journey_id"));
            if (!journey || journey->text("status") != "active") return;   // paused: waits where it is
            int64_t due = ms_of(e.text("due_at"));
            if (due > now) return;
            // The person left (deleted, erased): the journey ends for them.
            bool gone = (!e.text("contact_id").empty() && !store.exists(kContacts, e.text("contact_id"))) ||
                        (!e.text("lead_id").empty() && !store.exists(kLeads, e.text("lead_id")));
            try {
                check_journey_steps(journey->text("steps"));   // steps made wrong since (an edit, a sync) wait for a fix
            } catch (const ValidationError&) {
                return;
            }
            json steps = parse_steps(journey->text("steps"));
            int64_t i = e.integer("step");
            if (gone || i >= (int64_t)steps.size() || steps[(size_t)i].contains("end")) {
                // The last step taken stays in view; one who left says so.
                Fields f{{"status", gone ? "exited" : "done"}};
                if (gone) f.push_back({"last_action", "left: the record was removed"});
                store.update(kJourneyEnrollments, id, f);
                tx.commit();
                run.finished++;
                return;
            }
            const json& s = steps[(size_t)i];
            Fields f;
            if (s.contains("wait_days")) {
                // From when the wait began (the step was due), not from now: a week closed does a week's steps.
                f = {{"step", i + 1}, {"due_at", format_datetime(due + s["wait_days"].get<int64_t>() * kDayMs)}};
            } else if (s.contains("if")) {
                f = {{"step", condition(s, e) ? s["goto"].get<int64_t>() : i + 1}};
            } else {
                f = {{"step", i + 1}, {"last_action", act(s, e, *journey)}};
            }
            store.update(kJourneyEnrollments, id, f);
            tx.commit();
            run.steps++;
        }
    }

    void all() {
        {
            Statement st = db.prepare("SELECT id FROM journeys WHERE deleted = 0 AND status = 'active' ORDER BY created_at, id");
            std::vector<std::string> ids;
            while (st.step()) ids.push_back(st.column_text(0));
            for (const std::string& j : ids) enroll_new(store.must_get(kJourneys, j));
        }
        Statement st = db.prepare("SELECT id FROM journey_enrollments WHERE deleted = 0 AND status = 'active' AND due_at <= ? ORDER BY due_at, id");
        st.bind_all(format_datetime(now));
        std::vector<std::string> ids;
        while (st.step()) ids.push_back(st.column_text(0));
        for (const std::string& id : ids) advance(id);
    }
};

}  // namespace

//-----------------------------------------------------------------------------
// Steps
//-----------------------------------------------------------------------------

void check_journey_steps(const std::string& text) {
    json steps = parse_steps(text);
    for (size_t i = 0; i < steps.size(); i++) {
        const json& s = steps[i];
        std::string at = "step " + std::to_string(i + 1) + ": ";
        if (!s.is_object() || s.size() == 0) bad(at + "must be an object such as {\"wait_days\": 3}");
        auto whole = [&](const char* key, int64_t min) {
            if (!s[key].is_number_integer() || s[key].get<int64_t>() < min) bad(at + key + " must be a whole number of at least " + std::to_string(min));
        };
        if (s.contains("wait_days")) whole("wait_days", 0);
        else if (s.contains("email")) {
            if (!s["email"].is_string() || s["email"].get<std::string>().empty()) bad(at + "email names an e-mail template's id");
            if (s.contains("opt_out") && (!s["opt_out"].is_string() || !kOptOuts.count(s["opt_out"].get<std::string>())))
                bad(at + "opt_out is one of offers, newsletter, product_news, events, surveys, partners");
        } else if (s.contains("task")) {
            if (!s["task"].is_string() || trim(s["task"].get<std::string>()).empty()) bad(at + "task needs a title");
            if (s.contains("due_days")) whole("due_days", 0);
            if (s.contains("call") && !s["call"].is_boolean()) bad(at + "call is true or false (a call: skipped for do-not-call contacts)");
        } else if (s.contains("if")) {
            if (!s["if"].is_string() || !kConditions.count(s["if"].get<std::string>())) bad(at + "if is one of replied, opened_case, score_above, tier");
            std::string c = s["if"].get<std::string>();
            if (c == "score_above" && !(s.contains("value") && s["value"].is_number_integer())) bad(at + "score_above needs a whole number value");
            if (c == "tier" && !(s.contains("value") && s["value"].is_string())) bad(at + "tier needs a value such as \"Gold\"");
            if (!s.contains("goto")) bad(at + "if needs a goto (the step to go to, counted from 0)");
            whole("goto", 0);
            if (s["goto"].get<int64_t>() > (int64_t)steps.size()) bad(at + "goto is past the last step");
        } else if (s.contains("lead_status")) {
            static const std::set<std::string> ok = {"assigned", "qualified", "disqualified"};
            if (!s["lead_status"].is_string() || !ok.count(s["lead_status"].get<std::string>())) bad(at + "lead_status is assigned, qualified or disqualified");
        } else if (!s.contains("end")) {
            bad(at + "is not a step (wait_days, email, task, if, lead_status, end)");
        }
    }
}

std::vector<std::string> journey_step_texts(Store& store, const std::string& steps_json) {
    check_journey_steps(steps_json);
    std::vector<std::string> out;
    json steps = parse_steps(steps_json);
    for (const json& s : steps) out.push_back(step_text(store, s));
    return out;
}

//-----------------------------------------------------------------------------
// Activation and the runner
//-----------------------------------------------------------------------------

void activate_journey(Store& store, const std::string& id) {
    Record j = store.must_get(kJourneys, id);
    check_journey_steps(j.text("steps"));
    if (parse_steps(j.text("steps")).empty()) bad("a journey needs at least one step");
    std::string t = j.text("trigger");
    if (t == "segment_entered" && j.text("segment_id").empty()) throw ValidationError("journeys", "segment_id", "choose the segment contacts enter");
    if (t == "lead_created" && j.text("lead_source").empty() && j.text("campaign_id").empty())
        throw ValidationError("journeys", "lead_source", "choose a lead source or a campaign");
    if (t == "date_reached") {
        const FieldSpec* f = kContacts.field(j.text("date_field"));
        if (!f || f->type != FieldType::Date) {
            std::string names;
            for (const FieldSpec& d : kContacts.fields)
                if (d.type == FieldType::Date && !d.has(F_Hidden)) names += (names.empty() ? "" : ", ") + std::string(d.name);
            throw ValidationError("journeys", "date_field", "'" + j.text("date_field") + "' is not a date field of contacts (" + names + ")");
        }
    }
    Transaction tx(store.db());
    Fields f{{"status", "active"}};
    if (j.text("activated_at").empty()) f.push_back({"activated_at", format_datetime(store.now_ms())});
    store.update(kJourneys, id, f);
    if (journey_runner(store).empty()) run_journeys_on_this_device(store);
    tx.commit();
}

void pause_journey(Store& store, const std::string& id) { store.update(kJourneys, id, {{"status", "paused"}}); }

std::string journey_runner(Store& store) { return store.setting("journeys.runner"); }
bool journeys_run_here(Store& store) { return journey_runner(store) == store.device_id(); }
void run_journeys_on_this_device(Store& store) { store.set_setting("journeys.runner", store.device_id()); }

JourneyRun run_journeys(Store& store) {
    if (!journeys_run_here(store)) {
        JourneyRun r;
        r.runner_elsewhere = true;
        return r;
    }
    Runner r(store);
    r.all();
    return r.run;
}

//-----------------------------------------------------------------------------
// Results and places
//-----------------------------------------------------------------------------

JourneyStats journey_stats(Store& store, const std::string& id) {
    Database& db = store.db();
    Record j = store.must_get(kJourneys, id);
    JourneyStats s;
    s.at_step.assign(parse_steps(j.text("steps")).size() + 1, 0);
    Statement st = db.prepare("SELECT status, step, count(*) FROM journey_enrollments WHERE journey_id = ? AND deleted = 0 GROUP BY status, step");
    st.bind_all(id);
    while (st.step()) {
        std::string status = st.column_text(0);
        int64_t n = st.column_int(2), step = st.column_int(1);
        s.enrolled += n;
        if (status == "active") {
            s.active += n;
            if (step >= 0 && step < (int64_t)s.at_step.size()) s.at_step[(size_t)step] += n;
        } else if (status == "done") s.done += n;
        else s.exited += n;
    }
    auto one = [&](const std::string& sql) {
        Statement q = db.prepare(sql);
        q.bind_all(id);
        q.step();
        return q.column_int(0);
    };
    s.replies = one("SELECT count(*) FROM journey_enrollments e JOIN activities a ON (a.contact_id = e.contact_id OR a.lead_id = e.lead_id) "
                    "WHERE e.journey_id = ?1 AND e.deleted = 0 AND a.deleted = 0 AND a.direction = 'inbound' AND a.occurred_at >= e.entered_at");
    s.leads = one("SELECT count(*) FROM journey_enrollments e JOIN leads l ON l.id = e.lead_id WHERE e.journey_id = ?1 AND e.deleted = 0 "
                  "AND l.status IN ('qualified', 'converted')");
    std::string won = "FROM journey_enrollments e JOIN opportunities o ON (o.contact_id = e.contact_id OR o.lead_id = e.lead_id) "
                      "WHERE e.journey_id = ?1 AND e.deleted = 0 AND o.deleted = 0 AND o.stage = 'won' AND o.closed_at >= e.entered_at";
    s.won = one("SELECT count(DISTINCT o.id) " + won);
    s.won_revenue = one("SELECT coalesce(sum(amount), 0) FROM opportunities WHERE id IN (SELECT o.id " + won + ")");
    return s;
}

std::vector<JourneyPlace> journeys_of(Store& store, const std::string& record_id) {
    std::vector<JourneyPlace> out;
    Statement st = store.db().prepare("SELECT e.journey_id, j.name, e.status, e.step, e.due_at, e.last_action, j.steps FROM journey_enrollments e "
                                      "JOIN journeys j ON j.id = e.journey_id WHERE (e.contact_id = ?1 OR e.lead_id = ?1) AND e.deleted = 0 "
                                      "ORDER BY e.entered_at DESC");
    st.bind_all(record_id);
    while (st.step()) {
        JourneyPlace p{st.column_text(0), st.column_text(1), st.column_text(2), "", st.column_text(4), st.column_text(5)};
        std::vector<std::string> texts;
        try {
            texts = journey_step_texts(store, st.column_text(6));
        } catch (const ValidationError&) {
        }
        int64_t i = st.column_int(3);
        if (p.status == "active")
            p.step = "step " + std::to_string(i + 1) + " of " + std::to_string(texts.size()) + (i < (int64_t)texts.size() ? ": " + texts[(size_t)i] : "");
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace crm
