// test_api.cpp - the sync server's API, called in process over its SQLite
// storage: push and pull, idempotency, every kind of bad request refused
// with a JSON error that changes nothing, tokens (missing, wrong, revoked,
// read-only, another workspace's), the rate limit, CORS, number leases and
// the metrics.
#include "server_testing.h"

using namespace crm;
using namespace crm::server;
using namespace crm::testing;
using nlohmann::json;

namespace {

struct ApiFixture {
    TempDir dir;
    std::unique_ptr<Storage> storage = open_sqlite_storage(dir.path);
    int64_t now = *parse_datetime("2026-11-30T08:00:00Z");
    ApiOptions options() {
        ApiOptions o;
        o.clock = [this] { return now; };
        o.allow_origins = {"https://crm.example.org"};
        return o;
    }
    Api api{*storage, options()};
    WorkspaceInfo ws = storage->create_workspace("Team");
    std::string token = new_token_for(*storage, ws.id);

    Response call(const std::string& method, const std::string& path, std::string body = "", const std::string& device = "dev-1") {
        return api.handle(api_request(method, path, token, std::move(body), device));
    }
    Response push(const std::vector<json>& messages, const std::string& device = "dev-1") {
        return call("POST", "/v1/push", json{{"messages", json(messages)}}.dump(), device);
    }
    json pull(int64_t after, const std::string& device = "dev-2") {
        Response r = call("GET", "/v1/pull?after=" + std::to_string(after), "", device);
        REQUIRE(r.status == 200);
        return json::parse(r.body);
    }
    int64_t stored() { return storage->stats().messages; }
};

std::string error_of(const Response& r) {
    json j = json::parse(r.body, nullptr, false);
    return j.is_object() ? j.value("error", "") : "";
}

}  // namespace

