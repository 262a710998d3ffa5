// server_testing.h - fixtures for the sync server's suites: a temporary
// folder, workspaces and tokens, requests to the in-process API (and, from
// server_process.h, crm-server processes).
#pragma once

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/hlc.h"
#include "base/util.h"
#include "server/api.h"
#include "server/storage.h"
#include "server/tokens.h"
#include "storage/schema.h"
#include "sync/message.h"
#include "server_process.h"

namespace crm::testing {

// A folder that is removed at the end of the test.
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/crm-server-test-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

// A workspace and a token for it, made through the storage as `crm-server token create` does.
inline std::string new_token_for(server::Storage& st, const std::string& workspace, bool read_only = false) {
    std::string token = server::new_token(), hash = server::sha256_hex(token);
    st.add_token({server::token_id(hash), workspace, "test", format_datetime(wall_clock_ms()), read_only, false}, hash);
    return token;
}

// A request to the in-process API with the headers a current client sends.
inline server::Request api_request(const std::string& method, const std::string& path, const std::string& token, std::string body = "",
                                   const std::string& device = "dev-1") {
    std::vector<std::pair<std::string, std::string>> h = {{"X-Crm-Protocol", std::to_string(kSyncProtocol)},
                                                          {"X-Crm-Schema", std::to_string(latest_schema_version())}, {"X-Crm-Device", device}};
    if (!token.empty()) h.push_back({"Authorization", "Bearer " + token});
    return server::make_request(method, path, h, std::move(body));
}

// One valid field message as JSON, stamped `ms` from `device`.
inline nlohmann::json a_message(const std::string& device, int64_t ms, const std::string& id = "rec-1", int counter = 0) {
    return {{"hlc", format_hlc(hlc_from_millis(ms) | counter, device)},
            {"entity", "accounts"}, {"id", id}, {"field", "*"},
            {"value", {{"name", "Acme"}, {"created_at", format_datetime(ms)}, {"updated_at", format_datetime(ms)}, {"deleted", false}}}};
}

}  // namespace crm::testing
