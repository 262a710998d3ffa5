// test_http.cpp - crm-server as a process, over real HTTP on loopback: the
// body limit and CORS as a browser meets them, devices converging through
// it (the convergence workload of the core suite, each device syncing with
// the same session the app and the CLI use), a server killed with SIGKILL in
// the middle of pushes (nothing lost, nothing doubled), and the same
// convergence on PostgreSQL, with two crm-server processes sharing one
// database behind a "load balancer" that alternates between them.
//
// CRM_SERVER_SEEDS / CRM_SERVER_OPS set the workload's size (default 3 seeds
// x 150 operations per device; the full run takes more). The postgres suite
// needs CRM_TEST_PG (a libpq connection string), which tests/with_postgres.sh
// sets after starting a throwaway cluster.
#include <httplib.h>

#include <atomic>
#include <memory>
#include <thread>

#include "platform/native/http_client.h"
#include "records/views.h"
#include "server_testing.h"
#include "sync/session.h"
#include "sync_workload.h"
#include "testing.h"

using namespace crm;
using namespace crm::server;
using namespace crm::testing;
using nlohmann::json;

namespace {

// A device: an in-memory database syncing with a server through HTTP.
struct HttpDevice {
    Database db{":memory:"};
    Store store{db};
    int64_t skew;
    HttpDevice(const std::string& server, const std::string& token, int64_t skew_ms, uint64_t seed) : skew(skew_ms) {
        store.set_clock([this] { return wall_clock_ms() + skew; });
        store.seed_ids(seed);
        set_sync_config(store, {server, token, ""});
    }
};

// Sends through one of `urls` at random (a load balancer); now and then the
// answer is lost on the way back (the server did the work; the device does
// not know), which the next round must make good.
struct Network {
    std::vector<std::string> urls;
    Rng& r;
    double lose = 0.05;
    std::string error;   // the last round's
    HttpResponse send(HttpRequest q) {
        const std::string& base = urls[r.below(urls.size())];
        size_t p = q.url.find("/v1/");
        q.url = base + q.url.substr(p);
        HttpResponse a = http_send(q);
        if (r.chance(lose)) return HttpResponse{0, "", "the answer was lost (test)", {}};
        return a;
    }
    SyncState sync(Store& s) {
        SyncSession session(s, "/tmp/crm-test-snapshot-" + std::to_string(getpid()) + "-" + std::to_string(r.below(1 << 30)));
        while (const HttpRequest* q = session.next()) session.take(send(*q));
        error = session.error();
        return session.state();
    }
};

// The convergence property through servers: random work and syncs, then
// every device syncs until all are done; all end with the same rows.
void converge(Storage& storage, const std::vector<std::string>& urls, int64_t seeds, int64_t ops) {
    for (int64_t seed = 1; seed <= seeds; seed++) {
        CAPTURE(seed);
        Rng r((uint64_t)seed * 104729);
        WorkspaceInfo ws = storage.create_workspace("converge-" + random_hex(4));
        std::string token = new_token_for(storage, ws.id);
        Network net{urls, r};
        std::vector<std::unique_ptr<HttpDevice>> devs;
        for (int i = 0; i < 3; i++) devs.push_back(std::make_unique<HttpDevice>(urls[0], token, (int64_t)r.range(-120000, 120000), (uint64_t)(seed * 10 + i)));
        int64_t offline_rounds = 0;
        for (int64_t step = 0; step < ops * 3; step++) {
            HttpDevice& d = *devs[r.below(devs.size())];
            d.skew += (int64_t)r.range(-500, 500);
            if (r.chance(0.9)) {
                HttpDevice& other = *devs[r.below(devs.size())];
                random_operation(d.store, r, &other == &d ? nullptr : &other.store);
            } else {
                offline_rounds += net.sync(d.store) != SyncState::Done;
            }
        }
        net.lose = 0;
        for (int round = 0; round < 2; round++)
            for (auto& d : devs) {
                SyncState st = net.sync(d->store);
                INFO(net.error);
                REQUIRE(st == SyncState::Done);
            }
        std::string first = all_rows(devs[0]->db);
        for (auto& d : devs) {
            CHECK(all_rows(d->db) == first);
            CHECK(health_check(d->db) == "");
            CHECK(sync_status(d->store).pending == 0);
        }
        MESSAGE("seed " << seed << ": " << std::count(first.begin(), first.end(), '\n') << " rows, " << storage.workspace(ws.id)->last_seq
                        << " changes on the server, " << offline_rounds << " rounds cut short by a lost answer");
    }
}

}  // namespace

