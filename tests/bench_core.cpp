// bench_core.cpp - core benchmarks, built natively and as wasm (run under
// node) from this one source. Prints one "bench <name> <value> <unit>" line
// per figure; scripts/bench.sh runs both builds and prints the wasm/native
// ratios. Figures, not pass/fail: a slow machine does not fail the build.
//
//   bench_core [--contacts N] [--db PATH] [--reuse] [--page-vfs]
//   bench_core --csv ROWS [--db PATH] [--page-vfs]
//
// --page-vfs runs on the page VFS the browser uses (the file in memory,
// in 4 KiB blocks, the journal in memory, SQLite's cache at the page's 8 MiB;
// commits acknowledged at once, as if IndexedDB took no time) instead of a
// file: the storage path of the app in the page, natively and in wasm alike,
// where the default measures the CLI's (under node, through its file system).
//
// --reuse measures a database PATH made by an earlier --reuse run (no
// generation, no insert test; made now when missing) and keeps it afterwards:
// for re-measuring search, paging and analytics.
//
// --csv runs only the CSV import of ROWS contacts, in its own process, so the
// peak memory it prints is the import's and not the demo generation's.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <fstream>
#ifndef __EMSCRIPTEN__
#include <sys/resource.h>
#endif

#include "analytics/reports.h"
#include "exchange/csv.h"
#include "storage/db.h"
#include "storage/pagevfs.h"
#include "demo/demo.h"
#include "records/listing.h"
#include "records/search.h"
#include "records/store.h"

using namespace crm;

