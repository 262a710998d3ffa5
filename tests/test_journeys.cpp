// test_journeys.cpp - customer journeys: a trigger enrolls records, steps
// run when due and exactly once (a device closed for a week catches up in
// one run, a second run does nothing), opt-outs are respected, branches and
// lead moves work, a date field fires ahead of the date, one device of a
// synced team runs them and the other sends nothing, and each contact's
// place and the journey's results are there to show.
#include "records/custom_fields.h"
#include "sync/merge.h"
#include "workflows/journeys.h"
#include "workflows/leads.h"
#include "testing.h"

using namespace crm;
using namespace crm::testing;

namespace {

constexpr int64_t kDay = 86400000;

struct JourneyFixture : Fixture {
    std::string tmpl, tmpl2, segment;
    JourneyFixture() {
        tmpl = store.create(kEmailTemplates, {{"name", "Welcome"}, {"subject", "Welcome, {first_name}"}, {"body", "Hello {first_name|there}"}});
        tmpl2 = store.create(kEmailTemplates, {{"name", "Second"}, {"subject", "Still there, {first_name}?"}, {"body", "..."}});
        segment = store.create(kSegments, {{"name", "Porto"}, {"rules", R"({"field": "city", "value": "Porto"})"}});
    }
    std::string person(const char* first, const char* city = "Porto", bool opted_out = false) {
        return store.create(kContacts, {{"first_name", first}, {"last_name", "Silva"}, {"city", city},
                                        {"email", std::string(first) + "@example.com"}, {"opt_out_offers", int64_t(opted_out)}});
    }
    std::string journey(const std::string& steps, Fields more = {}) {
        Fields f{{"name", "Onboarding"}, {"trigger", "segment_entered"}, {"segment_id", segment}, {"steps", steps}};
        for (auto& m : more) f.push_back(m);
        std::string id = store.create(kJourneys, f);
        activate_journey(store, id);
        return id;
    }
    int64_t emails(const std::string& contact) {
        return db.query_int("SELECT count(*) FROM activities WHERE type = 'email' AND contact_id = '" + contact + "'");
    }
};

}  // namespace

