// web.h - shared by the browser glue files.
#pragma once

#include "storage/pagevfs.h"

namespace crm::web {

inline constexpr const char* kDbFile = "crm.sqlite";   // the page VFS file web/shell.js loads
PageStore& idb_store();
void wake();   // draw frames again (input, data, timers)

}  // namespace crm::web
