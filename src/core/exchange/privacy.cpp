// privacy.cpp - see privacy.h.
#include "exchange/privacy.h"

#include <nlohmann/json.hpp>

#include <ostream>

#include "records/json_value.h"
#include "records/listing.h"

namespace crm {

namespace {

using nlohmann::json;

json record_json(const Record& r) {
    json j = json::object();
    j["id"] = r.id;
    j["created_at"] = r.created_at;
    j["updated_at"] = r.updated_at;
    for (size_t i = 0; i < r.spec->fields.size(); i++) j[r.spec->fields[i].name] = value_to_json(r.spec->fields[i], r.values[i]);
    return j;
}

std::vector<Record> linked(Store& store, const EntitySpec& e, const char* field, const std::string& id) {
    ListQuery q{&e, ""};
    q.filters = {{field, id}};
    return list_all(store.db(), q);
}

}  // namespace

PersonSummary export_person(Store& store, const std::string& id, std::ostream& out) {
    Record c = store.must_get(kContacts, id);
    PersonSummary s;
    json j;
    j["format"] = "crm-person-export";
    j["version"] = 1;
    j["exported_at"] = format_datetime(store.now_ms());
    j["contact"] = record_json(c);
    if (!c.text("account_id").empty())
        if (auto a = store.get(kAccounts, c.text("account_id"), true)) j["account"] = {{"id", a->id}, {"name", a->text("name")}};
    auto add = [&](const char* key, const EntitySpec& e, const char* field, int64_t& count) {
        json arr = json::array();
        for (const Record& r : linked(store, e, field, id)) arr.push_back(record_json(r));
        count = (int64_t)arr.size();
        j[key] = arr;
    };
    add("activities", kActivities, "contact_id", s.activities);
    add("tasks", kTasks, "contact_id", s.tasks);
    add("cases", kCases, "contact_id", s.cases);
    add("orders", kOrders, "contact_id", s.orders);
    add("opportunities", kOpportunities, "contact_id", s.opportunities);
    json leads = json::array();
    Statement ls = store.db().prepare("SELECT id FROM leads WHERE converted_contact_id = ?1 AND deleted = 0");
    ls.bind_all(id);
    while (ls.step()) leads.push_back(record_json(store.must_get(kLeads, ls.column_text(0))));
    s.leads = (int64_t)leads.size();
    j["leads"] = leads;
    json tags = json::array();
    Statement ts = store.db().prepare(
        "SELECT t.name FROM record_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.entity = 'contacts' AND rt.record_id = ?1 AND rt.deleted = 0");
    ts.bind_all(id);
    while (ts.step()) tags.push_back(ts.column_text(0));
    j["tags"] = tags;
    json hist = json::array();
    for (const ChangeEntry& e : store.history(id)) {
        json v = std::holds_alternative<std::monostate>(e.value) ? json(nullptr) : json(value_to_text(e.value));
        hist.push_back({{"at", e.at}, {"field", e.field}, {"value", v}, {"device", e.device_id}});
    }
    s.history = (int64_t)hist.size();
    j["history"] = hist;
    out << j.dump(2) << "\n";
    return s;
}

PersonSummary erase_person(Store& store, const std::string& id) {
    Database& db = store.db();
    Transaction tx(db);
    store.must_get(kContacts, id);   // exists and is live
    PersonSummary s;
    auto ids_of = [&](const char* sql) {
        std::vector<std::string> out;
        Statement st = db.prepare(sql);
        st.bind_all(id);
        while (st.step()) out.push_back(st.column_text(0));
        return out;
    };
    std::vector<std::string> acts = ids_of("SELECT id FROM activities WHERE contact_id = ?1");
    std::vector<std::string> tasks = ids_of("SELECT id FROM tasks WHERE contact_id = ?1");
    std::vector<std::string> tags = ids_of("SELECT id FROM record_tags WHERE entity = 'contacts' AND record_id = ?1");
    std::vector<std::string> leads = ids_of("SELECT id FROM leads WHERE converted_contact_id = ?1");
    s.activities = (int64_t)acts.size();
    s.tasks = (int64_t)tasks.size();
    s.leads = (int64_t)leads.size();
    // Business records stay, without the person (erase sets references to NULL).
    auto count_refs = [&](const char* t) {
        Statement st = db.prepare(std::string("SELECT count(*) FROM ") + t + " WHERE contact_id = ?1");
        st.bind_all(id).step();
        return st.column_int(0);
    };
    s.cases = count_refs("cases");
    s.orders = count_refs("orders");
    s.opportunities = count_refs("opportunities");
    // Each record goes with its change log, which holds the values it had; the
    // erasures are logged without the data, so sync erases them everywhere.
    // Dependants first: what refers to the person, then the person.
    for (const std::string& rid : acts) store.erase(kActivities, rid);
    for (const std::string& rid : tasks) store.erase(kTasks, rid);
    for (const std::string& rid : tags) store.erase(kRecordTags, rid);
    // A lead converted into this person held the same personal data.
    for (const std::string& rid : leads) store.erase(kLeads, rid);
    store.erase(kContacts, id);
    tx.commit();
    return s;
}

}  // namespace crm
