// custom_fields.cpp - see custom_fields.h.
#include "records/custom_fields.h"

#include <algorithm>
#include <set>
#include <unordered_set>

namespace crm {

namespace {

// FieldSpecs point at their strings: interned, never freed, so a spec read
// before a reload stays valid.
const char* intern(const std::string& s) {
    static std::unordered_set<std::string> pool;
    return pool.insert(s).first->c_str();
}

bool is_custom_entity(std::string_view table) {
    for (const char* t : kCustomFieldEntities)
        if (table == t) return true;
    return false;
}

// A column name that came from a file or another device is put into SQL:
// only cf_ and lower-case letters, digits and underscores pass.
// The prefix says how the column stores its values: text (text, choice,
// date), a number, an amount or a checkbox. Two devices that add a field of
// the same label offline share its column only when the values fit it.
const char* column_prefix(std::string_view type) {
    return type == "number" ? "cfn_" : type == "money" ? "cfm_" : type == "checkbox" ? "cfb_" : "cf_";
}

bool is_column_name(std::string_view s) {
    size_t prefix = s.starts_with("cf_") ? 3 : (s.starts_with("cfn_") || s.starts_with("cfm_") || s.starts_with("cfb_")) ? 4 : 0;
    if (!prefix || s.size() <= prefix || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

const char* column_type(std::string_view type) {
    if (type == "checkbox") return "INTEGER NOT NULL DEFAULT 0";
    if (type == "number") return "REAL";
    if (type == "money") return "INTEGER";
    return "TEXT NOT NULL DEFAULT ''";
}

FieldType field_type(std::string_view type) {
    if (type == "number") return FieldType::Number;
    if (type == "money") return FieldType::Money;
    if (type == "date") return FieldType::Date;
    if (type == "choice") return FieldType::Choice;
    if (type == "checkbox") return FieldType::Bool;
    return FieldType::Text;
}

std::vector<std::string> split_choices(const std::string& text) {
    std::vector<std::string> out;
    char sep = text.find('\n') != std::string::npos ? '\n' : ',';
    size_t p = 0;
    while (p <= text.size()) {
        size_t q = text.find(sep, p);
        std::string c = trim(text.substr(p, q == std::string::npos ? std::string::npos : q - p));
        if (!c.empty() && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
        if (q == std::string::npos) break;
        p = q + 1;
    }
    return out;
}

std::set<std::string> table_columns(Database& db, const char* table) {
    std::set<std::string> out;
    Statement st = db.prepare(std::string("SELECT name FROM pragma_table_info('") + table + "')");
    while (st.step()) out.insert(st.column_text(0));
    return out;
}

bool has_definitions_table(Database& db) {
    return db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'custom_fields'") > 0;
}

struct Definition {
    std::string entity, column, label, type, choices;
    bool deleted = false, required = false, in_form = true, in_list = false;
};

void read_definitions(Database& db, std::vector<Definition>& out) {
    if (!has_definitions_table(db)) return;
    Statement st = db.prepare(
        "SELECT entity, column_name, label, type, choices, deleted, required, in_form, in_list FROM custom_fields "
        "ORDER BY position, created_at, id");
    while (st.step()) {
        Definition d{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4),
                     st.column_int(5) != 0, st.column_int(6) != 0, st.column_int(7) != 0, st.column_int(8) != 0};
        if (is_custom_entity(d.entity) && is_column_name(d.column)) out.push_back(std::move(d));
    }
}

}  // namespace

//-----------------------------------------------------------------------------
// Loading definitions into the specs
//-----------------------------------------------------------------------------

namespace {

// Each open database's definitions as last read: a database opening reads
// its own, never another's (which may be a lazily opened file mid-load).
std::vector<std::pair<Database*, std::vector<Definition>>> g_loaded;

std::vector<Definition>* loaded(Database& db) {
    for (auto& [d, defs] : g_loaded)
        if (d == &db) return &defs;
    return nullptr;
}

void build_specs() {
    for (const char* table : kCustomFieldEntities) {
        const EntitySpec& e = entity(table);
        std::vector<FieldSpec>& fields = e.fields;
        fields.erase(std::remove_if(fields.begin(), fields.end(), [](const FieldSpec& f) { return f.is_custom(); }), fields.end());
        // Live definitions first: a removed one gives its column to a live one of the same column.
        for (int pass = 0; pass < 2; pass++)
        for (const auto& [db, defs] : g_loaded)
            for (const Definition& d : defs) {
                if (d.entity != table || d.deleted != (pass == 1)) continue;
                // Two devices that made the same field offline share its column: the first definition speaks for it.
                bool taken = false;
                for (size_t i = 0; i < fields.size() && !taken; i++) taken = d.column == fields[i].name;
                if (taken) continue;
                uint32_t flags = F_Custom | F_Filterable;
                if (d.deleted) flags |= F_Hidden;
                if (d.required) flags |= F_RequiredOnSave;
                if (!d.in_form) flags |= F_NotInForm;
                if (d.in_list) flags |= F_ListColumn;
                FieldSpec f{intern(d.column), intern(d.label.empty() ? d.column : d.label), field_type(d.type), flags};
                if (f.type == FieldType::Choice)
                    for (const std::string& c : split_choices(d.choices)) f.choices.push_back(intern(c));
                fields.push_back(std::move(f));
            }
    }
    g_spec_generation++;
}

// Adds the columns of `defs` that `db` lacks.
void add_columns(Database& db, const std::vector<Definition>& defs) {
    for (const char* table : kCustomFieldEntities) {
        std::set<std::string> have;
        for (const Definition& d : defs) {
            if (d.entity != table) continue;
            if (have.empty()) have = table_columns(db, table);
            if (have.count(d.column)) continue;
            db.exec(std::string("ALTER TABLE ") + table + " ADD COLUMN " + d.column + " " + column_type(d.type));
            have.insert(d.column);
        }
    }
}

bool g_scoped = false;

}  // namespace

void custom_fields_scoped(bool on) { g_scoped = on; }

std::recursive_mutex& custom_fields_lock() {
    static std::recursive_mutex m;
    return m;
}

void load_custom_fields(Database& db) {
    std::lock_guard spec(custom_fields_lock());   // it rewrites the process-wide specs
    std::vector<Definition> mine;
    read_definitions(db, mine);
    if (!mine.empty()) add_columns(db, mine);
    if (g_scoped) {   // this database's fields alone
        g_loaded.clear();
        g_loaded.push_back({&db, std::move(mine)});
        build_specs();
        return;
    }
    // Another open database lacks the columns only of definitions it has not received yet.
    for (auto& [other, defs] : g_loaded) {
        if (other == &db) continue;
        std::vector<Definition> missing;
        for (const Definition& d : mine) {
            bool has = false;
            for (const Definition& o : defs) has = has || (o.entity == d.entity && o.column == d.column);
            if (!has) missing.push_back(d);
        }
        if (!missing.empty()) add_columns(*other, missing);
    }
    std::vector<Definition> union_of_others;
    if (!mine.empty() || !g_loaded.empty())
        for (auto& [other, defs] : g_loaded)
            if (other != &db) union_of_others.insert(union_of_others.end(), defs.begin(), defs.end());
    if (!union_of_others.empty()) add_columns(db, union_of_others);
    if (std::vector<Definition>* slot = loaded(db)) *slot = std::move(mine);
    else g_loaded.insert(g_loaded.begin(), {&db, std::move(mine)});
    build_specs();
}

void custom_fields_attach(Database& db) {
    try {
        load_custom_fields(db);
    } catch (...) {   // a read that missed (a file opened on demand): the Store's open runs again
        custom_fields_detach(db);
        throw;
    }
}

void custom_fields_detach(Database& db) {
    std::lock_guard spec(custom_fields_lock());
    g_loaded.erase(std::remove_if(g_loaded.begin(), g_loaded.end(), [&](const auto& p) { return p.first == &db; }), g_loaded.end());
    build_specs();
}

bool is_custom_field_name(std::string_view entity, std::string_view name) { return is_custom_entity(entity) && is_column_name(name); }

std::vector<const FieldSpec*> custom_fields_of(const EntitySpec& e) {
    std::vector<const FieldSpec*> out;
    for (const FieldSpec& f : e.fields)
        if (f.is_custom()) out.push_back(&f);
    return out;
}

//-----------------------------------------------------------------------------
// Definitions
//-----------------------------------------------------------------------------

void validate_custom_field_definition(const std::vector<Value>& v, const std::vector<Value>* before) {
    const EntitySpec& e = kCustomFields;
    auto text = [&](const char* name) { return value_to_text(v[(size_t)field_index(e, name)]); };
    if (!is_column_name(text("column_name")))
        throw ValidationError(e.table, "column_name", "'" + text("column_name") + "' is not a custom field's column (cf_ and a-z, 0-9, _)");
    if (!text("column_name").starts_with(column_prefix(text("type"))))
        throw ValidationError(e.table, "column_name", "'" + text("column_name") + "' does not fit a field of type " + text("type") + " (" +
                                                          column_prefix(text("type")) + "...)");
    if (text("type") == "choice" && split_choices(text("choices")).empty())
        throw ValidationError(e.table, "choices", "a choice list needs at least one choice");
    if (before)
        for (const char* fixed : {"entity", "column_name", "type"}) {
            size_t i = (size_t)field_index(e, fixed);
            if ((*before)[i] != v[i])
                throw ValidationError(e.table, fixed, std::string("cannot change once the field is made (its column holds the values): ") +
                                                          "add a new field instead");
        }
}

std::string add_custom_field(Store& store, const CustomFieldInput& in) {
    Database& db = store.db();
    const EntitySpec& c = kCustomFields;
    if (!is_custom_entity(in.entity))
        throw ValidationError(c.table, "entity", "'" + in.entity + "' cannot have custom fields (accounts, contacts, leads, opportunities, cases)");
    std::string label = trim(in.label);
    if (label.empty()) throw ValidationError(c.table, "label", "is required");
    {
        Statement& st = db.cached("SELECT 1 FROM custom_fields WHERE entity = ? AND deleted = 0 AND label = ? COLLATE NOCASE");
        st.bind_all(in.entity, label);
        bool used = st.step();
        st.reset();
        if (used) throw ValidationError(c.table, "label", "'" + label + "' is already a field of " + entity(in.entity).label);
    }
    const EntitySpec& target = entity(in.entity);
    for (const FieldSpec& f : target.fields)
        if (!f.is_custom() && ascii_lower(f.label) == ascii_lower(label))
            throw ValidationError(c.table, "label", "'" + label + "' is already a field of " + target.label);

    // The column: the label's ASCII letters and digits, lower case (other
    // letters dropped: the label is what people read), unique in the table.
    std::string slug;
    for (char ch : ascii_lower(label)) {
        bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (alnum) slug += ch;
        else if ((unsigned char)ch < 0x80 && !slug.empty() && slug.back() != '_') slug += '_';
    }
    while (!slug.empty() && slug.back() == '_') slug.pop_back();
    if (slug.size() > 40) slug.resize(40);
    if (slug.empty()) slug = "field";
    std::set<std::string> used = table_columns(db, target.table);
    {
        Statement& st = db.cached("SELECT column_name FROM custom_fields WHERE entity = ?");
        st.bind_all(in.entity);
        while (st.step()) used.insert(st.column_text(0));
        st.reset();
    }
    std::string prefix = column_prefix(in.type);
    std::string column = prefix + slug;
    for (int n = 2; used.count(column); n++) column = prefix + slug + "_" + std::to_string(n);

    int64_t position = db.query_int("SELECT coalesce(max(position), 0) + 1 FROM custom_fields");
    return store.create(c, {{"entity", in.entity},
                            {"label", label},
                            {"column_name", column},
                            {"type", in.type},
                            {"choices", in.choices},
                            {"required", int64_t(in.required)},
                            {"in_form", int64_t(in.in_form)},
                            {"in_list", int64_t(in.in_list)},
                            {"position", position}});
}

std::string missing_required_field(const EntitySpec& e, const std::vector<Value>& values) {
    for (size_t i = 0; i < e.fields.size() && i < values.size(); i++) {
        const FieldSpec& f = e.fields[i];
        if (!f.has(F_RequiredOnSave) || f.has(F_Hidden)) continue;
        if (is_null(values[i]) || value_to_text(values[i]).empty()) return f.label;
    }
    return "";
}

std::string custom_field_id(Store& store, const EntitySpec& e, const std::string& field) {
    Statement& st = store.db().cached("SELECT id FROM custom_fields WHERE entity = ? AND column_name = ? ORDER BY position, created_at, id LIMIT 1");
    st.bind_all(std::string(e.table), field);
    std::string id = st.step() ? st.column_text(0) : "";
    st.reset();
    return id;
}

}  // namespace crm
