// data_health.h - data decay: which contacts and accounts are stale,
// incomplete or wrong, a health score for each and for all.
//
// B2B data decays by about a fifth a year (DOMAIN.md: 19 % of managing
// directors change jobs, 8 % of businesses move), so each contact and account
// carries when it was last verified: set when it is created, when someone
// edits it in the form, and by "Mark verified"; for records older than that
// field, their last edit stands in. A record's score starts at 100 and loses
// points for each issue: not verified within the period (12 months by
// default), an e-mail address or phone number that cannot be right, an
// e-mail that bounced since the last verification (an e-mail activity whose
// outcome says "bounce"), and key fields left empty. The check reads the
// records a slice at a time, like the duplicate finder, so the page stays
// responsive and a block still loading only repeats its slice.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "records/store.h"

namespace crm {

enum HealthIssue : int {
    H_Stale,        // not verified within the period
    H_Bounced,      // an e-mail to it bounced since it was last verified
    H_BadEmail,     // not an e-mail address
    H_BadPhone,     // too few or too many digits for a phone number
    H_NoEmail,
    H_NoPhone,
    H_NoWebsite,    // accounts
    H_NoIndustry,   // accounts
    H_NoCountry,
    H_Count
};
const char* health_issue_label(int issue);   // "not verified in 12 months" is said by the caller: "not verified"
int health_issue_weight(int issue);          // the points it costs

struct HealthOptions {
    int months = 12;        // verified longer ago than this is stale
    int64_t now_ms = 0;     // 0: the store's clock
};

struct RecordHealth {
    std::string id, title;
    std::string verified;   // when it was last verified (or last edited, before that was kept)
    int score = 100;
    uint32_t issues = 0;    // bits of HealthIssue
};

struct HealthReport {
    const EntitySpec* entity = nullptr;
    int months = 12;
    int64_t records = 0;
    double score = 100;                     // the mean of the records' scores
    std::array<int64_t, H_Count> counts{};  // records with each issue
    int64_t poor = 0, fair = 0, good = 0;   // scores under 50, 50 to 79, 80 and over
    std::vector<RecordHealth> flagged;      // records with any issue, worst first
};

// The check as a job a slice at a time: step() returns true when done.
class HealthScan {
public:
    HealthScan(Store& store, const EntitySpec& entity, HealthOptions options = {});   // contacts or accounts
    ~HealthScan();
    HealthScan(const HealthScan&) = delete;
    HealthScan& operator=(const HealthScan&) = delete;
    bool step(double budget_ms);
    double progress() const;   // 0 to 1
    const HealthReport& report() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Throws std::invalid_argument for an entity other than contacts or accounts.
HealthReport check_health(Store& store, const EntitySpec& entity, HealthOptions options = {});

// Sets verified_at to now on each record (an ordinary write: it syncs). One transaction.
void mark_verified(Store& store, const EntitySpec& entity, const std::vector<std::string>& ids);

}  // namespace crm
