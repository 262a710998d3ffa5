// util.h - small things the core needs everywhere: a seeded random number
// generator with its own distributions (std:: distributions differ between
// libstdc++ and libc++, and the demo data must be identical in native and
// wasm builds), UTC time formatting and parsing, and UUID v7 record ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crm {

// xoshiro256** seeded through splitmix64.
class Rng {
public:
    explicit Rng(uint64_t seed = 0x9E3779B97F4A7C15ull);
    uint64_t next();
    uint64_t below(uint64_t n);                  // uniform in [0, n), n > 0
    int64_t  range(int64_t lo, int64_t hi);      // uniform in [lo, hi]
    double   unit();                             // uniform in [0, 1)
    bool     chance(double p) { return unit() < p; }
    template <class V> const auto& pick(const V& v) { return v[(size_t)below(v.size())]; }

private:
    uint64_t s_[4];
};

// Milliseconds since 1970-01-01T00:00:00Z.
int64_t wall_clock_ms();

// Days since 1970-01-01 for a civil date, and back (proleptic Gregorian).
int64_t days_from_civil(int y, unsigned m, unsigned d);
void    civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d);

std::string format_datetime(int64_t ms);   // 2026-11-25T06:21:35.123Z
std::string format_date(int64_t ms);       // 2026-11-25
// Accepts YYYY-MM-DD, YYYY-MM-DDTHH:MM, YYYY-MM-DDTHH:MM:SS(.fff)(Z|+hh:mm)
// (a space may stand for T). Returns ms since the epoch, or nullopt.
std::optional<int64_t> parse_datetime(std::string_view s);
bool is_valid_date(std::string_view s);    // strictly YYYY-MM-DD and a real day

// UUID v7: 48-bit millisecond time, a 12-bit sequence, then random bits.
// Ids from one IdClock only ever grow (RFC 9562's monotonic counter): a
// clock that goes back, or the demo's simulated one that walks the same
// three years once per record type, still appends every new id, and every
// reference index keyed by them, at the end of its B-tree instead of into a
// random page.
struct IdClock {
    int64_t ms = 0;
    uint32_t seq = 0;
};
std::string uuid_v7(int64_t ms, Rng& rng, IdClock& last);

// Lower-case ASCII copy; trims ASCII white space.
std::string ascii_lower(std::string_view s);
std::string trim(std::string_view s);
// A code point appended as UTF-8.
void append_utf8(std::string& out, uint32_t cp);
// Byte offset of the first invalid UTF-8 sequence, or -1.
long bad_utf8_at(const std::string& s);
// Whether a comma-separated list ("DE, AT,ch") holds `item`, ignoring ASCII case and spaces.
bool list_contains(std::string_view list, std::string_view item);

}  // namespace crm
