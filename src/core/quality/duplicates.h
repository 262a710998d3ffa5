// duplicates.h - finding the contacts, accounts or leads entered twice.
//
// Every live record of the entity is read once (a slice at a time, so the
// page stays responsive and a block still loading only repeats its slice)
// and reduced to normalised keys (normalize.h). Records are compared only
// within blocks that share a key - the same e-mail, phone, website, or a
// name's first or last three letters of each word in any order - which
// keeps the work near-linear; a block too common to say anything (a
// thousand "Smith"s) is skipped, the other keys still pair its members.
// Each pair gets a score from 0 to 1 with the reasons it matched, combined
// as independent evidence (1 - product of (1 - weight)), and discounted by
// what speaks against it (different birth dates, a different person at the
// same switchboard number). Pairs at or over the threshold are joined into
// groups; the strongest groups come first.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "records/store.h"

namespace crm {

struct DuplicateOptions {
    double min_score = 0.6;
    size_t max_block = 200;   // blocks with more records than this are too common to compare
};

struct DuplicatePair {
    std::string a, b;                   // record ids
    double score = 0;
    std::vector<std::string> reasons;   // "same e-mail", "similar name", ...
};

struct DuplicateGroup {
    std::vector<std::string> ids;       // the records, oldest first
    double score = 0;                   // its strongest pair
    std::vector<DuplicatePair> pairs;   // the pairs over the threshold that join it
};

struct DuplicateReport {
    const EntitySpec* entity = nullptr;
    int64_t records = 0;                // live records compared
    int64_t comparisons = 0;            // pairs scored
    std::vector<DuplicateGroup> groups;
};

// The finder as a job a slice at a time: step() returns true when done.
class DuplicateScan {
public:
    DuplicateScan(Store& store, const EntitySpec& entity, DuplicateOptions options = {});
    ~DuplicateScan();
    DuplicateScan(const DuplicateScan&) = delete;
    DuplicateScan& operator=(const DuplicateScan&) = delete;
    bool step(double budget_ms);
    double progress() const;            // 0 to 1
    const DuplicateReport& report() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// contacts, accounts or leads; throws std::invalid_argument for another entity.
DuplicateReport find_duplicates(Store& store, const EntitySpec& entity, DuplicateOptions options = {});

// The score of two records of the entity as the finder gives it.
DuplicatePair score_records(Store& store, const EntitySpec& entity, const Record& a, const Record& b);

// The live records a record not saved yet (its fields as a form or an import
// row gives them) most likely duplicates, best first: pair.a is "", pair.b
// the stored record's id. Candidates come from the search index (the name's
// words by their first three letters in any order, the e-mail, the phone's
// digits as typed and in E.164), so it costs a few index lookups at any size.
// `except` leaves out one record (the one being edited). The default
// threshold is lower than the finder's: before saving, the same name alone is
// worth a look (the user decides), while the finder proposes merges.
constexpr double kLikelyDuplicateScore = 0.5;
std::vector<DuplicatePair> likely_duplicates(Store& store, const EntitySpec& entity, const Fields& fields, size_t limit = 3,
                                             double min_score = kLikelyDuplicateScore, const std::string& except = "");

}  // namespace crm
