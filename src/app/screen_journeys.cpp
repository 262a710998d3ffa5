// screen_journeys.cpp - Settings > Journeys: the journeys (New / Edit for
// the trigger, Activate, Pause), the chosen one's steps as a list (add, move,
// remove), how many wait at each step and what came of it (replies, leads,
// won revenue), and which device runs them.
#include <imgui.h>

#include <nlohmann/json.hpp>

#include "app/app_state.h"
#include "app/test_hooks.h"
#include "records/listing.h"
#include "records/views.h"

namespace crm::app {

namespace {

using nlohmann::json;

struct Editor {
    std::string selected;              // the journey whose steps show
    int kind = 0;                      // the step to add
    int days = 3, goto_step = 1, score = 50;
    bool call = false;
    std::string template_id, template_filter, task = "Call {first_name}", tier = "Gold", condition = "replied", lead_status = "qualified";
    std::string error;
    uint64_t read_at = UINT64_MAX;
    std::vector<Record> journeys;
    std::map<std::string, JourneyStats> stats;
    std::map<std::string, std::vector<std::string>> step_texts;   // each journey's steps in words
    std::map<std::string, std::string> step_errors;                // or what is wrong with them
    std::string runner;                                            // the device that runs journeys
};
Editor E;

const char* const kKinds[] = {"Wait", "Send e-mail", "Task for the owner", "If ...", "Lead status", "End"};

// Writes a new step list (checked first); the error stays by the editor.
void save_steps(const std::string& id, const json& steps) {
    std::string text = steps.dump();
    perform(
        [id, text] {
            check_journey_steps(text);
            g.store->update(kJourneys, id, {{"steps", text}});
            E.error.clear();
            data_changed();
        },
        [](const std::exception& ex) {
            auto* v = dynamic_cast<const ValidationError*>(&ex);
            E.error = v ? v->message() : error_text(ex);
        });
}

json steps_of(const Record& j) {
    json s = json::parse(j.text("steps").empty() ? "[]" : j.text("steps"), nullptr, false);
    return s.is_array() ? s : json::array();
}

void draw_steps(const Record& j) {
    float s = g.scale;
    json steps = steps_of(j);
    const std::vector<std::string>& texts = E.step_texts[j.id];   // read with the journeys, not every frame
    if (!E.step_errors[j.id].empty()) ImGui::TextColored(pal().error, "%s", E.step_errors[j.id].c_str());
    const JourneyStats& st = E.stats[j.id];
    ImGui::SeparatorText(("Steps of " + j.text("name")).c_str());
    if (texts.empty()) ImGui::TextDisabled("No steps yet: add the first below.");
    for (size_t i = 0; i < texts.size(); i++) {
        ImGui::PushID((int)i);
        ImGui::AlignTextToFramePadding();
        ImGui::Text("%zu.", i + 1);
        ImGui::SameLine(40 * s);
        ImGui::TextUnformatted(texts[i].c_str());
        ImGui::SameLine(420 * s);
        ImGui::TextDisabled("%lld waiting", (long long)(i < st.at_step.size() ? st.at_step[i] : 0));
        ImGui::SameLine(520 * s);
        if (i > 0 && ImGui::SmallButton("Up")) {
            std::swap(steps[i], steps[i - 1]);
            save_steps(j.id, steps);
        }
        ImGui::SameLine(560 * s);
        if (i + 1 < texts.size() && ImGui::SmallButton("Down")) {
            std::swap(steps[i], steps[i + 1]);
            save_steps(j.id, steps);
        }
        ImGui::SameLine(610 * s);
        if (ImGui::SmallButton("Remove")) {
            steps.erase(steps.begin() + (long)i);
            save_steps(j.id, steps);
        }
        test_label_last_item(("Remove step " + std::to_string(i + 1)).c_str());
        ImGui::PopID();
    }

    // A new step, at the end.
    ImGui::SetNextItemWidth(170 * s);
    bool open = ImGui::BeginCombo("##step_kind", kKinds[E.kind]);
    if (!open) test_label_last_item("Step kind");
    if (open) {
        for (int k = 0; k < (int)std::size(kKinds); k++)
            if (ImGui::Selectable(kKinds[k], k == E.kind)) E.kind = k;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    json add;
    if (E.kind == 0) {
        ImGui::SetNextItemWidth(110 * s);
        ImGui::InputInt("days##wait", &E.days);
        add = {{"wait_days", std::max(0, E.days)}};
    } else if (E.kind == 1) {
        ref_picker("##template", kEmailTemplates, E.template_id, E.template_filter, 240 * s);
        test_label_last_item("Step template");
        add = {{"email", E.template_id}};
    } else if (E.kind == 2) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", E.task.c_str());
        ImGui::SetNextItemWidth(240 * s);
        if (ImGui::InputText("##task", buf, sizeof buf)) E.task = buf;
        test_label_last_item("Step task");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(110 * s);
        ImGui::InputInt("days to do it", &E.days);
        ImGui::SameLine();
        ImGui::Checkbox("a call (not for do-not-call contacts)", &E.call);
        add = {{"task", E.task}, {"due_days", std::max(0, E.days)}};
        if (E.call) add["call"] = true;
    } else if (E.kind == 3) {
        ImGui::SetNextItemWidth(140 * s);
        if (ImGui::BeginCombo("##cond", E.condition.c_str())) {
            for (const char* c : {"replied", "opened_case", "score_above", "tier"})
                if (ImGui::Selectable(c, E.condition == c)) E.condition = c;
            ImGui::EndCombo();
        }
        ImGui::SameLine();
        add = {{"if", E.condition}};
        if (E.condition == "score_above") {
            ImGui::SetNextItemWidth(100 * s);
            ImGui::InputInt("##score", &E.score);
            add["value"] = E.score;
            ImGui::SameLine();
        } else if (E.condition == "tier") {
            ImGui::SetNextItemWidth(100 * s);
            if (ImGui::BeginCombo("##tier", E.tier.c_str())) {
                for (const char* t : {"Gold", "Silver", "Bronze"})
                    if (ImGui::Selectable(t, E.tier == t)) E.tier = t;
                ImGui::EndCombo();
            }
            add["value"] = E.tier;
            ImGui::SameLine();
        }
        ImGui::SetNextItemWidth(100 * s);
        ImGui::InputInt("go to step", &E.goto_step);
        add["goto"] = std::max(0, E.goto_step - 1);   // the user counts from 1
    } else if (E.kind == 4) {
        ImGui::SetNextItemWidth(140 * s);
        if (ImGui::BeginCombo("##lead_status", E.lead_status.c_str())) {
            for (const char* t : {"assigned", "qualified", "disqualified"})
                if (ImGui::Selectable(t, E.lead_status == t)) E.lead_status = t;
            ImGui::EndCombo();
        }
        add = {{"lead_status", E.lead_status}};
    } else {
        add = {{"end", true}};
    }
    ImGui::SameLine();
    if (ImGui::Button("Add step")) {
        steps.push_back(add);
        save_steps(j.id, steps);
    }
    if (!E.error.empty()) ImGui::TextColored(pal().error, "%s", E.error.c_str());

    ImGui::SeparatorText("Results");
    ImGui::Text("%lld entered: %lld on their way, %lld done, %lld left.  Since entering: %lld replies, %lld leads qualified, %lld won (%s)",
                (long long)st.enrolled, (long long)st.active, (long long)st.done, (long long)st.exited, (long long)st.replies, (long long)st.leads,
                (long long)st.won, money_text(st.won_revenue, g.store->setting("analytics.currency", "EUR")).c_str());
}

}  // namespace

void draw_journeys_settings() {
    float s = g.scale;
    // Read after a write, not every frame.
    if (E.read_at != g.data_version) {
        E.journeys = list_all(*g.db, ListQuery{&kJourneys, "name"});
        E.stats.clear();
        E.step_texts.clear();
        E.step_errors.clear();
        for (const Record& j : E.journeys) {
            E.stats[j.id] = journey_stats(*g.store, j.id);
            try {
                E.step_texts[j.id] = journey_step_texts(*g.store, j.text("steps"));
            } catch (const ValidationError& e) {
                E.step_errors[j.id] = e.message();
            }
        }
        E.runner = journey_runner(*g.store);
        E.read_at = g.data_version;
    }
    ImGui::TextWrapped("Follow-ups that run themselves: a journey starts for a contact entering a segment, a lead from a source or "
                       "campaign, a resolved case, or a contact's date (a renewal date) coming near, then takes its steps - wait, "
                       "send an e-mail (opt-outs respected), a task for the owner, a branch, a lead's status. Steps run while the "
                       "app is open, at start and every minute, each once, catching up on what fell due while it was closed.");
    if (E.runner == g.store->device_id()) {
        ImGui::TextUnformatted("This device runs the journeys.");
    } else {
        ImGui::TextColored(pal().warning, "%s", E.runner.empty() ? "No device runs journeys yet (activating one makes this device run them)."
                                                                                 : "Another device of the team runs the journeys: this one only shows them.");
        ImGui::SameLine();
        if (ImGui::SmallButton("Run journeys on this device")) change([] { run_journeys_on_this_device(*g.store); }, "Journeys run on this device now");
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Run now")) g.journeys_next_ms = 0;
    ImGui::SameLine();
    ImGui::TextDisabled("last run: %lld steps, %lld started", (long long)g.journey_run.steps, (long long)g.journey_run.enrolled);

    if (ImGui::Button("New journey")) open_create_dialog(kJourneys);
    if (!E.journeys.empty() && ImGui::BeginTable("journeys", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) {
        for (const char* h : {"Journey", "Starts when", "Status", "Entered", "On their way", ""}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (const Record& j : E.journeys) {
            ImGui::TableNextRow();
            ImGui::PushID(j.id.c_str());
            ImGui::TableNextColumn();
            if (ImGui::Selectable(j.text("name").c_str(), E.selected == j.id)) E.selected = j.id;
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(choice_label(j.text("trigger").c_str()));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(choice_label(j.text("status").c_str()));
            ImGui::TableNextColumn();
            ImGui::Text("%lld", (long long)E.stats[j.id].enrolled);
            ImGui::TableNextColumn();
            ImGui::Text("%lld", (long long)E.stats[j.id].active);
            ImGui::TableNextColumn();
            std::string name = j.text("name"), id = j.id;
            if (j.text("status") == "active") {
                if (ImGui::SmallButton("Pause")) change([id] { pause_journey(*g.store, id); }, "Paused " + name);
                test_label_last_item(("Pause " + name).c_str());
            } else {
                if (ImGui::SmallButton("Activate"))
                    perform(
                        [id, name] {
                            activate_journey(*g.store, id);
                            g.journeys_next_ms = 0;   // runs at once
                            data_changed();
                            notify("Activated " + name);
                        },
                        [](const std::exception& ex) {
                            auto* v = dynamic_cast<const ValidationError*>(&ex);
                            E.error = v ? v->message() : error_text(ex);
                        });
                test_label_last_item(("Activate " + name).c_str());
            }
            ImGui::SameLine();
            if (ImGui::SmallButton("Edit")) open_edit_dialog(kJourneys, id);
            test_label_last_item(("Edit " + name).c_str());
            ImGui::SameLine();
            if (ImGui::SmallButton("Delete")) ask_delete(kJourneys, id);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    for (const Record& j : E.journeys)
        if (j.id == E.selected) draw_steps(j);
    if (E.selected.empty() && !E.journeys.empty()) ImGui::TextDisabled("Choose a journey to see and change its steps.");
    (void)s;
}

std::string journeys_editor_error() { return E.error; }
void select_journey(const std::string& id) { E.selected = id; }

}  // namespace crm::app
