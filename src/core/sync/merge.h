// merge.h - applying messages received from other devices, and collecting
// this device's own to send.
//
// The rule is last writer wins per field, by stamp (hlc, then device id):
// two devices that edit different fields of one record both keep their edit;
// for one field the later stamp wins on every device, whatever order the
// messages arrive in. A record message ("*": a creation or an import's
// overwrite) writes every field at its stamp. Every message is kept in the
// change log, winners and losers alike: the log is the history, the
// duplicate check (a stamp already logged is ignored) and the clock of each
// field. The row always holds each field's winning value, so applying a
// message needs only the stamps of the record's log rows, never old values.
//
// What follows from the merged rows, not from messages:
//   - updated_at is the time of the record's newest message; created_at and
//     a record's existence come with its record message;
//   - derived data: line and order totals, the search index (triggers);
//   - a reference to a record not received yet holds NULL until it arrives
//     (sync_dangling), so foreign keys hold at every moment; a reference to
//     an erased record stays NULL;
//   - two records with the same human-readable number (made offline before
//     the devices leased number blocks): the one with the greater id gets
//     the number with "-" and the end of its id appended, on every device.
// Deletion is a field: an edit of a deleted record's other field is kept and
// the record stays deleted (a later restore shows it); a restore and a
// delete of the same record are ordered like any two writes. Erasure wins
// over everything: an erased record's later messages are dropped.
#pragma once

#include <string>
#include <vector>

#include "records/store.h"
#include "sync/message.h"

namespace crm {

struct ApplyResult {
    int64_t applied = 0;      // new messages (winners and losers: both are history)
    int64_t duplicates = 0;   // stamps already here: ignored
    int64_t pending = 0;      // a newer schema's entity or field: kept until this build knows it
    int64_t conflicts = 0;    // a field value that lost to a concurrent edit from another device
};

// Applies messages received from elsewhere, in order, in one transaction:
// all or nothing (a message that fails check_message refuses the batch and
// changes nothing). Moves this device's clock past every stamp received.
ApplyResult apply_messages(Store& store, const std::vector<Message>& messages);

// Applies what was kept pending, when this build now knows its fields.
ApplyResult apply_pending(Store& store);

// This device's messages after change-log seq `after`, in log order: at most
// `max_count` and about `max_bytes` of JSON. `all_devices` takes every
// device's messages (a database opened from a file passes on what it holds).
struct Outgoing {
    std::vector<Message> messages;
    std::vector<std::string> texts;   // each message as JSON, made once
    int64_t last_seq = 0;   // the log seq up to which everything was taken
    size_t bytes = 0;
    bool more = false;
};
Outgoing collect_outgoing(Store& store, int64_t after, size_t max_count, size_t max_bytes, bool all_devices = false);

// How many of this device's messages after `after` wait to be sent.
int64_t count_outgoing(Store& store, int64_t after);

// A field value that lost to a concurrent edit on another device.
struct Conflict {
    std::string entity, record_id, field;
    Value lost_value, won_value;
    std::string lost_device, won_device;
    std::string lost_at, won_at;
};
std::vector<Conflict> conflicts_of(Store& store, const std::string& record_id);

}  // namespace crm
