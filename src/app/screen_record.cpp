// screen_record.cpp - the 360-degree view of a contact, account or lead:
// profile fields edited inline, the account and its people, the whole
// interaction timeline newest first, open tasks, opportunities, orders and
// cases; notes, calls, e-mails and meetings logged from here.
#include <imgui.h>

#include <algorithm>

#include "app/app_state.h"
#include "app/icons.h"
#include "app/platform.h"
#include "app/test_hooks.h"
#include "quality/data_health.h"
#include "base/util.h"
#include "records/views.h"

namespace crm::app {

// Write or Call from the record (or a list row's menu): the mail or phone
// app gets the address, and the record asks afterwards whether to log it.
void reach_out(bool email, const std::string& to) {
    std::string url = email ? "mailto:" + to : "tel:";
    if (!email)
        for (char c : to)
            if ((c >= '0' && c <= '9') || c == '+') url += c;
    platform::open_url(url);
    g.record.reach_type = email ? "email" : "call";
    g.record.reach_to = to;
}


namespace {


std::vector<Record> related(const EntitySpec& e, const char* field, const std::string& id, const char* sort, bool desc, int limit,
                            std::vector<std::pair<std::string, Value>> more = {}) {
    ListQuery q{&e, sort, desc};
    q.of_parent = true;
    q.filters.push_back({field, id});
    for (auto& f : more) q.filters.push_back(f);
    return list_page(*g.db, q, std::nullopt, limit).rows;
}

// Reads the record and its related lists into locals first: a read that
// meets a block still loading throws, and what the view shows stays whole
// (its version unchanged, so it is read again).
void load(RecordView& rv) {
    std::optional<Record> rec = g.store->get(*rv.entity, rv.id);
    const EntitySpec* e = rv.entity;
    const char* key = e == &kContacts ? "contact_id" : e == &kAccounts ? "account_id" : e == &kLeads ? "lead_id"
                    : e == &kCases ? "case_id" : e == &kOpportunities ? "opportunity_id" : e == &kCampaigns ? "campaign_id" : "";
    std::vector<Record> timeline, tasks, opportunities, orders, cases, people;
    if (rec) {
        if (*key) {
            timeline = related(kActivities, key, rv.id, "occurred_at", true, rv.timeline_limit);
            if (e != &kCampaigns) tasks = related(kTasks, key, rv.id, "due_at", false, 100, {{"done", int64_t(0)}});
        }
        bool customer = e == &kContacts || e == &kAccounts;
        if (customer || e == &kCampaigns) opportunities = related(kOpportunities, key, rv.id, "expected_close", true, 100);
        if (customer) orders = related(kOrders, key, rv.id, "ordered_at", true, 100);
        if (customer) cases = related(kCases, key, rv.id, "number", true, 100);
        std::string account = e == &kAccounts ? rv.id : e == &kContacts ? rec->text("account_id") : "";
        if (!account.empty()) people = related(kContacts, "account_id", account, "last_name", false, 200);
    }
    // Changes may arrive from another device while the user types in a field:
    // a buffer that differs from the value it started from is theirs, and stays.
    for (auto it = rv.edit.begin(); it != rv.edit.end();) {
        const FieldSpec* f = rv.entity->field(it->first);
        bool typed = f && rec && rv.rec && rv.rec->id == rv.id && it->second != field_text(*f, rv.rec->get(it->first));
        it = typed ? std::next(it) : rv.edit.erase(it);
    }
    rv.version = g.data_version;
    rv.rec = std::move(rec);
    rv.missing = !rv.rec;
    rv.timeline = std::move(timeline);
    rv.tasks = std::move(tasks);
    rv.opportunities = std::move(opportunities);
    rv.orders = std::move(orders);
    rv.cases = std::move(cases);
    rv.people = std::move(people);
    rv.history.reset();
}

// Saves one field edited inline; a validation error stays at the field. The
// edit shows until it is saved (it may wait for data still loading).
void save_field(RecordView& rv, const FieldSpec& f, const Value& v) {
    const EntitySpec* e = rv.entity;
    std::string id = rv.id, name = f.name, label = f.label;
    auto still_here = [=] { return g.record.entity == e && g.record.id == id; };
    // An edit by hand is the user confirming the record (data decay,
    // data_health.h): the same write says when, so it applies whole or not at all.
    bool verifies = (e == &kContacts || e == &kAccounts) && rv.rec && rv.rec->get(name) != v;
    perform(
        [=] {
            Fields fields{{name, v}};
            if (verifies) fields.push_back({"verified_at", format_datetime(g.store->now_ms())});
            bool changed = g.store->update(*e, id, fields) > 0;
            if (still_here()) {
                g.record.errors.erase(name);
                g.record.edit.erase(name);
            }
            if (changed) {
                notify(label + " saved");
                data_changed();
            }
        },
        [=](const std::exception& ex) {
            std::string text = dynamic_cast<const ValidationError*>(&ex) ? static_cast<const ValidationError&>(ex).message() : error_text(ex);
            if (still_here()) g.record.errors[name] = text;
            else g.last_error = text;
        });
}

void draw_field(RecordView& rv, const FieldSpec& f, size_t index) {
    const Value& current = rv.rec->values[index];
    float s = g.scale;
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", f.label);
    ImGui::TableSetColumnIndex(1);
    ImGui::PushID(f.name);
    std::string label = std::string("##") + f.label;
    ImGui::SetNextItemWidth(-1);
    if (f.has(F_System)) {
        ImGui::AlignTextToFramePadding();
        std::string shown = f.type == FieldType::DateTime ? when_text(value_to_text(current))
                          : f.type == FieldType::Ref ? ref_title(entity(f.ref), value_to_text(current)) : field_text(f, current);
        ImGui::TextUnformatted(shown.c_str());
    } else if (f.type == FieldType::Bool) {
        bool b = value_to_text(current) == "1";
        if (ImGui::Checkbox(label.c_str(), &b)) save_field(rv, f, int64_t(b ? 1 : 0));
    } else if (f.type == FieldType::Choice) {
        std::string v = value_to_text(current);
        if (ImGui::BeginCombo(label.c_str(), v.empty() ? "-" : choice_label(v.c_str()))) {
            if (!f.has(F_Required) && ImGui::Selectable("-", v.empty())) save_field(rv, f, std::monostate{});
            for (const char* c : f.choices)
                if (ImGui::Selectable(choice_label(c), v == c)) save_field(rv, f, std::string(c));
            ImGui::EndCombo();
        }
    } else if (f.type == FieldType::Ref) {
        std::string id = value_to_text(current);
        if (ref_picker(label.c_str(), entity(f.ref), id, rv.ref_filter[f.name], -1)) save_field(rv, f, id.empty() ? Value(std::monostate{}) : Value(id));
    } else {
        // An e-mail address or a phone number opens the mail client or the phone (mailto:, tel:).
        const char* reach = value_to_text(current).empty() ? nullptr : f.has(F_Email) ? "Write" : f.has(F_Phone) ? "Call" : nullptr;
        if (reach) {
            ImGui::SetNextItemWidth(-(ImGui::CalcTextSize(reach).x + ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetStyle().ItemSpacing.x));
        }
        auto it = rv.edit.find(f.name);
        if (it == rv.edit.end()) it = rv.edit.emplace(f.name, field_text(f, current)).first;
        std::string& buf = it->second;
        buf.reserve(1024);
        char tmp[2048];
        snprintf(tmp, sizeof tmp, "%s", buf.c_str());
        bool multiline = f.has(F_Multiline);
        bool enter = multiline ? ImGui::InputTextMultiline(label.c_str(), tmp, sizeof tmp, ImVec2(-1, 70 * s))
                               : ImGui::InputText(label.c_str(), tmp, sizeof tmp, ImGuiInputTextFlags_EnterReturnsTrue);
        buf = tmp;
        // Saved on Enter or when the field loses focus after an edit.
        if ((enter && !multiline) || ImGui::IsItemDeactivatedAfterEdit()) save_field(rv, f, field_value(f, buf));
        if (reach) {
            ImGui::SameLine();
            if (ImGui::SmallButton(reach)) {
                reach_out(f.has(F_Email), value_to_text(current));
            }
            test_label_last_item((std::string(reach) + " " + f.label).c_str());
        }
    }
    auto err = rv.errors.find(f.name);
    if (err != rv.errors.end()) ImGui::TextColored(pal().error, "%s", err->second.c_str());
    ImGui::PopID();
}

const char* activity_glyph(const std::string& type) {
    if (type == "call") return "Call";
    if (type == "email") return "E-mail";
    if (type == "meeting") return "Meeting";
    if (type == "note") return "Note";
    if (type == "chat") return "Chat";
    if (type == "visit") return "Visit";
    if (type == "web_form") return "Web form";
    if (type == "sms") return "SMS";
    return "Activity";
}

const char* activity_icon(const std::string& type) {
    if (type == "call") return ICON_CALL;
    if (type == "email") return ICON_EMAIL;
    if (type == "meeting") return ICON_MEETING;
    if (type == "note") return ICON_NOTE;
    if (type == "chat") return ICON_CHAT;
    if (type == "visit") return ICON_VISIT;
    if (type == "web_form") return ICON_WEB;
    if (type == "sms") return ICON_SMS;
    return ICON_CLOCK;
}

void draw_timeline(RecordView& rv) {
    if (rv.timeline.empty()) ImGui::TextDisabled("No interactions yet. Add a note or log a call above.");
    for (const Record& a : rv.timeline) {
        ImGui::PushID(a.id.c_str());
        std::string type = a.text("type");
        ImGui::TextColored(pal().info, "%s", activity_icon(type));
        ImGui::SameLine();
        bold_text(activity_glyph(type));
        ImGui::SameLine();
        ImGui::TextDisabled("%s", when_text(a.text("occurred_at")).c_str());
        std::string meta;
        if (!a.text("direction").empty() && a.text("direction") != "internal") meta += choice_label(a.text("direction").c_str());
        if (a.integer("duration_s") > 0) meta += (meta.empty() ? "" : ", ") + std::to_string((a.integer("duration_s") + 59) / 60) + " min";
        if (!a.text("outcome").empty()) meta += (meta.empty() ? "" : ", ") + std::string(choice_label(a.text("outcome").c_str()));
        if (!meta.empty()) {
            ImGui::SameLine();
            ImGui::TextDisabled("- %s", meta.c_str());
        }
        if (rv.entity != &kContacts && !a.text("contact_id").empty()) {
            ImGui::SameLine();
            ImGui::TextDisabled("- %s", ref_title(kContacts, a.text("contact_id")).c_str());
        }
        if (!a.text("subject").empty()) ImGui::TextUnformatted(shown_text(a.text("subject")).c_str());
        if (!a.text("body").empty()) ImGui::TextWrapped("%s", a.text("body").c_str());
        ImGui::Separator();
        ImGui::PopID();
    }
    if ((int)rv.timeline.size() >= rv.timeline_limit && ImGui::Button("Show older")) {
        rv.timeline_limit += 200;
        rv.version = 0;
    }
}

}  // namespace

void draw_simple_table(const char* id, const std::vector<Record>& rows, const std::vector<std::pair<const char*, const char*>>& cols,
                       const EntitySpec* open_as) {
    if (rows.empty()) {
        ImGui::TextDisabled("None.");
        return;
    }
    if (!ImGui::BeginTable(id, (int)cols.size(), ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable)) return;
    for (auto& c : cols) ImGui::TableSetupColumn(c.first);
    ImGui::TableHeadersRow();
    // A row clicked opens after the table: opening replaces the record view
    // that owns `rows` (a task of the contact's open tasks, say).
    std::string open_id;
    for (const Record& r : rows) {
        ImGui::TableNextRow();
        ImGui::PushID(r.id.c_str());
        for (size_t i = 0; i < cols.size(); i++) {
            ImGui::TableSetColumnIndex((int)i);
            const char* field = cols[i].second;
            std::string text;
            if (!*field) text = record_title(r);
            else if (const FieldSpec* f = r.spec->field(field)) {
                Value v = r.get(field);
                if (f->type == FieldType::Money) text = money_text(r.integer(field), r.spec->field("currency") ? r.text("currency") : "");
                else if (f->type == FieldType::Ref) text = ref_title(entity(f->ref), value_to_text(v));
                else if (f->type == FieldType::Choice) text = choice_label(value_to_text(v).c_str());
                else if (f->type == FieldType::DateTime) text = when_text(value_to_text(v));
                else if (f->type == FieldType::Date) text = date_text(value_to_text(v));
                else text = value_to_text(v);
            }
            ChipTone tone = *field && r.spec->field(field) && r.spec->field(field)->type == FieldType::Choice ? chip_tone(field, value_to_text(r.get(field)))
                                                                                                            : Chip_None;
            text = shown_text(text);
            if (i == 0 && open_as) {
                if (ImGui::Selectable(text.c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) open_id = r.id;
            } else if (tone != Chip_None) {
                chip(text.c_str(), tone);
            } else {
                ImGui::TextUnformatted(text.c_str());
            }
        }
        ImGui::PopID();
    }
    ImGui::EndTable();
    // Opened once the frame is drawn: the caller goes on drawing the record that owns `rows`.
    if (!open_id.empty()) {
        g.open_next = open_as;
        g.open_next_id = open_id;
    }
}

void draw_record_view() {
    RecordView& rv = g.record;
    float s = g.scale;
    // Back before the record is read: a read that waits for blocks still
    // loading ends the frame, and a click in that frame must not be lost.
    if (ImGui::Button(ICON_BACK " Back")) {
        if (!g.back.empty()) {   // to the record before
            auto [e, id] = g.back.back();
            g.back.pop_back();
            g.record = RecordView{};
            g.record.entity = e;
            g.record.id = id;
        } else {
            g.record = RecordView{};
        }
        return;
    }
    if (rv.version != g.data_version) load(rv);
    if (rv.missing) {
        ImGui::TextUnformatted("This record was deleted.");
        return;
    }
    if (!rv.rec) return;   // not read yet (a block still loading)
    const Record& r = *rv.rec;
    ImGui::SameLine();
    if (rv.entity == &kContacts || rv.entity == &kLeads || rv.entity == &kAccounts) {   // who it is, at a glance
        avatar(record_title(r), ImGui::GetFrameHeight() * 1.1f);
        ImGui::SameLine();
    }
    ImGui::PushFont(g.font_big);
    ImGui::TextUnformatted(shown_text(record_title(r)).c_str());
    ImGui::PopFont();
    if (rv.entity == &kContacts) {
        std::string sub = r.text("job_title");
        std::string acc = ref_title(kAccounts, r.text("account_id"));
        if (!acc.empty()) sub += (sub.empty() ? "" : " at ") + acc;
        if (!sub.empty()) {
            if (!g.narrow) ImGui::SameLine();
            ImGui::TextDisabled("%s", shown_text(sub).c_str());
        }
    } else if (rv.entity == &kAccounts) {
        if (!g.narrow) ImGui::SameLine();
        ImGui::TextDisabled("%s %s - %s", r.text("tier").c_str(), "tier", r.text("industry").c_str());
    }

    // Actions: one row that wraps on a narrow window.
    auto next = [](const char* label, float spacing = -1.0f) { same_line_if_fits(button_width(label), spacing); };
    if (ImGui::Button(ICON_NOTE " Add note")) open_activity_dialog("note");
    next(ICON_CALL " Log call");
    if (ImGui::Button(ICON_CALL " Log call")) open_activity_dialog("call");
    next(ICON_EMAIL " Log e-mail");
    if (ImGui::Button(ICON_EMAIL " Log e-mail")) open_activity_dialog("email");
    next(ICON_MEETING " Log meeting");
    if (ImGui::Button(ICON_MEETING " Log meeting")) open_activity_dialog("meeting");
    next(ICON_TASK " Add task");
    if (ImGui::Button(ICON_TASK " Add task")) {
        const char* key = rv.entity == &kContacts ? "contact_id" : rv.entity == &kAccounts ? "account_id" : rv.entity == &kLeads ? "lead_id"
                        : rv.entity == &kCases ? "case_id" : rv.entity == &kOpportunities ? "opportunity_id" : nullptr;
        Fields preset;
        if (key) preset.push_back({key, rv.id});
        if (rv.entity == &kContacts && !r.text("account_id").empty()) preset.push_back({"account_id", r.text("account_id")});
        if (r.spec->field("owner_id") && !r.text("owner_id").empty()) preset.push_back({"owner_id", r.text("owner_id")});
        preset.push_back({"due_at", format_datetime((g.store->now_ms() / 3600000 + 25) * 3600000)});
        open_create_dialog(kTasks, preset);
    }
    if (rv.entity == &kContacts || rv.entity == &kAccounts) {
        next(ICON_CASES " Open case");
        if (ImGui::Button(ICON_CASES " Open case")) {
            Fields preset;
            if (rv.entity == &kContacts) {
                preset.push_back({"contact_id", rv.id});
                if (!r.text("account_id").empty()) preset.push_back({"account_id", r.text("account_id")});
            } else {
                preset.push_back({"account_id", rv.id});
            }
            open_create_dialog(kCases, preset);
        }
    }
    next(ICON_EDIT " Edit", 24 * s);
    if (ImGui::Button(ICON_EDIT " Edit")) open_edit_dialog(*rv.entity, rv.id);
    if (rv.entity == &kContacts || rv.entity == &kAccounts) {
        next(ICON_CHECK " Mark verified");
        if (ImGui::Button(ICON_CHECK " Mark verified")) {
            const EntitySpec* e = rv.entity;
            std::string id = rv.id;
            change([e, id] { mark_verified(*g.store, *e, {id}); }, std::string("Marked ") + e->singular + " verified");
        }
    }
    next(ICON_DELETE " Delete");
    if (ImGui::Button(ICON_DELETE " Delete")) ask_delete(*rv.entity, rv.id);
    if (rv.entity == &kContacts && !r.text("account_id").empty()) {
        next(ICON_ACCOUNTS " Open account", 24 * s);
        if (ImGui::Button(ICON_ACCOUNTS " Open account")) {
            open_record(kAccounts, r.text("account_id"));
            return;
        }
    }
    draw_workflow_actions();
    if (rv.entity == &kContacts && r.text("do_not_call") == "1") {
        ImGui::SameLine(0, 24 * s);
        ImGui::TextColored(pal().error, "Do not call");
    }

    // After Write or Call: log what happened, if the user says so.
    if (!rv.reach_type.empty()) {
        bool mail = rv.reach_type == "email";
        ImGui::AlignTextToFramePadding();
        ImGui::Text(mail ? "Did you write to %s?" : "Did you call %s?", rv.reach_to.c_str());
        ImGui::SameLine();
        if (ImGui::Button(mail ? "Log the e-mail" : "Log the call")) {
            rv.reach_type.clear();
            open_activity_dialog(mail ? "email" : "call");
        }
        ImGui::SameLine();
        if (ImGui::Button("Not now")) rv.reach_type.clear();
    }
    // Left: the profile, edited inline. Right: the timeline and related records.
    // On a phone they stack: the profile at its full height, then the tabs
    // at least a screen's worth high; the content pane scrolls through both.
    if (g.narrow) ImGui::BeginChild("profile", ImVec2(0, 0), ImGuiChildFlags_Border | ImGuiChildFlags_AutoResizeY);
    else ImGui::BeginChild("profile", ImVec2(380 * s, 0), ImGuiChildFlags_Border | ImGuiChildFlags_ResizeX);
    if (ImGui::BeginTable("fields", 2, ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, 120 * s);
        ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
        // Custom fields follow the built-in ones; a removed one is not shown (its values stay).
        for (size_t i = 0; i < r.spec->fields.size() && i < r.values.size(); i++)
            if (!r.spec->fields[i].has(F_Hidden)) draw_field(rv, r.spec->fields[i], i);
        ImGui::EndTable();
    }
    ImGui::TextDisabled("Created %s, updated %s", when_text(r.created_at).c_str(), when_text(r.updated_at).c_str());
    ImGui::EndChild();
    if (!g.narrow) ImGui::SameLine();
    float related_h = g.narrow ? std::max(ImGui::GetContentRegionAvail().y, 480 * s) : 0;
    ImGui::BeginChild("related", ImVec2(0, related_h), ImGuiChildFlags_Border);
    if (ImGui::BeginTabBar("tabs")) {
        char label[64];
        snprintf(label, sizeof label, "Timeline (%zu%s)###timeline", rv.timeline.size(), (int)rv.timeline.size() >= rv.timeline_limit ? "+" : "");
        if (ImGui::BeginTabItem(label)) {
            ImGui::BeginChild("timeline_scroll");
            draw_timeline(rv);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        snprintf(label, sizeof label, "Open tasks (%zu)###tasks", rv.tasks.size());
        if (ImGui::BeginTabItem(label)) {
            draw_simple_table("tasks_t", rv.tasks, {{"Task", "title"}, {"Due", "due_at"}, {"Priority", "priority"}, {"Owner", "owner_id"}}, &kTasks);
            ImGui::EndTabItem();
        }
        bool customer = rv.entity == &kContacts || rv.entity == &kAccounts;
        if (customer || rv.entity == &kCampaigns) {
            snprintf(label, sizeof label, "Opportunities (%zu)###opps", rv.opportunities.size());
            if (ImGui::BeginTabItem(label)) {
                draw_simple_table("opps_t", rv.opportunities, {{"Opportunity", "name"}, {"Stage", "stage"}, {"Amount", "amount"},
                                                               {"Probability %", "probability"}, {"Expected close", "expected_close"}},
                                  &kOpportunities);
                ImGui::EndTabItem();
            }
        }
        if (customer) {
            snprintf(label, sizeof label, "Orders (%zu)###orders", rv.orders.size());
            if (ImGui::BeginTabItem(label)) {
                draw_simple_table("orders_t", rv.orders, {{"Order", "number"}, {"Ordered", "ordered_at"}, {"Status", "status"}, {"Total", "total"}});
                ImGui::EndTabItem();
            }
            snprintf(label, sizeof label, "Cases (%zu)###cases", rv.cases.size());
            if (ImGui::BeginTabItem(label)) {
                draw_simple_table("cases_t", rv.cases, {{"Case", ""}, {"Status", "status"}, {"Priority", "priority"}, {"Opened", "created_at"}},
                                  &kCases);
                ImGui::EndTabItem();
            }
            std::string account = rv.entity == &kAccounts ? rv.id : r.text("account_id");
            if (!account.empty() && ImGui::BeginTabItem("Value###value")) {
                draw_customer_value(account);
                ImGui::EndTabItem();
            }
            snprintf(label, sizeof label, "%s (%zu)###people", rv.entity == &kAccounts ? "Contacts" : "Colleagues", rv.people.size());
            if (ImGui::BeginTabItem(label)) {
                draw_simple_table("people_t", rv.people, {{"Name", ""}, {"Job title", "job_title"}, {"E-mail", "email"}, {"Phone", "phone"}},
                                  &kContacts);
                ImGui::EndTabItem();
            }
        }
        if (rv.entity == &kContacts || rv.entity == &kLeads) {
            if (rv.journeys_read != g.data_version) {
                rv.journeys = journeys_of(*g.store, rv.id);
                rv.journeys_read = g.data_version;
            }
            snprintf(label, sizeof label, "Journeys (%zu)###journeys", rv.journeys.size());
            if (ImGui::BeginTabItem(label)) {
                if (rv.journeys.empty()) ImGui::TextDisabled("Not in a journey.");
                else if (ImGui::BeginTable("journeys_t", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable)) {
                    for (const char* h : {"Journey", "Status", "Next", "Last step"}) ImGui::TableSetupColumn(h);
                    ImGui::TableHeadersRow();
                    for (const JourneyPlace& p : rv.journeys) {
                        ImGui::TableNextRow();
                        ImGui::TableNextColumn();
                        ImGui::TextUnformatted(p.journey.c_str());
                        ImGui::TableNextColumn();
                        ImGui::TextUnformatted(choice_label(p.status.c_str()));
                        ImGui::TableNextColumn();
                        std::string next = p.status == "active" ? p.step + ", " + when_text(p.due_at) : "";
                        ImGui::TextUnformatted(next.c_str());
                        ImGui::TableNextColumn();
                        ImGui::TextUnformatted(p.last_action.c_str());
                    }
                    ImGui::EndTable();
                }
                ImGui::EndTabItem();
            }
        }
        if (ImGui::BeginTabItem("History###history")) {
            // Every change to this record, newest first: who had it, what it said before.
            if (!rv.history) {
                rv.history = g.store->history(rv.id);
                rv.conflicts = conflicts_of(*g.store, rv.id);
            }
            const std::vector<ChangeEntry>& hist = *rv.history;
            // Values another device's edit overwrote at the same time: who, when, what was lost.
            rv.conflict_lines.clear();
            for (auto it = rv.conflicts.rbegin(); it != rv.conflicts.rend(); ++it) {
                const FieldSpec* f = rv.entity->field(it->field);
                auto who = [](const std::string& device) { return device == g.store->device_id() ? std::string("this device") : "device " + device.substr(device.size() > 6 ? device.size() - 6 : 0); };
                std::string lost = value_to_text(it->lost_value), won = value_to_text(it->won_value);
                if (f && f->type == FieldType::Ref) {
                    lost = ref_title(entity(f->ref), lost);
                    won = ref_title(entity(f->ref), won);
                }
                std::string line = std::string("Conflict on ") + (f ? f->label : it->field.c_str()) + ": \"" + lost + "\" (" + who(it->lost_device) +
                                   ", " + when_text(it->lost_at) + ") was overwritten by \"" + won + "\" from " + who(it->won_device) + " at " +
                                   when_text(it->won_at);
                ImGui::PushStyleColor(ImGuiCol_Text, pal().warning);
                ImGui::TextWrapped("%s", line.c_str());
                ImGui::PopStyleColor();
                rv.conflict_lines.push_back(line);
            }
            if (ImGui::BeginTable("history_t", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY)) {
                ImGui::TableSetupColumn("When", ImGuiTableColumnFlags_WidthFixed, 140 * s);
                ImGui::TableSetupColumn("Field", ImGuiTableColumnFlags_WidthFixed, 160 * s);
                ImGui::TableSetupColumn("New value");
                ImGui::TableSetupColumn("By", ImGuiTableColumnFlags_WidthFixed, 120 * s);
                ImGui::TableHeadersRow();
                for (auto it = hist.rbegin(); it != hist.rend(); ++it) {
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(when_text(it->at).c_str());
                    ImGui::TableNextColumn();
                    const FieldSpec* f = rv.entity->field(it->field);
                    ImGui::TextUnformatted(it->field == "*" ? "created" : it->field == "imported" ? "imported" : f ? f->label : it->field.c_str());
                    ImGui::TableNextColumn();
                    std::string v = value_to_text(it->value);
                    if (f && f->type == FieldType::Ref) v = ref_title(entity(f->ref), v);
                    ImGui::TextUnformatted(v.c_str());
                    ImGui::TableNextColumn();
                    ImGui::TextDisabled("%s", it->device_id == g.store->device_id() ? "this device" : ("device " + it->device_id.substr(it->device_id.size() > 6 ? it->device_id.size() - 6 : 0)).c_str());
                }
                ImGui::EndTable();
            }
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::EndChild();
}

}  // namespace crm::app
