// fuzz_json.cpp - libFuzzer target: any bytes as a JSON export to merge. The
// import must either succeed or throw ImportError, never crash, and a failed
// import must leave the database as it was.
#include <cstdint>
#include <cstdlib>
#include <sstream>

#include "transfer.h"

using namespace crm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Database* db = nullptr;
    static Store* store = nullptr;
    if (!db) {
        db = new Database(":memory:");
        store = new Store(*db);
        store->create(kAccounts, {{"name", "Existing"}});
    }
    std::istringstream in(std::string((const char*)data, size));
    Transaction outer(*db);   // undone after each input
    int64_t before = db->query_int("SELECT count(*) FROM change_log");
    try {
        import_json(*store, in, "fuzz.json", size % 2 ? ImportMode::Merge : ImportMode::Replace);
    } catch (const ImportError&) {
        if (db->query_int("SELECT count(*) FROM change_log") != before) abort();
    }
    return 0;
}
