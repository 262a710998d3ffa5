// dialogs.cpp - create and edit dialogs with validation messages at the
// field, delete with a confirmation and an undo, logging an activity, and
// the reference picker the forms share. Tab moves through the fields, Enter
// saves, Esc closes.
#include <imgui.h>

#include <cstdlib>
#include <cstring>

#include "app/app_state.h"
#include "app/platform.h"
#include "app/test_hooks.h"
#include "workflows/campaigns.h"
#include "workflows/cases.h"
#include "workflows/leads.h"
#include "workflows/tasks.h"
#include "quality/duplicates.h"
#include "base/util.h"
#include "records/views.h"

namespace crm::app {

namespace {


// The fields a create/edit dialog shows, in order (the record view shows all).
std::vector<const char*> builtin_form_fields(const EntitySpec& e) {
    if (&e == &kContacts)
        return {"first_name", "last_name", "account_id", "job_title", "email", "phone", "mobile", "city", "country",
                "preferred_channel", "do_not_call", "owner_id", "notes"};
    if (&e == &kAccounts)
        return {"name", "type", "industry", "tier", "phone", "email", "website", "city", "country", "owner_id", "description"};
    if (&e == &kLeads)
        return {"first_name", "last_name", "company", "job_title", "email", "phone", "country", "industry", "line_of_business", "source",
                "campaign_id", "owner_id", "notes"};
    if (&e == &kCases)
        return {"subject", "type", "priority", "origin", "account_id", "contact_id", "product_id", "description"};
    if (&e == &kOpportunities)
        return {"name", "account_id", "contact_id", "amount", "currency", "stage", "probability", "expected_close", "owner_id", "description"};
    if (&e == &kTasks)
        return {"title", "due_at", "remind_at", "priority", "owner_id", "contact_id", "account_id", "lead_id", "opportunity_id", "case_id", "note"};
    if (&e == &kCampaigns)
        return {"name", "type", "status", "start_date", "end_date", "budget", "actual_cost", "segment_id", "template_id", "owner_id", "description"};
    if (&e == &kJourneys)   // the steps have their editor, the status Activate and Pause (Settings > Journeys)
        return {"name", "trigger", "segment_id", "lead_source", "campaign_id", "date_field", "days_before", "description"};
    if (&e == &kCustomFields)   // record type and type are fixed once made (Settings > Custom fields adds them)
        return {"label", "choices", "required", "in_form", "in_list", "position"};
    std::vector<const char*> all;
    for (const FieldSpec& f : e.fields)
        if (!f.has(F_System) && !f.is_custom()) all.push_back(f.name);
    return all;
}

// The built-in fields, then the custom fields the user put in the forms.
std::vector<const char*> form_fields(const EntitySpec& e) {
    std::vector<const char*> out = builtin_form_fields(e);
    for (const FieldSpec& f : e.fields)
        if (f.is_custom() && !f.has(F_Hidden) && !f.has(F_NotInForm)) out.push_back(f.name);
    return out;
}

// An InputText over a std::string, with the dialog's first-field focus.
bool input_string(const char* label, std::string& s, bool multiline, float width) {
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", s.c_str());
    ImGui::SetNextItemWidth(width);
    bool changed = multiline ? ImGui::InputTextMultiline(label, buf, sizeof buf, ImVec2(width, 80 * g.scale))
                             : ImGui::InputText(label, buf, sizeof buf);
    if (changed) s = buf;
    return changed;
}

void close_edit() {
    g.edit = EditDialog{};
}

void save_edit() {
    EditDialog& d = g.edit;
    const EntitySpec* e = d.entity;
    Fields fields;
    for (const char* name : form_fields(*e)) {
        const FieldSpec* f = e->field(name);
        if (!f) continue;
        // A field left as the form showed it keeps its stored value: a time is
        // shown to the minute in the user's zone, and reading it back would
        // drop its seconds (or pick the other 02:30 of the night the clocks go back).
        auto shown = d.initial.find(name);
        if (!d.id.empty() && shown != d.initial.end() && shown->second == d.values[name]) continue;
        fields.push_back({name, field_value(*f, d.values[name])});
    }
    // Saving the form is the user confirming the record: it counts as verified (data decay).
    if (!d.id.empty() && (e == &kContacts || e == &kAccounts)) fields.push_back({"verified_at", format_datetime(g.store->now_ms())});
    d.errors.clear();
    d.general_error.clear();
    // A custom field marked required is asked for here (custom_fields.h).
    for (const char* name : form_fields(*e))
        if (const FieldSpec* f = e->field(name); f && f->has(F_RequiredOnSave) && trim(d.values[name]).empty()) d.errors[name] = "is required";
    if (!d.errors.empty()) return;
    static int serial = 0;
    d.save_serial = ++serial;
    d.saving = true;
    std::string id = d.id, rules = d.values["rules"], subject = d.values["subject"], body = d.values["body"];
    // Checked before every save of a new record, unless the user saw the warning for these very values.
    std::string likely_key = d.values["first_name"] + "|" + d.values["last_name"] + "|" + d.values["name"] + "|" + d.values["email"] + "|" +
                             d.values["phone"] + "|" + d.values["mobile"] + "|" + d.values["website"] + "|" + d.values["account_id"];
    bool check_likely = id.empty() && (e == &kContacts || e == &kAccounts || e == &kLeads) && (d.likely.empty() || d.likely_for != likely_key);
    int mine = d.save_serial;
    auto current = [mine] { return g.edit.open && g.edit.save_serial == mine; };
    perform(
        [=] {
            if (!current()) return;   // the dialog was closed while its save waited: not saved
            if (e == &kSegments) check_segment_rules(rules);
            if (e == &kEmailTemplates)
                for (auto [f, text] : {std::pair<const char*, const std::string*>{"subject", &subject}, {"body", &body}})
                    if (auto unknown = unknown_merge_fields(*text); !unknown.empty())
                        throw ValidationError("email_templates", f, "{" + unknown[0] + "} is not a merge field");
            if (check_likely) {
                // A likely duplicate is shown before anything is saved.
                std::vector<EditDialog::Likely> likely;
                for (const DuplicatePair& p : likely_duplicates(*g.store, *e, fields)) {
                    std::string why;
                    for (const std::string& r : p.reasons) why += (why.empty() ? "" : ", ") + r;
                    likely.push_back({p.b, record_title(*g.store, *e, p.b), std::to_string((int)(p.score * 100 + 0.5)) + "%: " + why});
                }
                if (current()) {
                    g.edit.likely = likely;
                    g.edit.likely_for = likely_key;
                    if (!likely.empty()) {
                        g.edit.saving = false;
                        return;
                    }
                }
            }
            if (id.empty()) {
                // Cases and leads are opened through their workflow: routing, SLA clock, assignment, score.
                std::string made = e == &kCases ? open_case(*g.store, fields) : e == &kLeads ? capture_lead(*g.store, fields) : g.store->create(*e, fields);
                // Committed: what follows reads, and a miss there must not run this again (perform).
                if (current()) {
                    g.edit.saved = true;
                    if (e == &kJourneys) select_journey(made);   // its steps are built next, in Settings > Journeys
                    else open_record(*e, made);
                }
                notify(std::string("Created ") + e->singular);   // with its title below, when that reads
                data_changed();
                notify(std::string("Created ") + e->singular + " " + record_title(*g.store, *e, made));
            } else {
                g.store->update(*e, id, fields);
                if (current()) g.edit.saved = true;
                notify(std::string("Saved ") + e->singular);
                data_changed();
            }
        },
        [=](const std::exception& ex) {
            if (!current()) {
                g.last_error = error_text(ex);
                return;
            }
            EditDialog& d = g.edit;
            d.saving = false;
            if (auto* v = dynamic_cast<const ValidationError*>(&ex)) {
                bool in_form = false;
                for (const char* name : form_fields(*e)) in_form |= v->field == name;
                if (in_form) d.errors[v->field] = v->message();
                else d.general_error = v->what();
            } else {
                d.general_error = error_text(ex);
            }
        });
}

void draw_edit_dialog() {
    EditDialog& d = g.edit;
    if (!d.open) return;
    const char* id = "Record###edit";
    if (d.just_opened) {
        ImGui::OpenPopup(id);
    }
    float s = g.scale;
    place_dialog(560 * s);
    std::string title = std::string(d.id.empty() ? "New " : "Edit ") + d.entity->singular + "###edit";
    bool open = true;
    if (!ImGui::BeginPopupModal(title.c_str(), &open)) {
        if (!open) close_edit();
        return;
    }
    bool focus_first = d.just_opened;
    d.just_opened = false;
    bool enter = false;
    // On a phone the form scrolls under a Save button that stays in reach.
    if (g.narrow) ImGui::BeginChild("form_scroll", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() - ImGui::GetStyle().ItemSpacing.y * 2));
    if (ImGui::BeginTable("form", 2, ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, (g.narrow ? 110 : 140) * s);
        ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
        for (const char* name : form_fields(*d.entity)) {
            const FieldSpec* f = d.entity->field(name);
            if (!f) continue;
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(f->label);
            if (f->has(F_Required) || f->has(F_RequiredOnSave)) {
                ImGui::SameLine(0, 2);
                ImGui::TextColored(pal().error, "*");
            }
            ImGui::TableSetColumnIndex(1);
            std::string label = std::string("##") + f->label;
            std::string& v = d.values[name];
            if (focus_first) {
                ImGui::SetKeyboardFocusHere();
                focus_first = false;
            }
            if (d.entity == &kJourneys && std::string_view(name) == "date_field") {
                // A journey's date: one of the contacts' date fields, custom ones included.
                ImGui::SetNextItemWidth(-1);
                const FieldSpec* cur = kContacts.field(v);
                bool open = ImGui::BeginCombo(label.c_str(), cur ? cur->label : "-");
                if (!open) test_label_last_item(label.c_str());
                if (open) {
                    if (ImGui::Selectable("-", v.empty())) v.clear();
                    for (const FieldSpec& df : kContacts.fields)
                        if (df.type == FieldType::Date && !df.has(F_Hidden) && ImGui::Selectable(df.label, v == df.name)) v = df.name;
                    ImGui::EndCombo();
                }
            } else if (f->type == FieldType::Choice) {
                ImGui::SetNextItemWidth(-1);
                bool open = ImGui::BeginCombo(label.c_str(), v.empty() ? "-" : choice_label(v.c_str()));
                if (!open) test_label_last_item(label.c_str());
                if (open) {
                    if (!f->has(F_Required) && !f->has(F_RequiredOnSave) && ImGui::Selectable("-", v.empty())) v.clear();
                    for (const char* c : f->choices)
                        if (ImGui::Selectable(choice_label(c), v == c)) v = c;
                    ImGui::EndCombo();
                }
            } else if (f->type == FieldType::Bool) {
                bool b = v == "1";
                if (ImGui::Checkbox(label.c_str(), &b)) v = b ? "1" : "0";
            } else if (f->type == FieldType::Ref) {
                ref_picker(label.c_str(), entity(f->ref), v, d.ref_filter[name], -1);
            } else {
                input_string(label.c_str(), v, f->has(F_Multiline), -1);
                if (!f->has(F_Multiline) && ImGui::IsItemDeactivated() && ImGui::IsKeyPressed(ImGuiKey_Enter)) enter = true;
            }
            auto err = d.errors.find(name);
            if (err != d.errors.end()) ImGui::TextColored(pal().error, "%s", err->second.c_str());
        }
        ImGui::EndTable();
    }
    if (!d.general_error.empty()) ImGui::TextColored(pal().error, "%s", d.general_error.c_str());
    if (d.saving && !d.saved) ImGui::TextDisabled("Saving: part of your data is still loading...");
    std::string open_likely;
    if (!d.likely.empty()) {
        ImGui::Separator();
        ImGui::TextColored(pal().warning, "This %s may already exist:", d.entity->singular);
        for (const EditDialog::Likely& l : d.likely) {
            ImGui::PushID(l.id.c_str());
            if (ImGui::SmallButton("Open")) open_likely = l.id;
            test_label_last_item(("Open " + l.title).c_str());
            ImGui::SameLine();
            ImGui::Text("%s", l.title.c_str());
            ImGui::SameLine();
            ImGui::TextDisabled("%s", l.why.c_str());
            ImGui::PopID();
        }
    }
    if (g.narrow) ImGui::EndChild();
    ImGui::Separator();
    ImGui::BeginDisabled(d.saving);
    if ((ImGui::Button(d.likely.empty() ? "Save" : "Save anyway", ImVec2(120 * s, 0)) || enter) && !d.saving) save_edit();
    ImGui::EndDisabled();
    if (!open_likely.empty()) {
        const EntitySpec* e = d.entity;
        close_edit();
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
        open_record(*e, open_likely);
        return;
    }
    if (d.saved) {
        close_edit();
        ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
        return;
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(120 * s, 0)) || ImGui::IsKeyPressed(ImGuiKey_Escape)) {
        close_edit();
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    ImGui::TextDisabled("Enter saves, Esc closes");
    ImGui::EndPopup();
}

void draw_delete_confirm() {
    if (!g.confirm_delete_entity) return;
    const char* id = "Delete?###delete";
    if (!ImGui::IsPopupOpen(id)) ImGui::OpenPopup(id);
    place_dialog(0);
    if (!ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
    ImGui::Text("Delete %s \"%s\"?", g.confirm_delete_entity->singular, g.confirm_delete_title.c_str());
    ImGui::TextDisabled("You can undo this from the status bar or with Ctrl+Z.");
    bool yes = ImGui::Button("Delete", ImVec2(120 * g.scale, 0)) || ImGui::IsKeyPressed(ImGuiKey_Enter);
    ImGui::SameLine();
    bool no = ImGui::Button("Cancel", ImVec2(120 * g.scale, 0)) || ImGui::IsKeyPressed(ImGuiKey_Escape);
    if (yes) {
        const EntitySpec* e = g.confirm_delete_entity;
        std::string id = g.confirm_delete_id, title = g.confirm_delete_title;
        perform(
            [=] {
                g.store->remove(*e, id);
                g.undo_entity = e;
                g.undo_id = id;
                g.undo_title = title;
                if (g.record.id == id) {
                    g.record = RecordView{};
                    g.back.clear();
                }
                data_changed();
            },
            [](const std::exception& ex) { g.last_error = error_text(ex); });
    }
    if (yes || no) {
        g.confirm_delete_entity = nullptr;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

void save_activity() {
    ActivityDialog& a = g.activity;
    RecordView& rv = g.record;
    if (!rv.rec) return;
    LogActivity l;
    l.type = a.type;
    l.direction = a.type == "note" ? "internal" : a.direction;
    l.subject = a.subject;
    l.body = a.body;
    l.outcome = a.outcome;
    l.duration_s = int64_t(a.minutes) * 60;
    const Record& r = *rv.rec;
    if (rv.entity == &kContacts) l.contact_id = rv.id;
    else if (rv.entity == &kAccounts) l.account_id = rv.id;
    else if (rv.entity == &kLeads) l.lead_id = rv.id;
    else if (rv.entity == &kCases || rv.entity == &kOpportunities) {
        (rv.entity == &kCases ? l.case_id : l.opportunity_id) = rv.id;
        l.contact_id = r.text("contact_id");
        l.account_id = r.text("account_id");
    }
    l.owner_id = r.spec->field("owner_id") ? r.text("owner_id") : "";
    if (a.follow_up) l.follow_up_title = a.follow_up_title.empty() ? "Follow up: " + (a.subject.empty() ? a.type : a.subject) : a.follow_up_title;
    l.follow_up_days = a.follow_up_days;
    std::string done = std::string(a.type == "note" ? "Note added" : "Activity logged") + (a.follow_up ? ", follow-up task created" : "");
    a.error.clear();
    // Closes at once, also when the change waits for data still loading (the
    // status bar says so); an error after the dialog closed goes there too.
    perform(
        [=] {
            log_activity(*g.store, l);
            notify(done);
            data_changed();
        },
        [](const std::exception& e) { (g.activity.open ? g.activity.error : g.last_error) = error_text(e); });
    if (a.error.empty()) {
        a = ActivityDialog{};
        ImGui::CloseCurrentPopup();
    }
}

void draw_activity_dialog() {
    ActivityDialog& a = g.activity;
    if (!a.open) return;
    const char* id = "Activity###activity";
    if (a.just_opened) ImGui::OpenPopup(id);
    float s = g.scale;
    place_dialog(520 * s);
    std::string title = std::string(a.type == "note" ? "Add note" : a.type == "call" ? "Log call" : a.type == "email" ? "Log e-mail" : "Log meeting") + "###activity";
    bool open = true;
    if (!ImGui::BeginPopupModal(title.c_str(), &open)) {
        if (!open) a = ActivityDialog{};
        return;
    }
    bool focus = a.just_opened;
    a.just_opened = false;
    float field_w = g.narrow ? -90 * s : 360 * s;   // on a phone: the width less the labels on the right
    if (a.type != "note") {
        if (focus) { ImGui::SetKeyboardFocusHere(); focus = false; }
        input_string("Subject", a.subject, false, field_w);
        if (a.type == "call" || a.type == "email") {
            if (radio_button("Outbound", a.direction == "outbound")) a.direction = "outbound";
            ImGui::SameLine();
            if (radio_button("Inbound", a.direction == "inbound")) a.direction = "inbound";
        }
        if (a.type == "call" || a.type == "meeting") {
            ImGui::SetNextItemWidth(120 * s);
            ImGui::InputInt("Minutes", &a.minutes);
            if (a.minutes < 0) a.minutes = 0;
        }
        if (a.type == "call" || a.type == "email") {
            // An e-mail that bounced marks the address as bad in Data health until the record is verified again.
            static const std::vector<const char*> call = {"connected", "left_voicemail", "no_answer", "busy", "wrong_number"};
            static const std::vector<const char*> email = {"delivered", "replied", "bounced"};
            ImGui::SetNextItemWidth(200 * s);
            bool open = ImGui::BeginCombo("Outcome", a.outcome.empty() ? "-" : choice_label(a.outcome.c_str()));
            if (!open) test_label_last_item("Outcome");
            if (open) {
                for (const char* o : a.type == "call" ? call : email)
                    if (ImGui::Selectable(choice_label(o), a.outcome == o)) a.outcome = o;
                ImGui::EndCombo();
            }
        }
    }
    if (focus) ImGui::SetKeyboardFocusHere();
    input_string(a.type == "note" ? "Note" : "Details", a.body, true, field_w);
    if (a.type != "note") {
        ImGui::Checkbox("Follow-up task", &a.follow_up);
        if (a.follow_up) {
            ImGui::SameLine();
            ImGui::SetNextItemWidth(80 * s);
            ImGui::InputInt("days", &a.follow_up_days);
            if (a.follow_up_days < 0) a.follow_up_days = 0;
            input_string("Follow-up", a.follow_up_title, false, field_w);
        }
    }
    if (!a.error.empty()) ImGui::TextColored(pal().error, "%s", a.error.c_str());
    if (ImGui::Button("Save", ImVec2(120 * s, 0)) || (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(ImGuiKey_Enter))) save_activity();
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(120 * s, 0)) || ImGui::IsKeyPressed(ImGuiKey_Escape)) {
        a = ActivityDialog{};
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    ImGui::TextDisabled("Ctrl+Enter saves");
    ImGui::EndPopup();
}

}  // namespace

//-----------------------------------------------------------------------------
// Field text <-> value
//-----------------------------------------------------------------------------

// What a field shows for editing, and what the user typed read back: money,
// dates and times the user's way (their separators, order, clock and zone);
// stored as ISO, UTC and minor units. Text that does not read as the type
// goes to validation as it is, which says what is wrong with it.
std::string field_text(const FieldSpec& f, const Value& v) {
    if (is_null(v)) return "";
    if (f.type == FieldType::Money) {
        int64_t m = std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : std::atoll(value_to_text(v).c_str());
        LocaleFormat plain = g.locale;
        plain.group.clear();   // "1234,50": no separators to type around
        return format_money(m, "", plain);
    }
    if (f.type == FieldType::DateTime) return when_text(value_to_text(v));
    if (f.type == FieldType::Date) return date_text(value_to_text(v));
    return value_to_text(v);
}

Value field_value(const FieldSpec& f, const std::string& text_in) {
    std::string text = trim(text_in);
    if (text.empty()) return std::monostate{};
    if (f.type == FieldType::Money) {
        if (std::optional<int64_t> m = parse_local_money(text, g.locale)) return *m;
        return text;
    }
    if (f.type == FieldType::DateTime) {
        if (std::optional<int64_t> t = parse_local_datetime(text, g.locale, local_offset())) return format_datetime(*t);
        return text;
    }
    if (f.type == FieldType::Date) {
        if (std::optional<std::string> d = parse_local_date(text, g.locale)) return *d;
        return text;
    }
    if (f.type == FieldType::Integer || f.type == FieldType::Bool) {
        char* end = nullptr;
        long long n = strtoll(text.c_str(), &end, 10);
        if (end && !*end) return (int64_t)n;
    }
    return text;
}

//-----------------------------------------------------------------------------
// Reference picker
//-----------------------------------------------------------------------------

bool ref_picker(const char* label, const EntitySpec& target, std::string& id, std::string& filter, float width) {
    bool changed = false;
    ImGui::SetNextItemWidth(width);
    std::string preview = id.empty() ? "-" : ref_title(target, id);
    bool open = ImGui::BeginCombo(label, preview.c_str(), ImGuiComboFlags_HeightLarge);
    if (!open) test_label_last_item(label);
    if (open) {
        if (ImGui::IsWindowAppearing()) {
            filter.clear();
            ImGui::SetKeyboardFocusHere();
        }
        char buf[128];
        snprintf(buf, sizeof buf, "%s", filter.c_str());
        ImGui::SetNextItemWidth(-1);
        if (ImGui::InputTextWithHint("##filter", "Type to search...", buf, sizeof buf)) filter = buf;
        if (ImGui::Selectable("- none -", id.empty())) { id.clear(); changed = true; }
        ListQuery q{&target, target.field("name") ? "name" : target.default_sort};
        bool searchable = &target == &kContacts || &target == &kAccounts || &target == &kLeads;
        if (searchable) q.search = filter;
        try {
            Page p = list_page(*g.db, q, std::nullopt, 30);
            for (const Record& r : p.rows) {
                std::string t = record_title(r);
                if (!searchable && !filter.empty() && t.find(filter) == std::string::npos) continue;
                ImGui::PushID(r.id.c_str());
                if (ImGui::Selectable(t.c_str(), r.id == id)) { id = r.id; changed = true; }
                ImGui::PopID();
            }
        } catch (const std::exception& e) {
            ImGui::TextDisabled("%s", error_text(e).c_str());
        }
        ImGui::EndCombo();
    }
    return changed;
}

//-----------------------------------------------------------------------------
// Entry points
//-----------------------------------------------------------------------------

void open_create_dialog(const EntitySpec& e, const Fields& preset) {
    g.edit = EditDialog{};
    g.edit.open = g.edit.just_opened = true;
    g.edit.entity = &e;
    for (const char* name : form_fields(e)) {
        const FieldSpec* f = e.field(name);
        if (f && f->type == FieldType::Choice && f->default_value) {
            std::string d = f->default_value;
            if (d.size() >= 2 && d.front() == '\'') g.edit.values[name] = d.substr(1, d.size() - 2);
        }
    }
    for (auto& [k, v] : preset) {
        const FieldSpec* f = e.field(k);
        g.edit.values[k] = f ? field_text(*f, v) : value_to_text(v);
    }
}

void open_edit_dialog(const EntitySpec& e, const std::string& id) {
    auto r = g.store->get(e, id);
    if (!r) return;
    g.edit = EditDialog{};
    g.edit.open = g.edit.just_opened = true;
    g.edit.entity = &e;
    g.edit.id = id;
    for (const char* name : form_fields(e)) {
        const FieldSpec* f = e.field(name);
        if (f) g.edit.values[name] = field_text(*f, r->get(name));
    }
    g.edit.initial = g.edit.values;
}

void ask_delete(const EntitySpec& e, const std::string& id) {
    g.confirm_delete_entity = &e;
    g.confirm_delete_id = id;
    g.confirm_delete_title = record_title(*g.store, e, id);
}

void undo_delete() {
    if (!g.undo_entity) return;
    const EntitySpec* e = g.undo_entity;
    std::string id = g.undo_id, title = g.undo_title;
    g.undo_entity = nullptr;
    g.undo_id.clear();
    g.undo_title.clear();
    perform(
        [=] {
            g.store->restore(*e, id);
            notify("Restored " + title);
            data_changed();
        },
        [](const std::exception& ex) { g.last_error = error_text(ex); });
}

void open_activity_dialog(const char* type) {
    g.activity = ActivityDialog{};
    g.activity.open = g.activity.just_opened = true;
    g.activity.type = type;
}

void draw_dialogs() {
    draw_edit_dialog();
    draw_delete_confirm();
    draw_activity_dialog();
}

}  // namespace crm::app
