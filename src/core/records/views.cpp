// views.cpp - see views.h.
#include "records/views.h"

namespace crm {

std::string record_title(const Record& r) {
    const EntitySpec& e = *r.spec;
    auto join = [](std::string a, const std::string& b) { return a.empty() ? b : b.empty() ? a : a + " " + b; };
    if (&e == &kContacts || &e == &kLeads) return join(r.text("first_name"), r.text("last_name"));
    if (&e == &kCases) return join(r.text("number"), r.text("subject"));
    if (&e == &kOrders) return r.text("number");
    if (&e == &kTasks) return r.text("title");
    if (&e == &kActivities) return r.text("subject").empty() ? r.text("type") : r.text("subject");
    if (e.field("name")) return r.text("name");
    return r.id;
}

std::string record_title(Store& store, const EntitySpec& e, const std::string& id) {
    if (id.empty()) return "";
    auto r = store.get(e, id, true);
    return r ? record_title(*r) : "";
}

Overview overview(Store& store) {
    Database& db = store.db();
    Overview o;
    o.contacts = store.count(kContacts);
    o.accounts = store.count(kAccounts);
    o.open_leads = db.query_int("SELECT count(*) FROM leads WHERE deleted = 0 AND status IN ('new', 'assigned', 'qualified')");
    Statement& opp = db.cached(
        "SELECT count(*), coalesce(sum(amount), 0), coalesce(sum(amount * probability / 100), 0) FROM opportunities "
        "WHERE deleted = 0 AND stage NOT IN ('won', 'lost')");
    if (opp.step()) {
        o.open_opportunities = opp.column_int(0);
        o.pipeline_amount = opp.column_int(1);
        o.weighted_pipeline = opp.column_int(2);
    }
    opp.reset();
    std::string now = format_datetime(store.now_ms());
    Statement& cases = db.cached(
        "SELECT count(*), coalesce(sum(resolution_due_at < ?1), 0) FROM cases WHERE deleted = 0 AND status NOT IN ('resolved', 'closed')");
    cases.bind_all(now);
    if (cases.step()) {
        o.open_cases = cases.column_int(0);
        o.cases_breached = cases.column_int(1);
    }
    cases.reset();
    Statement& tasks = db.cached("SELECT count(*) FROM tasks WHERE deleted = 0 AND done = 0 AND due_at < ?1");
    tasks.bind_all(now);
    if (tasks.step()) o.overdue_tasks = tasks.column_int(0);
    tasks.reset();
    Statement& acts = db.cached("SELECT count(*) FROM activities WHERE deleted = 0 AND occurred_at >= ?1");
    acts.bind_all(format_datetime(store.now_ms() - 30LL * 86400000));
    if (acts.step()) o.activities_30d = acts.column_int(0);
    acts.reset();
    return o;
}

std::string health_check(Database& db) {
    std::string problems;
    Statement ic = db.prepare("PRAGMA integrity_check");
    while (ic.step()) {
        std::string line = ic.column_text(0);
        if (line != "ok") problems += "integrity: " + line + "\n";
    }
    Statement fk = db.prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check");
    while (fk.step())
        problems += "foreign key: " + fk.column_text(0) + " row " + std::to_string(fk.column_int(1)) + " refers to a missing " +
                    fk.column_text(2) + "\n";
    try {
        db.exec("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 0)");
    } catch (const DbError& e) {
        problems += std::string("search index: ") + e.what() + "\n";
    }
    return problems;
}

}  // namespace crm
