// test_session.cpp - a device's sync round against the server's API in
// process (no sockets): a clock that runs ahead is refused in words and,
// once fixed, the waiting changes are re-stamped and sent in their order;
// an app older than the server is told to reload and keeps its changes; a
// read-only token receives and never sends; a replace import on a synced
// device deletes (as tombstones) what the file lacks, on every device; a
// device whose file is opened lazily syncs through its blocks still loading.
#include <sstream>

#include "exchange/transfer.h"
#include "lazy_db.h"
#include "server_testing.h"
#include "sync/session.h"
#include "testing.h"

using namespace crm;
using namespace crm::server;
using namespace crm::testing;

namespace {

struct World {
    TempDir dir;
    std::unique_ptr<Storage> storage = open_sqlite_storage(dir.path);
    int64_t server_now = *parse_datetime("2026-11-30T08:00:00Z");
    Api api{*storage, options()};
    WorkspaceInfo ws = storage->create_workspace("Team");
    std::string token = new_token_for(*storage, ws.id);
    std::function<void(HttpRequest&)> tamper;   // changes a request on its way (a test's old app)

    ApiOptions options() {
        ApiOptions o;
        o.clock = [this] { return server_now; };
        return o;
    }
    // The round through the API, as HTTP would carry it. `lazy`: the store's
    // file is opened lazily, and each call that meets a block still loading
    // is made again once it came, as the page does.
    SyncSession::Report sync(Store& s, SyncState* state = nullptr, std::string* error = nullptr, bool* retry = nullptr,
                             LazyDb* lazy = nullptr) {
        std::optional<SyncSession> session_here;
        auto again = [&](auto&& f) {
            if (lazy) return lazy->retry(f);
            return f();
        };
        again([&] { session_here.emplace(s, dir.path + "/scratch"); return 0; });
        SyncSession& session = *session_here;
        while (const HttpRequest* q = again([&] { return session.next(); })) {
            HttpRequest r = *q;
            if (tamper) tamper(r);
            Request req = make_request(r.method, r.url.substr(r.url.find("/v1/")), r.headers, r.body);
            Response out = api.handle(req);
            HttpResponse resp;
            resp.status = out.status;
            resp.body = out.body;
            for (auto& [k, v] : out.headers) {
                std::string key = k;
                for (char& c : key) c = (char)std::tolower((unsigned char)c);
                resp.headers[key] = v;
            }
            if (!out.file.empty()) {
                std::filesystem::copy_file(out.file, r.save_to, std::filesystem::copy_options::overwrite_existing);
            }
            again([&] { session.take(resp); return 0; });
        }
        if (state) *state = session.state();
        if (error) *error = session.error();
        if (retry) *retry = session.retry_later();
        return session.report();
    }
};

struct Phone {
    Database db{":memory:"};
    Store store{db};
    int64_t now;
    Phone(World& w, int64_t skew, uint64_t seed, const std::string& token = "") : now(w.server_now + skew) {
        store.set_clock([this] { return now; });
        store.seed_ids(seed);
        set_sync_config(store, {"http://sync.test", token.empty() ? w.token : token, ""});
    }
};

}  // namespace

