// entity.h - what each CRM record type is: its table, fields, types and rules.
//
// One table of field specs per entity drives validation, the change log,
// list filters and sorting, the edit dialogs and (later) import and export,
// so a field is described once. The SQL tables themselves are written out in
// schema.cpp as frozen migrations; a test checks the two agree.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace crm {

enum class FieldType : uint8_t {
    Text,      // free text
    Choice,    // one of a fixed list of codes
    Integer,
    Money,     // integer minor units (cents); currency is a separate field
    Bool,      // 0 / 1
    Date,      // YYYY-MM-DD
    DateTime,  // YYYY-MM-DDTHH:MM:SS(.mmm)Z, UTC
    Ref,       // text id of a record in another table (NULL when unset)
    Number,    // a decimal number (REAL); only custom fields have it
};

enum FieldFlags : uint32_t {
    F_Required    = 1u << 0,
    F_Email       = 1u << 1,
    F_Phone       = 1u << 2,
    F_NonNegative = 1u << 3,
    F_Percent     = 1u << 4,   // 0..100
    F_Positive    = 1u << 5,   // > 0
    F_Country     = 1u << 6,   // ISO 3166-1 alpha-2, upper case
    F_Currency    = 1u << 7,   // ISO 4217, three upper-case letters
    F_Url         = 1u << 8,
    F_Multiline   = 1u << 9,
    F_System      = 1u << 10,  // set by workflows, not by the edit dialog
    F_Sortable    = 1u << 11,  // has an index for keyset paging
    F_Filterable  = 1u << 12,  // may be used as an equality filter in lists
    F_Derived     = 1u << 13,  // computed by the store from other data (a line's total, an order's
                               // total): a value given is ignored, and sync never sends it, since
                               // every device computes it from the merged rows
    F_Custom      = 1u << 14,  // added by the user in Settings (records/custom_fields.h): a number or
                               // amount left empty stays NULL, not 0
    F_Hidden      = 1u << 15,  // a custom field the user removed: not shown, its values kept and exported
    F_RequiredOnSave = 1u << 16,  // a custom field marked required: the forms and the CSV import ask for
                                  // it; workflows, merges, JSON imports and sync do not (old records lack it)
    F_NotInForm   = 1u << 17,  // a custom field left out of the create/edit forms (the record view still edits it)
    F_ListColumn  = 1u << 18,  // a custom field shown as a column of its list
};

struct FieldSpec {
    const char* name;
    const char* label;
    FieldType type;
    uint32_t flags = 0;
    const char* ref = nullptr;                // Ref: target table
    std::vector<const char*> choices = {};    // Choice: allowed codes ("" = unset allowed unless required)
    const char* default_value = nullptr;      // as SQL sees it in the DDL, for documentation/tests

    bool has(uint32_t f) const { return (flags & f) != 0; }
    bool is_text_like() const { return type == FieldType::Text || type == FieldType::Choice || type == FieldType::Date || type == FieldType::DateTime; }
    bool is_numeric() const { return type == FieldType::Integer || type == FieldType::Money || type == FieldType::Bool; }
    bool is_custom() const { return has(F_Custom); }
};

// A pair of date fields that must be ordered: first <= second when both set.
struct FieldOrder {
    const char* first;
    const char* second;
};

struct EntitySpec {
    const char* table;        // SQL table, also the entity's name in the change log
    const char* singular;     // "contact"
    const char* label;        // "Contacts"
    // The built-in fields, then the database's custom fields (F_Custom),
    // which load_custom_fields() replaces when their definitions change.
    mutable std::vector<FieldSpec> fields;
    std::vector<FieldOrder> orders = {};
    const char* default_sort = "created_at";

    const FieldSpec* field(std::string_view name) const;
};

// All entities, in dependency order (referenced tables first).
const std::vector<const EntitySpec*>& all_entities();
const EntitySpec* find_entity(std::string_view table);  // nullptr if unknown
const EntitySpec& entity(std::string_view table);       // throws if unknown

// The fields every record has, besides those in its spec.
inline constexpr const char* kSystemColumns[] = {"id", "created_at", "updated_at", "deleted"};

extern const EntitySpec kUsers, kAccounts, kContacts, kLeads, kOpportunities, kActivities, kTasks,
    kQueues, kCases, kCampaigns, kProductCategories, kProducts, kOrders, kOrderLines, kTags, kRecordTags,
    kAssignmentRules, kScoringRules, kSlaTargets, kKbArticles, kEmailTemplates, kSegments, kCustomFields,
    kJourneys, kJourneyEnrollments;

// Bumped whenever custom fields change the field lists: what caches a
// statement built from a spec's fields keys it on this too.
extern uint64_t g_spec_generation;

// Picklists shared with the demo generator and the UI.
extern const std::vector<const char*> kLeadSources;
extern const std::vector<const char*> kActivityTypes;
extern const std::vector<const char*> kOpportunityStages;
// A stage's default probability: qualify 10, develop 40, propose 70, won 100, lost 0.
int default_stage_probability(std::string_view stage);

}  // namespace crm
