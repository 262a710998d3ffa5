// screen_data.cpp - the Data screen: storage and saving, and the user's
// data in and out - JSON (everything), CSV (any list), the SQLite file -
// with imports from the file picker or a file dropped on the page: JSON
// merged or replacing (after a confirmation), CSV through a column-mapping
// step with a preview and a progress bar with Cancel, a database file
// replacing the data (after a confirmation), and the last import reverted.
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <memory>

#include "app/app.h"
#include "app/app_state.h"
#include "app/platform.h"
#include "app/test_hooks.h"
#include "storage/backup.h"
#include "exchange/calendar.h"
#include "exchange/csv.h"
#include "exchange/transfer.h"
#include "exchange/vcard.h"
#include "records/views.h"

namespace crm::app {

namespace {


struct Incoming {
    std::string path, name, kind;        // kind: "json", "csv", "sqlite"
    bool open = false, just_opened = false;
    // CSV
    const EntitySpec* entity = &kContacts;
    std::vector<std::string> mapping;
    CsvPreview preview;
    bool preview_stale = true;
    int duplicates = 0;                  // DuplicatePolicy
    std::unique_ptr<std::ifstream> in;
    std::unique_ptr<CsvImport> run;
    int64_t total_bytes = 0;
    std::string result, error;
    // A JSON import or a database file waiting for the whole file to load
    // (perform_on_all_data) owns the file: closing the dialog must not delete it.
    bool handed_off = false;
    int serial = 0;                      // which file: a waiting job reports to its own dialog only
    // A vCard file goes through the CSV step as the CSV of its cards (vcard.h);
    // its errors and lines are said in the cards' terms.
    bool vcard = false;
    std::vector<int64_t> card_lines;
};
Incoming g_in;
int g_in_serial = 0;
std::string g_check_result, g_transfer_result, g_transfer_error;

std::string bytes_text(double b) {
    char buf[48];
    if (b < 0) return "unknown";
    if (b < 1024 * 1024) snprintf(buf, sizeof buf, "%.1f KiB", b / 1024);
    else if (b < 1024.0 * 1024 * 1024) snprintf(buf, sizeof buf, "%.1f MiB", b / 1048576);
    else snprintf(buf, sizeof buf, "%.2f GiB", b / 1073741824);
    return buf;
}

std::string today() { return format_date(g.store->now_ms()); }

// Reads the whole database: it may wait for the rest of a lazily opened
// file (perform_on_all_data), the status bar showing how much is here.
void export_file(const char* what) {
    g_transfer_error.clear();
    g_transfer_result.clear();
    perform_on_all_data(
        [w = std::string(what)] {
            std::string path = "/tmp/export-" + w, name, mime, result;
            if (w == "json") {
                std::ofstream out(path, std::ios::binary);
                ExportSummary s = export_json(*g.store, out);
                name = "crm-" + today() + ".json";
                mime = "application/json";
                result = "Exported " + std::to_string(s.records) + " records as JSON";
            } else if (w == "vcard") {
                std::ofstream out(path, std::ios::binary);
                int64_t n = export_vcard(*g.store, out);
                name = "contacts-" + today() + ".vcf";
                mime = "text/vcard";
                result = "Exported " + std::to_string(n) + " contacts as vCard";
            } else if (w == "ics") {
                std::ofstream out(path, std::ios::binary);
                int64_t n = export_ics(*g.store, out);
                name = "crm-calendar-" + today() + ".ics";
                mime = "text/calendar";
                result = "Exported " + std::to_string(n) + " tasks and meetings of the next 4 weeks as a calendar";
            } else if (w == "sqlite") {
                save_database_file(*g.db, path);
                name = "crm-" + today() + ".sqlite";
                mime = "application/vnd.sqlite3";
                result = "Database file ready: it opens in the sqlite3 tool and in sql.js";
            } else {
                const EntitySpec& e = entity(w);
                std::ofstream out(path, std::ios::binary);
                int64_t n = export_csv(*g.store, ListQuery{&e, ""}, out);
                name = std::string(e.table) + "-" + today() + ".csv";
                mime = "text/csv";
                result = "Exported " + std::to_string(n) + " " + e.table + " as CSV";
            }
            platform::download_file(path, name, mime.c_str());
            g_transfer_result = result;
        },
        [](const std::exception& e) { g_transfer_error = error_text(e); });
    if (!g.deferred.empty()) g_transfer_result = "The export starts once all your data is loaded (see the status bar)";
}

// A CSV import's error or line as the user's file has it.
std::string file_error(const std::string& e) { return g_in.vcard ? vcard_error(e, g_in.name, g_in.card_lines) : e; }
int64_t file_line(int64_t csv_line) {
    if (!g_in.vcard) return csv_line;
    size_t card = (size_t)(csv_line - 2);
    return card < g_in.card_lines.size() ? g_in.card_lines[card] : csv_line;
}

void close_incoming() {
    if (!g_in.path.empty() && !g_in.handed_off) std::remove(g_in.path.c_str());
    g_in = Incoming{};
}

// A job on the incoming file that may wait for all the data: it takes the
// file, removes it when done, and says how it went in the dialog if it is
// still open and on the Data screen (the user may have closed the dialog
// and gone on working while the rest of the file loaded).
void perform_on_incoming(std::function<std::string(const std::string& path)> job) {
    g_in.handed_off = true;
    perform_on_all_data(
        [job, path = g_in.path, serial = g_in.serial] {
            std::string result;
            try {
                result = job(path);
            } catch (const std::exception& e) {
                if (!waiting_for_data(e)) std::remove(path.c_str());   // a missed block runs it again, on the same file
                throw;
            }
            std::remove(path.c_str());
            if (g_in.serial == serial) {
                g_in.result = result;
                g_in.error.clear();
            }
            g_transfer_result = result;
            g_transfer_error.clear();
            data_changed();
        },
        [serial = g_in.serial](const std::exception& e) {
            std::string text = error_text(e) + " - nothing was changed";
            if (g_in.serial == serial) {
                g_in.result.clear();
                g_in.error = text;
            }
            g_transfer_error = text;
        },
        true);
}

void refresh_preview() {
    std::ifstream in(g_in.path, std::ios::binary);
    CsvImportOptions o;
    o.entity = g_in.entity;
    o.mapping = g_in.mapping;
    o.name = g_in.name;
    try {
        g_in.preview = preview_csv(*g.store, in, o, 8);
        g_in.mapping = g_in.preview.mapping;
        g_in.error.clear();
    } catch (const std::exception& e) {
        if (waiting_for_data(e)) return;   // stays stale: made again when the blocks come
        g_in.preview = CsvPreview{};
        g_in.error = error_text(e);
    }
    g_in.preview_stale = false;
}

void draw_csv_step() {
    float s = g.scale;
    if (g_in.run) {   // importing: progress and Cancel
        try {
            // The user waits on it: three quarters of each frame, Cancel still answers.
            static double last_slice = 0;
            bool done = g_in.run->step(slice_budget_ms(last_slice, 0.75, 12.0, 36.0));
            const CsvImportSummary& sum = g_in.run->summary();
            float f = g_in.total_bytes ? (float)g_in.run->bytes_read() / (float)g_in.total_bytes : 0.f;
            char label[96];
            snprintf(label, sizeof label, "%lld rows", (long long)sum.rows);
            ImGui::ProgressBar(done ? 1.f : f, ImVec2(-1, 0), label);
            if (done) {
                g_in.result = "Imported " + std::to_string(sum.rows) + " rows: " + std::to_string(sum.created) + " created, " +
                              std::to_string(sum.updated) + " updated, " + std::to_string(sum.skipped_duplicates) + " duplicates skipped, " +
                              std::to_string(sum.accounts_created) + " accounts created";
                g_in.run.reset();
                g_in.in.reset();
                data_changed();
            } else if (ImGui::Button("Cancel")) {
                g_in.run.reset();   // rolls back: nothing is left behind
                g_in.in.reset();
                g_in.result = "Import cancelled: nothing was imported";
            }
        } catch (const std::exception& e) {
            if (waiting_for_data(e)) {   // the row undone runs again once its blocks come
                g.waits_for_data++;
                ImGui::ProgressBar(g_in.total_bytes ? (float)g_in.run->bytes_read() / (float)g_in.total_bytes : 0.f, ImVec2(-1, 0),
                                   "loading data...");
                return;
            }
            g_in.run.reset();
            g_in.in.reset();
            g_in.error = file_error(error_text(e)) + " - nothing was imported";
        }
        return;
    }
    if (!g_in.result.empty()) return;
    const EntitySpec* kinds[] = {&kContacts, &kAccounts, &kLeads};
    ImGui::TextUnformatted(g_in.vcard ? "Import as: Contacts (one per card of the vCard file)" : "Import as:");
    for (const EntitySpec* e : kinds) {
        if (g_in.vcard) break;
        ImGui::SameLine();
        if (radio_button(e->label, g_in.entity == e)) {
            g_in.entity = e;
            g_in.mapping.clear();
            g_in.preview_stale = true;
        }
    }
    if (g_in.preview_stale) refresh_preview();
    ImGui::TextUnformatted("Columns (guessed from the header; change any):");
    std::vector<std::string> targets = {""};
    if (g_in.entity == &kContacts) targets.push_back("company");
    for (const FieldSpec& f : g_in.entity->fields)
        if (!f.has(F_System) && f.type != FieldType::Ref) targets.push_back(f.name);
    if (ImGui::BeginTable("mapping", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY, ImVec2(0, 200 * s))) {
        ImGui::TableSetupColumn("Column in the file");
        ImGui::TableSetupColumn("Field");
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < g_in.preview.header.size() && i < g_in.mapping.size(); i++) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(g_in.preview.header[i].c_str());
            ImGui::TableNextColumn();
            ImGui::PushID((int)i);
            const std::string& cur = g_in.mapping[i];
            const FieldSpec* fs = g_in.entity->field(cur);
            std::string shown = cur.empty() ? "(ignore)" : cur == "company" ? "Company (account)" : fs ? fs->label : cur;
            ImGui::SetNextItemWidth(-1);
            std::string combo_id = "##map:" + g_in.preview.header[i];   // PushID keeps it unique; the column names it
            bool open = ImGui::BeginCombo(combo_id.c_str(), shown.c_str(), ImGuiComboFlags_HeightLargest);   // every field in view
            if (!open) test_label_last_item(combo_id.c_str());   // combos announce no label to the item hooks
            if (open) {
                for (const std::string& t : targets) {
                    const FieldSpec* tf = g_in.entity->field(t);
                    std::string l = t.empty() ? "(ignore)" : t == "company" ? "Company (account)" : tf ? tf->label : t;
                    if (ImGui::Selectable(l.c_str(), t == cur)) {
                        g_in.mapping[i] = t;
                        g_in.preview_stale = true;
                    }
                }
                ImGui::EndCombo();
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::Text("Preview of the first rows:");
    int cols = (int)std::min<size_t>(g_in.preview.header.size(), 6) + 1;
    float table_right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    if (cols > 1 && ImGui::BeginTable("preview", cols, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
        ImGui::TableSetupColumn("Line", ImGuiTableColumnFlags_WidthFixed, 50 * s);
        for (int c = 1; c < cols; c++) ImGui::TableSetupColumn(g_in.preview.header[(size_t)c - 1].c_str());
        ImGui::TableHeadersRow();
        for (const CsvRowPreview& r : g_in.preview.rows) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%lld", (long long)file_line(r.line));
            for (int c = 1; c < cols; c++) {
                ImGui::TableNextColumn();
                if ((size_t)c - 1 < r.cells.size()) ImGui::TextUnformatted(r.cells[(size_t)c - 1].c_str());
            }
            if (!r.error.empty() || !r.duplicate_of.empty() || !r.likely_of.empty()) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TableNextColumn();
                // The note row has nothing else in it: let the text run (and wrap)
                // across every data column instead of being cut at the first.
                ImVec2 at = ImGui::GetCursorScreenPos();
                ImGui::PushClipRect(at, ImVec2(table_right, at.y + 1e4f), false);
                ImGui::PushTextWrapPos(table_right - ImGui::GetWindowPos().x);
                std::string note = !r.error.empty()          ? file_error(r.error)
                                   : !r.duplicate_of.empty() ? "duplicate of an existing record"
                                                             : "likely a duplicate of " + r.likely_title + " (" +
                                                                   std::to_string((int)(r.likely_score * 100 + 0.5)) + "%: " + r.likely_reasons +
                                                                   "); imported as a new record";
                ImGui::PushStyleColor(ImGuiCol_Text, !r.error.empty()          ? pal().error
                                                     : !r.duplicate_of.empty() ? ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled)
                                                                               : pal().warning);
                ImGui::TextWrapped("%s", note.c_str());
                ImGui::PopStyleColor();
                ImGui::PopTextWrapPos();
                ImGui::PopClipRect();
            }
        }
        ImGui::EndTable();
    }
    ImGui::TextUnformatted("Duplicates (same e-mail, or same name and phone):");
    ImGui::SameLine();
    radio_button("Skip", &g_in.duplicates, 0);
    ImGui::SameLine();
    radio_button("Update", &g_in.duplicates, 1);
    ImGui::SameLine();
    radio_button("Create", &g_in.duplicates, 2);
    if (ImGui::Button("Import", ImVec2(140 * s, 0))) {
        CsvImportOptions o;
        o.entity = g_in.entity;
        o.mapping = g_in.mapping;
        o.name = g_in.name;
        o.duplicates = (DuplicatePolicy)g_in.duplicates;
        try {
            g_in.in = std::make_unique<std::ifstream>(g_in.path, std::ios::binary);
            g_in.in->seekg(0, std::ios::end);
            g_in.total_bytes = (int64_t)g_in.in->tellg();
            g_in.in->seekg(0);
            g_in.run = std::make_unique<CsvImport>(*g.store, *g_in.in, o);
            g_in.error.clear();
        } catch (const std::exception& e) {
            g_in.error = error_text(e);
        }
    }
}

void draw_incoming() {
    if (!g_in.open) return;
    const char* id = "Import###incoming";
    if (g_in.just_opened) {
        ImGui::OpenPopup(id);
        g_in.just_opened = false;
    }
    float s = g.scale;
    place_dialog(760 * s);
    if (!ImGui::BeginPopupModal(id, nullptr)) return;
    ImGui::Text("File: %s", g_in.name.c_str());
    if (g_in.kind == "json" && g_in.result.empty()) {
        ImGui::TextWrapped("Merge adds the file's records and takes the newer version of records both have. Replace makes the file "
                           "the whole database: everything not in it is removed.");
        auto run = [](ImportMode mode) {
            g_in.result = "Importing once all your data is loaded...";
            perform_on_incoming([mode, name = g_in.name](const std::string& path) {
                std::ifstream in(path, std::ios::binary);
                ImportSummary r = import_json(*g.store, in, name, mode);
                return "Imported: " + std::to_string(r.added) + " added, " + std::to_string(r.updated) + " updated, " +
                       std::to_string(r.unchanged) + " unchanged, " + std::to_string(r.removed) + " removed";
            });
        };
        if (ImGui::Button("Merge")) run(ImportMode::Merge);
        ImGui::SameLine();
        ImGui::Checkbox("I understand Replace removes everything not in the file", &g_in.preview_stale);
        ImGui::SameLine();
        ImGui::BeginDisabled(!g_in.preview_stale);
        if (ImGui::Button("Replace")) run(ImportMode::Replace);
        ImGui::EndDisabled();
    } else if (g_in.kind == "sqlite" && g_in.result.empty()) {
        ImGui::TextWrapped("Opening this database file replaces all the data here with the file's. Export first if unsure.");
        ImGui::Checkbox("Replace all data with this file", &g_in.preview_stale);
        ImGui::BeginDisabled(!g_in.preview_stale);
        if (ImGui::Button("Open it")) {
            g_in.result = "Opening once all your data is loaded...";
            perform_on_incoming([](const std::string& path) {
                open_database_file(*g.store, path);
                return std::string("The database file was opened");
            });
        }
        ImGui::EndDisabled();
    } else if (g_in.kind == "csv") {
        draw_csv_step();
    } else if (g_in.kind.empty()) {
        g_in.error = "This file type is not one the CRM imports: use .json, .csv, .vcf or .sqlite";
    }
    if (!g_in.result.empty()) ImGui::TextWrapped("%s", g_in.result.c_str());
    if (!g_in.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, pal().error);
        ImGui::TextWrapped("%s", g_in.error.c_str());
        ImGui::PopStyleColor();
    }
    if (!g_in.run && (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGuiKey_Escape))) {
        close_incoming();
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

}  // namespace