TEST_SUITE("http") {

TEST_CASE("over HTTP: health, a body over the limit refused with JSON, CORS for the allowed origin") {
    TempDir dir;
    std::unique_ptr<Storage> st = open_sqlite_storage(dir.path);
    WorkspaceInfo ws = st->create_workspace("T");
    std::string token = new_token_for(*st, ws.id);
    ServerProcess srv(CRM_SERVER_BIN, {"--data", dir.path, "--max-body", "4096", "--allow-origin", "https://app.example"});
    httplib::Client c(srv.url);
    auto h = c.Get("/v1/health");
    REQUIRE(h);
    CHECK(json::parse(h->body)["ok"] == true);
    httplib::Headers hd = {{"Authorization", "Bearer " + token}, {"X-Crm-Protocol", "1"}, {"X-Crm-Schema", std::to_string(latest_schema_version())},
                           {"X-Crm-Device", "dev-1"}};
    auto big = c.Post("/v1/push", hd, std::string(10000, ' '), "application/json");
    REQUIRE(big);
    CHECK(big->status == 413);
    CHECK(json::parse(big->body)["code"] == "too_large");
    httplib::Headers pre = {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}};
    auto o = c.Options("/v1/push", pre);
    REQUIRE(o);
    CHECK(o->status == 204);
    CHECK(o->get_header_value("Access-Control-Allow-Origin") == "https://app.example");
    auto bad = c.Get("/v1/pull", hd);
    REQUIRE(bad);
    CHECK(bad->get_header_value("Content-Type") == "application/json");
}

TEST_CASE("over HTTP: each bad request, missing, wrong, revoked, read-only and other workspaces' tokens, the rate limit; none changes anything") {
    TempDir dir;
    std::unique_ptr<Storage> st = open_sqlite_storage(dir.path);
    WorkspaceInfo ws = st->create_workspace("T"), other = st->create_workspace("Other");
    std::string token = new_token_for(*st, ws.id), ro = new_token_for(*st, ws.id, true), revoked = new_token_for(*st, ws.id);
    std::string other_token = new_token_for(*st, other.id);
    REQUIRE(st->revoke_token(st->tokens(ws.id).back().id));
    ServerProcess srv(CRM_SERVER_BIN, {"--data", dir.path, "--rate-limit", "120"});
    httplib::Client c(srv.url);
    auto headers = [&](const std::string& t, const std::string& schema = std::to_string(latest_schema_version()), const std::string& proto = "1") {
        httplib::Headers h = {{"X-Crm-Protocol", proto}, {"X-Crm-Schema", schema}, {"X-Crm-Device", "dev-1"}};
        if (!t.empty()) h.emplace("Authorization", "Bearer " + t);
        return h;
    };
    int64_t now = wall_clock_ms();
    json good = a_message("dev-1", now - 1000, "r1");
    auto push = [&](const std::string& t, const std::string& body, httplib::Headers h = {}) {
        auto r = c.Post("/v1/push", h.empty() ? headers(t) : h, body, "application/json");
        REQUIRE(r);
        return std::make_pair(r->status, json::parse(r->body, nullptr, false));
    };
    REQUIRE(push(token, json{{"messages", {good}}}.dump()).first == 200);
    int64_t stored = st->stats().messages;
    json wrong_type = good;
    wrong_type["value"]["name"] = 7;
    json unknown = good;
    unknown["entity"] = "spaceships";
    json ahead = a_message("dev-1", now + 3600000, "r2");
    struct Case {
        const char* what;
        int status;
        std::pair<int, json> got;
    } cases[] = {
        {"malformed JSON", 400, push(token, "{\"messages\": [")},
        {"a wrong type", 400, push(token, json{{"messages", {wrong_type}}}.dump())},
        {"an unknown entity", 400, push(token, json{{"messages", {unknown}}}.dump())},
        {"a change an hour ahead", 400, push(token, json{{"messages", {ahead}}}.dump())},
        {"an old app", 426, push(token, json{{"messages", {good}}}.dump(), headers(token, "4"))},
        {"another protocol", 400, push(token, json{{"messages", {good}}}.dump(), headers(token, std::to_string(latest_schema_version()), "9"))},
        {"no token", 401, push("", json{{"messages", {good}}}.dump())},
        {"a wrong token", 401, push("crm_nothing", json{{"messages", {good}}}.dump())},
        {"a revoked token", 401, push(revoked, json{{"messages", {good}}}.dump())},
        {"a read-only token writing", 403, push(ro, json{{"messages", {good}}}.dump())},
    };
    for (const Case& k : cases) {
        CAPTURE(k.what);
        CHECK(k.got.first == k.status);
        CHECK(k.got.second.is_object());
        CHECK_FALSE(k.got.second.value("error", "").empty());
    }
    CHECK(cases[3].got.second["code"] == "clock_ahead");
    CHECK(cases[4].got.second["accepts"]["schema"]["min"] == kMinSyncSchema);
    CHECK(st->stats().messages == stored);
    // Another workspace's token sees nothing of this one, and may not name it.
    auto o = c.Get("/v1/pull?after=0", headers(other_token));
    REQUIRE(o);
    CHECK(json::parse(o->body)["messages"].empty());
    httplib::Headers cross = headers(other_token);
    cross.emplace("X-Crm-Workspace", ws.id);
    auto x = c.Get("/v1/pull?after=0", cross);
    REQUIRE(x);
    CHECK(x->status == 403);
    CHECK(x->body.find("r1") == std::string::npos);
    // The rate limit: a burst of 20 (120 a minute), then 429 with Retry-After.
    int limited = 0;
    std::string retry_after;
    for (int i = 0; i < 40; i++) {
        auto r = c.Get("/v1/info", headers(ro));
        REQUIRE(r);
        if (r->status == 429) {
            limited++;
            retry_after = r->get_header_value("Retry-After");
        }
    }
    CHECK(limited >= 15);
    CHECK(std::atoi(retry_after.c_str()) >= 1);
}

