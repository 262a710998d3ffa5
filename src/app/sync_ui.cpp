// sync_ui.cpp - sync in the app: Settings > Sync, the status bar's sync
// state, the invite dialog, and the rounds themselves. A round runs the
// core's SyncSession one request at a time through fetch; nothing waits on
// the network: the screens stay usable and every change is saved locally
// first. Rounds start 2 s after the user's changes, every minute, when the
// network comes back, and at start; a failed round is retried with backoff
// (5 s doubling to 5 min). Sync runs in the tab that writes (the one-writer
// lock): another tab is frozen and runs nothing.
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <optional>

#include "app/app.h"
#include "app/app_state.h"
#include "exchange/calendar.h"
#include "app/platform.h"
#include "app/test_hooks.h"

namespace crm::app {

namespace {

constexpr double kInterval = 60000, kAfterChange = 2000, kFirstBackoff = 5000, kMaxBackoff = 300000;
const char* kScratch = "/sync-snapshot.sqlite";

struct SyncUi {
    std::unique_ptr<SyncSession> session;
    int id = 0;
    bool in_flight = false, downloading = false;
    double next_at = 0;                 // wall ms of the next automatic round; 0: none planned
    double backoff = kFirstBackoff;
    double got = 0, total = 0;          // a snapshot's download
    double sent_at = 0, download_ms = 0;
    bool ran = false;                   // a round has ended since the page opened
    SyncState last_state = SyncState::Done;
    SyncSession::Report last;
    uint64_t pending_at = 0;            // data version the pending count was read at
    int64_t pending = 0;
    char server[256] = "", token[256] = "", invite[2048] = "";
    bool fields_loaded = false;
    SyncConfig offered;                 // from an invite link, until Join or Not now
    bool offer = false;
    std::string message;                // the last round's result in words
    // An answer not taken yet, or a request not prepared yet: they read a
    // block still loading (a lazily opened file), and go on at a frame after
    // it came (sync_tick).
    std::optional<HttpResponse> untaken;
    bool untaken_snapshot = false, stalled = false;
};
SyncUi S;

bool configured() {
    SyncConfig c = sync_config(*g.store);
    return !c.server.empty() && !c.token.empty();
}

int64_t pending_count() {
    if (S.pending_at != g.data_version) {
        S.pending = sync_status(*g.store).pending;
        S.pending_at = g.data_version;
    }
    return S.pending;
}

// The screens read again after changes sync brought (without planning another round for them).
void refresh_after_sync(bool replaced) {
    g.data_version++;
    g.write_version++;
    g.titles.clear();
    S.pending_at = 0;
    if (replaced) {
        g.record = RecordView{};
        g.back.clear();
        g.first_run = false;
    }
}

void finish() {
    double now = platform::now_ms();
    S.last = S.session->report();
    S.last_state = S.session->state();
    S.ran = true;
    S.pending_at = 0;
    if (S.last_state == SyncState::Done) {
        S.backoff = kFirstBackoff;
        S.next_at = now + (pending_count() > 0 ? kAfterChange : kInterval);
        S.message = "Synced";
        if (S.last.conflicts > 0)
            notify(std::to_string(S.last.conflicts) + (S.last.conflicts == 1 ? " field was" : " fields were") +
                   " changed on another device at the same time: see the record's History");
    } else if (S.session->retry_later()) {
        S.next_at = now + S.backoff;
        S.backoff = std::min(S.backoff * 2, kMaxBackoff);
        S.message = S.session->error();
    } else {
        S.next_at = 0;   // a refused token or an old app: not until the settings change or Sync now
        S.message = S.session->error();
    }
    S.session.reset();
    platform::wake_after_ms(S.next_at ? std::max(16, (int)(S.next_at - now)) : 60000);
}

void send_next() {
    if (!S.session || S.in_flight) return;
    const HttpRequest* r = S.session->next();
    if (!r) return finish();
    S.in_flight = true;
    S.downloading = !r->save_to.empty();
    S.sent_at = platform::now_ms();
    platform::http_request(++S.id, *r);
}

// Takes the answer waiting, then sends the next request. A block still
// loading stops the round here till a frame after it came; whatever the
// answer wrote was rolled back, and it is taken again.
void go_on() {
    S.stalled = false;
    try {
        if (S.untaken) {
            int64_t received = S.session->report().received;
            S.session->take(*S.untaken);
            S.untaken.reset();
            if (S.untaken_snapshot && S.session->report().snapshot) refresh_after_sync(true);
            else if (S.session->report().received > received) refresh_after_sync(false);
        }
        send_next();
    } catch (const PageMiss& e) {
        waiting_for_data(e);
        S.stalled = true;
        platform::wake_after_ms(16);   // the frame asks for the blocks (this may be a network callback)
    }
}

void start_now() {
    if (S.session || !configured()) return;
    try {
        S.session = std::make_unique<SyncSession>(*g.store, kScratch);
    } catch (const PageMiss& e) {
        waiting_for_data(e);   // S.next_at stays: sync_tick starts it once the blocks came
        return;
    }
    S.next_at = 0;
    S.got = S.total = 0;
    go_on();
}

// A round at the next frame, started by sync_tick (which tries again if a
// block is still loading). Reads nothing.
void start_soon() {
    S.backoff = kFirstBackoff;
    S.next_at = platform::now_ms();
    platform::wake_after_ms(16);
}

// Sets where to sync (a change: through change(), so it waits for blocks
// still loading) and starts a round. `tx`: the caller's transaction,
// committed with it. Nothing is read after the commit.
void connect_to(const SyncConfig& c, Transaction* tx = nullptr) {
    set_sync_config(*g.store, c);
    if (tx) tx->commit();
    start_soon();
}

const char* state_word() {
    if (S.session) return "running";
    if (!S.ran) return "idle";
    switch (S.last_state) {
    case SyncState::Done: return "done";
    case SyncState::Offline: return "offline";
    case SyncState::Failed: return "failed";
    case SyncState::Running: break;
    }
    return "running";
}

}  // namespace

//-----------------------------------------------------------------------------
// Driving rounds
//-----------------------------------------------------------------------------

void sync_request(double delay_ms) {
    if (!configured()) return;
    double at = platform::now_ms() + delay_ms;
    if (S.next_at == 0 || at < S.next_at) S.next_at = at;
    platform::wake_after_ms(std::max(16, (int)delay_ms));
}

void sync_tick() {
    if (S.session && S.stalled) {   // once the blocks it met came (their arrival clears the wait)
        if (!g.waiting_for_data) go_on();
        return;
    }
    if (S.session || !S.next_at || platform::now_ms() < S.next_at) return;
    if (g.demo || data_import_running()) {   // a long write holds the database: after it
        S.next_at = platform::now_ms() + kAfterChange;
        return;
    }
    start_now();
}

int sync_timer_ms() {
    if (S.session || !S.next_at) return -1;
    return std::max(16, (int)(S.next_at - platform::now_ms()));
}

void http_done(int id, const HttpResponse& response) {
    if (id != S.id || !S.session) return;
    S.in_flight = false;
    S.untaken_snapshot = S.downloading;
    S.downloading = false;
    if (S.untaken_snapshot) S.download_ms = platform::now_ms() - S.sent_at;
    S.untaken = response;
    go_on();
}

void http_progress(int id, double received, double total) {
    if (id != S.id) return;
    S.got = received;
    S.total = total;
}

void network_online() {
    S.backoff = kFirstBackoff;
    sync_request(0);
}

void invite_arrived(const std::string& link) {
    SyncConfig c;
    if (!parse_invite(link, c)) {
        g.last_error = "The invite link is not complete: ask for a new one";
        return;
    }
    S.offered = c;
    S.offer = true;
}

void sync_after_change() { sync_request(kAfterChange); }

bool sync_offer_pending() { return S.offer; }

void sync_at_start() {
    if (configured()) sync_request(0);
}

//-----------------------------------------------------------------------------
// Screens
//-----------------------------------------------------------------------------

void draw_sync_status() {
    if (!configured() && !S.session) return;
    ImGui::SameLine(0, 24 * g.scale);
    int64_t pending = pending_count();
    if (S.session) {
        if (S.downloading && S.total > 0)
            ImGui::Text("Joining the workspace: %.0f%%", 100.0 * S.got / S.total);
        else
            ImGui::TextUnformatted("Syncing...");
        return;
    }
    ImVec4 ok(0.2f, 0.6f, 0.3f, 1), warn(0.8f, 0.55f, 0.1f, 1), bad(0.85f, 0.2f, 0.2f, 1);
    if (S.ran && S.last_state == SyncState::Failed) {
        ImGui::TextColored(bad, "Sync error");
    } else if (S.ran && S.last_state == SyncState::Offline) {
        ImGui::TextColored(warn, pending > 0 ? "Offline - %lld changes to sync" : "Offline", (long long)pending);
    } else if (pending > 0) {
        ImGui::TextColored(warn, "%lld %s to sync", (long long)pending, pending == 1 ? "change" : "changes");
    } else if (S.ran) {
        ImGui::TextColored(ok, "Synced");
    } else {
        ImGui::TextDisabled("Sync waiting");
    }
    if (ImGui::IsItemHovered()) {
        std::string last = g.store->setting("sync.last_synced");
        ImGui::SetTooltip("%s%s%s", last.empty() ? "Not synced yet" : ("Last synced " + when_text(last)).c_str(),
                          S.message.empty() || S.message == "Synced" ? "" : "\n", S.message == "Synced" ? "" : S.message.c_str());
    }
    if (ImGui::IsItemClicked()) {
        g.screen = Screen::Settings;
        g.record = RecordView{};
    }
}

// A rep's calendar as a secret link on the sync server, for Google Calendar,
// Outlook or Apple Calendar to subscribe to (exchange/calendar.h).
void draw_calendar_feeds() {
    static std::string owner, filter;
    ImGui::SeparatorText("Calendar feeds");
    ImGui::TextWrapped("A rep's open tasks and meetings of the next 8 weeks as a link calendar apps subscribe to. Anyone with the link "
                       "can read that calendar: revoke it when it leaked or the rep left.");
    ref_picker("##feed_owner", kUsers, owner, filter, 220 * g.scale);
    test_label_last_item("Feed owner");
    ImGui::SameLine();
    ImGui::BeginDisabled(owner.empty());
    if (ImGui::Button("Create link")) {
        std::string who = owner;
        change([who] { create_calendar_feed(*g.store, who); }, "Calendar link made: it works once this device has synced");
    }
    ImGui::EndDisabled();
    static uint64_t read_at = 0;   // the feeds, read after a write, not every frame
    static std::vector<std::pair<std::string, std::string>> feeds;
    if (read_at != g.data_version) {
        feeds = calendar_feeds(*g.store);
        read_at = g.data_version;
    }
    for (auto& [secret, user] : feeds) {
        ImGui::PushID(secret.c_str());
        std::string url = calendar_feed_url(*g.store, secret);
        ImGui::TextUnformatted(ref_title(kUsers, user).c_str());
        ImGui::SameLine(200 * g.scale);
        ImGui::TextDisabled("%s", url.empty() ? "(set up sync above to publish it)" : url.c_str());
        if (!url.empty()) {
            ImGui::SameLine();
            if (ImGui::SmallButton("Copy")) {
                ImGui::SetClipboardText(url.c_str());
                notify("Link copied");
            }
        }
        ImGui::SameLine();
        if (ImGui::SmallButton("Revoke")) {
            std::string sec = secret;
            change([sec] { revoke_calendar_feed(*g.store, sec); }, "Calendar link revoked (once synced)");
        }
        ImGui::PopID();
    }
}

void draw_sync_settings() {
    SyncConfig c = sync_config(*g.store);
    if (!S.fields_loaded) {
        snprintf(S.server, sizeof S.server, "%s", c.server.c_str());
        snprintf(S.token, sizeof S.token, "%s", c.token.c_str());
        S.fields_loaded = true;
    }
    ImGui::TextWrapped("Sync shares this CRM with your team through a crm-server: every device keeps all the data and works offline, "
                       "and changes go both ways whenever the server can be reached. Paste the invite link you were given, or the "
                       "server address and the workspace token.");
    ImGui::Spacing();
    float w = 520 * g.scale;
    ImGui::SetNextItemWidth(w);
    ImGui::InputTextWithHint("Invite link", "https://…#join=…", S.invite, sizeof S.invite);
    ImGui::SameLine();
    if (ImGui::Button("Use invite")) {
        SyncConfig ic;
        if (parse_invite(S.invite, ic)) {
            snprintf(S.server, sizeof S.server, "%s", ic.server.c_str());
            snprintf(S.token, sizeof S.token, "%s", ic.token.c_str());
            S.invite[0] = 0;
            change([ic] { connect_to(ic); });
        } else {
            g.last_error = "That is not an invite link: it ends in #join=…";
        }
    }
    ImGui::SetNextItemWidth(w);
    ImGui::InputTextWithHint("Server", "https://crm.example.com", S.server, sizeof S.server);
    ImGui::SetNextItemWidth(w);
    ImGui::InputTextWithHint("Workspace token", "crm_…", S.token, sizeof S.token, ImGuiInputTextFlags_Password);
    bool changed = c.server != S.server || c.token != S.token;
    ImGui::BeginDisabled(!changed || !S.server[0] || !S.token[0]);
    if (ImGui::Button("Connect")) {
        SyncConfig n = c;
        n.server = S.server;
        n.token = S.token;
        if (n.server != c.server) n.workspace.clear();
        change([n] { connect_to(n); });
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!configured() || S.session != nullptr);
    if (ImGui::Button("Sync now")) start_soon();
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!configured() || S.session != nullptr);
    if (ImGui::Button("Stop syncing")) {
        S.server[0] = S.token[0] = 0;
        change([workspace = c.workspace] {
            set_sync_config(*g.store, {"", "", workspace});
            S.next_at = 0;
            S.ran = false;
            S.message.clear();
        });
    }
    ImGui::EndDisabled();

