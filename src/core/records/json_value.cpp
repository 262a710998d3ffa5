// json_value.cpp - see json_value.h.
#include "records/json_value.h"

namespace crm {

nlohmann::json value_to_json(const FieldSpec& f, const Value& v) {
    if (std::holds_alternative<std::monostate>(v)) return nullptr;
    if (const int64_t* i = std::get_if<int64_t>(&v)) return f.type == FieldType::Bool ? nlohmann::json(*i != 0) : nlohmann::json(*i);
    if (const double* d = std::get_if<double>(&v)) return *d;
    return std::get<std::string>(v);
}

Value value_from_json(const EntitySpec& e, const FieldSpec& f, const nlohmann::json& j) {
    auto fail = [&](const std::string& what) { throw ValidationError(e.table, f.name, what); };
    switch (f.type) {
    case FieldType::Ref:
        if (j.is_null()) return std::monostate{};
        if (!j.is_string() || j.get_ref<const std::string&>().empty()) fail("must be a record id or null");
        if (j.get_ref<const std::string&>().size() > 200) fail("is not a record id (longer than 200 bytes)");
        return j.get<std::string>();
    case FieldType::Number:
        if (j.is_null()) return std::monostate{};
        if (!j.is_number()) fail("must be a number or null");
        return j.get<double>();
    case FieldType::Integer:
    case FieldType::Money:
        if (f.is_custom() && j.is_null()) return std::monostate{};
        if (!j.is_number_integer()) fail(f.type == FieldType::Money ? "must be a whole number of minor units" : "must be a whole number");
        return j.get<int64_t>();
    case FieldType::Bool:
        if (j.is_boolean()) return int64_t(j.get<bool>() ? 1 : 0);
        if (j.is_number_integer() && (j.get<int64_t>() == 0 || j.get<int64_t>() == 1)) return j.get<int64_t>();
        fail("must be true or false");
    default:
        if (j.is_null()) return std::string();
        if (!j.is_string()) fail("must be text");
        if (j.get_ref<const std::string&>().size() > kMaxTextBytes) fail("is longer than 1 MiB");
        return j.get<std::string>();
    }
    return {};
}

}  // namespace crm