TEST_CASE("devices converge through a crm-server on SQLite") {
    TempDir dir;
    std::unique_ptr<Storage> st = open_sqlite_storage(dir.path);
    ServerProcess srv(CRM_SERVER_BIN, {"--data", dir.path, "--rate-limit", "0"});
    converge(*st, {srv.url}, env_int("CRM_SERVER_SEEDS", 3), env_int("CRM_SERVER_OPS", 150));
}

TEST_CASE("a server killed (SIGKILL) in the middle of pushes: the device retries, nothing is lost or doubled") {
    TempDir dir;
    std::unique_ptr<Storage> st = open_sqlite_storage(dir.path);
    WorkspaceInfo ws = st->create_workspace("T");
    std::string token = new_token_for(*st, ws.id);
    ServerProcess srv(CRM_SERVER_BIN, {"--data", dir.path, "--rate-limit", "0"});
    HttpDevice a(srv.url, token, 0, 1);
    DemoOptions demo;
    demo.contacts = 1200;
    demo.now_ms = wall_clock_ms();
    generate_demo(a.store, demo);
    int64_t total = a.db.query_int("SELECT count(*) FROM change_log");
    Rng r(5);
    int kills = 0, rounds = 0, pushes = 0;
    bool done = false;
    while (!done && rounds < 60) {
        rounds++;
        SyncSession s(a.store, dir.path + "/scratch");
        while (const HttpRequest* q = s.next()) {
            HttpResponse resp;
            if (q->url.ends_with("/v1/push") && ++pushes % 2 == 0 && kills < 3) {
                // The push goes out; the server is killed while it handles it.
                std::thread t([&] { resp = http_send(*q); });
                usleep((useconds_t)r.below(30000));
                srv.crash_and_restart();
                kills++;
                t.join();
            } else {
                resp = http_send(*q);
            }
            s.take(resp);
        }
        done = s.state() == SyncState::Done;
    }
    CHECK(kills == 3);
    REQUIRE(done);
    CHECK(st->workspace(ws.id)->last_seq >= total);
    CHECK(st->stats().messages == total);   // every message once
    // A second device receives exactly the first one's data.
    HttpDevice b(srv.url, token, 0, 2);
    Network net{{srv.url}, r};
    net.lose = 0;
    REQUIRE_MESSAGE(net.sync(b.store) == SyncState::Done, net.error);
    CHECK(all_rows(b.db) == all_rows(a.db));
}