TEST_SUITE("api") {

TEST_CASE("a device opened lazily under a memory limit syncs through blocks still loading: each answer is taken whole once they came, and both devices agree") {
    World w;
    Phone other(w, 0, 2);
    std::string acme = other.store.create(kAccounts, {{"name", "Acme Lazy"}});
    other.store.create(kContacts, {{"first_name", "Lena"}, {"last_name", "Lazy"}, {"account_id", acme}});
    w.sync(other.store);
    // The device's demo data is sent, the other's two records come in, all through misses.
    LazyDb lazy("sync-lazy.db", 64 * kBlockSize);
    Store& store = lazy.open_store();
    store.set_clock([&w] { return w.server_now; });
    lazy.retry([&] { set_sync_config(store, {"http://sync.test", w.token, ""}); return 0; });
    uint64_t failed_before = lazy.failed, misses_before = lazy.file.misses();
    SyncState state = SyncState::Running;
    std::string error;
    SyncSession::Report r = w.sync(store, &state, &error, nullptr, &lazy);
    INFO(error);
    CHECK(state == SyncState::Done);
    CHECK(r.sent > 0);
    CHECK(r.received == 2);
    CHECK(lazy.file.misses() > misses_before);   // the round's own reads met blocks not here
    CHECK(lazy.failed > failed_before);          // and fetches failed during it
    CHECK(lazy.file.evictions() > 0);
    w.sync(other.store);
    CHECK(lazy.retry([&] { return all_rows(lazy.db); }) == all_rows(other.db));
    CHECK(lazy.retry([&] { return lazy.db.query_text("PRAGMA integrity_check"); }) == "ok");
}

TEST_CASE("a clock an hour ahead is refused in words; fixed, the waiting changes are re-stamped, sent in order, and win as they did here") {
    World w;
    Phone ahead(w, 3600000, 1), other(w, 0, 2);
    std::string id = ahead.store.create(kAccounts, {{"name", "Acme"}});
    ahead.store.update(kAccounts, id, {{"city", "Lyon"}});
    ahead.store.update(kAccounts, id, {{"city", "Nice"}});   // the later of the two must stay the winner
    SyncState st;
    std::string error;
    bool retry = false;
    w.sync(ahead.store, &st, &error, &retry);
    CHECK(st == SyncState::Failed);
    CHECK(error.find("clock is 1 h 0 min ahead") != std::string::npos);
    CHECK(retry);
    CHECK(sync_status(ahead.store).pending == 3);
    CHECK(w.storage->stats().messages == 0);
    // The user sets the clock right.
    ahead.now = w.server_now + 1000;
    w.sync(ahead.store, &st, &error);
    REQUIRE_MESSAGE(st == SyncState::Done, error);
    CHECK(sync_status(ahead.store).pending == 0);
    auto h = ahead.store.history(id);
    REQUIRE(h.size() == 3);
    for (const ChangeEntry& e : h) CHECK(hlc_millis(e.hlc) <= w.server_now + 5 * 60000);
    CHECK(h[1].hlc < h[2].hlc);
    w.sync(other.store, &st, &error);
    REQUIRE(st == SyncState::Done);
    CHECK(other.store.must_get(kAccounts, id).text("city") == "Nice");
    CHECK(all_rows(other.db) == all_rows(ahead.db));
}

TEST_CASE("an app older than the server is told to reload, and keeps its changes") {
    World w;
    Phone p(w, 0, 1);
    p.store.create(kAccounts, {{"name", "Acme"}});
    w.tamper = [](HttpRequest& r) {
        for (auto& [k, v] : r.headers)
            if (k == "X-Crm-Schema") v = "4";
    };
    SyncState st;
    std::string error;
    bool retry = true;
    w.sync(p.store, &st, &error, &retry);
    CHECK(st == SyncState::Failed);
    CHECK(error.find("reload") != std::string::npos);
    CHECK_FALSE(retry);
    CHECK(sync_status(p.store).pending == 1);
    w.tamper = nullptr;   // the new version
    w.sync(p.store, &st, &error);
    CHECK(st == SyncState::Done);
    CHECK(sync_status(p.store).pending == 0);
}

TEST_CASE("a read-only token receives the workspace and sends nothing; its own changes wait") {
    World w;
    Phone writer(w, 0, 1), reader(w, 0, 2, new_token_for(*w.storage, w.ws.id, true));
    writer.store.create(kAccounts, {{"name", "Acme"}});
    SyncState st;
    w.sync(writer.store, &st);
    REQUIRE(st == SyncState::Done);
    reader.store.create(kAccounts, {{"name", "Local only"}});
    w.sync(reader.store, &st);
    CHECK(st == SyncState::Done);
    CHECK(reader.store.count(kAccounts) == 2);
    CHECK(sync_status(reader.store).pending == 1);
    CHECK(w.storage->stats().messages == 1);
}

TEST_CASE("a replace import on a synced device deletes what the file lacks as tombstones, and the other device follows") {
    World w;
    Phone a(w, 0, 1), b(w, 0, 2);
    std::string keep = a.store.create(kAccounts, {{"name", "Kept"}});
    std::string drop = a.store.create(kAccounts, {{"name", "Dropped"}});
    SyncState st;
    w.sync(a.store, &st);
    w.sync(b.store, &st);
    REQUIRE(b.store.count(kAccounts) == 2);
    // A file with only the first account, imported on B as "replace".
    Database fdb(":memory:");
    Store fs(fdb);
    fs.put(kAccounts, a.store.must_get(kAccounts, keep));
    std::ostringstream file;
    export_json(fs, file);
    std::istringstream in(file.str());
    b.now += 1000;
    ImportSummary s = import_json(b.store, in, "replace.json", ImportMode::Replace);
    CHECK(s.removed == 1);
    w.sync(b.store, &st);
    w.sync(a.store, &st);
    CHECK(a.store.count(kAccounts) == 1);
    CHECK(a.store.get(kAccounts, drop, true)->deleted);
    CHECK(all_rows(a.db) == all_rows(b.db));
}

}  // TEST_SUITE
