// bench_sync.cpp - sync benchmarks over real HTTP on loopback, against a
// crm-server process on SQLite and (given --pg) on PostgreSQL. Prints one
// "bench <name> <value> <unit>" line per figure; figures, not pass/fail.
//
//   bench_sync --server-bin PATH --dir DIR [--contacts N] [--pg URL] [--clients C] [--rounds R]
//
// For each storage:
//   push    a device with N contacts of demo data sends its whole log;
//   pull    a second device (not empty, so it takes messages, not the
//           snapshot) receives all of it;
//   join    a new, empty device joins through the snapshot: the first time
//           (the server builds its replica) and again (the cached snapshot);
//   clients C devices at once, each making a few edits and syncing, R rounds:
//           request latency p50 / p99 and rounds per second.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "demo/demo.h"
#include "platform/native/http_client.h"
#include "server/storage.h"
#include "server/tokens.h"
#include "server_process.h"

using namespace crm;
using namespace crm::server;

namespace {

double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

void report(const std::string& name, double value, const char* unit) {
    printf("bench %-34s %12.3f %s\n", name.c_str(), value, unit);
    fflush(stdout);
}

std::string token_for(Storage& st, const std::string& ws) {
    std::string t = new_token(), h = sha256_hex(t);
    st.add_token({token_id(h), ws, "bench", format_datetime(wall_clock_ms()), false, false}, h);
    return t;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, (size_t)(p * (double)v.size()))];
}

void run(const std::string& label, Storage& st, const std::string& url, const std::string& dir, int64_t contacts, int clients, int rounds) {
    // push and pull
    WorkspaceInfo ws = st.create_workspace(label + "-" + random_hex(4));
    std::string token = token_for(st, ws.id);
    std::string a_path = dir + "/" + label + "-a.db";
    std::filesystem::remove(a_path);
    Database adb(a_path);
    Store a(adb);
    DemoOptions demo;
    demo.contacts = contacts;
    demo.now_ms = wall_clock_ms() - 60000;
    double t0 = now_s();
    generate_demo(a, demo);
    report(label + "_demo_generated", now_s() - t0, "s");
    int64_t messages = adb.query_int("SELECT count(*) FROM change_log");
    report(label + "_messages", (double)messages, "messages");
    set_sync_config(a, {url, token, ""});
    t0 = now_s();
    SyncState state;
    std::string error;
    SyncSession::Report r = sync_now(a, dir + "/scratch", &state, &error);
    double push_s = now_s() - t0;
    if (state != SyncState::Done) throw std::runtime_error("push: " + error);
    report(label + "_push", (double)r.sent / push_s, "changes/s");

    std::string b_path = dir + "/" + label + "-b.db";
    std::filesystem::remove(b_path);
    Database bdb(b_path);
    Store b(bdb);
    b.create(kTags, {{"name", "not empty"}});   // takes the messages, not the snapshot
    set_sync_config(b, {url, token, ""});
    t0 = now_s();
    r = sync_now(b, dir + "/scratch", &state, &error);
    double pull_s = now_s() - t0;
    if (state != SyncState::Done) throw std::runtime_error("pull: " + error);
    report(label + "_pull_and_apply", (double)r.received / pull_s, "changes/s");

    // join by snapshot, twice
    for (const char* which : {"join_first", "join_cached"}) {
        std::string c_path = dir + "/" + label + "-c.db";
        std::filesystem::remove(c_path);
        Database cdb(c_path);
        Store c(cdb);
        set_sync_config(c, {url, token, ""});
        t0 = now_s();
        r = sync_now(c, c_path + ".snapshot", &state, &error);
        double join_s = now_s() - t0;
        if (state != SyncState::Done || !r.snapshot) throw std::runtime_error(std::string("join: ") + error);
        report(label + "_" + which, join_s, "s");
        if (std::string(which) == "join_first") report(label + "_snapshot_size", (double)r.snapshot_bytes / 1048576.0, "MiB");
    }

    // many clients at once
    WorkspaceInfo busy = st.create_workspace(label + "-busy-" + random_hex(4));
    std::string busy_token = token_for(st, busy.id);
    std::mutex lock;
    std::vector<double> latencies;
    std::atomic<int64_t> failures{0}, done_rounds{0};
    std::latch opened_all(clients + 1);   // every device open before the first round: all at once
    auto client = [&](int i) {
        Database db(":memory:");
        Store s(db);
        set_sync_config(s, {url, busy_token, ""});
        std::string id = s.create(kAccounts, {{"name", "Client " + std::to_string(i)}});
        opened_all.arrive_and_wait();
        std::vector<double> mine;
        for (int k = 0; k < rounds; k++) {
            for (int e = 0; e < 5; e++) s.update(kAccounts, id, {{"city", "City " + std::to_string(k * 5 + e)}});
            SyncSession session(s, "/tmp/unused");
            while (const HttpRequest* q = session.next()) {
                double q0 = now_s();
                HttpResponse resp = http_send(*q);
                mine.push_back((now_s() - q0) * 1000.0);
                session.take(resp);
            }
            if (session.state() == SyncState::Done) done_rounds++;
            else if (failures++ < 5) fprintf(stderr, "bench_sync: %s round failed: %s\n", label.c_str(), session.error().c_str());
        }
        std::lock_guard g(lock);
        latencies.insert(latencies.end(), mine.begin(), mine.end());
    };
    std::vector<std::thread> ts;
    for (int i = 0; i < clients; i++) ts.emplace_back(client, i);
    opened_all.arrive_and_wait();
    t0 = now_s();
    for (auto& t : ts) t.join();
    double wall = now_s() - t0;
    report(label + "_clients", clients, "devices at once");
    report(label + "_request_p50", percentile(latencies, 0.50), "ms");
    report(label + "_request_p99", percentile(latencies, 0.99), "ms");
    report(label + "_rounds", (double)done_rounds / wall, "rounds/s");
    report(label + "_failed_rounds", (double)failures, "rounds");
}

}  // namespace

int main(int argc, char** argv) {
    std::string bin, dir, pg;
    int64_t contacts = 10000;
    int clients = 50, rounds = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--server-bin") bin = v;
        else if (k == "--dir") dir = v;
        else if (k == "--pg") pg = v;
        else if (k == "--contacts") contacts = std::atoll(v.c_str());
        else if (k == "--clients") clients = std::atoi(v.c_str());
        else if (k == "--rounds") rounds = std::atoi(v.c_str());
    }
    if (bin.empty() || dir.empty()) {
        fprintf(stderr, "usage: bench_sync --server-bin PATH --dir DIR [--contacts N] [--pg URL] [--clients C] [--rounds R]\n");
        return 2;
    }
    try {
        std::filesystem::create_directories(dir);
        {
            std::string data = dir + "/sqlite-server";
            std::filesystem::remove_all(data);
            std::unique_ptr<Storage> st = open_sqlite_storage(data);
            testing::ServerProcess srv(bin, {"--data", data, "--rate-limit", "0", "--threads", "64"});
            run("sqlite", *st, srv.url, dir, contacts, clients, rounds);
        }
        if (!pg.empty()) {
            std::unique_ptr<Storage> st = open_postgres_storage(pg);
            std::string cache = dir + "/pg-cache";
            std::filesystem::remove_all(cache);
            testing::ServerProcess srv(bin, {"--postgres", pg, "--cache", cache, "--rate-limit", "0", "--threads", "64"});
            run("postgres", *st, srv.url, dir, contacts, clients, rounds);
        }
    } catch (const std::exception& e) {
        fprintf(stderr, "bench_sync: %s\n", e.what());
        return 1;
    }
    return 0;
}