TEST_CASE("the crm CLI syncs a database file and says what it sent and received; a revoked token is refused in words") {
    TempDir dir;
    std::unique_ptr<Storage> st = open_sqlite_storage(dir.path);
    WorkspaceInfo ws = st->create_workspace("T");
    std::string token = new_token_for(*st, ws.id);
    ServerProcess srv(CRM_SERVER_BIN, {"--data", dir.path});
    std::string db = dir.path + "/mine.db";
    auto run = [&](const std::string& args) {
        std::string cmd = std::string(CRM_CLI_BIN) + " --db " + db + " " + args + " 2>&1";
        std::string out;
        FILE* p = popen(cmd.c_str(), "r");
        char buf[512];
        while (fgets(buf, sizeof buf, p)) out += buf;
        int status = pclose(p);
        return std::make_pair(WEXITSTATUS(status), out);
    };
    REQUIRE(run("demo --contacts 20").first == 0);
    auto [code, out] = run("sync --server " + srv.url + " --token " + token);
    CHECK(code == 0);
    CHECK(out.find("sent ") != std::string::npos);
    CHECK(out.find("synced with workspace T") != std::string::npos);
    auto again = run("sync");
    CHECK(again.first == 0);
    CHECK(again.second.find("sent 0 changes") != std::string::npos);
    REQUIRE(st->revoke_token(st->tokens(ws.id)[0].id));
    auto refused = run("sync");
    CHECK(refused.first == 1);
    CHECK(refused.second.find("revoked") != std::string::npos);
    auto status = run("sync --status");
    CHECK(status.second.find("revoked") != std::string::npos);
}

}  // TEST_SUITE

TEST_SUITE("postgres") {

TEST_CASE("devices converge through crm-server on PostgreSQL, then through two crm-server processes sharing it") {
    const char* pg = getenv("CRM_TEST_PG");
    REQUIRE_MESSAGE(pg, "CRM_TEST_PG is not set: run this suite through tests/with_postgres.sh");
    std::unique_ptr<Storage> st = open_postgres_storage(pg);
    TempDir cache1, cache2;
    ServerProcess one(CRM_SERVER_BIN, {"--postgres", pg, "--cache", cache1.path, "--rate-limit", "0"});
    converge(*st, {one.url}, env_int("CRM_SERVER_SEEDS", 3), env_int("CRM_SERVER_OPS", 150));
    ServerProcess two(CRM_SERVER_BIN, {"--postgres", pg, "--cache", cache2.path, "--rate-limit", "0"});
    converge(*st, {one.url, two.url}, env_int("CRM_SERVER_SEEDS", 3), env_int("CRM_SERVER_OPS", 150));
}

TEST_CASE("PostgreSQL storage: idempotent pushes, pages, leases that never overlap across processes, erasure") {
    const char* pg = getenv("CRM_TEST_PG");
    REQUIRE_MESSAGE(pg, "CRM_TEST_PG is not set: run this suite through tests/with_postgres.sh");
    std::unique_ptr<Storage> a = open_postgres_storage(pg), b = open_postgres_storage(pg);
    WorkspaceInfo ws = a->create_workspace("pg-" + random_hex(4));
    CHECK_THROWS_AS(b->create_workspace(ws.name), StorageError);
    std::vector<StoredMessage> msgs;
    for (int i = 0; i < 5; i++) msgs.push_back({0, "h" + std::to_string(i), "dev-1", "r" + std::to_string(i), "*", "{}"});
    PushResult p1 = a->push(ws.id, msgs), p2 = b->push(ws.id, msgs);
    CHECK(p1.stored == 5);
    CHECK(p2.stored == 0);
    CHECK(p2.duplicates == 5);
    PullResult page = b->pull(ws.id, 0, "dev-2", 3);
    CHECK(page.messages.size() == 3);
    CHECK(page.more);
    PullResult rest = a->pull(ws.id, page.cursor, "dev-2", 3);
    CHECK(rest.messages.size() == 2);
    CHECK_FALSE(rest.more);
    // Leases from two connections at once never overlap.
    std::vector<int64_t> firsts;
    std::mutex m;
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; t++)
        ts.emplace_back([&, t] {
            Storage& s = t % 2 ? *a : *b;
            for (int i = 0; i < 10; i++) {
                int64_t f = s.lease_numbers(ws.id, "cases", 100, 1);
                std::lock_guard g(m);
                firsts.push_back(f);
            }
        });
    for (auto& t : ts) t.join();
    std::sort(firsts.begin(), firsts.end());
    for (size_t i = 1; i < firsts.size(); i++) CHECK(firsts[i] - firsts[i - 1] == 100);
    // An erasure removes the earlier messages of its record.
    a->push(ws.id, {{0, "h9", "dev-1", "r1", "erased", "{}"}});
    PullResult all = b->pull(ws.id, 0, "x", 100);
    int r1 = 0;
    for (auto& mm : all.messages) r1 += mm.record_id == "r1";
    CHECK(r1 == 1);
    CHECK(b->push(ws.id, {{0, "h10", "dev-2", "r1", "name", "{}"}}).stored == 0);
}

}  // TEST_SUITE
