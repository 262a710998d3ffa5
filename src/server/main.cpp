// main.cpp - crm-server: the sync server's command line and its HTTP side
// (cpp-httplib from Debian). See SERVER.md in site/ for running it behind a
// TLS proxy.
//
//   crm-server --data DIR [--port N] [--bind ADDR] [options]     serve (SQLite under DIR)
//   crm-server --postgres URL [--cache DIR] [--port N] [options] serve (PostgreSQL)
//   crm-server (--data DIR | --postgres URL) workspace create NAME | workspace list
//   crm-server (--data DIR | --postgres URL) token create WORKSPACE [--read-only] [--label TEXT]
//                                                  [--server URL] [--app URL]
//   crm-server (--data DIR | --postgres URL) token list WORKSPACE | token revoke ID
//
// Options: --allow-origin ORIGIN (repeatable; CORS for the static site's
// origin), --max-body BYTES (8 MiB), --rate-limit N (requests per minute per
// token, 1200; 0 for none), --max-drift-seconds S (300), --threads N (32),
// --verbose (a line per request). --port 0 picks a free port; the address
// is printed either way.
#include <httplib.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "base/util.h"
#include "records/custom_fields.h"
#include "server/api.h"
#include "server/snapshots.h"
#include "server/storage.h"
#include "server/tokens.h"
#include "sync/session.h"

using namespace crm;
using namespace crm::server;

namespace {

[[noreturn]] void usage(const std::string& why) {
    if (!why.empty()) fprintf(stderr, "crm-server: %s\n", why.c_str());
    fprintf(stderr,
            "usage: crm-server --data DIR [--port N] [--bind ADDR] [--allow-origin ORIGIN]... [--max-body BYTES]\n"
            "                  [--rate-limit PER_MINUTE] [--max-drift-seconds S] [--threads N] [--verbose]\n"
            "       crm-server --postgres URL [--cache DIR] [same options]\n"
            "       crm-server (--data DIR | --postgres URL) workspace create NAME | workspace list\n"
            "       crm-server (--data DIR | --postgres URL) token create WORKSPACE [--read-only] [--label TEXT] [--server URL] [--app URL]\n"
            "       crm-server (--data DIR | --postgres URL) token list WORKSPACE | token revoke ID\n");
    exit(2);
}

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::vector<std::string>> options;
    bool has(const std::string& k) const { return options.count(k) > 0; }
    std::string get(const std::string& k, const std::string& fallback = "") const {
        auto it = options.find(k);
        return it == options.end() || it->second.empty() ? fallback : it->second.back();
    }
};

