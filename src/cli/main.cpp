// main.cpp - the `crm` command-line tool (native build).
//
//   crm --db FILE demo [--contacts N] [--seed S]   fill an empty database with demo data
//   crm --db FILE stats                             counts per entity and the file size
//   crm --db FILE search TEXT                       full-text search
//   crm --db FILE check                             integrity and foreign-key check
//   crm --db FILE export --json FILE [--deleted]    all data as JSON (see transfer.h)
//   crm --db FILE import --json FILE [--replace]    merge (default) or replace from JSON
//   crm --db FILE export --csv ENTITY FILE          one entity as CSV
//   crm --db FILE import --csv FILE --entity E [--map "Col=field,..."] [--duplicates skip|update|create] [--preview [N]]
//   crm --db FILE import --vcard FILE [--duplicates skip|update|create] [--preview]
//   crm --db FILE export --vcard FILE [--version 3|4]
//   crm --db FILE export --ics FILE [--owner USER] [--weeks N] [--id ID]
//   crm --db FILE revert-import                     undo the last CSV import as a whole
//   crm --db FILE sync [--server URL --token T | --invite LINK] [--status]
//                                                   sync with a crm-server (see sync/session.h)
//   crm --db FILE report NAME [--from D] [--to D] [--csv] [filters]
//                                                   the table behind an Analytics page (crm report --help)
//   crm --db FILE duplicates [--entity contacts|accounts|leads] [--csv] [--min-score X]
//                                                   groups of records entered twice, with scores and reasons
//   crm --db FILE merge SURVIVOR_ID OTHER_ID... [--keep FIELD=ID ...]
//                                                   merge duplicates into the survivor, as the Data quality screen does
//   crm --db FILE undo-merge                        undo the last merge
//   crm --db FILE health [--entity contacts|accounts] [--months N] [--csv]
//                                                   data decay: stale, bounced, invalid, incomplete records; scores
//   crm --db FILE verify ID...                      mark contacts or accounts verified now
//   crm --db FILE fields [--entity E] [--csv]       the custom fields; add, rename, remove, restore them
//   crm --db FILE calendar-feed [--owner USER | --revoke SECRET]
//                                                   a rep's calendar link on the sync server; list, create, revoke
//   crm --db FILE journeys [run|activate ID|pause ID|runner [--here]]
//                                                   customer journeys: their steps and results; run what is due
//
// Errors go to stderr with exit status 1 (2 for usage); a failed command
// leaves the database as it was (every write is one transaction).
#include <algorithm>
#include <chrono>
#include <map>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <string>
#include <vector>

#include "analytics/reports.h"
#include "exchange/csv.h"
#include "platform/native/http_client.h"
#include "storage/db.h"
#include "demo/demo.h"
#include "records/custom_fields.h"
#include "records/entity.h"
#include "storage/schema.h"
#include "records/search.h"
#include "records/store.h"
#include "exchange/transfer.h"
#include "exchange/calendar.h"
#include "exchange/vcard.h"
#include "quality/data_health.h"
#include "quality/duplicates.h"
#include "quality/record_merge.h"
#include "records/views.h"
#include "workflows/journeys.h"

using namespace crm;

