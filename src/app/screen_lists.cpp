// screen_lists.cpp - Contacts, Accounts and Leads as tables: search as you
// type, filters, sortable and resizable columns. The clipper asks for the
// visible rows; we keep a window of rows around them, fetched by keyset
// paging, so 100,000 rows cost per frame what 100 do.
#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>

#include "app/app.h"
#include "app/a11y.h"
#include "app/app_state.h"
#include "app/icons.h"
#include "app/platform.h"
#include "app/test_hooks.h"
#include "workflows/cases.h"
#include "exchange/csv.h"
#include "workflows/leads.h"
#include "records/views.h"

namespace crm::app {

namespace {

struct Column {
    const char* label;
    const char* field;     // what the cell shows ("" = computed)
    const char* sort;      // the sortable field, or nullptr
    float width;           // initial, in unscaled pixels
};

const std::vector<Column>& builtin_columns(const EntitySpec& e) {
    static const std::vector<Column> contacts = {{"Name", "", "last_name", 190}, {"Account", "account_id", nullptr, 190},
                                                 {"E-mail", "email", "email", 230}, {"Phone", "phone", nullptr, 140},
                                                 {"City", "city", "city", 120}, {"Country", "country", "country", 70},
                                                 {"Owner", "owner_id", nullptr, 140}};
    static const std::vector<Column> accounts = {{"Name", "name", "name", 240}, {"Industry", "industry", "industry", 150},
                                                 {"Tier", "tier", "tier", 70}, {"City", "city", "city", 120},
                                                 {"Country", "country", "country", 70}, {"Phone", "phone", nullptr, 140},
                                                 {"Owner", "owner_id", nullptr, 140}};
    static const std::vector<Column> leads = {{"Name", "", "last_name", 190}, {"Company", "company", "company", 190},
                                              {"Status", "status", nullptr, 100}, {"Score", "score", "score", 60},
                                              {"E-mail", "email", nullptr, 220}, {"Country", "country", nullptr, 70},
                                              {"Owner", "owner_id", nullptr, 140}};
    static const std::vector<Column> cases = {{"Case", "number", "number", 100}, {"Subject", "subject", nullptr, 260},
                                              {"Status", "status", nullptr, 100}, {"Priority", "priority", nullptr, 80},
                                              {"Tier", "tier", nullptr, 70}, {"Queue", "queue_id", nullptr, 150},
                                              {"Owner", "owner_id", nullptr, 130}, {"Resolution due", "resolution_due_at", "resolution_due_at", 150}};
    static const std::vector<Column> opportunities = {{"Opportunity", "name", "name", 240}, {"Account", "account_id", nullptr, 190},
                                                      {"Stage", "stage", nullptr, 90}, {"Amount", "amount", "amount", 120},
                                                      {"Probability %", "probability", nullptr, 90}, {"Expected close", "expected_close", "expected_close", 120},
                                                      {"Owner", "owner_id", nullptr, 130}};
    static const std::vector<Column> campaigns = {{"Campaign", "name", "name", 240}, {"Type", "type", nullptr, 110},
                                                  {"Status", "status", nullptr, 90}, {"Start", "start_date", "start_date", 100},
                                                  {"End", "end_date", nullptr, 100}, {"Budget", "budget", nullptr, 110},
                                                  {"Owner", "owner_id", nullptr, 130}};
    if (&e == &kAccounts) return accounts;
    if (&e == &kLeads) return leads;
    if (&e == &kCases) return cases;
    if (&e == &kOpportunities) return opportunities;
    if (&e == &kCampaigns) return campaigns;
    return contacts;
}

// The built-in columns, then the custom fields the user shows in lists.
std::vector<Column> columns_of(const EntitySpec& e) {
    std::vector<Column> cols = builtin_columns(e);
    for (const FieldSpec& f : e.fields)
        if (f.is_custom() && f.has(F_ListColumn) && !f.has(F_Hidden)) cols.push_back({f.label, f.name, nullptr, 130});
    return cols;
}

std::string cell_text(const Record& r, const Column& c) {
    if (!*c.field) return r.spec == &kContacts || r.spec == &kLeads ? record_title(r) : r.text("name");
    const FieldSpec* f = r.spec->field(c.field);
    std::string v = r.text(c.field);
    if (f && f->type == FieldType::Ref && f->ref) return ref_title(entity(f->ref), v);
    if (f && f->type == FieldType::Choice) return choice_label(v.c_str());
    if (f && f->is_custom() && is_null(r.get(c.field))) return "";
    if (f && f->is_custom() && f->type == FieldType::Bool) return v == "1" ? "yes" : "";
    if (f && f->type == FieldType::Money) return money_text(r.integer(c.field), r.spec->field("currency") ? r.text("currency") : "");
    if (f && f->type == FieldType::DateTime) return when_text(v);
    if (f && f->type == FieldType::Date) return date_text(v);
    if (r.spec == &kLeads && std::string(c.field) == "score") return v + "  " + band_name(score_band(*g.store, r.integer("score")));
    return v;
}

// A row's menu: what a rep does with a record without opening it first.
void draw_row_menu(const EntitySpec& e, const Record& r) {
    if (!ImGui::BeginPopupContextItem("row_menu")) return;
    ImGui::TextDisabled("%s", record_title(r).c_str());
    ImGui::Separator();
    ImVec2 size(0, g.touch ? 40 * g.scale : 0);
    ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, ImVec2(0, 0.5f));
    if (ImGui::Selectable("Open", false, 0, size)) open_record(e, r.id);
    if (ImGui::Selectable("Edit", false, 0, size)) open_edit_dialog(e, r.id);
    if (&e == &kContacts || &e == &kAccounts || &e == &kLeads) {
        std::string email = r.text("email"), phone = r.text("phone");
        // The record opens, to log the e-mail or call when the user comes back.
        if (!email.empty() && ImGui::Selectable("Write an e-mail", false, 0, size)) {
            open_record(e, r.id);
            reach_out(true, email);
        }
        if (!phone.empty() && ImGui::Selectable("Call", false, 0, size)) {
            open_record(e, r.id);
            reach_out(false, phone);
        }
    }
    if (ImGui::Selectable("Delete", false, 0, size)) ask_delete(e, r.id);
    ImGui::PopStyleVar();
    ImGui::EndPopup();
}

// A cell: states as chips (a status, a tier, a lead's band, a case past its
// resolution target), the rest as text. The text is the same either way.
void draw_cell(const Record& r, const Column& c, const std::string& text) {
    std::string_view field = c.field;
    if (r.spec == &kLeads && field == "score") {
        ImGui::Text("%lld", (long long)r.integer("score"));
        ImGui::SameLine();
        const char* band = band_name(score_band(*g.store, r.integer("score")));
        chip(band, chip_tone("band", band));
        return;
    }
    if (r.spec == &kCases && field == "resolution_due_at") {
        std::string status = r.text("status");
        bool open = status != "resolved" && status != "closed";
        if (open && !text.empty() && r.text("resolution_due_at") < format_datetime(g.store->now_ms())) {
            chip(text.c_str(), Chip_Error);
            return;
        }
    }
    ChipTone t = *c.field ? chip_tone(c.field, r.text(c.field)) : Chip_None;
    if (t != Chip_None) chip(text.c_str(), t);
    else ImGui::TextUnformatted(text.c_str());
}

void invalidate(ListView& lv) {
    lv.count = -1;
    lv.rows.clear();
}

// Makes rows [first, last) available in lv.rows, fetching a window around them.
void ensure_rows(ListView& lv, int64_t first, int64_t last) {
    int64_t have_end = lv.cache_start + (int64_t)lv.rows.size();
    if (!lv.rows.empty() && first >= lv.cache_start && last <= have_end) return;
    // The first rows of new results (a keystroke in the search box) are only
    // those in view: a short-prefix search finds them by walking the sort
    // index past every row that does not match (listing.cpp), so each extra
    // row costs. Scrolling adds the margin.
    const int64_t margin = lv.rows.empty() ? 2 : 60;
    int64_t start = std::max<int64_t>(0, first - margin);
    int limit = (int)(last - first + 2 * margin);
    // Scrolling down past the window continues by key (no offset walk).
    std::optional<PageKey> key;
    if (!lv.rows.empty() && lv.tail_key && start >= lv.cache_start && start <= have_end && have_end > lv.cache_start) {
        // keep the tail that is still wanted, fetch after the last row
        std::vector<Record> keep(lv.rows.begin() + (start - lv.cache_start), lv.rows.end());
        Page p = list_page(*g.db, lv.query, lv.tail_key, std::max(1, limit - (int)keep.size()));
        keep.insert(keep.end(), std::make_move_iterator(p.rows.begin()), std::make_move_iterator(p.rows.end()));
        lv.rows = std::move(keep);
        if (p.last) lv.tail_key = p.last;
        lv.cache_start = start;
        return;
    }
    key = key_before(*g.db, lv.query, start);
    Page p = list_page(*g.db, lv.query, key, limit);
    lv.rows = std::move(p.rows);
    lv.tail_key = p.last;
    lv.cache_start = start;
}

// A filter's name, drawn before its widget on the toolbar line (ImGui puts a
// label after the widget, which on a row of filters reads as the next one's).
// The pair wraps together when the window is too narrow for it; the widget
// that follows gets `widget_width`.
void filter_caption(const char* text, float widget_width) {
    same_line_if_fits(ImGui::CalcTextSize(text).x + ImGui::GetStyle().ItemSpacing.x + widget_width, 16 * g.scale);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(text);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(widget_width);
}

// A combo over a small reference table (users, tags) for a filter.
bool filter_combo(const char* label, const EntitySpec& e, std::string& id) {
    bool changed = false;
    std::string preview = id.empty() ? "Any" : ref_title(e, id);
    bool open = ImGui::BeginCombo(label, preview.c_str());
    if (!open) test_label_last_item(label);   // combos announce no label to the item hooks
    if (open) {
        if (ImGui::Selectable("Any", id.empty())) { id.clear(); changed = true; }
        Page p = list_page(*g.db, ListQuery{&e, "name"}, std::nullopt, 200);
        for (const Record& r : p.rows) {
            ImGui::PushID(r.id.c_str());
            if (ImGui::Selectable(r.text("name").c_str(), r.id == id)) { id = r.id; changed = true; }
            ImGui::PopID();
        }
        ImGui::EndCombo();
    }
    return changed;
}

// A filter on one custom field: the field, then its value (a choice, yes/no,
// or the exact text, number or date).
bool draw_custom_field_filter(ListView& lv, const EntitySpec& e) {
    std::vector<const FieldSpec*> fields;
    for (const FieldSpec& f : e.fields)
        if (f.is_custom() && !f.has(F_Hidden)) fields.push_back(&f);
    if (fields.empty()) return false;
    float s = g.scale;
    bool changed = false;
    const FieldSpec* cur = e.field(lv.field_filter);
    if (cur && (!cur->is_custom() || cur->has(F_Hidden))) cur = nullptr;
    filter_caption("Field", 140 * s);
    bool open = ImGui::BeginCombo("##field", cur ? cur->label : "Any");
    if (!open) test_label_last_item("##field");
    if (open) {
        if (ImGui::Selectable("Any", !cur)) { lv.field_filter.clear(); lv.field_filter_value.clear(); changed = true; }
        for (const FieldSpec* f : fields)
            if (ImGui::Selectable(f->label, cur == f)) { lv.field_filter = f->name; lv.field_filter_value.clear(); changed = true; }
        ImGui::EndCombo();
    }
    if (!cur) return changed;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(130 * s);
    if (cur->type == FieldType::Choice || cur->type == FieldType::Bool) {
        std::vector<std::pair<std::string, std::string>> options;   // value, shown
        if (cur->type == FieldType::Bool) options = {{"1", "yes"}, {"0", "no"}};
        else
            for (const char* c : cur->choices) options.push_back({c, choice_label(c)});
        std::string shown = "Any";
        for (auto& [v, t] : options)
            if (v == lv.field_filter_value) shown = t;
        bool vopen = ImGui::BeginCombo("##field_value", shown.c_str());
        if (!vopen) test_label_last_item("##field_value");
        if (vopen) {
            if (ImGui::Selectable("Any", lv.field_filter_value.empty())) { lv.field_filter_value.clear(); changed = true; }
            for (auto& [v, t] : options)
                if (ImGui::Selectable(t.c_str(), lv.field_filter_value == v)) { lv.field_filter_value = v; changed = true; }
            ImGui::EndCombo();
        }
    } else {
        char buf[128];
        // Shown and typed as the list shows values (a date the user's way), compared as stored.
        snprintf(buf, sizeof buf, "%s", lv.field_filter_value.empty() ? "" : field_text(*cur, Value(lv.field_filter_value)).c_str());
        if (ImGui::InputTextWithHint("##field_value", "equals...", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue) ||
            ImGui::IsItemDeactivatedAfterEdit()) {
            Value v = field_value(*cur, buf);
            std::string stored = is_null(v) ? "" : value_to_text(v);
            if (lv.field_filter_value != stored) changed = true;
            lv.field_filter_value = stored;
        }
    }
    return changed;
}

void apply_filters(ListView& lv, const EntitySpec& e) {
    lv.query.filters.clear();
    if (!lv.owner_filter.empty()) lv.query.filters.push_back({"owner_id", lv.owner_filter});
    if (lv.country_filter[0]) lv.query.filters.push_back({"country", std::string(lv.country_filter)});
    if (!lv.tier_filter.empty() && (&e == &kAccounts || &e == &kCases)) lv.query.filters.push_back({"tier", lv.tier_filter});
    if (const FieldSpec* f = e.field(lv.field_filter); f && f->is_custom() && !f->has(F_Hidden) && !lv.field_filter_value.empty())
        lv.query.filters.push_back({lv.field_filter, lv.field_filter_value});
    lv.query.account_tier = &e == &kContacts ? lv.tier_filter : "";
    lv.query.tag_id = lv.tag_filter;
    lv.query.search = lv.search;
    invalidate(lv);
}

// Per queue: open cases, those past their resolution target, and the share
// of responses and resolutions within target.
void draw_queue_stats() {
    static std::vector<QueueStats> stats;
    static uint64_t version = 0;
    if (version != g.data_version) {
        stats = queue_sla_stats(*g.store);
        version = g.data_version;
    }
    if (!ImGui::CollapsingHeader("Queues and service levels", ImGuiTreeNodeFlags_DefaultOpen)) return;
    if (!ImGui::BeginTable("queue_stats", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) return;
    for (const char* h : {"Queue", "Cases", "Open", "Open past target", "Responses within target", "Resolutions within target"}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const QueueStats& q : stats) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn(); ImGui::TextUnformatted(q.name.c_str());
        ImGui::TableNextColumn(); ImGui::Text("%lld", (long long)q.cases);
        ImGui::TableNextColumn(); ImGui::Text("%lld", (long long)q.open);
        ImGui::TableNextColumn();
        if (q.open_breached) ImGui::TextColored(pal().error, "%lld", (long long)q.open_breached);
        else ImGui::TextUnformatted("0");
        ImGui::TableNextColumn(); ImGui::Text("%.1f %% of %lld", q.response_pct(), (long long)q.responded);
        ImGui::TableNextColumn(); ImGui::Text("%.1f %% of %lld", q.resolution_pct(), (long long)q.resolved);
    }
    ImGui::EndTable();
}

}  // namespace

