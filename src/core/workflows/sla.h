// sla.h - service-level targets by service tier and case priority.
//
// Defaults follow the Gold / Silver / Bronze tier table in DOMAIN.md (e-mail
// response within 1 hour, 4 hours and 24 hours at normal priority), tightened
// for higher priorities. Targets are calendar time.
#pragma once

#include <string_view>

namespace crm {

struct SlaTarget {
    int response_minutes;
    int resolution_minutes;
};

SlaTarget default_sla_target(std::string_view tier, std::string_view priority);

}  // namespace crm