namespace {

OpenOptions g_open;   // a file, or the page VFS (--page-vfs)

// Stands in for IndexedDB: every batch stored at once.
struct InstantStore : PageStore {
    PageFile* file = nullptr;
    void write(const PageBatch&) override { file->batch_done(true); }
};
InstantStore g_instant;

// Removes the database at `path`: the file, or the page file.
void discard(const std::string& path) {
    if (g_open.vfs) drop_page_file(path);
    else remove(path.c_str());
}

// A fresh database at `path`: the file removed, or the page file dropped.
void start_fresh(const std::string& path) {
    if (g_open.vfs) {
        drop_page_file(path);
        PageFile& f = page_file(path);
        g_instant.file = &f;
        f.attach(&g_instant);
    } else {
        remove(path.c_str());
    }
}

double now_s() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// The process's peak memory: resident set natively, the wasm heap in wasm.
double peak_memory_mib() {
#ifdef __EMSCRIPTEN__
    return (double)__builtin_wasm_memory_size(0) * 65536.0 / 1048576.0;
#else
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
#endif
}

void report(const char* name, double value, const char* unit) {
    printf("bench %-28s %12.3f %s\n", name, value, unit);
    fflush(stdout);
}

// CSV import of contacts, as another CRM exports them: throughput and peak memory.
int bench_csv_import(const std::string& path, int64_t rows) {
    std::string csv_path = path + ".csv", db_path = path + ".csv.sqlite";
    FILE* f = fopen(csv_path.c_str(), "wb");
    if (!f) { fprintf(stderr, "cannot write %s\n", csv_path.c_str()); return 1; }
    fputs("First Name,Last Name,E-mail Address,Company Name,Phone Number,City,Country\r\n", f);
    const char* last[] = {"Müller", "Smith", "Иванов", "山田", "García", "Dubois", "Kowalski", "O'Brien"};
    for (int64_t i = 0; i < rows; i++)
        fprintf(f, "P%lld,\"%s\",p%lld@example.com,Company %lld,+49 30 %07lld,Berlin,DE\r\n", (long long)i, last[i % 8],
                (long long)i, (long long)(i / 7), (long long)i);
    fclose(f);
    start_fresh(db_path);
    int64_t imported = 0;
    double secs = 0;
    {
        Database cdb(db_path, g_open);
        Store cs(cdb);
        std::ifstream in(csv_path, std::ios::binary);
        CsvImportOptions o;
        double t0 = now_s();
        CsvImportSummary r = import_csv(cs, in, o);
        secs = now_s() - t0;
        imported = r.created;
    }
    printf("bench csv_rows %lld\n", (long long)rows);
    std::string name = "csv_import_" + std::to_string(rows / 1000) + "k";
    report(name.c_str(), (double)imported / secs, "rows/s");
    report((name + "_peak_memory").c_str(), peak_memory_mib(), "MiB");
    remove(csv_path.c_str());
    discard(db_path);
    return imported == rows ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    int64_t contacts = 100000, csv_rows = 0;
    bool reuse = false;
    std::string path = "bench_core.sqlite";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--contacts") && i + 1 < argc) contacts = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--csv") && i + 1 < argc) csv_rows = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--db") && i + 1 < argc) path = argv[++i];
        else if (!strcmp(argv[i], "--reuse")) reuse = true;
        else if (!strcmp(argv[i], "--page-vfs")) {
            g_open.vfs = kPageVfsName;
            g_open.journal_mode = "MEMORY";
            g_open.cache_kib = 8000;
        } else {
            fprintf(stderr, "usage: bench_core [--contacts N] [--db PATH] [--reuse] [--page-vfs] | --csv ROWS [--db PATH] [--page-vfs]\n");
            return 2;
        }
    }
    if (g_open.vfs && reuse) {
        fprintf(stderr, "bench_core: --reuse needs a file, not --page-vfs\n");
        return 2;
    }
    if (csv_rows > 0) return bench_csv_import(path, csv_rows);
    bool keep = reuse;   // made now or by an earlier run, the file stays for the next
    FILE* existing = reuse ? fopen(path.c_str(), "rb") : nullptr;
    if (existing) fclose(existing);
    reuse = existing != nullptr;
    if (!reuse) start_fresh(path);
    if (g_open.vfs) printf("bench storage page-vfs\n");
    printf("bench contacts %lld\n", (long long)contacts);

    // 1. Demo data of the requested size, through the store (validation,
    //    change log, search index), one transaction, on a real file.
    if (!reuse) {
        Database db(path, g_open);
        Store store(db);
        DemoOptions o;
        o.contacts = contacts;
        o.seed = 1;
        o.now_ms = 1793534400000;  // 2026-11-01T12:00:00Z: the same data every run
        double t0 = now_s();
        DemoSummary s = generate_demo(store, o);
        double secs = now_s() - t0;
        report("demo_generate", secs, "s");
        report("demo_records", (double)s.total(), "records");
        report("demo_records_per_s", (double)s.total() / secs, "records/s");
        report("db_file_size", (double)db.file_size_bytes() / 1048576.0, "MiB");
    }

    // 2. Insert throughput: contacts created through the store in one transaction.
    if (!reuse) {
        start_fresh(path + ".ins");
        Database db(path + ".ins", g_open);
        Store store(db);
        int64_t n = std::min<int64_t>(contacts, 100000);
        std::vector<std::string> names = {"Müller", "Smith", "Иванов", "山田", "García", "Dubois", "Kowalski", "Andersson"};
        double t0 = now_s();
        {
            Transaction tx(db);
            for (int64_t i = 0; i < n; i++)
                store.create(kContacts, {{"first_name", "P" + std::to_string(i)}, {"last_name", names[(size_t)i % names.size()]},
                                         {"email", "p" + std::to_string(i) + "@example.com"}, {"country", "DE"}});
            tx.commit();
        }
        double secs = now_s() - t0;
        report("insert_contacts", (double)n / secs, "rows/s");
        discard(path + ".ins");
    }

    Database db(path, g_open);
    Store store(db);

    // 3. Prefix search: 100 queries of two to five letters over the contacts.
    {
        std::vector<std::string> queries;
        Statement st = db.prepare("SELECT last_name, first_name, email FROM contacts ORDER BY id LIMIT 100");
        int i = 0;
        while (st.step()) {
            std::string src = st.column_text(i % 3 == 2 ? 2 : i % 3);
            // A prefix of 2..5 bytes, cut at a UTF-8 character boundary.
            size_t len = std::min<size_t>(src.size(), (size_t)(2 + i % 4));
            while (len < src.size() && ((unsigned char)src[len] & 0xC0) == 0x80) len++;
            queries.push_back(src.substr(0, len));
            i++;
        }
        std::vector<double> ms;
        size_t hits = 0;
        for (const std::string& q : queries) {
            double t0 = now_s();
            hits += search(db, q, 20).size();
            ms.push_back((now_s() - t0) * 1000.0);
        }
        report("search_prefix_median", median(ms), "ms");
        report("search_prefix_max", *std::max_element(ms.begin(), ms.end()), "ms");
        printf("bench search_hits %zu\n", hits);
    }

    // 3b. Search as you type in the contact list: each keystroke's count and
    //     first rows (40, a window in view), for a broad and a narrow word.
    {
        std::vector<double> ms;
        std::string per;
        for (const char* word : {"schmidt", "anna", "m", "sc"}) {
            ListQuery q{&kContacts, "last_name"};
            for (size_t n = 1; n <= strlen(word); n++) {
                q.search = std::string(word, n);
                double t0 = now_s();
                int64_t count = list_count(db, q);
                Page p = list_page(db, q, std::nullopt, 40);
                ms.push_back((now_s() - t0) * 1000.0);
                if ((int64_t)p.rows.size() != std::min<int64_t>(count, 40)) { fprintf(stderr, "search page and count disagree\n"); return 1; }
                char buf[64];
                snprintf(buf, sizeof buf, " %s:%.1f", q.search.c_str(), ms.back());
                per += buf;
            }
        }
        printf("bench list_search_keystrokes%s\n", per.c_str());
        report("list_search_keystroke_median", median(ms), "ms");
        report("list_search_keystroke_max", *std::max_element(ms.begin(), ms.end()), "ms");
    }

    // 4. Keyset paging: a page of 50 rows at a deep position of the contact list.
    {
        ListQuery q{&kContacts, "last_name"};
        int64_t total = list_count(db, q);
        std::vector<double> jump_ms, next_ms;
        for (int r = 0; r < 21; r++) {
            int64_t offset = total / 2 + r * 997 % (total / 4 + 1);
            double t0 = now_s();
            auto key = key_before(db, q, offset);
            Page p = list_page(db, q, key, 50);
            jump_ms.push_back((now_s() - t0) * 1000.0);
            double t1 = now_s();
            Page p2 = list_page(db, q, p.next, 50);
            next_ms.push_back((now_s() - t1) * 1000.0);
            if (p.rows.size() != 50 || p2.rows.empty()) { fprintf(stderr, "paging returned too few rows\n"); return 1; }
        }
        report("page50_jump_to_middle", median(jump_ms), "ms");
        report("page50_next_by_key", median(next_ms), "ms");
    }
    // 5. Analytics: the working set loaded at once and in 8 ms slices (the
    //    worst slice is the page's worst frame), then each report's first
    //    computation and a filter change (tier Gold).
    {
        store.set_clock([] { return int64_t(1793534400000); });
        double t0 = now_s();
        auto facts = load_facts(store);
        report("analytics_load", (now_s() - t0) * 1000.0, "ms");
        FactsLoader sliced(store);
        double worst = 0;
        int slices = 0;
        for (bool done = false; !done; slices++) {
            double s0 = now_s();
            done = sliced.step(8);
            worst = std::max(worst, (now_s() - s0) * 1000.0);
        }
        report("analytics_load_worst_slice", worst, "ms");
        report("analytics_load_slices", slices, "slices");
        ReportArgs a;
        a.period = make_period("", "", facts->today);
        double slowest = 0, slowest_filtered = 0;
        for (const ReportInfo& r : all_reports()) {
            double r0 = now_s();
            Table t = r.run(*facts, a);
            double ms = (now_s() - r0) * 1000.0;
            ReportArgs f = a;
            f.filter.tier = "Gold";
            double f0 = now_s();
            Table tf = r.run(*facts, f);
            double fms = (now_s() - f0) * 1000.0;
            printf("bench report_%s %.2f ms (tier Gold %.2f ms, %zu rows)\n", r.name, ms, fms, t.rows.size());
            slowest = std::max(slowest, ms);
            slowest_filtered = std::max(slowest_filtered, fms);
        }
        report("analytics_slowest_report", slowest, "ms");
        report("analytics_slowest_filter_change", slowest_filtered, "ms");
    }
    if (!keep && !g_open.vfs) remove(path.c_str());   // a page file ends with the process
    return 0;
}
