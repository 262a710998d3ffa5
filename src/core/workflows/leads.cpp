// leads.cpp - see leads.h.
#include "workflows/leads.h"

#include <algorithm>

#include "records/listing.h"
#include "records/views.h"

namespace crm {

namespace {

std::string lower(std::string s) { return ascii_lower(s); }

std::vector<Record> all_of(Store& store, const ListQuery& q) { return list_all(store.db(), q); }

bool active_user(Store& store, const std::string& id) {
    auto u = store.get(kUsers, id);
    return u && u->integer("active") != 0;
}

// Round robin: the rep with the fewest leads created in the last 30 days
// goes next, ties in name order. Starting level that is a strict rotation,
// and it follows from the data, not a stored position: two devices that each
// assign a lead offline may both pick the same rep, and the next assignment
// after they sync evens it out (a stored turn would be overwritten by one of
// them and skip someone for good).
std::string next_in_turn(Store& store, const std::vector<Record>& reps) {
    std::vector<int64_t> load(reps.size(), 0);
    Statement& st = store.db().cached(
        "SELECT owner_id, count(*) FROM leads WHERE deleted = 0 AND created_at >= ? AND owner_id IS NOT NULL GROUP BY owner_id");
    st.bind_all(format_datetime(store.now_ms() - 30 * 86400000LL));
    while (st.step())
        for (size_t i = 0; i < reps.size(); i++)
            if (reps[i].id == st.column_view(0)) load[i] = st.column_int(1);
    st.reset();
    size_t best = 0;
    for (size_t i = 1; i < reps.size(); i++)
        if (load[i] < load[best]) best = i;
    return reps[best].id;
}

// The first matching rule's pick.
std::string pick(Store& store, const Record& lead) {
    ListQuery q{&kAssignmentRules, "position"};
    q.filters = {{"active", int64_t(1)}};
    for (const Record& rule : all_of(store, q)) {
        std::string kind = rule.text("kind");
        if (kind == "territory" && list_contains(rule.text("match"), lead.text("country")) && active_user(store, rule.text("user_id")))
            return rule.text("user_id");
        if (kind == "line_of_business" && !lead.text("line_of_business").empty() &&
            lower(rule.text("match")) == lower(lead.text("line_of_business")) && active_user(store, rule.text("user_id")))
            return rule.text("user_id");
        if (kind == "round_robin") {
            // An optional match narrows the rule to leads of those countries.
            if (!rule.text("match").empty() && !list_contains(rule.text("match"), lead.text("country"))) continue;
            ListQuery uq{&kUsers, "name"};
            uq.filters = {{"team", rule.text("team")}, {"role", "sales_rep"}, {"active", int64_t(1)}};
            std::vector<Record> reps = all_of(store, uq);
            if (reps.empty()) continue;
            return next_in_turn(store, reps);
        }
    }
    return "";
}

Record must_lead(Store& store, const std::string& id) { return store.must_get(kLeads, id); }

void require_open(const Record& lead, const char* action) {
    std::string st = lead.text("status");
    if (st == "converted" || st == "disqualified")
        throw ValidationError("leads", "status", std::string("a ") + st + " lead cannot be " + action);
}

}  // namespace

std::string assignee_for(Store& store, const Record& lead) { return pick(store, lead); }

std::string assign_lead(Store& store, const std::string& lead_id) {
    Transaction tx(store.db());
    Record lead = must_lead(store, lead_id);
    std::string user = pick(store, lead);
    if (user.empty()) return "";
    Fields f{{"owner_id", user}};
    if (lead.text("status") == "new") f.push_back({"status", "assigned"});
    store.update(kLeads, lead_id, f);
    tx.commit();
    return user;
}

void reassign_lead(Store& store, const std::string& lead_id, const std::string& user_id) {
    Record lead = must_lead(store, lead_id);
    require_open(lead, "reassigned");
    if (!active_user(store, user_id)) throw ValidationError("leads", "owner_id", "is not an active user");
    Fields f{{"owner_id", user_id}};
    if (lead.text("status") == "new") f.push_back({"status", "assigned"});
    store.update(kLeads, lead_id, f);
}

std::string capture_lead(Store& store, const Fields& fields) {
    Transaction tx(store.db());
    std::string id = store.create(kLeads, fields);
    if (must_lead(store, id).text("owner_id").empty()) assign_lead(store, id);
    rescore_lead(store, id);
    tx.commit();
    return id;
}

//-----------------------------------------------------------------------------
// Scoring
//-----------------------------------------------------------------------------

int64_t score_of(Store& store, const Record& lead) {
    int64_t score = 0;
    for (const Record& rule : all_of(store, ListQuery{&kScoringRules, "created_at"})) {
        int64_t points = rule.integer("points");
        if (rule.text("kind") == "attribute") {
            std::string field = rule.text("field");
            if (kLeads.field(field) && lower(lead.text(field)) == lower(rule.text("value"))) score += points;
        } else if (rule.text("kind") == "action" && !rule.text("action").empty()) {
            Statement& st = store.db().cached("SELECT count(*) FROM activities WHERE lead_id = ?1 AND type = ?2 AND deleted = 0");
            st.bind_all(lead.id, rule.text("action"));
            st.step();
            score += points * st.column_int(0);
            st.reset();
        }
    }
    return std::clamp<int64_t>(score, 0, 100);
}

int64_t rescore_lead(Store& store, const std::string& lead_id) {
    Record lead = must_lead(store, lead_id);
    int64_t s = score_of(store, lead);
    store.update(kLeads, lead_id, {{"score", s}});
    return s;
}

void rescore_all_leads(Store& store) {
    Transaction tx(store.db());
    for (const Record& lead : all_of(store, ListQuery{&kLeads, "score"})) {
        std::string st = lead.text("status");
        if (st == "converted" || st == "disqualified") continue;
        int64_t s = score_of(store, lead);
        if (s != lead.integer("score")) store.update(kLeads, lead.id, {{"score", s}});
    }
    tx.commit();
}

ScoreBand score_band(Store& store, int64_t score) {
    int64_t hot = std::atoll(store.setting("leads.hot_from", "70").c_str());
    int64_t warm = std::atoll(store.setting("leads.warm_from", "40").c_str());
    return score >= hot ? ScoreBand::Hot : score >= warm ? ScoreBand::Warm : ScoreBand::Cold;
}

const char* band_name(ScoreBand b) { return b == ScoreBand::Hot ? "hot" : b == ScoreBand::Warm ? "warm" : "cold"; }

//-----------------------------------------------------------------------------
// Qualify, disqualify, convert
//-----------------------------------------------------------------------------

void qualify_lead(Store& store, const std::string& lead_id) {
    Record lead = must_lead(store, lead_id);
    require_open(lead, "qualified");
    store.update(kLeads, lead_id, {{"status", "qualified"}});
}

void disqualify_lead(Store& store, const std::string& lead_id, const std::string& reason) {
    Record lead = must_lead(store, lead_id);
    require_open(lead, "disqualified");
    if (trim(reason).empty()) throw ValidationError("leads", "disqualify_reason", "is required to disqualify a lead");
    store.update(kLeads, lead_id, {{"status", "disqualified"}, {"disqualify_reason", reason}});
}

ConvertResult convert_lead(Store& store, const std::string& lead_id, const ConvertOptions& o) {
    Transaction tx(store.db());
    Record lead = must_lead(store, lead_id);
    require_open(lead, "converted");
    ConvertResult r;
    std::string owner = lead.text("owner_id");
    auto opt_ref = [](const std::string& id) { return id.empty() ? Value(std::monostate{}) : Value(id); };

    if (!o.account_id.empty()) {
        store.must_get(kAccounts, o.account_id);
        r.account_id = o.account_id;
    } else {
        std::string name = lead.text("company").empty() ? record_title(lead) : lead.text("company");
        r.account_id = store.create(kAccounts, {{"name", name}, {"industry", lead.text("industry")}, {"city", lead.text("city")},
                                                {"country", lead.text("country")}, {"phone", lead.text("phone")},
                                                {"owner_id", opt_ref(owner)}, {"type", "prospect"}});
        r.account_created = true;
    }
    if (!o.contact_id.empty()) {
        store.must_get(kContacts, o.contact_id);
        r.contact_id = o.contact_id;
    } else {
        r.contact_id = store.create(kContacts, {{"first_name", lead.text("first_name")}, {"last_name", lead.text("last_name")},
                                                {"job_title", lead.text("job_title")}, {"email", lead.text("email")},
                                                {"phone", lead.text("phone")}, {"city", lead.text("city")},
                                                {"country", lead.text("country")}, {"account_id", r.account_id},
                                                {"lead_source", lead.text("source")}, {"owner_id", opt_ref(owner)},
                                                {"notes", lead.text("notes")}});
        r.contact_created = true;
    }
    if (o.create_opportunity) {
        std::string name = o.opportunity_name.empty() ? (lead.text("company").empty() ? record_title(lead) : lead.text("company")) +
                                                            (lead.text("line_of_business").empty() ? "" : " - " + lead.text("line_of_business"))
                                                      : o.opportunity_name;
        std::string close = o.expected_close.empty() ? format_date(store.now_ms() + 90LL * 86400000) : o.expected_close;
        r.opportunity_id = store.create(kOpportunities, {{"name", name}, {"account_id", r.account_id}, {"contact_id", r.contact_id},
                                                         {"lead_id", lead_id}, {"campaign_id", opt_ref(lead.text("campaign_id"))},
                                                         {"amount", o.amount}, {"currency", o.currency}, {"stage", "qualify"},
                                                         {"expected_close", close}, {"owner_id", opt_ref(owner)}});
    }
    // The lead's history follows it onto the new records.
    for (const EntitySpec* e : {&kActivities, &kTasks}) {
        ListQuery q{e, "created_at"};
        q.filters = {{"lead_id", lead_id}};
        for (const Record& rec : all_of(store, q)) {
            Fields f;
            if (rec.text("contact_id").empty()) f.push_back({"contact_id", r.contact_id});
            if (rec.text("account_id").empty()) f.push_back({"account_id", r.account_id});
            if (!r.opportunity_id.empty() && rec.text("opportunity_id").empty()) f.push_back({"opportunity_id", r.opportunity_id});
            if (!f.empty()) store.update(*e, rec.id, f);
        }
    }
    store.update(kLeads, lead_id, {{"status", "converted"}, {"converted_at", format_datetime(store.now_ms())},
                                   {"converted_account_id", r.account_id}, {"converted_contact_id", r.contact_id},
                                   {"converted_opportunity_id", opt_ref(r.opportunity_id)}});
    tx.commit();
    return r;
}

}  // namespace crm