bool data_import_running() { return g_in.run != nullptr; }

std::string incoming_state_json() {
    nlohmann::json j = {{"open", g_in.open}, {"kind", g_in.kind}, {"name", g_in.name}, {"result", g_in.result}, {"error", g_in.error},
                        {"mapping", g_in.mapping}, {"running", g_in.run != nullptr},
                        {"rows_done", g_in.run ? g_in.run->summary().rows : 0}, {"transfer", g_transfer_result},
                        {"transfer_error", g_transfer_error}};
    nlohmann::json rows = nlohmann::json::array();
    for (const CsvRowPreview& r : g_in.preview.rows) rows.push_back({{"line", file_line(r.line)}, {"error", file_error(r.error)}, {"duplicate", !r.duplicate_of.empty()},
                                                                    {"likely", r.likely_of}, {"likely_score", r.likely_score}});
    j["preview"] = rows;
    return j.dump();
}

void file_arrived(const std::string& path, const std::string& name) {
    close_incoming();
    g_in.path = path;
    g_in.name = name;
    g_in.serial = ++g_in_serial;
    std::string lower = ascii_lower(name);
    auto ends = [&](const char* ext) { return lower.size() >= strlen(ext) && lower.compare(lower.size() - strlen(ext), std::string::npos, ext) == 0; };
    g_in.kind = ends(".json") ? "json" : ends(".csv") || ends(".txt") || ends(".tsv") ? "csv" : ends(".sqlite") || ends(".db") || ends(".sqlite3") ? "sqlite" : "";
    if (ends(".vcf") || ends(".vcard")) {
        // The cards become the rows of a CSV beside it, which the CSV step imports.
        try {
            std::ifstream in(path, std::ios::binary);
            CsvImportOptions o;
            std::string csv = vcard_to_csv(in, name, o, &g_in.card_lines);
            std::string csv_path = path + ".csv";
            std::ofstream(csv_path, std::ios::binary) << csv;
            std::remove(path.c_str());
            g_in.path = csv_path;
            g_in.kind = "csv";
            g_in.vcard = true;
            g_in.entity = &kContacts;
            g_in.mapping = o.mapping;
        } catch (const std::exception& e) {
            g_in.kind = "vcard";
            g_in.error = e.what();
        }
    }
    g_in.preview_stale = g_in.kind == "csv";   // for JSON/SQLite this is the confirmation box, unchecked
    g_in.open = g_in.just_opened = true;
    g.screen = Screen::Data;
    g.record = RecordView{};
}

