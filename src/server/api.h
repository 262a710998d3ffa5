// api.h - the sync server's HTTP API, as a function from request to
// response: no sockets here, so tests and the fuzzer call it directly and
// main.cpp puts it behind cpp-httplib.
//
//   GET  /v1/health               no token: {"ok": true, ...versions}
//   GET  /metrics                 no token: plain-text counters
//   GET  /v1/info                 the token's workspace, its newest sequence number, the server's time
//   POST /v1/push                 {"messages": [...]} -> {"stored", "duplicates", "cursor", ...}
//   GET  /v1/pull?after=N&limit=M -> {"messages": [...], "cursor", "more", ...}
//   POST /v1/numbers              {"kind": "cases", "count": 100, "at_least": 42} -> {"first", "last"}
//   GET  /v1/snapshot             the workspace as a SQLite database file, for a new device
//
// Every /v1 call but health sends Authorization: Bearer <token> (one token,
// one workspace), X-Crm-Protocol and X-Crm-Schema (the versions it speaks),
// and X-Crm-Device (its device id). Errors are JSON: {"error": "what is
// wrong, in words", "code": "..."}; a refused request changes nothing.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "server/storage.h"

namespace crm::server {

class Snapshots;

struct Request {
    std::string method, path;                      // path without the query
    std::map<std::string, std::string> query;
    std::map<std::string, std::string> headers;    // names in lower case
    std::string body;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::string file;                              // a file to send as the body instead (a snapshot)
    std::vector<std::pair<std::string, std::string>> headers;
};

struct ApiOptions {
    size_t max_body = 8u << 20;                    // bytes; a client splits bigger pushes
    int64_t max_drift_ms = 5 * 60 * 1000;          // a change dated further ahead of the server is refused
    int rate_per_minute = 1200;                    // requests per token (0: no limit)
    std::vector<std::string> allow_origins;        // CORS: origins allowed to call (may hold "*")
    std::function<int64_t()> clock;                // the server's time (ms); the wall clock if unset
};

class Api {
public:
    Api(Storage& storage, ApiOptions options, Snapshots* snapshots = nullptr);
    Response handle(const Request& request);

    // Counters for /metrics.
    struct Counters {
        std::atomic<int64_t> requests{0}, errors{0}, stored{0}, pulled{0}, snapshots{0}, rate_limited{0};
    };
    const Counters& counters() const { return counters_; }

private:
    Response route(const Request& r);
    int64_t now();

    Storage& storage_;
    ApiOptions options_;
    Snapshots* snapshots_;
    Counters counters_;
    std::mutex rate_lock_;
    std::map<std::string, std::pair<double, int64_t>> buckets_;   // token id -> (tokens left, last refill ms)
};

// A JSON error response.
Response error_response(int status, const std::string& code, const std::string& message);

// A request from its parts as HTTP carries them: the target's query string
// ("/v1/pull?after=5&limit=10") is split off, header names lower-cased.
Request make_request(const std::string& method, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers, std::string body);

}  // namespace crm::server
