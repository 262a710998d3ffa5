// json_value.h - how a field's value is written in JSON, the one encoding the
// export format and sync messages share: text as a string, integers and money
// (minor units) as whole numbers, booleans as true/false, an unset reference
// as null.
#pragma once

#include <nlohmann/json.hpp>

#include "records/entity.h"
#include "records/validate.h"

namespace crm {

nlohmann::json value_to_json(const FieldSpec& f, const Value& v);

// The stored value for `j`, checked strictly against the field's type (a
// number for a text field, a fraction for money, text over 1 MiB are
// refused): throws ValidationError naming the entity and field. The value's
// format (an e-mail's shape, a choice's code) is not checked here.
Value value_from_json(const EntitySpec& e, const FieldSpec& f, const nlohmann::json& j);

}  // namespace crm
