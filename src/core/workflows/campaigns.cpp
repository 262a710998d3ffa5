// campaigns.cpp - see campaigns.h. Segment rules compile to one SQL WHERE
// clause over contacts with bound parameters; field names are checked
// against the contact spec, so no rule can inject SQL.
#include "workflows/campaigns.h"

#include <nlohmann/json.hpp>

#include <set>

#include "workflows/leads.h"
#include "records/views.h"

namespace crm {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& msg) { throw ValidationError("segments", "rules", msg); }

struct Sql {
    std::string where;
    std::vector<Value> params;
};

Value json_value(const json& v, const std::string& where) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_boolean()) return int64_t(v.get<bool>() ? 1 : 0);
    if (v.is_number_float()) return v.get<double>();
    bad(where + ": the value must be text, a number or true/false");
}

void condition(const json& c, Sql& s, const std::string& where) {
    if (!c.is_object()) bad(where + ": a condition must be an object");
    if (c.contains("all") || c.contains("any")) {
        bool all = c.contains("all");
        const json& list = all ? c["all"] : c["any"];
        if (!list.is_array() || list.empty()) bad(where + ": \"" + (all ? "all" : "any") + "\" needs a non-empty list");
        s.where += "(";
        for (size_t i = 0; i < list.size(); i++) {
            if (i) s.where += all ? " AND " : " OR ";
            condition(list[i], s, where + "." + (all ? "all" : "any") + "[" + std::to_string(i) + "]");
        }
        s.where += ")";
        return;
    }
    if (c.contains("field")) {
        std::string field = c["field"].is_string() ? c["field"].get<std::string>() : "";
        const FieldSpec* f = kContacts.field(field);
        if (!f) bad(where + ": '" + field + "' is not a contact field");
        std::string op = c.value("op", std::string("="));
        std::string col = "c." + field;
        if (op == "empty" || op == "not_empty") {
            bool numeric = f->is_numeric() && !(f->is_custom() && f->type != FieldType::Bool);   // a custom amount may be NULL
            s.where += op == "empty" ? (numeric ? col + " = 0" : "(" + col + " IS NULL OR " + col + " = '')")
                                     : (numeric ? col + " != 0" : "(" + col + " IS NOT NULL AND " + col + " != '')");
            return;
        }
        if (!c.contains("value")) bad(where + ": a value is needed for '" + op + "'");
        if (op == "in") {
            if (!c["value"].is_array() || c["value"].empty()) bad(where + ": 'in' needs a non-empty list of values");
            s.where += col + " IN (";
            for (size_t i = 0; i < c["value"].size(); i++) {
                s.where += i ? ", ?" : "?";
                s.params.push_back(json_value(c["value"][i], where));
            }
            s.where += ")";
            return;
        }
        Value v = json_value(c["value"], where);
        if (op == "=" || op == "!=" || op == ">=" || op == "<=") {
            if (f->type == FieldType::Text && std::holds_alternative<std::string>(v) && (op == "=" || op == "!="))
                s.where += col + (op == "=" ? " = ? COLLATE NOCASE" : " != ? COLLATE NOCASE");
            else
                s.where += col + " " + op + " ?";
            s.params.push_back(v);
            return;
        }
        if (op == "contains") {
            s.where += "instr(lower(" + col + "), lower(?)) > 0";
            s.params.push_back(v);
            return;
        }
        bad(where + ": unknown op '" + op + "'");
    }
    if (c.contains("tag")) {
        s.where += "c.id IN (SELECT rt.record_id FROM record_tags rt JOIN tags t ON t.id = rt.tag_id "
                   "WHERE rt.entity = 'contacts' AND rt.deleted = 0 AND t.deleted = 0 AND t.name = ? COLLATE NOCASE)";
        s.params.push_back(json_value(c["tag"], where));
        return;
    }
    if (c.contains("bought")) {
        s.where += "c.account_id IN (SELECT o.account_id FROM orders o JOIN order_lines l ON l.order_id = o.id "
                   "JOIN products p ON p.id = l.product_id WHERE o.deleted = 0 AND l.deleted = 0 AND o.status NOT IN ('cancelled', 'returned') "
                   "AND (p.code = ? OR p.name = ?))";
        Value v = json_value(c["bought"], where);
        s.params.push_back(v);
        s.params.push_back(v);
        return;
    }
    if (c.contains("orders_at_least") || c.contains("spent_at_least")) {
        bool count = c.contains("orders_at_least");
        const json& n = count ? c["orders_at_least"] : c["spent_at_least"];
        if (!n.is_number_integer()) bad(where + ": needs a whole number");
        s.where += std::string("c.account_id IN (SELECT account_id FROM orders WHERE deleted = 0 AND status NOT IN ('cancelled', 'returned') "
                               "GROUP BY account_id HAVING ") + (count ? "count(*)" : "sum(total)") + " >= ?)";
        s.params.push_back(n.get<int64_t>());
        return;
    }
    if (c.contains("account_tier")) {
        s.where += "c.account_id IN (SELECT id FROM accounts WHERE deleted = 0 AND tier = ?)";
        s.params.push_back(json_value(c["account_tier"], where));
        return;
    }
    bad(where + ": unknown condition " + c.dump());
}

