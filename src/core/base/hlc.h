// hlc.h - the hybrid logical clock that orders every write for sync.
//
// A timestamp is one 64-bit integer: wall-clock milliseconds in the high 48
// bits and a counter in the low 16, paired with the id of the device that
// made it. Ordering is (value, device id), so two devices never tie. The
// clock never goes backwards: a tick is past the last tick and past every
// timestamp the device has received, so an edit made after seeing another
// device's edit is ordered after it even when this device's wall clock is
// behind. The counter carries into the milliseconds when it overflows (a bulk
// import makes many writes in one millisecond): the value stays unique and
// ordered, and runs ahead of wall time by one millisecond per 65,536 writes.
//
// On the wire a timestamp is text that sorts like the pair:
//   2026-11-30T08:00:00.000Z-0001-<device id>
// (ISO time, four hex digits of counter, the device id), as Actual Budget
// writes its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crm {

inline int64_t hlc_millis(int64_t hlc) { return hlc >> 16; }
inline int64_t hlc_from_millis(int64_t ms) { return ms << 16; }

class HybridClock {
public:
    // The next timestamp for a write at wall time `wall_ms`.
    int64_t tick(int64_t wall_ms) {
        int64_t t = hlc_from_millis(wall_ms);
        last_ = t > last_ ? t : last_ + 1;
        return last_;
    }
    // A timestamp received from elsewhere: later ticks come after it.
    void observe(int64_t hlc) {
        if (hlc > last_) last_ = hlc;
    }
    int64_t last() const { return last_; }
    // Sets the clock back to `hlc`: only to re-stamp writes that never left
    // this device (stamped by a clock that ran ahead), never below what was sent.
    void reset(int64_t hlc) { last_ = hlc; }

private:
    int64_t last_ = 0;
};

// "2026-11-30T08:00:00.000Z-0001-<device>"
std::string format_hlc(int64_t hlc, std::string_view device);
// Parses format_hlc's text; false (and nothing changed) when malformed.
bool parse_hlc(std::string_view text, int64_t& hlc, std::string& device);

// Order of two stamped writes: negative, 0 or positive.
inline int compare_stamp(int64_t a, std::string_view device_a, int64_t b, std::string_view device_b) {
    if (a != b) return a < b ? -1 : 1;
    int c = device_a.compare(device_b);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}

}  // namespace crm
