// fuzz_sync.cpp - libFuzzer target for sync's two doors:
//   - the server's request parsing: any bytes as the body of a push, or as
//     the query of a pull, to the API over SQLite storage. Refused (status
//     not 200) means nothing was stored;
//   - a device's merge of pulled messages: any bytes as a pull's answer,
//     parsed and applied. It must apply or throw SyncError, never crash, and
//     a refused batch leaves the database byte for byte as it was; an
//     applied one leaves it healthy (integrity, foreign keys, search index).
// The first byte picks the door.
#include <cstdint>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "records/views.h"
#include "server/api.h"
#include "server/tokens.h"
#include "storage/schema.h"
#include "sync/merge.h"

using namespace crm;

namespace {

struct ServerSide {
    std::string dir = std::filesystem::temp_directory_path() / ("crm-fuzz-sync-" + std::to_string(getpid()));
    std::unique_ptr<server::Storage> storage = server::open_sqlite_storage(dir);
    server::Api api{*storage, options()};
    static server::ApiOptions options() {
        server::ApiOptions o;
        o.rate_per_minute = 0;   // the fuzzer is one very busy device
        return o;
    }
    std::string token = server::new_token();
    ServerSide() {
        server::WorkspaceInfo ws = storage->create_workspace("fuzz");
        std::string h = server::sha256_hex(token);
        storage->add_token({server::token_id(h), ws.id, "", "2026-01-01T00:00:00.000Z", false, false}, h);
    }
    ~ServerSide() { std::filesystem::remove_all(dir); }
    server::Request request(const std::string& method, const std::string& path) {
        server::Request r;
        r.method = method;
        r.path = path;
        r.headers = {{"authorization", "Bearer " + token}, {"x-crm-protocol", std::to_string(kSyncProtocol)},
                     {"x-crm-schema", std::to_string(latest_schema_version())}, {"x-crm-device", "fuzzer"}};
        return r;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    std::string text((const char*)data + 1, size - 1);
    static ServerSide s;
    if (data[0] % 3 == 0) {
        int64_t before = s.storage->stats().messages;
        server::Request r = s.request("POST", "/v1/push");
        r.body = text;
        server::Response out = s.api.handle(r);
        if (out.status != 200 && s.storage->stats().messages != before) abort();
        if (out.status == 500) abort();   // a bad request is the client's fault, never an internal error
        return 0;
    }
    if (data[0] % 3 == 1) {
        server::Request r = s.request("GET", "/v1/pull");
        r.query["after"] = text.substr(0, text.find('&'));
        if (text.find('&') != std::string::npos) r.query["limit"] = text.substr(text.find('&') + 1);
        server::Response out = s.api.handle(r);
        if (out.status != 200 && out.status != 400) abort();
        return 0;
    }
    static Database db(":memory:");
    static Store store(db);
    static std::string existing = store.create(kAccounts, {{"name", "Existing"}});
    static const std::string baseline = db.serialize();
    Transaction outer(db);   // undone after each input
    try {
        nlohmann::json j = nlohmann::json::parse(text);
        if (!j.is_object() || !j.contains("messages")) return 0;
        apply_messages(store, messages_from_json(j["messages"]));
        if (!health_check(db).empty()) abort();
    } catch (const nlohmann::json::exception&) {
        if (db.serialize() != baseline) abort();
    } catch (const SyncError&) {
        if (db.serialize() != baseline) abort();
    }
    return 0;
}