Sql compile(const std::string& rules_json) {
    json j;
    try {
        j = json::parse(rules_json);
    } catch (const json::exception& e) {   // syntax, or a number too large to hold
        bad(std::string("not valid JSON (") + e.what() + ")");
    }
    Sql s;
    s.where = "c.deleted = 0 AND ";
    condition(j, s, "rules");
    return s;
}

Statement prepare(Store& store, const std::string& head, const Sql& s, const std::string& tail) {
    Statement st = store.db().prepare(head + " FROM contacts c WHERE " + s.where + tail);
    int i = 1;
    for (const Value& v : s.params) st.bind(i++, v);
    return st;
}

std::string campaign_segment_rules(Store& store, const Record& camp) {
    std::string rules;
    if (!camp.text("segment_id").empty()) rules = store.must_get(kSegments, camp.text("segment_id")).text("rules");
    if (rules.empty()) rules = camp.text("target_segment");
    if (trim(rules).empty()) throw ValidationError("campaigns", "segment_id", "the campaign has no target segment");
    return rules;
}

SendReport run_send(Store& store, const std::string& campaign_id, const std::string& category, bool for_real) {
    static const std::set<std::string> kCategories = {"offers", "newsletter", "product_news", "events", "surveys", "partners"};
    if (!kCategories.count(category)) throw ValidationError("campaigns", "type", "'" + category + "' is not an opt-out category");
    Record camp = store.must_get(kCampaigns, campaign_id);
    std::string rules = campaign_segment_rules(store, camp);
    bool phone = camp.text("type") == "telemarketing";
    Record tmpl;
    if (!phone) {
        if (camp.text("template_id").empty()) throw ValidationError("campaigns", "template_id", "an e-mail campaign needs a template");
        tmpl = store.must_get(kEmailTemplates, camp.text("template_id"));
    }
    SendReport r;
    std::set<std::string> seen;
    Transaction tx(store.db());
    int64_t now = store.now_ms();
    for (const std::string& id : segment_members(store, rules)) {
        Record c = store.must_get(kContacts, id);
        std::string address = ascii_lower(phone ? c.text("phone") : c.text("email"));
        if (address.empty()) { r.skipped[phone ? "no phone number" : "no e-mail address"]++; continue; }
        if (c.integer("opt_out_" + category)) { r.skipped["opted out of " + category]++; continue; }
        if (phone && c.integer("do_not_call")) { r.skipped["do not call"]++; continue; }
        if (!seen.insert(address).second) { r.skipped["duplicate address"]++; continue; }
        r.sent++;
        if (!for_real) continue;
        Fields f{{"type", phone ? "call" : "email"}, {"direction", "outbound"}, {"channel", phone ? "phone" : "email"},
                 {"occurred_at", format_datetime(now)}, {"contact_id", id}, {"campaign_id", campaign_id}};
        if (!c.text("account_id").empty()) f.push_back({"account_id", c.text("account_id")});
        if (!phone) {
            f.push_back({"subject", render_template(store, tmpl.text("subject"), c)});
            f.push_back({"body", render_template(store, tmpl.text("body"), c)});
        } else {
            f.push_back({"subject", "Campaign call: " + camp.text("name")});
        }
        store.create(kActivities, f);
    }
    if (for_real) {
        Fields f{{"sent_count", camp.integer("sent_count") + r.sent}, {"suppressed_count", camp.integer("suppressed_count") + r.skipped_total()}};
        if (camp.text("status") == "planned") f.push_back({"status", "active"});
        store.update(kCampaigns, campaign_id, f);
        tx.commit();
    }
    return r;
}

}  // namespace

void check_segment_rules(const std::string& rules_json) { compile(rules_json); }

int64_t segment_count(Store& store, const std::string& rules_json) {
    Statement st = prepare(store, "SELECT count(*)", compile(rules_json), "");
    st.step();
    return st.column_int(0);
}

