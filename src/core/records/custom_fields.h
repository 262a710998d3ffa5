// custom_fields.h - fields users add to contacts, accounts, leads,
// opportunities and cases in Settings, without a developer.
//
// A definition is a record of its own (kCustomFields: record type, label,
// type, choices, required, where it shows) that syncs and exports like any
// other. Its values live in a real column of the entity's table, named once
// from the first label ("Renewal date" -> cf_renewal_date; cfn_, cfm_ and
// cfb_ for a number, an amount and a checkbox) and never renamed,
// so a new label keeps the data, the file stays plain SQL for the sqlite3
// shell, and a filter or a pivot reads a column.
//
// Loaded definitions become FieldSpecs at the end of the entity's spec
// (F_Custom), so every path that walks a spec's fields - validation, the
// change log and sync, JSON and CSV import and export, forms, the record view,
// list columns and filters, segment rules - takes them as it takes built-in
// fields. Removing a field is the definition's tombstone: the field is hidden
// (F_Hidden), its column and values stay, exports keep them, and restoring
// the definition brings it back.
//
// The specs are process-wide: the fields are those of the databases that have
// an open Store (one in the app and the CLI; two devices in a sync test see
// the union, and each database gets every column).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "records/store.h"

namespace crm {

inline constexpr const char* kCustomFieldEntities[] = {"accounts", "contacts", "leads", "opportunities", "cases"};
inline constexpr const char* kCustomFieldTypes[] = {"text", "number", "money", "date", "choice", "checkbox"};

struct CustomFieldInput {
    std::string entity;          // "contacts"
    std::string label;           // "Renewal date"
    std::string type = "text";   // one of kCustomFieldTypes
    std::string choices;         // choice: one per line (or comma-separated)
    bool required = false, in_form = true, in_list = false;
};

// Adds a field: a definition record (validated, logged, synced) and its
// column. Returns the definition's id. Throws ValidationError (an unknown
// type or record type, a choice field without choices, a label already used
// by another field of the entity).
std::string add_custom_field(Store& store, const CustomFieldInput& in);

// The definition id of the custom field `field` ("cf_renewal_date") of `e`, or "".
std::string custom_field_id(Store& store, const EntitySpec& e, const std::string& field);

// A name a custom field of `entity` may have (cf_, cfn_, cfm_, cfb_ and a-z, 0-9, _).
bool is_custom_field_name(std::string_view entity, std::string_view name);

// The custom fields of `e` in their order, removed ones too (F_Hidden).
std::vector<const FieldSpec*> custom_fields_of(const EntitySpec& e);

// Reads every definition of the open databases into the specs and adds the
// columns a database lacks. The store calls it when a definition is written
// or the database's contents are replaced, and sync when one arrives.
void load_custom_fields(Database& db);

// The checks of a definition beyond its fields' own: a column name safe for
// SQL, choices for a choice list, and entity, column and type fixed once made.
void validate_custom_field_definition(const std::vector<Value>& values, const std::vector<Value>* before);

// The label of the first custom field of `e` marked required that `values`
// (parallel to e.fields) leaves empty, or "": the forms and the CSV import ask.
std::string missing_required_field(const EntitySpec& e, const std::vector<Value>& values);

// The sync server holds one replica per workspace: there each load makes the
// specs that database's fields alone and adds no column to another (no
// workspace sees another's field names), and whatever reads or loads the
// specs on its threads (a push's checks, a replica catching up) holds the
// lock; loading, attaching and detaching take it themselves, so a Store opens
// and closes on any thread. Devices and tests keep the union.
void custom_fields_scoped(bool on);
std::recursive_mutex& custom_fields_lock();

// A Store's database joins (or leaves) the set whose fields the specs hold.
void custom_fields_attach(Database& db);
void custom_fields_detach(Database& db);

}  // namespace crm
