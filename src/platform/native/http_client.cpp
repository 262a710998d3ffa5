// http_client.cpp - see http_client.h.
#include "platform/native/http_client.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <memory>

namespace crm {

HttpResponse http_send(const HttpRequest& r, int timeout_seconds) {
    HttpResponse out;
    // "http://host:port/prefix/v1/push" -> "http://host:port" and "/prefix/v1/push"
    size_t scheme = r.url.find("://");
    size_t slash = r.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    std::string origin = r.url.substr(0, slash), path = slash == std::string::npos ? "/" : r.url.substr(slash);
    // One kept-alive connection per server and thread: a round's requests
    // do not each pay for a new TCP connection.
    thread_local std::map<std::string, std::unique_ptr<httplib::Client>> clients;
    std::unique_ptr<httplib::Client>& slot = clients[origin];
    if (!slot) {
        slot = std::make_unique<httplib::Client>(origin);
        slot->set_keep_alive(true);
        slot->set_tcp_nodelay(true);   // a POST's headers and body are two writes: no 40 ms Nagle wait between them
        slot->set_connection_timeout(10);
        slot->set_write_timeout(60);
    }
    httplib::Client& cli = *slot;
    if (!cli.is_valid()) {
        out.error = "not a server address: " + origin;
        clients.erase(origin);
        return out;
    }
    cli.set_read_timeout(timeout_seconds);
    httplib::Headers h;
    for (auto& [k, v] : r.headers) h.emplace(k, v);
    httplib::Result res{nullptr, httplib::Error::Unknown};
    std::unique_ptr<FILE, int (*)(FILE*)> file(nullptr, fclose);
    if (!r.save_to.empty()) {
        file.reset(std::fopen(r.save_to.c_str(), "wb"));
        if (!file) {
            out.error = "cannot write '" + r.save_to + "'";
            return out;
        }
        res = cli.Get(path, h, [&](const char* data, size_t n) { return std::fwrite(data, 1, n, file.get()) == n; });
    } else if (r.method == "GET") {
        res = cli.Get(path, h);
    } else {
        auto ct = std::find_if(r.headers.begin(), r.headers.end(), [](auto& p) { return p.first == "Content-Type"; });
        res = cli.Post(path, h, r.body, ct == r.headers.end() ? "application/json" : ct->second.c_str());
    }
    if (!res) {
        out.error = httplib::to_string(res.error());
        return out;
    }
    out.status = res->status;
    if (r.save_to.empty()) {
        out.body = res->body;
    } else if (res->status != 200) {
        // An error's JSON went to the file: read it back.
        file.reset();
        if (FILE* f = std::fopen(r.save_to.c_str(), "rb")) {
            char buf[4096];
            size_t n;
            while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && out.body.size() < (1 << 20)) out.body.append(buf, n);
            std::fclose(f);
        }
    }
    for (auto& [k, v] : res->headers) {
        std::string key = k;
        for (char& c : key) c = (char)std::tolower((unsigned char)c);
        out.headers[key] = v;
    }
    return out;
}

SyncSession::Report sync_now(Store& store, const std::string& scratch, SyncState* state, std::string* error) {
    SyncSession s(store, scratch);
    while (const HttpRequest* r = s.next()) s.take(http_send(*r, r->save_to.empty() ? 120 : 3600));
    if (state) *state = s.state();
    if (error) *error = s.error();
    return s.report();
}

}  // namespace crm