std::vector<std::string> segment_members(Store& store, const std::string& rules_json, int64_t limit) {
    Sql s = compile(rules_json);
    std::string tail = " ORDER BY c.last_name, c.id";
    if (limit >= 0) tail += " LIMIT " + std::to_string(limit);
    Statement st = prepare(store, "SELECT c.id", s, tail);
    std::vector<std::string> ids;
    while (st.step()) ids.push_back(st.column_text(0));
    return ids;
}

static std::string merge_value(Store& store, const std::string& name, const Record& c) {
    if (name == "full_name") return record_title(c);
    if (name == "company") return record_title(store, kAccounts, c.text("account_id"));
    if (name == "rep_name") return record_title(store, kUsers, c.text("owner_id"));
    if (name == "first_name" || name == "last_name" || name == "job_title" || name == "city" || name == "country" || name == "email" ||
        name == "salutation")
        return c.text(name);
    return "\x01";   // unknown
}

std::string render_template(Store& store, const std::string& text, const Record& contact) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        size_t open = text.find('{', i);
        if (open == std::string::npos) break;
        size_t close = text.find('}', open);
        if (close == std::string::npos) break;
        out += text.substr(i, open - i);
        std::string inner = text.substr(open + 1, close - open - 1), fallback;
        size_t bar = inner.find('|');
        if (bar != std::string::npos) {
            fallback = inner.substr(bar + 1);
            inner = inner.substr(0, bar);
        }
        std::string v = merge_value(store, trim(inner), contact);
        if (v == "\x01") out += text.substr(open, close - open + 1);   // not a merge field: left as written
        else out += v.empty() ? fallback : v;
        i = close + 1;
    }
    return out + text.substr(i);
}

std::vector<std::string> unknown_merge_fields(const std::string& text) {
    static const std::set<std::string> known = {"first_name", "last_name", "full_name", "company", "job_title", "city", "country",
                                                "email", "salutation", "rep_name"};
    std::vector<std::string> out;
    size_t i = 0;
    while ((i = text.find('{', i)) != std::string::npos) {
        size_t close = text.find('}', i);
        if (close == std::string::npos) break;
        std::string name = trim(text.substr(i + 1, close - i - 1).substr(0, text.substr(i + 1, close - i - 1).find('|')));
        if (!known.count(name)) out.push_back(name);
        i = close + 1;
    }
    return out;
}

int64_t SendReport::skipped_total() const {
    int64_t n = 0;
    for (auto& [k, v] : skipped) n += v;
    return n;
}

SendReport send_campaign(Store& store, const std::string& id, const std::string& category) { return run_send(store, id, category, true); }
SendReport preview_send(Store& store, const std::string& id, const std::string& category) { return run_send(store, id, category, false); }

std::string campaign_response(Store& store, const std::string& campaign_id, const Fields& lead_fields) {
    Record camp = store.must_get(kCampaigns, campaign_id);
    Fields f = lead_fields;
    f.push_back({"campaign_id", campaign_id});
    bool has_source = false;
    for (auto& [k, v] : f) has_source |= k == "source" && !value_to_text(v).empty();
    if (!has_source) {
        std::string t = camp.text("type");
        const char* src = t == "webinar" ? "webinar" : t == "trade_show" ? "trade_show" : t == "email" ? "email" : t == "event" ? "conference" : "web_form";
        f.push_back({"source", src});
    }
    return capture_lead(store, f);
}

CampaignResults campaign_results(Store& store, const std::string& id) {
    Record camp = store.must_get(kCampaigns, id);
    CampaignResults r;
    Database& db = store.db();
    auto one = [&](const char* sql) {
        Statement& st = db.cached(sql);
        st.bind_all(id);
        st.step();
        int64_t v = st.column_int(0);
        st.reset();
        return v;
    };
    r.sent = one("SELECT count(*) FROM activities WHERE campaign_id = ?1 AND deleted = 0 AND direction = 'outbound'");
    r.leads = one("SELECT count(*) FROM leads WHERE campaign_id = ?1 AND deleted = 0");
    r.opportunities = one("SELECT count(*) FROM opportunities WHERE campaign_id = ?1 AND deleted = 0");
    r.won = one("SELECT count(*) FROM opportunities WHERE campaign_id = ?1 AND deleted = 0 AND stage = 'won'");
    r.won_revenue = one("SELECT coalesce(sum(amount), 0) FROM opportunities WHERE campaign_id = ?1 AND deleted = 0 AND stage = 'won'");
    r.cost = camp.integer("actual_cost") ? camp.integer("actual_cost") : camp.integer("budget");
    return r;
}

}  // namespace crm
