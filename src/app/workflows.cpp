// workflows.cpp - the workflow bar of a record view and the dialogs its steps
// ask for: a lead's qualify / disqualify / convert, an opportunity's stage
// moves, a case's respond / escalate / resolve / reopen with its SLA clock
// and knowledge-base suggestions, and a campaign's send and results.
#include <imgui.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <set>

#include "app/app_state.h"
#include "app/platform.h"
#include "workflows/campaigns.h"
#include "workflows/cases.h"
#include "workflows/leads.h"
#include "workflows/pipeline.h"
#include "exchange/calendar.h"
#include "exchange/privacy.h"
#include "exchange/vcard.h"
#include "records/views.h"

namespace crm::app {

// Campaigns whose send or preview waits for blocks still loading (until it ran or failed).
static std::set<std::string> g_send_waiting;

namespace {

void download_one(const Record& r, const char* ext);



std::string duration_text(int64_t ms) {
    bool neg = ms < 0;
    int64_t m = (neg ? -ms : ms) / 60000;
    char buf[48];
    if (m >= 48 * 60) snprintf(buf, sizeof buf, "%lldd %lldh", (long long)(m / 1440), (long long)(m % 1440 / 60));
    else snprintf(buf, sizeof buf, "%lldh %02lldm", (long long)(m / 60), (long long)(m % 60));
    return std::string(neg ? "overdue by " : "") + buf + (neg ? "" : " left");
}

void sla_line(const char* what, bool met, bool breached, int64_t left, bool done) {
    ImGui::SameLine(0, 16 * g.scale);
    if (done) ImGui::TextColored(met ? pal().success : pal().error, "%s %s", what, met ? "met" : "missed");
    else ImGui::TextColored(breached ? pal().error : left < 3600000 ? pal().warning : pal().success, "%s: %s", what, duration_text(left).c_str());
}

void lead_actions(const Record& r) {
    std::string st = r.text("status");
    ScoreBand band = score_band(*g.store, r.integer("score"));
    ImGui::TextColored(band == ScoreBand::Hot ? pal().error : band == ScoreBand::Warm ? pal().warning : pal().info, "%s lead, score %lld",
                       band_name(band), (long long)r.integer("score"));
    ImGui::SameLine(0, 16 * g.scale);
    ImGui::Text("Status: %s", choice_label(st.c_str()));
    if (st == "converted" || st == "disqualified") return;
    ImGui::SameLine(0, 16 * g.scale);
    if (st != "qualified" && ImGui::Button("Qualify")) change([id = r.id] { qualify_lead(*g.store, id); }, "Lead qualified");
    ImGui::SameLine();
    if (ImGui::Button("Disqualify...")) open_workflow_dialog("disqualify", r.id);
    ImGui::SameLine();
    if (ImGui::Button("Convert...")) open_workflow_dialog("convert", r.id);
    ImGui::SameLine();
    if (r.text("owner_id").empty() && ImGui::Button("Assign by rules"))
        change([id = r.id] { if (assign_lead(*g.store, id).empty()) throw std::runtime_error("no assignment rule matches this lead"); }, "Lead assigned");
}

void opportunity_actions(const Record& r) {
    std::string st = r.text("stage");
    ImGui::Text("Stage: %s, %lld %%", choice_label(st.c_str()), (long long)r.integer("probability"));
    for (const char* s : pipeline_stages()) {
        if (st == s) continue;
        ImGui::SameLine();
        std::string label = std::string("Move to ") + choice_label(s);
        if (!ImGui::Button(label.c_str())) continue;
        if (std::string(s) == "lost") open_workflow_dialog("lost", r.id);
        else change([id = r.id, to = std::string(s)] { move_opportunity(*g.store, id, to); }, "Stage changed");
    }
}

void case_actions(const Record& r) {
    std::string st = r.text("status");
    ImGui::Text("%s, line %lld, %s tier", choice_label(st.c_str()), (long long)r.integer("line"), r.text("tier").c_str());
    SlaStatus sla = sla_status(r, g.store->now_ms());
    sla_line("Response", sla.response_met, sla.response_breached, sla.response_left_ms, !r.text("first_response_at").empty());
    sla_line("Resolution", sla.resolution_met, sla.resolution_breached, sla.resolution_left_ms, !r.text("resolved_at").empty());
    bool closed = st == "resolved" || st == "closed";
    if (!closed) {
        if (r.text("first_response_at").empty()) {
            ImGui::SameLine(0, 16 * g.scale);
            if (ImGui::Button("Respond")) change([id = r.id] { respond_to_case(*g.store, id); }, "First response recorded");
        }
        if (r.integer("line") < 2) {
            ImGui::SameLine();
            if (ImGui::Button("Escalate")) change([id = r.id] { escalate_case(*g.store, id); }, "Escalated to the second line");
        }
        ImGui::SameLine();
        if (ImGui::Button("Resolve...")) open_workflow_dialog("resolve", r.id);
    } else {
        ImGui::SameLine(0, 16 * g.scale);
        if (ImGui::Button("Reopen")) change([id = r.id] { reopen_case(*g.store, id); }, "Case reopened, back to its first owner");
    }
    if (!closed) {
        // Knowledge base: articles that match the case, one click to resolve with one.
        // Suggestions for the case, or the search's results while the box
        // has text; looked up when the case, the data or the query changes.
        static std::string for_case, for_query;
        static uint64_t version = 0;
        static std::vector<Record> sug;
        static char kb_query[96] = "";
        ImGui::SetNextItemWidth(220 * g.scale);
        ImGui::InputTextWithHint("##kb_search", "Search the knowledge base...", kb_query, sizeof kb_query);
        if (for_case != r.id || version != g.data_version || for_query != kb_query) {
            std::vector<Record> found = kb_query[0] ? search_articles(*g.store, kb_query, 5) : std::vector<Record>{};
            sug = found.empty() ? suggest_articles(*g.store, r.id, 3) : found;
            for_case = r.id;
            for_query = kb_query;
            version = g.data_version;
        }
        ImGui::SameLine();
        if (!sug.empty()) {
            ImGui::TextDisabled(kb_query[0] ? "Articles:" : "Suggested articles:");
            for (const Record& a : sug) {
                ImGui::SameLine();
                ImGui::PushID(a.id.c_str());
                if (ImGui::SmallButton(a.text("title").c_str())) {
                    open_workflow_dialog("resolve", r.id);
                    g.workflow.article_id = a.id;
                    g.workflow.text = a.text("solution");
                }
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n\n%s", a.text("problem").c_str(), a.text("solution").c_str());
                ImGui::PopID();
            }
        }
    }
}

void contact_actions(const Record& r) {
    ImGui::TextDisabled("Personal data:");
    ImGui::SameLine();
    if (ImGui::SmallButton("Export (JSON)")) {
        std::string name = record_title(r);
        for (char& c : name)
            if (c == ' ' || c == '/') c = '-';
        perform(
            [id = r.id, name] {
                std::string path = "/tmp/person.json";
                std::ofstream out(path, std::ios::binary);
                export_person(*g.store, id, out);
                out.close();
                platform::download_file(path, "person-" + name + ".json", "application/json");
                notify("Personal data exported");
            },
            [](const std::exception& e) { g.last_error = error_text(e); });
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Erase person...")) open_workflow_dialog("erase", r.id);
    ImGui::SameLine();
    if (ImGui::SmallButton("vCard")) download_one(r, "vcf");
}

// One record as a file an address book or a calendar opens: a contact as a
// vCard, a task or a meeting as an iCalendar event.
void download_one(const Record& r, const char* ext) {
    std::string name = record_title(r);
    for (char& c : name)
        if (c == ' ' || c == '/') c = '-';
    perform(
        [id = r.id, name, e = std::string(ext)] {
            std::string path = "/tmp/one." + e;
            std::ofstream out(path, std::ios::binary);
            if (e == "vcf") export_vcard(*g.store, out, {id});
            else {
                CalendarOptions o;
                o.record_id = id;
                export_ics(*g.store, out, o);
            }
            out.close();
            platform::download_file(path, name + "." + e, e == "vcf" ? "text/vcard" : "text/calendar");
        },
        [](const std::exception& e) { g.last_error = error_text(e); });
}

void campaign_actions(const Record& r) {
    CampaignResults res = campaign_results(*g.store, r.id);
    ImGui::Text("Sent %lld, leads %lld, opportunities %lld, won %lld (%s), cost per lead %s", (long long)res.sent, (long long)res.leads,
                (long long)res.opportunities, (long long)res.won, money_text(res.won_revenue, r.text("currency")).c_str(),
                res.leads ? money_text(res.cost_per_lead(), r.text("currency")).c_str() : "-");
    ImGui::SameLine(0, 16 * g.scale);
    if (ImGui::Button("Send...")) open_workflow_dialog("send", r.id);
    ImGui::SameLine();
    if (ImGui::Button("Add response")) {
        open_create_dialog(kLeads, {{"campaign_id", r.id}});
    }
}

}  // namespace

void open_workflow_dialog(const char* kind, const std::string& id) {
    g.workflow = WorkflowDialog{};
    g.workflow.kind = kind;
    g.workflow.id = id;
    g.workflow.just_opened = true;
    if (g.workflow.kind == "send") g.workflow.text2 = "offers";
}

void draw_workflow_actions() {
    RecordView& rv = g.record;
    if (!rv.rec) return;
    if (rv.entity == &kLeads) lead_actions(*rv.rec);
    else if (rv.entity == &kOpportunities) opportunity_actions(*rv.rec);
    else if (rv.entity == &kCases) case_actions(*rv.rec);
    else if (rv.entity == &kCampaigns) campaign_actions(*rv.rec);
    else if (rv.entity == &kContacts) contact_actions(*rv.rec);
    else if ((rv.entity == &kTasks && !rv.rec->text("due_at").empty()) || (rv.entity == &kActivities && rv.rec->text("type") == "meeting")) {
        ImGui::SameLine();
        if (ImGui::Button("Add to calendar (.ics)")) download_one(*rv.rec, "ics");
    }
}

void draw_workflow_dialog() {
    WorkflowDialog& w = g.workflow;
    if (w.kind.empty()) return;
    const char* titles[][2] = {{"disqualify", "Disqualify lead"}, {"convert", "Convert lead"}, {"lost", "Mark as lost"},
                               {"resolve", "Resolve case"}, {"send", "Send campaign"},
                               {"erase", "Erase this person"}};
    std::string title = "Workflow";
    for (auto& t : titles)
        if (w.kind == t[0]) title = t[1];
    title += "###workflow";
    if (w.just_opened) ImGui::OpenPopup(title.c_str());
    float s = g.scale;
    place_dialog(520 * s);
    bool open = true;
    if (!ImGui::BeginPopupModal(title.c_str(), &open)) {
        if (!open) w = WorkflowDialog{};
        return;
    }
    bool focus = w.just_opened;
    w.just_opened = false;
    auto text_field = [&](const char* label, std::string& v, bool multiline) {
        char buf[2048];
        snprintf(buf, sizeof buf, "%s", v.c_str());
        if (focus) { ImGui::SetKeyboardFocusHere(); focus = false; }
        bool ch = multiline ? ImGui::InputTextMultiline(label, buf, sizeof buf, ImVec2(-1, 80 * s)) : ImGui::InputText(label, buf, sizeof buf);
        if (ch) v = buf;
    };
    bool ok = false;
    if (w.kind == "disqualify" || w.kind == "lost") {
        text_field("Reason", w.text, false);
        ok = ImGui::Button("Confirm", ImVec2(140 * s, 0));
        if (ok) {
            bool done = w.kind == "disqualify" ? change([id = w.id, why = w.text] { disqualify_lead(*g.store, id, why); }, "Lead disqualified")
                                               : change([id = w.id, why = w.text] { move_opportunity(*g.store, id, "lost", why); }, "Opportunity lost");
            if (!done) w.error = g.last_error;
            else { w = WorkflowDialog{}; ImGui::CloseCurrentPopup(); }
        }
    } else if (w.kind == "convert") {
        ImGui::TextWrapped("Creates (or links) the account and the contact, and an opportunity, keeping the lead's history on them.");
        ImGui::TextUnformatted("Account (leave empty to create one from the lead's company)");
        ref_picker("##account", kAccounts, w.account_id, w.account_filter, -1);
        ImGui::Checkbox("Create an opportunity", &w.create_opportunity);
        if (w.create_opportunity) {
            ImGui::SetNextItemWidth(200 * s);
            ImGui::InputText("Amount", w.amount, sizeof w.amount);
        }
        ok = ImGui::Button("Convert", ImVec2(140 * s, 0));
        if (ok) {
            ConvertOptions o;
            o.account_id = w.account_id;
            o.create_opportunity = w.create_opportunity;
            o.amount = (int64_t)(std::atof(w.amount) * 100.0 + 0.5);
            auto r = std::make_shared<ConvertResult>();
            auto convert = [r, id = w.id, o] { *r = convert_lead(*g.store, id, o); };
            auto show = [r] {
                g.record = RecordView{};
                if (!r->opportunity_id.empty()) open_record(kOpportunities, r->opportunity_id);
                else open_record(kContacts, r->contact_id);
            };
            if (change(convert, "Lead converted", show)) {
                w = WorkflowDialog{};
                ImGui::CloseCurrentPopup();
            } else {
                w.error = g.last_error;
            }
        }
    } else if (w.kind == "resolve") {
        text_field("Resolution", w.text, true);
        if (!w.article_id.empty()) ImGui::Text("Solved by article: %s", ref_title(kKbArticles, w.article_id).c_str());
        ok = ImGui::Button("Resolve", ImVec2(140 * s, 0));
        if (ok) {
            if (change([id = w.id, text = w.text, article = w.article_id] { resolve_case(*g.store, id, text, article); }, "Case resolved")) {
                w = WorkflowDialog{};
                ImGui::CloseCurrentPopup();
            } else {
                w.error = g.last_error;
            }
        }
    } else if (w.kind == "erase") {
        ImGui::TextWrapped("Erases %s and everything that is about them: their activities, tasks, tags and history. Cases, orders and "
                           "opportunities stay, without their name. This cannot be undone; the erasure itself is logged without personal data.",
                           ref_title(kContacts, w.id).c_str());
        bool sure = w.text == "yes";
        if (ImGui::Checkbox("Yes, erase this person", &sure)) w.text = sure ? "yes" : "";
        ImGui::BeginDisabled(!sure);
        ok = ImGui::Button("Erase", ImVec2(140 * s, 0));
        ImGui::EndDisabled();
        if (ok) {
            std::string id = w.id;
            auto leave = [] {
                g.record = RecordView{};
                g.back.clear();
            };
            if (change([id] { erase_person(*g.store, id); }, "Person erased", leave)) {
                w = WorkflowDialog{};
                ImGui::CloseCurrentPopup();
            } else {
                w.error = g.last_error;
            }
        }
    } else if (w.kind == "send") {
        ImGui::TextUnformatted("Contacts who opted out of this kind of message are skipped:");
        for (const char* c : {"offers", "newsletter", "product_news", "events", "surveys", "partners"}) {
            if (radio_button(choice_label(c), w.text2 == c)) w.text2 = c;
            ImGui::SameLine();
        }
        ImGui::NewLine();
        // Both may wait for data still loading: the answer goes to this
        // dialog if it is still open on the same campaign.
        auto report = [id = w.id, category = w.text2](bool send) {
            bool ran = perform(
                [=] {
                    SendReport r = send ? send_campaign(*g.store, id, category) : preview_send(*g.store, id, category);
                    g_send_waiting.erase(id);
                    std::string text = send ? "Sent " + std::to_string(r.sent) + " (logged on each contact's timeline), skipped "
                                            : "Would send " + std::to_string(r.sent) + ", skip ";
                    text += std::to_string(r.skipped_total());
                    for (auto& [why, n] : r.skipped) text += "\n  " + std::to_string(n) + " " + why;
                    if (g.workflow.kind == "send" && g.workflow.id == id) {
                        g.workflow.result = text;
                        g.workflow.error.clear();
                    } else if (send) {
                        notify("Campaign sent");
                    }
                    if (send) data_changed();
                },
                [id](const std::exception& e) {
                    g_send_waiting.erase(id);
                    if (g.workflow.kind == "send" && g.workflow.id == id) g.workflow.error = error_text(e);
                    else g.last_error = error_text(e);
                });
            if (!ran) {   // asked once: the buttons wait with it, also in a dialog opened again
                g_send_waiting.insert(id);
                g.workflow.result = "Waiting for part of your data to load...";
            }
        };
        ImGui::BeginDisabled(g_send_waiting.count(w.id) > 0);
        if (ImGui::Button("Preview")) report(false);
        ImGui::SameLine();
        ok = ImGui::Button("Send now", ImVec2(140 * s, 0));
        if (ok) report(true);
        ImGui::EndDisabled();
        if (!w.result.empty()) ImGui::TextUnformatted(w.result.c_str());
    }
    if (!w.error.empty()) ImGui::TextColored(pal().error, "%s", w.error.c_str());
    ImGui::SameLine();
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGuiKey_Escape)) {
        w = WorkflowDialog{};
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

}  // namespace crm::app