void draw_data_screen() {
    float s = g.scale;
    ImGui::PushFont(g.font_big);
    ImGui::TextUnformatted("Data");
    ImGui::PopFont();
    ImGui::TextWrapped("Your data lives in this browser (IndexedDB), saved at every change; only the pages a change touches are written. "
                       "Take it out any time, in formats other tools read.");
    ImGui::Spacing();
    bold_text("Export");
    // While a job waits for the whole file, asking again would queue it twice.
    ImGui::BeginDisabled(holding_all_blocks());
    if (ImGui::Button("Everything (JSON)")) export_file("json");
    same_line_if_fits(button_width("Database file (.sqlite)"));
    if (ImGui::Button("Database file (.sqlite)")) export_file("sqlite");
    for (const char* e : {"contacts", "accounts", "leads", "opportunities", "cases", "activities"}) {
        std::string label = std::string(choice_label(e)) + " (CSV)";
        same_line_if_fits(button_width(label.c_str()));
        if (ImGui::Button(label.c_str())) export_file(e);
    }
    same_line_if_fits(button_width("Contacts (vCard)"));
    if (ImGui::Button("Contacts (vCard)")) export_file("vcard");
    same_line_if_fits(button_width("Calendar, next 4 weeks (.ics)"));
    if (ImGui::Button("Calendar, next 4 weeks (.ics)")) export_file("ics");
    ImGui::EndDisabled();
    if (!g_transfer_result.empty()) ImGui::TextDisabled("%s", g_transfer_result.c_str());
    if (!g_transfer_error.empty()) ImGui::TextColored(pal().error, "%s", g_transfer_error.c_str());
    ImGui::Spacing();
    bold_text("Import");
    if (ImGui::Button("Import a file...")) platform::pick_file(".json,.csv,.tsv,.txt,.vcf,.vcard,.sqlite,.db,.sqlite3");
    ImGui::SameLine();
    ImGui::TextDisabled("or drop a file on the page: JSON from this app, CSV from a spreadsheet or another CRM, vCard from an address book, a .sqlite database file");
    if (ImGui::Button("Revert the last import")) {
        perform(
            [] {
                RevertSummary r = revert_last_import(*g.store);
                g_transfer_result = "Reverted the import of " + r.file + ": " + std::to_string(r.removed) + " records removed, " +
                                    std::to_string(r.restored) + " restored";
                g_transfer_error.clear();
                data_changed();
            },
            [](const std::exception& e) { g_transfer_error = error_text(e); });
    }
    ImGui::Separator();
    platform::StorageInfo si = platform::storage_info();
    ImGui::Text("Database file: %s", bytes_text((double)g.db->file_size_bytes()).c_str());
    ImGui::Text("Browser storage used: %s of %s available to this site", bytes_text(si.used).c_str(), bytes_text(si.quota).c_str());
    if (si.quota > 0) ImGui::ProgressBar((float)(si.used / si.quota), ImVec2(300 * s, 0));
    ImGui::Text("Persistent storage: %s", si.persisted ? "granted (the browser will not evict this data)" : "not granted (the browser may evict data under storage pressure)");
    if (ImGui::Button("Refresh")) platform::refresh_storage_info();
    if (g.file) {
        platform::SaveTiming t = platform::last_save_timing();
        ImGui::Text("Saves: %llu, last one %s in %.1f ms", (unsigned long long)g.file->batches_written(), bytes_text(t.bytes).c_str(), t.ms);
        if (g.file->state() == SaveState::Failed) ImGui::TextColored(pal().error, "Last save failed: %s", g.file->error().c_str());
    }
    ImGui::BeginDisabled(holding_all_blocks());
    bool check = ImGui::Button("Check database");
    ImGui::EndDisabled();
    if (check) {
        g_check_result = "Checking once all your data is loaded...";
        perform_on_all_data(
            [] {
                std::string problems = health_check(*g.db);
                g_check_result = problems.empty() ? "The database is healthy (integrity, references and search index checked)." : "Problems found:\n" + problems;
            },
            [](const std::exception& e) { g_check_result = error_text(e); });
    }
    if (!g_check_result.empty()) {
        ImGui::SameLine();
        ImGui::TextUnformatted(g_check_result.c_str());
    }
    draw_incoming();
}

}  // namespace crm::app
