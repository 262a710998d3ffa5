// validate.h - field validation and normalisation, shared by every write path
// (dialogs, imports, sync). An error names the entity, the field and what is
// wrong with the value, so it can be shown at the field in a dialog or with a
// line number in an import report.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "storage/db.h"
#include "records/entity.h"

namespace crm {

struct ValidationError : std::runtime_error {
    std::string entity;   // "contacts"
    std::string field;    // "email"
    ValidationError(std::string entity_, std::string field_, const std::string& message)
        : std::runtime_error(entity_ + "." + field_ + ": " + message), entity(std::move(entity_)), field(std::move(field_)) {}
    // The message without the "entity.field: " prefix, for display at the field.
    std::string message() const { return std::string(what()).substr(entity.size() + field.size() + 3); }
};

// The longest text a field takes: a notes field holds a long e-mail thread,
// not a file. CSV cells have the same cap.
constexpr size_t kMaxTextBytes = 1 << 20;

// Coerces `v` to the field's storage type and checks its format and range.
// Text is trimmed; country and currency codes upper-cased; "" and NULL mean
// unset. Throws ValidationError.
void normalize_field(const EntitySpec& e, const FieldSpec& f, Value& v);

// The value a field takes when a create does not give it (its DDL default).
Value default_value(const FieldSpec& f);

bool is_valid_email(std::string_view s);
bool is_valid_phone(std::string_view s);
bool is_valid_country(std::string_view s);   // ISO 3166-1 alpha-2
bool is_valid_url(std::string_view s);

}  // namespace crm
