// sla.cpp - see sla.h.
#include "workflows/sla.h"

namespace crm {

SlaTarget default_sla_target(std::string_view tier, std::string_view priority) {
    // Rows: urgent, high, normal, low. Minutes.
    static const SlaTarget gold[] = {{15, 4 * 60}, {30, 8 * 60}, {60, 24 * 60}, {4 * 60, 72 * 60}};
    static const SlaTarget silver[] = {{60, 8 * 60}, {2 * 60, 24 * 60}, {4 * 60, 48 * 60}, {8 * 60, 120 * 60}};
    static const SlaTarget bronze[] = {{4 * 60, 24 * 60}, {8 * 60, 48 * 60}, {24 * 60, 120 * 60}, {48 * 60, 240 * 60}};
    const SlaTarget* t = tier == "Gold" ? gold : tier == "Silver" ? silver : bronze;
    int row = priority == "urgent" ? 0 : priority == "high" ? 1 : priority == "low" ? 3 : 2;
    return t[row];
}

}  // namespace crm
