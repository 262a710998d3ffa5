// cases.cpp - see cases.h.
#include "workflows/cases.h"

#include <algorithm>

#include "records/listing.h"
#include "records/search.h"
#include "records/views.h"

namespace crm {

namespace {

const char* kOpenStatuses = "('new', 'in_progress', 'on_hold', 'escalated', 'reopened')";

bool is_closed(const std::string& status) { return status == "resolved" || status == "closed"; }

int64_t ms_of(const std::string& iso) {
    auto t = parse_datetime(iso);
    return t ? *t : 0;
}

std::string tier_of(Store& store, const Fields& fields) {
    std::string account, contact;
    for (auto& [k, v] : fields) {
        if (k == "tier" && !value_to_text(v).empty()) return value_to_text(v);
        if (k == "account_id") account = value_to_text(v);
        if (k == "contact_id") contact = value_to_text(v);
    }
    if (account.empty() && !contact.empty())
        if (auto c = store.get(kContacts, contact)) account = c->text("account_id");
    if (!account.empty())
        if (auto a = store.get(kAccounts, account)) return a->text("tier");
    return "Bronze";
}

// A note on the case's timeline, as CRMs auto-post "Case: Created by ...".
void post(Store& store, const Record& c, const std::string& text) {
    Fields f{{"type", "note"}, {"direction", "internal"}, {"subject", text}, {"occurred_at", format_datetime(store.now_ms())},
             {"case_id", c.id}};
    if (!c.text("contact_id").empty()) f.push_back({"contact_id", c.text("contact_id")});
    if (!c.text("account_id").empty()) f.push_back({"account_id", c.text("account_id")});
    if (!c.text("owner_id").empty()) f.push_back({"owner_id", c.text("owner_id")});
    store.create(kActivities, f);
}

int64_t open_cases_of(Store& store, const std::string& user) {
    Statement& st = store.db().cached(std::string("SELECT count(*) FROM cases WHERE deleted = 0 AND owner_id = ?1 AND status IN ") + kOpenStatuses);
    st.bind_all(user);
    st.step();
    int64_t n = st.column_int(0);
    st.reset();
    return n;
}

bool skills_match(const std::string& queue_skills, const std::string& rep_skills) {
    if (trim(queue_skills).empty()) return true;
    size_t start = 0;
    while (start <= rep_skills.size()) {
        size_t end = rep_skills.find(',', start);
        if (end == std::string::npos) end = rep_skills.size();
        if (list_contains(queue_skills, rep_skills.substr(start, end - start))) return true;
        start = end + 1;
    }
    return false;
}

std::vector<Record> articles_matching(Store& store, const std::string& match, int limit) {
    if (match.empty()) return {};
    Statement& st = store.db().cached(
        "SELECT a.id FROM search_index s JOIN kb_articles a ON a.rowid = s.rowid / 4 "
        "WHERE search_index MATCH ?1 AND s.kind = 'kb_articles' AND a.deleted = 0 "
        "ORDER BY bm25(search_index, 0, 10.0, 2.0, 4.0, 1.0) LIMIT ?2");
    st.bind_all(match, limit);
    return store.records(kKbArticles, st);
}

}  // namespace

SlaTarget sla_target_for(Store& store, const std::string& tier, const std::string& priority) {
    Statement& st = store.db().cached(
        "SELECT response_minutes, resolution_minutes FROM sla_targets WHERE deleted = 0 AND tier = ?1 AND priority = ?2 "
        "ORDER BY updated_at DESC LIMIT 1");
    st.bind_all(tier, priority);
    SlaTarget t = default_sla_target(tier, priority);
    if (st.step()) t = {(int)st.column_int(0), (int)st.column_int(1)};
    st.reset();
    return t;
}

Route route_for(Store& store, const std::string& case_type, const std::string& tier, int line) {
    Route r;
    Database& db = store.db();
    if (line == 1) {
        std::string q = store.setting("cases.queue." + tier);
        if (!q.empty() && store.exists(kQueues, q)) r.queue_id = q;
    }
    std::vector<Record> queues = list_all(db, ListQuery{&kQueues, "name"});
    const Record* queue = nullptr;
    for (const Record& q : queues)
        if (q.id == r.queue_id) queue = &q;
    // A tier's own queue (Key accounts for Gold, say) serves that tier only.
    std::string tier_queues;
    for (const char* t : {"Gold", "Silver", "Bronze"}) tier_queues += store.setting(std::string("cases.queue.") + t) + ",";
    if (!queue)
        for (const Record& q : queues)
            if (q.integer("line") == line && list_contains(q.text("case_types"), case_type) && !list_contains(tier_queues, q.id)) {
                queue = &q;
                break;
            }
    if (!queue && line > 1)
        for (const Record& q : queues)
            if (q.integer("line") == line) { queue = &q; break; }
    if (queue) r.queue_id = queue->id;

    ListQuery uq{&kUsers, "name"};
    uq.filters = {{"role", "service_rep"}, {"active", int64_t(1)}};
    int64_t best = -1;
    for (const Record& u : list_all(db, uq)) {
        if (u.integer("line") != line) continue;
        if (queue && !skills_match(queue->text("skills"), u.text("skills"))) continue;
        int64_t load = open_cases_of(store, u.id);
        if (best < 0 || load < best) {
            best = load;
            r.owner_id = u.id;
        }
    }
    return r;
}

std::string open_case(Store& store, const Fields& given) {
    Transaction tx(store.db());
    Fields f = given;
    std::string tier = tier_of(store, f), priority = "normal", type = "problem";
    bool has_queue = false, has_owner = false, has_tier = false;
    for (auto& [k, v] : f) {
        if (k == "priority" && !value_to_text(v).empty()) priority = value_to_text(v);
        if (k == "type" && !value_to_text(v).empty()) type = value_to_text(v);
        has_queue |= k == "queue_id" && !value_to_text(v).empty();
        has_owner |= k == "owner_id" && !value_to_text(v).empty();
        has_tier |= k == "tier" && !value_to_text(v).empty();
    }
    int64_t now = store.now_ms();
    SlaTarget t = sla_target_for(store, tier, priority);
    if (!has_tier) f.push_back({"tier", tier});
    f.push_back({"response_due_at", format_datetime(now + (int64_t)t.response_minutes * 60000)});
    f.push_back({"resolution_due_at", format_datetime(now + (int64_t)t.resolution_minutes * 60000)});
    if (!has_queue && !has_owner) {
        Route r = route_for(store, type, tier, 1);
        if (!r.queue_id.empty()) f.push_back({"queue_id", r.queue_id});
        if (!r.owner_id.empty()) f.push_back({"owner_id", r.owner_id});
    }
    std::string id = store.create(kCases, f);
    Record c = store.must_get(kCases, id);
    std::string who = c.text("owner_id").empty() ? "" : ", assigned to " + record_title(store, kUsers, c.text("owner_id"));
    post(store, c, "Case " + c.text("number") + " opened" + who);
    tx.commit();
    return id;
}

void respond_to_case(Store& store, const std::string& id) {
    Record c = store.must_get(kCases, id);
    if (is_closed(c.text("status"))) throw ValidationError("cases", "status", "a " + c.text("status") + " case needs reopening first");
    Fields f;
    if (c.text("first_response_at").empty()) f.push_back({"first_response_at", format_datetime(store.now_ms())});
    if (c.text("status") == "new" || c.text("status") == "reopened") f.push_back({"status", "in_progress"});
    if (!f.empty()) store.update(kCases, id, f);
}

void assign_case(Store& store, const std::string& id, const std::string& queue_id, const std::string& owner_id) {
    Record c = store.must_get(kCases, id);
    Fields f;
    if (!queue_id.empty()) f.push_back({"queue_id", queue_id});
    if (!owner_id.empty()) f.push_back({"owner_id", owner_id});
    if (f.empty()) throw ValidationError("cases", "owner_id", "a queue or a rep is needed to assign a case");
    Transaction tx(store.db());
    store.update(kCases, id, f);
    if (!owner_id.empty()) post(store, store.must_get(kCases, id), "Assigned to " + record_title(store, kUsers, owner_id));
    tx.commit();
}

void escalate_case(Store& store, const std::string& id) {
    Transaction tx(store.db());
    Record c = store.must_get(kCases, id);
    if (is_closed(c.text("status"))) throw ValidationError("cases", "status", "a " + c.text("status") + " case cannot be escalated");
    if (c.integer("line") >= 2) throw ValidationError("cases", "line", "the case is already with the second line");
    Route r = route_for(store, c.text("type"), c.text("tier"), 2);
    if (r.queue_id.empty() && r.owner_id.empty()) throw ValidationError("cases", "queue_id", "there is no second-line queue or rep to escalate to");
    Fields f{{"line", int64_t(2)}, {"status", "escalated"}};
    if (!r.queue_id.empty()) f.push_back({"queue_id", r.queue_id});
    if (!r.owner_id.empty()) f.push_back({"owner_id", r.owner_id});
    store.update(kCases, id, f);
    Record after = store.must_get(kCases, id);
    post(store, after, "Escalated to the second line" + (r.owner_id.empty() ? std::string() : ": " + record_title(store, kUsers, r.owner_id)));
    tx.commit();
}

void resolve_case(Store& store, const std::string& id, const std::string& resolution, const std::string& kb_article_id) {
    Transaction tx(store.db());
    Record c = store.must_get(kCases, id);
    if (is_closed(c.text("status"))) throw ValidationError("cases", "status", "the case is already " + c.text("status"));
    if (trim(resolution).empty()) throw ValidationError("cases", "resolution", "is required to resolve a case");
    std::string now = format_datetime(store.now_ms());
    Fields f{{"status", "resolved"}, {"resolved_at", now}, {"resolution", resolution}};
    if (c.text("first_response_at").empty()) f.push_back({"first_response_at", now});
    if (!kb_article_id.empty()) f.push_back({"kb_article_id", kb_article_id});
    store.update(kCases, id, f);
    post(store, store.must_get(kCases, id), "Resolved: " + resolution);
    tx.commit();
}

void reopen_case(Store& store, const std::string& id) {
    Transaction tx(store.db());
    Record c = store.must_get(kCases, id);
    if (!is_closed(c.text("status"))) throw ValidationError("cases", "status", "only a resolved or closed case can be reopened");
    int64_t now = store.now_ms();
    // The clock stopped while the case was resolved: move the due time on by that much.
    int64_t paused = std::max<int64_t>(0, now - ms_of(c.text("resolved_at")));
    Fields f{{"status", "reopened"}, {"resolved_at", ""},
             {"resolution_due_at", format_datetime(ms_of(c.text("resolution_due_at")) + paused)}};
    std::string first = c.text("first_owner_id");
    int64_t line = 1;
    if (!first.empty()) {
        f.push_back({"owner_id", first});
        if (auto u = store.get(kUsers, first)) line = u->integer("line") > 0 ? u->integer("line") : 1;
    }
    f.push_back({"line", line});
    // Back to a queue of the first owner's line, as routing would choose it.
    if (c.integer("line") != line) {
        Route r = route_for(store, c.text("type"), c.text("tier"), (int)line);
        if (!r.queue_id.empty()) f.push_back({"queue_id", r.queue_id});
    }
    store.update(kCases, id, f);
    post(store, store.must_get(kCases, id), "Reopened" + (first.empty() ? std::string() : ", back to " + record_title(store, kUsers, first)));
    tx.commit();
}

SlaStatus sla_status(const Record& c, int64_t now) {
    SlaStatus s;
    int64_t rdue = ms_of(c.text("response_due_at")), sdue = ms_of(c.text("resolution_due_at"));
    if (!c.text("first_response_at").empty()) {
        s.response_met = ms_of(c.text("first_response_at")) <= rdue;
        s.response_breached = !s.response_met;
    } else {
        s.response_left_ms = rdue - now;
        s.response_breached = rdue > 0 && now > rdue;
    }
    if (!c.text("resolved_at").empty()) {
        s.resolution_met = ms_of(c.text("resolved_at")) <= sdue;
        s.resolution_breached = !s.resolution_met;
    } else {
        s.resolution_left_ms = sdue - now;
        s.resolution_breached = sdue > 0 && now > sdue;
    }
    return s;
}

std::vector<QueueStats> queue_sla_stats(Store& store) {
    std::vector<QueueStats> out;
    Statement& st = store.db().cached(std::string(
        "SELECT q.id, q.name, count(c.id), "
        "  coalesce(sum(c.status IN ") + kOpenStatuses + "), 0), "
        "  coalesce(sum(c.status IN " + kOpenStatuses + " AND c.resolution_due_at < ?1), 0), "
        "  coalesce(sum(c.first_response_at != ''), 0), "
        "  coalesce(sum(c.first_response_at != '' AND c.first_response_at <= c.response_due_at), 0), "
        "  coalesce(sum(c.resolved_at != ''), 0), "
        "  coalesce(sum(c.resolved_at != '' AND c.resolved_at <= c.resolution_due_at), 0) "
        "FROM queues q LEFT JOIN cases c ON c.queue_id = q.id AND c.deleted = 0 "
        "WHERE q.deleted = 0 GROUP BY q.id ORDER BY q.name");
    st.bind_all(format_datetime(store.now_ms()));
    while (st.step()) {
        QueueStats q;
        q.queue_id = st.column_text(0);
        q.name = st.column_text(1);
        q.cases = st.column_int(2);
        q.open = st.column_int(3);
        q.open_breached = st.column_int(4);
        q.responded = st.column_int(5);
        q.responded_in_time = st.column_int(6);
        q.resolved = st.column_int(7);
        q.resolved_in_time = st.column_int(8);
        out.push_back(q);
    }
    st.reset();
    return out;
}

std::vector<Record> suggest_articles(Store& store, const std::string& case_id, int limit) {
    Record c = store.must_get(kCases, case_id);
    // Any word of three or more bytes, as a prefix: "printer jams" -> "printer"* OR "jams"*.
    std::string terms = fts_prefix_query(c.text("subject") + " " + c.text("description")), match;
    size_t start = 0;
    while (start < terms.size()) {
        size_t end = terms.find(' ', start);
        if (end == std::string::npos) end = terms.size();
        std::string t = terms.substr(start, end - start);
        if (t.size() >= 6) match += (match.empty() ? "" : " OR ") + t;   // '"abc"*' is six bytes
        start = end + 1;
    }
    return articles_matching(store, match, limit);
}

std::vector<Record> search_articles(Store& store, const std::string& text, int limit) {
    return articles_matching(store, fts_prefix_query(text), limit);
}

}  // namespace crm
