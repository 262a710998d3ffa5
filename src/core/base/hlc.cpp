// hlc.cpp - see hlc.h.
#include "base/hlc.h"

#include <cstdio>

#include "base/util.h"

namespace crm {

std::string format_hlc(int64_t hlc, std::string_view device) {
    char counter[8];
    snprintf(counter, sizeof counter, "-%04X-", (unsigned)(hlc & 0xFFFF));
    std::string s = format_datetime(hlc_millis(hlc));
    s += counter;
    s += device;
    return s;
}

bool parse_hlc(std::string_view text, int64_t& hlc, std::string& device) {
    // 24 characters of time ("2026-11-30T08:00:00.000Z"), "-", 4 hex, "-", the device.
    if (text.size() < 31 || text.size() > 24 + 6 + 64 || text[23] != 'Z' || text[24] != '-' || text[29] != '-') return false;
    auto ms = parse_datetime(text.substr(0, 24));
    if (!ms || *ms < 0 || *ms >= (int64_t(1) << 47)) return false;
    int64_t counter = 0;
    for (size_t i = 25; i < 29; i++) {
        char c = text[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return false;
        counter = counter * 16 + d;
    }
    std::string_view dev = text.substr(30);
    for (char c : dev)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_')) return false;
    // The text must be exactly what format_hlc writes for it (one spelling per stamp).
    int64_t value = hlc_from_millis(*ms) | counter;
    if (format_datetime(*ms) != text.substr(0, 24)) return false;
    hlc = value;
    device = dev;
    return true;
}

}  // namespace crm