    ImGui::Spacing();
    ImGui::Separator();
    std::string name = g.store->setting("sync.workspace_name"), last = g.store->setting("sync.last_synced");
    if (ImGui::BeginTable("sync_state", 2, ImGuiTableFlags_SizingFixedFit)) {
        auto row = [](const char* k, const std::string& v) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", k);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(v.c_str());
        };
        row("Workspace", name.empty() ? "-" : name);
        row("Last synced", last.empty() ? "never" : when_text(last));
        row("Changes to send", std::to_string(pending_count()));
        row("State", S.session ? S.session->phase() : !S.ran ? (configured() ? "waiting" : "not set up")
                     : S.last_state == SyncState::Done ? "synced" : S.last_state == SyncState::Offline ? "offline" : "error");
        if (S.ran && S.last_state == SyncState::Done)
            row("Last round", "sent " + std::to_string(S.last.sent) + ", received " + std::to_string(S.last.received) +
                                  (S.last.conflicts ? ", " + std::to_string(S.last.conflicts) + " conflicts" : ""));
        ImGui::EndTable();
    }
    if (S.ran && S.last_state != SyncState::Done && !S.message.empty() && !S.session) {
        ImGui::PushStyleColor(ImGuiCol_Text, S.last_state == SyncState::Offline ? pal().warning : pal().error);
        ImGui::TextWrapped("%s", S.message.c_str());
        ImGui::PopStyleColor();
        if (S.next_at) ImGui::TextDisabled("Trying again in %.0f s", std::ceil(std::max(0.0, S.next_at - platform::now_ms()) / 1000));
    }
    ImGui::Spacing();
    ImGui::TextDisabled("This device's own settings, the import journal and sync's own state never leave it.");
    draw_calendar_feeds();
}

