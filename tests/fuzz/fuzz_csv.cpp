// fuzz_csv.cpp - libFuzzer target: any bytes as a contacts CSV. The import
// must either succeed or throw CsvError, never crash, and a failed import
// must leave the database empty (all-or-nothing).
#include <cstdint>
#include <cstdlib>
#include <sstream>

#include "csv.h"

using namespace crm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Database* db = nullptr;
    static Store* store = nullptr;
    if (!db) {
        db = new Database(":memory:");
        store = new Store(*db);
    }
    std::istringstream in(std::string((const char*)data, size));
    CsvImportOptions o;
    o.name = "fuzz.csv";
    o.duplicates = size % 3 == 0 ? DuplicatePolicy::Skip : size % 3 == 1 ? DuplicatePolicy::Update : DuplicatePolicy::Create;
    Transaction outer(*db);   // undone after each input, so inputs stay independent
    int64_t before = store->count(kContacts);
    try {
        import_csv(*store, in, o);
    } catch (const CsvError&) {
        if (store->count(kContacts) != before) abort();   // a failed import wrote something
    }
    return 0;
}
