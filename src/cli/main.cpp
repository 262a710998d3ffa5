// main.cpp - the `crm` command-line tool (native build).
//
//   crm --db FILE demo [--contacts N] [--seed S]   fill an empty database with demo data
//   crm --db FILE stats                             counts per entity and the file size
//   crm --db FILE search TEXT                       full-text search
//   crm --db FILE check                             integrity and foreign-key check
//
// Errors go to stderr with exit status 1 (2 for usage); a failed command
// leaves the database as it was (every write is one transaction).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <string>
#include <vector>

#include "db.h"
#include "demo.h"
#include "entity.h"
#include "schema.h"
#include "search.h"
#include "store.h"
#include "views.h"

using namespace crm;

namespace {

const char* kUsage =
    "usage: crm --db FILE <command> [options]\n"
    "commands:\n"
    "  demo [--contacts N] [--seed S]   fill an empty database with demo data (default 1000 contacts, seed 1)\n"
    "  stats                            record counts per entity and the file size\n"
    "  search TEXT                      search contacts, accounts and leads\n"
    "  check                            SQLite integrity check and foreign-key check\n";

struct Usage : std::runtime_error {
    using std::runtime_error::runtime_error;
};

int64_t parse_count(const char* opt, const char* s) {
    char* end = nullptr;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 0) throw Usage(std::string(opt) + " needs a whole number, got '" + s + "'");
    return v;
}

// Parsed before the database is opened, so a usage error creates no file.
DemoOptions parse_demo_options(const std::vector<std::string>& args) {
    DemoOptions opt;
    for (size_t i = 0; i < args.size(); i++) {
        if (args[i] == "--contacts" && i + 1 < args.size()) opt.contacts = parse_count("--contacts", args[++i].c_str());
        else if (args[i] == "--seed" && i + 1 < args.size()) opt.seed = (uint64_t)parse_count("--seed", args[++i].c_str());
        else throw Usage("demo: unknown option '" + args[i] + "'");
    }
    if (opt.contacts < 1) throw Usage("demo: --contacts must be at least 1");
    return opt;
}

int cmd_demo(Store& store, DemoOptions opt) {
    if (store.count(kContacts) > 0 || store.count(kAccounts) > 0)
        throw std::runtime_error("demo: the database already holds data; demo data goes into an empty database");
    bool tty = isatty(fileno(stderr));
    opt.progress = [tty](double f, const char* phase) {
        if (tty) fprintf(stderr, "\r%-14s %5.1f%%", phase, f * 100.0);
        return true;
    };
    auto t0 = std::chrono::steady_clock::now();
    DemoSummary s = generate_demo(store, opt);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (tty) fprintf(stderr, "\r%-30s\r", "");
    printf("generated %lld records in %.1f s: %lld users, %lld accounts, %lld contacts, %lld leads, %lld opportunities, "
           "%lld campaigns, %lld products, %lld orders (%lld lines), %lld activities, %lld cases, %lld tasks, %lld tags\n",
           (long long)s.total(), secs, (long long)s.users, (long long)s.accounts, (long long)s.contacts, (long long)s.leads,
           (long long)s.opportunities, (long long)s.campaigns, (long long)s.products, (long long)s.orders,
           (long long)s.order_lines, (long long)s.activities, (long long)s.cases, (long long)s.tasks, (long long)s.tags);
    return 0;
}

int cmd_stats(Store& store) {
    Database& db = store.db();
    printf("%-20s %12s %12s\n", "entity", "records", "deleted");
    for (const EntitySpec* e : all_entities()) {
        int64_t live = store.count(*e);
        int64_t all = db.query_int(std::string("SELECT count(*) FROM ") + e->table);
        printf("%-20s %12lld %12lld\n", e->table, (long long)live, (long long)(all - live));
    }
    printf("%-20s %12lld\n", "change_log", (long long)db.query_int("SELECT count(*) FROM change_log"));
    printf("file size: %lld bytes (%lld pages of %lld), schema version %d\n", (long long)db.file_size_bytes(),
           (long long)db.query_int("PRAGMA page_count"), (long long)db.query_int("PRAGMA page_size"), db.user_version());
    return 0;
}

int cmd_search(Store& store, const std::vector<std::string>& args) {
    if (args.empty()) throw Usage("search: what to search for is missing");
    std::string text;
    for (const std::string& a : args) text += (text.empty() ? "" : " ") + a;
    auto hits = search(store.db(), text, 20);
    for (const SearchHit& h : hits)
        printf("%-9s %s  %s | %s | %s\n", h.entity.c_str(), h.id.c_str(), h.title.c_str(), h.subtitle.c_str(), h.detail.c_str());
    if (hits.empty()) fprintf(stderr, "no matches for '%s'\n", text.c_str());
    return 0;
}

int cmd_check(Store& store) {
    std::string problems = health_check(store.db());
    if (!problems.empty()) {
        fputs(problems.c_str(), stderr);
        fprintf(stderr, "check failed\n");
        return 1;
    }
    printf("ok: integrity, foreign keys and search index\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string db_path, command;
    std::vector<std::string> args;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--db" && i + 1 < argc && db_path.empty() && command.empty()) db_path = argv[++i];
        else if (a == "-h" || a == "--help") { fputs(kUsage, stdout); return 0; }
        else if (command.empty()) command = a;
        else args.push_back(a);
    }
    try {
        if (db_path.empty()) throw Usage("--db FILE is required");
        if (command.empty()) throw Usage("a command is required");
        if (command != "demo" && command != "stats" && command != "search" && command != "check")
            throw Usage("unknown command '" + command + "'");
        DemoOptions demo_opt;
        if (command == "demo") demo_opt = parse_demo_options(args);
        OpenOptions oo;
        oo.create = command == "demo";
        Database db(db_path, oo);
        Store store(db);
        if (command == "demo") return cmd_demo(store, demo_opt);
        if (command == "stats") return cmd_stats(store);
        if (command == "search") return cmd_search(store, args);
        return cmd_check(store);
    } catch (const Usage& e) {
        fprintf(stderr, "crm: %s\n%s", e.what(), kUsage);
        return 2;
    } catch (const std::exception& e) {
        fprintf(stderr, "crm: %s\n", e.what());
        return 1;
    }
}