void draw_sync_dialogs() {
    // An invite the page was opened with: join only when asked.
    if (S.offer && !ImGui::IsPopupOpen("Join a workspace")) ImGui::OpenPopup("Join a workspace");
    place_dialog(520 * g.scale);
    if (ImGui::BeginPopupModal("Join a workspace", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) {
        ImGui::TextWrapped("You were invited to share a CRM through the server %s. Joining brings the workspace's data to this browser "
                           "and sends what you add here to your team.", S.offered.server.c_str());
        bool has_data = g.store->count(kContacts) > 0 || g.store->count(kAccounts) > 0;
        if (has_data) ImGui::TextWrapped("The data already in this browser will be shared with the workspace too.");
        if (ImGui::Button("Join")) {
            snprintf(S.server, sizeof S.server, "%s", S.offered.server.c_str());
            snprintf(S.token, sizeof S.token, "%s", S.offered.token.c_str());
            g.first_run = false;
            S.offer = false;
            change([offered = S.offered] {
                Transaction tx(g.store->db());
                g.store->set_setting("ui.started", "joined");
                connect_to(offered, &tx);
            });
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (ImGui::Button("Not now")) {
            S.offer = false;
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
    // Joining by snapshot: the workspace arrives as one file.
    if (S.session && S.downloading) {
        if (!ImGui::IsPopupOpen("Joining the workspace")) ImGui::OpenPopup("Joining the workspace");
        place_dialog(460 * g.scale);
        if (ImGui::BeginPopupModal("Joining the workspace", nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) {
            char buf[96];
            if (S.total > 0) snprintf(buf, sizeof buf, "%.0f of %.0f MB", S.got / 1048576.0, S.total / 1048576.0);
            else snprintf(buf, sizeof buf, "%.0f MB", S.got / 1048576.0);
            ImGui::TextUnformatted("Downloading the workspace's data...");
            ImGui::ProgressBar(S.total > 0 ? (float)(S.got / S.total) : 0.0f, ImVec2(-1, 0), buf);
            ImGui::TextDisabled("It is then saved in this browser, for offline use.");
            ImGui::EndPopup();
        }
    }
}

std::string sync_state_json() {
    nlohmann::json j = {{"configured", configured()},
                        {"state", state_word()},
                        {"phase", S.session ? S.session->phase() : ""},
                        {"message", S.message},
                        {"pending", pending_count()},
                        {"last_synced", g.store->setting("sync.last_synced")},
                        {"workspace", g.store->setting("sync.workspace_name")},
                        {"offer", S.offer},
                        {"downloading", S.downloading},
                        {"received", S.last.received},
                        {"sent", S.last.sent},
                        {"conflicts", S.last.conflicts},
                        {"snapshot", S.last.snapshot},
                        {"got", S.got},
                        {"total", S.total},
                        {"download_ms", S.download_ms},
                        {"install_ms", S.last.install_ms}};
    j["feeds"] = nlohmann::json::array();
    for (auto& [secret, user] : calendar_feeds(*g.store)) j["feeds"].push_back(calendar_feed_url(*g.store, secret));
    return j.dump();
}

}  // namespace crm::app