std::vector<std::string> list_column_labels(const EntitySpec& e) {
    std::vector<std::string> out;
    for (const Column& c : columns_of(e)) out.push_back(c.label);
    return out;
}

std::vector<std::string> list_row_cells(const Record& r) {
    std::vector<std::string> out;
    for (const Column& c : columns_of(*r.spec)) out.push_back(cell_text(r, c));
    return out;
}

void draw_list_screen(ListView& lv, const EntitySpec& e) {
    if (lv.version != g.data_version) {
        invalidate(lv);
        lv.version = g.data_version;
    }
    float s = g.scale;

    // Toolbar: title, search, filters, new.
    ImGui::PushFont(g.font_big);
    ImGui::TextUnformatted(e.label);
    ImGui::PopFont();
    bool changed = false;
    bool searchable = &e == &kContacts || &e == &kAccounts || &e == &kLeads;
    std::string new_label = std::string("New ") + e.singular, new_button = ICON_PLUS " " + new_label;
    bool create = false;
    if (g.narrow) {   // a phone: the title and New on one line, the search under them, filters folded
        ImGui::SameLine(ImGui::GetContentRegionMax().x - button_width(new_button.c_str()));
        create = ImGui::Button(new_button.c_str());
    }
    if (searchable) {
        if (!g.narrow) ImGui::SameLine(0, 20 * s);
        ImGui::SetNextItemWidth(g.narrow ? -1 : 220 * s);
        std::string hint = std::string("Search ") + e.label + "...";
        if (ImGui::InputTextWithHint("##search", hint.c_str(), lv.search, sizeof lv.search)) changed = true;
    }
    bool filters = !g.narrow;
    if (g.narrow) {
        int active = !lv.owner_filter.empty() + !lv.tier_filter.empty() + !lv.tag_filter.empty() + (lv.country_filter[0] != 0) + !lv.field_filter_value.empty();
        char label[48];
        snprintf(label, sizeof label, active ? "Filters (%d)###filters" : "Filters###filters", active);
        filters = ImGui::CollapsingHeader(label);
    }
    if (filters) {
    filter_caption("Owner", 140 * s);
    if (filter_combo("##owner", kUsers, lv.owner_filter)) changed = true;
    if (&e == &kContacts || &e == &kAccounts || &e == &kCases) {
        filter_caption("Tier", 100 * s);
        bool open = ImGui::BeginCombo("##tier", lv.tier_filter.empty() ? "Any" : lv.tier_filter.c_str());
        if (!open) test_label_last_item("##tier");
        if (open) {
            for (const char* t : {"", "Gold", "Silver", "Bronze"})
                if (ImGui::Selectable(*t ? t : "Any", lv.tier_filter == t)) { lv.tier_filter = t; changed = true; }
            ImGui::EndCombo();
        }
        if (&e != &kCases) {
            filter_caption("Tag", 130 * s);
            if (filter_combo("##tag", kTags, lv.tag_filter)) changed = true;
        }
    }
    if (e.field("country")) {
        filter_caption("Country", 50 * s);
        if (ImGui::InputTextWithHint("##country", "any", lv.country_filter, sizeof lv.country_filter, ImGuiInputTextFlags_CharsUppercase)) changed = true;
    }
    if (draw_custom_field_filter(lv, e)) changed = true;
    }
    if (!g.narrow) {
        same_line_if_fits(button_width(new_button.c_str()), 16 * s);
        create = ImGui::Button(new_button.c_str());
    }
    if (create) open_create_dialog(e);
    bool export_csv_now = false;
    if (filters) {
        same_line_if_fits(button_width(ICON_EXPORT " Export CSV"));
        ImGui::BeginDisabled(holding_all_blocks());   // one waits for the whole file already
        export_csv_now = ImGui::Button(ICON_EXPORT " Export CSV");
        ImGui::EndDisabled();
    }
    if (export_csv_now) {   // this list, as filtered and sorted now
        perform_on_all_data(
            [q = lv.query, table = std::string(e.table)] {
                std::string path = "/tmp/list-export.csv";
                int64_t n;
                {
                    std::ofstream out(path, std::ios::binary);
                    n = export_csv(*g.store, q, out);
                }
                platform::download_file(path, table + "-" + format_date(g.store->now_ms()) + ".csv", "text/csv");
                notify("Exported " + std::to_string(n) + " " + table + " as CSV");
            },
            [](const std::exception& ex) { g.last_error = error_text(ex); });
    }
    if (changed || lv.count < 0) {
        if (changed) {
            apply_filters(lv, e);
            lv.scroll_to_top = true;   // new results start at their first row
        }
        try {
            lv.count = list_count(*g.db, lv.query);
        } catch (const std::exception& ex) {
            // Still loading: not counted yet (not "none", which would offer to create the first).
            lv.count = waiting_for_data(ex) ? -1 : 0;
            if (lv.count == 0) g.last_error = error_text(ex);
        }
    }

    if (&e == &kCases) draw_queue_stats();

    if (lv.count < 0) {
        ImGui::TextDisabled("Loading...");
        return;
    }
    // Nothing to list: say why, and what to do next.
    if (lv.count == 0) {
        bool filtered = lv.search[0] || !lv.query.filters.empty() || !lv.query.tag_id.empty() || !lv.query.account_tier.empty();
        ImGui::Dummy(ImVec2(0, 24 * s));
        ImGui::PushFont(g.font_big);
        std::string head = filtered ? std::string("No ") + e.label + " match" : std::string("No ") + e.label + " yet";
        for (char& ch : head) ch = (char)(&ch == &head[0] ? ch : std::tolower((unsigned char)ch));
        ImGui::TextUnformatted(head.c_str());
        ImGui::PopFont();
        if (filtered) {
            ImGui::TextWrapped("Nothing matches the search and filters above. Try fewer letters, or clear them.");
            if (ImGui::Button("Clear the search and filters")) {
                lv.search[0] = 0;
                lv.owner_filter.clear();
                lv.tag_filter.clear();
                lv.tier_filter.clear();
                lv.country_filter[0] = 0;
                lv.field_filter.clear();
                lv.field_filter_value.clear();
                apply_filters(lv, e);
            }
        } else {
            ImGui::TextWrapped("Create the first with %s, or bring yours from a CSV or vCard file in Data.", new_label.c_str());
            if (ImGui::Button((new_button + "##empty").c_str())) open_create_dialog(e);
            ImGui::SameLine();
            if (ImGui::Button(ICON_IMPORT " Import in Data")) {
                g.screen = Screen::Data;
                g.record = RecordView{};
            }
        }
        return;
    }

    // The table; on a phone its two most telling columns (the name and what
    // tells one record from another), rows tall enough for a finger.
    std::vector<Column> cols = columns_of(e);
    if (g.narrow && cols.size() > 2) cols.resize(2);
    lv.columns_shown = (int)cols.size();
    ImGuiTableFlags tf = ImGuiTableFlags_Resizable | ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                         ImGuiTableFlags_ScrollY | ImGuiTableFlags_Hideable | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Reorderable;
    // A custom field shown or hidden changes the column count: a table of its own.
    std::string table_id = std::string(e.table) + "#" + std::to_string(cols.size()) + (g.narrow ? "n" : "");
    if (!ImGui::BeginTable(table_id.c_str(), (int)cols.size(), tf, ImVec2(0, -ImGui::GetTextLineHeightWithSpacing()))) return;
    if (lv.scroll_to_top) {
        ImGui::SetScrollY(0);
        lv.scroll_to_top = false;
    }
    ImGui::TableSetupScrollFreeze(0, 1);
    for (size_t i = 0; i < cols.size(); i++) {
        ImGuiTableColumnFlags cf = cols[i].sort ? 0 : ImGuiTableColumnFlags_NoSort;
        // The list opens in its query's order: newest cases first, hottest leads first.
        if (cols[i].sort && lv.query.sort == cols[i].sort) {
            cf |= ImGuiTableColumnFlags_DefaultSort;
            if (lv.query.descending) cf |= ImGuiTableColumnFlags_PreferSortDescending;
        }
        ImGui::TableSetupColumn(cols[i].label, cf, cols[i].width * s, (ImGuiID)i);
    }
    ImGui::TableHeadersRow();
    a11y_grid(e.label, std::max<int64_t>(0, lv.count));
    if (ImGuiTableSortSpecs* ss = ImGui::TableGetSortSpecs(); ss && ss->SpecsDirty) {
        if (ss->SpecsCount > 0) {
            const Column& c = cols[(size_t)ss->Specs[0].ColumnUserID];
            if (c.sort) {
                lv.query.sort = c.sort;
                lv.query.descending = ss->Specs[0].SortDirection == ImGuiSortDirection_Descending;
            }
        }
        ss->SpecsDirty = false;
        lv.rows.clear();
    }

    lv.scroll_y = ImGui::GetScrollY();
    ImGuiListClipper clipper;
    clipper.Begin((int)std::max<int64_t>(0, lv.count));
    // Rows missing (their blocks still loading, or the list shrank under us:
    // the next frame recounts) end the clipper: stepping on without rows, it
    // would measure item by item through the whole list.
    bool rows_missing = false;
    while (!rows_missing && clipper.Step()) {
        if (clipper.DisplayEnd > clipper.DisplayStart) {
            try {
                ensure_rows(lv, clipper.DisplayStart, clipper.DisplayEnd);
            } catch (const std::exception& ex) {
                if (!waiting_for_data(ex)) throw;   // the rows it had stay until the blocks come
            }
        }
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; row++) {
            int64_t k = row - lv.cache_start;
            if (k < 0 || k >= (int64_t)lv.rows.size()) {
                rows_missing = true;
                break;
            }
            const Record& r = lv.rows[(size_t)k];
            ImGui::TableNextRow();
            ImGui::PushID(r.id.c_str());
            for (size_t c = 0; c < cols.size(); c++) {
                ImGui::TableSetColumnIndex((int)c);
                std::string text = shown_text(cell_text(r, cols[c]));
                if (c == 0) {
                    // The row is one selectable spanning the columns; its label is the record's name.
                    bool clicked = ImGui::Selectable(text.c_str(), lv.selected_id == r.id, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowOverlap,
                                                     ImVec2(0, g.touch ? 36 * s : 0));
                    a11y_row(row, lv.selected_id == r.id);
                    if (clicked) {
                        lv.selected_id = r.id;
                        open_record(e, r.id);   // a click (or Enter on the focused row) opens it
                    }
                    draw_row_menu(e, r);   // right-click, or a long press on a phone
                } else {
                    draw_cell(r, cols[c], text);
                }
            }
            ImGui::PopID();
        }
    }
    if (rows_missing) clipper.End();   // keeps the list's height, so the scroll bar stays
    ImGui::EndTable();
    ImGui::TextDisabled("%lld %s%s - click a row to open it", (long long)std::max<int64_t>(0, lv.count),
                        lv.count == 1 ? e.singular : e.label, lv.search[0] ? " matching" : "");
}

}  // namespace crm::app
