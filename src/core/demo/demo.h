// demo.h - a deterministic generator of realistic CRM data.
//
// From a seed and a size it writes, through the Store (so with validation and
// the change log), three years of history that follow the workflows: users and
// teams, accounts in a dozen countries and four scripts, their contacts,
// leads from campaigns (some converted into accounts with an opportunity, some
// disqualified), opportunities moved through their stages, orders with lines,
// activities on every channel, cases with SLA targets met or breached, tasks,
// tags. The same seed gives the same database, natively and in wasm.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "records/store.h"

namespace crm {

struct DemoOptions {
    int64_t contacts = 1000;   // other entities scale with this
    uint64_t seed = 1;
    int64_t now_ms = 0;        // the end of the history; 0 = the wall clock
    // Called now and then with the fraction done and the phase; returning
    // false cancels: nothing is written.
    std::function<bool(double fraction, const char* phase)> progress;
};

struct DemoSummary {
    int64_t users = 0, accounts = 0, contacts = 0, leads = 0, opportunities = 0, campaigns = 0, products = 0,
            orders = 0, order_lines = 0, activities = 0, cases = 0, tasks = 0, tags = 0;
    int64_t total() const;
};

struct DemoCancelled : std::runtime_error {
    DemoCancelled() : std::runtime_error("demo data generation cancelled") {}
};

// A generation in progress, run a slice at a time: the browser app calls
// step() once a frame and draws the progress bar between calls. Everything is
// written in one transaction, committed by the last step; destroying an
// unfinished run (a cancel) rolls it back, leaving nothing behind.
class DemoRun {
public:
    DemoRun(Store& store, DemoOptions options);
    ~DemoRun();
    DemoRun(const DemoRun&) = delete;
    DemoRun& operator=(const DemoRun&) = delete;
    // Works for about budget_ms; true when done and committed. Throws (and
    // rolls back) on an error or when the progress callback cancels.
    bool step(double budget_ms);
    double fraction() const;
    const char* phase() const;   // what is being written now, e.g. "activities"
    const DemoSummary& summary() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Writes the demo data in one transaction. Throws DemoCancelled (nothing
// written) when the progress callback returns false.
DemoSummary generate_demo(Store& store, const DemoOptions& options);

// A digest of every table's rows in a fixed order (ids, fields, timestamps),
// for checking that two databases hold the same data.
std::string content_digest(Database& db);

}  // namespace crm