namespace {

const char* kUsage =
    "usage: crm --db FILE <command> [options]\n"
    "commands:\n"
    "  demo [--contacts N] [--seed S]   fill an empty database with demo data (default 1000 contacts, seed 1)\n"
    "  stats                            record counts per entity and the file size\n"
    "  search TEXT                      search contacts, accounts and leads\n"
    "  check                            SQLite integrity check and foreign-key check\n"
    "  export --json FILE [--deleted]   everything as JSON (with tombstones if --deleted)\n"
    "  import --json FILE [--replace]   merge a JSON export by id (newer wins), or replace all data with it\n"
    "  export --csv ENTITY FILE         contacts, accounts, leads, ... as CSV\n"
    "  import --csv FILE --entity E [--map \"Column=field,...\"] [--duplicates skip|update|create] [--preview [N]]\n"
    "                                   contacts, accounts or leads from CSV (one transaction); --preview checks\n"
    "                                   the first N rows (20): errors, duplicates, likely duplicates with a score\n"
    "  import --vcard FILE [--duplicates skip|update|create] [--preview]\n"
    "                                   contacts from vCard 2.1, 3.0 or 4.0 (an address book's export), with the\n"
    "                                   CSV import's checks; --preview lists each card's errors and duplicates\n"
    "  export --vcard FILE [--version 3|4]   every contact as vCard (4.0 unless --version 3)\n"
    "  export --ics FILE [--owner USER] [--weeks N] [--id ID]\n"
    "                                   open tasks and meetings of the next N weeks (4) as iCalendar, one rep's\n"
    "                                   (name or id) or everyone's; --id: one task or meeting\n"
    "  revert-import                    undo the last import of CSV or vCard: its records removed, its updates undone\n"
    "  sync [--server URL --token T | --invite LINK] [--status]\n"
    "                                   send this database's changes to a crm-server and receive the others'\n"
    "                                   (the server and token are remembered; --status only reports)\n"
    "  duplicates [--entity contacts|accounts|leads] [--csv] [--min-score 0.6]\n"
    "                                   groups of likely duplicates with each pair's score and reasons\n"
    "                                   (--csv: group,id,name,score,reasons, one row per record)\n"
    "  health [--entity contacts|accounts] [--months 12] [--csv]\n"
    "                                   data decay: the health score, records not verified within the months,\n"
    "                                   bounced or invalid e-mails, invalid phones, missing key fields\n"
    "                                   (--csv: id,name,score,verified,issues for every record with an issue)\n"
    "  verify ID...                     mark contacts or accounts verified now\n"
    "  fields [--entity E] [--csv]      the custom fields of accounts, contacts, leads, opportunities and cases\n"
    "  fields add --entity E --label L [--type text|number|money|date|choice|checkbox] [--choices \"A,B\"]\n"
    "         [--required] [--list] [--not-in-form]\n"
    "                                   add a field, its column named from the label: \"Renewal date\" -> cf_renewal_date\n"
    "                                   (cfn_, cfm_, cfb_ for a number, an amount, a checkbox)\n"
    "  fields rename E COLUMN LABEL     give a field a new label (its data stays)\n"
    "  fields remove E COLUMN           hide a field; its values stay in the file and in exports\n"
    "  fields restore E COLUMN          bring a removed field back\n"
    "  calendar-feed [--owner USER | --revoke SECRET]\n"
    "                                   a rep's calendar on the sync server, for calendar apps to subscribe to\n"
    "                                   (its open tasks and meetings of the next 8 weeks): lists the feeds with\n"
    "                                   their links, makes one (sync to publish it), or revokes one\n"
    "  journeys [--csv]                 each journey: status, trigger, enrolled, at each step, done, replies,\n"
    "                                   leads, won revenue\n"
    "  journeys run                     enroll what the triggers caught and take every step due now (on the\n"
    "                                   device that runs journeys; say which with `journeys runner --here`)\n"
    "  journeys activate ID | pause ID  start or pause a journey (steps and trigger checked first)\n"
    "  journeys runner [--here]         the device that runs journeys; --here makes it this one\n"
    "  merge SURVIVOR_ID OTHER_ID... [--keep FIELD=ID ...]\n"
    "                                   merge contacts, accounts or leads into the survivor: references and tags move\n"
    "                                   to it, the others become tombstones; each field keeps the newest non-empty\n"
    "                                   value unless --keep names the record whose value it keeps\n"
    "  undo-merge                       undo the last merge\n"
    "  report NAME [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv] [--owner NAME] [--team T] [--territory T]\n"
    "         [--tier T] [--industry I] [--country CC] [--channel C] [--by G] [--top N]\n"
    "         [--source S --rows D --cols D --measure count|sum|average] [--min-support S --min-confidence C]\n"
    "                                   the table behind an Analytics page; `crm report --help` lists them\n";

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

int cmd_health(Store& store, const std::vector<std::string>& args) {
    const EntitySpec* e = &kContacts;
    bool csv = false;
    HealthOptions o;
    for (size_t i = 0; i < args.size(); i++) {
        if (args[i] == "--csv") csv = true;
        else if (args[i] == "--entity" && i + 1 < args.size()) {
            e = find_entity(args[++i]);
            if (e != &kContacts && e != &kAccounts) throw Usage("health: --entity is contacts or accounts, not '" + args[i] + "'");
        } else if (args[i] == "--months" && i + 1 < args.size()) {
            char* end = nullptr;
            long m = strtol(args[++i].c_str(), &end, 10);
            if (*end || m < 1 || m > 240) throw Usage("health: --months is a whole number from 1 to 240");
            o.months = (int)m;
        } else {
            throw Usage("health: unknown option '" + args[i] + "'");
        }
    }
    HealthReport r = check_health(store, *e, o);
    auto issues = [&](uint32_t bits) {
        std::string out;
        for (int i = 0; i < H_Count; i++)
            if (bits & (1u << i)) out += (out.empty() ? "" : "; ") + std::string(health_issue_label(i));
        return out;
    };
    if (csv) {
        printf("id,name,score,verified,issues\n");
        for (const RecordHealth& h : r.flagged)
            printf("%s,%s,%d,%s,%s\n", h.id.c_str(), csv_cell(h.title).c_str(), h.score, h.verified.substr(0, 10).c_str(), csv_cell(issues(h.issues)).c_str());
    } else {
        printf("%s: %lld records, health score %.1f of 100 (%lld good, %lld fair, %lld poor)\n", e->table, (long long)r.records, r.score,
               (long long)r.good, (long long)r.fair, (long long)r.poor);
        for (int i = 0; i < H_Count; i++)
            if (r.counts[(size_t)i])
                printf("  %-16s %lld%s\n", health_issue_label(i), (long long)r.counts[(size_t)i],
                       i == H_Stale ? (" (in " + std::to_string(r.months) + " months)").c_str() : "");
        size_t shown = std::min<size_t>(r.flagged.size(), 20);
        if (shown) printf("worst %zu:\n", shown);
        for (size_t k = 0; k < shown; k++) {
            const RecordHealth& h = r.flagged[k];
            printf("  %3d  %s  %s  (verified %s: %s)\n", h.score, h.id.c_str(), h.title.c_str(), h.verified.substr(0, 10).c_str(), issues(h.issues).c_str());
        }
    }
    return 0;
}

int cmd_verify(Store& store, const std::vector<std::string>& args) {
    if (args.empty()) throw Usage("verify: the ids of the contacts or accounts are missing");
    std::vector<std::string> contacts, accounts;
    for (const std::string& id : args) {
        if (store.exists(kContacts, id)) contacts.push_back(id);
        else if (store.exists(kAccounts, id)) accounts.push_back(id);
        else throw std::runtime_error("verify: no contact or account has the id '" + id + "'");
    }
    Transaction tx(store.db());
    if (!contacts.empty()) mark_verified(store, kContacts, contacts);
    if (!accounts.empty()) mark_verified(store, kAccounts, accounts);
    tx.commit();
    printf("verified %zu contacts and %zu accounts\n", contacts.size(), accounts.size());
    return 0;
}

int cmd_fields(Store& store, const std::vector<std::string>& args) {
    auto entity_arg = [](const std::string& name) -> const EntitySpec& {
        for (const char* t : kCustomFieldEntities)
            if (name == t) return entity(t);
        throw Usage("fields: the record type is accounts, contacts, leads, opportunities or cases, not '" + name + "'");
    };
    std::string sub = args.empty() || args[0].starts_with("--") ? "" : args[0];
    if (sub == "add") {
        CustomFieldInput in;
        for (size_t i = 1; i < args.size(); i++) {
            const std::string& o = args[i];
            bool has_value = i + 1 < args.size();
            if (o == "--entity" && has_value) in.entity = entity_arg(args[++i]).table;
            else if (o == "--label" && has_value) in.label = args[++i];
            else if (o == "--type" && has_value) in.type = args[++i];
            else if (o == "--choices" && has_value) in.choices = args[++i];
            else if (o == "--required") in.required = true;
            else if (o == "--list") in.in_list = true;
            else if (o == "--not-in-form") in.in_form = false;
            else throw Usage("fields add: unknown option '" + o + "'");
        }
        if (in.entity.empty() || in.label.empty()) throw Usage("fields add: --entity and --label are required");
        add_custom_field(store, in);
        const FieldSpec* f = custom_fields_of(entity(in.entity)).back();
        printf("added %s.%s (%s)\n", in.entity.c_str(), f->name, f->label);
        return 0;
    }
    if (sub == "rename" || sub == "remove" || sub == "restore") {
        if (args.size() != (sub == "rename" ? 4u : 3u))
            throw Usage("fields " + sub + ": ENTITY COLUMN" + (sub == "rename" ? " LABEL" : "") + " expected");
        const EntitySpec& e = entity_arg(args[1]);
        std::string id = custom_field_id(store, e, args[2]);
        if (id.empty()) throw std::runtime_error("fields: " + std::string(e.table) + " has no custom field '" + args[2] + "'");
        if (sub == "rename") store.update(kCustomFields, id, {{"label", args[3]}});
        else if (sub == "remove") store.remove(kCustomFields, id);
        else store.restore(kCustomFields, id);
        printf("%s %s.%s\n", sub == "rename" ? "renamed" : sub == "remove" ? "removed" : "restored", e.table, args[2].c_str());
        return 0;
    }
    if (!sub.empty()) throw Usage("fields: unknown subcommand '" + sub + "'");
    const EntitySpec* only = nullptr;
    bool csv = false;
    for (size_t i = 0; i < args.size(); i++) {
        if (args[i] == "--csv") csv = true;
        else if (args[i] == "--entity" && i + 1 < args.size()) only = &entity_arg(args[++i]);
        else throw Usage("fields: unknown option '" + args[i] + "'");
    }
    if (csv) printf("entity,column,label,type,required,in_form,in_list,removed,filled\n");
    for (const char* t : kCustomFieldEntities) {
        const EntitySpec& e = entity(t);
        if (only && only != &e) continue;
        for (const FieldSpec* f : custom_fields_of(e)) {
            Statement st(store.db(), std::string("SELECT type FROM custom_fields WHERE entity = ? AND column_name = ? ORDER BY position, created_at, id LIMIT 1"));
            st.bind_all(std::string(t), std::string(f->name));
            std::string type = st.step() ? st.column_text(0) : "";
            bool text = f->type != FieldType::Number && !(f->type == FieldType::Money) && f->type != FieldType::Bool;
            int64_t filled = store.db().query_int(std::string("SELECT count(*) FROM ") + t + " WHERE deleted = 0 AND " + f->name +
                                                  (text ? " <> ''" : f->type == FieldType::Bool ? " <> 0" : " IS NOT NULL"));
            if (csv)
                printf("%s,%s,%s,%s,%d,%d,%d,%d,%lld\n", t, f->name, csv_cell(f->label).c_str(), type.c_str(), f->has(F_RequiredOnSave),
                       !f->has(F_NotInForm), f->has(F_ListColumn), f->has(F_Hidden), (long long)filled);
            else
                printf("%-14s %-28s %-28s %-9s%s%s%s  %lld filled\n", t, f->name, f->label, type.c_str(), f->has(F_RequiredOnSave) ? " required" : "",
                       f->has(F_ListColumn) ? " list" : "", f->has(F_Hidden) ? " removed" : "", (long long)filled);
        }
    }
    return 0;
}

int cmd_calendar_feed(Store& store, const std::vector<std::string>& args) {
    if (args.size() == 2 && args[0] == "--owner") {
        std::string owner;
        try {
            owner = find_user(store, args[1]);
        } catch (const std::invalid_argument& e) {
            throw Usage(std::string("calendar-feed: ") + e.what());
        }
        std::string secret = create_calendar_feed(store, owner);
        std::string url = calendar_feed_url(store, secret);
        printf("calendar feed for %s: %s\n", store.must_get(kUsers, owner).text("name").c_str(),
               url.empty() ? ("secret " + secret + " (this database does not sync: set up sync to publish it)").c_str() : url.c_str());
        return 0;
    }
    if (args.size() == 2 && args[0] == "--revoke") {
        try {
            revoke_calendar_feed(store, args[1]);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(std::string("calendar-feed: ") + e.what());
        }
        printf("revoked; sync to take the link down\n");
        return 0;
    }
    if (!args.empty()) throw Usage("calendar-feed: --owner USER, --revoke SECRET, or nothing to list them");
    for (auto& [secret, owner] : calendar_feeds(store)) {
        auto u = store.get(kUsers, owner, true);
        std::string url = calendar_feed_url(store, secret);
        printf("%s  %s\n", u ? u->text("name").c_str() : owner.c_str(), url.empty() ? secret.c_str() : url.c_str());
    }
    return 0;
}

int cmd_journeys(Store& store, const std::vector<std::string>& args) {
    std::string sub = args.empty() || args[0].starts_with("--") ? "" : args[0];
    if (sub == "run") {
        JourneyRun r = run_journeys(store);
        if (r.runner_elsewhere) {
            if (journey_runner(store).empty())
                fprintf(stderr, "crm: no device runs journeys yet: activate one (its device then runs them) or `crm journeys runner --here`\n");
            else
                fprintf(stderr, "crm: journeys run on another device (%s); `crm journeys runner --here` moves them here\n", journey_runner(store).c_str());
            return 1;
        }
        printf("enrolled %lld, %lld steps: %lld e-mails, %lld tasks, %lld skipped (opt-outs, no address), %lld finished\n", (long long)r.enrolled,
               (long long)r.steps, (long long)r.emails, (long long)r.tasks, (long long)r.skipped, (long long)r.finished);
        return 0;
    }
    if (sub == "activate" || sub == "pause") {
        if (args.size() != 2) throw Usage("journeys " + sub + ": the journey's id is missing");
        if (sub == "activate") activate_journey(store, args[1]);
        else pause_journey(store, args[1]);
        printf("%s %s\n", sub == "activate" ? "activated" : "paused", store.must_get(kJourneys, args[1]).text("name").c_str());
        return 0;
    }
    if (sub == "runner") {
        if (args.size() > 1 && args[1] == "--here") run_journeys_on_this_device(store);
        std::string r = journey_runner(store);
        printf("%s\n", r.empty() ? "no device runs journeys yet (activating one makes its device the runner)"
                                   : r == store.device_id() ? ("this device (" + r + ") runs journeys").c_str() : ("device " + r + " runs journeys").c_str());
        return 0;
    }
    if (!sub.empty()) throw Usage("journeys: unknown subcommand '" + sub + "'");
    bool csv = args.size() == 1 && args[0] == "--csv";
    if (!args.empty() && !csv) throw Usage("journeys: unknown option '" + args[0] + "'");
    if (csv) printf("id,name,status,trigger,enrolled,active,done,exited,at_steps,replies,leads,won,won_revenue\n");
    Statement st = store.db().prepare("SELECT id FROM journeys WHERE deleted = 0 ORDER BY name, id");
    std::vector<std::string> ids;
    while (st.step()) ids.push_back(st.column_text(0));
    for (const std::string& id : ids) {
        Record j = store.must_get(kJourneys, id);
        JourneyStats s = journey_stats(store, id);
        std::string at;
        for (size_t i = 0; i < s.at_step.size(); i++) at += (i ? " " : "") + std::to_string(s.at_step[i]);
        if (csv) {
            printf("%s,%s,%s,%s,%lld,%lld,%lld,%lld,%s,%lld,%lld,%lld,%lld.%02lld\n", id.c_str(), csv_cell(j.text("name")).c_str(), j.text("status").c_str(),
                   j.text("trigger").c_str(), (long long)s.enrolled, (long long)s.active, (long long)s.done, (long long)s.exited, at.c_str(),
                   (long long)s.replies, (long long)s.leads, (long long)s.won, (long long)(s.won_revenue / 100), (long long)(s.won_revenue % 100));
            continue;
        }
        printf("%s  %s (%s, starts when %s)\n  enrolled %lld: %lld active, %lld done, %lld left; replies %lld, leads %lld, won %lld (%lld.%02lld)\n",
               id.c_str(), j.text("name").c_str(), j.text("status").c_str(), j.text("trigger").c_str(), (long long)s.enrolled, (long long)s.active,
               (long long)s.done, (long long)s.exited, (long long)s.replies, (long long)s.leads, (long long)s.won, (long long)(s.won_revenue / 100),
               (long long)(s.won_revenue % 100));
        try {
            std::vector<std::string> texts = journey_step_texts(store, j.text("steps"));
            for (size_t i = 0; i < texts.size(); i++) printf("  %zu. %-50s %lld waiting\n", i + 1, texts[i].c_str(), (long long)s.at_step[i]);
        } catch (const ValidationError& e) {
            printf("  steps: %s\n", e.message().c_str());
        }
    }
    return 0;
}

int cmd_duplicates(Store& store, const std::vector<std::string>& args) {
    const EntitySpec* e = &kContacts;
    bool csv = false;
    DuplicateOptions o;
    for (size_t i = 0; i < args.size(); i++) {
        if (args[i] == "--csv") csv = true;
        else if (args[i] == "--entity" && i + 1 < args.size()) {
            e = find_entity(args[++i]);
            if (e != &kContacts && e != &kAccounts && e != &kLeads)
                throw Usage("duplicates: --entity is contacts, accounts or leads, not '" + args[i] + "'");
        } else if (args[i] == "--min-score" && i + 1 < args.size()) {
            char* end = nullptr;
            o.min_score = strtod(args[++i].c_str(), &end);
            if (*end || o.min_score <= 0 || o.min_score > 1) throw Usage("duplicates: --min-score is a number over 0 and up to 1");
        } else {
            throw Usage("duplicates: unknown option '" + args[i] + "'");
        }
    }
    DuplicateReport r = find_duplicates(store, *e, o);
    // Each record with its strongest pair in the group.
    auto best_pair = [](const DuplicateGroup& g, const std::string& id) -> const DuplicatePair* {
        const DuplicatePair* best = nullptr;
        for (const DuplicatePair& p : g.pairs)
            if ((p.a == id || p.b == id) && (!best || p.score > best->score)) best = &p;
        return best;
    };
    auto reasons = [](const DuplicatePair& p) {
        std::string out;
        for (const std::string& x : p.reasons) out += (out.empty() ? "" : "; ") + x;
        return out;
    };
    if (csv) printf("group,id,name,score,reasons\n");
    for (size_t gi = 0; gi < r.groups.size(); gi++) {
        const DuplicateGroup& g = r.groups[gi];
        if (!csv) printf("group %zu: score %.2f, %zu records\n", gi + 1, g.score, g.ids.size());
        for (const std::string& id : g.ids) {
            const DuplicatePair* p = best_pair(g, id);
            std::string title = record_title(store, *e, id);
            if (csv) {
                printf("%zu,%s,%s,%.3f,%s\n", gi + 1, id.c_str(), csv_cell(title).c_str(), p ? p->score : 0.0, csv_cell(p ? reasons(*p) : "").c_str());
            } else {
                printf("  %s  %s", id.c_str(), title.c_str());
                if (p) printf("  (%.2f: %s)", p->score, reasons(*p).c_str());
                printf("\n");
            }
        }
    }
    fprintf(stderr, "%lld %s compared, %zu groups of likely duplicates\n", (long long)r.records, e->table, r.groups.size());
    return 0;
}

int cmd_merge(Store& store, const std::vector<std::string>& args) {
    std::vector<std::string> ids;
    std::vector<std::pair<std::string, std::string>> keep;   // field -> record id
    for (size_t i = 0; i < args.size(); i++) {
        if (args[i] == "--keep" && i + 1 < args.size()) {
            size_t eq = args[++i].find('=');
            if (eq == std::string::npos) throw Usage("merge: --keep is FIELD=ID, not '" + args[i] + "'");
            keep.push_back({args[i].substr(0, eq), args[i].substr(eq + 1)});
        } else if (args[i].starts_with("--")) {
            throw Usage("merge: unknown option '" + args[i] + "'");
        } else {
            ids.push_back(args[i]);
        }
    }
    if (ids.size() < 2) throw Usage("merge: the survivor's id and at least one other id are needed");
    const EntitySpec* e = nullptr;
    for (const EntitySpec* c : {&kContacts, &kAccounts, &kLeads})
        if (store.get(*c, ids[0])) e = c;
    if (!e) throw std::runtime_error("merge: no live contact, account or lead with id '" + ids[0] + "'");
    std::map<std::string, size_t> choices;
    for (const auto& [field, id] : keep) {
        auto at = std::find(ids.begin(), ids.end(), id);
        if (at == ids.end()) throw Usage("merge: --keep " + field + "=" + id + " names a record that is not merged");
        choices[field] = (size_t)(at - ids.begin());
    }
    MergeSummary m = merge_records(store, *e, ids[0], std::vector<std::string>(ids.begin() + 1, ids.end()), choices);
    printf("merged %lld %s into %s: %lld fields changed, %lld references and %lld tags moved (merge %s)\n", (long long)m.merged, e->table,
           ids[0].c_str(), (long long)m.fields, (long long)m.references, (long long)m.tags, m.merge_id.c_str());
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

// Writes to FILE.tmp and renames it over FILE when complete: never half a file.
template <class F> void write_file(const std::string& path, F&& fill) {
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write '" + tmp + "'");
        try {
            fill(out);
        } catch (...) {
            out.close();
            remove(tmp.c_str());
            throw;
        }
        out.flush();
        if (!out) {
            remove(tmp.c_str());
            throw std::runtime_error("writing '" + path + "' failed (disk full?)");
        }
    }
    if (rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename '" + tmp + "' to '" + path + "'");
}

std::string option(const std::vector<std::string>& args, const char* name, bool* present = nullptr) {
    for (size_t i = 0; i < args.size(); i++)
        if (args[i] == name) {
            if (present) *present = true;
            if (i + 1 < args.size()) return args[i + 1];
            throw Usage(std::string(name) + " needs a value");
        }
    return "";
}
bool flag(const std::vector<std::string>& args, const char* name) {
    for (const std::string& a : args)
        if (a == name) return true;
    return false;
}

int cmd_export(Store& store, const std::vector<std::string>& args) {
    if (flag(args, "--json")) {
        std::string path = option(args, "--json");
        ExportOptions o;
        o.include_deleted = flag(args, "--deleted");
        ExportSummary s;
        write_file(path, [&](std::ostream& out) { s = export_json(store, out, o); });
        printf("exported %lld records to %s\n", (long long)s.records, path.c_str());
        return 0;
    }
    if (flag(args, "--csv")) {
        std::string ent = option(args, "--csv");
        if (args.size() < 3) throw Usage("export --csv ENTITY FILE");
        const EntitySpec* e = find_entity(ent);
        if (!e) throw Usage("export --csv: unknown entity '" + ent + "'");
        std::string path = args.back();
        int64_t n = 0;
        write_file(path, [&](std::ostream& out) { n = export_csv(store, ListQuery{e, ""}, out); });
        printf("exported %lld %s to %s\n", (long long)n, e->table, path.c_str());
        return 0;
    }
    if (flag(args, "--vcard")) {
        std::string path = option(args, "--vcard");
        std::string v = option(args, "--version");
        if (!v.empty() && v != "3" && v != "4") throw Usage("export --vcard: --version is 3 or 4");
        int64_t n = 0;
        write_file(path, [&](std::ostream& out) { n = export_vcard(store, out, {}, v == "3" ? 3 : 4); });
        printf("exported %lld contacts to %s (vCard %s.0)\n", (long long)n, path.c_str(), v == "3" ? "3" : "4");
        return 0;
    }
    if (flag(args, "--ics")) {
        std::string path = option(args, "--ics");
        CalendarOptions o;
        if (std::string owner = option(args, "--owner"); !owner.empty()) o.owner_id = find_user(store, owner);
        o.record_id = option(args, "--id");
        if (std::string w = option(args, "--weeks"); !w.empty()) {
            char* end = nullptr;
            long weeks = strtol(w.c_str(), &end, 10);
            if (*end || weeks < 1 || weeks > 104) throw Usage("export --ics: --weeks is a whole number from 1 to 104");
            o.from_ms = store.now_ms();
            o.to_ms = o.from_ms + weeks * 7 * 86400000LL;
        }
        int64_t n = 0;
        write_file(path, [&](std::ostream& out) { n = export_ics(store, out, o); });
        printf("exported %lld tasks and meetings to %s\n", (long long)n, path.c_str());
        return 0;
    }
    throw Usage("export needs --json FILE, --csv ENTITY FILE, --vcard FILE or --ics FILE");
}

int cmd_import(Store& store, const std::vector<std::string>& args) {
    if (flag(args, "--json")) {
        std::string path = option(args, "--json");
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read '" + path + "'");
        ImportSummary s = import_json(store, in, path, flag(args, "--replace") ? ImportMode::Replace : ImportMode::Merge);
        printf("imported %s: %lld added, %lld updated, %lld unchanged, %lld removed\n", path.c_str(), (long long)s.added,
               (long long)s.updated, (long long)s.unchanged, (long long)s.removed);
        return 0;
    }
    if (flag(args, "--csv")) {
        std::string path = option(args, "--csv");
        std::string ent = option(args, "--entity");
        if (ent.empty()) throw Usage("import --csv needs --entity contacts|accounts|leads");
        const EntitySpec* e = find_entity(ent);
        if (!e) throw Usage("import --csv: unknown entity '" + ent + "'");
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read '" + path + "'");
        CsvImportOptions o;
        o.entity = e;
        o.name = path;
        std::string dup = option(args, "--duplicates");
        if (dup == "update") o.duplicates = DuplicatePolicy::Update;
        else if (dup == "create") o.duplicates = DuplicatePolicy::Create;
        else if (!dup.empty() && dup != "skip") throw Usage("--duplicates is skip, update or create");
        std::string map = option(args, "--map");
        if (!map.empty()) {
            // The header decides the columns: read it once for the mapping, then import from the start.
            std::ifstream head(path, std::ios::binary);
            CsvReader r(head);
            std::vector<std::string> header;
            r.next(header);
            o.mapping = apply_mapping_text(*e, header, guess_mapping(*e, header), map);
        }
        if (flag(args, "--preview")) {
            // The rows as the Data screen previews them: nothing is imported.
            int rows = 20;   // --preview may stand last, without N
            for (size_t i = 0; i + 1 < args.size(); i++)
                if (args[i] == "--preview" && !args[i + 1].empty() && isdigit((unsigned char)args[i + 1][0])) rows = std::max(1, atoi(args[i + 1].c_str()));
            CsvPreview p = preview_csv(store, in, o, rows);
            int errors = 0, exact = 0, likely = 0;
            for (const CsvRowPreview& r : p.rows) {
                if (!r.error.empty()) printf("line %lld: error: %s\n", (long long)r.line, r.error.c_str()), errors++;
                else if (!r.duplicate_of.empty()) printf("line %lld: duplicate of %s\n", (long long)r.line, r.duplicate_of.c_str()), exact++;
                else if (!r.likely_of.empty())
                    printf("line %lld: likely a duplicate of %s (%s), score %.2f: %s\n", (long long)r.line, r.likely_title.c_str(),
                           r.likely_of.c_str(), r.likely_score, r.likely_reasons.c_str()), likely++;
                else printf("line %lld: new\n", (long long)r.line);
            }
            printf("previewed %zu rows of %s: %d errors, %d duplicates, %d likely duplicates; nothing imported\n", p.rows.size(), path.c_str(),
                   errors, exact, likely);
            return errors ? 1 : 0;
        }
        CsvImportSummary s = import_csv(store, in, o);
        printf("imported %s: %lld rows, %lld created, %lld updated, %lld duplicates skipped, %lld accounts created\n", path.c_str(),
               (long long)s.rows, (long long)s.created, (long long)s.updated, (long long)s.skipped_duplicates, (long long)s.accounts_created);
        return 0;
    }
    if (flag(args, "--vcard")) {
        std::string path = option(args, "--vcard");
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read '" + path + "'");
        std::string dup = option(args, "--duplicates");
        DuplicatePolicy policy = dup == "update" ? DuplicatePolicy::Update : dup == "create" ? DuplicatePolicy::Create : DuplicatePolicy::Skip;
        if (!dup.empty() && dup != "skip" && dup != "update" && dup != "create") throw Usage("--duplicates is skip, update or create");
        if (flag(args, "--preview")) {   // the cards as the CSV preview checks rows
            CsvImportOptions o;
            std::vector<int64_t> lines;
            std::istringstream csv(vcard_to_csv(in, path, o, &lines));
            CsvPreview p = preview_csv(store, csv, o, 1000);
            int errors = 0, exact = 0, likely = 0;
            for (size_t k = 0; k < p.rows.size(); k++) {
                const CsvRowPreview& r = p.rows[k];
                size_t c = (size_t)(r.line - 2);   // lines[c]: the card on the CSV's line c + 2
                long long line = c < lines.size() && lines[c] ? (long long)lines[c] : (long long)r.line;
                if (!r.error.empty()) printf("line %lld: error: %s\n", line, vcard_error(r.error, path, lines).c_str()), errors++;
                else if (!r.duplicate_of.empty()) printf("line %lld: duplicate of %s\n", line, r.duplicate_of.c_str()), exact++;
                else if (!r.likely_of.empty())
                    printf("line %lld: likely a duplicate of %s (%s), score %.2f: %s\n", line, r.likely_title.c_str(), r.likely_of.c_str(),
                           r.likely_score, r.likely_reasons.c_str()), likely++;
                else printf("line %lld: new\n", line);
            }
            printf("previewed %zu cards of %s: %d errors, %d duplicates, %d likely duplicates; nothing imported\n", p.rows.size(), path.c_str(),
                   errors, exact, likely);
            return errors ? 1 : 0;
        }
        CsvImportSummary s = import_vcard(store, in, path, policy);
        printf("imported %s: %lld cards, %lld created, %lld updated, %lld duplicates skipped, %lld accounts created\n", path.c_str(),
               (long long)s.rows, (long long)s.created, (long long)s.updated, (long long)s.skipped_duplicates, (long long)s.accounts_created);
        return 0;
    }
    throw Usage("import needs --json FILE, --csv FILE --entity E or --vcard FILE");
}

int cmd_sync(Store& store, const std::string& db_path, const std::vector<std::string>& args) {
    bool has_server = false, has_token = false, has_invite = false;
    std::string server = option(args, "--server", &has_server), token = option(args, "--token", &has_token), invite = option(args, "--invite", &has_invite);
    for (size_t i = 0; i < args.size(); i++) {
        if (args[i] == "--server" || args[i] == "--token" || args[i] == "--invite") i++;
        else if (args[i] != "--status") throw Usage("sync: unknown option '" + args[i] + "'");
    }
    if (has_invite) {
        SyncConfig c;
        if (!parse_invite(invite, c)) throw Usage("sync: --invite needs the link crm-server printed (…#join=…)");
        set_sync_config(store, c);
    } else if (has_server || has_token) {
        if (!has_server || !has_token) throw Usage("sync: give --server URL and --token T together");
        SyncConfig c = sync_config(store);
        c.server = server;
        c.token = token;
        set_sync_config(store, c);
    }
    if (flag(args, "--status")) {
        SyncStatus st = sync_status(store);
        SyncConfig c = sync_config(store);
        printf("server: %s\nworkspace: %s\nlast synced: %s\npending changes: %lld\nerror: %s\n", c.server.empty() ? "(none)" : c.server.c_str(),
               store.setting("sync.workspace_name").c_str(), st.last_synced.empty() ? "never" : st.last_synced.c_str(), (long long)st.pending,
               st.error.empty() ? "none" : st.error.c_str());
        return 0;
    }
    SyncState state;
    std::string error;
    auto t0 = std::chrono::steady_clock::now();
    SyncSession::Report r = sync_now(store, db_path + ".snapshot", &state, &error);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (r.snapshot) printf("joined from a snapshot of the workspace (%lld bytes, up to change %lld)\n", (long long)r.snapshot_bytes, (long long)r.cursor);
    printf("sent %lld changes (%lld new to the server); received %lld (%lld applied, %lld already here, %lld conflicts, %lld kept for a newer version)\n",
           (long long)r.sent, (long long)r.stored, (long long)r.received, (long long)r.applied, (long long)r.duplicates, (long long)r.conflicts,
           (long long)r.pending);
    if (state != SyncState::Done) {
        fprintf(stderr, "crm: sync: %s\n", error.c_str());
        return 1;
    }
    printf("synced with workspace %s at change %lld in %.1f s\n", store.setting("sync.workspace_name").c_str(), (long long)r.cursor, secs);
    return 0;
}

void print_report_list() {
    printf("usage: crm --db FILE report NAME [options]\n"
           "The period is --from/--to (default: the year up to today), compared with the one before where a report shows both.\n"
           "reports:\n");
    for (const ReportInfo& r : all_reports()) printf("  %-15s %-11s %s\n", r.name, r.page, r.summary);
    printf("pivot sources and dimensions:\n");
    for (const char* const* s = kPivotSources; *s; s++) {
        std::string dims;
        for (const std::string& d : pivot_dimensions(*s)) dims += (dims.empty() ? "" : ", ") + d;
        printf("  %-15s %s\n", *s, dims.c_str());
    }
}

int cmd_report(Store& store, const std::vector<std::string>& args) {
    if (args.empty()) throw Usage("report: a report name is needed (crm report --help lists them)");
    const ReportInfo* info = find_report(args[0]);
    if (!info) throw Usage("report: unknown report '" + args[0] + "' (crm report --help lists them)");
    std::string from, to;
    bool csv = false;
    ReportArgs a;
    std::string owner;
    for (size_t i = 1; i < args.size(); i++) {
        const std::string& o = args[i];
        if (o == "--csv") { csv = true; continue; }
        if (i + 1 >= args.size()) throw Usage("report: " + o + " needs a value");
        const std::string& v = args[++i];
        if (o == "--from") from = v;
        else if (o == "--to") to = v;
        else if (o == "--owner") owner = v;
        else if (o == "--team") a.filter.team = v;
        else if (o == "--territory") a.filter.territory = v;
        else if (o == "--tier") a.filter.tier = v;
        else if (o == "--industry") a.filter.industry = v;
        else if (o == "--country") a.filter.country = v;
        else if (o == "--channel") a.filter.channel = v;
        else if (o == "--by") a.by = v;
        else if (o == "--top") a.top = (int)parse_count("--top", v.c_str());
        else if (o == "--source") a.source = v;
        else if (o == "--rows") a.rows = v;
        else if (o == "--cols") a.cols = v;
        else if (o == "--measure") a.measure = v;
        else if (o == "--min-support" || o == "--min-confidence") {
            char* end = nullptr;
            double x = strtod(v.c_str(), &end);
            if (v.empty() || *end || !(x > 0 && x <= 1)) throw Usage("report: " + o + " must be a share above 0 and at most 1, not '" + v + "'");
            (o == "--min-support" ? a.min_support : a.min_confidence) = x;
        }
        else throw Usage("report: unknown option '" + o + "'");
    }
    std::shared_ptr<const Facts> facts = load_facts(store);
    try {
        a.period = make_period(from, to, facts->today);
    } catch (const std::invalid_argument& e) {
        throw Usage(std::string("report: ") + e.what());
    }
    if (!owner.empty()) {
        for (const auto& u : facts->users)
            if (!u.id.empty() && (u.id == owner || ascii_lower(u.name) == ascii_lower(owner))) a.filter.owner = u.id;
        if (a.filter.owner.empty()) throw Usage("report: --owner '" + owner + "' is not a user's name or id");
    }
    Table t;
    try {
        t = info->run(*facts, a);
    } catch (const std::invalid_argument& e) {
        throw Usage(e.what());
    }
    if (csv) {
        fputs(t.csv().c_str(), stdout);
        return 0;
    }
    auto chars = [](const std::string& s) {   // UTF-8 code points, so names in any script line up
        size_t n = 0;
        for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
        return n;
    };
    std::vector<size_t> width(t.columns.size(), 0);
    for (size_t c = 0; c < t.columns.size(); c++) width[c] = chars(t.columns[c]);
    for (const auto& r : t.rows)
        for (size_t c = 0; c < r.size() && c < width.size(); c++) width[c] = std::max(width[c], chars(r[c]));
    printf("%s\n", t.title.c_str());
    auto line = [&](const std::vector<std::string>& r) {
        std::string out;
        for (size_t c = 0; c < r.size(); c++) {
            bool left = c == 0 || t.number(0, c) != t.number(0, c);   // text columns to the left, numbers to the right
            std::string pad(width[c] > chars(r[c]) ? width[c] - chars(r[c]) : 0, ' ');
            out += (c ? "  " : "") + (left ? r[c] + pad : pad + r[c]);
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        printf("%s\n", out.c_str());
    };
    line(t.columns);
    for (const auto& r : t.rows) line(r);
    for (const std::string& n : t.notes) printf("note: %s\n", n.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string db_path, command;
    std::vector<std::string> args;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--db" && i + 1 < argc && db_path.empty() && command.empty()) db_path = argv[++i];
        else if ((a == "-h" || a == "--help") && command == "report") { print_report_list(); return 0; }
        else if (a == "-h" || a == "--help") { fputs(kUsage, stdout); return 0; }
        else if (command.empty()) command = a;
        else args.push_back(a);
    }
    try {
        if (db_path.empty()) throw Usage("--db FILE is required");
        if (command.empty()) throw Usage("a command is required");
        if (command != "demo" && command != "stats" && command != "search" && command != "check" && command != "export" && command != "import" &&
            command != "revert-import" && command != "sync" && command != "report" && command != "duplicates" && command != "merge" &&
            command != "undo-merge" && command != "health" && command != "verify" && command != "fields" &&
            command != "journeys" && command != "calendar-feed")
            throw Usage("unknown command '" + command + "'");
        DemoOptions demo_opt;
        if (command == "demo") demo_opt = parse_demo_options(args);
        OpenOptions oo;
        oo.create = command == "demo" || command == "import" || command == "sync";
        Database db(db_path, oo);
        Store store(db);
        if (command == "demo") return cmd_demo(store, demo_opt);
        if (command == "stats") return cmd_stats(store);
        if (command == "search") return cmd_search(store, args);
        if (command == "export") return cmd_export(store, args);
        if (command == "import") return cmd_import(store, args);
        if (command == "sync") return cmd_sync(store, db_path, args);
        if (command == "report") return cmd_report(store, args);
        if (command == "duplicates") return cmd_duplicates(store, args);
        if (command == "health") return cmd_health(store, args);
        if (command == "verify") return cmd_verify(store, args);
        if (command == "fields") return cmd_fields(store, args);
        if (command == "journeys") return cmd_journeys(store, args);
        if (command == "calendar-feed") return cmd_calendar_feed(store, args);
        if (command == "merge") return cmd_merge(store, args);
        if (command == "undo-merge") {
            MergeSummary m = undo_last_merge(store);
            printf("undid merge %s: %lld records back\n", m.merge_id.c_str(), (long long)m.merged);
            return 0;
        }
        if (command == "revert-import") {
            RevertSummary r = revert_last_import(store);
            printf("reverted the import of %s: %lld records removed, %lld restored\n", r.file.c_str(), (long long)r.removed, (long long)r.restored);
            return 0;
        }
        return cmd_check(store);
    } catch (const Usage& e) {
        fprintf(stderr, "crm: %s\n%s", e.what(), kUsage);
        return 2;
    } catch (const std::exception& e) {
        fprintf(stderr, "crm: %s\n", e.what());
        return 1;
    }
}