Args parse(int argc, char** argv) {
    static const char* flags[] = {"--read-only", "--verbose"};
    Args a;
    for (int i = 1; i < argc; i++) {
        std::string s = argv[i];
        if (s.starts_with("--")) {
            bool flag = false;
            for (const char* f : flags) flag |= s == f;
            if (flag) {
                a.options[s].push_back("1");
            } else {
                if (i + 1 >= argc) usage(s + " needs a value");
                a.options[s].push_back(argv[++i]);
            }
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

int64_t number(const Args& a, const std::string& k, int64_t fallback) {
    std::string v = a.get(k);
    if (v.empty()) return fallback;
    if (v.find_first_not_of("0123456789") != std::string::npos) usage(k + " takes a whole number, not '" + v + "'");
    return std::atoll(v.c_str());
}

int admin(Storage& st, const Args& a) {
    const auto& p = a.positional;
    if (p[0] == "workspace" && p.size() == 3 && p[1] == "create") {
        WorkspaceInfo w = st.create_workspace(p[2]);
        printf("workspace %s created: id %s\n", w.name.c_str(), w.id.c_str());
        return 0;
    }
    if (p[0] == "workspace" && p.size() == 2 && p[1] == "list") {
        for (const WorkspaceInfo& w : st.workspaces()) printf("%s  %-24s created %s, %lld changes\n", w.id.c_str(), w.name.c_str(), w.created_at.c_str(), (long long)w.last_seq);
        return 0;
    }
    if (p[0] == "token" && p.size() == 3 && p[1] == "create") {
        auto w = st.workspace(p[2]);
        if (!w) {
            fprintf(stderr, "crm-server: no workspace '%s'\n", p[2].c_str());
            return 1;
        }
        std::string token = new_token(), hash = sha256_hex(token);
        TokenInfo t{token_id(hash), w->id, a.get("--label"), format_datetime(wall_clock_ms()), a.has("--read-only"), false};
        st.add_token(t, hash);
        printf("token: %s\n", token.c_str());
        printf("id: %s (to revoke it: crm-server ... token revoke %s)\n", t.id.c_str(), t.id.c_str());
        printf("workspace: %s (%s)%s\n", w->name.c_str(), w->id.c_str(), t.read_only ? ", read-only" : "");
        std::string server = a.get("--server");
        if (!server.empty()) {
            SyncConfig c{server, token, w->id};
            printf("invite: %s\n", make_invite(a.get("--app", "http://127.0.0.1:8080/"), c).c_str());
        }
        printf("The token is shown once: the server keeps only its hash.\n");
        return 0;
    }
    if (p[0] == "token" && p.size() == 3 && p[1] == "list") {
        auto w = st.workspace(p[2]);
        if (!w) {
            fprintf(stderr, "crm-server: no workspace '%s'\n", p[2].c_str());
            return 1;
        }
        for (const TokenInfo& t : st.tokens(w->id))
            printf("%s  %s%s%s  %s\n", t.id.c_str(), t.created_at.c_str(), t.read_only ? "  read-only" : "", t.revoked ? "  REVOKED" : "", t.label.c_str());
        return 0;
    }
    if (p[0] == "token" && p.size() == 3 && p[1] == "revoke") {
        if (!st.revoke_token(p[2])) {
            fprintf(stderr, "crm-server: no live token with id '%s'\n", p[2].c_str());
            return 1;
        }
        printf("token %s revoked\n", p[2].c_str());
        return 0;
    }
    usage("unknown command: " + p[0]);
}

}  // namespace

int main(int argc, char** argv) {
    Args a = parse(argc, argv);
    custom_fields_scoped(true);   // one replica per workspace: none sees another's custom fields
    static const char* known[] = {"--data", "--postgres", "--cache", "--port", "--bind", "--allow-origin", "--max-body", "--rate-limit",
                                  "--max-drift-seconds", "--threads", "--verbose", "--read-only", "--label", "--server", "--app"};
    for (auto& [k, v] : a.options) {
        bool ok = false;
        for (const char* n : known) ok |= k == n;
        if (!ok) usage("unknown option " + k);
    }
    if (a.has("--data") == a.has("--postgres")) usage("give either --data DIR or --postgres URL");
    std::unique_ptr<Storage> storage;
    try {
        storage = a.has("--data") ? open_sqlite_storage(a.get("--data")) : open_postgres_storage(a.get("--postgres"));
    } catch (const std::exception& e) {
        fprintf(stderr, "crm-server: %s\n", e.what());
        return 1;
    }
    if (!a.positional.empty()) {
        try {
            return admin(*storage, a);
        } catch (const std::exception& e) {
            fprintf(stderr, "crm-server: %s\n", e.what());
            return 1;
        }
    }

    ApiOptions o;
    o.max_body = (size_t)number(a, "--max-body", 8 << 20);
    o.rate_per_minute = (int)number(a, "--rate-limit", 1200);
    o.max_drift_ms = number(a, "--max-drift-seconds", 300) * 1000;
    o.allow_origins = a.options["--allow-origin"];
    std::string cache = a.has("--data") ? a.get("--data") + "/replicas"
                                        : a.get("--cache", (std::filesystem::temp_directory_path() / ("crm-server-cache-" + std::to_string(getpid()))).string());
    Snapshots snapshots(*storage, cache);
    Api api(*storage, o, &snapshots);
    bool verbose = a.has("--verbose");

    httplib::Server srv;
    // Headers and body go out as two writes; with Nagle's algorithm the body
    // waits for the client's delayed ACK, 40 ms per answer on Linux.
    srv.set_tcp_nodelay(true);
    int threads = (int)number(a, "--threads", 32);
    srv.new_task_queue = [threads] { return new httplib::ThreadPool((size_t)threads); };
    // The body limit answers before the body is read; the API checks again for its own callers.
    srv.set_payload_max_length(o.max_body + 1);
    srv.set_error_handler([&](const httplib::Request& req, httplib::Response& res) {
        if (res.status == 413) {
            Response e = error_response(413, "too_large", "the request body is over " + std::to_string(o.max_body >> 20) + " MiB: send fewer messages per push");
            res.set_content(e.body, "application/json");
        }
    });
    auto handler = [&](const httplib::Request& req, httplib::Response& res) {
        int64_t t0 = wall_clock_ms();
        std::vector<std::pair<std::string, std::string>> headers(req.headers.begin(), req.headers.end());
        Request r = make_request(req.method, req.target, headers, req.body);
        Response out = api.handle(r);
        res.status = out.status;
        for (auto& [k, v] : out.headers) res.set_header(k, v);
        if (!out.file.empty()) {
            auto f = std::shared_ptr<FILE>(std::fopen(out.file.c_str(), "rb"), [](FILE* p) { if (p) std::fclose(p); });
            size_t size = f ? (size_t)std::filesystem::file_size(out.file) : 0;
            res.set_content_provider(size, out.content_type, [f](size_t offset, size_t length, httplib::DataSink& sink) {
                std::vector<char> buf(std::min<size_t>(length, 1 << 20));
                std::fseek(f.get(), (long)offset, SEEK_SET);
                size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
                return n > 0 && sink.write(buf.data(), n);
            });
        } else if (!out.content_type.empty()) {
            res.set_content(out.body, out.content_type);
        }
        if (verbose || out.status >= 500)
            fprintf(stderr, "%s %s %s -> %d (%lld ms)\n", format_datetime(t0).c_str(), req.method.c_str(), req.path.c_str(), out.status,
                    (long long)(wall_clock_ms() - t0));
    };
    srv.Get(".*", handler);
    srv.Post(".*", handler);
    srv.Options(".*", handler);

    std::string bind = a.get("--bind", "127.0.0.1");
    int port = (int)number(a, "--port", 8787);
    if (port == 0) port = srv.bind_to_any_port(bind);
    else if (!srv.bind_to_port(bind, port)) port = -1;
    if (port <= 0) {
        fprintf(stderr, "crm-server: cannot listen on %s:%s\n", bind.c_str(), a.get("--port", "8787").c_str());
        return 1;
    }
    printf("crm-server: listening on http://%s:%d (storage: %s)\n", bind.c_str(), port, storage->kind());
    fflush(stdout);

    // SIGINT / SIGTERM stop the server cleanly: requests in flight finish.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread stopper([&] {
        int sig = 0;
        sigwait(&set, &sig);
        srv.stop();
    });
    stopper.detach();
    srv.listen_after_bind();
    return 0;
}
