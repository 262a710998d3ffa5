// api.cpp - see api.h.
#include "server/api.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>

#include "base/hlc.h"
#include "base/util.h"
#include "records/custom_fields.h"
#include "server/snapshots.h"
#include "server/tokens.h"
#include "storage/schema.h"
#include "sync/message.h"

namespace crm::server {

namespace {

using nlohmann::json;

json accepts() {
    return {{"protocol", {kSyncProtocol}}, {"schema", {{"min", kMinSyncSchema}, {"max", latest_schema_version()}}}};
}

std::string header(const Request& r, const char* name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? "" : it->second;
}

std::string duration_words(int64_t ms) {
    int64_t min = (ms + 59999) / 60000;
    if (min < 60) return std::to_string(min) + " min";
    if (min < 48 * 60) return std::to_string(min / 60) + " h " + std::to_string(min % 60) + " min";
    return std::to_string(min / (24 * 60)) + " days";
}

bool is_device_id(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_')) return false;
    return true;
}

}  // namespace

Response error_response(int status, const std::string& code, const std::string& message) {
    Response r;
    r.status = status;
    // The message may quote the request's bytes: invalid UTF-8 is replaced, not a failure.
    r.body = json{{"error", message}, {"code", code}}.dump(-1, ' ', false, json::error_handler_t::replace);
    return r;
}

Request make_request(const std::string& method, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers, std::string body) {
    Request r;
    r.method = method;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    std::string qs = q == std::string::npos ? "" : target.substr(q + 1);
    size_t p = 0;
    while (p < qs.size()) {
        size_t amp = qs.find('&', p);
        std::string part = qs.substr(p, amp == std::string::npos ? std::string::npos : amp - p);
        size_t eq = part.find('=');
        r.query[part.substr(0, eq)] = eq == std::string::npos ? "" : part.substr(eq + 1);
        if (amp == std::string::npos) break;
        p = amp + 1;
    }
    for (const auto& [k, v] : headers) {
        std::string key = k;
        for (char& c : key) c = (char)std::tolower((unsigned char)c);
        r.headers[key] = v;
    }
    r.body = std::move(body);
    return r;
}

Api::Api(Storage& storage, ApiOptions options, Snapshots* snapshots) : storage_(storage), options_(std::move(options)), snapshots_(snapshots) {}

int64_t Api::now() { return options_.clock ? options_.clock() : wall_clock_ms(); }

Response Api::handle(const Request& r) {
    counters_.requests++;
    Response out;
    if (r.method == "OPTIONS") {
        out.status = 204;
        out.content_type.clear();
    } else {
        try {
            out = route(r);
        } catch (const SyncError& e) {
            out = error_response(400, "bad_request", e.what());
        } catch (const StorageError& e) {
            out = error_response(503, "storage", std::string("the server's storage failed: ") + e.what());
        } catch (const std::exception& e) {
            out = error_response(500, "internal", std::string("the server failed: ") + e.what());
        }
    }
    if (out.status >= 400) counters_.errors++;
    // CORS: a browser page from an allowed origin may call, and read these headers.
    std::string origin = header(r, "origin");
    if (!origin.empty()) {
        bool allowed = false;
        for (const std::string& o : options_.allow_origins) allowed |= o == "*" || o == origin;
        if (allowed) {
            out.headers.push_back({"Access-Control-Allow-Origin", origin});
            out.headers.push_back({"Vary", "Origin"});
            out.headers.push_back({"Access-Control-Expose-Headers", "X-Crm-Cursor, X-Crm-Clock, Retry-After"});
            if (r.method == "OPTIONS") {
                out.headers.push_back({"Access-Control-Allow-Methods", "GET, POST, OPTIONS"});
                out.headers.push_back({"Access-Control-Allow-Headers",
                                       "Authorization, Content-Type, X-Crm-Protocol, X-Crm-Schema, X-Crm-Device, X-Crm-Workspace"});
                out.headers.push_back({"Access-Control-Max-Age", "600"});
            }
        }
    }
    out.headers.push_back({"Cache-Control", "no-store"});
    return out;
}

Response Api::route(const Request& r) {
    Response out;
    if (r.method == "GET" && r.path == "/v1/health") {
        out.body = json{{"ok", true}, {"storage", storage_.kind()}, {"accepts", accepts()}}.dump();
        return out;
    }
    if (r.method == "GET" && r.path == "/metrics") {
        StorageStats s = storage_.stats();
        std::string m;
        auto line = [&](const char* name, const char* help, int64_t v) {
            m += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + (std::string(name).ends_with("_total") ? " counter\n" : " gauge\n") +
                 name + " " + std::to_string(v) + "\n";
        };
        line("crm_requests_total", "HTTP requests handled by this process", counters_.requests);
        line("crm_errors_total", "requests answered with an error status", counters_.errors);
        line("crm_rate_limited_total", "requests refused by the rate limit", counters_.rate_limited);
        line("crm_changes_stored_total", "messages stored by this process", counters_.stored);
        line("crm_changes_pulled_total", "messages sent to devices by this process", counters_.pulled);
        line("crm_snapshots_total", "snapshots sent by this process", counters_.snapshots);
        line("crm_workspaces", "workspaces in the storage", s.workspaces);
        line("crm_changes", "messages in the storage", s.messages);
        out.content_type = "text/plain; version=0.0.4";
        out.body = m;
        return out;
    }
    if (!r.path.starts_with("/v1/")) return error_response(404, "not_found", "no such endpoint: " + r.method + " " + r.path);
    // A rep's calendar feed: the secret in the address is the credential (calendar apps send no token).
    if (r.method == "GET" && r.path.starts_with("/v1/calendar/") && r.path.ends_with(".ics")) {
        std::string rest = r.path.substr(13, r.path.size() - 13 - 4);
        size_t slash = rest.find('/');
        std::string ws = slash == std::string::npos ? "" : rest.substr(0, slash), secret = slash == std::string::npos ? "" : rest.substr(slash + 1);
        Response none = error_response(404, "not_found", "no such calendar (the link may have been revoked)");
        if (!snapshots_ || ws.empty() || secret.empty() || ws.size() > 100 || !storage_.workspace(ws) || storage_.workspace(ws)->id != ws) return none;
        std::string body;
        if (!snapshots_->calendar(ws, secret, body)) return none;
        out.content_type = "text/calendar; charset=utf-8";
        out.body = std::move(body);
        return out;
    }
    static const char* known[] = {"/v1/info", "/v1/push", "/v1/pull", "/v1/numbers", "/v1/snapshot"};
    bool is_known = false;
    for (const char* k : known) is_known |= r.path == k;
    if (!is_known) return error_response(404, "not_found", "no such endpoint: " + r.method + " " + r.path);

    // Versions first: an old app is told to reload, whatever else is wrong.
    std::string proto = header(r, "x-crm-protocol"), schema = header(r, "x-crm-schema");
    if (proto != std::to_string(kSyncProtocol)) {
        Response e = error_response(400, "protocol", "this server speaks sync protocol " + std::to_string(kSyncProtocol) + ", not '" + proto + "' (X-Crm-Protocol)");
        json b = json::parse(e.body);
        b["accepts"] = accepts();
        e.body = b.dump();
        return e;
    }
    int sv = schema.empty() || schema.size() > 6 || schema.find_first_not_of("0123456789") != std::string::npos ? -1 : std::atoi(schema.c_str());
    if (sv < kMinSyncSchema || sv > latest_schema_version()) {
        bool old = sv >= 0 && sv < kMinSyncSchema;
        Response e = old ? error_response(426, "client_too_old", "this app is older than the server accepts (schema " + schema + ", at least " +
                                                                    std::to_string(kMinSyncSchema) + "): reload it for the new version; your changes are kept and sync after")
                         : error_response(400, "server_too_old", "this server knows schema versions " + std::to_string(kMinSyncSchema) + " to " +
                                                                     std::to_string(latest_schema_version()) + ", not '" + schema +
                                                                     "' (X-Crm-Schema): the server needs an update; your changes are kept");
        json b = json::parse(e.body);
        b["accepts"] = accepts();
        e.body = b.dump();
        return e;
    }

    // The token: one workspace, read-only or not.
    std::string auth = header(r, "authorization");
    if (!auth.starts_with("Bearer ") || auth.size() < 8)
        return error_response(401, "unauthorized", "a workspace token is required (Authorization: Bearer <token>)");
    std::optional<TokenInfo> tok = storage_.token_by_hash(sha256_hex(auth.substr(7)));
    if (!tok || tok->revoked) return error_response(401, "unauthorized", "this token is not valid (unknown or revoked): ask for a new one");
    std::string want = header(r, "x-crm-workspace");
    if (!want.empty() && want != tok->workspace) return error_response(403, "forbidden", "this token is not for that workspace");
    bool writes = r.path == "/v1/push" || r.path == "/v1/numbers";
    if (writes && tok->read_only) return error_response(403, "read_only", "this token may only read the workspace");
    if ((writes && r.method != "POST") || (!writes && r.method != "GET"))
        return error_response(405, "method", r.path + " takes " + (writes ? "POST" : "GET"));

    // The rate limit: a bucket per token, refilled continuously.
    if (options_.rate_per_minute > 0) {
        std::lock_guard g(rate_lock_);
        double cap = std::max(1.0, (double)options_.rate_per_minute / 6);   // a burst of ten seconds' worth
        int64_t t = now();
        auto& [left, at] = buckets_.try_emplace(tok->id, cap, t).first->second;
        left = std::min(cap, left + (double)(t - at) * options_.rate_per_minute / 60000.0);
        at = t;
        if (left < 1) {
            counters_.rate_limited++;
            Response e = error_response(429, "rate_limited", "too many requests from this token: wait a moment");
            int secs = (int)std::ceil((1 - left) * 60.0 / options_.rate_per_minute);
            e.headers.push_back({"Retry-After", std::to_string(std::max(1, secs))});
            return e;
        }
        left -= 1;
    }
    if (r.body.size() > options_.max_body)
        return error_response(413, "too_large", "the request body is over " + std::to_string(options_.max_body >> 20) + " MiB: send fewer messages per push");
    std::string device = header(r, "x-crm-device");
    if (!is_device_id(device)) return error_response(400, "bad_request", "X-Crm-Device must be this device's id");

    int64_t t = now();
    std::string server_time = format_datetime(t);
    if (r.path == "/v1/info") {
        std::optional<WorkspaceInfo> w = storage_.workspace(tok->workspace);
        out.body = json{{"workspace", {{"id", w->id}, {"name", w->name}}}, {"last_seq", w->last_seq}, {"read_only", tok->read_only},
                        {"server_time", server_time}, {"accepts", accepts()}}
                       .dump();
        return out;
    }
    if (r.path == "/v1/push") {
        json body;
        try {
            body = json::parse(r.body);
        } catch (const json::exception& e) {   // a syntax error, or a number too large to hold (out_of_range)
            std::string msg = e.what();
            size_t p = msg.find("parse error");
            if (p == std::string::npos) p = msg.find("number overflow");
            return error_response(400, "bad_json", "the body is not valid JSON: " + (p == std::string::npos ? msg : msg.substr(p)));
        }
        if (!body.is_object() || !body.contains("messages")) return error_response(400, "bad_request", "the body must be {\"messages\": [...]}");
        for (auto it = body.begin(); it != body.end(); ++it)
            if (it.key() != "messages") return error_response(400, "bad_request", it.key() + ": is not part of a push");
        std::vector<Message> msgs = messages_from_json(body["messages"]);
        std::vector<StoredMessage> rows;
        rows.reserve(msgs.size());
        std::unique_lock spec(custom_fields_lock());   // the checks read the specs a replica may be loading (custom_fields.h)
        for (size_t i = 0; i < msgs.size(); i++) {
            const Message& m = msgs[i];
            std::string path = "messages[" + std::to_string(i) + "]";
            Knowledge k = check_message(m, path);
            if (k == Knowledge::UnknownEntity) return error_response(400, "unknown", path + ".entity: '" + m.entity + "' is not an entity this server knows");
            if (k == Knowledge::UnknownField) return error_response(400, "unknown", path + ".field: a field of " + m.entity + " this server does not know");
            // A custom field (cf_...) is relayed: its definition is a record the devices sync, not the server's business.
            int64_t ahead = hlc_millis(m.hlc) - t;
            if (ahead > options_.max_drift_ms) {
                Response e = error_response(400, "clock_ahead",
                                            "this device's clock is " + duration_words(ahead) + " ahead of the server's (a change is dated " +
                                                format_datetime(hlc_millis(m.hlc)) + ", the server's time is " + server_time +
                                                "): set the device's date and time right; the changes stay on the device and sync once it is");
                json b = json::parse(e.body);
                b["server_time"] = server_time;
                e.body = b.dump();
                return e;
            }
            rows.push_back({0, format_hlc(m.hlc, m.device), m.device, m.id, m.field, message_to_json(m).dump()});
        }
        spec.unlock();
        PushResult res = storage_.push(tok->workspace, rows);
        counters_.stored += res.stored;
        if (res.stored > 0 && snapshots_) snapshots_->changed(tok->workspace);
        out.body = json{{"stored", res.stored}, {"duplicates", res.duplicates}, {"cursor", res.last_seq}, {"server_time", server_time}}.dump();
        return out;
    }
    if (r.path == "/v1/pull") {
        auto num = [&](const char* key, int64_t fallback) -> int64_t {
            auto it = r.query.find(key);
            if (it == r.query.end()) return fallback;
            const std::string& v = it->second;
            if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
                throw SyncError(std::string(key) + ": must be a whole number, not '" + v.substr(0, 40) + "'");
            return std::atoll(v.c_str());
        };
        int64_t after = num("after", 0), limit = std::clamp<int64_t>(num("limit", 2000), 1, 5000);
        PullResult p = storage_.pull(tok->workspace, after, device, (int)limit);
        counters_.pulled += (int64_t)p.messages.size();
        std::string b = "{\"messages\":[";
        for (size_t i = 0; i < p.messages.size(); i++) {
            if (i) b += ',';
            b += p.messages[i].body;
        }
        b += "],\"cursor\":" + std::to_string(p.cursor) + ",\"more\":" + (p.more ? "true" : "false") + ",\"server_time\":\"" + server_time + "\"}";
        out.body = std::move(b);
        return out;
    }
    if (r.path == "/v1/numbers") {
        json body;
        try {
            body = json::parse(r.body);
        } catch (const json::exception&) {   // syntax, or a number too large (out_of_range)
            return error_response(400, "bad_json", "the body is not valid JSON");
        }
        if (!body.is_object() || !body.contains("kind") || !body["kind"].is_string() || !body.value("count", json()).is_number_integer())
            return error_response(400, "bad_request", "the body must be {\"kind\": \"cases\" or \"orders\", \"count\": N, \"at_least\": N}");
        std::string kind = body["kind"];
        int64_t count = body["count"], at_least = body.value("at_least", json(1)).is_number_integer() ? body.value("at_least", int64_t(1)) : -1;
        if (kind != "cases" && kind != "orders") return error_response(400, "bad_request", "kind: numbers are leased for cases and orders only");
        if (count < 1 || count > 10000) return error_response(400, "bad_request", "count: between 1 and 10000");
        if (at_least < 1 || at_least > 1000000000) return error_response(400, "bad_request", "at_least: a number from 1");
        int64_t first = storage_.lease_numbers(tok->workspace, kind, count, at_least);
        out.body = json{{"kind", kind}, {"first", first}, {"last", first + count - 1}, {"server_time", server_time}}.dump();
        return out;
    }
    // /v1/snapshot
    if (!snapshots_) return error_response(404, "not_found", "this server makes no snapshots");
    int64_t cursor = 0, clock = 0;
    out.file = snapshots_->file_for(tok->workspace, cursor, clock);
    out.content_type = "application/vnd.sqlite3";
    out.headers.push_back({"X-Crm-Cursor", std::to_string(cursor)});
    out.headers.push_back({"X-Crm-Clock", std::to_string(clock)});
    counters_.snapshots++;
    return out;
}

}  // namespace crm::server
