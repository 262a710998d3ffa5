// record_merge.h - merging duplicate contacts, accounts or leads into one,
// undoing a merge, and remembering pairs that are not duplicates.
//
// A merge is one transaction of ordinary writes, so it syncs like any edit:
// the survivor's fields take the chosen values, every live reference to the
// others (activities, tasks, opportunities, cases, orders, campaign sends,
// converted leads, child accounts, tags) moves to the survivor, and each
// other record becomes a tombstone whose merged_into_id names the survivor.
// What it changed goes into this device's merge journal, so the last merge
// can be undone as a whole (the journal does not sync; the undo's writes do).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "records/store.h"

namespace crm {

// The fields where the records differ, with each record's value and the
// default choice: the newest non-empty value (by updated_at), except that a
// do-not-call or opt-out ticked on any of them stays ticked.
struct MergeField {
    std::string name;
    std::vector<Value> values;   // parallel to MergePlan::ids
    size_t chosen = 0;
};
struct MergePlan {
    std::vector<std::string> ids;   // the survivor first
    std::vector<MergeField> fields;
};
MergePlan plan_merge(Store& store, const EntitySpec& e, const std::string& survivor, const std::vector<std::string>& others);

struct MergeSummary {
    std::string merge_id;
    int64_t fields = 0;       // the survivor's fields changed
    int64_t references = 0;   // records re-pointed to the survivor
    int64_t tags = 0;         // tag links moved or, where the survivor had the tag, removed
    int64_t merged = 0;       // records merged into the survivor
};
// `choices`: field -> index into the plan's ids of the record whose value to
// keep; fields not named take the plan's default. Throws ValidationError for
// a record that is missing, deleted, the survivor itself, or of another entity.
MergeSummary merge_records(Store& store, const EntitySpec& e, const std::string& survivor, const std::vector<std::string>& others,
                           const std::map<std::string, size_t>& choices = {});

// Undoes this device's most recent merge not undone yet: the other records
// come back, references and tags return to them, the survivor's fields get
// their values back. Throws std::runtime_error when there is none.
MergeSummary undo_last_merge(Store& store);

// "Not a duplicate": the finder skips the pair from now on.
void dismiss_duplicate(Store& store, const EntitySpec& e, const std::string& a, const std::string& b);
bool is_dismissed(Store& store, const EntitySpec& e, const std::string& a, const std::string& b);
// Every pair dismissed for `e` (the smaller id first): the synced ones and those from before.
std::vector<std::pair<std::string, std::string>> dismissed_pairs(Store& store, const EntitySpec& e);

}  // namespace crm
