// roundtrip_check.cpp - the JSON export of a large database, imported into an
// empty one, gives back every row and every field. Run by ctest natively
// (test "roundtrip.large": 20,000 contacts, the benchmark size of 100,000
// with FULL=1 through CRM_ROUNDTRIP_CONTACTS); exit status 1 on any loss.
//   roundtrip_check [--contacts N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "demo/demo.h"
#include "exchange/transfer.h"

using namespace crm;

namespace {

// FNV-1a over every row of every entity table, in id order, per table.
uint64_t rows_digest(Database& db, int64_t& rows) {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](const std::string& s) {
        for (unsigned char c : s) { h ^= c; h *= 1099511628211ull; }
        h ^= 0xFF; h *= 1099511628211ull;
    };
    rows = 0;
    for (const EntitySpec* e : all_entities()) {
        Statement st = db.prepare("SELECT " + column_list(*e) + " FROM " + e->table + " ORDER BY id");
        while (st.step()) {
            rows++;
            for (int i = 0; i < st.column_count(); i++) mix(value_to_text(st.column_value(i)));
        }
    }
    return h;
}

double secs_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    const char* env = getenv("CRM_ROUNDTRIP_CONTACTS");
    int64_t contacts = env && *env ? atoll(env) : 20000;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--contacts") && i + 1 < argc) contacts = atoll(argv[++i]);
    std::remove("roundtrip_a.sqlite");
    std::remove("roundtrip_b.sqlite");
    Database a("roundtrip_a.sqlite");
    Store sa(a);
    DemoOptions o;
    o.contacts = contacts;
    o.now_ms = 1793534400000;
    auto t0 = std::chrono::steady_clock::now();
    generate_demo(sa, o);
    // Some tombstones too.
    a.exec("UPDATE contacts SET deleted = 1 WHERE rowid % 97 = 0");
    printf("generated %lld contacts in %.1f s\n", (long long)contacts, secs_since(t0));
    t0 = std::chrono::steady_clock::now();
    {
        std::ofstream out("roundtrip.json", std::ios::binary);
        ExportOptions eo;
        eo.include_deleted = true;
        ExportSummary s = export_json(sa, out, eo);
        printf("exported %lld records in %.1f s\n", (long long)s.records, secs_since(t0));
    }
    Database b("roundtrip_b.sqlite");
    Store sb(b);
    t0 = std::chrono::steady_clock::now();
    {
        std::ifstream in("roundtrip.json", std::ios::binary);
        ImportSummary s = import_json(sb, in, "roundtrip.json", ImportMode::Replace);
        printf("imported %lld records in %.1f s\n", (long long)s.added, secs_since(t0));
    }
    int64_t ra = 0, rb = 0;
    uint64_t da = rows_digest(a, ra), db = rows_digest(b, rb);
    printf("rows: %lld and %lld; digests %016llx and %016llx\n", (long long)ra, (long long)rb, (unsigned long long)da, (unsigned long long)db);
    std::remove("roundtrip.json");
    std::remove("roundtrip_a.sqlite");
    std::remove("roundtrip_b.sqlite");
    if (ra != rb || da != db) {
        printf("LOST DATA in the round trip\n");
        return 1;
    }
    printf("lossless: every row and field of %lld records\n", (long long)ra);
    return 0;
}
