// message.h - what travels between a device and the sync server: the change
// log, one message per change, as JSON (the format is documented in
// sync.schema.json beside this file):
//
//   {"hlc": "2026-11-30T08:00:00.000Z-0001-<device>", "entity": "contacts",
//    "id": "<record id>", "field": "email", "value": "ana@example.com",
//    "at": "2026-11-30T08:00:00.000Z", "base": "<hlc of the value replaced>"}
//
// field is one of:
//   a field name  the field's new value, encoded as in the export format
//                 (records/json_value.h); "at" is the wall time of the write,
//                 "base" the stamp of the write it replaced on the writer's
//                 device (its creation, or an earlier edit), which tells a
//                 receiver whether the writer had seen the value it
//                 overwrites (a conflict if not);
//   "*"           the whole record, created or overwritten by an import: value
//                 is an object of its fields plus created_at, updated_at and
//                 deleted (a field left out takes its default);
//   "deleted"     true or false: delete and restore are field writes;
//   "erased"      null: the record is gone for good (privacy erasure).
// Settings shared by a workspace travel as entity "settings", id the key,
// field "value". The stamp (hlc) is unique per message: it is the message's
// identity, so a message received twice is applied once.
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace crm {

inline constexpr int kSyncProtocol = 1;      // the wire format above
inline constexpr int kMinSyncSchema = 5;     // the first schema version that syncs

struct Message {
    int64_t hlc = 0;
    std::string device;                      // the device that wrote it (the stamp's node)
    std::string entity, id, field;
    nlohmann::json value;
    std::string at;                          // field messages: wall time of the write
    int64_t base_hlc = 0;                    // field messages: what the writer replaced
    std::string base_device;

    bool is_record() const { return field == "*"; }
};

// A refused message or request: says what is wrong and where ("messages[3].value: must be text").
struct SyncError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

nlohmann::json message_to_json(const Message& m);
// Parses the shape of one message (types, stamp, required keys); throws
// SyncError naming `path` and the key.
Message message_from_json(const nlohmann::json& j, const std::string& path);

// Checks a message's value against this build's entities and fields.
// Returns Known, or what this build does not know (a newer schema's entity or
// field: the server refuses it, a device keeps it until it migrates); throws
// SyncError for a value of the wrong type or a field that never travels.
// UnknownCustomField: a custom field not defined here (yet): the server relays
// it (it holds no definitions); a device keeps it until its definition arrives.
enum class Knowledge { Known, UnknownEntity, UnknownField, UnknownCustomField };
Knowledge check_message(const Message& m, const std::string& path);

// A batch of messages: {"messages": [...]}; throws SyncError on any bad one.
std::vector<Message> messages_from_json(const nlohmann::json& j, const std::string& path = "messages");

}  // namespace crm
