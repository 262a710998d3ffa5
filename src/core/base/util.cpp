// util.cpp - see util.h.
#include "base/util.h"

#include <chrono>
#include <cstdio>

namespace crm {

//-----------------------------------------------------------------------------
// Rng
//-----------------------------------------------------------------------------

static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

Rng::Rng(uint64_t seed) {
    for (uint64_t& s : s_) s = splitmix64(seed);
}

uint64_t Rng::next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

uint64_t Rng::below(uint64_t n) {
    // Lemire's nearly-divisionless method would need 128-bit multiply; a
    // rejection loop on the top bits is portable and unbiased.
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = next(); while (x >= limit);
    return x % n;
}

int64_t Rng::range(int64_t lo, int64_t hi) { return lo + (int64_t)below((uint64_t)(hi - lo) + 1); }

double Rng::unit() { return (double)(next() >> 11) * 0x1.0p-53; }

//-----------------------------------------------------------------------------
// Time
//-----------------------------------------------------------------------------

int64_t wall_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t days_from_civil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = (int)(yoe + era * 400) + (m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string format_datetime(int64_t ms) {
    int64_t days = floor_div(ms, 86400000);
    int64_t rem = ms - days * 86400000;
    int y; unsigned mo, d;
    civil_from_days(days, y, mo, d);
    char buf[40];
    snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, mo, d, (int)(rem / 3600000),
             (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000));
    return buf;
}

std::string format_date(int64_t ms) {
    int y; unsigned mo, d;
    civil_from_days(floor_div(ms, 86400000), y, mo, d);
    char buf[16];
    snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, mo, d);
    return buf;
}

static bool digits(std::string_view s, size_t pos, size_t n, int& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

static unsigned days_in_month(int y, unsigned m) {
    static const unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

bool is_valid_date(std::string_view s) {
    int y, m, d;
    return s.size() == 10 && digits(s, 0, 4, y) && s[4] == '-' && digits(s, 5, 2, m) && s[7] == '-' &&
           digits(s, 8, 2, d) && m >= 1 && m <= 12 && d >= 1 && d <= (int)days_in_month(y, m);
}

std::optional<int64_t> parse_datetime(std::string_view s) {
    if (s.size() < 10 || !is_valid_date(s.substr(0, 10))) return std::nullopt;
    int y, mo, d, h = 0, mi = 0, se = 0, ms = 0;
    digits(s, 0, 4, y); digits(s, 5, 2, mo); digits(s, 8, 2, d);
    size_t p = 10;
    int64_t offset_min = 0;
    if (p < s.size()) {
        if (s[p] != 'T' && s[p] != ' ') return std::nullopt;
        if (!digits(s, p + 1, 2, h) || p + 3 >= s.size() || s[p + 3] != ':' || !digits(s, p + 4, 2, mi)) return std::nullopt;
        p += 6;
        if (p < s.size() && s[p] == ':') {
            if (!digits(s, p + 1, 2, se)) return std::nullopt;
            p += 3;
            if (p < s.size() && s[p] == '.') {
                size_t q = p + 1;
                int scale = 100;
                while (q < s.size() && s[q] >= '0' && s[q] <= '9') {
                    ms += (s[q] - '0') * scale;
                    scale /= 10;
                    q++;
                }
                if (q == p + 1) return std::nullopt;
                p = q;
            }
        }
        if (p < s.size()) {
            if (s[p] == 'Z' && p + 1 == s.size()) p++;
            else if ((s[p] == '+' || s[p] == '-') && p + 6 == s.size() && s[p + 3] == ':') {
                int oh, om;
                if (!digits(s, p + 1, 2, oh) || !digits(s, p + 4, 2, om)) return std::nullopt;
                offset_min = (s[p] == '-' ? -1 : 1) * (oh * 60 + om);
                p += 6;
            } else return std::nullopt;
        }
        if (h > 23 || mi > 59 || se > 60) return std::nullopt;
    }
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    return days * 86400000 + h * 3600000LL + mi * 60000LL + se * 1000LL + ms - offset_min * 60000;
}

//-----------------------------------------------------------------------------
// Ids and strings
//-----------------------------------------------------------------------------

std::string uuid_v7(int64_t ms, Rng& rng, IdClock& last) {
    uint64_t r1 = rng.next(), r2 = rng.next();
    if (ms > last.ms) {
        last.ms = ms;
        last.seq = (uint32_t)(r1 & 0x3FF);   // a random start in the lower quarter leaves room to count
    } else if (++last.seq > 0xFFF) {
        last.ms++;                           // 4,096 ids in one millisecond: borrow the next
        last.seq = 0;
    }
    uint8_t b[16];
    uint64_t t = (uint64_t)last.ms;
    for (int i = 0; i < 6; i++) b[i] = (uint8_t)(t >> (40 - 8 * i));
    b[6] = (uint8_t)(0x70 | (last.seq >> 8));   // version 7, then the sequence
    b[7] = (uint8_t)(last.seq & 0xFF);
    for (int i = 8; i < 16; i++) b[i] = (uint8_t)(r2 >> (8 * (i - 8)));
    b[8] = (uint8_t)(0x80 | (b[8] & 0x3F));   // RFC 4122 variant
    static const char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        s += hex[b[i] >> 4];
        s += hex[b[i] & 15];
    }
    return s;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    return out;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += (char)cp;
        return;
    }
    if (cp < 0x800) {
        out += (char)(0xC0 | (cp >> 6));
    } else if (cp < 0x10000) {
        out += (char)(0xE0 | (cp >> 12));
        out += (char)(0x80 | ((cp >> 6) & 0x3F));
    } else {
        out += (char)(0xF0 | (cp >> 18));
        out += (char)(0x80 | ((cp >> 12) & 0x3F));
        out += (char)(0x80 | ((cp >> 6) & 0x3F));
    }
    out += (char)(0x80 | (cp & 0x3F));
}

std::string trim(std::string_view s) {
    size_t a = 0, b = s.size();
    while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r')) a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\n' || s[b - 1] == '\r')) b--;
    return std::string(s.substr(a, b - a));
}

bool list_contains(std::string_view list, std::string_view item) {
    std::string want = ascii_lower(trim(item));
    if (want.empty()) return false;
    size_t start = 0;
    while (start <= list.size()) {
        size_t end = list.find(',', start);
        if (end == std::string_view::npos) end = list.size();
        if (ascii_lower(trim(list.substr(start, end - start))) == want) return true;
        start = end + 1;
    }
    return false;
}

long bad_utf8_at(const std::string& s) {
    size_t i = 0, n = s.size();
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || (len == 2 && c < 0xC2) || i + len > n) return (long)i;
        for (size_t k = 1; k < len; k++)
            if (((unsigned char)s[i + k] >> 6) != 2) return (long)i;
        i += len;
    }
    return -1;
}

}  // namespace crm
