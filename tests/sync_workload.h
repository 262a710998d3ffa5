// sync_workload.h - random user work on a replica, for the convergence
// tests: creates, edits, deletes, restores, CSV and JSON imports, lead
// conversions, cases with numbers, settings, merges of duplicates and their
// undo, custom fields added, filled, renamed and removed, and the odd
// erasure, each through
// the same core calls the app makes. A write the core refuses (a reference to
// a record deleted here, a lead already converted) is skipped, as a user
// would see an error and move on.
#pragma once

#include <functional>
#include <sstream>
#include <string>

#include "base/util.h"
#include "exchange/csv.h"
#include "exchange/privacy.h"
#include "exchange/transfer.h"
#include "quality/record_merge.h"
#include "records/custom_fields.h"
#include "records/store.h"
#include "workflows/cases.h"
#include "workflows/leads.h"

namespace crm::testing {

// A random live (or deleted) record's id of `e`, "" if none.
inline std::string random_record(Store& s, Rng& r, const EntitySpec& e, bool deleted = false) {
    std::string where = std::string(" FROM ") + e.table + " WHERE deleted = " + (deleted ? "1" : "0");
    int64_t n = s.db().query_int("SELECT count(*)" + where);
    if (n == 0) return "";
    Statement st = s.db().prepare("SELECT id" + where + " ORDER BY id LIMIT 1 OFFSET ?");
    st.bind_all((int64_t)r.below((uint64_t)n));
    return st.step() ? st.column_text(0) : "";
}

inline const char* pick_word(Rng& r) {
    static const char* words[] = {"Silva", "Müller", "Őz", "Nakamura", "Ivanova", "O'Brien", "Dubois", "Kowalski", "Rossi", "Andersen"};
    return words[r.below(std::size(words))];
}

// One random operation on `s`. `other` is another replica's store (for a
// JSON import of one of its records), or null.
inline void random_operation(Store& s, Rng& r, Store* other) {
    auto ref = [&](const EntitySpec& e) -> Value {
        std::string id = random_record(s, r, e);
        return id.empty() ? Value() : Value(id);
    };
    auto tryit = [](const std::function<void()>& f) {
        try {
            f();
        } catch (const ValidationError&) {
        } catch (const CsvError&) {
        } catch (const ImportError&) {
        }
    };
    uint64_t op = r.below(108);
    if (op < 12) {
        tryit([&] { s.create(kContacts, {{"first_name", "Ana"}, {"last_name", pick_word(r)}, {"account_id", ref(kAccounts)},
                                         {"city", r.chance(0.5) ? "Porto" : "Lyon"}, {"email", "a" + std::to_string(r.below(1000)) + "@example.com"}}); });
    } else if (op < 19) {
        tryit([&] { s.create(kAccounts, {{"name", std::string(pick_word(r)) + " GmbH"}, {"tier", r.chance(0.3) ? "Gold" : "Silver"},
                                         {"parent_id", r.chance(0.2) ? ref(kAccounts) : Value()}}); });
    } else if (op < 24) {
        tryit([&] { capture_lead(s, {{"last_name", pick_word(r)}, {"company", "Lead Co"}, {"source", "web_form"}}); });
    } else if (op < 28) {
        std::string lead = random_record(s, r, kLeads);
        if (!lead.empty()) tryit([&] { convert_lead(s, lead); });
    } else if (op < 33) {
        Value acc = ref(kAccounts);
        if (!is_null(acc)) tryit([&] { s.create(kOpportunities, {{"name", "Deal"}, {"account_id", acc}, {"amount", (int64_t)r.below(100000)}}); });
    } else if (op < 38) {
        Value acc = ref(kAccounts);
        Value prod = ref(kProducts);
        if (is_null(prod)) tryit([&] { s.create(kProducts, {{"name", "Widget"}, {"price", (int64_t)(100 + r.below(900))}}); });
        else if (!is_null(acc)) tryit([&] {
            std::string o = s.create(kOrders, {{"account_id", acc}, {"ordered_at", "2026-02-03T10:00:00Z"}});
            s.create(kOrderLines, {{"order_id", o}, {"product_id", prod}, {"quantity", (int64_t)(1 + r.below(5))}, {"unit_price", (int64_t)r.below(1000)}});
        });
    } else if (op < 41) {
        std::string line = random_record(s, r, kOrderLines);
        if (!line.empty()) tryit([&] { s.update(kOrderLines, line, {{"quantity", (int64_t)(1 + r.below(9))}}); });
    } else if (op < 47) {
        tryit([&] { s.create(kActivities, {{"type", "call"}, {"occurred_at", "2026-02-01T10:00:00Z"}, {"contact_id", ref(kContacts)},
                                           {"lead_id", r.chance(0.3) ? ref(kLeads) : Value()}, {"subject", "Call"}}); });
    } else if (op < 50) {
        tryit([&] { s.create(kTasks, {{"title", "Follow up"}, {"contact_id", ref(kContacts)}, {"due_at", "2026-03-05T10:00:00Z"}}); });
    } else if (op < 66) {
        // An edit of one or two fields of a random record.
        static const std::pair<const EntitySpec*, const char*> fields[] = {
            {&kContacts, "city"}, {&kContacts, "email"}, {&kContacts, "first_name"}, {&kContacts, "account_id"}, {&kContacts, "notes"},
            {&kAccounts, "tier"}, {&kAccounts, "name"}, {&kAccounts, "city"}, {&kAccounts, "parent_id"},
            {&kOpportunities, "stage"}, {&kOpportunities, "amount"}, {&kTasks, "done"}, {&kLeads, "notes"}, {&kActivities, "subject"}};
        const auto& pick = fields[r.below(std::size(fields))];
        const EntitySpec* e = pick.first;
        const char* f = pick.second;
        std::string id = random_record(s, r, *e);
        if (id.empty()) return;
        Value v;
        std::string field = f;
        if (field == "account_id") v = ref(kAccounts);
        else if (field == "parent_id") v = r.chance(0.5) ? ref(kAccounts) : Value();
        else if (field == "tier") v = std::string(r.chance(0.5) ? "Gold" : "Bronze");
        else if (field == "stage") v = std::string(kOpportunityStages[r.below(3)]);
        else if (field == "amount") v = (int64_t)r.below(50000);
        else if (field == "done") v = (int64_t)r.below(2);
        else if (field == "email") v = "x" + std::to_string(r.below(100)) + "@example.org";
        else v = std::string(pick_word(r)) + " " + std::to_string(r.below(10));
        Fields fs{{field, v}};
        if (r.chance(0.3) && e == &kContacts) fs.push_back({"phone", "+49 30 " + std::to_string(100000 + r.below(899999))});
        tryit([&] { s.update(*e, id, fs); });
    } else if (op < 74) {
        static const EntitySpec* kinds[] = {&kContacts, &kAccounts, &kLeads, &kActivities, &kTasks, &kOrderLines, &kOpportunities};
        const EntitySpec* e = kinds[r.below(std::size(kinds))];
        std::string id = random_record(s, r, *e);
        if (!id.empty()) tryit([&] { s.remove(*e, id); });
    } else if (op < 79) {
        static const EntitySpec* kinds[] = {&kContacts, &kAccounts, &kLeads, &kActivities, &kOrderLines};
        const EntitySpec* e = kinds[r.below(std::size(kinds))];
        std::string id = random_record(s, r, *e, true);
        if (!id.empty()) tryit([&] { s.restore(*e, id); });
    } else if (op < 83) {
        std::ostringstream csv;
        csv << "First Name,Last Name,E-mail,Company\n";
        for (int i = 0; i < 3; i++)
            csv << "Imp" << r.below(50) << "," << pick_word(r) << ",imp" << r.below(40) << "@example.net," << (r.chance(0.5) ? "Csv Co" : "") << "\n";
        std::istringstream in(csv.str());
        CsvImportOptions o;
        o.duplicates = r.chance(0.5) ? DuplicatePolicy::Update : DuplicatePolicy::Skip;
        tryit([&] { import_csv(s, in, o); });
    } else if (op < 86 && other) {
        // A record exported by another device and imported here (JSON, merge):
        // the same id written on two devices through an import.
        const EntitySpec* e = r.chance(0.5) ? &kAccounts : &kContacts;
        std::string id = random_record(*other, r, *e);
        if (id.empty()) return;
        auto rec = other->get(*e, id, true);
        nlohmann::json row = {{"id", rec->id}, {"created_at", rec->created_at}, {"updated_at", format_datetime(s.now_ms())}, {"deleted", rec->deleted}};
        for (size_t i = 0; i < e->fields.size(); i++)
            if (e->fields[i].type != FieldType::Ref) row[e->fields[i].name] = value_to_text(rec->values[i]);
        for (const FieldSpec& f : e->fields)
            if (f.is_numeric()) row[f.name] = rec->integer(f.name);
        nlohmann::json doc = {{"format", "crm-export"}, {"version", 1}, {"entities", {{e->table, {row}}}}};
        std::istringstream in(doc.dump());
        tryit([&] { import_json(s, in, "shared.json", ImportMode::Merge); });
    } else if (op < 89) {
        Value acc = ref(kAccounts);
        if (!is_null(acc)) tryit([&] { open_case(s, {{"subject", "Broken"}, {"account_id", acc}, {"contact_id", ref(kContacts)}}); });
    } else if (op < 91) {
        s.set_setting(r.chance(0.5) ? "leads.hot_from" : "cases.queue.Gold", std::to_string(r.below(100)));
    } else if (op < 93) {
        tryit([&] { revert_last_import(s); });
    } else if (op < 94) {
        std::string id = random_record(s, r, kContacts);
        if (!id.empty()) tryit([&] { erase_person(s, id); });
    } else if (op < 97) {
        // Two records merged as the Data quality screen does (references, tags
        // and a tombstone), or the last merge here undone.
        static const EntitySpec* kinds[] = {&kContacts, &kAccounts, &kLeads};
        const EntitySpec* e = kinds[r.below(std::size(kinds))];
        std::string a = random_record(s, r, *e), b = random_record(s, r, *e);
        if (r.chance(0.25)) {
            if (s.db().query_int("SELECT count(*) FROM merges WHERE undone_at = ''") > 0) tryit([&] { undo_last_merge(s); });
        } else if (!a.empty() && !b.empty() && a != b) {
            tryit([&] { merge_records(s, *e, a, {b}, {{"city", r.below(2)}}); });
        }
    } else if (op < 100) {
        // Somebody qualifies or disqualifies a lead.
        std::string lead = random_record(s, r, kLeads);
        if (!lead.empty()) tryit([&] { r.chance(0.5) ? qualify_lead(s, lead) : disqualify_lead(s, lead, "no budget"); });
    } else {
        // Custom fields: one added (labels and types from small sets, so two
        // devices add the same one offline, or the same label as another
        // type), a value set, a label changed, a field removed or restored.
        static const char* labels[] = {"Seats", "Partner level", "Renewal date", "Contract value"};
        static const char* types[] = {"number", "choice", "date", "money", "text", "checkbox"};
        const EntitySpec& e = r.chance(0.5) ? kContacts : kAccounts;
        uint64_t what = r.below(10);
        if (what < 2) {
            tryit([&] { add_custom_field(s, {e.table, labels[r.below(std::size(labels))], types[r.below(std::size(types))], "Gold\nSilver"}); });
            return;
        }
        // The fields this device knows of (another's may not have arrived).
        std::vector<std::pair<std::string, std::string>> known;   // column, type
        Statement st = s.db().prepare("SELECT column_name, type FROM custom_fields WHERE entity = ? AND deleted = 0 ORDER BY id");
        st.bind_all(std::string(e.table));
        while (st.step()) known.push_back({st.column_text(0), st.column_text(1)});
        if (what < 8) {
            std::string id = random_record(s, r, e);
            if (known.empty() || id.empty()) return;
            const auto& pick = known[r.below(known.size())];
            const std::string column = pick.first, type = pick.second;   // named copies: lambdas capture them (clang 14)
            Value v = type == "number" ? Value(r.below(400) / 4.0) : type == "money" ? Value((int64_t)r.below(100000))
                    : type == "checkbox" ? Value((int64_t)r.below(2)) : type == "date" ? Value("2027-0" + std::to_string(1 + r.below(9)) + "-15")
                    : type == "choice" ? Value(std::string(r.chance(0.5) ? "Gold" : "Silver")) : Value(std::string(pick_word(r)));
            if (r.chance(0.15)) v = Value();   // cleared
            tryit([&] { s.update(e, id, {{column, v}}); });
            return;
        }
        std::string def = random_record(s, r, kCustomFields, what == 9 && r.chance(0.5));
        if (def.empty()) return;
        if (what == 8) tryit([&] { s.update(kCustomFields, def, {{"label", std::string(pick_word(r)) + " field"}}); });
        else if (s.get(kCustomFields, def, true)->deleted) tryit([&] { s.restore(kCustomFields, def); });
        else tryit([&] { s.remove(kCustomFields, def); });
    }
}

}  // namespace crm::testing
