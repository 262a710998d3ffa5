// fuzz_json.cpp - libFuzzer target: any bytes as a JSON export to merge or
// replace with. The import must either succeed or throw ImportError, never
// crash, and a failed import must leave the database byte for byte as it was.
#include <cstdint>
#include <cstdlib>
#include <sstream>

#include "exchange/transfer.h"

using namespace crm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Database db(":memory:");
    static Store store(db);
    static std::string existing = store.create(kAccounts, {{"name", "Existing"}});   // something a replace would remove
    static const std::string baseline = db.serialize();   // every input is rolled back to this
    std::istringstream in(std::string((const char*)data, size));
    Transaction outer(db);   // undone after each input
    try {
        import_json(store, in, "fuzz.json", size % 2 ? ImportMode::Merge : ImportMode::Replace);
    } catch (const ImportError&) {
        if (db.serialize() != baseline) abort();
    }
    return 0;
}
