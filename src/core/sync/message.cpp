// message.cpp - see message.h.
#include "sync/message.h"

#include "records/custom_fields.h"

#include "base/hlc.h"
#include "base/util.h"
#include "records/json_value.h"
#include "records/store.h"

namespace crm {

namespace {

bool is_name(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

bool is_datetime(const nlohmann::json& j) { return j.is_string() && parse_datetime(j.get_ref<const std::string&>()).has_value(); }

}  // namespace

nlohmann::json message_to_json(const Message& m) {
    nlohmann::json j = {{"hlc", format_hlc(m.hlc, m.device)}, {"entity", m.entity}, {"id", m.id}, {"field", m.field}, {"value", m.value}};
    if (!m.at.empty()) j["at"] = m.at;
    if (!m.base_device.empty()) j["base"] = format_hlc(m.base_hlc, m.base_device);
    return j;
}

Message message_from_json(const nlohmann::json& j, const std::string& path) {
    auto fail = [&](const std::string& key, const std::string& what) -> void {
        throw SyncError(path + (key.empty() ? "" : "." + key) + ": " + what);
    };
    if (!j.is_object()) fail("", "a message must be an object");
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        if (k != "hlc" && k != "entity" && k != "id" && k != "field" && k != "value" && k != "at" && k != "base")
            fail(k, "is not part of a message");
    }
    auto text = [&](const char* key) -> std::string {
        if (!j.contains(key)) fail(key, "is missing");
        if (!j[key].is_string()) fail(key, "must be text");
        return j[key].get<std::string>();
    };
    Message m;
    if (!parse_hlc(text("hlc"), m.hlc, m.device)) fail("hlc", "is not a clock stamp (2026-11-30T08:00:00.000Z-0001-<device>)");
    m.entity = text("entity");
    if (!is_name(m.entity)) fail("entity", "is not an entity name");
    m.id = text("id");
    if (m.id.empty() || m.id.size() > 200) fail("id", "must be a record id of 1 to 200 bytes");
    m.field = text("field");
    if (m.field != "*" && !is_name(m.field)) fail("field", "is not a field name");
    if (!j.contains("value")) fail("value", "is missing");
    m.value = j["value"];
    bool field_write = m.field != "*" && m.field != "erased";
    if (j.contains("at")) {
        if (!is_datetime(j["at"])) fail("at", "must be a date and time (2026-11-30T08:00:00.000Z)");
        m.at = format_datetime(*parse_datetime(j["at"].get<std::string>()));
    } else if (field_write) {
        fail("at", "is missing (the time of the write)");
    }
    if (j.contains("base")) {
        if (!j["base"].is_string() || !parse_hlc(j["base"].get<std::string>(), m.base_hlc, m.base_device))
            fail("base", "is not a clock stamp");
    }
    return m;
}

Knowledge check_message(const Message& m, const std::string& path) {
    auto fail = [&](const std::string& key, const std::string& what) -> void { throw SyncError(path + "." + key + ": " + what); };
    if (m.entity == "settings") {
        if (m.field != "value") fail("field", "a setting has only a value");
        if (is_local_setting(m.id)) fail("id", "'" + m.id + "' is a device's own setting and never syncs");
        if (!m.value.is_string() || m.value.get_ref<const std::string&>().size() > kMaxTextBytes) fail("value", "must be text of at most 1 MiB");
        return Knowledge::Known;
    }
    const EntitySpec* e = find_entity(m.entity);
    if (!e) return Knowledge::UnknownEntity;
    auto typed = [&](const FieldSpec& f, const nlohmann::json& v, const std::string& key) {
        try {
            value_from_json(*e, f, v);
        } catch (const ValidationError& err) {
            fail(key, err.message());
        }
    };
    // A custom field's value without its definition: a scalar, text within the limit.
    auto untyped = [&](const nlohmann::json& v, const std::string& key) {
        if (v.is_object() || v.is_array()) fail(key, "must be text, a number, true/false or null");
        if (v.is_string() && v.get_ref<const std::string&>().size() > kMaxTextBytes) fail(key, "is longer than 1 MiB");
    };
    if (m.field == "erased") {
        if (!m.value.is_null()) fail("value", "must be null for an erasure");
        return Knowledge::Known;
    }
    if (m.field == "deleted") {
        if (!m.value.is_boolean()) fail("value", "must be true or false");
        return Knowledge::Known;
    }
    if (m.field == "*") {
        if (!m.value.is_object()) fail("value", "must be an object of the record's fields");
        for (const char* k : {"created_at", "updated_at"})
            if (!m.value.contains(k) || !is_datetime(m.value[k])) fail(std::string("value.") + k, "must be a date and time");
        if (m.value.contains("deleted") && !m.value["deleted"].is_boolean()) fail("value.deleted", "must be true or false");
        Knowledge k = Knowledge::Known;
        for (auto it = m.value.begin(); it != m.value.end(); ++it) {
            const std::string& name = it.key();
            if (name == "created_at" || name == "updated_at" || name == "deleted") continue;
            const FieldSpec* f = e->field(name);
            if (!f) {
                if (!is_name(name)) fail("value." + name, "is not a field name");
                if (is_custom_field_name(m.entity, name)) {
                    untyped(it.value(), "value." + name);
                    if (k == Knowledge::Known) k = Knowledge::UnknownCustomField;
                } else {
                    k = Knowledge::UnknownField;
                }
                continue;
            }
            if (!f->has(F_Derived)) typed(*f, it.value(), "value." + name);
        }
        return k;
    }
    const FieldSpec* f = e->field(m.field);
    if (!f && is_custom_field_name(m.entity, m.field)) {
        untyped(m.value, "value");
        return Knowledge::UnknownCustomField;
    }
    if (!f) return Knowledge::UnknownField;
    if (f->has(F_Derived)) fail("field", "'" + m.field + "' is computed on every device and never sent");
    typed(*f, m.value, "value");
    return Knowledge::Known;
}

std::vector<Message> messages_from_json(const nlohmann::json& j, const std::string& path) {
    if (!j.is_array()) throw SyncError(path + ": must be a list of messages");
    std::vector<Message> out;
    out.reserve(j.size());
    for (size_t i = 0; i < j.size(); i++) out.push_back(message_from_json(j[i], path + "[" + std::to_string(i) + "]"));
    return out;
}

}  // namespace crm
