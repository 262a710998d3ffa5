// fuzz_csv.cpp - libFuzzer target: any bytes as a contacts CSV. The import
// must either succeed or throw CsvError, never crash, and a failed import
// must leave the database byte for byte as it was (all-or-nothing).
#include <cstdint>
#include <cstdlib>
#include <sstream>

#include "exchange/csv.h"

using namespace crm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Database db(":memory:");
    static Store store(db);
    static const std::string baseline = db.serialize();   // every input is rolled back to this
    std::istringstream in(std::string((const char*)data, size));
    CsvImportOptions o;
    o.name = "fuzz.csv";
    o.duplicates = size % 3 == 0 ? DuplicatePolicy::Skip : size % 3 == 1 ? DuplicatePolicy::Update : DuplicatePolicy::Create;
    Transaction outer(db);   // undone after each input, so inputs stay independent
    try {
        import_csv(store, in, o);
    } catch (const CsvError&) {
        if (db.serialize() != baseline) abort();   // a failed import wrote something
    }
    return 0;
}