TEST_SUITE("api") {

TEST_CASE("push then pull: the other device gets the messages in order, the sender not its own; a push twice stores once") {
    ApiFixture f;
    std::vector<json> batch = {a_message("dev-1", f.now - 5000, "r1"), a_message("dev-1", f.now - 4000, "r2")};
    Response r = f.push(batch);
    REQUIRE(r.status == 200);
    json j = json::parse(r.body);
    CHECK(j["stored"] == 2);
    CHECK(j["cursor"] == 2);
    Response again = f.push(batch);
    CHECK(json::parse(again.body)["stored"] == 0);
    CHECK(json::parse(again.body)["duplicates"] == 2);
    CHECK(f.stored() == 2);
    json p = f.pull(0);
    REQUIRE(p["messages"].size() == 2);
    CHECK(p["messages"][0]["id"] == "r1");
    CHECK(p["cursor"] == 2);
    CHECK(p["more"] == false);
    CHECK(f.pull(0, "dev-1")["messages"].empty());   // its own are not sent back
    CHECK(f.pull(0, "dev-1")["cursor"] == 2);        // but the cursor moves past them
    CHECK(f.pull(2)["messages"].empty());
}

TEST_CASE("a custom field's value is relayed though the server holds no definitions; an object as its value is refused") {
    ApiFixture f;
    json m = a_message("dev-1", f.now - 1000, "r1");
    m["entity"] = "contacts";
    m["field"] = "cfn_seats";
    m["value"] = 12.5;
    m["at"] = format_datetime(f.now - 1000);
    Response r = f.push({m});
    CHECK(r.status == 200);
    json p = f.pull(0);
    REQUIRE(p["messages"].size() == 1);
    CHECK(p["messages"][0]["field"] == "cfn_seats");
    CHECK(p["messages"][0]["value"] == 12.5);
    json bad = m;
    bad["hlc"] = a_message("dev-1", f.now - 900, "r1")["hlc"];
    bad["value"] = json{{"x", 1}};
    Response rb = f.push({bad});
    CHECK(rb.status == 400);
    CHECK(error_of(rb).find("messages[0].value: must be text, a number, true/false or null") != std::string::npos);
}

TEST_CASE("pull pages: limit and more") {
    ApiFixture f;
    std::vector<json> batch;
    for (int i = 0; i < 7; i++) batch.push_back(a_message("dev-1", f.now - 10000 + i, "r" + std::to_string(i)));
    REQUIRE(f.push(batch).status == 200);
    Response r = f.call("GET", "/v1/pull?after=0&limit=3", "", "dev-2");
    json j = json::parse(r.body);
    CHECK(j["messages"].size() == 3);
    CHECK(j["more"] == true);
    CHECK(j["cursor"] == 3);
    CHECK(f.call("GET", "/v1/pull?after=x", "", "dev-2").status == 400);
}

TEST_CASE("bad requests get a JSON error saying what and where, and change nothing") {
    ApiFixture f;
    REQUIRE(f.push({a_message("dev-1", f.now - 1000, "keep")}).status == 200);
    int64_t before = f.stored();
    json good = a_message("dev-1", f.now - 500, "r9");
    auto with = [&](const char* key, json v) {
        json m = good;
        m[key] = v;
        return json::array({a_message("dev-1", f.now - 400, "ok-before"), m});
    };
    json unknown_field = good;
    unknown_field["field"] = "favourite_colour";
    unknown_field["value"] = "blue";
    unknown_field["at"] = format_datetime(f.now);
    json derived = good;
    derived["entity"] = "orders";
    derived["field"] = "total";
    derived["value"] = 5;
    derived["at"] = format_datetime(f.now);
    struct Case {
        const char* what;
        std::string body;
        int status;
        const char* says;
    } cases[] = {
        {"malformed JSON", "{\"messages\": [", 400, "not valid JSON"},
        {"a number too large to hold (the fuzzer's find)", "55000e500055005005050", 400, "not valid JSON: number overflow"},
        {"a number too large inside a push", "{\"messages\": [1e99999]}", 400, "not valid JSON"},
        {"not an object", "[1,2]", 400, "{\"messages\""},
        {"an extra key", json{{"messages", json::array()}, {"x", 1}}.dump(), 400, "x: is not part of a push"},
        {"wrong type of value", json{{"messages", with("value", {{"name", 5}, {"created_at", "2026-01-01T00:00:00Z"}, {"updated_at", "2026-01-01T00:00:00Z"}})}}.dump(), 400, "messages[1].value.name: must be text"},
        {"a stamp that is not one", json{{"messages", with("hlc", "yesterday")}}.dump(), 400, "messages[1].hlc"},
        {"unknown entity", json{{"messages", with("entity", "spaceships")}}.dump(), 400, "'spaceships' is not an entity this server knows"},
        {"unknown field", json{{"messages", json::array({unknown_field})}}.dump(), 400, "messages[0].field"},
        {"a derived field", json{{"messages", json::array({derived})}}.dump(), 400, "computed on every device"},
        {"a missing key", json{{"messages", with("id", nullptr)}}.dump(), 400, "messages[1].id: must be text"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.what);
        Response r = f.call("POST", "/v1/push", c.body);
        CHECK(r.status == c.status);
        CHECK(r.content_type == "application/json");
        CHECK(error_of(r).find(c.says) != std::string::npos);
        CHECK(f.stored() == before);   // the good message before the bad one was not stored either
    }
}

TEST_CASE("a change dated too far ahead of the server's clock is refused, saying by how much") {
    ApiFixture f;
    Response r = f.push({a_message("dev-1", f.now + 2 * 3600000 + 3 * 60000, "r1")});
    CHECK(r.status == 400);
    json j = json::parse(r.body);
    CHECK(j["code"] == "clock_ahead");
    CHECK(j["error"].get<std::string>().find("2 h 3 min ahead") != std::string::npos);
    CHECK(j["server_time"] == "2026-11-30T08:00:00.000Z");
    CHECK(f.stored() == 0);
    CHECK(f.push({a_message("dev-1", f.now + 4 * 60000, "r1")}).status == 200);   // within five minutes
}

TEST_CASE("protocol and schema versions: an old app is told to reload, with the versions the server accepts") {
    ApiFixture f;
    Request r = api_request("GET", "/v1/info", f.token);
    r.headers["x-crm-schema"] = "4";
    Response old = f.api.handle(r);
    CHECK(old.status == 426);
    json j = json::parse(old.body);
    CHECK(j["error"].get<std::string>().find("reload") != std::string::npos);
    CHECK(j["accepts"]["schema"]["min"] == kMinSyncSchema);
    CHECK(j["accepts"]["protocol"][0] == kSyncProtocol);
    r.headers["x-crm-schema"] = std::to_string(latest_schema_version() + 1);
    CHECK(json::parse(f.api.handle(r).body)["code"] == "server_too_old");
    r.headers["x-crm-schema"] = std::to_string(latest_schema_version());
    r.headers["x-crm-protocol"] = "2";
    Response p = f.api.handle(r);
    CHECK(p.status == 400);
    CHECK(json::parse(p.body)["accepts"]["protocol"][0] == 1);
}

TEST_CASE("tokens: missing, wrong, revoked, read-only, and another workspace's learn nothing of it") {
    ApiFixture f;
    WorkspaceInfo other = f.storage->create_workspace("Other team");
    std::string other_token = new_token_for(*f.storage, other.id);
    Response first = f.push({a_message("dev-1", f.now - 1000, "secret-record")});
    REQUIRE_MESSAGE(first.status == 200, first.body);

    CHECK(f.api.handle(api_request("GET", "/v1/pull", "")).status == 401);
    CHECK(f.api.handle(api_request("GET", "/v1/pull", "crm_not-a-token")).status == 401);
    // Another workspace's token sees only its own (empty) workspace.
    Response o = f.api.handle(api_request("GET", "/v1/pull?after=0", other_token, "", "dev-9"));
    REQUIRE(o.status == 200);
    CHECK(json::parse(o.body)["messages"].empty());
    CHECK(json::parse(o.body)["cursor"] == 0);
    Request cross = api_request("GET", "/v1/pull?after=0", other_token, "", "dev-9");
    cross.headers["x-crm-workspace"] = f.ws.id;
    Response c = f.api.handle(cross);
    CHECK(c.status == 403);
    CHECK(c.body.find("secret") == std::string::npos);
    CHECK(c.body.find("Team") == std::string::npos);
    // Read-only reads, does not write.
    std::string ro = new_token_for(*f.storage, f.ws.id, true);
    CHECK(f.api.handle(api_request("GET", "/v1/pull?after=0", ro, "", "dev-3")).status == 200);
    Response w = f.api.handle(api_request("POST", "/v1/push", ro, json{{"messages", json::array({a_message("dev-3", f.now, "x")})}}.dump(), "dev-3"));
    CHECK(w.status == 403);
    CHECK(error_of(w).find("only read") != std::string::npos);
    // Revoked.
    std::string id = f.storage->tokens(f.ws.id)[0].id;
    REQUIRE(f.storage->revoke_token(id));
    Response rv = f.call("GET", "/v1/pull?after=0");
    CHECK(rv.status == 401);
    CHECK(error_of(rv).find("revoked") != std::string::npos);
}

TEST_CASE("the rate limit answers 429 with Retry-After, then lets the token through again") {
    TempDir dir;
    auto storage = open_sqlite_storage(dir.path);
    int64_t now = 1000000;
    ApiOptions o;
    o.rate_per_minute = 60;   // a burst of 10, then one a second
    o.clock = [&] { return now; };
    Api api(*storage, o);
    WorkspaceInfo ws = storage->create_workspace("T");
    std::string token = new_token_for(*storage, ws.id);
    int ok = 0;
    Response last;
    for (int i = 0; i < 15; i++) {
        last = api.handle(api_request("GET", "/v1/info", token));
        ok += last.status == 200;
    }
    CHECK(ok == 10);
    CHECK(last.status == 429);
    bool retry_after = false;
    for (auto& [k, v] : last.headers) retry_after |= k == "Retry-After" && std::atoi(v.c_str()) >= 1;
    CHECK(retry_after);
    now += 2000;
    CHECK(api.handle(api_request("GET", "/v1/info", token)).status == 200);
    CHECK(api.counters().rate_limited == 5);
}

TEST_CASE("a body over the limit is refused before it is read") {
    TempDir dir;
    auto storage = open_sqlite_storage(dir.path);
    ApiOptions o;
    o.max_body = 1000;
    Api api(*storage, o);
    WorkspaceInfo ws = storage->create_workspace("T");
    std::string token = new_token_for(*storage, ws.id);
    Response r = api.handle(api_request("POST", "/v1/push", token, std::string(2000, ' ')));
    CHECK(r.status == 413);
    CHECK(error_of(r).find("send fewer messages per push") != std::string::npos);
}

TEST_CASE("CORS: the allowed origin gets its headers and a preflight answer; another origin gets none") {
    ApiFixture f;
    Request pre = api_request("OPTIONS", "/v1/push", "");
    pre.headers["origin"] = "https://crm.example.org";
    Response r = f.api.handle(pre);
    CHECK(r.status == 204);
    std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
    CHECK(h["Access-Control-Allow-Origin"] == "https://crm.example.org");
    CHECK(h["Access-Control-Allow-Headers"].find("Authorization") != std::string::npos);
    pre.headers["origin"] = "https://evil.example";
    Response bad = f.api.handle(pre);
    for (auto& [k, v] : bad.headers) CHECK(k != "Access-Control-Allow-Origin");
}

TEST_CASE("number leases: blocks never overlap and start after what a device has used") {
    ApiFixture f;
    auto lease = [&](int64_t count, int64_t at_least) {
        Response r = f.call("POST", "/v1/numbers", json{{"kind", "cases"}, {"count", count}, {"at_least", at_least}}.dump());
        REQUIRE(r.status == 200);
        json j = json::parse(r.body);
        return std::make_pair(j["first"].get<int64_t>(), j["last"].get<int64_t>());
    };
    auto a = lease(100, 1), b = lease(100, 1), c = lease(50, 1000), d = lease(10, 5);
    CHECK(a == std::make_pair<int64_t, int64_t>(1, 100));
    CHECK(b == std::make_pair<int64_t, int64_t>(101, 200));
    CHECK(c == std::make_pair<int64_t, int64_t>(1000, 1049));
    CHECK(d == std::make_pair<int64_t, int64_t>(1050, 1059));
    CHECK(f.call("POST", "/v1/numbers", json{{"kind", "invoices"}, {"count", 5}}.dump()).status == 400);
}

TEST_CASE("an erasure removes the record's earlier messages from the server and later ones are not stored") {
    ApiFixture f;
    json create = a_message("dev-1", f.now - 3000, "person");
    json edit = {{"hlc", format_hlc(hlc_from_millis(f.now - 2000), "dev-1")}, {"entity", "accounts"}, {"id", "person"}, {"field", "name"},
                 {"value", "Private Name"}, {"at", format_datetime(f.now - 2000)}};
    json erase = {{"hlc", format_hlc(hlc_from_millis(f.now - 1000), "dev-1")}, {"entity", "accounts"}, {"id", "person"}, {"field", "erased"}, {"value", nullptr}};
    json late = {{"hlc", format_hlc(hlc_from_millis(f.now - 500), "dev-2")}, {"entity", "accounts"}, {"id", "person"}, {"field", "city"},
                 {"value", "Porto"}, {"at", format_datetime(f.now - 500)}};
    REQUIRE(f.push({create, edit}).status == 200);
    REQUIRE(f.push({erase}).status == 200);
    REQUIRE(f.push({late}, "dev-2").status == 200);
    json p = f.pull(0, "dev-3");
    REQUIRE(p["messages"].size() == 1);
    CHECK(p["messages"][0]["field"] == "erased");
    CHECK(p.dump().find("Private Name") == std::string::npos);
}

TEST_CASE("health and metrics need no token; metrics count requests, errors and changes") {
    ApiFixture f;
    REQUIRE(f.push({a_message("dev-1", f.now - 1000, "r1")}).status == 200);
    f.call("GET", "/v1/nothing-here");
    Request h;
    h.method = "GET";
    h.path = "/v1/health";
    CHECK(json::parse(f.api.handle(h).body)["ok"] == true);
    h.path = "/metrics";
    Response m = f.api.handle(h);
    CHECK(m.content_type.starts_with("text/plain"));
    CHECK(m.body.find("crm_changes_stored_total 1\n") != std::string::npos);
    CHECK(m.body.find("crm_workspaces 1\n") != std::string::npos);
    CHECK(m.body.find("crm_changes 1\n") != std::string::npos);
    CHECK(m.body.find("crm_errors_total 1\n") != std::string::npos);
}

}  // TEST_SUITE