TEST_SUITE("journeys") {

TEST_CASE("steps are checked, saying which step and what is wrong") {
    CHECK_NOTHROW(check_journey_steps(R"([{"wait_days": 3}, {"email": "x"}, {"task": "Call", "due_days": 1},
                                         {"if": "replied", "goto": 5}, {"lead_status": "qualified"}, {"end": true}])"));
    CHECK_THROWS_WITH_AS(check_journey_steps("[{\"wait_days\": -1}]"), doctest::Contains("step 1: wait_days must be a whole number of at least 0"), ValidationError);
    CHECK_THROWS_WITH_AS(check_journey_steps("[{\"end\": true}, {\"if\": \"weather\", \"goto\": 0}]"), doctest::Contains("step 2: if is one of"), ValidationError);
    CHECK_THROWS_WITH_AS(check_journey_steps("[{\"if\": \"replied\"}]"), doctest::Contains("needs a goto"), ValidationError);
    CHECK_THROWS_WITH_AS(check_journey_steps("[{\"fly\": 1}]"), doctest::Contains("is not a step"), ValidationError);
    CHECK_THROWS_WITH_AS(check_journey_steps("{"), doctest::Contains("not valid JSON"), ValidationError);
    CHECK_THROWS_WITH_AS(check_journey_steps("[{\"email\": \"x\", \"opt_out\": \"spam\"}]"), doctest::Contains("opt_out is one of"), ValidationError);
}

TEST_CASE("a segment journey: each step once when due, a week closed caught up in one run, a second run does nothing") {
    JourneyFixture fx;
    std::string ana = fx.person("Ana"), bea = fx.person("Bea"), lyon = fx.person("Carl", "Lyon");
    std::string j = fx.journey("[{\"email\": \"" + fx.tmpl + "\"}, {\"wait_days\": 2}, {\"email\": \"" + fx.tmpl2 +
                               "\"}, {\"wait_days\": 2}, {\"task\": \"Call {first_name}\", \"due_days\": 1}, {\"end\": true}]");
    CHECK(journeys_run_here(fx.store));   // the device that activated it runs it
    JourneyRun r = run_journeys(fx.store);
    CHECK(r.enrolled == 2);
    CHECK(r.emails == 2);
    CHECK(fx.emails(ana) == 1);
    CHECK(fx.emails(lyon) == 0);
    CHECK(fx.db.query_text("SELECT subject FROM activities WHERE contact_id = '" + ana + "'") == "Welcome, Ana");
    // Again at once: nothing more.
    r = run_journeys(fx.store);
    CHECK(r.enrolled == 0);
    CHECK(r.steps == 0);
    CHECK(fx.emails(ana) == 1);
    // A week closed: one run does both waits, the second e-mail and the task, once.
    fx.now += 7 * kDay;
    r = run_journeys(fx.store);
    CHECK(r.emails == 2);
    CHECK(r.tasks == 2);
    CHECK(r.finished == 2);
    CHECK(fx.emails(ana) == 2);
    CHECK(fx.db.query_int("SELECT count(*) FROM tasks WHERE contact_id = '" + ana + "' AND title = 'Call Ana'") == 1);
    r = run_journeys(fx.store);
    CHECK(r.steps + r.emails + r.tasks + r.finished == 0);
    CHECK(fx.emails(ana) == 2);
    JourneyStats s = journey_stats(fx.store, j);
    CHECK(s.enrolled == 2);
    CHECK(s.done == 2);
    // A contact who joins the segment later starts from the beginning.
    fx.store.update(kContacts, lyon, {{"city", "Porto"}});
    r = run_journeys(fx.store);
    CHECK(r.enrolled == 1);
    CHECK(fx.emails(lyon) == 1);
    std::vector<JourneyPlace> places = journeys_of(fx.store, lyon);
    REQUIRE(places.size() == 1);
    CHECK(places[0].journey == "Onboarding");
    CHECK(places[0].step == "step 3 of 6: Send the e-mail 'Second'");
    CHECK(places[0].last_action == "sent 'Welcome, Carl'");
}

TEST_CASE("an opted-out contact gets no e-mail, a do-not-call one no call task, and the skip is on record; a paused journey waits") {
    JourneyFixture fx;
    std::string out = fx.person("Olga", "Porto", true);
    std::string j = fx.journey("[{\"email\": \"" + fx.tmpl + "\"}, {\"wait_days\": 1}, {\"email\": \"" + fx.tmpl2 + "\", \"opt_out\": \"newsletter\"}]");
    JourneyRun r = run_journeys(fx.store);
    CHECK(r.skipped == 1);
    CHECK(fx.emails(out) == 0);
    CHECK(journeys_of(fx.store, out)[0].last_action == "skipped: opted out of offers");
    pause_journey(fx.store, j);
    fx.now += 3 * kDay;
    r = run_journeys(fx.store);
    CHECK(r.steps == 0);
    activate_journey(fx.store, j);
    r = run_journeys(fx.store);
    CHECK(fx.emails(out) == 1);   // the newsletter category is not opted out

    // A call task is not set for a contact who asked not to be called.
    std::string quiet = fx.store.create(kContacts, {{"last_name", "Quiet"}, {"city", "Lyon"}, {"do_not_call", int64_t(1)}});
    std::string seg = fx.store.create(kSegments, {{"name", "Lyon"}, {"rules", R"({"field": "city", "value": "Lyon"})"}});
    std::string calls = fx.store.create(kJourneys, {{"name", "Calls"}, {"trigger", "segment_entered"}, {"segment_id", seg},
                                                   {"steps", R"([{"task": "Call {last_name}", "call": true}, {"task": "Send a card to {last_name}"}])"}});
    activate_journey(fx.store, calls);
    r = run_journeys(fx.store);
    CHECK(fx.db.query_int("SELECT count(*) FROM tasks WHERE contact_id = '" + quiet + "' AND title = 'Call Quiet'") == 0);
    CHECK(fx.db.query_int("SELECT count(*) FROM tasks WHERE contact_id = '" + quiet + "' AND title = 'Send a card to Quiet'") == 1);
    CHECK(journey_step_texts(fx.store, fx.store.must_get(kJourneys, calls).text("steps"))[0] == "Call task: Call {last_name}");
}

TEST_CASE("branches: a reply skips the reminder; a lead journey qualifies a hot lead and ends") {
    JourneyFixture fx;
    std::string ana = fx.person("Ana"), bea = fx.person("Bea");
    fx.journey("[{\"email\": \"" + fx.tmpl + "\"}, {\"wait_days\": 3}, {\"if\": \"replied\", \"goto\": 4}, {\"email\": \"" + fx.tmpl2 +
               "\"}, {\"end\": true}]");
    run_journeys(fx.store);
    fx.now += kDay;
    fx.store.create(kActivities, {{"type", "email"}, {"direction", "inbound"}, {"occurred_at", format_datetime(fx.now)}, {"contact_id", ana},
                                  {"subject", "Re: Welcome"}});
    fx.now += 3 * kDay;
    run_journeys(fx.store);
    CHECK(fx.emails(ana) == 2);   // the welcome and the reply: no reminder
    CHECK(fx.emails(bea) == 2);   // the welcome and the reminder

    std::string lj = fx.store.create(kJourneys, {{"name", "Webinar leads"}, {"trigger", "lead_created"}, {"lead_source", "webinar"},
                                                {"steps", R"([{"if": "score_above", "value": 20, "goto": 2}, {"end": true}, {"lead_status": "qualified"}])"}});
    activate_journey(fx.store, lj);
    fx.tick();
    std::string hot = capture_lead(fx.store, {{"last_name", "Hot"}, {"source", "webinar"}});
    fx.store.update(kLeads, hot, {{"score", int64_t(50)}});
    std::string other = capture_lead(fx.store, {{"last_name", "Other"}, {"source", "referral"}});
    JourneyRun r = run_journeys(fx.store);
    CHECK(r.enrolled == 1);
    CHECK(fx.store.must_get(kLeads, hot).text("status") == "qualified");
    CHECK(fx.store.must_get(kLeads, other).text("status") != "qualified");
    CHECK(journey_stats(fx.store, lj).leads == 1);
}

TEST_CASE("a date field fires days ahead, once per date; past dates do not") {
    JourneyFixture fx;
    add_custom_field(fx.store, {"contacts", "Renewal date", "date"});
    std::string soon = fx.store.create(kContacts, {{"last_name", "Soon"}, {"email", "soon@example.com"}, {"cf_renewal_date", "2026-03-20"}});
    std::string later = fx.store.create(kContacts, {{"last_name", "Later"}, {"cf_renewal_date", "2026-06-01"}});
    std::string past = fx.store.create(kContacts, {{"last_name", "Past"}, {"cf_renewal_date", "2026-01-01"}});
    std::string j = fx.store.create(kJourneys, {{"name", "Renewals"}, {"trigger", "date_reached"}, {"date_field", "cf_renewal_date"},
                                               {"days_before", int64_t(30)}, {"steps", R"([{"task": "Renewal call: {last_name}"}])"}});
    activate_journey(fx.store, j);
    JourneyRun r = run_journeys(fx.store);   // 2026-03-01: the 20th is within 30 days
    CHECK(r.enrolled == 1);
    CHECK(fx.db.query_int("SELECT count(*) FROM tasks WHERE title = 'Renewal call: Soon'") == 1);
    fx.now += 70 * kDay;   // May 10th: June 1st is near now
    r = run_journeys(fx.store);
    CHECK(r.enrolled == 1);
    CHECK(fx.db.query_int("SELECT count(*) FROM tasks WHERE title LIKE 'Renewal call: %'") == 2);
    CHECK(fx.db.query_int("SELECT count(*) FROM journey_enrollments WHERE contact_id = '" + past + "'") == 0);
    // Renewed: a new date enrolls again.
    fx.store.update(kContacts, soon, {{"cf_renewal_date", "2027-03-20"}});
    fx.now += 290 * kDay;
    r = run_journeys(fx.store);
    CHECK(fx.db.query_int("SELECT count(*) FROM tasks WHERE title = 'Renewal call: Soon'") == 2);
}

TEST_CASE("two synced devices: only the runner sends; the other shows where each contact is") {
    JourneyFixture a;
    Fixture b;
    b.store.seed_ids(99);
    std::string ana = a.person("Ana");
    a.journey("[{\"email\": \"" + a.tmpl + "\"}, {\"wait_days\": 1}, {\"task\": \"Call {first_name}\"}]");
    relay_all(a.store, b.store);
    CHECK(journey_runner(b.store) == a.store.device_id());
    b.now = a.now + 2 * kDay;
    JourneyRun rb = run_journeys(b.store);
    CHECK(rb.runner_elsewhere);
    CHECK(b.db.query_int("SELECT count(*) FROM activities") == 0);
    a.now += 2 * kDay;
    JourneyRun ra = run_journeys(a.store);
    CHECK(ra.emails == 1);
    CHECK(ra.tasks == 0);   // enrolled at this run: the day's wait starts now
    a.now += kDay;
    CHECK(run_journeys(a.store).tasks == 1);
    relay_all(a.store, b.store);
    CHECK(b.db.query_int("SELECT count(*) FROM activities WHERE type = 'email'") == 1);
    std::vector<JourneyPlace> places = journeys_of(b.store, ana);
    REQUIRE(places.size() == 1);
    CHECK(places[0].status == "done");
    CHECK(places[0].last_action == "task 'Call Ana'");
    // B takes over (A's laptop is gone): now B runs them, A stops.
    run_journeys_on_this_device(b.store);
    relay_all(b.store, a.store);
    CHECK(run_journeys(a.store).runner_elsewhere);
    CHECK(!run_journeys(b.store).runner_elsewhere);
}

}  // TEST_SUITE
