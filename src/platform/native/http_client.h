// http_client.h - the native side's HTTP: sends a sync session's requests
// with cpp-httplib (Debian's libcpp-httplib), for the crm CLI and the tests.
#pragma once

#include "sync/session.h"

namespace crm {

// Sends `r`; a connection that fails gives status 0 and the reason.
HttpResponse http_send(const HttpRequest& r, int timeout_seconds = 60);

// Runs a whole sync round against the server in `store`'s settings;
// `scratch` is where a snapshot may be downloaded.
SyncSession::Report sync_now(Store& store, const std::string& scratch, SyncState* state = nullptr, std::string* error = nullptr);

}  // namespace crm
