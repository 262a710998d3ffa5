// http.cpp - sync's HTTP in the browser: fetch (web/shell.js's crmHttp),
// answered a frame or more later through crm_http_done. A snapshot is
// streamed into the page's file system with its progress reported.
#include <emscripten.h>
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/platform.h"
#include "platform/web/web.h"

using namespace crm;

EM_JS(void, js_http, (int id, const char* method, const char* url, const char* headers, const char* body, const char* save_to), {
    Module.crmHttp(id, UTF8ToString(method), UTF8ToString(url), UTF8ToString(headers), UTF8ToString(body), UTF8ToString(save_to));
});

void platform::http_request(int id, const HttpRequest& r) {
    nlohmann::json h = nlohmann::json::object();
    for (auto& [k, v] : r.headers) h[k] = v;
    js_http(id, r.method.c_str(), r.url.c_str(), h.dump().c_str(), r.body.c_str(), r.save_to.c_str());
}

extern "C" {

EMSCRIPTEN_KEEPALIVE void crm_http_done(int id, int status, const char* body, const char* headers, const char* error) {
    HttpResponse r;
    r.status = status;
    r.body = body ? body : "";
    r.error = error ? error : "";
    nlohmann::json h = nlohmann::json::parse(headers ? headers : "{}", nullptr, false);
    if (h.is_object())
        for (auto it = h.begin(); it != h.end(); ++it)
            if (it.value().is_string()) r.headers[it.key()] = it.value();
    app::http_done(id, r);
    web::wake();
}

EMSCRIPTEN_KEEPALIVE void crm_http_progress(int id, double received, double total) {
    app::http_progress(id, received, total);
    web::wake();
}

// The browser says the network is back ("online"): sync now rather than at the next retry.
EMSCRIPTEN_KEEPALIVE void crm_online() {
    app::network_online();
    web::wake();
}

// The page was opened with an invite link (…#join=…).
EMSCRIPTEN_KEEPALIVE void crm_invite(const char* link) {
    app::invite_arrived(link);
    web::wake();
}

}
