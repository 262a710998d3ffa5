// server_testing.h - fixtures for the sync server's suites: a crm-server
// process started on a free loopback port (and killed), a temporary folder,
// workspaces and tokens, requests to the in-process API.
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

// A crm-server process on a free loopback port; killed (SIGKILL) or stopped at the end.
struct ServerProcess {
    pid_t pid = -1;
    std::string url;
    std::vector<std::string> args;

    explicit ServerProcess(std::vector<std::string> a) : args(std::move(a)) { start(); }
    ~ServerProcess() { stop(SIGTERM); }

    void start(int port = 0) {
        std::vector<std::string> full = {CRM_SERVER_BIN};
        full.insert(full.end(), args.begin(), args.end());
        full.push_back("--port");
        full.push_back(std::to_string(port));
        int out[2];
        REQUIRE(pipe(out) == 0);
        pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            dup2(out[1], 1);
            close(out[0]);
            close(out[1]);
            std::vector<char*> argv;
            for (std::string& s : full) argv.push_back(s.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(out[1]);
        // "crm-server: listening on http://127.0.0.1:PORT (storage: ...)"
        std::string line;
        char c;
        while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
        close(out[0]);
        size_t p = line.find("http://");
        REQUIRE_MESSAGE(p != std::string::npos, "crm-server did not start: " << line);
        url = line.substr(p, line.find(' ', p) - p);
    }
    int port() const { return std::atoi(url.substr(url.rfind(':') + 1).c_str()); }
    void stop(int sig) {
        if (pid <= 0) return;
        kill(pid, sig);
        int status = 0;
        waitpid(pid, &status, 0);
        pid = -1;
    }
    // kill -9, then start again on the same port and data.
    void crash_and_restart() {
        int p = port();
        stop(SIGKILL);
        for (int i = 0; i < 50; i++) {
            try {
                start(p);
                return;
            } catch (...) {
                usleep(100000);
            }
        }
    }
};

// A request to the in-process API with the headers a current client sends.
inline server::Request api_request(const std::string& method, const std::string& path, const std::string& token, std::string body = "",
                                   const std::string& device = "dev-1") {
    server::Request r;
    r.method = method;
    size_t q = path.find('?');
    r.path = path.substr(0, q);
    if (q != std::string::npos) {
        std::string qs = path.substr(q + 1);
        size_t p = 0;
        while (p < qs.size()) {
            size_t amp = qs.find('&', p), eq = qs.find('=', p);
            std::string part = qs.substr(p, amp == std::string::npos ? std::string::npos : amp - p);
            size_t e = part.find('=');
            r.query[part.substr(0, e)] = e == std::string::npos ? "" : part.substr(e + 1);
            (void)eq;
            if (amp == std::string::npos) break;
            p = amp + 1;
        }
    }
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    r.headers["x-crm-protocol"] = std::to_string(kSyncProtocol);
    r.headers["x-crm-schema"] = std::to_string(latest_schema_version());
    r.headers["x-crm-device"] = device;
    r.body = std::move(body);
    return r;
}

// One valid field message as JSON, stamped `ms` from `device`.
inline nlohmann::json a_message(const std::string& device, int64_t ms, const std::string& id = "rec-1", int counter = 0) {
    return {{"hlc", format_hlc(hlc_from_millis(ms) | counter, device)},
            {"entity", "accounts"}, {"id", id}, {"field", "*"},
            {"value", {{"name", "Acme"}, {"created_at", format_datetime(ms)}, {"updated_at", format_datetime(ms)}, {"deleted", false}}}};
}

}  // namespace crm::testing
